//! `paratopic eval`: stratified k-fold cross-validation with the training settings of `train`.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::metrics::Confusion;
use paratopic_classifier::{
    confidence_cuts, cross_validate_predictions, cuts_table, stratified_folds, validate, Example, Reliability,
    TrainConfig,
};
use serde_json::json;

pub struct EvalOptions<'a> {
    pub data: &'a Path,
    pub folds: usize,
    pub seed: u64,
    pub folds_file: Option<&'a Path>,
    pub json: bool,
    /// Also write the HTML report of the cross-validation here.
    pub report: Option<&'a Path>,
}

pub fn run(opts: &EvalOptions<'_>, examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<()> {
    let targets = validate(examples, labels).with_context(|| format!("{}", opts.data.display()))?;
    let (folds, how, source) = match opts.folds_file {
        Some(path) => {
            let folds = paratopic_classifier::data::read_folds(path, examples.len())?;
            (folds, format!("folds from {}", path.display()), json!({ "file": path.display().to_string() }))
        }
        None => {
            if opts.folds < 2 {
                bail!("--folds must be at least 2");
            }
            if opts.folds > examples.len() {
                bail!("--folds {} is more than the {} examples in {}", opts.folds, examples.len(), opts.data.display());
            }
            (
                stratified_folds(&targets, opts.folds, opts.seed),
                format!("{} stratified folds, seed {}", opts.folds, opts.seed),
                json!({ "stratified": opts.folds, "seed": opts.seed }),
            )
        }
    };
    every_fold_can_train(&folds, &targets, labels)?;
    let mut ids = folds.clone();
    ids.sort_unstable();
    ids.dedup();
    let folds: Vec<Option<usize>> = folds.into_iter().map(Some).collect();
    let predictions = cross_validate_predictions(examples, labels, config, &folds)?;
    let mut confusion = Confusion::new(labels);
    let mut scored = Vec::with_capacity(examples.len());
    for (labeled, &gold) in predictions.iter().zip(&targets) {
        if let Some(labeled) = labeled {
            confusion.add_labeled(gold, labeled.label);
            if let (Some(confidence), Some(label)) = (labeled.confidence(), labeled.label) {
                scored.push((confidence, gold, label));
            }
        }
    }
    if let Some(path) = opts.report {
        write_report(path, opts.data, &how, examples, labels, &targets, &predictions)?;
    }
    let reliability = Reliability::of(&scored.iter().map(|&(c, g, p)| (c, g == p)).collect::<Vec<_>>(), 10);
    let cuts = confidence_cuts(&scored, labels, &[0.0, 0.5, 0.7, 0.8, 0.9]);
    let report = if opts.json {
        let report = json!({
            "data": opts.data.display().to_string(),
            "examples": examples.len(),
            "folds": ids.len(),
            "fold_assignment": source,
            "accuracy": confusion.accuracy(),
            "macro_f1": confusion.macro_f1(),
            "per_label": confusion.per_label(),
            "confusion": confusion,
            "expected_calibration_error": reliability.ece,
            "reliability": reliability.bins.iter().map(|b| json!({
                "lower": b.lower, "count": b.count, "confidence": b.confidence, "accuracy": b.accuracy
            })).collect::<Vec<_>>(),
            "min_confidence": cuts.iter().map(|(cut, per_label)| json!({
                "p": cut,
                "per_label": per_label.iter().map(|(l, precision, coverage)| json!({
                    "label": l, "precision": precision, "coverage": coverage
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        format!("{report}\n")
    } else {
        let table = cuts_table(&cuts, labels);
        format!(
            "cross-validation on {} ({} examples, {how})\n\n{}\n{}\nwith --min-confidence P (paragraphs below P go to `other`): precision of each label among the paragraphs that keep it / share of its gold paragraphs that keep it\n{table}",
            opts.data.display(),
            examples.len(),
            confusion.to_table(),
            reliability.to_table()
        )
    };
    let mut out = std::io::stdout().lock();
    out.write_all(report.as_bytes())?;
    Ok(out.flush()?)
}

/// The HTML page of the cross-validation: every scored example a record, its gold label known.
fn write_report(
    path: &Path,
    data: &Path,
    how: &str,
    examples: &[Example],
    labels: &[String],
    targets: &[usize],
    predictions: &[Option<paratopic_classifier::Labeled>],
) -> Result<()> {
    let name = data.display().to_string();
    let mut builder = crate::report::Builder::new(labels, crate::report::Strips::Skip);
    for (i, ((e, p), &gold)) in examples.iter().zip(predictions).zip(targets).enumerate() {
        let Some(labeled) = p else { continue };
        let row = crate::report::Row {
            doc: name.clone(),
            id: None,
            paragraph: i,
            kind: paratopic_ingest::Kind::Body,
            section: e.section.clone(),
            text: crate::report::page_text(&e.text),
            label: labeled.label.map(|l| labels[l].clone()),
            confidence: labeled.confidence(),
            decision: labeled.decision.as_str().to_owned(),
            scores: match &labeled.scored {
                Some((p, _)) => labels.iter().cloned().zip(p.probabilities.iter().copied()).collect(),
                None => Vec::new(),
            },
        };
        builder.add_with_gold(row, Some(&labels[gold]));
    }
    let settings = crate::report::Settings {
        source: format!("paratopic eval --data {name}"),
        model: None,
        model_name: "a model trained per fold".to_owned(),
        evaluation_title: format!(
            "cross-validation ({how}), each example predicted by the model trained without its fold \
             (¶ is its place in the data, from 0)"
        ),
    };
    crate::report::write(path, &builder.finish(&settings))
}

/// Every fold must leave training examples of every label; a label with one example, or a
/// folds file that puts all of a label in one fold, cannot be cross-validated.
pub(crate) fn every_fold_can_train(folds: &[usize], targets: &[usize], labels: &[String]) -> Result<()> {
    for (label, name) in labels.iter().enumerate() {
        let members: Vec<usize> = (0..targets.len()).filter(|&i| targets[i] == label).map(|i| folds[i]).collect();
        if members.len() == 1 {
            bail!(
                "label {name:?} has only 1 example: the fold that holds it leaves none to train on \
                 (cross-validation needs at least 2 examples per label)"
            );
        }
        if let Some(&fold) = members.first().filter(|&&f| members.iter().all(|&m| m == f)) {
            bail!("fold {fold} holds all {} examples of label {name:?}: none are left to train on", members.len());
        }
    }
    Ok(())
}
