//! Training: tokens → vocabulary → sparse counts → linfa-bayes `MultinomialNb`, fitted in dense
//! batches of bounded size → the learned log-probabilities turned into a [`Model`].

use std::sync::Mutex;

use linfa::traits::FitWith;
use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa_bayes::{MultinomialNb, MultinomialNbValidParams};
use ndarray::{Array1, Array2};
use paratopic_features::{inverse_document_frequency, SparseVector, Vocabulary};
use paratopic_ingest::Tokenizer;
use rayon::prelude::*;
use serde::Deserialize;

use crate::compound::Decompounder;
use crate::config::{validate, Example, TrainConfig, ValidTrainConfig, Variant};
use crate::digest::training_digest;
use crate::error::{ClassifierError, SettingError};
use crate::featurize::Featurizer;
use crate::model::{LanguageModel, Model, ModelData, TrainingSummary};

/// linfa-bayes 0.8.1 prints every fitted class histogram through a leftover `dbg!`. Training
/// silences the process's stderr while it fits; the lock keeps two fits from racing for it.
static STDERR_GAG: Mutex<()> = Mutex::new(());

/// Trains a model on `examples` with the labels in the given order (the order of the scores in
/// every prediction). With [`TrainConfig::per_language`] and text in more than one language,
/// the model also holds one model per language, each trained on the examples identified as
/// being in that language (and on those too short to identify), and routes a paragraph to the
/// model of its language ([`Model::route`]). The settings are checked first.
pub fn train(examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<Model, ClassifierError> {
    let config = config.check()?;
    let mut data = fit_data(examples, labels, &config)?;
    if config.per_language {
        let languages: Vec<Option<&'static str>> = examples
            .par_iter()
            .map(|e| paratopic_ingest::identify_language(&e.text).filter(|l| l.reliable).map(|l| l.code))
            .collect();
        for lang in data.training.languages.clone() {
            let subset: Vec<Example> = examples
                .iter()
                .zip(&languages)
                .filter(|(_, l)| l.is_none_or(|code| code == lang))
                .map(|(e, _)| e.clone())
                .collect();
            if subset.len() == examples.len() {
                continue; // one language: nothing to route
            }
            // A language without examples of every label keeps the whole model.
            if let Ok(model) = fit_data(&subset, labels, &config.for_language(&lang)) {
                data.by_language.push(LanguageModel { lang, model });
            }
        }
    }
    Model::from_data(data).map_err(|e| ClassifierError::Fit(e.to_string()))
}

/// Fits one model (no routing).
fn fit_data(examples: &[Example], labels: &[String], config: &ValidTrainConfig) -> Result<ModelData, ClassifierError> {
    let targets = validate(examples, labels)?;
    let tokenizer = Tokenizer::new(config.tokenizer.clone());
    let (compound_parts, compounds) = if config.decompound {
        let words: Vec<Vec<String>> = examples.par_iter().map(|e| tokenizer.tokenize(&e.text)).collect();
        let (parts, compounds) = Decompounder::learn(&words);
        (parts, Some(compounds))
    } else {
        (Vec::new(), None)
    };
    let featurizer = Featurizer::new(config, tokenizer, compounds);
    let tokens: Vec<Vec<String>> =
        examples.par_iter().map(|e| featurizer.tokens(&e.text, e.section.as_deref())).collect();
    let lexicon = lexicon_tokens(featurizer.tokenizer(), config, labels)?;
    let mut vocabulary = Vocabulary::build(tokens.iter().map(Vec::as_slice), config.min_df);
    if lexicon.iter().any(|(_, t)| vocabulary.id(t).is_none()) {
        let mut terms: Vec<String> = vocabulary.terms().to_vec();
        terms.extend(lexicon.iter().map(|(_, t)| t.clone()));
        terms.sort();
        terms.dedup();
        vocabulary = Vocabulary::from_terms(terms).expect("sorted and deduplicated");
    }
    if vocabulary.is_empty() {
        return Err(ClassifierError::EmptyVocabulary);
    }
    let mut vectors: Vec<SparseVector> = tokens.par_iter().map(|t| vocabulary.vectorize(t)).collect();
    let idf = config.weighting.idf.then(|| inverse_document_frequency(&vectors, vocabulary.len()));
    for v in &mut vectors {
        config.weighting.apply(v, idf.as_deref());
    }
    let learned = fit_multinomial(&vectors, &targets, labels.len(), vocabulary.len(), config.alpha)?;
    let mut per_label = vec![0; labels.len()];
    for &t in &targets {
        per_label[t] += 1;
    }
    // The prior is the share of examples per label (linfa-bayes saw one row per label).
    let log_prior: Vec<f64> = per_label.iter().map(|&n| (n as f64 / examples.len() as f64).ln()).collect();
    let (class_bias, weights) = if config.variant == Variant::Multinomial && lexicon.is_empty() {
        // linfa-bayes's own log-probabilities, as they are.
        (log_prior, learned.feature_log_prob)
    } else {
        let mut counts = learned.feature_count;
        for &(label, ref term) in &lexicon {
            let id = vocabulary.id(term).expect("lexicon terms are in the vocabulary") as usize;
            counts[label][id] += config.lexicon.weight;
        }
        match config.variant {
            Variant::Multinomial => (log_prior, multinomial_weights(&counts, config.alpha)),
            Variant::Complement => (vec![0.0; labels.len()], complement_weights(&counts, config.alpha)),
            Variant::ComplementNormalized => {
                let mut weights = complement_weights(&counts, config.alpha);
                for row in &mut weights {
                    let total: f64 = row.iter().sum();
                    row.iter_mut().for_each(|w| *w /= total);
                }
                (vec![0.0; labels.len()], weights)
            }
        }
    };
    let training = TrainingSummary {
        examples: examples.len(),
        per_label,
        digest: training_digest(examples, labels),
        languages: training_languages(examples),
    };
    let (temperature, temperature_exponent) =
        if config.calibrate { fit_temperature(examples, labels, config) } else { (1.0, 0.0) };
    let data = ModelData {
        labels: labels.to_vec(),
        config: config.to_config(),
        training,
        vocabulary,
        compound_parts,
        idf,
        class_bias,
        weights,
        temperature,
        temperature_exponent,
        by_language: Vec::new(),
    };
    Ok(data)
}

/// Folds of the calibration's inner cross-validation.
const CALIBRATION_FOLDS: usize = 5;

/// The calibration `(t, γ)` fitted on out-of-fold scores of an inner cross-validation (seed
/// 0), or `(1, 0)` when the data is too small for one (fewer than 20 examples, or a fold that
/// cannot train).
fn fit_temperature(examples: &[Example], labels: &[String], config: &ValidTrainConfig) -> (f64, f64) {
    if examples.len() < 20 {
        return (1.0, 0.0);
    }
    let inner = config.uncalibrated_single_model().to_config();
    let Ok(targets) = validate(examples, labels) else { return (1.0, 0.0) };
    let folds: Vec<Option<usize>> =
        crate::eval::stratified_folds(&targets, CALIBRATION_FOLDS, 0).into_iter().map(Some).collect();
    match crate::eval::cross_validate_predictions(examples, labels, &inner, &folds) {
        Ok(predictions) => {
            let scored: Vec<(Vec<f64>, usize, usize)> = predictions
                .into_iter()
                .zip(&targets)
                .filter_map(|(p, &gold)| p.map(|p| (p.log_likelihood, gold, p.evidence)))
                .collect();
            crate::calibration::fit(&scored)
        }
        Err(_) => (1.0, 0.0),
    }
}

/// The languages of the examples: those that at least 5% (and 3) of the reliably identified
/// examples are written in, sorted.
fn training_languages(examples: &[Example]) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<&'static str, usize> = std::collections::BTreeMap::new();
    let mut reliable = 0;
    for e in examples {
        if let Some(lang) = paratopic_ingest::identify_language(&e.text).filter(|l| l.reliable) {
            *counts.entry(lang.code).or_default() += 1;
            reliable += 1;
        }
    }
    counts.into_iter().filter(|&(_, n)| n >= 3 && n * 20 >= reliable).map(|(code, _)| code.to_owned()).collect()
}

