//! What training takes: the examples, the settings, and their checks.
//!
//! Settings follow the linfa pattern: [`TrainConfig`] is the plain, serializable settings
//! struct; [`TrainConfig::check`] turns it into a [`ValidTrainConfig`], the only form the fit
//! accepts, so an invalid setting cannot reach it.

use std::ops::Deref;

use paratopic_features::Weighting;
use paratopic_ingest::{StemLanguage, TokenizerConfig};
use serde::{Deserialize, Serialize};

use crate::error::{ClassifierError, SettingError};

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
    /// Checks every setting once; the result is what the fit takes.
    pub(crate) fn check(&self) -> Result<ValidTrainConfig, SettingError> {
        if !(self.alpha.is_finite() && self.alpha > 0.0) {
            return Err(SettingError::Alpha(self.alpha));
        }
        if !(self.lexicon.weight.is_finite() && self.lexicon.weight >= 0.0) {
            return Err(SettingError::LexiconWeight(self.lexicon.weight));
        }
        let [min, max] = self.char_ngrams;
        if min > max || (min == 0) != (max == 0) {
            return Err(SettingError::CharNgrams(self.char_ngrams));
        }
        Ok(ValidTrainConfig(self.clone()))
    }
}

/// Settings that passed [`TrainConfig::check`]; read through `Deref`, changed only by the
/// methods below, which touch no checked setting.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ValidTrainConfig(TrainConfig);

impl Deref for ValidTrainConfig {
    type Target = TrainConfig;
    fn deref(&self) -> &TrainConfig {
        &self.0
    }
}

impl ValidTrainConfig {
    /// The plain settings (saved in the model).
    pub(crate) fn to_config(&self) -> TrainConfig {
        self.0.clone()
    }

    /// The same settings for one model of all the text: no model per language.
    pub(crate) fn single_model(&self) -> Self {
        Self(TrainConfig { per_language: false, ..self.0.clone() })
    }

    /// The settings of the model of `lang` (ISO 639-1) inside a routed model: no routing, and
    /// stemming when `lang` is one of the stemmed languages.
    pub(crate) fn for_language(&self, lang: &str) -> Self {
        let mut config = self.single_model();
        if let Some(stemmer) =
            config.0.stemmed_languages.iter().any(|l| l == lang).then(|| StemLanguage::for_code(lang)).flatten()
        {
            config.0.tokenizer.stemming = true;
            config.0.tokenizer.stem_language = stemmer;
        }
        config
    }

    /// The settings of the calibration's inner cross-validation: one uncalibrated model.
    pub(crate) fn uncalibrated_single_model(&self) -> Self {
        Self(TrainConfig { calibrate: false, per_language: false, ..self.0.clone() })
    }
}

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
