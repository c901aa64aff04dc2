//! Cutting a document into paragraphs.
//!
//! Three layouts are recognised from the text itself ([`Layout::detect`]):
//! - [`Layout::Indented`]: text extracted from a PDF, where a paragraph starts on a line
//!   indented by one to three spaces, continuation lines start at column 0 and blank lines
//!   carry no meaning;
//! - [`Layout::Wrapped`]: hard-wrapped prose (no line longer than [`WRAP_WIDTH`] characters),
//!   where blank lines separate paragraphs;
//! - [`Layout::LinePerParagraph`]: every non-blank line is a paragraph.

use serde::{Deserialize, Serialize};

use crate::clean::{clean_text, join_lines_in, HyphenForms};
use crate::decode::OffsetMap;
use crate::Document;

/// Lines of hard-wrapped text are at most this many characters long.
pub const WRAP_WIDTH: usize = 120;
/// A paragraph longer than this many bytes (a runaway line, a file without line breaks) is
/// cut at sentence ends, or else at spaces, so memory per paragraph stays bounded.
pub const MAX_PARAGRAPH_BYTES: usize = 16 * 1024;
/// Headings are at most this many characters long.
const MAX_HEADING_CHARS: usize = 160;

/// What a paragraph is, structurally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A title or section heading: short, no closing punctuation.
    Heading,
    /// Running text.
    Body,
    /// A bullet (`- `) or a lettered sub-item (`a)`, `b.`).
    ListItem,
    /// An entry of a reference list (`[12] https://…`).
    Reference,
    /// A footnote (`¹ Siehe …`, or a numbered note below a `____` rule).
    Footnote,
}

impl Kind {
    /// The name used in output and label files.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Heading => "heading",
            Kind::Body => "body",
            Kind::ListItem => "list_item",
            Kind::Reference => "reference",
            Kind::Footnote => "footnote",
        }
    }

    /// The kind an output name stands for (the inverse of [`Kind::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        [Kind::Heading, Kind::Body, Kind::ListItem, Kind::Reference, Kind::Footnote]
            .into_iter()
            .find(|k| k.as_str() == name)
    }

    /// Whether paragraphs of this kind carry topical content (and so a gold label).
    pub fn is_content(self) -> bool {
        matches!(self, Kind::Body | Kind::ListItem)
    }
}

/// One paragraph of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// Position in the document, from 0.
    pub index: usize,
    /// Byte offset of the first character in the original file.
    pub start: usize,
    /// Byte offset just past the last character in the original file.
    pub end: usize,
    /// Structural kind.
    pub kind: Kind,
    /// The text of the nearest heading above, if any.
    pub section: Option<String>,
    /// Cleaned text: lines joined, markup removed, whitespace collapsed, NFC.
    pub text: String,
    /// The page the paragraph starts on, from 1 (PDF only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// The layout of a plain-text document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// PDF extraction: paragraphs start on indented lines.
    Indented,
    /// Hard-wrapped lines, paragraphs separated by blank lines.
    Wrapped,
    /// One paragraph per line.
    LinePerParagraph,
}

/// A line of the document: byte range of its content (without the line terminator).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    start: usize,
    text: &'a str,
}

impl<'a> Line<'a> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Indented by one to three spaces and then text.
    fn is_indented(&self) -> bool {
        let spaces = self.text.len() - self.text.trim_start_matches(' ').len();
        (1..=3).contains(&spaces) && !self.is_blank()
    }

    /// Byte range of the line without surrounding whitespace.
    fn trimmed_span(&self) -> (usize, usize) {
        let lead = self.text.len() - self.text.trim_start().len();
        let trail = self.text.trim_end().len();
        (self.start + lead, self.start + trail)
    }
}

/// The lines of `text`, ended by `\n`, `\r\n` or a lone `\r`; line ends found with memchr.
fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if i < start {
            // The `\n` of a `\r\n`, taken with its `\r`.
            continue;
        }
        out.push(Line { start, text: &text[start..i] });
        start = i + 1;
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            start += 1;
        }
    }
    if start < bytes.len() {
        out.push(Line { start, text: &text[start..] });
    }
    out
}

impl Layout {
    /// Recognises the layout of `text`.
    pub fn detect(text: &str) -> Layout {
        let lines = lines(text);
        Self::detect_lines(&lines[front_matter(&lines)..])
    }

