//! `paratopic eval`: stratified k-fold cross-validation with the training settings of `train`.

use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::{cross_validate, sorted_labels, stratified_folds, validate, TrainConfig};
use serde_json::json;

pub struct EvalOptions<'a> {
    pub data: &'a Path,
    pub folds: usize,
    pub seed: u64,
    pub folds_file: Option<&'a Path>,
    pub json: bool,
}

/// Reads `index<TAB>fold` lines (0-based record index; a header line is allowed) and returns
/// the fold of every record.
pub fn read_folds_file(path: &Path, records: usize) -> Result<Vec<usize>> {
    let name = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{name}"))?;
    let mut folds = vec![None; records];
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let fields: Vec<&str> = line.trim().split('\t').collect();
        if line.trim().is_empty() || (n == 1 && fields[0].parse::<usize>().is_err()) {
            continue;
        }
        let [index, fold] = fields[..] else { bail!("{name}:{n}: expected index<TAB>fold") };
        let index: usize = index.parse().with_context(|| format!("{name}:{n}: index is not a number"))?;
        let fold: usize = fold.parse().with_context(|| format!("{name}:{n}: fold is not a number"))?;
        let Some(slot) = folds.get_mut(index) else {
            bail!("{name}:{n}: index {index} is past the last record ({records} records)")
        };
        if slot.replace(fold).is_some() {
            bail!("{name}:{n}: record {index} has a second fold");
        }
    }
    if let Some(missing) = folds.iter().position(Option::is_none) {
        bail!("{name}: record {missing} has no fold");
    }
    Ok(folds.into_iter().flatten().collect())
}

pub fn run(opts: &EvalOptions<'_>, config: &TrainConfig) -> Result<()> {
    let examples = crate::train::read_examples(opts.data)?;
    let labels = sorted_labels(&examples);
    let targets = validate(&examples, &labels).with_context(|| format!("{}", opts.data.display()))?;
    let (folds, how) = match opts.folds_file {
        Some(path) => (read_folds_file(path, examples.len())?, format!("folds from {}", path.display())),
        None => {
            if opts.folds < 2 {
                bail!("--folds must be at least 2");
            }
            (stratified_folds(&targets, opts.folds, opts.seed), format!("{} stratified folds, seed {}", opts.folds, opts.seed))
        }
    };
    let n_folds = folds.iter().max().map_or(0, |m| m + 1);
    let folds: Vec<Option<usize>> = folds.into_iter().map(Some).collect();
    let confusion = cross_validate(&examples, &labels, config, &folds)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_file_with_header_and_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.tsv");
        std::fs::write(&path, "index\tfold\n1\t0\n0\t1\n").unwrap();
        assert_eq!(read_folds_file(&path, 2).unwrap(), [1, 0]);
        assert!(read_folds_file(&path, 3).unwrap_err().to_string().contains("record 2 has no fold"));
        std::fs::write(&path, "0\t1\n5\t0\n").unwrap();
        assert!(read_folds_file(&path, 2).unwrap_err().to_string().contains(":2: index 5 is past the last record"));
    }
}
