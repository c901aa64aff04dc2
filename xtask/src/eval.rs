//! `cargo xtask eval [--check] [--table]`: evaluate the default settings on the corpus labels
//! (real seed paragraphs only; authored paragraphs are always trained on, never scored).

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::metrics::Confusion;
use paratopic_classifier::{
    cross_validate, cross_validate_predictions, stratified_folds, validate, Lexicon, Model, Reliability, Rules,
    TrainConfig, Variant, Weighting,
};
use paratopic_corpus::{topics, Corpus, Origin};
use paratopic_ingest::NumberPolicy;

/// Folds of the k-fold cross-validation on the seed paragraphs, and the seed of their draw.
pub const FOLDS: usize = 5;
pub const SEED: u64 = 0;

/// The figures of one setting.
pub struct Figures {
    /// Stratified k-fold cross-validation over the seed paragraphs (German).
    pub cv: Confusion,
    /// Leave-one-document-out: train without one seed document's paragraphs, score them.
    pub lodo: Confusion,
    /// Reliability of the calibrated confidences in the seed cross-validation.
    pub cv_reliability: Reliability,
    /// The seed cross-validation's out-of-fold (confidence, gold, predicted) triples.
    pub cv_predictions: Vec<(f64, usize, usize)>,
    /// Stratified k-fold cross-validation over the English authored paragraphs: each scored
    /// only by a model that did not train on it (everything else always trains).
    pub en_cv: Confusion,
}

/// The held-out English dev set (real paragraphs, never trained on).
pub const EN_DEV: &str = "dev/en-real.jsonl";

/// Figures of the model trained on the whole corpus, on held-out data.
pub struct HeldOut {
    /// The real English dev set: labels and the reliability of the confidences.
    pub en_dev: Option<(Confusion, Reliability)>,
    /// The real dev documents of `corpus/real/` (each labeled as one unit, as `classify`
    /// reads a document), when there are any.
    pub real_dev: Option<RealDev>,
    /// gnad (needs `../shared/data`): out-of-domain `Sport` and `Kultur` articles given a
    /// topic at confidence ≥ 0.9 (count, of); and the `Web`/`Wirtschaft` articles about a
    /// topic (labels read by hand in `corpus/dev/gnad-web-wirtschaft-topics.tsv`) given that
    /// topic (count, of), with the confusion over all of them.
    pub gnad: Option<GnadFigures>,
}

/// The real dev documents of [`HeldOut`]: how the labels compare with the readers'.
pub struct RealDev {
    pub documents: usize,
    pub confusion: Confusion,
    pub reliability: Reliability,
    /// Paragraphs given a topic, and how many of them have it.
    pub given_topic: usize,
    pub right_topic: usize,
    /// Paragraphs whose gold label is a topic, and how many of them are given it.
    pub topic_gold: usize,
    pub topic_found: usize,
    /// Off-topic paragraphs, and how many of them are given a topic.
    pub off_topic: usize,
    pub off_topic_given: usize,
}

impl RealDev {
    fn ratio(a: usize, b: usize) -> f64 {
        a as f64 / b.max(1) as f64
    }
    pub fn topic_precision(&self) -> f64 {
        Self::ratio(self.right_topic, self.given_topic)
    }
    pub fn topic_recall(&self) -> f64 {
        Self::ratio(self.topic_found, self.topic_gold)
    }
    pub fn off_topic_given_topic(&self) -> f64 {
        Self::ratio(self.off_topic_given, self.off_topic)
    }
}

