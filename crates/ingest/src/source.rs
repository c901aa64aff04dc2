//! The one way into a document: a [`DocumentStream`] takes a path, bytes or a reader and
//! yields the document's paragraphs in order, in batches.
//!
//! It decides, once, at the start: the format (from the name, else the first bytes), whether
//! the input is refused as binary, and whether it is read whole or in pieces. A PDF, a Word
//! file, a web page, a small file and text in a legacy encoding are read whole. Plain UTF-8
//! text longer than [`WHOLE_BYTES`] is read in pieces of [`crate::stream::PIECE_BYTES`], cut where no
//! paragraph can span the cut (see [`crate::stream`]), so that memory holds a few pieces
//! whatever the length; paragraph numbers and sections are carried from one piece to the next.
//!
//! Reading and placing are apart so that a caller can segment pieces in parallel:
//! [`DocumentStream::next_part`] reads the next part (in order), [`Part::read`] segments it
//! (anywhere, on any thread), and [`DocumentStream::place`] numbers its paragraphs and gives
//! them their sections (in order again). [`DocumentStream::next_batch`] does the three in turn.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use crate::decode::Encoding;
use crate::error::IngestError;
use crate::formats::{read_as, Format};
use crate::segment::{Layout, Paragraph, Sections};
use crate::stream::{inspect_head, is_utf8, read_head, segment_piece, Head, Piece, Pieces};

/// Inputs up to this size are read whole; longer UTF-8 text is read in pieces.
pub const WHOLE_BYTES: usize = 4 << 20;

/// How many first bytes of a stream tell a binary input (`/dev/zero`) before more is read.
const SNIFF_BYTES: usize = 8192;

/// Where a document comes from. `name` (a path, or `-` for standard input) names it in errors
/// and, by its extension, gives the format.
pub enum Source {
    /// A file on disk.
    Path(PathBuf),
    /// The bytes of a document already in memory.
    Bytes {
        /// The name of the document.
        name: PathBuf,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A stream of unknown length (standard input, a pipe), read once and in order.
    Reader {
        /// The name of the stream.
        name: PathBuf,
        /// The stream.
        reader: Box<dyn Read + Send>,
    },
}

/// A document being read: its format, decided once, and its paragraphs, part by part.
pub struct DocumentStream {
    id: String,
    name: PathBuf,
    format: Format,
    body: Body,
    /// Paragraphs placed so far.
    placed: usize,
    sections: Sections,
}

enum Body {
    /// Read whole: the bytes, until [`DocumentStream::next_part`] takes them.
    Whole(Option<Vec<u8>>),
    /// Plain UTF-8 text read in pieces.
    Pieces(Pieces<Box<dyn Read + Send>>),
}

/// One part of a document, read in order and ready to segment: the whole document, or one
/// piece of a long text.
pub struct Part {
    id: String,
    name: PathBuf,
    format: Format,
    what: What,
}

enum What {
    Whole(Vec<u8>),
    Piece(Piece, Layout),
}

/// The paragraphs of one part, in reading order.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The format of the document.
    pub format: Format,
    /// How its text was decoded (a whole text or web page; `None` for a piece, which is
    /// UTF-8, and for PDF and Word files, whose text is Unicode by construction).
    pub encoding: Option<Encoding>,
    /// The paragraphs. Numbered and given their sections in the whole document once
    /// [`DocumentStream::place`] has placed them; within the part until then.
    pub paragraphs: Vec<Paragraph>,
}

impl DocumentStream {
    /// Opens the document `id` from `source`: decides its format, refuses binary input, and
    /// decides whether it is read whole or in pieces (for a long file, reading it once to see
    /// that it is UTF-8 throughout).
    pub fn open(id: impl Into<String>, source: Source) -> Result<Self, IngestError> {
        let (name, body, format) = match source {
            Source::Bytes { name, bytes } => {
                let format = Format::detect(&name, head(&bytes));
                (name, Body::Whole(Some(bytes)), format)
            }
            Source::Path(path) => {
                let io = |error| IngestError::Io { path: path.clone(), error };
                let mut file = std::fs::File::open(&path).map_err(io)?;
                let size = file.metadata().map_err(io)?.len();
                let (format, body) = if size as usize <= WHOLE_BYTES {
                    let mut bytes = Vec::with_capacity(size as usize);
                    file.read_to_end(&mut bytes).map_err(io)?;
                    (Format::detect(&path, head(&bytes)), Body::Whole(Some(bytes)))
                } else {
                    let format = match Format::from_path(&path) {
                        Some(format) => format,
                        None => {
                            let mut first = Vec::with_capacity(4096);
                            (&mut file).take(4096).read_to_end(&mut first).map_err(io)?;
                            Format::detect(&path, &first)
                        }
                    };
                    file.rewind().map_err(io)?;
                    let pieces = format == Format::Text && is_utf8(&mut file).map_err(io)?;
                    file.rewind().map_err(io)?;
                    if pieces {
                        (format, Body::Pieces(Pieces::new(Box::new(file), Vec::new(), None)))
                    } else {
                        let mut bytes = Vec::with_capacity(size as usize);
                        file.read_to_end(&mut bytes).map_err(io)?;
                        (format, Body::Whole(Some(bytes)))
                    }
                };
                (path, body, format)
            }
            Source::Reader { name, mut reader } => {
                let io = |error| IngestError::Io { path: name.clone(), error };
                let mut bytes = Vec::new();
                let mut ended = read_head(&mut reader, &mut bytes, SNIFF_BYTES).map_err(io)?;
                let format = Format::detect(&name, head(&bytes));
                if let (Format::Text, Head::Binary(kind)) = (format, inspect_head(&bytes)) {
                    return Err(IngestError::Binary { path: name, kind });
                }
                if !ended {
                    ended = read_head(&mut reader, &mut bytes, WHOLE_BYTES).map_err(io)?;
                }
                if !ended && format == Format::Text && inspect_head(&bytes) == Head::Utf8 {
                    let pieces = Pieces::new(reader, bytes, None);
                    (name, Body::Pieces(pieces), format)
                } else {
                    reader.read_to_end(&mut bytes).map_err(io)?;
                    (name, Body::Whole(Some(bytes)), format)
                }
            }
        };
        Ok(Self { id: id.into(), name, format, body, placed: 0, sections: Sections::default() })
    }

