//! Large text in pieces: a file of many megabytes, standard input or a pipe is read once, in
//! order, and cut where no paragraph can span the cut, so that the pieces can be segmented in
//! parallel and their paragraphs put back in order. Memory holds a few pieces, whatever the
//! length of the stream.

use std::io::{self, Read};
use std::path::Path;

use crate::decode::{binary_signature, Encoding};
use crate::document::Document;
use crate::error::IngestError;
use crate::segment::{segment_with, Layout, Paragraph};

/// The size of one piece.
pub const PIECE_BYTES: usize = 1 << 19;

/// A piece of a stream: its bytes, where its first byte stands in the stream, and the number
/// (from 1) of its first line when line numbers are counted.
#[derive(Debug)]
pub struct Piece {
    /// Offset of the first byte in the stream (after a UTF-8 byte order mark).
    pub offset: usize,
    /// Line number of the first line (1 when lines are not counted).
    pub first_line: usize,
    /// The bytes, not yet validated as UTF-8.
    pub bytes: Vec<u8>,
}

/// Cuts a stream into pieces of about [`PIECE_BYTES`], each ending where no paragraph of the
/// stream's layout can continue (see [`Pieces::next_piece`]).
#[derive(Debug)]
pub struct Pieces<R> {
    reader: R,
    pending: Vec<u8>,
    /// Bytes of the stream before `pending`.
    offset: usize,
    at_eof: bool,
    layout: Option<Layout>,
    count_lines: bool,
    lines_before: usize,
    max_lines: Option<usize>,
}

impl<R: Read> Pieces<R> {
    /// Pieces of `reader`, whose first bytes (`head`) were already read from it. The layout
    /// is detected from the first piece unless given (`LinePerParagraph` for JSONL).
    pub fn new(reader: R, head: Vec<u8>, layout: Option<Layout>) -> Self {
        Self {
            reader,
            pending: head,
            offset: 0,
            at_eof: false,
            layout,
            count_lines: false,
            lines_before: 0,
            max_lines: None,
        }
    }

    /// Ends a piece after at most `lines` lines, whatever its size: what is made of a line
    /// (a JSONL record, its label, its output) can be many times the line, so that pieces of
    /// short lines would otherwise hold tens of megabytes each.
    pub fn max_lines(mut self, lines: usize) -> Self {
        self.max_lines = Some(lines.max(1));
        self
    }

    /// Numbers the lines, so that each piece knows the number of its first line (JSONL
    /// messages need them; text does not, and saves a pass over the bytes).
    pub fn count_lines(mut self) -> Self {
        self.count_lines = true;
        self
    }

    /// The layout, once the first piece has been cut.
    pub fn layout(&self) -> Option<Layout> {
        self.layout
    }

    /// The next piece, or `None` at the end of the stream. A piece ends after the last line
    /// break before which no paragraph can continue (a blank line for wrapped prose, a line
    /// before an indented one for PDF text, any line for one paragraph per line), else after
    /// the last line break, else after the last space (a runaway line), else anywhere on a
    /// character boundary.
    pub fn next_piece(&mut self) -> io::Result<Option<Piece>> {
        // Room for the whole piece at once: read in growing steps, the buffer would be copied
        // each time it grows.
        self.pending.reserve(PIECE_BYTES.saturating_sub(self.pending.len()));
        while !self.at_eof && self.pending.len() < PIECE_BYTES {
            let want = (PIECE_BYTES - self.pending.len()) as u64;
            let n = (&mut self.reader).take(want).read_to_end(&mut self.pending)?;
            self.at_eof = n == 0;
        }
        if self.pending.is_empty() {
            return Ok(None);
        }
        let start = if self.offset == 0 && self.pending.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
        let layout =
            *self.layout.get_or_insert_with(|| Layout::detect(&String::from_utf8_lossy(&self.pending[start..])));
        let mut cut = if self.at_eof { self.pending.len() } else { start + safe_cut(&self.pending[start..], layout) };
        if let Some(max) = self.max_lines {
            if let Some(i) = memchr::memchr_iter(b'\n', &self.pending[start..cut]).nth(max - 1) {
                cut = start + i + 1;
            }
        }
        let rest = self.pending.split_off(cut);
        let mut bytes = std::mem::replace(&mut self.pending, rest);
        bytes.drain(..start);
        let piece = Piece { offset: self.offset + start, first_line: self.lines_before + 1, bytes };
        if self.count_lines {
            self.lines_before += piece.bytes.iter().filter(|&&b| b == b'\n').count();
        }
        self.offset += cut;
        Ok(Some(piece))
    }
}

