//! The linfa-bayes fit: `MultinomialNb` on the class term counts, with its leftover `dbg!`
//! output silenced, and what it learned read back out.

use std::collections::HashMap;
use std::sync::Mutex;

use linfa::traits::FitWith;
use linfa::{DatasetBase, ParamGuard};
use linfa_bayes::{MultinomialNb, MultinomialNbValidParams};
use ndarray::{Array1, Array2};
use serde::Deserialize;

use crate::error::ClassifierError;

/// linfa-bayes 0.8.1 prints every fitted class histogram through a leftover `dbg!`. Training
/// silences the process's stderr while it fits; the lock keeps two fits from racing for it.
static STDERR_GAG: Mutex<()> = Mutex::new(());

/// What linfa-bayes learned, per label in label order, per term in term order.
pub(crate) struct Fitted {
    /// The term counts of each label (what the fit was given).
    pub feature_count: Vec<Vec<f64>>,
    /// log((count + alpha) / Σ(count + alpha)): the multinomial estimate.
    pub feature_log_prob: Vec<Vec<f64>>,
}

/// Fits linfa-bayes `MultinomialNb` on the term counts of each label (`counts[label][term]`:
/// the per-label sums of the training vectors, its sufficient statistics, plus any lexicon
/// pseudo-counts) and returns what it learned for every term.
///
/// linfa-bayes sees one dense row per label, so memory is labels × terms whatever the corpus
/// size. Terms whose per-label counts are identical (most rare words) share one column, and
/// one extra "ballast" column per label carries the smoothing mass of the columns left out,
/// so that linfa-bayes's normalizer Σ(count + alpha) is that of the full vocabulary and every
/// log-probability is the one a fit on all rows gives. This matters because linfa-bayes 0.8.1
/// prints every fitted array through a leftover `dbg!` (silenced, but each number still costs
/// unbuffered writes): on the gnad news set 48k terms have 7k distinct count columns.
pub(crate) fn fit_multinomial(counts: &[Vec<f64>], alpha: f64) -> Result<Fitted, ClassifierError> {
    let params: MultinomialNbValidParams<f64, usize> =
        MultinomialNb::params().alpha(alpha).check().map_err(|e| ClassifierError::Fit(e.to_string()))?;
    let n_labels = counts.len();
    let n_features = counts.first().map_or(0, Vec::len);
    // Columns with the same counts for every label share one column, numbered in term order.
    let mut group_of = vec![0usize; n_features];
    let mut groups: Vec<usize> = Vec::new();
    let mut seen: HashMap<Vec<u64>, usize> = HashMap::new();
    for f in 0..n_features {
        let key: Vec<u64> = counts.iter().map(|row| row[f].to_bits()).collect();
        group_of[f] = *seen.entry(key).or_insert_with(|| {
            groups.push(f);
            groups.len() - 1
        });
    }
    let n_groups = groups.len();
    let ballast = n_groups < n_features;
    let columns = n_groups + usize::from(ballast);
    let mut records = Array2::<f64>::zeros((n_labels, columns));
    for (c, row) in counts.iter().enumerate() {
        for (g, &f) in groups.iter().enumerate() {
            records[[c, g]] = row[f];
        }
        if ballast {
            // Σ over all terms of (count + alpha), minus what the kept columns add, minus the
            // alpha linfa-bayes adds to the ballast column itself.
            let full: f64 = row.iter().map(|x| x + alpha).sum();
            let kept: f64 = groups.iter().map(|&f| row[f] + alpha).sum();
            records[[c, n_groups]] = (full - kept - alpha).max(0.0);
        }
    }
    let dataset = DatasetBase::new(records, Array1::from_iter(0..n_labels));
    let model = {
        let _lock = STDERR_GAG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _silence = gag::Gag::stderr().ok();
        params.fit_with(None, &dataset).map_err(|e| ClassifierError::Fit(e.to_string()))?
    };
    let grouped = extract(&model, n_labels, columns)?;
    let expand = |rows: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        rows.into_iter().map(|row| group_of.iter().map(|&g| row[g]).collect()).collect()
    };
    Ok(Fitted { feature_log_prob: expand(grouped.feature_log_prob), feature_count: expand(grouped.feature_count) })
}

/// Reads the per-class term counts and log-probabilities out of a fitted linfa-bayes model
/// (through its serde representation, the only public view of them), in label order.
fn extract(model: &MultinomialNb<f64, usize>, n_labels: usize, n_features: usize) -> Result<Fitted, ClassifierError> {
    #[derive(Deserialize)]
    struct Model {
        class_info: HashMap<usize, Histogram>,
    }
    #[derive(Deserialize)]
    struct Histogram {
        feature_count: DenseArray,
        feature_log_prob: DenseArray,
    }
    #[derive(Deserialize)]
    struct DenseArray {
        data: Vec<f64>,
    }
    let bad = |what: String| ClassifierError::Fit(format!("unexpected linfa-bayes model: {what}"));
    let value = serde_json::to_value(model).map_err(|e| bad(e.to_string()))?;
    let mut fitted: Model = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    let mut out = Fitted { feature_log_prob: Vec::new(), feature_count: Vec::new() };
    for label in 0..n_labels {
        let h = fitted.class_info.remove(&label).ok_or_else(|| bad(format!("class {label} missing")))?;
        if h.feature_log_prob.data.len() != n_features || h.feature_count.data.len() != n_features {
            return Err(bad(format!("class {label} has {} features", h.feature_log_prob.data.len())));
        }
        out.feature_log_prob.push(h.feature_log_prob.data);
        out.feature_count.push(h.feature_count.data);
    }
    Ok(out)
}
