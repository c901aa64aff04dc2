//! Finding the documents to classify and reading them.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use paratopic_ingest::Document;
use serde::Deserialize;

/// Extensions of the documents a folder walk picks up.
const TEXT_EXTENSIONS: [&str; 2] = ["txt", "md"];

/// One input to classify.
#[derive(Debug, Clone)]
pub enum Source {
    /// A file, with its document id (path relative to the input root); `in_folder` when a
    /// folder walk found it (then a file that cannot be read is skipped, not fatal).
    File { id: String, path: PathBuf, size: u64, in_folder: bool },
    /// Standard input.
    Stdin,
}

impl Source {
    pub fn id(&self) -> &str {
        match self {
            Source::File { id, .. } => id,
            Source::Stdin => "-",
        }
    }

    pub fn size(&self) -> u64 {
        match self {
            Source::File { size, .. } => *size,
            Source::Stdin => 0,
        }
    }

    pub fn in_folder(&self) -> bool {
        matches!(self, Source::File { in_folder: true, .. })
    }

    /// The name used in messages: the path as given, or `-`.
    pub fn name(&self) -> String {
        self.path().map_or_else(|| "-".to_owned(), |p| p.display().to_string())
    }

    pub fn path(&self) -> Option<&Path> {
        match self {
            Source::File { path, .. } => Some(path),
            Source::Stdin => None,
        }
    }

    pub fn read_bytes(&self) -> Result<Vec<u8>> {
        match self {
            Source::File { path, .. } => std::fs::read(path).with_context(|| format!("{}", path.display())),
            Source::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).context("standard input")?;
                Ok(bytes)
            }
        }
    }

    /// Decodes the bytes of this source as a document.
    pub fn decode(&self, bytes: Vec<u8>) -> Result<Document, paratopic_ingest::IngestError> {
        let path = self.path().map_or_else(|| PathBuf::from("-"), Path::to_path_buf);
        Document::from_bytes(self.id(), bytes, &path)
    }
}

/// Expands the command-line paths into sources: files as given, folders walked recursively in
/// sorted order (files with other extensions are skipped with a warning), `-` for stdin.
pub fn collect(paths: &[PathBuf], extensions: &[&str], warn: &mut dyn FnMut(String)) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stdin);
            continue;
        }
        let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        if meta.is_dir() {
            let before = sources.len();
            walk(path, path, extensions, &mut sources, warn)?;
            if sources.len() == before {
                bail!("{}: no {} files found in this folder", path.display(), extension_list(extensions));
            }
        } else {
            let id = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            sources.push(Source::File { id, path: path.clone(), size: meta.len(), in_folder: false });
        }
    }
    Ok(sources)
}

fn extension_list(extensions: &[&str]) -> String {
    extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join("/")
}

fn walk(
    root: &Path,
    dir: &Path,
    extensions: &[&str],
    out: &mut Vec<Source>,
    warn: &mut dyn FnMut(String),
) -> Result<()> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("{}", dir.display()))? {
        let entry = entry.with_context(|| format!("{}", dir.display()))?;
        entries.push(entry.path());
    }
    entries.sort();
    for path in entries {
        // Symbolic links to folders are not followed, so a walk always ends.
        let link = std::fs::symlink_metadata(&path).with_context(|| format!("{}", path.display()))?;
        if link.is_dir() {
            walk(root, &path, extensions, out, warn)?;
            continue;
        }
        let meta = match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => meta,
            Ok(_) => continue,
            Err(e) => {
                warn(format!("skipping {}: {e}", path.display()));
                continue;
            }
        };
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()));
        if !wanted {
            warn(format!("skipping {}: not a {} file", path.display(), extension_list(extensions)));
            continue;
        }
        let id = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.push(Source::File { id, path, size: meta.len(), in_folder: true });
    }
    Ok(())
}

/// The extensions a folder walk takes for the given input format.
pub fn extensions_for(jsonl: bool) -> &'static [&'static str] {
    if jsonl {
        &["jsonl"]
    } else {
        &TEXT_EXTENSIONS
    }
}

/// One line of a JSONL input: a paragraph to classify as is.
#[derive(Debug, Deserialize)]
struct JsonlParagraph {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: Option<serde_json::Value>,
    #[serde(default)]
    section: Option<serde_json::Value>,
}

/// A paragraph read from JSONL input: its line number (from 1, within the text parsed) and
/// the byte span of its line.
#[derive(Debug)]
pub struct JsonlRecord {
    pub line: usize,
    pub id: String,
    pub text: String,
    /// The optional `section` field: the heading the paragraph stands under.
    pub section: Option<String>,
    pub start: usize,
    pub end: usize,
}

/// Parses JSONL paragraphs line by line: each non-blank line gives a record or, with its line
/// number, the reason it is invalid. A missing id becomes the line number (offset by
/// `first_line - 1`, for pieces of a larger file).
pub fn parse_jsonl(name: &str, bytes: &[u8], first_line: usize) -> Result<Vec<Result<JsonlRecord, (usize, String)>>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| anyhow::anyhow!("{name}: not valid UTF-8 (byte {})", e.valid_up_to()))?;
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = i + 1;
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            continue;
        }
        let record = (|| {
            let r: JsonlParagraph = serde_json::from_str(content)
                .map_err(|e| format!("{e} (expected {{\"id\": \"...\", \"text\": \"...\"}})"))?;
            let text = match r.text {
                Some(serde_json::Value::String(t)) => t,
                Some(_) => return Err("\"text\" must be a string".to_owned()),
                None => return Err("missing \"text\"".to_owned()),
            };
            let section = match r.section {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(s)) => Some(s),
                Some(_) => return Err("\"section\" must be a string".to_owned()),
            };
            let id = match r.id {
                None => (first_line - 1 + n).to_string(),
                Some(serde_json::Value::String(s)) => s,
                Some(other) => other.to_string(),
            };
            Ok(JsonlRecord { line: n, id, text, section, start, end: start + content.len() })
        })();
        out.push(record.map_err(|e| (n, e)));
    }
    Ok(out)
}