/// Where a piece may end (see [`Pieces::next_piece`]); `bytes` holds at least one byte.
fn safe_cut(bytes: &[u8], layout: Layout) -> usize {
    let search = &bytes[..bytes.len().min(PIECE_BYTES)];
    let after_last = |pred: &dyn Fn(usize) -> bool| (1..search.len()).rev().find(|&i| pred(i)).map(|i| i + 1);
    let newline = |i: usize| search[i] == b'\n';
    let structural = match layout {
        Layout::LinePerParagraph => None,
        Layout::Wrapped => after_last(&|i| {
            newline(i)
                && i >= 1
                && (search[i - 1] == b'\n' || search[i - 1] == b'\r' && i >= 2 && search[i - 2] == b'\n')
        }),
        Layout::Indented => after_last(&|i| {
            newline(i)
                && search.get(i + 1) == Some(&b' ')
                && search.get(i + 2..i + 5).is_some_and(|s| s.iter().any(|&b| b != b' '))
        }),
    };
    structural.or_else(|| after_last(&newline)).or_else(|| after_last(&|i| search[i] == b' ')).unwrap_or_else(|| {
        // A cut at `cut` is on a boundary when `bytes[cut]` starts a character; at the very end
        // of the bytes that is unknown, so the last byte waits for the next piece.
        let mut cut = search.len().min(bytes.len() - 1);
        while cut > 0 && (bytes[cut] & 0xc0) == 0x80 {
            cut -= 1;
        }
        cut.max(1)
    })
}

/// The paragraphs of one piece of a UTF-8 text stream, with spans in the stream. Paragraph
/// numbers and sections are local to the piece. `path` names the stream in errors.
pub(crate) fn segment_piece(
    id: &str,
    path: &Path,
    piece: Piece,
    layout: Layout,
) -> Result<Vec<Paragraph>, IngestError> {
    let offset = piece.offset;
    let text = piece.into_text(path)?;
    let doc = Document { id: id.to_owned(), source_len: text.len(), text, encoding: Encoding::Utf8 { bom: false } };
    // The first piece starts the document (after a byte order mark).
    let mut paragraphs = segment_with(&doc, layout, offset <= 3);
    for p in &mut paragraphs {
        p.start += offset;
        p.end += offset;
    }
    Ok(paragraphs)
}

impl Piece {
    /// The piece as text; an error names the offset of the first invalid byte in the stream
    /// (`path` names the stream).
    pub fn into_text(self, path: &Path) -> Result<String, IngestError> {
        let offset = self.offset;
        crate::decode::utf8_string(self.bytes).map_err(|e| IngestError::NotUtf8 {
            path: path.to_path_buf(),
            offset: offset + e.utf8_error().valid_up_to(),
        })
    }
}

/// Reads from `reader` into `head` until it holds more than `limit` bytes or the stream ends;
/// `true` when the stream ended (all of it is in `head`).
pub(crate) fn read_head(reader: &mut impl Read, head: &mut Vec<u8>, limit: usize) -> io::Result<bool> {
    let want = (limit + 1).saturating_sub(head.len());
    let n = reader.take(want as u64).read_to_end(head)?;
    Ok(n < want)
}

/// What the first bytes of a stream say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Head {
    /// UTF-8 text (perhaps with a character cut at the end of the head): can be streamed.
    Utf8,
    /// Text in another encoding (UTF-16, a legacy one): must be decoded whole.
    OtherEncoding,
    /// Not text: the signature of a binary format, or NUL bytes.
    Binary(&'static str),
}

/// Classifies the first bytes of a stream.
pub(crate) fn inspect_head(head: &[u8]) -> Head {
    if let Some(kind) = binary_signature(head) {
        return Head::Binary(kind);
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Head::OtherEncoding;
    }
    match crate::decode::utf8_str(head) {
        Ok(_) => Head::Utf8,
        // A character cut at the end of the head.
        Err(e) if e.error_len().is_none() => Head::Utf8,
        Err(_) => Head::OtherEncoding,
    }
}

