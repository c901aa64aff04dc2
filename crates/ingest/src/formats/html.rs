//! HTML: parsed by html5ever (through `scraper`) as a browser would, then walked without
//! recursion (so any depth of nesting is fine). Block elements become blocks (`h1`–`h6`
//! headings, `li` list items, `p`, `blockquote`, table cells and the like body text); the text
//! of scripts, styles, navigation (also boxes named so by their class: sidebars, breadcrumbs,
//! menus, sharing buttons), page headers and footers, forms and cookie banners is
//! dropped; `<br>` is a line break; notes (`class="footnote…"`, `role="doc-endnotes"`) are
//! footnotes. Of what is left, the page's main content is kept ([`main_content`]).

use std::path::Path;

use scraper::{Html, Node};

use super::blocks::Blocks;
use crate::decode::{decode, Encoding, Undecodable};
use crate::segment::Kind;
use crate::IngestError;

/// Elements whose text is never document text.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "form", "button", "select", "textarea",
    "iframe", "svg", "canvas", "head", "aside", "menu", "dialog",
];

/// Elements that start and end a block.
const BLOCKS: &[&str] = &[
    "p",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "td",
    "th",
    "dt",
    "dd",
    "pre",
    "figcaption",
    "caption",
    "div",
    "section",
    "article",
    "main",
    "ul",
    "ol",
    "dl",
    "table",
    "tr",
    "address",
    "details",
    "summary",
    "body",
    "hr",
];

/// The deepest nesting of container elements paratopic parses. The HTML5 tree builder takes
/// time quadratic in the depth (each start tag looks through the open elements), so a page
/// nested 100,000 levels deep would take minutes; real pages stay below a hundred.
const MAX_DEPTH: usize = 5000;

/// Elements that are never closed implicitly, so that their nesting can be counted from the
/// tags alone.
const CONTAINERS: &[&str] =
    &["div", "span", "section", "article", "blockquote", "ul", "ol", "table", "main", "aside", "nav"];

