//! Training: tokens → vocabulary → sparse counts → linfa-bayes `MultinomialNb`, fitted in dense
//! batches of bounded size → the learned log-probabilities turned into a [`Model`].

use std::sync::Mutex;

use linfa::traits::FitWith;
use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa_bayes::{MultinomialNb, MultinomialNbValidParams};
use ndarray::{Array1, Array2};
use paratopic_features::{
    add_bigrams, add_char_ngrams, inverse_document_frequency, SparseVector, Vocabulary, Weighting,
};
use paratopic_ingest::{StemLanguage, Tokenizer, TokenizerConfig};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::compound::Decompounder;
use crate::digest::training_digest;
use crate::model::{LanguageModel, Model, ModelData, TrainingSummary};
use crate::ClassifierError;

/// One labeled training paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Example {
    /// The paragraph text.
    pub text: String,
    /// Its gold label.
    pub label: String,
    /// The heading above the paragraph, if known (used with [`TrainConfig::section_features`]).
    #[serde(default)]
    pub section: Option<String>,
}

impl Example {
    /// An example without a section.
    pub fn new(text: impl Into<String>, label: impl Into<String>) -> Self {
        Self { text: text.into(), label: label.into(), section: None }
    }
}

/// The Naive Bayes variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Multinomial NB: log P(term | label) and the label prior.
    #[default]
    Multinomial,
    /// Complement NB (Rennie et al., 2003): a label scores high when its terms are rare in the
    /// other labels' counts; robust to unbalanced labels.
    Complement,
    /// Complement NB with weight normalization (Rennie et al., 2003, section 3.2): each label's
    /// weights are scaled to sum to 1, so labels with more text do not dominate.
    ComplementNormalized,
}

/// Indicative terms per label, added as pseudo-counts to the class term counts before the
/// weights are computed (a prior that shifts the model towards reviewed topic terms).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Lexicon {
    /// Pseudo-count added per lexicon term (0 = off).
    pub weight: f64,
    /// Words per label, as written (they go through the model's tokenizer).
    pub terms: std::collections::BTreeMap<String, Vec<String>>,
}

impl Lexicon {
    /// The weight the measurements chose (`docs/measurements.md`): the default model's, and
    /// the default of `--lexicon-weight`.
    pub const DEFAULT_WEIGHT: f64 = 10.0;
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
    /// Multinomial or complement Naive Bayes.
    #[serde(default)]
    pub variant: Variant,
    /// Term weighting (sublinear tf, idf, length normalization).
    #[serde(default)]
    pub weighting: Weighting,
    /// Add word bigrams to the unigrams.
    #[serde(default)]
    pub bigrams: bool,
    /// Add the character n-grams of every word, lengths `min..=max` (`[0, 0]` = off).
    #[serde(default)]
    pub char_ngrams: [usize; 2],
    /// Add the tokens of the section heading, marked `§`, as extra features.
    #[serde(default)]
    pub section_features: bool,
    /// Count the parts of German compounds too (`cybersicherheitsstrategie` →
    /// `cybersicherheit`, `strategie`), with parts learned from the training words.
    #[serde(default)]
    pub decompound: bool,
    /// Topic lexicon used as a prior.
    #[serde(default)]
    pub lexicon: Lexicon,
    /// Fit a temperature on out-of-fold predictions (5-fold cross-validation inside the
    /// training data) so that probabilities are calibrated.
    #[serde(default)]
    pub calibrate: bool,
    /// With text in several languages, also train one model per language and route each
    /// paragraph to the model of its language (chosen by measurement: `docs/measurements.md`).
    #[serde(default)]
    pub per_language: bool,
    /// With `per_language`: the models of these languages (ISO 639-1) stem their words with
    /// their language's Snowball stemmer (measured: English gains, real English macro-F1 0.803 →
    /// 0.852; German loses, so it is not in the default).
    #[serde(default)]
    pub stemmed_languages: Vec<String>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        // Chosen by cross-validation (docs/measurements.md): complement NB on raw counts,
        // stop words removed, no stemming, German compounds also counted as their parts (the
        // best seed figures once the corpus grew to 1,839 paragraphs in two languages).
        Self {
            tokenizer: TokenizerConfig { stemming: false, ..TokenizerConfig::default() },
            min_df: 1,
            alpha: 1.0,
            variant: Variant::Complement,
            weighting: Weighting::default(),
            bigrams: false,
            char_ngrams: [0, 0],
            section_features: false,
            decompound: true,
            lexicon: Lexicon::default(),
            calibrate: true,
            per_language: true,
            stemmed_languages: vec!["en".to_owned()],
        }
    }
}

