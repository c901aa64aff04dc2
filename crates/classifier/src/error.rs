use std::path::PathBuf;

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelFormatError {
    /// The file does not start with the paratopic model header.
    #[error("not a paratopic model (expected a first line starting with \"paratopic-model\")")]
    NotAModel,
    /// The file was written by another format version.
    #[error("model format version {found} is not supported (expected version {expected}); retrain the model")]
    Version {
        /// The version in the file.
        found: String,
        /// The version this build reads.
        expected: u32,
    },
    /// The header is malformed.
    #[error("malformed model header: {0}")]
    Header(String),
    /// Fewer bytes than the header announces.
    #[error("model file is truncated: expected {expected} payload bytes, found {found}")]
    Truncated {
        /// Announced length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// The payload does not match its checksum.
    #[error("model file is corrupted: SHA-256 checksum mismatch")]
    Checksum,
    /// The payload is not valid model data.
    #[error("invalid model data: {0}")]
    Payload(String),
}

/// Errors of training, applying, loading and saving models.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    /// Training needs at least two labels.
    #[error("training needs at least two labels, got {0}")]
    TooFewLabels(usize),
    /// A label in the label set is empty or appears twice.
    #[error("invalid label set: {0}")]
    LabelSet(String),
    /// An example has a label outside the label set.
    #[error("example {index}: unknown label {label:?} (known labels: {known})")]
    UnknownLabel {
        /// Index of the example.
        index: usize,
        /// Its label.
        label: String,
        /// The label set, comma-separated.
        known: String,
    },
    /// A label has no training example.
    #[error("label {0:?} has no training examples")]
    EmptyClass(String),
    /// No example has a single token in the vocabulary.
    #[error("the training data has no usable tokens")]
    EmptyVocabulary,
    /// A setting out of its range.
    #[error("invalid setting: {0}")]
    Setting(#[from] SettingError),
    /// linfa-bayes failed.
    #[error("naive bayes fitting failed: {0}")]
    Fit(String),
    /// A model file could not be read.
    #[error("{path}: {error}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        error: ModelFormatError,
    },
    /// I/O on a model file failed.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
}

/// A training setting out of its range: which setting, and the value it had.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingError {
    /// `alpha` (smoothing) must be a positive number.
    #[error("alpha must be a positive number, got {0}")]
    Alpha(f64),
    /// The lexicon weight must be finite and 0 or more.
    #[error("lexicon weight must be a finite number, 0 or more, got {0}")]
    LexiconWeight(f64),
    /// A lexicon label that is not one of the training labels.
    #[error("lexicon label {0:?} is not a training label")]
    LexiconLabel(String),
    /// Character n-gram sizes must be `[min, max]` with 1 <= min <= max, or `[0, 0]` (off).
    #[error("char_ngrams must be MIN-MAX with 1 <= MIN <= MAX, or 0 (off), got {}-{}", .0[0], .0[1])]
    CharNgrams([usize; 2]),
    /// A minimum confidence must be a probability.
    #[error("min_confidence must be a probability from 0 to 1, got {0}")]
    MinConfidence(f64),
}