/// The deepest nesting of [`CONTAINERS`] by their tags, with the content of scripts, styles and
/// comments skipped.
fn container_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(at) = memchr_lt(bytes, i) {
        i = at + 1;
        let rest = &html[i..];
        if rest.starts_with("!--") {
            i = rest.find("-->").map_or(bytes.len(), |e| i + e + 3);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = i + usize::from(closing);
        let name: String = html[name_start..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .take(16)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !closing && (name == "script" || name == "style") {
            let end = format!("</{name}");
            i = find_ignoring_case(bytes, i, end.as_bytes()).unwrap_or(bytes.len());
            continue;
        }
        if CONTAINERS.contains(&name.as_str()) {
            if closing {
                depth = depth.saturating_sub(1);
            } else {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
    }
    deepest
}

/// Where `needle` (lower case ASCII) next starts in `bytes` at or after `from`, in any case.
fn find_ignoring_case(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(p) = memchr_lt(bytes, at) {
        if bytes.get(p..p + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle)) {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

fn memchr_lt(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == b'<').map(|p| p + from)
}

/// Reads an HTML page into blocks; returns how it was decoded.
pub(super) fn read(bytes: Vec<u8>, path: &Path) -> Result<(Blocks, Encoding), IngestError> {
    let (text, encoding) = decode_html(bytes, path)?;
    let depth = container_depth(&text);
    if depth > MAX_DEPTH {
        return Err(IngestError::Unreadable {
            path: path.to_path_buf(),
            format: "HTML",
            reason: format!("elements nested {depth} levels deep (at most {MAX_DEPTH} are read)"),
        });
    }
    let document = Html::parse_document(&text);
    let mut walk = Walk::default();
    for edge in document.tree.root().traverse() {
        match edge {
            ego_tree::iter::Edge::Open(node) => walk.open(node),
            ego_tree::iter::Edge::Close(node) => walk.close(node),
        }
    }
    walk.flush();
    Ok((walk.finish(), encoding))
}

/// The page's text: a byte order mark wins, then a `<meta charset>` in the first kilobytes,
/// then what [`decode`] makes of the bytes (UTF-8 or a detected Latin encoding).
fn decode_html(bytes: Vec<u8>, path: &Path) -> Result<(String, Encoding), IngestError> {
    if encoding_rs::Encoding::for_bom(&bytes).is_none() {
        if let Some(declared) = declared_charset(&bytes[..bytes.len().min(4096)]) {
            if declared != encoding_rs::UTF_8 && declared.is_single_byte() {
                let (text, _) = declared.decode_without_bom_handling(&bytes);
                return Ok((text.into_owned(), Encoding::SingleByte(declared)));
            }
        }
    }
    decode(bytes).map_err(|e| match e {
        Undecodable::Binary(kind) => IngestError::Binary { path: path.to_path_buf(), kind },
        Undecodable::UnknownEncoding => IngestError::UnknownEncoding { path: path.to_path_buf() },
    })
}

/// The encoding named by `<meta charset="…">` or `<meta http-equiv="Content-Type"
/// content="text/html; charset=…">`.
fn declared_charset(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = head[from..].find("<meta").map(|i| i + from) {
        let end = head[at..].find('>').map_or(head.len(), |i| at + i);
        let tag = &head[at..end];
        if let Some(c) = tag.find("charset=") {
            let value: String = tag[c + 8..]
                .trim_start_matches(['"', '\'', ' '])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
                .collect();
            return encoding_rs::Encoding::for_label(value.as_bytes());
        }
        from = end;
    }
    None
}

#[derive(Default)]
struct Walk {
    /// The blocks read, before the page's main content is chosen among them.
    read: Vec<Read>,
    /// The text of the block being read.
    buffer: String,
    /// How many characters of the buffer are the text of links.
    link_chars: usize,
    /// Open elements: the kind of block they make, footnote area, dropped.
    stack: Vec<Frame>,
    /// How many dropped elements are open (their text is skipped).
    dropped: usize,
    /// How many links are open.
    links: usize,
}

struct Frame {
    node: ego_tree::NodeId,
    /// An `h1`: the title of the page.
    h1: bool,
    block: bool,
    kind: Option<Kind>,
    footnotes: bool,
    dropped: bool,
}

/// A block as read, with what the choice of the main content looks at: the elements around
/// it (outermost first), its length and how much of it is link text.
struct Read {
    raw: String,
    kind: Kind,
    /// Read inside an `h1`.
    h1: bool,
    footnote: bool,
    around: Vec<ego_tree::NodeId>,
    chars: usize,
    link_chars: usize,
}

impl Read {
    fn link_density(&self) -> f64 {
        self.link_chars as f64 / self.chars.max(1) as f64
    }
}

/// A block at least this long, with little link text, is prose: what the main content of a
/// page is made of.
const PROSE_CHARS: usize = 80;
/// Below this many characters of prose a page has no main content to choose: all is kept.
const MIN_PROSE: usize = 400;
/// The main content holds at least this share of the page's prose.
const MAIN_SHARE: f64 = 0.8;

/// The page's main content, as a reader finds it (the method of Readability-style
/// extractors): the innermost element that holds most of the page's prose; the blocks outside
/// it (teasers, comments, link lists around the article) are dropped, and so are blocks that
/// are mostly links wherever they are. The page's title (its first `h1`) stays.
fn main_content(read: Vec<Read>) -> Blocks {
    let prose = |r: &Read| r.chars >= PROSE_CHARS && r.link_density() < 0.25 && !r.footnote;
    let total: usize = read.iter().filter(|r| prose(r)).map(|r| r.chars).sum();
    let mut main: Option<(usize, ego_tree::NodeId)> = None;
    if total >= MIN_PROSE {
        let mut held: std::collections::HashMap<ego_tree::NodeId, (usize, usize)> = std::collections::HashMap::new();
        for r in read.iter().filter(|r| prose(r)) {
            for (depth, node) in r.around.iter().enumerate() {
                held.entry(*node).or_insert((depth, 0)).1 += r.chars;
            }
        }
        main = held
            .into_iter()
            .filter(|(_, (_, chars))| *chars as f64 >= MAIN_SHARE * total as f64)
            .map(|(node, (depth, _))| (depth, node))
            .max_by_key(|(depth, _)| *depth);
    }
    let mut out = Blocks::default();
    let mut title = true;
    for r in read {
        let inside = main.is_none_or(|(_, node)| r.around.contains(&node));
        let is_title = title && r.h1;
        title &= !r.h1;
        if (inside || is_title) && (r.link_density() <= 0.5 || r.footnote) {
            out.push(&r.raw, Some(r.kind), r.footnote, None);
        }
    }
    out
}

impl Walk {
    fn open(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(text) if self.dropped == 0 => {
                self.buffer.push_str(text);
                if self.links > 0 {
                    self.link_chars += text.split_whitespace().map(|w| w.chars().count() + 1).sum::<usize>();
                }
            }
            Node::Element(element) => {
                let name = element.name();
                let dropped = DROPPED.contains(&name) && !(name == "form" && wraps_the_page(node))
                    || is_banner(element)
                    || is_furniture(element) && !holds_prose(node)
                    || is_note_reference(element);
                let block = BLOCKS.contains(&name);
                let footnotes = is_notes(element);
                if name == "br" && self.dropped == 0 {
                    self.buffer.push('\n');
                }
                if block {
                    self.flush();
                }
                let kind = match name {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Some(Kind::Heading),
                    "li" | "dd" => Some(Kind::ListItem),
                    _ => None,
                };
                if dropped {
                    self.dropped += 1;
                }
                if name == "a" {
                    self.links += 1;
                }
                self.stack.push(Frame { node: node.id(), h1: name == "h1", block, kind, footnotes, dropped });
            }
            _ => {}
        }
    }

    fn close(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if !matches!(node.value(), Node::Element(_)) {
            return;
        }
        if let Some(frame) = self.stack.last() {
            if frame.block {
                self.flush();
            }
        }
        if let Some(frame) = self.stack.pop() {
            if frame.dropped {
                self.dropped -= 1;
            }
        }
        if node.value().as_element().is_some_and(|e| e.name() == "a") {
            self.links = self.links.saturating_sub(1);
        }
    }

    fn finish(self) -> Blocks {
        main_content(self.read)
    }

    /// Ends the current block: its kind is that of the innermost element that gives one (a
    /// heading, a list item), else body text; inside a notes area it is a footnote.
    fn flush(&mut self) {
        if self.buffer.trim().is_empty() {
            self.buffer.clear();
            self.link_chars = 0;
            return;
        }
        let footnote = self.stack.iter().any(|f| f.footnotes);
        let kind =
            if footnote { Kind::Footnote } else { self.stack.iter().rev().find_map(|f| f.kind).unwrap_or(Kind::Body) };
        // Whitespace inside a line collapses as a browser shows it; `<br>` breaks stay.
        let raw: Vec<String> =
            self.buffer.split('\n').map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect();
        let raw = raw.join("\n");
        let chars = raw.split_whitespace().map(|w| w.chars().count() + 1).sum();
        let around = self.stack.iter().map(|f| f.node).collect();
        let h1 = self.stack.iter().rev().find(|f| f.kind.is_some()).is_some_and(|f| f.h1);
        self.read.push(Read { raw, kind, h1, footnote, around, chars, link_chars: self.link_chars });
        self.buffer.clear();
        self.link_chars = 0;
    }
}

fn attribute_mentions(element: &scraper::node::Element, words: &[&str]) -> bool {
    ["id", "class", "role", "aria-label"].iter().any(|a| {
        element.attr(a).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            words.iter().any(|w| v.contains(w))
        })
    })
}

/// A `form` right inside `<body>` that holds paragraphs or an article: ASP.NET pages wrap the
/// whole page in one, so it is the page, not a form to drop (a search box holds neither).
fn wraps_the_page(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let in_body = node.parent().and_then(|p| p.value().as_element().map(|e| e.name() == "body")).unwrap_or(false);
    in_body
        && node
            .descendants()
            .any(|d| d.value().as_element().is_some_and(|e| matches!(e.name(), "p" | "article" | "main")))
}

/// A cookie or consent banner: a box (not the page itself: sites mark `<body>` with
/// `cookies-not-set` and the like) whose id, class or role names one.
fn is_banner(element: &scraper::node::Element) -> bool {
    !matches!(element.name(), "html" | "body" | "main" | "article")
        && attribute_mentions(element, &["cookie", "consent", "gdpr"])
}

/// Words that name a site's navigation and page furniture in an id, class or role.
const FURNITURE: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "sidebar",
    "skip",
    "skiplink",
    "social",
    "share",
    "sharing",
    "related",
    "footer",
    "toolbar",
    "pagination",
    "contentinfo",
    "banner",
];

