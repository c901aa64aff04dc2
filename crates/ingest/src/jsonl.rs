//! Paragraphs as JSON Lines: one object per line with a `text` and, depending on the reader,
//! an `id`, a `label` and a `section` (the heading the paragraph stands under). Other fields
//! are ignored. Every reader of JSONL (paragraphs to classify, labeled training data, the
//! corpus files) splits lines with [`lines`] and checks fields with [`Fields`], so line numbers
//! and messages are the same everywhere.
//!
//! ```
//! use paratopic_ingest::jsonl::{lines, Fields};
//!
//! let text = "{\"id\": 7, \"text\": \"Cyberangriffe\"}\n\n{\"text\": 3}\n";
//! let mut parsed = lines(text).map(|line| (line.number, Fields::parse(line.text, Fields::PARAGRAPH)));
//! let (n, first) = parsed.next().unwrap();
//! let first = first.unwrap();
//! assert_eq!((n, first.id().as_deref(), first.text().unwrap()), (1, Some("7"), "Cyberangriffe".to_owned()));
//! let (n, second) = parsed.next().unwrap();
//! assert_eq!((n, second.unwrap().text().unwrap_err().to_string()), (3, "\"text\" must be a string".to_owned()));
//! ```

use serde::Deserialize;
use serde_json::Value;

/// A non-blank line of JSONL text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// Its number, from 1.
    pub number: usize,
    /// Its byte offset in the text.
    pub start: usize,
    /// The line without its line end.
    pub text: &'a str,
}

/// The non-blank lines of `text`, numbered from 1. A UTF-8 byte order mark at the start is
/// skipped (offsets still count it); `\n` and `\r\n` both end a line.
pub fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let mut start = bom;
    text[bom..].split_inclusive('\n').enumerate().filter_map(move |(i, raw)| {
        let line = Line { number: i + 1, start, text: raw.trim_end_matches(['\n', '\r']) };
        start += raw.len();
        (!line.text.trim().is_empty()).then_some(line)
    })
}

/// [`lines`] read from a stream, for files too large to hold: each non-blank line with its
/// number, or the error that stopped the reading (after which the iterator ends).
pub fn read_lines<R: std::io::BufRead>(reader: R) -> impl Iterator<Item = std::io::Result<(usize, String)>> {
    let mut failed = false;
    reader
        .lines()
        .enumerate()
        .map_while(move |(i, line)| {
            if failed {
                return None;
            }
            failed = line.is_err();
            Some(line.map(|mut text| {
                if i == 0 && text.starts_with('\u{feff}') {
                    text.drain(..'\u{feff}'.len_utf8());
                }
                (i + 1, text)
            }))
        })
        .filter(|line| line.as_ref().map_or(true, |(_, text)| !text.trim().is_empty()))
}