    fn detect_lines(lines: &[Line<'_>]) -> Layout {
        let content: Vec<&Line<'_>> = lines.iter().filter(|l| !l.is_blank()).collect();
        let indented = content.iter().filter(|l| l.is_indented()).count();
        if indented >= 3 && indented * 10 >= content.len() {
            return Layout::Indented;
        }
        // Wrapped when nine lines in ten are within the wrap width: a URL or a table row longer
        // than that does not make a wrapped document one of long lines.
        let within = content.iter().filter(|l| l.text.chars().count() <= WRAP_WIDTH).count();
        let wrapped = within * 10 >= content.len() * 9;
        let has_consecutive_lines = lines.windows(2).any(|w| !w[0].is_blank() && !w[1].is_blank());
        // In wrapped prose most lines end inside a sentence; short lines that each end a
        // sentence are one paragraph per line.
        let sentence_ends = content.iter().filter(|l| l.text.trim_end().ends_with(['.', '!', '?', ':', ';'])).count();
        if wrapped && has_consecutive_lines && sentence_ends * 2 < content.len() {
            Layout::Wrapped
        } else {
            Layout::LinePerParagraph
        }
    }
}

/// A raw paragraph: the lines it is made of, before cleaning.
struct Block<'a> {
    lines: Vec<Line<'a>>,
    /// Inside a footnote area of a PDF page (after a `____` rule).
    in_footnotes: bool,
}

/// Cuts a document into paragraphs. Never panics; spans are in order, do not overlap, and
/// every non-blank line lies in one paragraph's span (lines without text, such as `_____`
/// rules, in the span of the paragraph after them).
/// YAML front matter at the start (a Markdown file's metadata) is no paragraph: its lines lie in
/// the span of the first paragraph.
pub fn segment(doc: &Document) -> Vec<Paragraph> {
    let lines = lines(&doc.text);
    let front = front_matter(&lines);
    let layout = Layout::detect_lines(&lines[front..]);
    segment_lines(doc, &lines, layout, front)
}

/// Cuts a document into paragraphs with a known layout (as [`segment`] does after detecting
/// it). Used on the pieces of a large file, whose layout is detected once on its beginning;
/// `first` says the text is the beginning of its document, where front matter may stand.
pub fn segment_with(doc: &Document, layout: Layout, first: bool) -> Vec<Paragraph> {
    let lines = lines(&doc.text);
    let front = if first { front_matter(&lines) } else { 0 };
    segment_lines(doc, &lines, layout, front)
}

/// How many lines YAML front matter takes at the start of a text: a `---` line, at most 1,000
/// lines of YAML (each `key: value`, indented, or a `- ` item), then a `---` or `...` line; 0
/// when there is none (a text that only starts with a rule keeps its lines).
fn front_matter(lines: &[Line<'_>]) -> usize {
    if lines.first().is_none_or(|l| l.text.trim_end() != "---") {
        return 0;
    }
    let yaml = |l: &Line<'_>| {
        let key = l.text.split_once(':').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        });
        l.is_blank() || key || l.text.starts_with([' ', '\t']) || l.text.starts_with("- ")
    };
    for (i, line) in lines.iter().enumerate().skip(1).take(1000) {
        if matches!(line.text.trim_end(), "---" | "...") {
            return if i > 1 { i + 1 } else { 0 };
        }
        if !yaml(line) {
            return 0;
        }
    }
    0
}

/// The section rule: a paragraph stands under the nearest heading above it in its document
/// (a heading under none). The one place the rule lives: segmentation places each paragraph
/// as it is made, and a [`crate::DocumentStream`] carries it from one piece of a document to
/// the next.
#[derive(Debug, Default, Clone)]
pub(crate) struct Sections {
    current: Option<String>,
}

impl Sections {
    /// Gives `paragraph` its section; a heading becomes the section of what follows it.
    pub(crate) fn place(&mut self, paragraph: &mut Paragraph) {
        if paragraph.kind == Kind::Heading {
            paragraph.section = None;
            self.current = Some(paragraph.text.clone());
        } else {
            paragraph.section.clone_from(&self.current);
        }
    }

    /// Continues into the paragraphs of a piece that was segmented on its own, whose
    /// paragraphs are placed within the piece: those above its first heading take the section
    /// carried from the pieces before.
    pub(crate) fn carry_into(&mut self, paragraphs: &mut [Paragraph]) {
        for p in paragraphs.iter_mut().take_while(|p| p.kind != Kind::Heading) {
            p.section.clone_from(&self.current);
        }
        if let Some(heading) = paragraphs.iter().rev().find(|p| p.kind == Kind::Heading) {
            self.current = Some(heading.text.clone());
        }
    }
}