/// Words that name the boxes around an article in an id or class, matched whole: comments,
/// teasers and promotions, bylines, captions, newsletter sign-ups, recommendation widgets.
const AROUND_THE_ARTICLE: &[&str] = &[
    "comment",
    "comments",
    "teaser",
    "teasers",
    "promo",
    "trending",
    "popular",
    "recommended",
    "newsletter",
    "caption",
    "byline",
    "outbrain",
    "taboola",
];

/// A box of site furniture that does not use `<nav>`, `<aside>` or `<footer>` (Sphinx's
/// `sphinxsidebar` and `related` bars, a `breadcrumb` list, a `subnavigation`, a `skip` link,
/// `role="navigation"`): an id, class or role one of whose words starts or ends with one of
/// [`FURNITURE`]; never the page itself.
fn is_furniture(element: &scraper::node::Element) -> bool {
    if matches!(element.name(), "html" | "body" | "main" | "article" | "h1" | "h2" | "h3" | "p") {
        return false;
    }
    ["id", "class", "role"].iter().any(|a| {
        element.attr(a).is_some_and(|v| {
            v.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
                let word = word.to_ascii_lowercase();
                !word.is_empty() && FURNITURE.iter().any(|f| word.starts_with(f) || word.ends_with(f))
                    || AROUND_THE_ARTICLE.contains(&word.as_str())
            })
        })
    })
}

