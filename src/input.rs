//! Finding the documents to classify and reading them.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use paratopic_ingest::jsonl::{self, Fields};
use paratopic_ingest::{DocumentStream, IngestError};

/// One input to classify.
#[derive(Debug, Clone)]
pub enum Source {
    /// A regular file, with its document id (path relative to the input root); `in_folder`
    /// when a folder walk found it (then a file that cannot be read is skipped, not fatal).
    File { id: String, path: PathBuf, size: u64, in_folder: bool },
    /// A stream of unknown length, read once and in order: standard input (no path), or a
    /// named pipe or device named on the command line.
    Stream { id: String, path: Option<PathBuf> },
}

impl Source {
    pub fn id(&self) -> &str {
        match self {
            Source::File { id, .. } | Source::Stream { id, .. } => id,
        }
    }

    /// The size in bytes; 0 for a stream, whose size is unknown.
    pub fn size(&self) -> u64 {
        match self {
            Source::File { size, .. } => *size,
            Source::Stream { .. } => 0,
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
            Source::Stream { path, .. } => path.as_deref(),
        }
    }

    /// The path, or `-` for standard input.
    pub fn path_or_dash(&self) -> PathBuf {
        self.path().map_or_else(|| PathBuf::from("-"), Path::to_path_buf)
    }

    /// Opens the source for reading.
    pub fn open(&self) -> Result<Box<dyn Read + Send>> {
        match self.path() {
            Some(path) => Ok(Box::new(std::fs::File::open(path).with_context(|| format!("{}", path.display()))?)),
            None => Ok(Box::new(std::io::stdin())),
        }
    }

    /// Reads the whole source.
    pub fn read_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = Vec::with_capacity(self.size() as usize);
        self.open()?.read_to_end(&mut bytes).with_context(|| self.name())?;
        Ok(bytes)
    }

    /// Opens this source as a document: the [`DocumentStream`] that reads it, having decided
    /// its format and whether it is read whole or in pieces.
    pub fn document(&self) -> Result<DocumentStream, IngestError> {
        let source = match self {
            Source::File { path, .. } => paratopic_ingest::Source::Path(path.clone()),
            Source::Stream { path: Some(path), .. } => {
                let file = std::fs::File::open(path).map_err(|error| IngestError::Io { path: path.clone(), error })?;
                paratopic_ingest::Source::Reader { name: path.clone(), reader: Box::new(file) }
            }
            Source::Stream { path: None, .. } => {
                paratopic_ingest::Source::Reader { name: PathBuf::from("-"), reader: Box::new(std::io::stdin()) }
            }
        };
        DocumentStream::open(self.id(), source)
    }
}

/// A file a folder walk passed over, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    /// An extension paratopic does not read.
    Extension,
    /// A symbolic link to a file outside the folder given.
    LinkOutside,
    /// A second path (a symbolic link) to a file already taken.
    Duplicate,
    /// A named pipe, a device or a socket.
    NotRegular,
    /// A file whose metadata could not be read: not read (an error, see [`SkipReason::is_error`]).
    Unreadable,
    /// A binary file (an image, an archive, NUL bytes) under a document's extension.
    Binary,
    /// A document that could not be read: damaged, encrypted, scanned (no text layer), in no
    /// known encoding, or failing to read (an error).
    Unread,
}

impl SkipReason {
    /// How the summary names the reason.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Extension => "unsupported extension",
            SkipReason::LinkOutside => "symbolic link out of the folder",
            SkipReason::Duplicate => "second path to the same file",
            SkipReason::NotRegular => "not a regular file",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Binary => "binary",
            SkipReason::Unread => "could not be read",
        }
    }

    /// Whether the skip means a document was not read: the job then exits with
    /// [`PARTIAL`](crate::classify::PARTIAL). Files that are not documents (another extension,
    /// a binary file, a pipe, a second path to a file already read) are not errors.
    pub fn is_error(self) -> bool {
        matches!(self, SkipReason::Unreadable | SkipReason::Unread)
    }

    /// The reason a document failed to read for.
    pub fn of(error: &anyhow::Error) -> Self {
        match error.downcast_ref::<IngestError>() {
            Some(IngestError::Binary { .. }) => SkipReason::Binary,
            _ => SkipReason::Unread,
        }
    }
}