/// The lexicon as (label index, token) pairs, tokenized like the training text; empty when
/// the lexicon weight is 0.
fn lexicon_tokens(
    tokenizer: &Tokenizer,
    config: &ValidTrainConfig,
    labels: &[String],
) -> Result<Vec<(usize, String)>, ClassifierError> {
    let mut out = Vec::new();
    if config.lexicon.weight == 0.0 {
        return Ok(out);
    }
    for (label, words) in &config.lexicon.terms {
        let Some(index) = labels.iter().position(|l| l == label) else {
            return Err(SettingError::LexiconLabel(label.clone()).into());
        };
        for word in words {
            tokenizer.for_each_token(word, |t| out.push((index, t.to_owned())));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// log((count + alpha) / Σ(count + alpha)) per label: the multinomial estimate.
fn multinomial_weights(counts: &[Vec<f64>], alpha: f64) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|row| {
            let total: f64 = row.iter().map(|c| c + alpha).sum();
            row.iter().map(|c| ((c + alpha) / total).ln()).collect()
        })
        .collect()
}

/// Complement NB: −log((complement count + alpha) / Σ(complement count + alpha)), where the
/// complement count of a label sums the counts of every other label.
fn complement_weights(counts: &[Vec<f64>], alpha: f64) -> Vec<Vec<f64>> {
    let n_features = counts.first().map_or(0, Vec::len);
    let all: Vec<f64> = (0..n_features).map(|f| counts.iter().map(|row| row[f]).sum()).collect();
    counts
        .iter()
        .map(|row| {
            let complement: Vec<f64> = row.iter().zip(&all).map(|(c, a)| a - c + alpha).collect();
            let total: f64 = complement.iter().sum();
            complement.iter().map(|c| -(c / total).ln()).collect()
        })
        .collect()
}

/// Fits linfa-bayes `MultinomialNb` on the sufficient statistics of the sparse vectors and
/// returns what it learned for every term.
///
/// The statistics are the per-label sums of the vectors (one dense row per label), so memory
/// is labels × terms whatever the corpus size. Terms whose per-label counts are identical
/// (most rare words) share one column, and one extra "ballast" column per label carries the
/// smoothing mass of the columns left out, so that linfa-bayes's normalizer
/// Σ(count + alpha) is that of the full vocabulary and every log-probability is the one a fit
/// on all rows gives. This matters because linfa-bayes 0.8.1 prints every fitted array through
/// a leftover `dbg!` (silenced, but each number still costs unbuffered writes): on the gnad
/// news set 48k terms have 7k distinct count columns.
pub(crate) fn fit_multinomial(
    vectors: &[SparseVector],
    targets: &[usize],
    n_labels: usize,
    n_features: usize,
    alpha: f64,
) -> Result<Learned, ClassifierError> {
    let params: MultinomialNbValidParams<f64, usize> =
        MultinomialNb::params().alpha(alpha).check().map_err(|e| ClassifierError::Fit(e.to_string()))?;
    let mut sums = vec![vec![0.0f64; n_features]; n_labels];
    for (v, &t) in vectors.iter().zip(targets) {
        for &(f, x) in v.entries() {
            sums[t][f as usize] += x;
        }
    }
    // Columns with the same counts for every label share one column, numbered in term order.
    let mut group_of = vec![0usize; n_features];
    let mut groups: Vec<usize> = Vec::new();
    let mut seen: std::collections::HashMap<Vec<u64>, usize> = std::collections::HashMap::new();
    for f in 0..n_features {
        let key: Vec<u64> = sums.iter().map(|row| row[f].to_bits()).collect();
        group_of[f] = *seen.entry(key).or_insert_with(|| {
            groups.push(f);
            groups.len() - 1
        });
    }
    let n_groups = groups.len();
    let ballast = n_groups < n_features;
    let columns = n_groups + usize::from(ballast);
    let mut records = Array2::<f64>::zeros((n_labels, columns));
    for (c, row) in sums.iter().enumerate() {
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
    let fitted = {
        let _lock = STDERR_GAG.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let _silence = gag::Gag::stderr().ok();
        params.fit_with(None, &dataset).map_err(|e| ClassifierError::Fit(e.to_string()))?
    };
    let grouped = extract(&fitted, n_labels, columns)?;
    let expand = |rows: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
        rows.into_iter().map(|row| group_of.iter().map(|&g| row[g]).collect()).collect()
    };
    Ok(Learned { feature_log_prob: expand(grouped.feature_log_prob), feature_count: expand(grouped.feature_count) })
}

/// What linfa-bayes learned, per label in label order.
pub(crate) struct Learned {
    pub feature_log_prob: Vec<Vec<f64>>,
    pub feature_count: Vec<Vec<f64>>,
}

/// Reads the per-class term counts and log-probabilities out of a fitted linfa-bayes model
/// (through its serde representation, the only public view of them), in label order.
fn extract(model: &MultinomialNb<f64, usize>, n_labels: usize, n_features: usize) -> Result<Learned, ClassifierError> {
    #[derive(Deserialize)]
    struct Fitted {
        class_info: std::collections::HashMap<usize, Histogram>,
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
    let mut fitted: Fitted = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
    let mut learned = Learned { feature_log_prob: Vec::new(), feature_count: Vec::new() };
    for label in 0..n_labels {
        let h = fitted.class_info.remove(&label).ok_or_else(|| bad(format!("class {label} missing")))?;
        if h.feature_log_prob.data.len() != n_features || h.feature_count.data.len() != n_features {
            return Err(bad(format!("class {label} has {} features", h.feature_log_prob.data.len())));
        }
        learned.feature_log_prob.push(h.feature_log_prob.data);
        learned.feature_count.push(h.feature_count.data);
    }
    Ok(learned)
}