/// Whether an element holds the text of a page rather than furniture: an article, the main
/// region, or three paragraphs (a layout box named `sticky-sidebar` can wrap the article).
fn holds_prose(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let mut paragraphs = 0;
    for d in node.descendants().skip(1) {
        match d.value().as_element().map(|e| e.name()) {
            Some("article" | "main") => return true,
            Some("p") => {
                paragraphs += 1;
                if paragraphs >= 3 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A footnote mark: a link to a note inside the page (`<a href="#fn1">1</a>`), or an element
/// marked as a note reference.
fn is_note_reference(element: &scraper::node::Element) -> bool {
    let to_note = element.name() == "a"
        && element.attr("href").is_some_and(|h| {
            let h = h.to_ascii_lowercase();
            h.starts_with("#fn") || h.starts_with("#footnote") || h.starts_with("#note") || h.starts_with("#endnote")
        });
    to_note || attribute_mentions(element, &["noteref", "footnote-ref", "footnote_ref"])
}

/// An area of notes: footnotes or endnotes.
fn is_notes(element: &scraper::node::Element) -> bool {
    attribute_mentions(element, &["footnote", "endnote", "doc-endnotes", "doc-footnote"])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(html: &str) -> Vec<(Kind, String)> {
        let (blocks, _) = read(html.as_bytes().to_vec(), Path::new("t.html")).unwrap();
        blocks.finish(super::super::Format::Html, None).paragraphs.into_iter().map(|p| (p.kind, p.text)).collect()
    }

    /// Furniture without `<nav>` or `<footer>` (a Sphinx sidebar, a breadcrumb, sharing
    /// buttons, `role="navigation"`) is dropped; a layout box whose name says sidebar but which
    /// holds the article is not.
    #[test]
    fn furniture_named_by_class_is_dropped_and_the_article_kept() {
        let page =
            "<html><body><div class=\"related\" role=\"navigation\"><ul><li>Index</li><li>Module</li></ul></div>\
             <div class=\"breadcrumbs\">Start › Koalitionsvertrag</div>\
             <div class=\"c-sticky-sidebar\"><div class=\"c-article__sharing\"><div>Share via Twitter</div></div>\
             <div class=\"c-article__content\"><p>Die Staaten verurteilen Cyberangriffe.</p><p>Zweiter Absatz.</p>\
             <p>Dritter Absatz.</p></div></div>\
             <div class=\"sphinxsidebar\"><h3>Schnellsuche</h3></div></body></html>";
        let texts: Vec<String> = read_str(page).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["Die Staaten verurteilen Cyberangriffe.", "Zweiter Absatz.", "Dritter Absatz."]);
    }

    /// A news page: the article's paragraphs are kept with the page's title; the teasers after
    /// it, the link list beside it and the comments under it are not.
    #[test]
    fn the_main_content_is_kept_and_what_surrounds_it_dropped() {
        let sentence =
            "Die Bundesregierung hat am Mittwoch eine neue Strategie für die Sicherheit der Netze beschlossen.";
        let article: String = (0..6).map(|i| format!("<p>{i}. {sentence}</p>")).collect();
        let page = format!(
            "<html><body><div class=\"page\"><h1>Neue Strategie</h1>\
             <div class=\"col\"><div class=\"story\">{article}</div>\
             <ul><li><a href=\"/a\">Weitere Meldungen aus dem Ressort Politik und Wirtschaft heute</a></li></ul></div>\
             <div class=\"col\"><div class=\"box\"><p>Lesen Sie auch: ein langer Anreißer zu einem anderen Artikel, \
             der hier nur als Hinweis auf weitere Lektüre steht und mit dem Thema wenig zu tun hat.</p></div></div>\
             <div class=\"comments\"><p>Ein Leser meint, dass die Strategie viel zu spät kommt und zu wenig Geld bereitstellt.</p></div>\
             </div></body></html>"
        );
        let texts: Vec<String> = read_str(&page).into_iter().map(|(_, t)| t).collect();
        let mut expected = vec!["Neue Strategie".to_owned()];
        expected.extend((0..6).map(|i| format!("{i}. {sentence}")));
        assert_eq!(texts, expected);
        // A short page has no main content to choose: all of it is kept.
        assert_eq!(read_str("<html><body><p>Kurz.</p><div><p>Auch kurz.</p></div></body></html>").len(), 2);
    }

    #[test]
    fn blocks_kinds_and_boilerplate() {
        let got = read_str(
            "<html><head><title>T</title><script>var x = 'Cyberangriff';</script></head><body class=\"cookies-not-set\">\
             <nav><a>Start</a></nav><div id=\"cookie-banner\">Wir nutzen Cookies.</div>\
             <h2>Cybersicherheit</h2><p>Die Staaten &amp; die <b>Zivilgesellschaft</b> verurteilen Angriffe.</p>\
             <ul><li>erster Punkt</li><li>zweiter<br>Punkt</li></ul><div><form><label>Suche</label></form></div>\
             <footer>Impressum</footer></body></html>",
        );
        assert_eq!(
            got,
            vec![
                (Kind::Heading, "Cybersicherheit".to_owned()),
                (Kind::Body, "Die Staaten & die Zivilgesellschaft verurteilen Angriffe.".to_owned()),
                (Kind::ListItem, "erster Punkt".to_owned()),
                (Kind::ListItem, "zweiter Punkt".to_owned()),
            ]
        );
    }

    #[test]
    fn a_form_around_the_whole_page_is_the_page() {
        let got =
            read_str("<html><body><form id=\"aspnetForm\"><nav>Menü</nav><p>Der Artikel.</p></form></body></html>");
        assert_eq!(got, vec![(Kind::Body, "Der Artikel.".to_owned())]);
    }

    #[test]
    fn declared_legacy_charset_is_used() {
        let mut bytes = b"<html><head><meta charset=\"windows-1252\"></head><body><p>Gr".to_vec();
        bytes.extend_from_slice(b"\xfc\xdfe aus K\xf6ln</p></body></html>");
        let (blocks, encoding) = read(bytes, Path::new("t.html")).unwrap();
        assert_eq!(encoding, Encoding::SingleByte(encoding_rs::WINDOWS_1252));
        assert_eq!(blocks.finish(super::super::Format::Html, None).paragraphs[0].text, "Grüße aus Köln");
    }

    #[test]
    fn deep_nesting_is_read_up_to_a_limit_and_refused_beyond() {
        let html = format!("{}<p>tief unten</p>{}", "<div>".repeat(2000), "</div>".repeat(2000));
        assert_eq!(read_str(&html), vec![(Kind::Body, "tief unten".to_owned())]);
        let html = format!("{}<p>tief unten</p>{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
        let err = read(html.into_bytes(), Path::new("t.html")).err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.html: cannot read this HTML file: elements nested 100000 levels deep (at most 5000 are read)"
        );
        // Scripts with comparisons and comments do not count as nesting.
        let script = format!("<script>{}</SCRIPT><!-- <div><div> --><p>Text</p>", "if (a<div) {} ".repeat(10_000));
        assert_eq!(container_depth(&script), 0);
        assert_eq!(container_depth("<div><script>x</script><div></div></div>"), 2);
    }
}
