//! The labeled corpus in `corpus/`: seed documents, their gold paragraph labels, and
//! paragraphs authored for training.
//!
//! - `documents/`: the documents, segmented with [`paratopic_ingest::segment`];
//! - `labels/*.jsonl`: one gold label per `body`/`list_item` paragraph, keyed by document and
//!   [`digest`] of the cleaned text, so that a change in segmentation shows up as stale or
//!   missing labels instead of silently misaligned training data;
//! - `authored/*.jsonl`: paragraphs written for this project (`origin: authored`), used for
//!   training only, never scored.
//!
//! [`Corpus::load`] reads and aligns everything, and fails with the full list of problems.
#![deny(missing_docs)]

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use paratopic_classifier::Example;
use paratopic_ingest::{segment, Document, IngestError, Paragraph};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The topics of the default model, in score order (the order of `corpus/GUIDELINES.md`).
pub const TOPICS: [&str; 5] = ["cybersecurity", "ai", "wsis", "financing", "other"];

/// The key of a paragraph's text: the first 16 hex digits of the SHA-256 of its cleaned text.
pub fn digest(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("{:016x}", u64::from_be_bytes(digest[..8].try_into().expect("a SHA-256 has 32 bytes")))
}

/// The topics as owned strings.
pub fn topics() -> Vec<String> {
    TOPICS.iter().map(|t| (*t).to_owned()).collect()
}

/// One line of `labels/*.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabelRecord {
    /// Document id (file name in `documents/`).
    pub doc: String,
    /// Paragraph index when the label was written (informative; the key is the digest).
    pub paragraph: usize,
    /// [`digest`] of the paragraph's cleaned text.
    pub digest: String,
    /// The gold label.
    pub label: String,
    /// The paragraph text, for the reader.
    pub text: String,
}

/// One line of `authored/*.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredRecord {
    /// The paragraph.
    pub text: String,
    /// Its label.
    pub label: String,
    /// Always `authored`.
    pub origin: String,
    /// The kind of text it imitates (`un-preamble`, `report`, `news`, …).
    pub register: String,
    /// Its language (ISO 639-1); German when absent.
    #[serde(default = "german")]
    pub lang: String,
}

fn german() -> String {
    "de".to_owned()
}

/// Where a training example comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A paragraph of a seed document.
    Seed {
        /// Document id.
        doc: String,
        /// Paragraph index.
        paragraph: usize,
    },
    /// A paragraph written for the project.
    Authored {
        /// Its register.
        register: String,
        /// Its language (ISO 639-1).
        lang: String,
    },
}

impl Origin {
    /// `seed` or `authored`.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::Seed { .. } => "seed",
            Origin::Authored { .. } => "authored",
        }
    }
}

/// A labeled paragraph with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabeledParagraph {
    /// Text and gold label.
    pub example: Example,
    /// Where it comes from.
    pub origin: Origin,
}

/// Everything wrong with the corpus, collected in one pass.
#[derive(Debug)]
pub struct Problems(pub Vec<String>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} problem(s) in the corpus:", self.0.len())?;
        for p in &self.0 {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

/// Errors of loading the corpus.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// A file could not be read or listed.
    #[error("{path}: {error}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        error: std::io::Error,
    },
    /// A document could not be decoded.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// Labels are stale, missing, unknown or malformed.
    #[error("{0}")]
    Problems(Problems),
}

/// The loaded corpus.
#[derive(Debug)]
pub struct Corpus {
    /// The corpus folder.
    pub root: PathBuf,
    /// Segmented seed documents, sorted by id.
    pub documents: Vec<(Document, Vec<Paragraph>)>,
    /// Seed paragraphs with gold labels, in document order, then authored paragraphs in file
    /// order (files sorted by name).
    pub paragraphs: Vec<LabeledParagraph>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CorpusError + '_ {
    move |error| CorpusError::Io { path: path.to_path_buf(), error }
}

fn sorted_files(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, CorpusError> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == ext) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(
    path: &Path,
    problems: &mut Vec<String>,
) -> Result<Vec<(usize, T)>, CorpusError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut out = Vec::new();
    for line in paratopic_ingest::jsonl::lines(&text) {
        match serde_json::from_str(line.text) {
            Ok(record) => out.push((line.number, record)),
            Err(e) => problems.push(format!("{}:{}: {e}", path.display(), line.number)),
        }
    }
    Ok(out)
}

