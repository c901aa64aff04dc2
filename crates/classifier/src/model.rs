//! The trained model: a compact sparse scorer with a fixed label order, numerically stable
//! probabilities, and a checksummed file format.

use std::io::Write;
use std::path::Path;

use paratopic_features::{SparseVector, Vocabulary};
use paratopic_ingest::Tokenizer;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::compound::Decompounder;
use crate::config::TrainConfig;
use crate::error::{ClassifierError, ModelFormatError};
use crate::featurize::Featurizer;
use paratopic_staged::StagedFile;

/// The model file format version this build reads and writes.
pub(crate) const FORMAT_VERSION: u32 = 1;
const MAGIC: &str = "paratopic-model";

/// What the model was trained on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingSummary {
    /// Number of training examples.
    pub examples: usize,
    /// Examples per label, in label order.
    pub per_label: Vec<usize>,
    /// SHA-256 of the label set and the examples.
    pub digest: String,
    /// The languages of the training text (ISO 639-1, sorted): each language that at least 5%
    /// of the examples identified with confidence are written in. Paragraphs in another
    /// language get no topic. Empty: not known (every paragraph is classified).
    #[serde(default)]
    pub languages: Vec<String>,
}

/// The label of one paragraph, with the probability of every label.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Index of the predicted label in [`Model::labels`].
    pub label: usize,
    /// Probability per label, in label order; they sum to 1.
    pub probabilities: Vec<f64>,
    /// Raw score per label: for multinomial NB the joint log-likelihood
    /// (log prior + Σ value × log P(term | label)); for complement NB Σ value × weight.
    pub(crate) log_likelihood: Vec<f64>,
    /// How many distinct known terms the scored vector had.
    pub evidence: usize,
}

impl Prediction {
    /// Probability of the predicted label.
    pub fn confidence(&self) -> f64 {
        self.probabilities[self.label]
    }
}

/// A trained Naive Bayes topic model.
#[derive(Debug)]
pub struct Model {
    data: ModelData,
    /// Feature-major weights: `weights[f * labels + c]` = weight of term f for label c, then
    /// [`ROW_PAD`] zeros.
    weights: Vec<f64>,
    /// Text to feature counts, as at training.
    featurizer: Featurizer,
    /// The model of each language it holds one for.
    routes: Vec<(String, Model)>,
}

/// The serialized content of a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ModelData {
    pub labels: Vec<String>,
    pub config: TrainConfig,
    pub training: TrainingSummary,
    pub vocabulary: Vocabulary,
    /// The parts compounds are split into, sorted (with `TrainConfig::decompound`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compound_parts: Vec<String>,
    /// Inverse document frequency per term, when the weighting uses it.
    pub idf: Option<Vec<f64>>,
    /// Score of each label before any term (the log prior for multinomial NB).
    pub class_bias: Vec<f64>,
    /// Class-major: `weights[c][f]` (log P(term f | label c) for multinomial NB).
    pub weights: Vec<Vec<f64>>,
    /// Scores are divided by this before the softmax ([`crate::calibration`]); 1 for a model
    /// trained without calibration.
    #[serde(default = "unit_temperature")]
    pub temperature: f64,
    /// The temperature grows with the known terms `n` of a text as `(1 + n)^exponent`.
    #[serde(default)]
    pub temperature_exponent: f64,
    /// The top-label map `c → σ(a · logit c + b)` applied to the tempered confidence,
    /// `(a, b)` ([`crate::calibration::fit_top_label`]); `(1, 0)` (left out of the file) for
    /// none.
    #[serde(default = "identity_map", skip_serializing_if = "is_identity_map")]
    pub confidence_map: (f64, f64),
    /// One model per language, trained on that language's examples (`TrainConfig::per_language`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_language: Vec<LanguageModel>,
}

/// The model of one language inside a model file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LanguageModel {
    /// ISO 639-1 code.
    pub lang: String,
    /// The model, with the same labels.
    pub model: ModelData,
}

fn unit_temperature() -> f64 {
    1.0
}

fn identity_map() -> (f64, f64) {
    (1.0, 0.0)
}

fn is_identity_map(map: &(f64, f64)) -> bool {
    *map == identity_map()
}

/// How many entries ahead [`Model::score`] asks for a weight row.
const PREFETCH_AHEAD: usize = 8;

/// The widest row [`Model::score`] adds at a fixed width, and the zeros after the last row.
const ROW_PAD: usize = 16;

