//! `paratopic.train(..., **settings)`: the classifier's settings table (the CLI's training
//! flags) as keyword arguments, the flag names with underscores. Each value is checked for its
//! Python type, written in the CLI's text form and set by the table's parser, so a setting
//! means the same in both. `--labels` is `classes` (`labels` is the argument with the gold
//! labels).

use paratopic_classifier::settings::{Form, SETTINGS};
use paratopic_classifier::{Lexicon, TrainConfig};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::error::Error;

/// The settings `train` takes besides the classifier's table: the data of a training run.
const DATA_SETTINGS: [&str; 3] = ["lexicon", "lexicon_weight", "classes"];

/// The settings `train` takes, in the order `paratopic train --help` lists them: the
/// classifier's table ([`SETTINGS`]), then the lexicon, its weight and the label set.
pub fn names() -> Vec<String> {
    SETTINGS.iter().map(|s| s.keyword()).chain(DATA_SETTINGS.iter().map(|s| s.to_string())).collect()
}

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
        if let Some(setting) = SETTINGS.iter().find(|s| s.keyword() == name) {
            // The value in the CLI's text form, read by the table's own parser.
            let text = match setting.form {
                Form::Bool => v.get::<bool>()?.to_string(),
                Form::Number => v.get::<f64>()?.to_string(),
                Form::Count => v.count()?.to_string(),
                Form::Choice => v.get::<String>()?,
                Form::List => v.strings()?.join(","),
                Form::Range => {
                    let [min, max] = v.char_ngrams()?;
                    format!("{min}-{max}")
                }
            };
            (setting.set)(&mut config, &text).map_err(|e| PyValueError::new_err(format!("setting {name}: {e}")))?;
            continue;
        }
        match name.as_str() {
            "lexicon" => config.lexicon.terms = v.lexicon()?,
            "lexicon_weight" => lexicon_weight = Some(v.get::<f64>()?),
            // `--labels`, named for scikit-learn's `classes` (`labels` is the gold labels).
            "classes" => labels = Some(v.strings()?),
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "train() got an unknown setting {name:?} (settings: {})",
                    names().join(", ")
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
