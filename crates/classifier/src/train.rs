//! Training: tokens → vocabulary → sparse counts → linfa-bayes `MultinomialNb`, fitted in dense
//! batches of bounded size → the learned log-probabilities turned into a [`Model`].

use std::sync::Mutex;

use linfa::traits::FitWith;
use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa_bayes::{MultinomialNb, MultinomialNbValidParams};
use ndarray::{Array1, Array2};
use paratopic_features::{SparseVector, Vocabulary};
use paratopic_ingest::{Tokenizer, TokenizerConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Model, TrainingSummary};
use crate::ClassifierError;

/// Upper bound for one dense training batch, in bytes.
const BATCH_BYTES: usize = 32 << 20;

/// One labeled training paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The paragraph text.
    pub text: String,
    /// Its gold label.
    pub label: String,
}

/// Settings of training; saved in the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// How text becomes tokens.
    pub tokenizer: TokenizerConfig,
    /// Keep terms found in at least this many training paragraphs.
    pub min_df: usize,
    /// Additive (Laplace/Lidstone) smoothing.
    pub alpha: f64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self { tokenizer: TokenizerConfig::default(), min_df: 1, alpha: 1.0 }
    }
}

impl TrainConfig {
    fn check(&self) -> Result<(), ClassifierError> {
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(ClassifierError::Config(format!("alpha must be a positive number, got {}", self.alpha)));
        }
        Ok(())
    }
}

/// linfa-bayes 0.8.1 prints every fitted class histogram through a leftover `dbg!`. Training
/// silences the process's stderr while it fits; the lock keeps two fits from racing for it.
static STDERR_GAG: Mutex<()> = Mutex::new(());

/// Checks the label set and the examples before any work: at least two labels, none empty or
/// repeated, every example's label known, every label with an example.
pub fn validate(examples: &[Example], labels: &[String]) -> Result<Vec<usize>, ClassifierError> {
    if labels.len() < 2 {
        return Err(ClassifierError::TooFewLabels(labels.len()));
    }
    let mut sorted: Vec<&String> = labels.iter().collect();
    sorted.sort();
    if let Some(empty) = labels.iter().find(|l| l.trim().is_empty()) {
        return Err(ClassifierError::LabelSet(format!("empty label {empty:?}")));
    }
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(ClassifierError::LabelSet(format!("label {:?} appears twice", w[0])));
    }
    let mut targets = Vec::with_capacity(examples.len());
    let mut seen = vec![false; labels.len()];
    for (index, example) in examples.iter().enumerate() {
        let Some(target) = labels.iter().position(|l| *l == example.label) else {
            return Err(ClassifierError::UnknownLabel {
                index,
                label: example.label.clone(),
                known: labels.join(", "),
            });
        };
        seen[target] = true;
        targets.push(target);
    }
    if let Some(missing) = seen.iter().position(|s| !s) {
        return Err(ClassifierError::EmptyClass(labels[missing].clone()));
    }
    Ok(targets)
}

/// The label set of `examples` in sorted order.
pub fn sorted_labels(examples: &[Example]) -> Vec<String> {
    let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    labels.sort();
    labels.dedup();
    labels
}

