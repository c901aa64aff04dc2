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
    /// A PDF, Word or OpenDocument file that cannot be read: damaged, truncated, or not what
    /// its name says.
    #[error("{path}: cannot read this {format} file: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// The format it was read as.
        format: &'static str,
        /// What went wrong, in one line.
        reason: String,
    },
    /// An encrypted PDF: its text cannot be read without the password.
    #[error("{path}: encrypted PDF (its text cannot be read without the password)")]
    Encrypted {
        /// The file.
        path: PathBuf,
    },
    /// A document without any text: a PDF without a text layer (a scan) or an empty document.
    #[error("{path}: no text layer (scanned?)")]
    NoText {
        /// The file.
        path: PathBuf,
    },
    /// A text stream read in pieces that is not UTF-8 after all (streams are decoded as
    /// UTF-8 when their first bytes are).
    #[error("{path}: not valid UTF-8 at byte {offset}")]
    NotUtf8 {
        /// The file, or `-` for standard input.
        path: PathBuf,
        /// The offset of the first invalid byte.
        offset: usize,
    },
}
