//! `paratopic audit`: the examples of a labeled data set whose label the out-of-fold model
//! finds least likely (confident learning, `paratopic_classifier::label_issues`), with the
//! evidence: the probability of the given label and of the one the model is confident of.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::{
    cross_validate_predictions, label_issues, stratified_folds, validate, Example, TrainConfig,
};
use serde_json::json;

pub struct AuditOptions<'a> {
    pub data: &'a Path,
    pub folds: usize,
    pub seed: u64,
    /// How many issues the table shows (the JSON lists all).
    pub count: usize,
    pub json: bool,
    /// Also write every example's out-of-fold probabilities here (JSONL), to compare with
    /// another tool on the same predictions.
    pub probabilities: Option<&'a Path>,
}

pub fn run(opts: &AuditOptions<'_>, examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<()> {
    let targets = validate(examples, labels).with_context(|| format!("{}", opts.data.display()))?;
    if opts.folds < 2 || opts.folds > examples.len() {
        bail!("--folds must be from 2 to the {} examples of {}", examples.len(), opts.data.display());
    }
    let folds = stratified_folds(&targets, opts.folds, opts.seed);
    crate::eval::every_fold_can_train(&folds, &targets, labels)?;
    let folds: Vec<Option<usize>> = folds.into_iter().map(Some).collect();
    let predictions = cross_validate_predictions(examples, labels, config, &folds)?;
    // Examples the model could not score (a language it does not read) are left out.
    let scored: Vec<(usize, Vec<f64>)> = predictions
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref()?.scored.as_ref().map(|(prediction, _)| (i, prediction.probabilities.clone())))
        .collect();
    let probabilities: Vec<Vec<f64>> = scored.iter().map(|(_, p)| p.clone()).collect();
    let given: Vec<usize> = scored.iter().map(|&(i, _)| targets[i]).collect();
    if let Some(path) = opts.probabilities {
        let mut text = String::new();
        for ((i, p), &g) in scored.iter().zip(&given) {
            let scores: serde_json::Map<String, serde_json::Value> =
                labels.iter().zip(p).map(|(l, v)| (l.clone(), json!(v))).collect();
            text.push_str(&json!({ "line": i + 1, "label": labels[g], "scores": scores }).to_string());
            text.push('\n');
        }
        let file = paratopic_staged::StagedFile::create(path).with_context(|| format!("{}", path.display()))?;
        file.file().write_all(text.as_bytes()).with_context(|| format!("{}", path.display()))?;
        file.commit().with_context(|| format!("{}", path.display()))?;
    }
    let issues: Vec<_> = label_issues(&probabilities, &given, labels.len())
        .into_iter()
        .map(|mut issue| {
            issue.index = scored[issue.index].0;
            issue
        })
        .collect();
    let mut out = String::new();
    if opts.json {
        for issue in &issues {
            let line = json!({
                "line": issue.index + 1,
                "text": examples[issue.index].text,
                "label": labels[issue.given],
                "suggested": labels[issue.suggested],
                "label_probability": issue.given_probability,
                "suggested_probability": issue.suggested_probability,
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    } else {
        out.push_str(&format!(
            "{} of {} examples of {} are confidently of another label than their own ({} folds, seed {}); the {} least likely:\n\n",
            issues.len(),
            examples.len(),
            opts.data.display(),
            opts.folds,
            opts.seed,
            issues.len().min(opts.count)
        ));
        out.push_str("| line | label | P(label) | suggested | P(suggested) | text |\n|---:|---|---:|---|---:|---|\n");
        for issue in issues.iter().take(opts.count) {
            let text: String = examples[issue.index].text.split_whitespace().collect::<Vec<_>>().join(" ");
            let short: String = text.chars().take(90).collect();
            let more = if short.len() < text.len() { "…" } else { "" };
            out.push_str(&format!(
                "| {} | {} | {:.3} | {} | {:.3} | {}{more} |\n",
                issue.index + 1,
                labels[issue.given],
                issue.given_probability,
                labels[issue.suggested],
                issue.suggested_probability,
                short.replace('|', "\\|")
            ));
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    Ok(stdout.flush()?)
}
