use std::path::PathBuf;

/// Errors raised while reading documents.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bytes are not valid UTF-8 text.
    #[error("{path}: not valid UTF-8 text (byte {offset} is not part of a UTF-8 character)")]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The first offending byte offset.
        offset: usize,
    },
}