/// A block of a structured document (PDF, HTML, Word) before cleaning: a byte range of the
/// extracted text, the kind its markup says (`None`: inferred from the text as for plain text),
/// whether it lies in a footnote area, and its page.
#[derive(Debug, Clone)]
pub(crate) struct TypedBlock {
    pub range: std::ops::Range<usize>,
    pub kind: Option<Kind>,
    pub footnote: bool,
    pub page: Option<u32>,
}

/// Turns the blocks of a structured document into paragraphs, as [`segment`] does for the
/// blocks it finds in plain text: lines joined and de-hyphenated, text cleaned, kinds inferred
/// where the markup gave none, sections carried. Spans are byte offsets into `text`.
pub(crate) fn segment_blocks(text: &str, blocks: &[TypedBlock]) -> Vec<Paragraph> {
    let mut paragraphs: Vec<Paragraph> = Vec::with_capacity(blocks.len());
    let mut sections = Sections::default();
    let forms = HyphenForms::new(text);
    for typed in blocks {
        let part = &text[typed.range.clone()];
        let lines: Vec<Line<'_>> = lines(part)
            .into_iter()
            .filter(|l| !l.is_blank())
            .map(|l| Line { start: l.start + typed.range.start, text: l.text })
            .collect();
        if lines.is_empty() {
            continue;
        }
        for block in split_long_blocks(vec![Block { lines, in_footnotes: typed.footnote }]) {
            let Some(mut paragraph) = finish(&block, paragraphs.len(), &forms) else { continue };
            if let Some(kind) = typed.kind {
                paragraph.kind = kind;
            }
            paragraph.page = typed.page;
            sections.place(&mut paragraph);
            paragraphs.push(paragraph);
        }
    }
    paragraphs
}