/// Trains a model on `examples` with the labels in the given order (the order of the scores in
/// every prediction).
pub fn train(examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<Model, ClassifierError> {
    config.check()?;
    let targets = validate(examples, labels)?;
    let tokenizer = Tokenizer::new(config.tokenizer.clone());
    let tokens: Vec<Vec<String>> = examples.par_iter().map(|e| tokenizer.tokenize(&e.text)).collect();
    let vocabulary = Vocabulary::build(tokens.iter().map(Vec::as_slice), config.min_df);
    if vocabulary.is_empty() {
        return Err(ClassifierError::EmptyVocabulary);
    }
    let vectors: Vec<SparseVector> = tokens.par_iter().map(|t| vocabulary.vectorize(t)).collect();
    let fitted = fit_multinomial(&vectors, &targets, vocabulary.len(), config.alpha)?;
    let (class_log_prior, feature_log_prob) = extract(&fitted, labels.len(), vocabulary.len())?;
    let mut per_label = vec![0; labels.len()];
    for &t in &targets {
        per_label[t] += 1;
    }
    let training = TrainingSummary {
        examples: examples.len(),
        per_label,
        digest: training_digest(examples, labels),
    };
    Model::new(labels.to_vec(), config.clone(), training, vocabulary, class_log_prior, feature_log_prob)
}

/// SHA-256 over the label set and every example (label, text), in order.
pub fn training_digest(examples: &[Example], labels: &[String]) -> String {
    let mut hasher = Sha256::new();
    for label in labels {
        hasher.update(label.as_bytes());
        hasher.update([0x1f]);
    }
    for e in examples {
        hasher.update([0x1e]);
        hasher.update(e.label.as_bytes());
        hasher.update([0x1f]);
        hasher.update(e.text.as_bytes());
    }
    hex(&hasher.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fits linfa-bayes `MultinomialNb` on the sparse vectors, in dense batches of at most
/// [`BATCH_BYTES`], so memory stays bounded whatever the corpus size.
pub(crate) fn fit_multinomial(
    vectors: &[SparseVector],
    targets: &[usize],
    n_features: usize,
    alpha: f64,
) -> Result<MultinomialNb<f64, usize>, ClassifierError> {
    let params: MultinomialNbValidParams<f64, usize> =
        MultinomialNb::params().alpha(alpha).check().map_err(|e| ClassifierError::Fit(e.to_string()))?;
    let rows_per_batch = (BATCH_BYTES / (n_features * 8)).max(1);
    let _lock = STDERR_GAG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let _silence = gag::Gag::stderr().ok();
    let mut model = None;
    for (batch, batch_targets) in vectors.chunks(rows_per_batch).zip(targets.chunks(rows_per_batch)) {
        let mut records = Array2::<f64>::zeros((batch.len(), n_features));
        for (mut row, v) in records.rows_mut().into_iter().zip(batch) {
            v.scatter_into(row.as_slice_mut().expect("rows of a standard-layout array are contiguous"));
        }
        let dataset = DatasetBase::new(records, Array1::from(batch_targets.to_vec()));
        model = Some(params.fit_with(model, &dataset).map_err(|e| ClassifierError::Fit(e.to_string()))?);
    }
    model.ok_or_else(|| ClassifierError::Fit("no training examples".into()))
}

/// Reads the per-class log prior and feature log-probabilities out of a fitted linfa-bayes
/// model (through its serde representation, the only public view of them), in label order.
pub(crate) fn extract(
    model: &MultinomialNb<f64, usize>,
    n_labels: usize,
    n_features: usize,
) -> Result<(Vec<f64>, Vec<Vec<f64>>), ClassifierError> {
    #[derive(Deserialize)]
    struct Fitted {
        class_info: std::collections::HashMap<usize, Histogram>,
    }
    #[derive(Deserialize)]
    struct Histogram {
        prior: f64,
        feature_log_prob: DenseArray,
    }
    #[derive(Deserialize)]
    struct DenseArray {
        data: Vec<f64>,
    }
    let bad = |what: String| ClassifierError::Fit(format!("unexpected linfa-bayes model: {what}"));
    let value = serde_json::to_value(model).map_err(|e| bad(e.to_string()))?;
    let fitted: Fitted = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    let mut priors = Vec::with_capacity(n_labels);
    let mut log_probs = Vec::with_capacity(n_labels);
    for label in 0..n_labels {
        let h = fitted.class_info.get(&label).ok_or_else(|| bad(format!("class {label} missing")))?;
        if h.feature_log_prob.data.len() != n_features {
            return Err(bad(format!("class {label} has {} features", h.feature_log_prob.data.len())));
        }
        priors.push(h.prior.ln());
        log_probs.push(h.feature_log_prob.data.clone());
    }
    Ok((priors, log_probs))
}
