//! Reading policy documents and cutting them into paragraphs and tokens.
//!
//! [`DocumentStream`] is the entry point for every format (text, PDF, HTML, Word,
//! OpenDocument) and every source (a path, bytes, a reader): it decides the format once and
//! yields [`Paragraph`]s with provenance, in order, in batches ([`read_document`] reads bytes
//! already in memory whole). For text the data flows
//! [`Document`] → [`Paragraph`]s (by [`segment`]) → tokens (by [`Tokenizer`]), and paragraphs
//! keep byte spans into the original file; the other formats keep spans into their extracted
//! text. Text is cleaned (lines joined and de-hyphenated, Markdown and footnote marks removed,
//! whitespace collapsed, Unicode NFC); [`identify_language`] tells a paragraph's language.
//!
//! ```
//! use paratopic_ingest::{segment, Document, Kind, Tokenizer, TokenizerConfig};
//!
//! let doc = Document::from_text("note.txt", "III. Cybersicherheit\nDie Staaten verurteilen Cyberangriffe.\n".into());
//! let paragraphs = segment(&doc);
//! assert_eq!(paragraphs[0].kind, Kind::Heading);
//! assert_eq!(paragraphs[1].section.as_deref(), Some("III. Cybersicherheit"));
//! let tokens = Tokenizer::new(TokenizerConfig::default()).tokenize(&paragraphs[1].text);
//! assert_eq!(tokens, ["staat", "verurteil", "cyberangriff"]);
//! ```
#![deny(missing_docs)]

mod clean;
pub mod decode;
mod document;
mod error;
mod formats;
pub mod jsonl;
mod language;
mod segment;
mod source;
pub mod stream;
mod tokenize;

/// The texts of the news articles the benchmark file is made of (`../shared/data`), one
/// paragraph each as `cargo xtask bench` writes them (line breaks as spaces), for the tests that
/// hold the fast paths to their plain forms on the benchmark's own text; `None`, with a note,
/// where the data is not there.
#[cfg(test)]
pub(crate) fn bench_articles() -> Option<Vec<String>> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/gnad-test.jsonl");
    let Ok(data) = std::fs::read_to_string(path) else {
        eprintln!("skipped: {path} is not there");
        return None;
    };
    let texts: Vec<String> = jsonl::lines(&data)
        .map(|line| {
            let text = jsonl::Fields::parse(line.text, jsonl::Fields::LABELED).and_then(|f| f.text());
            text.expect("a labeled article").replace(['\n', '\r'], " ")
        })
        .collect();
    assert!(texts.len() > 1000, "{} articles", texts.len());
    Some(texts)
}

pub use clean::{clean_text, join_lines};
pub use decode::Encoding;
pub use document::Document;
pub use error::IngestError;
pub use formats::{read_as, read_document, Extracted, Format};
pub use language::{identify as identify_language, identify_in_context, InContext, Language};
pub use segment::{segment, segment_with, Kind, Layout, Paragraph, MAX_PARAGRAPH_BYTES, WRAP_WIDTH};
pub use source::{line_pieces, Batch, DocumentStream, Part, Source, WHOLE_BYTES};
pub use tokenize::{NumberPolicy, StemLanguage, Tokenizer, TokenizerConfig};
