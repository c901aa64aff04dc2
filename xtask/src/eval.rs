//! `cargo xtask eval [--check] [--table]`: evaluate the default settings on the corpus labels
//! (real seed paragraphs only; authored paragraphs are always trained on, never scored).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::metrics::Confusion;
use paratopic_classifier::{cross_validate, stratified_folds, validate, Lexicon, TrainConfig, Variant, Weighting};
use paratopic_corpus::{topics, Corpus, Origin};
use paratopic_ingest::NumberPolicy;

/// Folds of the k-fold cross-validation on the seed paragraphs, and the seed of their draw.
pub const FOLDS: usize = 5;
pub const SEED: u64 = 0;

/// The figures of one setting.
pub struct Figures {
    /// Stratified k-fold cross-validation over the seed paragraphs.
    pub cv: Confusion,
    /// Leave-one-document-out: train without one seed document's paragraphs, score them.
    pub lodo: Confusion,
}

/// Evaluates `config` on the corpus.
pub fn evaluate(corpus: &Corpus, config: &TrainConfig) -> Result<Figures> {
    let examples = corpus.examples();
    let labels = topics();
    let targets = validate(&examples, &labels)?;
    let seed: Vec<usize> =
        (0..examples.len()).filter(|&i| matches!(corpus.paragraphs[i].origin, Origin::Seed { .. })).collect();
    let seed_targets: Vec<usize> = seed.iter().map(|&i| targets[i]).collect();
    let mut cv_folds = vec![None; examples.len()];
    for (&i, fold) in seed.iter().zip(stratified_folds(&seed_targets, FOLDS, SEED)) {
        cv_folds[i] = Some(fold);
    }
    let doc_ids: Vec<&str> = corpus.documents.iter().map(|(d, _)| d.id.as_str()).collect();
    let lodo_folds: Vec<Option<usize>> = corpus
        .paragraphs
        .iter()
        .map(|p| match &p.origin {
            Origin::Seed { doc, .. } => doc_ids.iter().position(|d| d == doc),
            Origin::Authored { .. } => None,
        })
        .collect();
    Ok(Figures {
        cv: cross_validate(&examples, &labels, config, &cv_folds)?,
        lodo: cross_validate(&examples, &labels, config, &lodo_folds)?,
    })
}

/// The evaluation section of the model card.
pub fn card_section(f: &Figures) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Evaluation\n");
    let _ = writeln!(
        s,
        "Real seed paragraphs only; authored paragraphs are always in the training folds and never scored. \
         Recompute with `cargo xtask eval`; `cargo xtask eval --check` fails when a figure falls below this card.\n"
    );
    let _ = writeln!(
        s,
        "- {FOLDS}-fold cross-validation (stratified, seed {SEED}): accuracy {:.4}, macro-F1 {:.4}",
        f.cv.accuracy(),
        f.cv.macro_f1()
    );
    let _ =
        writeln!(s, "- leave-one-document-out: accuracy {:.4}, macro-F1 {:.4}\n", f.lodo.accuracy(), f.lodo.macro_f1());
    let _ = writeln!(s, "| label | CV precision | CV recall | CV F1 | LODO F1 | support |");
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|");
    for (cv, lodo) in f.cv.per_label().iter().zip(f.lodo.per_label()) {
        let _ = writeln!(
            s,
            "| {} | {:.4} | {:.4} | {:.4} | {:.4} | {} |",
            cv.label, cv.precision, cv.recall, cv.f1, lodo.f1, cv.support
        );
    }
    s
}

/// Reads the macro-F1 figures (CV, LODO) committed in a model card.
pub fn committed_figures(card: &str) -> Option<(f64, f64)> {
    let figure = |prefix: &str| {
        card.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit("macro-F1 ").next())
            .and_then(|v| v.trim().parse().ok())
    };
    Some((figure(&format!("- {FOLDS}-fold cross-validation"))?, figure("- leave-one-document-out")?))
}

