use std::path::Path;

use crate::error::IngestError;

const UTF8_BOM: &str = "\u{feff}";

/// A decoded document: its id and its text.
///
/// Paragraph spans are byte offsets into the original file: `text` starts at byte `offset` of
/// the file (the length of a byte order mark that was removed, otherwise 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The document id, usually the path relative to the input root.
    pub id: String,
    /// The decoded text, without a byte order mark.
    pub text: String,
    /// Where `text` starts in the original bytes.
    pub offset: usize,
}

impl Document {
    /// Builds a document from raw bytes, which must be UTF-8 (a leading BOM is dropped).
    pub fn from_bytes(id: impl Into<String>, bytes: Vec<u8>, path: &Path) -> Result<Self, IngestError> {
        let text = String::from_utf8(bytes).map_err(|e| IngestError::NotUtf8 {
            path: path.to_path_buf(),
            offset: e.utf8_error().valid_up_to(),
        })?;
        Ok(Self::from_text(id, text))
    }

    /// Builds a document from text; a leading BOM is dropped and accounted for in `offset`.
    pub fn from_text(id: impl Into<String>, mut text: String) -> Self {
        let offset = if text.starts_with(UTF8_BOM) {
            text.drain(..UTF8_BOM.len());
            UTF8_BOM.len()
        } else {
            0
        };
        Self { id: id.into(), text, offset }
    }

    /// Reads a document from a file.
    pub fn read(id: impl Into<String>, path: &Path) -> Result<Self, IngestError> {
        let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(id, bytes, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_dropped_and_counted() {
        let doc = Document::from_bytes("a", b"\xef\xbb\xbfHallo".to_vec(), Path::new("a")).unwrap();
        assert_eq!(doc.text, "Hallo");
        assert_eq!(doc.offset, 3);
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let err = Document::from_bytes("a", b"F\xf6rderung".to_vec(), Path::new("x.txt")).unwrap_err();
        assert_eq!(err.to_string(), "x.txt: not valid UTF-8 text (byte 1 is not part of a UTF-8 character)");
    }
}