/// Why a line is not the record its reader expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Not a JSON object (serde_json's message), with the shape the reader expects.
    #[error("{message} (expected {expected})")]
    Json {
        /// What serde_json found wrong.
        message: String,
        /// The record shape, such as `{"id": "...", "text": "..."}`.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("missing \"{0}\"")]
    Missing(&'static str),
    /// A field that must be a string is not.
    #[error("\"{0}\" must be a string")]
    NotString(&'static str),
    /// A field that must say something is blank.
    #[error("empty {0}")]
    Empty(&'static str),
}

/// The fields of one JSONL record, checked when asked for: a reader that does not use
/// `label` accepts a line whatever its `label` holds.
#[derive(Debug, Deserialize)]
pub struct Fields {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    text: Option<Value>,
    #[serde(default)]
    label: Option<Value>,
    #[serde(default)]
    section: Option<Value>,
}

impl Fields {
    /// The shape of a paragraph to classify.
    pub const PARAGRAPH: &'static str = r#"{"id": "...", "text": "..."}"#;
    /// The shape of a labeled paragraph.
    pub const LABELED: &'static str = r#"{"text": "...", "label": "..."}"#;

    /// Parses one line; `expected` names the shape the reader wants, for the message.
    pub fn parse(line: &str, expected: &'static str) -> Result<Self, LineError> {
        if !line.trim_start().starts_with('{') {
            // serde would read a JSON array as the fields in order.
            return Err(LineError::Json { message: "not a JSON object".to_owned(), expected });
        }
        serde_json::from_str(line).map_err(|e| LineError::Json { message: e.to_string(), expected })
    }

    /// The required `text`.
    pub fn text(&self) -> Result<String, LineError> {
        match &self.text {
            Some(Value::String(text)) => Ok(text.clone()),
            Some(_) => Err(LineError::NotString("text")),
            None => Err(LineError::Missing("text")),
        }
    }

    /// The required, non-blank `label`.
    pub fn label(&self) -> Result<String, LineError> {
        match &self.label {
            Some(Value::String(label)) if label.trim().is_empty() => Err(LineError::Empty("label")),
            Some(Value::String(label)) => Ok(label.clone()),
            Some(_) => Err(LineError::NotString("label")),
            None => Err(LineError::Missing("label")),
        }
    }

    /// The optional `section` (absent or null: none).
    pub fn section(&self) -> Result<Option<String>, LineError> {
        match &self.section {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(section)) => Ok(Some(section.clone())),
            Some(_) => Err(LineError::NotString("section")),
        }
    }

    /// The optional `id`: a string as it is, any other JSON value as its JSON text.
    pub fn id(&self) -> Option<String> {
        match &self.id {
            None => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(other) => Some(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_in_the_text_and_blank_ones_skipped() {
        let text = "\u{feff}{\"a\": 1}\r\n\n  \n{\"b\": 2}";
        let got: Vec<Line> = lines(text).collect();
        assert_eq!(
            got,
            [Line { number: 1, start: 3, text: "{\"a\": 1}" }, Line { number: 4, start: 17, text: "{\"b\": 2}" }]
        );
        assert_eq!(&text[got[1].start..got[1].start + got[1].text.len()], "{\"b\": 2}");
    }

    #[test]
    fn a_stream_gives_the_same_lines_as_its_text() {
        let text = "\u{feff}{\"a\": 1}\r\n\n  \n{\"b\": 2}\n\n";
        let read: Vec<(usize, String)> = read_lines(text.as_bytes()).map(Result::unwrap).collect();
        let split: Vec<(usize, String)> = lines(text).map(|l| (l.number, l.text.to_owned())).collect();
        assert_eq!(read, split);
        let broken: Vec<_> = read_lines(&b"{}\n\xff\n{}\n"[..]).collect();
        assert_eq!(broken.len(), 2);
        assert!(broken[1].is_err());
    }

    #[test]
    fn fields_are_checked_one_by_one() {
        type Field = fn(&Fields) -> Result<String, LineError>;
        let cases: [(&str, Field, Result<&str, &str>); 8] = [
            (r#"{"text": "a"}"#, Fields::text, Ok("a")),
            (r#"{"id": 1}"#, Fields::text, Err("missing \"text\"")),
            (r#"{"text": ["a"]}"#, Fields::text, Err("\"text\" must be a string")),
            (r#"{"label": "ai"}"#, Fields::label, Ok("ai")),
            (r#"{"label": " "}"#, Fields::label, Err("empty label")),
            (r#"{"label": null}"#, Fields::label, Err("missing \"label\"")),
            (r#"{"section": "III."}"#, |f| f.section().map(Option::unwrap_or_default), Ok("III.")),
            (r#"{"section": 3}"#, |f| f.section().map(Option::unwrap_or_default), Err("\"section\" must be a string")),
        ];
        for (line, field, expected) in cases {
            let got = field(&Fields::parse(line, Fields::LABELED).unwrap()).map_err(|e| e.to_string());
            assert_eq!(got.as_deref().map_err(String::as_str), expected, "{line}");
        }
        let parsed = Fields::parse(r#"{"id": 4.5, "text": "a", "label": 1}"#, Fields::PARAGRAPH).unwrap();
        assert_eq!((parsed.id().as_deref(), parsed.text().as_deref()), (Some("4.5"), Ok("a")));
        assert_eq!(parsed.section(), Ok(None));
    }

    #[test]
    fn a_line_that_is_not_an_object_names_the_expected_shape() {
        let err = Fields::parse("[1, 2]", Fields::PARAGRAPH).unwrap_err().to_string();
        assert!(err.ends_with(r#"(expected {"id": "...", "text": "..."})"#), "{err}");
        assert!(Fields::parse("{\"text\": \"a\"", Fields::LABELED).is_err());
    }
}
