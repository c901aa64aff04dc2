//! One entry point for every document format: bytes and a name in, paragraphs with provenance
//! out.
//!
//! Plain text keeps byte spans into the original file ([`crate::segment`]). The other formats
//! are first turned into an *extracted text*, blocks of text in reading order separated by
//! blank lines, with the kind their markup gives; paragraph spans of those formats are byte
//! offsets into that extracted text (see [`Extracted::text`]).

mod blocks;
mod html;
mod office;
mod pdf;
mod pdf_layout;
mod pdf_repair;

use std::path::Path;

use crate::decode::{contains, Encoding};
use crate::segment::{segment, Paragraph};
use crate::{Document, IngestError};

/// A document format paratopic reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Plain text or Markdown (`.txt`, `.md`).
    Text,
    /// PDF with a text layer (`.pdf`).
    Pdf,
    /// A web page (`.html`, `.htm`).
    Html,
    /// A Word document (`.docx`).
    Docx,
    /// An OpenDocument text (`.odt`).
    Odt,
}

impl Format {
    /// Every format, in the order the README lists them.
    pub const ALL: [Format; 5] = [Format::Text, Format::Pdf, Format::Html, Format::Docx, Format::Odt];

    /// The name used in output records.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Odt => "odt",
        }
    }

    /// The file extensions of the format, lower case, without the dot.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt", "md"],
            Format::Pdf => &["pdf"],
            Format::Html => &["html", "htm"],
            Format::Docx => &["docx"],
            Format::Odt => &["odt"],
        }
    }

    /// The format a file name's extension stands for (case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.extensions().contains(&ext.as_str()))
    }

    /// The format of a file: its extension when it names one, else what its first bytes show
    /// (`%PDF-`, a zip archive holding a Word or OpenDocument text, an HTML document), else
    /// plain text.
    pub fn detect(path: &Path, head: &[u8]) -> Format {
        if let Some(format) = Format::from_path(path) {
            return format;
        }
        if head.starts_with(b"%PDF-") {
            return Format::Pdf;
        }
        if head.starts_with(b"PK\x03\x04") {
            if contains(head, b"word/") {
                return Format::Docx;
            }
            if contains(head, b"opendocument.text") {
                return Format::Odt;
            }
        }
        let start = String::from_utf8_lossy(&head[..head.len().min(512)])
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_lowercase();
        if start.starts_with("<!doctype html") || start.starts_with("<html") {
            return Format::Html;
        }
        Format::Text
    }
}

/// The paragraphs of one document and how they were read.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// The format the document was read as.
    pub format: Format,
    /// How the text was decoded (text and HTML; `None` for PDF and Word files, whose text is
    /// Unicode by construction).
    pub encoding: Option<Encoding>,
    /// The text the spans of the paragraphs point into: for plain text the decoded file, for
    /// the other formats the extracted text (blocks in reading order, separated by blank lines).
    pub text: String,
    /// The paragraphs, in reading order.
    pub paragraphs: Vec<Paragraph>,
}

/// Reads a document of any supported format from its bytes; `path` names it in errors and, with
/// the first bytes, decides the format ([`Format::detect`]).
pub fn read_document(id: &str, bytes: Vec<u8>, path: &Path) -> Result<Extracted, IngestError> {
    let format = Format::detect(path, &bytes[..bytes.len().min(4096)]);
    read_as(format, id, bytes, path)
}

/// Reads a document in a known format.
pub fn read_as(format: Format, id: &str, bytes: Vec<u8>, path: &Path) -> Result<Extracted, IngestError> {
    match format {
        Format::Text => {
            let doc = Document::from_bytes(id, bytes, path)?;
            let paragraphs = segment(&doc);
            Ok(Extracted { format, encoding: Some(doc.encoding), text: doc.text, paragraphs })
        }
        Format::Pdf => Ok(pdf::read(&bytes, path)?.finish(format, None)),
        Format::Html => {
            let (blocks, encoding) = html::read(bytes, path)?;
            Ok(blocks.finish(format, Some(encoding)))
        }
        Format::Docx => Ok(office::read_docx(&bytes, path)?.finish(format, None)),
        Format::Odt => Ok(office::read_odt(&bytes, path)?.finish(format, None)),
    }
}