/// Fails when the current figures are below the committed ones.
pub fn check(card_path: &Path, f: &Figures) -> Result<()> {
    let card = std::fs::read_to_string(card_path).with_context(|| format!("{}", card_path.display()))?;
    let (cv, lodo) =
        committed_figures(&card).with_context(|| format!("{}: no evaluation figures", card_path.display()))?;
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let (now_cv, now_lodo) = (round(f.cv.macro_f1()), round(f.lodo.macro_f1()));
    println!(
        "macro-F1 now: CV {now_cv:.4}, LODO {now_lodo:.4}; committed in {}: CV {cv:.4}, LODO {lodo:.4}",
        card_path.display()
    );
    if now_cv < cv || now_lodo < lodo {
        bail!("the model got worse: macro-F1 fell below the figures committed in {}", card_path.display());
    }
    Ok(())
}

/// The settings measured for the table: one change at a time from `base`, then combinations.
fn grid(base: &TrainConfig, lexicon: &Lexicon) -> Vec<(String, TrainConfig)> {
    let with = |f: &dyn Fn(&mut TrainConfig)| {
        let mut c = base.clone();
        f(&mut c);
        c
    };
    let lex = |w: f64| Lexicon { weight: w, terms: lexicon.terms.clone() };
    // The same change on top of complement NB.
    let cnb = |f: &dyn Fn(&mut TrainConfig)| {
        with(&|c| {
            c.variant = Variant::Complement;
            f(c);
        })
    };
    let tfidf = Weighting { binary: false, sublinear_tf: true, idf: true, l2_norm: true };
    vec![
        ("baseline: multinomial, counts, stop words, stemming, alpha 1".into(), base.clone()),
        ("stop words kept".into(), with(&|c| c.tokenizer.stopwords = false)),
        ("no stemming".into(), with(&|c| c.tokenizer.stemming = false)),
        ("numbers as <num>".into(), with(&|c| c.tokenizer.numbers = NumberPolicy::Placeholder)),
        ("sublinear tf".into(), with(&|c| c.weighting.sublinear_tf = true)),
        (
            "tf-idf, L2 norm".into(),
            with(&|c| c.weighting = Weighting { binary: false, sublinear_tf: false, idf: true, l2_norm: true }),
        ),
        ("sublinear tf-idf, L2 norm".into(), with(&|c| c.weighting = tfidf)),
        (
            "sublinear tf-idf, L2 norm, alpha 0.01".into(),
            with(&|c| {
                c.weighting = tfidf;
                c.alpha = 0.01
            }),
        ),
        ("word bigrams".into(), with(&|c| c.bigrams = true)),
        ("char n-grams 4-5".into(), with(&|c| c.char_ngrams = [4, 5])),
        ("min_df 2".into(), with(&|c| c.min_df = 2)),
        ("alpha 0.1".into(), with(&|c| c.alpha = 0.1)),
        ("alpha 0.3".into(), with(&|c| c.alpha = 0.3)),
        ("alpha 3".into(), with(&|c| c.alpha = 3.0)),
        ("section headings as features".into(), with(&|c| c.section_features = true)),
        ("lexicon prior, weight 1".into(), with(&|c| c.lexicon = lex(1.0))),
        ("lexicon prior, weight 3".into(), with(&|c| c.lexicon = lex(3.0))),
        ("lexicon prior, weight 10".into(), with(&|c| c.lexicon = lex(10.0))),
        ("complement NB".into(), cnb(&|_| {})),
        ("complement NB, weight-normalized".into(), with(&|c| c.variant = Variant::ComplementNormalized)),
        ("complement NB, alpha 0.3".into(), cnb(&|c| c.alpha = 0.3)),
        ("complement NB, binary counts (presence)".into(), cnb(&|c| c.weighting.binary = true)),
        ("complement NB, sublinear tf".into(), cnb(&|c| c.weighting.sublinear_tf = true)),
        ("complement NB, lexicon weight 3".into(), cnb(&|c| c.lexicon = lex(3.0))),
        (
            "complement NB, no stemming, stop words kept".into(),
            cnb(&|c| {
                c.tokenizer.stemming = false;
                c.tokenizer.stopwords = false;
            }),
        ),
        ("complement NB, lexicon weight 10".into(), cnb(&|c| c.lexicon = lex(10.0))),
        ("complement NB, lexicon weight 30".into(), cnb(&|c| c.lexicon = lex(30.0))),
        (
            "complement NB, no stemming, lexicon weight 10".into(),
            cnb(&|c| {
                c.tokenizer.stemming = false;
                c.lexicon = lex(10.0);
            }),
        ),
        (
            "complement NB, no stemming, lexicon weight 10, decompounding".into(),
            cnb(&|c| {
                c.tokenizer.stemming = false;
                c.lexicon = lex(10.0);
                c.decompound = true;
            }),
        ),
        ("decompounding (German compounds also count as their parts)".into(), with(&|c| c.decompound = true)),
        (
            "complement NB, min_df 2, lexicon weight 10".into(),
            cnb(&|c| {
                c.min_df = 2;
                c.lexicon = lex(10.0);
            }),
        ),
        (
            "multinomial, no stemming, alpha 0.3, lexicon weight 10".into(),
            with(&|c| {
                c.tokenizer.stemming = false;
                c.alpha = 0.3;
                c.lexicon = lex(10.0);
            }),
        ),
        ("multinomial, lexicon weight 30".into(), with(&|c| c.lexicon = lex(30.0))),
    ]
}