fn segment_lines(doc: &Document, all_lines: &[Line<'_>], layout: Layout, front: usize) -> Vec<Paragraph> {
    let lines = &all_lines[front..];
    let blocks = match layout {
        Layout::Indented => indented_blocks(lines),
        Layout::Wrapped => wrapped_blocks(lines),
        Layout::LinePerParagraph => {
            lines.iter().filter(|l| !l.is_blank()).map(|l| Block { lines: vec![*l], in_footnotes: false }).collect()
        }
    };
    let blocks = split_long_blocks(blocks);
    let mut paragraphs = Vec::with_capacity(blocks.len());
    let mut sections = Sections::default();
    let mut offsets = OffsetMap::new(&doc.text, doc.encoding, doc.source_len);
    let forms = HyphenForms::new(&doc.text);
    // Lines without any text (rules such as `_____`) join the span of the next paragraph, or
    // of the last one at the end, so that every line lies in some paragraph's span; so does
    // front matter.
    let mut orphan: Option<(usize, usize)> = all_lines[..front]
        .first()
        .zip(all_lines[..front].last())
        .map(|(first, last)| (first.start, last.trimmed_span().1.max(first.start)));
    for block in blocks {
        let Some(mut paragraph) = finish(&block, paragraphs.len(), &forms) else {
            let span = block_span(&block);
            orphan = Some(orphan.map_or(span, |(start, _)| (start, span.1)));
            continue;
        };
        if let Some((start, _)) = orphan.take() {
            paragraph.start = start;
        }
        paragraph.start = offsets.map(paragraph.start);
        paragraph.end = offsets.map(paragraph.end);
        sections.place(&mut paragraph);
        paragraphs.push(paragraph);
    }
    if let (Some((_, end)), Some(last)) = (orphan, paragraphs.last_mut()) {
        last.end = offsets.map(end);
    }
    paragraphs
}

fn block_span(block: &Block<'_>) -> (usize, usize) {
    let start = block.lines.first().map_or(0, |l| l.trimmed_span().0);
    let end = block.lines.last().map_or(start, |l| l.trimmed_span().1);
    (start, end)
}

/// Cuts blocks longer than [`MAX_PARAGRAPH_BYTES`]: between lines where possible, inside a line
/// at a sentence end or a space in its second half, else at a character boundary.
fn split_long_blocks(blocks: Vec<Block<'_>>) -> Vec<Block<'_>> {
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        let size: usize = block.lines.iter().map(|l| l.text.len()).sum();
        if size <= MAX_PARAGRAPH_BYTES {
            out.push(block);
            continue;
        }
        let mut current: Vec<Line<'_>> = Vec::new();
        let mut current_size = 0;
        for line in block.lines {
            for piece in split_line(line) {
                if current_size + piece.text.len() > MAX_PARAGRAPH_BYTES && !current.is_empty() {
                    out.push(Block { lines: std::mem::take(&mut current), in_footnotes: block.in_footnotes });
                    current_size = 0;
                }
                current_size += piece.text.len();
                current.push(piece);
            }
        }
        if !current.is_empty() {
            out.push(Block { lines: current, in_footnotes: block.in_footnotes });
        }
    }
    out
}

fn split_line(line: Line<'_>) -> Vec<Line<'_>> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while rest.text.len() > MAX_PARAGRAPH_BYTES {
        let mut limit = MAX_PARAGRAPH_BYTES;
        while !rest.text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &rest.text[..limit];
        let half = limit / 2;
        let sentence = [". ", "? ", "! ", "; "].iter().filter_map(|m| window.rfind(m).map(|i| i + 2)).max();
        let cut = sentence
            .filter(|&i| i > half)
            .or_else(|| window.rfind(char::is_whitespace).filter(|&i| i > half).map(|i| i + 1))
            .unwrap_or(limit);
        pieces.push(Line { start: rest.start, text: &rest.text[..cut] });
        rest = Line { start: rest.start + cut, text: &rest.text[cut..] };
    }
    pieces.push(rest);
    pieces
}

fn is_rule(line: &Line<'_>) -> bool {
    let t = line.text.trim();
    t.len() >= 5 && t.chars().all(|c| c == '_' || c == '-' || c == '—')
}

/// A numbered note below a rule: `1 A/65/201.`
fn is_numbered_note(text: &str) -> bool {
    let t = text.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    (1..=3).contains(&digits) && t[digits..].starts_with(' ')
}

fn indented_blocks<'a>(lines: &[Line<'a>]) -> Vec<Block<'a>> {
    let mut blocks: Vec<Block<'a>> = Vec::new();
    let mut in_footnotes = false;
    for line in lines.iter().filter(|l| !l.is_blank()) {
        if is_rule(line) {
            in_footnotes = true;
            blocks.push(Block { lines: vec![*line], in_footnotes });
            continue;
        }
        if line.is_indented() {
            in_footnotes = false;
        }
        let starts_new = match blocks.last() {
            None => true,
            // Below a rule each numbered note is a block; other lines continue the note.
            Some(last) if last.in_footnotes => {
                line.is_indented() || is_rule(&last.lines[0]) || is_numbered_note(line.text)
            }
            Some(last) => {
                let previous = last.lines.last().map_or("", |l| l.text.trim_end());
                // A line at column 0 after a sentence that ended with the line is a new block
                // (a signature such as `37. Plenarsitzung` below the last clause).
                line.is_indented() || previous.ends_with('.')
            }
        };
        if starts_new {
            blocks.push(Block { lines: vec![*line], in_footnotes });
        } else if let Some(last) = blocks.last_mut() {
            last.lines.push(*line);
        }
    }
    blocks
}

/// Blank lines end a paragraph, and so does a line much shorter than the wrap width (the last
/// line of a paragraph, or a heading). The wrap width is what nine lines in ten stay within: a
/// few long lines (a table row, a URL, front matter) do not make every wrapped line look short.
fn wrapped_blocks<'a>(lines: &[Line<'a>]) -> Vec<Block<'a>> {
    let width = wrap_width(lines);
    let mut blocks: Vec<Block<'a>> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.is_blank() {
            open = false;
            continue;
        }
        let text = line.text.trim_start();
        let starts_item = list_marker_len(text).is_some() || text.starts_with('#') || reference_marker(text);
        match blocks.last_mut() {
            Some(last) if open && !starts_item && !last.lines[0].text.trim_start().starts_with('#') => {
                last.lines.push(*line);
            }
            _ => blocks.push(Block { lines: vec![*line], in_footnotes: false }),
        }
        open = line.text.trim_end().chars().count() * 10 >= width * 6;
    }
    blocks
}

