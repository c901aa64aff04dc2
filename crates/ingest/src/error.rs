use std::path::PathBuf;

/// Errors raised while reading documents.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// The file is binary (an image, a PDF, NUL bytes…), not text.
    #[error("{path}: binary file ({kind})")]
    Binary {
        /// The file.
        path: PathBuf,
        /// What it looks like.
        kind: &'static str,
    },
    /// The bytes are text in no encoding paratopic can identify with confidence.
    #[error(
        "{path}: not text in a known encoding (expected UTF-8, UTF-16 with BOM, or Windows-1252/ISO-8859 Latin text)"
    )]
    UnknownEncoding {
        /// The file.
        path: PathBuf,
    },
}