impl Corpus {
    /// Loads `root/documents`, `root/labels` and `root/authored`, checking that every content
    /// paragraph has exactly one label, that every label matches a paragraph of the current
    /// segmentation, and that every label is one of [`TOPICS`].
    pub fn load(root: &Path) -> Result<Self, CorpusError> {
        let mut problems = Vec::new();
        let known: Vec<String> = topics();
        let mut documents = Vec::new();
        for path in sorted_files(&root.join("documents"), "txt")?
            .into_iter()
            .chain(sorted_files(&root.join("documents"), "md")?)
        {
            let id = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let doc = Document::read(id, &path)?;
            let paragraphs = segment(&doc);
            documents.push((doc, paragraphs));
        }
        documents.sort_by(|a, b| a.0.id.cmp(&b.0.id));

        // (doc, digest) → (label, where it was written)
        let mut gold: HashMap<(String, String), (String, String)> = HashMap::new();
        for path in sorted_files(&root.join("labels"), "jsonl")? {
            for (line, record) in read_jsonl::<LabelRecord>(&path, &mut problems)? {
                let at = format!("{}:{line}", path.display());
                if !known.contains(&record.label) {
                    problems.push(format!("{at}: unknown label {:?} (known: {})", record.label, known.join(", ")));
                }
                let key = (record.doc.clone(), record.digest.clone());
                if let Some((_, first)) = gold.insert(key, (record.label, at.clone())) {
                    problems.push(format!("{at}: second label for the paragraph labeled at {first}"));
                }
            }
        }

        let mut paragraphs = Vec::new();
        let mut used: BTreeMap<String, ()> = BTreeMap::new();
        for (doc, paras) in &documents {
            for p in paras.iter().filter(|p| p.kind.is_content()) {
                let d = digest(&p.text);
                match gold.get(&(doc.id.clone(), d.clone())) {
                    Some((label, at)) => {
                        used.insert(at.clone(), ());
                        paragraphs.push(LabeledParagraph {
                            example: Example { text: p.text.clone(), label: label.clone(), section: p.section.clone() },
                            origin: Origin::Seed { doc: doc.id.clone(), paragraph: p.index },
                        });
                    }
                    None => problems.push(format!(
                        "{} paragraph {} has no label (digest {d}): {}",
                        doc.id,
                        p.index,
                        p.text.chars().take(70).collect::<String>()
                    )),
                }
            }
        }
        let mut stale: Vec<&String> = gold.values().map(|(_, at)| at).filter(|at| !used.contains_key(*at)).collect();
        stale.sort();
        for at in stale {
            problems.push(format!("{at}: stale label, no paragraph of the current segmentation has this digest"));
        }

        let authored_dir = root.join("authored");
        if authored_dir.is_dir() {
            for path in sorted_files(&authored_dir, "jsonl")? {
                for (line, record) in read_jsonl::<AuthoredRecord>(&path, &mut problems)? {
                    let at = format!("{}:{line}", path.display());
                    if !known.contains(&record.label) {
                        problems.push(format!("{at}: unknown label {:?}", record.label));
                    } else if record.origin != "authored" {
                        problems.push(format!("{at}: origin must be \"authored\", got {:?}", record.origin));
                    } else {
                        paragraphs.push(LabeledParagraph {
                            example: Example::new(record.text, record.label),
                            origin: Origin::Authored { register: record.register, lang: record.lang },
                        });
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(CorpusError::Problems(Problems(problems)));
        }
        Ok(Self { root: root.to_path_buf(), documents, paragraphs })
    }

    /// All labeled paragraphs as training examples.
    pub fn examples(&self) -> Vec<Example> {
        self.paragraphs.iter().map(|p| p.example.clone()).collect()
    }

    /// Counts per (label, origin), in [`TOPICS`] order.
    pub fn counts(&self) -> Vec<(String, usize, usize)> {
        TOPICS
            .iter()
            .map(|t| {
                let of =
                    |o: &str| self.paragraphs.iter().filter(|p| p.example.label == *t && p.origin.name() == o).count();
                ((*t).to_owned(), of("seed"), of("authored"))
            })
            .collect()
    }
}
