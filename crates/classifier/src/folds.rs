//! Folds for cross-validation: seeded stratified folds, and the out-of-fold predictions of a
//! training function. The calibration inside training and the public cross-validation
//! (`eval.rs`) both use them.

use rayon::prelude::*;

use crate::config::Example;
use crate::decide::{Labeled, Rules};
use crate::error::ClassifierError;
use crate::model::Model;

/// A small deterministic random generator (SplitMix64), so folds depend on the seed only and
/// never on a library version.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Assigns every example a fold in `0..k`, stratified by label: each label's examples are
/// shuffled (seeded) and dealt round-robin, continuing the deal across labels so that fold
/// sizes differ by at most one.
pub fn stratified_folds(targets: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64(seed);
    let mut folds = vec![0; targets.len()];
    let n_labels = targets.iter().max().map_or(0, |m| m + 1);
    let mut dealt = 0;
    for label in 0..n_labels {
        let mut members: Vec<usize> = (0..targets.len()).filter(|&i| targets[i] == label).collect();
        for i in (1..members.len()).rev() {
            members.swap(i, rng.below(i + 1));
        }
        for i in members {
            folds[i] = dealt % k.max(1);
            dealt += 1;
        }
    }
    folds
}

/// Trains `fit` on every example whose fold is not `f` (examples with no fold are always
/// trained on and never scored) and labels fold `f`, for every fold, folds in parallel;
/// returns the label of every example that has a fold (`None` for the others). Each fold's
/// examples are labeled by [`Model::label_all`] with the default [`Rules`], as `classify`
/// labels them given as the lines of one JSONL file.
pub(crate) fn out_of_fold<F>(
    examples: &[Example],
    folds: &[Option<usize>],
    fit: F,
) -> Result<Vec<Option<Labeled>>, ClassifierError>
where
    F: Fn(&[Example]) -> Result<Model, ClassifierError> + Sync,
{
    assert_eq!(examples.len(), folds.len(), "one fold entry per example");
    let mut ids: Vec<usize> = folds.iter().flatten().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let rules = Rules::default();
    let per_fold: Vec<Result<Vec<(usize, Labeled)>, ClassifierError>> = ids
        .par_iter()
        .map(|&fold| {
            let train_set: Vec<Example> =
                examples.iter().zip(folds).filter(|(_, f)| **f != Some(fold)).map(|(e, _)| e.clone()).collect();
            let model = fit(&train_set)?;
            let held_out: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] == Some(fold)).collect();
            let paragraphs: Vec<(&str, Option<&str>)> =
                held_out.iter().map(|&i| (examples[i].text.as_str(), examples[i].section.as_deref())).collect();
            let labeled = model.label_all(&paragraphs, &rules);
            Ok(held_out.into_iter().zip(labeled.into_iter().map(|(_, l)| l)).collect())
        })
        .collect();
    let mut out = vec![None; examples.len()];
    for fold in per_fold {
        for (i, p) in fold? {
            out[i] = Some(p);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_balanced_and_seeded() {
        let targets: Vec<usize> = (0..103).map(|i| usize::from(i % 10 == 0)).collect();
        let folds = stratified_folds(&targets, 5, 7);
        for f in 0..5 {
            let size = folds.iter().filter(|&&x| x == f).count();
            assert!((20..=21).contains(&size), "fold {f} has {size}");
            let minority = (0..103).filter(|&i| folds[i] == f && targets[i] == 1).count();
            assert!((2..=3).contains(&minority), "fold {f} has {minority} of label 1");
        }
        assert_eq!(folds, stratified_folds(&targets, 5, 7));
        assert_ne!(folds, stratified_folds(&targets, 5, 8));
    }
}
