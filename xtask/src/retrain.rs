//! `cargo xtask retrain`: train the default model on the corpus; write the model and its card.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use paratopic_classifier::{train, Model};
use paratopic_corpus::{topics, Corpus};
use sha2::{Digest, Sha256};

use crate::project::{CARD_FILE, MODEL_FILE};

/// Trains on `corpus_dir` and writes the model and card into `out_dir/models/`.
pub fn run(corpus_dir: &Path, out_dir: &Path) -> Result<()> {
    let corpus = crate::project::load_corpus(corpus_dir)?;
    let config = crate::project::default_config(corpus_dir)?;
    let model = train(&corpus.examples(), &topics(), &config)?;
    let bytes = model.to_bytes();
    let figures = crate::eval::evaluate(&corpus, &config)?;
    let held_out = crate::eval::held_out(&crate::project::root(), corpus_dir, &corpus, &model)?;
    let card = model_card(&corpus, &model, &bytes, &figures, &held_out);
    std::fs::create_dir_all(out_dir.join("models")).with_context(|| format!("{}", out_dir.display()))?;
    crate::project::write_together(&[
        (&out_dir.join(MODEL_FILE), &bytes),
        (&out_dir.join(CARD_FILE), card.as_bytes()),
    ])?;
    eprintln!(
        "trained on {} paragraphs, {} terms; wrote {MODEL_FILE} and {CARD_FILE}",
        model.training().examples,
        model.vocabulary().len()
    );
    Ok(())
}

pub fn model_card(
    corpus: &Corpus,
    model: &Model,
    bytes: &[u8],
    figures: &crate::eval::Figures,
    held_out: &crate::eval::HeldOut,
) -> String {
    let config = model.config();
    let digest = format!("{:x}", Sha256::digest(bytes));
    let mut card = String::new();
    let _ = writeln!(card, "# Default model\n");
    let _ = writeln!(card, "Written by `cargo xtask retrain` from `corpus/`; do not edit by hand.\n");
    let _ = writeln!(card, "- model file: `{MODEL_FILE}`, SHA-256 `{digest}`");
    let _ = writeln!(card, "- training data digest: `{}`", model.training().digest);
    let _ = writeln!(card, "- labels (score order): {}", model.labels().join(", "));
    let _ = writeln!(card, "- vocabulary: {} terms", model.vocabulary().len());
    let t = &config.tokenizer;
    let w = &config.weighting;
    let _ = writeln!(
        card,
        "- settings: {:?} Naive Bayes (fitted by linfa-bayes), alpha {}, min_df {}, stop words {}, stemming {}, \
         numbers {:?}, binary counts {}, sublinear tf {}, idf {}, L2 norm {}, bigrams {}, char n-grams {:?}, \
         decompounding {}, section features {}, lexicon weight {}\n",
        config.variant,
        config.alpha,
        config.min_df,
        if t.stopwords { "removed" } else { "kept" },
        if t.stemming { "Snowball German" } else { "off" },
        t.numbers,
        w.binary,
        w.sublinear_tf,
        w.idf,
        w.l2_norm,
        config.bigrams,
        config.char_ngrams,
        config.decompound,
        config.section_features,
        config.lexicon.weight
    );
    let _ = writeln!(card, "## Training data\n");
    let _ = writeln!(
        card,
        "Seed paragraphs come from the seed documents, real ones from the train documents of `corpus/real/` \
         (labeled by reading), authored ones were written for training where real text was missing.\n"
    );
    let _ = writeln!(card, "| label | seed paragraphs | real paragraphs | authored paragraphs | total |");
    let _ = writeln!(card, "|---|---:|---:|---:|---:|");
    let (mut s_all, mut r_all, mut a_all) = (0, 0, 0);
    for (label, seed, authored, real) in corpus.counts() {
        let _ = writeln!(card, "| {label} | {seed} | {real} | {authored} | {} |", seed + real + authored);
        s_all += seed;
        r_all += real;
        a_all += authored;
    }
    let total = s_all + r_all + a_all;
    let _ = writeln!(card, "| all | {s_all} | {r_all} | {a_all} | {total} |\n");
    let _ = writeln!(
        card,
        "Real text (seed and real paragraphs): {:.1}% of the training paragraphs.\n",
        100.0 * (s_all + r_all) as f64 / total.max(1) as f64
    );
    card.push_str(&crate::eval::card_section(figures));
    let _ = writeln!(card, "\n## Held out\n");
    let _ = writeln!(
        card,
        "The model above, on data it never trained on, labeling as `classify` does by default (`--min-confidence {}`; calibration: scores divided by {:.4} · (1 + known terms)^{}, then the confidence c mapped to σ({:.4} · logit c + {:.4}); languages: {}; a model of its own for: {}).\n",
        paratopic_classifier::DEFAULT_MIN_CONFIDENCE,
        model.temperature().0,
        model.temperature().1,
        model.confidence_map().0,
        model.confidence_map().1,
        model.languages().join(", "),
        model.routed_languages().join(", ")
    );
    card.push_str(&crate::eval::held_out_text(held_out));
    card
}
