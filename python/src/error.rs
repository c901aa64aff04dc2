//! The one place Rust errors become Python exceptions.
//!
//! - a file that cannot be opened, read or written: `OSError`, built from the errno so Python
//!   picks the subclass (`FileNotFoundError`, `PermissionError`, `IsADirectoryError`, …);
//! - a model file that is not a readable paratopic model: `paratopic.ModelError` (a
//!   `ValueError`);
//! - anything else wrong with the input (a damaged document, bad training data or settings):
//!   `ValueError`.

use std::path::Path;

use paratopic_classifier::data::DataError;
use paratopic_classifier::{ClassifierError, ModelFormatError};
use paratopic_ingest::IngestError;
use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::PyErr;

pyo3::create_exception!(
    paratopic,
    ModelError,
    PyValueError,
    "A model file (or model bytes) that is not a readable paratopic model: not a model, \
     truncated, corrupted (checksum mismatch) or written by another format version."
);

/// Every error the package raises, from the library crates.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Training, loading or saving a model.
    #[error(transparent)]
    Classifier(#[from] ClassifierError),
    /// Reading a document.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Reading a lexicon file.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Model bytes that are not a model (no path to name).
    #[error("{origin}: {error}")]
    Format {
        /// Where the bytes came from.
        origin: &'static str,
        /// What is wrong with them.
        error: ModelFormatError,
    },
    /// A broken promise of the library (a bug, not bad input).
    #[error("internal error: {0}")]
    Internal(&'static str),
}

/// An `OSError` with the errno of `error` (so Python picks the subclass) and the path.
fn os_error(path: &Path, error: &std::io::Error) -> PyErr {
    let message = format!("{}: {error}", path.display());
    match error.raw_os_error() {
        Some(errno) => {
            // OSError(errno, strerror, filename) is how Python itself raises file errors.
            let strerror = std::io::Error::from_raw_os_error(errno).to_string();
            PyOSError::new_err((errno, strerror, path.display().to_string()))
        }
        None => PyOSError::new_err(message),
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        match &err {
            Error::Classifier(ClassifierError::Io { path, error })
            | Error::Ingest(IngestError::Io { path, error })
            | Error::Data(DataError::Io { path, error }) => os_error(path, error),
            Error::Classifier(ClassifierError::Format { .. }) | Error::Format { .. } => {
                ModelError::new_err(err.to_string())
            }
            Error::Internal(_) => PyRuntimeError::new_err(err.to_string()),
            Error::Classifier(_) | Error::Ingest(_) | Error::Data(_) => PyValueError::new_err(err.to_string()),
        }
    }
}