/// The default model on the real dev documents, each document one unit.
fn real_dev(corpus: &Corpus, model: &Model, rules: &Rules) -> Option<RealDev> {
    if corpus.real_dev.is_empty() {
        return None;
    }
    let labels = topics();
    let other = labels.iter().position(|l| l == "other")?;
    let mut f = RealDev {
        documents: corpus.real_dev.len(),
        confusion: Confusion::new(&labels),
        reliability: Reliability::of(&[], 10),
        given_topic: 0,
        right_topic: 0,
        topic_gold: 0,
        topic_found: 0,
        off_topic: 0,
        off_topic_given: 0,
    };
    let mut pairs = Vec::new();
    for (_, records) in &corpus.real_dev {
        let paragraphs: Vec<(&str, Option<&str>)> = records.iter().map(|r| (r.text.as_str(), None)).collect();
        for ((_, labeled), record) in model.label_all(&paragraphs, rules).iter().zip(records) {
            let gold = labels.iter().position(|l| *l == record.label)?;
            f.confusion.add_labeled(gold, labeled.label);
            let predicted = labeled.label.unwrap_or(other);
            if let Some(confidence) = labeled.confidence() {
                pairs.push((confidence, predicted == gold));
            }
            if predicted != other {
                f.given_topic += 1;
                f.right_topic += usize::from(predicted == gold);
            }
            if gold == other {
                f.off_topic += 1;
                f.off_topic_given += usize::from(predicted != other);
            } else {
                f.topic_gold += 1;
                f.topic_found += usize::from(predicted == gold);
            }
        }
    }
    f.reliability = Reliability::of(&pairs, 10);
    Some(f)
}

/// The real dev figures of `model` at each `--min-confidence` cut, as a table.
pub fn real_dev_cuts(corpus: &Corpus, model: &Model, cuts: &[f64]) -> String {
    let mut s = String::from(
        "classify --min-confidence P on the real dev documents:\n\
         | P | accuracy | topic precision | topic recall | off-topic given a topic | ECE |\n|---:|---:|---:|---:|---:|---:|\n",
    );
    for &cut in cuts {
        let rules = Rules { min_confidence: (cut > 0.0).then_some(cut), ..Rules::default() };
        if let Some(r) = real_dev(corpus, model, &rules) {
            let _ = writeln!(
                s,
                "| {cut:.1} | {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |",
                r.confusion.accuracy(),
                r.topic_precision(),
                r.topic_recall(),
                r.off_topic_given_topic(),
                r.reliability.ece
            );
        }
    }
    s
}

/// The gnad side of [`HeldOut`].
pub struct GnadFigures {
    pub out_of_domain_confident: usize,
    pub out_of_domain: usize,
    pub topic_found: usize,
    pub topic_articles: usize,
    pub web_economy: Confusion,
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
            Origin::Authored { .. } | Origin::Real { .. } => None,
        })
        .collect();
    let cv_out = cross_validate_predictions(&examples, &labels, config, &cv_folds)?;
    let mut cv = Confusion::new(&labels);
    let mut cv_predictions = Vec::new();
    for (labeled, &gold) in cv_out.iter().zip(&targets) {
        if let Some(labeled) = labeled {
            cv.add_labeled(gold, labeled.label);
            if let (Some(confidence), Some(label)) = (labeled.confidence(), labeled.label) {
                cv_predictions.push((confidence, gold, label));
            }
        }
    }
    let pairs: Vec<(f64, bool)> = cv_predictions.iter().map(|&(c, g, p)| (c, g == p)).collect();
    // English: the authored English paragraphs in folds of their own.
    let english: Vec<usize> = (0..examples.len())
        .filter(|&i| matches!(&corpus.paragraphs[i].origin, Origin::Authored { lang, .. } if lang == "en"))
        .collect();
    let en_targets: Vec<usize> = english.iter().map(|&i| targets[i]).collect();
    let mut en_folds = vec![None; examples.len()];
    for (&i, fold) in english.iter().zip(stratified_folds(&en_targets, FOLDS, SEED)) {
        en_folds[i] = Some(fold);
    }
    // The label figures do not depend on calibration (it never changes a label).
    let uncalibrated = TrainConfig { calibrate: false, ..config.clone() };
    Ok(Figures {
        cv,
        lodo: cross_validate(&examples, &labels, &uncalibrated, &lodo_folds)?,
        cv_reliability: Reliability::of(&pairs, 10),
        cv_predictions,
        en_cv: if english.is_empty() {
            Confusion::new(&labels)
        } else {
            cross_validate(&examples, &labels, &uncalibrated, &en_folds)?
        },
    })
}