/// Whether a stream is UTF-8 throughout (read once, in blocks), without a UTF-16 byte order
/// mark.
pub(crate) fn is_utf8(mut reader: impl Read) -> io::Result<bool> {
    let mut buf = vec![0u8; PIECE_BYTES];
    let mut carried = 0;
    let mut first = true;
    loop {
        let n = reader.read(&mut buf[carried..])?;
        let end = carried + n;
        if first && (buf[..end].starts_with(b"\xff\xfe") || buf[..end].starts_with(b"\xfe\xff")) {
            return Ok(false);
        }
        first = false;
        match crate::decode::utf8_str(&buf[..end]) {
            Ok(_) => carried = 0,
            Err(e) if e.error_len().is_none() && n > 0 => {
                // A character cut at the block end: keep its bytes for the next block.
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carried = end - valid;
            }
            Err(_) => return Ok(false),
        }
        if n == 0 {
            return Ok(carried == 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_of_short_lines_end_after_the_most_lines_allowed() {
        let text: String = (0..10_000).map(|i| format!("{{\"id\": {i}}}\n")).collect();
        let mut pieces =
            Pieces::new(text.as_bytes(), Vec::new(), Some(Layout::LinePerParagraph)).count_lines().max_lines(4096);
        let firsts: Vec<(usize, usize)> = std::iter::from_fn(|| pieces.next_piece().unwrap())
            .map(|p| (p.first_line, p.bytes.iter().filter(|&&b| b == b'\n').count()))
            .collect();
        assert_eq!(firsts, [(1, 4096), (4097, 4096), (8193, 1808)]);
    }

    fn pieces_of(text: &str, layout: Option<Layout>) -> Vec<Piece> {
        let mut pieces = Pieces::new(text.as_bytes(), Vec::new(), layout).count_lines();
        std::iter::from_fn(|| pieces.next_piece().unwrap()).collect()
    }

    #[test]
    fn pieces_cover_the_stream_and_end_between_paragraphs() {
        let para =
            "Die Staaten verurteilen Cyberangriffe auf kritische Infrastruktur\nund rufen zur Zusammenarbeit auf.\n\n";
        let text = para.repeat(3 * PIECE_BYTES / para.len());
        let pieces = pieces_of(&text, None);
        assert!(pieces.len() >= 3);
        let mut offset = 0;
        let mut line = 1;
        for p in &pieces {
            assert_eq!(p.offset, offset);
            assert_eq!(p.first_line, line);
            assert!(p.bytes.ends_with(b"\n\n"), "a piece ends at a blank line");
            offset += p.bytes.len();
            line += p.bytes.iter().filter(|&&b| b == b'\n').count();
        }
        assert_eq!(offset, text.len());
    }

    #[test]
    fn the_bom_is_skipped_and_offsets_stay_in_the_file() {
        let text = format!("\u{feff}{}", "Eine Zeile.\n".repeat(PIECE_BYTES / 6));
        let pieces = pieces_of(&text, Some(Layout::LinePerParagraph));
        assert_eq!(pieces[0].offset, 3);
        assert!(pieces[0].bytes.starts_with(b"Eine"));
        let paragraphs =
            segment_piece("x", Path::new("x"), pieces.into_iter().nth(1).unwrap(), Layout::LinePerParagraph).unwrap();
        assert_eq!(&text.as_bytes()[paragraphs[0].start..paragraphs[0].end], b"Eine Zeile.");
    }

    #[test]
    fn a_runaway_line_is_cut_on_a_character_boundary() {
        let text = "ä".repeat(PIECE_BYTES);
        for p in pieces_of(&text, Some(Layout::LinePerParagraph)) {
            assert!(std::str::from_utf8(&p.bytes).is_ok());
        }
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_offset_in_the_stream() {
        let piece = Piece { offset: 100, first_line: 1, bytes: b"abc\xffdef".to_vec() };
        let err = segment_piece("x", Path::new("in.txt"), piece, Layout::Wrapped).unwrap_err();
        assert_eq!(err.to_string(), "in.txt: not valid UTF-8 at byte 103");
    }

    #[test]
    fn heads_are_told_apart() {
        assert_eq!(inspect_head("Grüße".as_bytes()), Head::Utf8);
        assert_eq!(inspect_head(&"Grüße".as_bytes()[..3]), Head::Utf8);
        assert_eq!(inspect_head(b"Gr\xfc\xdfe aus Bonn"), Head::OtherEncoding);
        assert_eq!(inspect_head(b"\xff\xfeG\0"), Head::OtherEncoding);
        assert_eq!(inspect_head(&[0u8; 64]), Head::Binary("NUL bytes"));
        assert_eq!(inspect_head(b"%PDF-1.7"), Head::Binary("a PDF file"));
    }

    #[test]
    fn read_head_says_whether_the_stream_ended() {
        let mut head = Vec::new();
        assert!(read_head(&mut &b"0123456789"[..], &mut head, 10).unwrap());
        assert_eq!(head.len(), 10);
        let mut reader = &b"0123456789"[..];
        let mut head = Vec::new();
        assert!(!read_head(&mut reader, &mut head, 3).unwrap());
        assert_eq!(head, b"0123");
        assert!(!read_head(&mut reader, &mut head, 8).unwrap());
        assert_eq!(head, b"012345678");
        assert!(read_head(&mut reader, &mut head, 20).unwrap());
        assert_eq!(head, b"0123456789");
    }

    #[test]
    fn utf8_streams_are_recognised_across_block_ends() {
        let text = "ä".repeat(PIECE_BYTES);
        assert!(is_utf8(text.as_bytes()).unwrap());
        assert!(!is_utf8(&b"abc\xe4"[..]).unwrap());
        assert!(!is_utf8(&b"\xff\xfea\0"[..]).unwrap());
    }
}