impl Model {
    /// Checks model data (dimensions, finite weights) and builds the scorer.
    pub(crate) fn from_data(data: ModelData) -> Result<Self, ModelFormatError> {
        let n_labels = data.labels.len();
        let n_features = data.vocabulary.len();
        let invalid = |what: String| ModelFormatError::Payload(what);
        if n_labels < 2 {
            return Err(invalid(format!("{n_labels} labels, at least 2 expected")));
        }
        if data.class_bias.len() != n_labels || data.weights.len() != n_labels {
            return Err(invalid("label count does not match the weights".into()));
        }
        if data.training.per_label.len() != n_labels {
            return Err(invalid("label count does not match the training summary".into()));
        }
        let mut weights = vec![0.0; n_labels * n_features + ROW_PAD];
        if data.config.weighting.idf != data.idf.is_some()
            || data.idf.as_ref().is_some_and(|idf| idf.len() != n_features)
        {
            return Err(invalid("idf does not match the weighting or the vocabulary".into()));
        }
        for (c, row) in data.weights.iter().enumerate() {
            if row.len() != n_features {
                return Err(invalid(format!("label {c} has {} weights for {n_features} terms", row.len())));
            }
            for (f, &w) in row.iter().enumerate() {
                if !w.is_finite() {
                    return Err(invalid(format!("weight of term {f} for label {c} is not finite")));
                }
                weights[f * n_labels + c] = w;
            }
        }
        if !(data.temperature_exponent.is_finite() && (0.0..=4.0).contains(&data.temperature_exponent)) {
            return Err(invalid(format!("temperature exponent {} is out of range", data.temperature_exponent)));
        }
        let (slope, offset) = data.confidence_map;
        if !(slope.is_finite() && slope > 0.0 && offset.is_finite()) {
            return Err(invalid(format!("confidence map ({slope}, {offset}) is not an increasing map")));
        }
        if !(data.temperature.is_finite() && data.temperature > 0.0) {
            return Err(invalid(format!("temperature {} is not a positive number", data.temperature)));
        }
        if data.class_bias.iter().any(|p| !p.is_finite()) {
            return Err(invalid("a class prior is not finite".into()));
        }
        let mut routes = Vec::with_capacity(data.by_language.len());
        for route in &data.by_language {
            if route.model.labels != data.labels || !route.model.by_language.is_empty() {
                return Err(invalid(format!("the {} model has other labels or models of its own", route.lang)));
            }
            routes.push((route.lang.clone(), Model::from_data(route.model.clone())?));
        }
        let tokenizer = Tokenizer::new(data.config.tokenizer.clone());
        let compounds = data.config.decompound.then(|| Decompounder::from_parts(&data.compound_parts));
        let featurizer = Featurizer::new(&data.config, tokenizer, compounds);
        Ok(Self { data, weights, featurizer, routes })
    }

    /// The calibration `(t, γ)`: scores are divided by `t · (1 + n)^γ` before the softmax,
    /// `n` the known terms of the text.
    pub fn temperature(&self) -> (f64, f64) {
        (self.data.temperature, self.data.temperature_exponent)
    }

    /// The top-label map `(a, b)` applied after the temperature: the confidence `c` becomes
    /// `σ(a · logit c + b)`; `(1, 0)` for none.
    pub fn confidence_map(&self) -> (f64, f64) {
        self.data.confidence_map
    }

    /// The model for a paragraph in `lang`: the model of that language when this one holds
    /// one, else this (the model of all the training text).
    pub fn route(&self, lang: Option<&str>) -> &Model {
        lang.and_then(|code| self.routes.iter().find(|(l, _)| l == code)).map_or(self, |(_, m)| m)
    }

    /// The languages this model holds a model of its own for.
    pub fn routed_languages(&self) -> Vec<&str> {
        self.routes.iter().map(|(l, _)| l.as_str()).collect()
    }

    /// The languages the model was trained on (ISO 639-1); empty when not known.
    pub fn languages(&self) -> &[String] {
        &self.data.training.languages
    }

    /// The labels, in score order.
    pub fn labels(&self) -> &[String] {
        &self.data.labels
    }

    /// The training settings.
    pub fn config(&self) -> &TrainConfig {
        &self.data.config
    }

    /// What the model was trained on.
    pub fn training(&self) -> &TrainingSummary {
        &self.data.training
    }

