//! Reading the files a training or evaluation run takes: labeled data (JSONL), folds shared
//! with another tool (TSV) and a topic lexicon (TOML). Every error names the file and, where
//! there is one, the line; nothing is returned on any error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use paratopic_ingest::jsonl::{self, Fields, LineError};
use serde::Deserialize;

use crate::config::Example;

/// Errors of reading a data file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be read.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// The file is not UTF-8.
    #[error("{}: not valid UTF-8 at byte {offset}", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// A JSONL line is not a labeled paragraph.
    #[error("{}:{line}: {error}", path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        error: LineError,
    },
    /// A line of a folds or lexicon file is malformed.
    #[error("{}:{line}: {what}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it, in one line.
        what: String,
    },
    /// A labeled data file without a single example.
    #[error("{}: no examples", path.display())]
    NoExamples {
        /// The file.
        path: PathBuf,
    },
    /// A folds file that leaves a record out.
    #[error("{}: record {record} has no fold", path.display())]
    NoFold {
        /// The file.
        path: PathBuf,
        /// The record's index, from 0.
        record: usize,
    },
}

fn read_text(path: &Path) -> Result<String, DataError> {
    let bytes = std::fs::read(path).map_err(|error| DataError::Io { path: path.to_path_buf(), error })?;
    String::from_utf8(bytes)
        .map_err(|e| DataError::NotUtf8 { path: path.to_path_buf(), offset: e.utf8_error().valid_up_to() })
}

