//! `paratopic.train(..., **settings)`: the CLI's training flags as keyword arguments (the flag
//! names with underscores), turned into a [`TrainConfig`]. Defaults are
//! `TrainConfig::default()`'s, as for the flags; `--labels` is `classes` (`labels` is the
//! argument with the gold labels).

use paratopic_classifier::{Lexicon, TrainConfig, Variant};
use paratopic_ingest::{NumberPolicy, StemLanguage};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::error::Error;

/// The settings `train` takes, in the order `paratopic train --help` lists them.
pub const NAMES: &[&str] = &[
    "variant",
    "alpha",
    "min_df",
    "stopwords",
    "stemming",
    "stem_language",
    "numbers",
    "binary",
    "sublinear_tf",
    "idf",
    "l2_norm",
    "bigrams",
    "char_ngrams",
    "decompound",
    "calibrate",
    "per_language",
    "stemmed_languages",
    "section_features",
    "lexicon",
    "lexicon_weight",
    "classes",
];

/// What the settings give: the training settings and the label set, if fixed.
pub struct Settings {
    /// The training settings.
    pub config: TrainConfig,
    /// `classes=`: the label set in score order; `None`: the labels of the data, sorted.
    pub labels: Option<Vec<String>>,
}

/// Reads the keyword settings; an unknown name is a `TypeError` naming it, a bad value a
/// `ValueError` (or `TypeError` for a value of the wrong type) naming the setting.
pub fn parse(settings: Option<&Bound<'_, PyDict>>) -> PyResult<Settings> {
    let mut config = TrainConfig::default();
    let mut labels = None;
    let mut lexicon_weight = None;
    let Some(settings) = settings else { return Ok(Settings { config, labels }) };
    for (key, value) in settings.iter() {
        let name: String = key.extract()?;
        let v = Value { name: &name, value: &value };
        match name.as_str() {
            "variant" => {
                config.variant = match v.choice(&["multinomial", "complement", "complement-normalized"])? {
                    0 => Variant::Multinomial,
                    1 => Variant::Complement,
                    _ => Variant::ComplementNormalized,
                }
            }
            "alpha" => config.alpha = v.get()?,
            "min_df" => config.min_df = v.count()?,
            "stopwords" => config.tokenizer.stopwords = v.get()?,
            "stemming" => config.tokenizer.stemming = v.get()?,
            "stem_language" => {
                config.tokenizer.stem_language = match v.choice(&["german", "english"])? {
                    0 => StemLanguage::German,
                    _ => StemLanguage::English,
                }
            }
            "numbers" => {
                config.tokenizer.numbers = match v.choice(&["drop", "placeholder", "keep"])? {
                    0 => NumberPolicy::Drop,
                    1 => NumberPolicy::Placeholder,
                    _ => NumberPolicy::Keep,
                }
            }
            "binary" => config.weighting.binary = v.get()?,
            "sublinear_tf" => config.weighting.sublinear_tf = v.get()?,
            "idf" => config.weighting.idf = v.get()?,
            "l2_norm" => config.weighting.l2_norm = v.get()?,
            "bigrams" => config.bigrams = v.get()?,
            "char_ngrams" => config.char_ngrams = v.char_ngrams()?,
            "decompound" => config.decompound = v.get()?,
            "calibrate" => config.calibrate = v.get()?,
            "per_language" => config.per_language = v.get()?,
            "stemmed_languages" => {
                config.stemmed_languages = v.strings()?.into_iter().filter(|l| !l.is_empty()).collect()
            }
            "section_features" => config.section_features = v.get()?,
            "lexicon" => config.lexicon.terms = v.lexicon()?,
            "lexicon_weight" => lexicon_weight = Some(v.get::<f64>()?),
            // `--labels`, named for scikit-learn's `classes` (`labels` is the gold labels).
            "classes" => labels = Some(v.strings()?),
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "train() got an unknown setting {name:?} (settings: {})",
                    NAMES.join(", ")
                )))
            }
        }
    }
    let has_lexicon = settings.contains("lexicon")?;
    config.lexicon.weight = match (lexicon_weight, has_lexicon) {
        (Some(_), false) => return Err(PyValueError::new_err("lexicon_weight needs a lexicon")),
        (Some(w), true) => w,
        (None, true) => Lexicon::DEFAULT_WEIGHT,
        (None, false) => config.lexicon.weight,
    };
    Ok(Settings { config, labels })
}