/// Evaluates the model trained on the whole corpus on held-out data: the English dev set and,
/// when `../shared/data` is there, gnad.
pub fn held_out(root: &Path, corpus_dir: &Path, corpus: &Corpus, model: &Model) -> Result<HeldOut> {
    let labels = topics();
    let dev_path = corpus_dir.join(EN_DEV);
    let en_dev = if dev_path.is_file() {
        let dev = paratopic_classifier::data::read_examples(&dev_path)?;
        let targets = validate(&dev, &labels)?;
        let mut confusion = Confusion::new(&labels);
        let mut pairs = Vec::new();
        // The dev file is one unit, as `classify --input-format jsonl` reads it.
        let paragraphs: Vec<(&str, Option<&str>)> = dev.iter().map(|e| (e.text.as_str(), None)).collect();
        for ((_, labeled), &gold) in model.label_all(&paragraphs, &Rules::CLASSIFY).iter().zip(&targets) {
            confusion.add_labeled(gold, labeled.label);
            if let Some(confidence) = labeled.confidence() {
                pairs.push((confidence, labeled.label == Some(gold)));
            }
        }
        Some((confusion, Reliability::of(&pairs, 10)))
    } else {
        None
    };
    Ok(HeldOut {
        en_dev,
        real_dev: real_dev(corpus, model, &Rules::CLASSIFY),
        gnad: gnad_held_out(root, corpus_dir, model)?,
    })
}

/// The gnad out-of-domain and topic-article figures, or `None` without `../shared/data`.
fn gnad_held_out(root: &Path, corpus_dir: &Path, model: &Model) -> Result<Option<GnadFigures>> {
    let data = root.join("../shared/data/gnad-test.jsonl");
    let topics_path = corpus_dir.join("dev/gnad-web-wirtschaft-topics.tsv");
    if !data.is_file() || !topics_path.is_file() {
        return Ok(None);
    }
    // Articles by line number; an article's label is its news section.
    let articles = paratopic_classifier::data::read_labeled(&data)?;
    let labels = topics();
    let other = labels.iter().position(|l| l == "other").context("no label other")?;
    let (mut ood, mut ood_confident) = (0, 0);
    for (_, article) in &articles {
        if article.label == "Sport" || article.label == "Kultur" {
            ood += 1;
            let labeled = model.label_one(&article.text, None);
            if labeled.label != Some(other) && labeled.confidence().is_some_and(|c| c >= 0.9) {
                ood_confident += 1;
            }
        }
    }
    let mut web_economy = Confusion::new(&labels);
    let (mut topic_found, mut topic_articles) = (0, 0);
    let tsv = std::fs::read_to_string(&topics_path).with_context(|| format!("{}", topics_path.display()))?;
    for (n, row) in tsv.lines().enumerate().skip(1) {
        let fields: Vec<&str> = row.split('\t').collect();
        let at = || format!("{}:{}", topics_path.display(), n + 1);
        let line: usize = fields.first().and_then(|l| l.parse().ok()).with_context(at)?;
        let gold = fields.get(2).and_then(|t| labels.iter().position(|l| l == t)).with_context(at)?;
        let (_, article) = articles.iter().find(|(n, _)| *n == line).with_context(at)?;
        let (_, labeled) = model.label_all(&[(article.text.as_str(), None)], &Rules::CLASSIFY).swap_remove(0);
        let label = labeled.label;
        web_economy.add_labeled(gold, label);
        if gold != other {
            topic_articles += 1;
            topic_found += usize::from(label == Some(gold));
        }
    }
    Ok(Some(GnadFigures {
        out_of_domain_confident: ood_confident,
        out_of_domain: ood,
        topic_found,
        topic_articles,
        web_economy,
    }))
}

