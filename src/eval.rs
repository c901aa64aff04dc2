//! `paratopic eval`: stratified k-fold cross-validation with the training settings of `train`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::{cross_validate, stratified_folds, validate, Example, TrainConfig};
use serde_json::json;

pub struct EvalOptions<'a> {
    pub data: &'a Path,
    pub folds: usize,
    pub seed: u64,
    pub folds_file: Option<&'a Path>,
    pub json: bool,
}

pub fn run(opts: &EvalOptions<'_>, examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<()> {
    let targets = validate(examples, labels).with_context(|| format!("{}", opts.data.display()))?;
    let (folds, how) = match opts.folds_file {
        Some(path) => (paratopic_corpus::read_folds(path, examples.len())?, format!("folds from {}", path.display())),
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
            )
        }
    };
    let n_folds = folds.iter().max().map_or(0, |m| m + 1);
    let folds: Vec<Option<usize>> = folds.into_iter().map(Some).collect();
    let confusion = cross_validate(examples, labels, config, &folds)?;
    if opts.json {
        let report = json!({
            "data": opts.data.display().to_string(),
            "examples": examples.len(),
            "folds": n_folds,
            "accuracy": confusion.accuracy(),
            "macro_f1": confusion.macro_f1(),
            "per_label": confusion.per_label(),
            "confusion": confusion,
        });
        println!("{report}");
    } else {
        println!("cross-validation on {} ({} examples, {how})\n", opts.data.display(), examples.len());
        print!("{}", confusion.to_table());
    }
    Ok(())
}