/// Reads labeled data: one `{"text": ..., "label": ...}` object per line, with an optional
/// `"section"` (the heading above the paragraph; other fields are ignored), and returns each
/// example with its line number. A UTF-8 byte order mark is skipped.
pub fn read_labeled(path: &Path) -> Result<Vec<(usize, Example)>, DataError> {
    let text = read_text(path)?;
    let example = |line: &str| -> Result<Example, LineError> {
        let fields = Fields::parse(line, Fields::LABELED)?;
        Ok(Example { section: fields.section()?, ..Example::new(fields.text()?, fields.label()?) })
    };
    let examples = jsonl::lines(&text)
        .map(|line| {
            example(line.text).map(|e| (line.number, e)).map_err(|error| DataError::Record {
                path: path.to_path_buf(),
                line: line.number,
                error,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if examples.is_empty() {
        return Err(DataError::NoExamples { path: path.to_path_buf() });
    }
    Ok(examples)
}

/// [`read_labeled`] without the line numbers.
pub fn read_examples(path: &Path) -> Result<Vec<Example>, DataError> {
    Ok(read_labeled(path)?.into_iter().map(|(_, example)| example).collect())
}

/// Reads a folds file: `index<TAB>fold` lines (0-based record index; a first line of two
/// words, such as `index<TAB>fold`, is a header), and returns the fold of each of `records`
/// records.
pub fn read_folds(path: &Path, records: usize) -> Result<Vec<usize>, DataError> {
    let text = read_text(path)?;
    let bad = |line: usize, what: String| DataError::Malformed { path: path.to_path_buf(), line, what };
    let is_word = |f: &str| !f.is_empty() && f.chars().all(|c| c.is_alphabetic() || c == '_');
    let mut folds = vec![None; records];
    for line in jsonl::lines(&text) {
        let n = line.number;
        let fields: Vec<&str> = line.text.trim().split('\t').collect();
        if n == 1 && fields.len() == 2 && fields.iter().all(|f| is_word(f)) {
            continue;
        }
        let [index, fold] = fields[..] else { return Err(bad(n, "expected index<TAB>fold".into())) };
        let index: usize = index.parse().map_err(|_| bad(n, "index is not a number".into()))?;
        let fold: usize = fold.parse().map_err(|_| bad(n, "fold is not a number".into()))?;
        let Some(slot) = folds.get_mut(index) else {
            return Err(bad(n, format!("index {index} is past the last record ({records} records)")));
        };
        if slot.replace(fold).is_some() {
            return Err(bad(n, format!("record {index} has a second fold")));
        }
    }
    if let Some(record) = folds.iter().position(Option::is_none) {
        return Err(DataError::NoFold { path: path.to_path_buf(), record });
    }
    Ok(folds.into_iter().flatten().collect())
}

/// Reads a topic lexicon: a TOML file with a `[terms]` table of word lists per label.
pub fn read_lexicon(path: &Path) -> Result<BTreeMap<String, Vec<String>>, DataError> {
    #[derive(Deserialize)]
    struct File {
        terms: BTreeMap<String, Vec<String>>,
    }
    let text = read_text(path)?;
    let file: File = toml::from_str(&text).map_err(|e| {
        // toml's own message spans several lines (it quotes the source); say it on one.
        let line = e.span().map_or(1, |span| text.get(..span.start).map_or(0, |t| t.matches('\n').count()) + 1);
        DataError::Malformed { path: path.to_path_buf(), line, what: e.message().trim().replace('\n', "; ") }
    })?;
    Ok(file.terms)
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn file(text: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.jsonl");
        fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn labeled_data_takes_a_bom_and_an_optional_section() {
        let (_dir, path) =
            file("\u{feff}{\"text\": \"a\", \"label\": \"x\", \"section\": \"Cyber\"}\n\n{\"text\": \"b\", \"label\": \"y\"}\n");
        let examples = read_labeled(&path).unwrap();
        let got: Vec<_> = examples.iter().map(|(n, e)| (*n, e.label.as_str(), e.section.as_deref())).collect();
        assert_eq!(got, [(1, "x", Some("Cyber")), (3, "y", None)]);
    }

    #[test]
    fn labeled_data_errors_name_the_file_and_line() {
        let cases: [(&[u8], &str); 5] = [
            (
                b"{\"text\": \"a\", \"label\": \"x\", \"extra\": 1}\n{\"text\": \"b\", \"label\": \"\"}\n",
                "d.jsonl:2: empty label",
            ),
            (b"{\"text\": \"a\", \"label\": \"x\", \"section\": 3}\n", "d.jsonl:1: \"section\" must be a string"),
            (b"{\"label\": \"x\"}\n", "d.jsonl:1: missing \"text\""),
            (b"\n\n", "d.jsonl: no examples"),
            (b"{\"text\": \"a\"}\n\xff", "d.jsonl: not valid UTF-8 at byte 14"),
        ];
        for (text, expected) in cases {
            let (_dir, path) = file(text);
            let err = read_labeled(&path).unwrap_err().to_string();
            assert!(err.ends_with(expected), "{err} (expected {expected})");
        }
    }

    #[test]
    fn folds_take_a_header_and_every_record_once() {
        let (_dir, path) = file("index\tfold\n1\t0\n0\t1\n");
        assert_eq!(read_folds(&path, 2).unwrap(), [1, 0]);
        assert!(read_folds(&path, 3).unwrap_err().to_string().ends_with("d.jsonl: record 2 has no fold"));
        let err = |text: &str| {
            fs::write(&path, text).unwrap();
            read_folds(&path, 2).unwrap_err().to_string()
        };
        assert!(err("0\t1\n5\t0\n").ends_with(":2: index 5 is past the last record (2 records)"));
        assert!(err("0\t1\n0\t0\n").ends_with(":2: record 0 has a second fold"));
        // Only a line of two words is a header; a first line that is data but wrong says so.
        assert!(err("-1\t0\n1\t0\n").ends_with(":1: index is not a number"));
        assert!(err("0 1\n1 0\n").ends_with(":1: expected index<TAB>fold"));
        fs::write(&path, "\u{feff}index\tfold\n0\t1\n1\t0\n").unwrap();
        assert_eq!(read_folds(&path, 2).unwrap(), [1, 0]);
    }

    #[test]
    fn a_bad_lexicon_is_one_line_with_its_line_number() {
        let (_dir, path) = file("[terms]\nai = [\"ki\"]\ncyber = \"bsi\"\nwsis = [\"igf\"]\n");
        let err = read_lexicon(&path).unwrap_err().to_string();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("d.jsonl:3: "), "{err}");
        fs::write(&path, "[terms]\nai = [\"ki\", \"künstliche intelligenz\"]\n").unwrap();
        assert_eq!(read_lexicon(&path).unwrap()["ai"], ["ki", "künstliche intelligenz"]);
    }
}
