//! Training: tokens → vocabulary → sparse counts → the class term counts, fitted by
//! linfa-bayes ([`crate::fit`]) → the scorer's weights, all derived from that fit → a
//! [`Model`], with a calibrated temperature and one model per language when asked.

use paratopic_features::{inverse_document_frequency, SparseVector, Vocabulary};
use paratopic_ingest::Tokenizer;
use rayon::prelude::*;

use crate::compound::Decompounder;
use crate::config::{validate, Example, TrainConfig, ValidTrainConfig, Variant};
use crate::digest::training_digest;
use crate::error::{ClassifierError, SettingError};
use crate::featurize::Featurizer;
use crate::fit::{fit_multinomial, Fitted};
use crate::folds::{out_of_fold, stratified_folds};
use crate::model::{LanguageModel, Model, ModelData, TrainingSummary};

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

/// Trains one model (no routing) and builds its scorer.
fn train_single(examples: &[Example], labels: &[String], config: &ValidTrainConfig) -> Result<Model, ClassifierError> {
    let data = fit_data(examples, labels, config)?;
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
    // The class term counts: the per-label sums of the vectors, plus the lexicon's
    // pseudo-counts.
    let mut counts = vec![vec![0.0f64; vocabulary.len()]; labels.len()];
    for (v, &t) in vectors.iter().zip(&targets) {
        for &(f, x) in v.entries() {
            counts[t][f as usize] += x;
        }
    }
    for &(label, ref term) in &lexicon {
        let id = vocabulary.id(term).expect("lexicon terms are in the vocabulary") as usize;
        counts[label][id] += config.lexicon.weight;
    }
    let fitted = fit_multinomial(&counts, config.alpha)?;
    let mut per_label = vec![0; labels.len()];
    for &t in &targets {
        per_label[t] += 1;
    }
    let (class_bias, weights) = weights(config, fitted, &per_label);
    let training = TrainingSummary {
        examples: examples.len(),
        per_label,
        digest: training_digest(examples, labels),
        languages: training_languages(examples),
    };
    let Calibration { temperature, temperature_exponent, confidence_map } =
        if config.calibrate { calibrate(examples, labels, config) } else { Calibration::NONE };
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
        confidence_map,
        by_language: Vec::new(),
    };
    Ok(data)
}

/// The one estimate of the scorer's weights, `(class bias, weights[label][term])`, derived
/// from the linfa-bayes fit: multinomial NB takes its log-probabilities as they are, with the
/// share of examples per label as prior (linfa-bayes saw one row per label); complement NB is
/// computed from the counts it learned.
fn weights(config: &ValidTrainConfig, fitted: Fitted, per_label: &[usize]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n_examples: usize = per_label.iter().sum();
    match config.variant {
        Variant::Multinomial => {
            let log_prior = per_label.iter().map(|&n| (n as f64 / n_examples as f64).ln()).collect();
            (log_prior, fitted.feature_log_prob)
        }
        Variant::Complement => (vec![0.0; per_label.len()], complement_weights(&fitted.feature_count, config.alpha)),
        Variant::ComplementNormalized => {
            let mut weights = complement_weights(&fitted.feature_count, config.alpha);
            for row in &mut weights {
                let total: f64 = row.iter().sum();
                row.iter_mut().for_each(|w| *w /= total);
            }
            (vec![0.0; per_label.len()], weights)
        }
    }
}

/// Folds of the calibration's inner cross-validation.
const CALIBRATION_FOLDS: usize = 5;

/// How scores become probabilities: the temperature `(t, γ)` and the top-label map.
struct Calibration {
    temperature: f64,
    temperature_exponent: f64,
    confidence_map: (f64, f64),
}

impl Calibration {
    /// Plain softmax of the scores.
    const NONE: Self = Self { temperature: 1.0, temperature_exponent: 0.0, confidence_map: (1.0, 0.0) };
}

/// The calibration fitted on out-of-fold scores of an inner cross-validation (seed 0): first
/// the temperature `(t, γ)` on all the scores, then the top-label map on the tempered
/// confidences of the same predictions. [`Calibration::NONE`] when the data is too small for
/// one (fewer than 20 examples, or a fold that cannot train).
fn calibrate(examples: &[Example], labels: &[String], config: &ValidTrainConfig) -> Calibration {
    if examples.len() < 20 {
        return Calibration::NONE;
    }
    let inner = config.uncalibrated_single_model();
    let Ok(targets) = validate(examples, labels) else { return Calibration::NONE };
    let folds: Vec<Option<usize>> = stratified_folds(&targets, CALIBRATION_FOLDS, 0).into_iter().map(Some).collect();
    let Ok(predictions) = out_of_fold(examples, &folds, |set| train_single(set, labels, &inner)) else {
        return Calibration::NONE;
    };
    // Every scored example fits the temperature; the top-label map is fitted on those whose
    // label the model chose (the others show no confidence).
    let (scored, predicted): (Vec<_>, Vec<Option<usize>>) = predictions
        .into_iter()
        .zip(&targets)
        .filter_map(|(labeled, &gold)| {
            let labeled = labeled?;
            let chosen = labeled.confidence().and(labeled.label);
            let (p, _) = labeled.scored?;
            Some(((p.log_likelihood, gold, p.evidence), chosen))
        })
        .unzip();
    let (temperature, temperature_exponent) = crate::calibration::fit(&scored);
    let tops: Vec<(f64, bool)> = scored
        .iter()
        .zip(predicted)
        .filter_map(|(scored, label)| Some((scored, label?)))
        .map(|((scores, gold, n), label)| {
            let t = crate::calibration::temperature(temperature, temperature_exponent, *n);
            (crate::calibration::softmax(scores, t)[label], label == *gold)
        })
        .collect();
    let confidence_map = crate::calibration::fit_top_label(&tops);
    Calibration { temperature, temperature_exponent, confidence_map }
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