/// The gnad articles and the fold of each.
pub type Gnad = (Vec<paratopic_classifier::Example>, Vec<Option<usize>>);

/// The gnad benchmark (German news, 9 labels) with its fixed folds, when `../shared` has it
/// (an error when it is there but unreadable).
pub fn gnad(root: &Path) -> Result<Option<Gnad>> {
    let dir = root.join("../shared/data");
    let data = dir.join("gnad-test.jsonl");
    let folds = dir.join("gnad-folds.tsv");
    if !data.exists() || !folds.exists() {
        return Ok(None);
    }
    let examples = paratopic_corpus::read_labeled_jsonl(&data)?;
    let folds = paratopic_corpus::read_folds(&folds, examples.len())?;
    Ok(Some((examples, folds.into_iter().map(Some).collect())))
}

/// Cross-validates `config` on the gnad folds.
pub fn gnad_figures(
    examples: &[paratopic_classifier::Example],
    folds: &[Option<usize>],
    config: &TrainConfig,
) -> Result<Confusion> {
    let labels = paratopic_classifier::sorted_labels(examples);
    // The corpus lexicon is about our topics, not gnad's.
    let config = TrainConfig { lexicon: Lexicon::default(), ..config.clone() };
    Ok(cross_validate(examples, &labels, &config, folds)?)
}

/// Measures every setting of the grid and returns the table as Markdown.
pub fn table(root: &Path, corpus: &Corpus, base: &TrainConfig, lexicon: &Lexicon) -> Result<String> {
    // Without the gnad data the table would lose the committed gnad figures: refuse.
    let Some((examples, folds)) = gnad(root)? else {
        anyhow::bail!(
            "--table needs ../shared/data/gnad-test.jsonl and gnad-folds.tsv for its gnad columns; \
             docs/measurements.md is left as it is"
        );
    };
    let mut out = String::new();
    let _ = writeln!(out, "| setting | seed CV macro-F1 | seed LODO macro-F1 | gnad accuracy | gnad macro-F1 |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for (name, config) in grid(base, lexicon) {
        let f = evaluate(corpus, &config)?;
        let g = gnad_figures(&examples, &folds, &config)?;
        let row = format!(
            "| {name} | {:.4} | {:.4} | {:.4} | {:.4} |",
            f.cv.macro_f1(),
            f.lodo.macro_f1(),
            g.accuracy(),
            g.macro_f1()
        );
        eprintln!("{row}");
        let _ = writeln!(out, "{row}");
    }
    Ok(out)
}