/// The length in characters that nine non-blank lines in ten do not pass.
fn wrap_width(lines: &[Line<'_>]) -> usize {
    let mut lengths: Vec<usize> =
        lines.iter().filter(|l| !l.is_blank()).map(|l| l.text.trim_end().chars().count()).collect();
    if lengths.is_empty() {
        return 0;
    }
    lengths.sort_unstable();
    lengths[(lengths.len() * 9 / 10).min(lengths.len() - 1)]
}

/// Length of a list marker at the start of `text`: `- `, `* `, `• `, `– `, `a) `, `a. `.
fn list_marker_len(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let first = chars.next()?;
    let second = chars.next()?;
    if matches!(first, '-' | '*' | '•' | '–' | '▪') && second == ' ' {
        return Some(first.len_utf8() + 1);
    }
    let third = chars.next()?;
    if first.is_ascii_lowercase() && matches!(second, ')' | '.') && third == ' ' {
        return Some(3);
    }
    None
}

/// `:` and a space or tab at the start of a line: a Markdown (Pandoc) definition.
fn definition_marker(text: &str) -> bool {
    text.strip_prefix(':').is_some_and(|rest| rest.starts_with([' ', '\t']))
}

/// `[12] …` at the start of a line.
fn reference_marker(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('[') else { return false };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && rest[digits..].starts_with(']')
}

fn is_heading_text(text: &str) -> bool {
    let Some(last) = text.chars().last() else { return false };
    let first = text.chars().next().unwrap_or(' ');
    text.chars().count() <= MAX_HEADING_CHARS
        && !matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '…')
        && (first.is_uppercase() || first.is_numeric() || first == '[' || first == '(' || first == '„')
}

/// Turns a block into a paragraph, without its section; its span is in text offsets (mapped to
/// file offsets by the caller).
fn finish(block: &Block<'_>, index: usize, forms: &HyphenForms<'_>) -> Option<Paragraph> {
    let first = block.lines.first()?;
    let raw_first = first.text.trim_start();
    let (kind, keep_citations) = if block.in_footnotes || raw_first.starts_with(is_superscript_start) {
        (Kind::Footnote, false)
    } else if reference_marker(raw_first) {
        (Kind::Reference, true)
    } else if list_marker_len(raw_first).is_some() {
        (Kind::ListItem, false)
    } else if raw_first.starts_with('#') {
        (Kind::Heading, false)
    } else {
        (Kind::Body, false)
    };
    let joined = match &block.lines[..] {
        [line] => line.text.trim().to_owned(),
        lines => join_lines_in(lines.iter().map(|l| l.text), forms),
    };
    let joined = match kind {
        Kind::ListItem => joined[list_marker_len(&joined).unwrap_or(0)..].to_owned(),
        // The `:` that starts a definition in Markdown (`Fundstelle` / `:   BGBl I: 2014`).
        Kind::Body if definition_marker(raw_first) => {
            joined.trim_start().strip_prefix(':').unwrap_or(&joined).trim_start().to_owned()
        }
        Kind::Heading => joined.trim_start_matches('#').to_owned(),
        _ => joined,
    };
    let text = clean_text(&joined, keep_citations);
    if !text.chars().any(char::is_alphanumeric) {
        return None;
    }
    let kind = if kind == Kind::Body && is_heading_text(&text) { Kind::Heading } else { kind };
    let (start, end) = block_span(block);
    Some(Paragraph { index, start, end, kind, section: None, text, page: None })
}

