//! The labeled corpus in `corpus/`: seed documents, their gold paragraph labels, and
//! paragraphs authored for training.
//!
//! - `documents/`: the documents, segmented with [`paratopic_ingest::segment`];
//! - `labels/*.jsonl`: one gold label per `body`/`list_item` paragraph, keyed by document and
//!   [`digest`] of the cleaned text, so that a change in segmentation shows up as stale or
//!   missing labels instead of silently misaligned training data;
//! - `authored/*.jsonl`: paragraphs written for this project (`origin: authored`), used for
//!   training only, never scored;
//! - `real/labels/*.jsonl` with `real/split.jsonl`: paragraphs of real documents labeled by
//!   reading; those of the `train` documents are trained on, those of the `dev` documents are
//!   held out ([`Corpus::real_dev`]).
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

/// One line of `real/labels/*.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealRecord {
    /// The document's id in `real/docs/`.
    pub doc: String,
    /// The paragraph as a reader writes it.
    pub text: String,
    /// Its label.
    pub label: String,
    /// Its language (ISO 639-1).
    pub lang: String,
    /// Its kind (`body`, `list_item`, `heading`).
    pub kind: String,
}

/// One line of `real/split.jsonl`.
#[derive(Debug, Clone, Deserialize)]
struct SplitRecord {
    doc: String,
    part: String,
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
    /// A paragraph of a real document of `real/`, labeled by reading.
    Real {
        /// Document id.
        doc: String,
        /// Its language (ISO 639-1).
        lang: String,
    },
}

impl Origin {
    /// `seed`, `authored` or `real`.
    pub fn name(&self) -> &'static str {
        match self {
            Origin::Seed { .. } => "seed",
            Origin::Authored { .. } => "authored",
            Origin::Real { .. } => "real",
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
    /// order (files sorted by name), then the real paragraphs of the train documents (files
    /// sorted by name).
    pub paragraphs: Vec<LabeledParagraph>,
    /// The real paragraphs of the dev documents, never trained on, by document (sorted by id).
    pub real_dev: Vec<(String, Vec<RealRecord>)>,
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

/// Reads `real/labels` by `real/split.jsonl`: the train documents' paragraphs join
/// `paragraphs`, the dev documents' are returned. A corpus without `real/` has neither.
fn load_real(
    root: &Path,
    known: &[String],
    paragraphs: &mut Vec<LabeledParagraph>,
    problems: &mut Vec<String>,
) -> Result<Vec<(String, Vec<RealRecord>)>, CorpusError> {
    let dir = root.join("real/labels");
    let split_path = root.join("real/split.jsonl");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut parts: HashMap<String, String> = HashMap::new();
    if split_path.is_file() {
        for (line, record) in read_jsonl::<SplitRecord>(&split_path, problems)? {
            let at = format!("{}:{line}", split_path.display());
            if record.part != "train" && record.part != "dev" {
                problems.push(format!("{at}: part must be \"train\" or \"dev\", got {:?}", record.part));
            } else if parts.insert(record.doc.clone(), record.part).is_some() {
                problems.push(format!("{at}: {} has a second part", record.doc));
            }
        }
    }
    let mut dev: BTreeMap<String, Vec<RealRecord>> = BTreeMap::new();
    for path in sorted_files(&dir, "jsonl")? {
        for (line, record) in read_jsonl::<RealRecord>(&path, problems)? {
            let at = format!("{}:{line}", path.display());
            if !known.contains(&record.label) {
                problems.push(format!("{at}: unknown label {:?}", record.label));
                continue;
            }
            match parts.get(&record.doc).map(String::as_str) {
                Some("train") => paragraphs.push(LabeledParagraph {
                    example: Example::new(record.text, record.label),
                    origin: Origin::Real { doc: record.doc, lang: record.lang },
                }),
                Some(_) => dev.entry(record.doc.clone()).or_default().push(record),
                None => problems.push(format!("{at}: {} has no part in {}", record.doc, split_path.display())),
            }
        }
    }
    Ok(dev.into_iter().collect())
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
        let real_dev = load_real(root, &known, &mut paragraphs, &mut problems)?;
        if !problems.is_empty() {
            return Err(CorpusError::Problems(Problems(problems)));
        }
        Ok(Self { root: root.to_path_buf(), documents, paragraphs, real_dev })
    }

    /// All labeled paragraphs as training examples.
    pub fn examples(&self) -> Vec<Example> {
        self.paragraphs.iter().map(|p| p.example.clone()).collect()
    }

    /// Training paragraphs per label and origin, in [`TOPICS`] order: (label, seed, authored,
    /// real).
    pub fn counts(&self) -> Vec<(String, usize, usize, usize)> {
        TOPICS
            .iter()
            .map(|t| {
                let of =
                    |o: &str| self.paragraphs.iter().filter(|p| p.example.label == *t && p.origin.name() == o).count();
                ((*t).to_owned(), of("seed"), of("authored"), of("real"))
            })
            .collect()
    }
}