    /// The vocabulary.
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.data.vocabulary
    }

    /// The tokenizer the model was trained with.
    pub fn tokenizer(&self) -> &Tokenizer {
        self.featurizer.tokenizer()
    }

    /// How the model turns text into feature counts.
    #[cfg(test)]
    pub(crate) fn featurizer(&self) -> &Featurizer {
        &self.featurizer
    }

    /// The weight of a term for every label, in label order.
    pub(crate) fn term_weights(&self, feature: u32) -> &[f64] {
        let n = self.data.labels.len();
        &self.weights[feature as usize * n..(feature as usize + 1) * n]
    }

    /// Turns a paragraph (and the heading above it, if known) into the model's feature vector,
    /// with the tokenization and weighting the model was trained with.
    pub fn vectorize(&self, text: &str, section: Option<&str>) -> SparseVector {
        let mut vector = self.featurizer.counts(&self.data.vocabulary, text, section);
        self.data.config.weighting.apply(&mut vector, self.data.idf.as_deref());
        vector
    }

    /// Scores a feature vector. Ties go to the label that comes first in the label order;
    /// probabilities use log-sum-exp, so long paragraphs never underflow.
    pub fn score(&self, vector: &SparseVector) -> Prediction {
        let n = self.data.labels.len();
        let mut jll = self.data.class_bias.clone();
        let entries = vector.entries();
        // A row of a few labels is added as a whole row of fixed width (the values past the
        // labels are thrown away), which the compiler unrolls and does two at a time; each
        // label's sum takes the same terms in the same order either way.
        match n {
            ..=4 => self.accumulate::<4>(&mut jll, entries),
            5..=8 => self.accumulate::<8>(&mut jll, entries),
            9..=ROW_PAD => self.accumulate::<ROW_PAD>(&mut jll, entries),
            _ => {
                for (i, &(f, x)) in entries.iter().enumerate() {
                    self.prefetch_row(entries, i);
                    let row = &self.weights[f as usize * n..(f as usize + 1) * n];
                    for (acc, w) in jll.iter_mut().zip(row) {
                        *acc += x * w;
                    }
                }
            }
        }
        let mut label = 0;
        for (c, &v) in jll.iter().enumerate() {
            if v > jll[label] {
                label = c;
            }
        }
        let evidence = vector.entries().len();
        let t = crate::calibration::temperature(self.data.temperature, self.data.temperature_exponent, evidence);
        let mut probabilities = crate::calibration::softmax(&jll, t);
        crate::calibration::rescale_top(&mut probabilities, label, self.data.confidence_map);
        Prediction { label, probabilities, log_likelihood: jll, evidence }
    }

    /// Adds `x` times the weight row of every entry `(f, x)` to `jll`, with accumulators of a
    /// fixed width `W` of at least the label count: the row of `W` values from the start of
    /// row `f` (the padding after the last row keeps it inside the weights).
    #[inline]
    fn accumulate<const W: usize>(&self, jll: &mut [f64], entries: &[(u32, f64)]) {
        let n = jll.len();
        let mut acc = [0.0; W];
        acc[..n].copy_from_slice(jll);
        for (i, &(f, x)) in entries.iter().enumerate() {
            self.prefetch_row(entries, i);
            let start = f as usize * n;
            let row: &[f64; W] = self.weights[start..start + W].try_into().expect("W weights");
            for c in 0..W {
                acc[c] += x * row[c];
            }
        }
        jll.copy_from_slice(&acc[..n]);
    }

    /// Rows are met far apart: asks for the row of the entry a few entries after entry `i`
    /// (its first and last value).
    #[inline]
    fn prefetch_row(&self, entries: &[(u32, f64)], i: usize) {
        if let Some(&(ahead, _)) = entries.get(i + PREFETCH_AHEAD) {
            let n = self.data.labels.len();
            crate::hint::prefetch(&self.weights[ahead as usize * n]);
            crate::hint::prefetch(&self.weights[ahead as usize * n + n - 1]);
        }
    }

    /// How much term `feature` favours `label` over its strongest rival:
    /// log P(term | label) − max over the other labels of log P(term | other).
    fn margin(&self, feature: u32, label: usize) -> f64 {
        let w = self.term_weights(feature);
        let rival =
            w.iter().enumerate().filter(|&(c, _)| c != label).map(|(_, &v)| v).fold(f64::NEG_INFINITY, f64::max);
        w[label] - rival
    }

    /// The `n` terms of `vector` that pushed it most towards `label` (count × margin over the
    /// strongest other label), strongest first; ties in term order. Only terms that favour
    /// `label` are listed, so there may be fewer than `n`.
    pub fn explain(&self, vector: &SparseVector, label: usize, n: usize) -> Vec<(String, f64)> {
        self.strongest(vector.entries().iter().map(|&(f, x)| (f, x * self.margin(f, label))), n)
    }

    /// The `n` most indicative terms of `label` in the whole vocabulary (largest margin over the
    /// strongest other label), strongest first; only terms that favour `label`.
    pub fn indicative_terms(&self, label: usize, n: usize) -> Vec<(String, f64)> {
        self.strongest((0..self.data.vocabulary.len() as u32).map(|f| (f, self.margin(f, label))), n)
    }

    /// The `n` largest positive weights of `terms`, strongest first, ties in term order.
    fn strongest(&self, terms: impl Iterator<Item = (u32, f64)>, n: usize) -> Vec<(String, f64)> {
        let mut terms: Vec<(u32, f64)> = terms.filter(|&(_, w)| w > 0.0).collect();
        terms.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        terms.into_iter().take(n).map(|(f, w)| (self.data.vocabulary.terms()[f as usize].clone(), w)).collect()
    }

    /// Serializes the model: a header line with the format version, the payload length and
    /// its SHA-256, then the payload (JSON). The same model always gives the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let payload = serde_json::to_vec(&self.data).expect("model data serializes");
        let digest = format!("{:x}", Sha256::digest(&payload));
        let mut out = format!("{MAGIC} {FORMAT_VERSION} sha256={digest} bytes={}\n", payload.len()).into_bytes();
        out.extend_from_slice(&payload);
        out
    }

    /// Reads a model from bytes written by [`Model::to_bytes`], verifying the checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelFormatError> {
        let newline = bytes.iter().take(256).position(|&b| b == b'\n');
        let header = newline.and_then(|n| std::str::from_utf8(&bytes[..n]).ok());
        let Some(header) = header.filter(|h| h.starts_with(MAGIC)) else {
            return Err(ModelFormatError::NotAModel);
        };
        let payload = &bytes[newline.unwrap_or(0) + 1..];
        let fields: Vec<&str> = header.split(' ').collect();
        let version = fields.get(1).copied().unwrap_or("");
        if version != FORMAT_VERSION.to_string() {
            return Err(ModelFormatError::Version { found: version.to_owned(), expected: FORMAT_VERSION });
        }
        let field = |name: &str| {
            fields
                .iter()
                .find_map(|f| f.strip_prefix(name))
                .ok_or_else(|| ModelFormatError::Header(format!("missing {name}")))
        };
        let digest = field("sha256=")?;
        let expected: usize =
            field("bytes=")?.parse().map_err(|_| ModelFormatError::Header("bytes= is not a number".into()))?;
        if payload.len() != expected {
            return Err(ModelFormatError::Truncated { expected, found: payload.len() });
        }
        if format!("{:x}", Sha256::digest(payload)) != digest {
            return Err(ModelFormatError::Checksum);
        }
        let data: ModelData = serde_json::from_slice(payload).map_err(|e| ModelFormatError::Payload(e.to_string()))?;
        Self::from_data(data)
    }

    /// Loads a model file.
    pub fn load(path: &Path) -> Result<Self, ClassifierError> {
        let bytes = std::fs::read(path).map_err(|error| ClassifierError::Io { path: path.to_path_buf(), error })?;
        Self::from_bytes(&bytes).map_err(|error| ClassifierError::Format { path: path.to_path_buf(), error })
    }

    /// Writes the model file atomically ([`StagedFile`]): an error leaves any previous file
    /// untouched.
    pub fn save(&self, path: &Path) -> Result<(), ClassifierError> {
        let io = |error| ClassifierError::Io { path: path.to_path_buf(), error };
        let staged = StagedFile::create(path).map_err(io)?;
        staged.file().write_all(&self.to_bytes()).map_err(io)?;
        staged.commit().map_err(io)
    }
}