    /// The format the document is read as.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The bytes of a document read whole, until its part is taken (for progress).
    pub fn whole_len(&self) -> Option<usize> {
        match &self.body {
            Body::Whole(bytes) => bytes.as_ref().map(Vec::len),
            Body::Pieces(_) => None,
        }
    }

    /// Whether the document is read in pieces (long UTF-8 text).
    pub fn in_pieces(&self) -> bool {
        matches!(self.body, Body::Pieces(_))
    }

    /// The name of the document, as given.
    pub fn name(&self) -> &Path {
        &self.name
    }

    /// Reads the next part, in order; `None` at the end of the document.
    pub fn next_part(&mut self) -> Result<Option<Part>, IngestError> {
        let what = match &mut self.body {
            Body::Whole(bytes) => bytes.take().map(What::Whole),
            Body::Pieces(pieces) => {
                let piece = pieces.next_piece().map_err(|error| IngestError::Io { path: self.name.clone(), error })?;
                piece.map(|piece| What::Piece(piece, pieces.layout().unwrap_or(Layout::LinePerParagraph)))
            }
        };
        Ok(what.map(|what| Part { id: self.id.clone(), name: self.name.clone(), format: self.format, what }))
    }

    /// Numbers the paragraphs of the next part in the document and gives them their sections.
    /// Parts must be placed in the order [`DocumentStream::next_part`] gave them.
    pub fn place(&mut self, batch: &mut Batch) {
        for p in &mut batch.paragraphs {
            p.index += self.placed;
        }
        self.sections.carry_into(&mut batch.paragraphs);
        self.placed += batch.paragraphs.len();
    }

    /// The next batch of paragraphs, numbered and placed in the document; `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Batch>, IngestError> {
        let Some(part) = self.next_part()? else { return Ok(None) };
        let mut batch = part.read()?;
        self.place(&mut batch);
        Ok(Some(batch))
    }

    /// All the paragraphs of the document, in order.
    pub fn read_all(mut self) -> Result<Batch, IngestError> {
        let mut all = Batch { format: self.format, encoding: None, paragraphs: Vec::new() };
        while let Some(batch) = self.next_batch()? {
            all.encoding = all.encoding.or(batch.encoding);
            all.paragraphs.extend(batch.paragraphs);
        }
        Ok(all)
    }
}

impl Part {
    /// Segments the part: its paragraphs, numbered and placed within the part.
    pub fn read(self) -> Result<Batch, IngestError> {
        match self.what {
            What::Whole(bytes) => {
                let doc = read_as(self.format, &self.id, bytes, &self.name)?;
                Ok(Batch { format: doc.format, encoding: doc.encoding, paragraphs: doc.paragraphs })
            }
            What::Piece(piece, layout) => {
                let paragraphs = segment_piece(&self.id, &self.name, piece, layout)?;
                Ok(Batch { format: self.format, encoding: None, paragraphs })
            }
        }
    }

    /// The number of bytes the part holds.
    pub fn len(&self) -> usize {
        match &self.what {
            What::Whole(bytes) => bytes.len(),
            What::Piece(piece, _) => piece.bytes.len(),
        }
    }

    /// Whether the part holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A stream of lines (JSONL paragraphs) in pieces, one paragraph per line, with line numbers;
/// binary input (`/dev/zero`) is refused from its first bytes, as for a document.
pub fn line_pieces(name: &Path, mut reader: Box<dyn Read + Send>) -> Result<Pieces<Box<dyn Read + Send>>, IngestError> {
    let mut head = Vec::new();
    read_head(&mut reader, &mut head, SNIFF_BYTES)
        .map_err(|error| IngestError::Io { path: name.to_path_buf(), error })?;
    if let Head::Binary(kind) = inspect_head(&head) {
        return Err(IngestError::Binary { path: name.to_path_buf(), kind });
    }
    Ok(Pieces::new(reader, head, Some(Layout::LinePerParagraph)).count_lines().max_lines(LINES_PER_PIECE))
}

/// The most lines of a stream of lines in one piece (see [`Pieces::max_lines`]).
pub const LINES_PER_PIECE: usize = 2048;

/// The first bytes, from which a format is told.
fn head(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(4096)]
}