/// Expands the command-line paths into sources: files as given, folders walked recursively in
/// sorted order (hidden files and folders and what `.gitignore` files exclude are left out, as
/// ripgrep does; symbolic links are taken only when they point to a file inside the folder that
/// the walk has not taken yet), `-` for stdin; a named pipe or device named directly is a
/// stream. `skip` hears of each file passed over.
pub fn collect(
    paths: &[PathBuf],
    extensions: &[&str],
    skip: &mut dyn FnMut(SkipReason, String),
) -> Result<Vec<Source>> {
    let mut sources = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            sources.push(Source::Stream { id: "-".to_owned(), path: None });
            continue;
        }
        let meta = std::fs::metadata(path).with_context(|| format!("{}", path.display()))?;
        if meta.is_dir() {
            walk(path, extensions, &mut sources, skip)?;
        } else {
            let id = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            if meta.is_file() {
                sources.push(Source::File { id, path: path.clone(), size: meta.len(), in_folder: false });
            } else {
                sources.push(Source::Stream { id, path: Some(path.clone()) });
            }
        }
    }
    Ok(sources)
}

/// The extensions as a list for messages: `.txt/.md/.pdf`.
pub fn extension_list(extensions: &[&str]) -> String {
    extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join("/")
}

fn walk(
    root: &Path,
    extensions: &[&str],
    out: &mut Vec<Source>,
    skip: &mut dyn FnMut(SkipReason, String),
) -> Result<()> {
    let root_canonical = root.canonicalize().with_context(|| format!("{}", root.display()))?;
    let mut seen = std::collections::HashSet::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .follow_links(false)
        .git_ignore(true)
        .git_exclude(false)
        .git_global(false)
        .require_git(false)
        .parents(false)
        .ignore(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| anyhow::anyhow!("{}", e.to_string().lines().next().unwrap_or_default()))?;
        let path = entry.path().to_path_buf();
        let Some(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            continue;
        }
        let show = path.display();
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) => {
                skip(SkipReason::Unreadable, format!("{show}: {e}"));
                continue;
            }
        };
        if meta.is_dir() {
            // A symbolic link to a folder: not followed, so a walk always ends.
            continue;
        }
        if !meta.is_file() {
            skip(SkipReason::NotRegular, format!("{show}: not a regular file (a pipe, device or socket)"));
            continue;
        }
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()));
        if !wanted {
            skip(SkipReason::Extension, format!("{show}: not a {} file", extension_list(extensions)));
            continue;
        }
        let canonical = path.canonicalize().with_context(|| format!("{show}"))?;
        if kind.is_symlink() && !canonical.starts_with(&root_canonical) {
            skip(SkipReason::LinkOutside, format!("{show}: a symbolic link out of the folder"));
            continue;
        }
        if !seen.insert(canonical) {
            skip(SkipReason::Duplicate, format!("{show}: the same file as one already read"));
            continue;
        }
        let id = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        out.push(Source::File { id, path, size: meta.len(), in_folder: true });
    }
    Ok(())
}

/// What `classify` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Documents (text, PDF, web pages, Word files) to cut into paragraphs.
    Text,
    /// One {"id", "text"} paragraph per line, classified as is.
    Jsonl,
}

/// The extensions a folder walk takes for the given input format.
pub fn extensions_for(format: InputFormat) -> Vec<&'static str> {
    match format {
        InputFormat::Jsonl => vec!["jsonl"],
        InputFormat::Text => {
            paratopic_ingest::Format::ALL.iter().flat_map(|f| f.extensions().iter().copied()).collect()
        }
    }
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
pub fn parse_jsonl(text: &str, first_line: usize) -> Vec<Result<JsonlRecord, (usize, String)>> {
    let record = |line: jsonl::Line| -> Result<JsonlRecord, jsonl::LineError> {
        let fields = Fields::parse(line.text, Fields::PARAGRAPH)?;
        Ok(JsonlRecord {
            line: line.number,
            id: fields.id().unwrap_or_else(|| (first_line - 1 + line.number).to_string()),
            text: fields.text()?,
            section: fields.section()?,
            start: line.start,
            end: line.start + line.text.len(),
        })
    };
    jsonl::lines(text).map(|line| record(line).map_err(|e| (line.number, e.to_string()))).collect()
}