#[cfg(test)]
mod score_tests {
    use crate::{train, Example, TrainConfig};

    /// The fixed-width row sums of `score` are the plain sums, to the bit, for label counts on
    /// both sides of every width (and past the widest), on the paragraphs of a seed document.
    #[test]
    fn fixed_width_rows_give_the_plain_sums() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/documents/ig-report-2025-q4-de.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let paragraphs: Vec<&str> = text.lines().map(str::trim).filter(|p| p.len() > 80).collect();
        assert!(paragraphs.len() >= 60, "{} paragraphs", paragraphs.len());
        let config = TrainConfig { calibrate: false, ..TrainConfig::default() };
        for k in [2, 3, 4, 5, 8, 9, 16, 17, 20] {
            let labels: Vec<String> = (0..k).map(|c| format!("l{c:02}")).collect();
            let examples: Vec<Example> =
                paragraphs.iter().enumerate().map(|(i, p)| Example::new(*p, labels[i % k].clone())).collect();
            let model = train(&examples, &labels, &config).unwrap();
            for p in &paragraphs {
                let v = model.vectorize(p, None);
                assert!(v.nnz() > 5);
                let mut plain = model.data.class_bias.clone();
                for &(f, x) in v.entries() {
                    for (acc, w) in plain.iter_mut().zip(model.term_weights(f)) {
                        *acc += x * w;
                    }
                }
                assert_eq!(model.score(&v).log_likelihood, plain, "{k} labels");
            }
        }
    }
}