impl TrainConfig {
    fn check(&self) -> Result<(), ClassifierError> {
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(ClassifierError::Config(format!("alpha must be a positive number, got {}", self.alpha)));
        }
        if !(self.lexicon.weight.is_finite() && self.lexicon.weight >= 0.0) {
            return Err(ClassifierError::Config(format!(
                "lexicon weight must be a finite number, 0 or more, got {}",
                self.lexicon.weight
            )));
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

/// Turns text into tokens the way a model with `config` does: the tokenizer, then bigrams
/// and section tokens when they are switched on.
pub(crate) fn featurize(
    tokenizer: &Tokenizer,
    config: &TrainConfig,
    compounds: Option<&Decompounder>,
    text: &str,
    section: Option<&str>,
) -> Vec<String> {
    let mut tokens = tokenizer.tokenize(text);
    let words = tokens.len();
    if config.bigrams {
        add_bigrams(&mut tokens);
    }
    if config.char_ngrams[1] > 0 {
        let mut grams = tokens[..words].to_vec();
        add_char_ngrams(&mut grams, config.char_ngrams[0], config.char_ngrams[1]);
        tokens.extend(grams.drain(words..));
    }
    if let Some(compounds) = compounds {
        for i in 0..words {
            if let Some((a, b)) = compounds.split(&tokens[i]) {
                let (a, b) = (a.to_owned(), b.to_owned());
                tokens.push(a);
                tokens.push(b);
            }
        }
    }
    if let (true, Some(section)) = (config.section_features, section) {
        tokenizer.for_each_token(section, |t| tokens.push(format!("§{t}")));
    }
    tokens
}

/// Trains a model on `examples` with the labels in the given order (the order of the scores in
/// every prediction). With [`TrainConfig::per_language`] and text in more than one language,
/// the model also holds one model per language, each trained on the examples identified as
/// being in that language (and on those too short to identify), and routes a paragraph to the
/// model of its language ([`Model::route`]).
pub fn train(examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<Model, ClassifierError> {
    let mut data = fit_data(examples, labels, config)?;
    if config.per_language {
        let single = TrainConfig { per_language: false, ..config.clone() };
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
            let mut config = single.clone();
            if let Some(stemmer) =
                config.stemmed_languages.contains(&lang).then(|| StemLanguage::for_code(&lang)).flatten()
            {
                config.tokenizer.stemming = true;
                config.tokenizer.stem_language = stemmer;
            }
            // A language without examples of every label keeps the whole model.
            if let Ok(model) = fit_data(&subset, labels, &config) {
                data.by_language.push(LanguageModel { lang, model });
            }
        }
    }
    Model::from_data(data).map_err(|e| ClassifierError::Fit(e.to_string()))
}

/// Fits one model (no routing).
fn fit_data(examples: &[Example], labels: &[String], config: &TrainConfig) -> Result<ModelData, ClassifierError> {
    config.check()?;
    let targets = validate(examples, labels)?;
    let tokenizer = Tokenizer::new(config.tokenizer.clone());
    let (compound_parts, compounds) = if config.decompound {
        let words: Vec<Vec<String>> = examples.par_iter().map(|e| tokenizer.tokenize(&e.text)).collect();
        let (parts, compounds) = Decompounder::learn(&words);
        (parts, Some(compounds))
    } else {
        (Vec::new(), None)
    };
    let tokens: Vec<Vec<String>> = examples
        .par_iter()
        .map(|e| featurize(&tokenizer, config, compounds.as_ref(), &e.text, e.section.as_deref()))
        .collect();
    let lexicon = lexicon_tokens(&tokenizer, config, labels)?;
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
        config: config.clone(),
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
fn fit_temperature(examples: &[Example], labels: &[String], config: &TrainConfig) -> (f64, f64) {
    if examples.len() < 20 {
        return (1.0, 0.0);
    }
    let inner = TrainConfig { calibrate: false, per_language: false, ..config.clone() };
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
    config: &TrainConfig,
    labels: &[String],
) -> Result<Vec<(usize, String)>, ClassifierError> {
    let mut out = Vec::new();
    if config.lexicon.weight == 0.0 {
        return Ok(out);
    }
    for (label, words) in &config.lexicon.terms {
        let Some(index) = labels.iter().position(|l| l == label) else {
            return Err(ClassifierError::Config(format!("lexicon label {label:?} is not a training label")));
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
