use std::path::Path;

use crate::decode::{decode, Encoding, Undecodable};
use crate::error::IngestError;

/// A decoded document: its id and its text.
///
/// Paragraph spans are byte offsets into the original file; `encoding` says how the file was
/// decoded and so how text offsets map back to file offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document id, usually the path relative to the input root.
    pub id: String,
    /// The decoded text, without a byte order mark.
    pub text: String,
    /// How the bytes were decoded.
    pub encoding: Encoding,
    /// Length of the original file in bytes (spans never pass it).
    pub source_len: usize,
}

impl Document {
    /// Decodes a document from raw bytes (see [`crate::decode`] for what is accepted; owned
    /// UTF-8 bytes become the text without a copy); `path` names the file in errors.
    pub fn from_bytes(id: impl Into<String>, bytes: impl Into<Vec<u8>>, path: &Path) -> Result<Self, IngestError> {
        let bytes = bytes.into();
        let source_len = bytes.len();
        match decode(bytes) {
            Ok((text, encoding)) => Ok(Self { id: id.into(), text, encoding, source_len }),
            Err(Undecodable::Binary(kind)) => Err(IngestError::Binary { path: path.to_path_buf(), kind }),
            Err(Undecodable::UnknownEncoding) => Err(IngestError::UnknownEncoding { path: path.to_path_buf() }),
        }
    }

    /// A document from text; a leading BOM is dropped and accounted for in the spans.
    pub fn from_text(id: impl Into<String>, mut text: String) -> Self {
        let bom = text.starts_with('\u{feff}');
        if bom {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let source_len = text.len() + if bom { 3 } else { 0 };
        Self { id: id.into(), text, encoding: Encoding::Utf8 { bom }, source_len }
    }

    /// Reads a document from a file.
    pub fn read(id: impl Into<String>, path: &Path) -> Result<Self, IngestError> {
        let bytes = std::fs::read(path).map_err(|error| IngestError::Io { path: path.to_path_buf(), error })?;
        Self::from_bytes(id, bytes, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_counted() {
        let doc = Document::from_bytes("a", b"\xef\xbb\xbfHallo", Path::new("a")).unwrap();
        assert_eq!(doc.text, "Hallo");
        assert_eq!(doc.encoding, Encoding::Utf8 { bom: true });
    }

    #[test]
    fn refusals_name_the_file() {
        let err = Document::from_bytes("a", b"\x81\x8d\x8f\x90", Path::new("x.txt")).unwrap_err();
        assert_eq!(err.to_string(), "x.txt: not text in a known encoding (expected UTF-8, UTF-16 with BOM, or Windows-1252/ISO-8859 Latin text)");
        let err = Document::from_bytes("a", b"%PDF-1.4", Path::new("y.txt")).unwrap_err();
        assert_eq!(err.to_string(), "y.txt: binary file (a PDF file)");
    }
}
