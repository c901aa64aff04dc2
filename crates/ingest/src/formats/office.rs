//! Word (`.docx`) and OpenDocument (`.odt`) text: a zip archive read with `zip`, its XML with
//! `quick-xml` as a stream of events. Paragraphs of the body in order, heading styles (and
//! outline levels) as headings, list paragraphs as list items, footnotes as footnotes after
//! the body. Each archive member is read with a size cap, so a zip bomb is refused, not
//! unpacked.

use std::io::Read;
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::blocks::Blocks;
use crate::segment::Kind;
use crate::IngestError;

/// The largest archive member paratopic unpacks (the XML of a 1,000-page document is about
/// 20 MB).
const MAX_MEMBER_BYTES: u64 = 64 << 20;

fn unreadable(path: &Path, format: &'static str, reason: impl Into<String>) -> IngestError {
    IngestError::Unreadable { path: path.to_path_buf(), format, reason: reason.into() }
}

/// A Word or OpenDocument file's zip archive, opened once for all the members read from it.
struct Archive<'a> {
    zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    path: &'a Path,
    format: &'static str,
}

impl<'a> Archive<'a> {
    fn open(bytes: &'a [u8], path: &'a Path, format: &'static str) -> Result<Self, IngestError> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| unreadable(path, format, format!("not a zip archive ({e})")))?;
        Ok(Self { zip, path, format })
    }

    /// One member as text, or `None` when it is absent; a member that unpacks to more than
    /// [`MAX_MEMBER_BYTES`] is refused.
    fn member(&mut self, name: &str) -> Result<Option<String>, IngestError> {
        let (path, format) = (self.path, self.format);
        let mut file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(unreadable(path, format, format!("{name}: {e}"))),
        };
        if file.size() > MAX_MEMBER_BYTES {
            return Err(unreadable(path, format, format!("{name} unpacks to {} bytes (a zip bomb?)", file.size())));
        }
        let mut xml = Vec::new();
        (&mut file)
            .take(MAX_MEMBER_BYTES + 1)
            .read_to_end(&mut xml)
            .map_err(|e| unreadable(path, format, format!("{name}: {e}")))?;
        if xml.len() as u64 > MAX_MEMBER_BYTES {
            return Err(unreadable(
                path,
                format,
                format!("{name} unpacks to more than {MAX_MEMBER_BYTES} bytes (a zip bomb?)"),
            ));
        }
        String::from_utf8(xml).map(Some).map_err(|_| unreadable(path, format, format!("{name} is not UTF-8 XML")))
    }
}

fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// The events of an XML document, with text unescaped; a syntax error names the member.
fn events(
    xml: &str,
    member: &str,
    path: &Path,
    format: &'static str,
    mut handle: impl FnMut(XmlEvent<'_>),
) -> Result<(), IngestError> {
    let mut reader = Reader::from_str(xml);
    loop {
        let event = reader.read_event().map_err(|e| {
            unreadable(path, format, format!("{member}: bad XML at byte {}: {e}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(e) => handle(XmlEvent::Start(&e, false)),
            Event::Empty(e) => {
                handle(XmlEvent::Start(&e, true));
                handle(XmlEvent::End(e.name().as_ref()));
            }
            Event::End(e) => handle(XmlEvent::End(e.name().as_ref())),
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| unreadable(path, format, format!("{member}: {e}")))?;
                handle(XmlEvent::Text(&text));
            }
            Event::CData(t) => handle(XmlEvent::Text(&String::from_utf8_lossy(&t))),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

enum XmlEvent<'a> {
    /// An element opens (`true`: it is empty and closes at once).
    Start(&'a BytesStart<'a>, bool),
    End(&'a [u8]),
    Text(&'a str),
}

/// A paragraph being read: its text and the kind its properties give.
#[derive(Default)]
struct Para {
    text: String,
    kind: Option<Kind>,
}

fn is_heading_style(style: &str) -> bool {
    let s = style.to_ascii_lowercase();
    s.contains("heading") || s.contains("berschrift") || s == "title" || s == "titel" || s == "subtitle"
}

/// Reads a Word document.
pub(super) fn read_docx(bytes: &[u8], path: &Path) -> Result<Blocks, IngestError> {
    const F: &str = "Word";
    let mut archive = Archive::open(bytes, path, F)?;
    let Some(document) = archive.member("word/document.xml")? else {
        return Err(unreadable(path, F, "no word/document.xml in the archive (not a Word document)"));
    };
    let mut out = Blocks::default();
    word_paragraphs(&document, "word/document.xml", path, |p| {
        out.push(&p.text, Some(p.kind.unwrap_or(Kind::Body)), false, None)
    })?;
    if let Some(notes) = archive.member("word/footnotes.xml")? {
        let mut number = 0;
        let mut current: Option<String> = None;
        let mut skip = false;
        let mut paragraph = String::new();
        events(&notes, "word/footnotes.xml", path, F, |e| match e {
            XmlEvent::Start(s, _) if s.name().as_ref() == b"w:footnote" => {
                skip = attr(s, b"w:type").is_some_and(|t| t.contains("eparator") || t == "continuationNotice");
                current = Some(String::new());
            }
            XmlEvent::Start(s, _) if s.name().as_ref() == b"w:tab" => paragraph.push(' '),
            XmlEvent::End(b"w:p") => {
                if let Some(c) = current.as_mut() {
                    if !c.is_empty() {
                        c.push(' ');
                    }
                    c.push_str(paragraph.trim());
                }
                paragraph.clear();
            }
            XmlEvent::End(b"w:footnote") => {
                if let Some(text) = current.take() {
                    if !skip && !text.trim().is_empty() {
                        number += 1;
                        out.push(&format!("{number} {}", text.trim()), Some(Kind::Footnote), true, None);
                    }
                }
            }
            XmlEvent::Text(t) => paragraph.push_str(t),
            _ => {}
        })?;
    }
    if out.is_empty() {
        return Err(unreadable(path, F, "no text in the document"));
    }
    Ok(out)
}

/// The paragraphs of a WordprocessingML part, in order.
fn word_paragraphs(xml: &str, name: &str, path: &Path, mut emit: impl FnMut(Para)) -> Result<(), IngestError> {
    let mut para: Option<Para> = None;
    let mut in_text = false;
    events(xml, name, path, "Word", |e| match e {
        XmlEvent::Start(s, _) => match s.name().as_ref() {
            b"w:p" => para = Some(Para::default()),
            b"w:pStyle" => {
                if let (Some(p), Some(style)) = (para.as_mut(), attr(s, b"w:val")) {
                    if is_heading_style(&style) {
                        p.kind = Some(Kind::Heading);
                    } else if style.to_ascii_lowercase().contains("list") && p.kind.is_none() {
                        p.kind = Some(Kind::ListItem);
                    }
                }
            }
            b"w:outlineLvl" => {
                if let Some(p) = para.as_mut() {
                    p.kind = Some(Kind::Heading);
                }
            }
            b"w:numPr" => {
                if let Some(p) = para.as_mut() {
                    if p.kind != Some(Kind::Heading) {
                        p.kind = Some(Kind::ListItem);
                    }
                }
            }
            b"w:t" => in_text = true,
            b"w:tab" => {
                if let Some(p) = para.as_mut() {
                    p.text.push(' ');
                }
            }
            b"w:br" | b"w:cr" => {
                if let Some(p) = para.as_mut() {
                    if attr(s, b"w:type").is_none_or(|t| t == "textWrapping") {
                        p.text.push('\n');
                    }
                }
            }
            _ => {}
        },
        XmlEvent::End(b"w:t") => in_text = false,
        XmlEvent::End(b"w:p") => {
            if let Some(p) = para.take() {
                emit(p);
            }
        }
        XmlEvent::Text(t) if in_text => {
            if let Some(p) = para.as_mut() {
                p.text.push_str(t);
            }
        }
        _ => {}
    })
}

/// Reads an OpenDocument text.
pub(super) fn read_odt(bytes: &[u8], path: &Path) -> Result<Blocks, IngestError> {
    const F: &str = "OpenDocument";
    let Some(content) = Archive::open(bytes, path, F)?.member("content.xml")? else {
        return Err(unreadable(path, F, "no content.xml in the archive (not an OpenDocument file)"));
    };
    let mut out = Blocks::default();
    // Paragraphs being read: a note's paragraphs nest inside the paragraph that cites it.
    let mut stack: Vec<Para> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut list_depth = 0usize;
    let mut note_depth = 0usize;
    let mut in_citation = false;
    let mut skipped = 0usize;
    events(&content, "content.xml", path, F, |e| match e {
        XmlEvent::Start(s, empty) => match s.name().as_ref() {
            b"office:annotation" | b"text:tracked-changes" if !empty => skipped += 1,
            b"text:list-item" if !empty => list_depth += 1,
            b"text:note" if !empty => {
                note_depth += 1;
                notes.push(String::new());
            }
            b"text:note-citation" if !empty => in_citation = true,
            b"text:h" => stack.push(Para { text: String::new(), kind: Some(Kind::Heading) }),
            b"text:p" => {
                let kind = if note_depth > 0 {
                    Some(Kind::Footnote)
                } else if list_depth > 0 {
                    Some(Kind::ListItem)
                } else {
                    Some(Kind::Body)
                };
                stack.push(Para { text: String::new(), kind });
            }
            b"text:s" => {
                let n = attr(s, b"text:c").and_then(|c| c.parse::<usize>().ok()).unwrap_or(1).min(64);
                if let Some(p) = stack.last_mut() {
                    p.text.extend(std::iter::repeat_n(' ', n));
                }
            }
            b"text:tab" => {
                if let Some(p) = stack.last_mut() {
                    p.text.push(' ');
                }
            }
            b"text:line-break" => {
                if let Some(p) = stack.last_mut() {
                    p.text.push('\n');
                }
            }
            _ => {}
        },
        XmlEvent::End(name) => match name {
            b"office:annotation" | b"text:tracked-changes" => skipped = skipped.saturating_sub(1),
            b"text:list-item" => list_depth = list_depth.saturating_sub(1),
            b"text:note-citation" => in_citation = false,
            b"text:note" => note_depth = note_depth.saturating_sub(1),
            b"text:h" | b"text:p" => {
                if let Some(p) = stack.pop() {
                    if p.kind == Some(Kind::Footnote) {
                        if let Some(note) = notes.last_mut() {
                            if !note.is_empty() {
                                note.push(' ');
                            }
                            note.push_str(p.text.trim());
                        }
                    } else if skipped == 0 {
                        out.push(&p.text, p.kind, false, None);
                    }
                }
            }
            _ => {}
        },
        XmlEvent::Text(t) => {
            if !in_citation && skipped == 0 {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(t);
                }
            }
        }
    })?;
    for (i, note) in notes.iter().enumerate().filter(|(_, n)| !n.trim().is_empty()) {
        out.push(&format!("{} {}", i + 1, note.trim()), Some(Kind::Footnote), true, None);
    }
    if out.is_empty() {
        return Err(unreadable(path, F, "no text in the document"));
    }
    Ok(out)
}