/// One setting's value, with its name for the error messages.
struct Value<'a, 'py> {
    name: &'a str,
    value: &'a Bound<'py, PyAny>,
}

impl Value<'_, '_> {
    fn type_error(&self, expected: &str) -> PyErr {
        let found = self.value.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned());
        PyTypeError::new_err(format!("setting {}: expected {expected}, got {found}", self.name))
    }

    /// A bool, a float (ints accepted) or a str, as the target type says.
    fn get<T: for<'a, 'py> FromPyObject<'a, 'py>>(&self) -> PyResult<T> {
        self.value.extract::<T>().map_err(|e| {
            let e: PyErr = e.into();
            PyTypeError::new_err(format!("setting {}: {e}", self.name))
        })
    }

    /// A whole number, 0 or more.
    fn count(&self) -> PyResult<usize> {
        if self.value.is_instance_of::<pyo3::types::PyBool>() {
            return Err(self.type_error("a whole number"));
        }
        match self.value.extract::<i64>() {
            Ok(n) => usize::try_from(n)
                .map_err(|_| PyValueError::new_err(format!("setting {}: expected 0 or more, got {n}", self.name))),
            Err(_) => Err(self.type_error("a whole number")),
        }
    }

    /// One of `choices` (underscores taken as dashes); the index of the one given.
    fn choice(&self, choices: &[&str]) -> PyResult<usize> {
        let given: String = self.value.extract().map_err(|_| self.type_error("a str"))?;
        let normalized = given.to_ascii_lowercase().replace('_', "-");
        choices.iter().position(|c| *c == normalized).ok_or_else(|| {
            PyValueError::new_err(format!(
                "setting {}: expected one of {}, got {given:?}",
                self.name,
                choices.join(", ")
            ))
        })
    }

    /// A list of str, or one str of comma-separated items (the CLI's form).
    fn strings(&self) -> PyResult<Vec<String>> {
        if self.value.is_instance_of::<PyString>() {
            let s: String = self.value.extract()?;
            return Ok(s.split(',').map(|x| x.trim().to_owned()).collect());
        }
        self.value.extract::<Vec<String>>().map_err(|_| self.type_error("a list of str"))
    }

    /// `(min, max)`, or `n` for `(n, n)`, or `0` / `None` for off (as `--char-ngrams
    /// MIN-MAX`).
    fn char_ngrams(&self) -> PyResult<[usize; 2]> {
        let (a, b) = if self.value.is_none() {
            (0, 0)
        } else if let Ok(n) = self.value.extract::<usize>() {
            (n, n)
        } else {
            self.value.extract::<(usize, usize)>().map_err(|_| self.type_error("(min, max) whole numbers, n, or 0"))?
        };
        // The sizes themselves are checked by the classifier when it trains.
        Ok([a, b])
    }

    /// A dict `{label: [words]}`, or the path of a TOML lexicon file (`--lexicon FILE`).
    fn lexicon(&self) -> PyResult<std::collections::BTreeMap<String, Vec<String>>> {
        if let Ok(terms) = self.value.extract::<std::collections::BTreeMap<String, Vec<String>>>() {
            return Ok(terms);
        }
        match self.value.extract::<std::path::PathBuf>() {
            Ok(path) => Ok(paratopic_classifier::data::read_lexicon(&path).map_err(Error::from)?),
            Err(_) => Err(self.type_error("a dict {label: [words]} or the path of a TOML lexicon")),
        }
    }
}