/// The held-out figures as text, for the terminal and the card.
pub fn held_out_text(h: &HeldOut) -> String {
    let mut s = String::new();
    match &h.en_dev {
        Some((c, r)) => {
            let _ = writeln!(
                s,
                "- English dev set (`corpus/{EN_DEV}`, {} real paragraphs, never trained on): accuracy {:.4}, macro-F1 {:.4}, ECE {:.4}",
                c.total(),
                c.accuracy(),
                c.macro_f1(),
                r.ece
            );
        }
        None => {
            let _ = writeln!(s, "- English dev set: `corpus/{EN_DEV}` not found");
        }
    }
    if let Some(r) = &h.real_dev {
        let _ = writeln!(
            s,
            "- real dev documents (`corpus/real/`, {} documents, {} paragraphs read by hand, never trained on; each document one unit): \
             accuracy {:.4}, topic precision {:.4} ({} of {} given a topic), topic recall {:.4} ({} of {}), \
             off-topic given a topic {:.4} ({} of {}), ECE {:.4}",
            r.documents,
            r.confusion.total(),
            r.confusion.accuracy(),
            r.topic_precision(),
            r.right_topic,
            r.given_topic,
            r.topic_recall(),
            r.topic_found,
            r.topic_gold,
            r.off_topic_given_topic(),
            r.off_topic_given,
            r.off_topic,
            r.reliability.ece
        );
    }
    match &h.gnad {
        Some(g) => {
            let _ = writeln!(
                s,
                "- gnad out of domain (`Sport`, `Kultur`): {} of {} ({:.1}%) given a topic at confidence >= 0.9",
                g.out_of_domain_confident,
                g.out_of_domain,
                100.0 * g.out_of_domain_confident as f64 / g.out_of_domain.max(1) as f64
            );
            let _ = writeln!(
                s,
                "- gnad `Web`/`Wirtschaft` articles about a topic (read by hand): {} of {} given that topic; all {}: accuracy {:.4}",
                g.topic_found,
                g.topic_articles,
                g.web_economy.total(),
                g.web_economy.accuracy()
            );
        }
        None => {
            let _ = writeln!(s, "- gnad figures: `../shared/data` not found, skipped");
        }
    }
    s
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
        writeln!(s, "- leave-one-document-out: accuracy {:.4}, macro-F1 {:.4}", f.lodo.accuracy(), f.lodo.macro_f1());
    let _ = writeln!(
        s,
        "- calibration (seed cross-validation, 10 bins): expected calibration error {:.4}",
        f.cv_reliability.ece
    );
    let _ = writeln!(
        s,
        "- English, {FOLDS}-fold cross-validation over the {} English authored paragraphs: accuracy {:.4}, macro-F1 {:.4}\n",
        f.en_cv.total(),
        f.en_cv.accuracy(),
        f.en_cv.macro_f1()
    );
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
    let examples = paratopic_classifier::data::read_examples(&data)?;
    let folds = paratopic_classifier::data::read_folds(&folds, examples.len())?;
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

pub const CURVE_START: &str = "<!-- suggest curve: written by cargo xtask curve -->";
pub const CURVE_END: &str = "<!-- end of suggest curve -->";
pub const TABLE_START: &str = "<!-- measurements: written by cargo xtask eval --table -->";
pub const TABLE_END: &str = "<!-- end of measurements -->";

/// Replaces what stands between `start` and `end` in a file (or appends both with `body`).
pub fn splice(path: &Path, start: &str, end: &str, body: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (head, tail) = match (text.find(start), text.find(end)) {
        (Some(a), Some(b)) if a < b => (&text[..a], &text[b + end.len()..]),
        _ => (text.as_str(), "\n"),
    };
    crate::project::write_together(&[(path, format!("{head}{start}\n{body}{end}{tail}").as_bytes())])?;
    println!("wrote {}", path.display());
    Ok(())
}
