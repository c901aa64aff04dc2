//! The extracted text of a structured document (PDF, HTML, Word), built block by block by the
//! format readers and cut into paragraphs by [`crate::segment`].

use crate::decode::Encoding;
use crate::formats::{Extracted, Format};
use crate::segment::{segment_blocks, Kind, TypedBlock};

/// The extracted text of a structured document as it is built, block by block.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    text: String,
    blocks: Vec<TypedBlock>,
}

impl Blocks {
    /// Adds a block of raw text (lines separated by `\n`); blank blocks are dropped.
    pub(crate) fn push(&mut self, raw: &str, kind: Option<Kind>, footnote: bool, page: Option<u32>) {
        if raw.trim().is_empty() {
            return;
        }
        if !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
        let start = self.text.len();
        self.text.push_str(raw.trim());
        self.blocks.push(TypedBlock { range: start..self.text.len(), kind, footnote, page });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    pub(crate) fn finish(self, format: Format, encoding: Option<Encoding>) -> Extracted {
        let paragraphs = segment_blocks(&self.text, &self.blocks);
        Extracted { format, encoding, text: self.text, paragraphs }
    }
}