fn is_superscript_start(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '⁰' | '⁴'..='⁹')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Markdown definition (`:   value`) loses its marker; a colon inside text stays.
    #[test]
    fn definition_markers_go() {
        let doc = Document::from_text("a.md", "Fundstelle\n:   BGBl I: 2014, 1348\n\n:Kein Marker\n".to_owned());
        let texts: Vec<String> = segment(&doc).into_iter().map(|p| p.text).collect();
        assert_eq!(texts, ["Fundstelle", "BGBl I: 2014, 1348", ":Kein Marker"]);
    }

    /// A Markdown file's YAML front matter is metadata, not paragraphs (its bytes lie in the
    /// first paragraph's span); a text that only starts with a rule keeps its lines.
    #[test]
    fn front_matter_is_no_paragraph() {
        let text = "---\ntitle: \"Gesetz\"\nslug: milog\ntags:\n  - recht\n---\n\n# Gesetz\n\nDer Text.\n";
        let doc = Document::from_text("a.md", text.to_owned());
        let paragraphs = segment(&doc);
        let texts: Vec<&str> = paragraphs.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["Gesetz", "Der Text."]);
        assert_eq!(paragraphs[0].start, 0);
        let ruled = "---\nDie Staaten verurteilen Cyberangriffe.\n---\n\nZweiter Absatz.\n";
        let texts: Vec<String> =
            segment(&Document::from_text("b.txt", ruled.to_owned())).into_iter().map(|p| p.text).collect();
        assert_eq!(texts, ["Die Staaten verurteilen Cyberangriffe.", "Zweiter Absatz."]);
    }

    fn texts(input: &str) -> Vec<(Kind, String)> {
        segment(&Document::from_text("t", input.to_owned())).into_iter().map(|p| (p.kind, p.text)).collect()
    }

    #[test]
    fn layouts_are_recognised() {
        assert_eq!(Layout::detect(" Erster Absatz\n\nweiter\n\n Zweiter\n\n Dritter\n"), Layout::Indented);
        assert_eq!(Layout::detect("Zeile eins\nZeile zwei\n\nNeuer Absatz\n"), Layout::Wrapped);
        assert_eq!(Layout::detect(&format!("{}\n{}\n", "a".repeat(200), "b")), Layout::LinePerParagraph);
        assert_eq!(Layout::detect("Erster Satz.\nZweiter Satz.\nDritter Satz ohne\nEnde\n"), Layout::LinePerParagraph);
    }

    #[test]
    fn wrapped_prose_joins_lines_and_splits_lists() {
        let got = texts("# Titel\n\nDas ist ein\nlanger Absatz.\n\n- Punkt eins\n- Punkt zwei\n");
        assert_eq!(
            got,
            vec![
                (Kind::Heading, "Titel".to_owned()),
                (Kind::Body, "Das ist ein langer Absatz.".to_owned()),
                (Kind::ListItem, "Punkt eins".to_owned()),
                (Kind::ListItem, "Punkt zwei".to_owned()),
            ]
        );
    }

    /// The plain form of [`lines`]: a byte loop.
    fn lines_reference(text: &str) -> Vec<Line<'_>> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    out.push(Line { start, text: &text[start..i] });
                    start = i + 1;
                }
                b'\r' => {
                    out.push(Line { start, text: &text[start..i] });
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        if start < bytes.len() {
            out.push(Line { start, text: &text[start..] });
        }
        out
    }

    proptest::proptest! {
        /// memchr finds the lines the byte loop finds.
        #[test]
        fn lines_are_the_plain_ones(text in "[ab \\r\\nä]{0,40}") {
            let fast: Vec<(usize, &str)> = lines(&text).iter().map(|l| (l.start, l.text)).collect();
            let plain: Vec<(usize, &str)> = lines_reference(&text).iter().map(|l| (l.start, l.text)).collect();
            proptest::prop_assert_eq!(fast, plain);
        }
    }

    #[test]
    fn line_endings_cr_lf_and_lone_cr() {
        assert_eq!(lines("a\r\nb\rc\nd").iter().map(|l| l.text).collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    }

    #[test]
    fn spans_point_at_original_bytes() {
        let doc = Document::from_text("t", "\u{feff}Kopf\n\n1. *begrüßt* die Arbeit.\n".to_owned());
        let paragraphs = segment(&doc);
        let original = "\u{feff}Kopf\n\n1. *begrüßt* die Arbeit.\n";
        let p = &paragraphs[1];
        assert_eq!(&original[p.start..p.end], "1. *begrüßt* die Arbeit.");
        assert_eq!(p.text, "1. begrüßt die Arbeit.");
        assert_eq!(p.section.as_deref(), Some("Kopf"));
    }

    #[test]
    fn runaway_lines_are_cut_at_sentence_ends() {
        let sentence = "Die Staaten verurteilen Cyberangriffe auf Krankenhäuser und Netze. ";
        let line = sentence.repeat(3000); // about 200,000 bytes on one line
        let doc = Document::from_text("t", format!("{line}\n"));
        let paragraphs = segment(&doc);
        assert!(paragraphs.len() >= 12, "{}", paragraphs.len());
        for p in &paragraphs {
            assert!(p.end - p.start <= MAX_PARAGRAPH_BYTES);
            assert!(p.text.ends_with("Netze."), "{}", &p.text[p.text.len() - 20..]);
        }
        assert_eq!(paragraphs.last().unwrap().end, line.trim_end().len());
        let without_spaces = "x".repeat(40_000);
        let cut = segment(&Document::from_text("t", without_spaces));
        assert_eq!(cut.iter().map(|p| p.end - p.start).collect::<Vec<_>>(), [16384, 16384, 7232]);
    }

    #[test]
    fn nothing_but_blanks_gives_nothing() {
        assert!(texts("").is_empty());
        assert!(texts(" \n\t\n\r\n").is_empty());
    }
}
