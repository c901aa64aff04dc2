//! PDF: the glyphs of each page by `pdf-extract`, laid out in lines and paragraphs by
//! [`super::pdf_layout`] (what it cannot read, by poppler's `pdftotext` where installed), then the page furniture of UN-style documents removed
//! (running headers and footers, document symbols, job numbers, page numbers, the masthead),
//! footnotes set apart as `footnote` blocks with their marks stripped from the text, and a
//! paragraph that crosses a page break joined again.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use super::blocks::Blocks;
use super::pdf_layout::{page_text, Glyphs, MARK_CLOSE, MARK_OPEN};
use super::pdf_repair::{break_form_loops, rebuild_xref};
use crate::decode::contains;
use crate::segment::Kind;
use crate::IngestError;

thread_local! {
    /// Set while `pdf-extract` runs on this thread, so that its panics (on damaged files) do
    /// not print a backtrace message: they become an error naming the file.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for panics inside `pdf-extract` and hands
/// every other panic to the hook that was there before.
fn quiet_panics_in_extraction() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The text of every page, laid out from its glyphs ([`page_text`]), or why there is none.
///
/// Each page is read on its own: a page the reader gives up on keeps the glyphs it yielded
/// before, and the other pages are read all the same.
fn extract_pages(bytes: &[u8], path: &Path) -> Result<Vec<String>, IngestError> {
    let failed = |reason: String| IngestError::Unreadable { path: path.to_path_buf(), format: "PDF", reason };
    // The header may follow some junk, within the first kilobyte.
    if !contains(&bytes[..bytes.len().min(1024)], b"%PDF-") {
        return Err(failed("not a PDF file (no %PDF- header)".into()));
    }
    quiet_panics_in_extraction();
    QUIET_PANICS.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Vec<String>, IngestError> {
        // Many PDFs are encrypted with an empty user password (only printing or copying is
        // restricted): those are read; a password-protected one is refused.
        let unlock = |mut doc: pdf_extract::Document| -> Result<pdf_extract::Document, IngestError> {
            if doc.is_encrypted() && doc.decrypt("").is_err() {
                return Err(IngestError::Encrypted { path: path.to_path_buf() });
            }
            Ok(doc)
        };
        // A cross-reference table that fails to load, or loads no page, is rebuilt (once) from
        // the objects themselves.
        let (mut doc, error) = match pdf_extract::Document::load_mem(bytes) {
            Ok(doc) => (Some(unlock(doc)?), None),
            Err(e) => (None, Some(e)),
        };
        if doc.as_ref().is_none_or(|d| d.get_pages().is_empty()) {
            if let Some(rebuilt) = rebuild_xref(bytes).and_then(|b| pdf_extract::Document::load_mem(&b).ok()) {
                doc = Some(unlock(rebuilt)?);
            }
        }
        let Some(mut doc) = doc else {
            return Err(failed(error.map_or("no pages".into(), |e| one_line(&e.to_string()))));
        };
        break_form_loops(&mut doc);
        let numbers: Vec<u32> = doc.get_pages().into_keys().collect();
        let mut pages = Vec::with_capacity(numbers.len());
        for number in numbers {
            let mut glyphs = Glyphs::default();
            // An error or a panic on this page leaves what it yielded so far.
            let _ = catch_unwind(AssertUnwindSafe(|| pdf_extract::output_doc_page(&doc, &mut glyphs, number)));
            let height = glyphs.height;
            pages.push(page_text(&glyphs.take_page(), height));
        }
        Ok(pages)
    }));
    QUIET_PANICS.with(|q| q.set(false));
    match result {
        Ok(pages) => pages,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .map_or(String::new(), |m| format!(": {}", one_line(&m).chars().take(160).collect::<String>()));
            Err(failed(format!("damaged file (the PDF reader gave up{why})")))
        }
    }
}

/// The program of the second reader: poppler's `pdftotext`, looked up on `PATH`.
const PDFTOTEXT: &str = "pdftotext";
/// How long the second reader may take on one file before it is stopped: 10 seconds, and one
/// more per megabyte of the file (poppler reads a megabyte in well under a second; a file that
/// makes it loop is given up on).
fn pdftotext_timeout(bytes: usize) -> std::time::Duration {
    std::time::Duration::from_secs(10 + (bytes >> 20) as u64)
}

/// The pages of a PDF as poppler's `pdftotext` reads them (paragraphs as blank-line blocks,
/// pages split at form feeds), or `None` when the machine has no `pdftotext`, it fails, it
/// takes longer than [`pdftotext_timeout`], or its text is out of all proportion to the file.
fn poppler_pages(bytes: &[u8]) -> Option<Vec<String>> {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(PDFTOTEXT)
        .args(["-enc", "UTF-8", "-eol", "unix", "-q", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let (mut stdin, stdout) = (child.stdin.take()?, child.stdout.take()?);
    let limit = 16 * bytes.len() as u64 + (1 << 20);
    let text = std::thread::scope(|scope| {
        // The file goes in and the text comes out on threads of their own, so that neither
        // pipe can fill up while this one waits for the other.
        scope.spawn(move || {
            let _ = stdin.write_all(bytes);
        });
        let reader = scope.spawn(move || {
            let mut out = Vec::new();
            stdout.take(limit + 1).read_to_end(&mut out).ok().map(|_| out)
        });
        let deadline = std::time::Instant::now() + pdftotext_timeout(bytes.len());
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                _ => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        let out = reader.join().ok().flatten();
        status.filter(std::process::ExitStatus::success).and(out)
    })?;
    if text.len() as u64 > limit {
        return None;
    }
    let text = String::from_utf8_lossy(&text);
    Some(text.split('\u{c}').map(str::to_owned).collect())
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads a PDF into blocks with their pages. What `pdf-extract` cannot read or finds no text
/// in (form fields, fonts it cannot map, damage it cannot repair, encryption it does not
/// know) is read by poppler's `pdftotext` where the machine has it ([`poppler_pages`]).
pub(super) fn read(bytes: &[u8], path: &Path) -> Result<Blocks, IngestError> {
    let has_text = |pages: &[String]| pages.iter().any(|p| p.chars().any(char::is_alphanumeric));
    let own = extract_pages(bytes, path).and_then(|pages| {
        if has_text(&pages) {
            Ok(pages)
        } else {
            Err(IngestError::NoText { path: path.to_path_buf() })
        }
    });
    let pages = match own {
        Ok(pages) => pages,
        Err(error) => poppler_pages(bytes).filter(|pages| has_text(pages)).ok_or(error)?,
    };
    let pages: Vec<Vec<String>> = pages.iter().map(|p| p.lines().map(normalize_line).collect()).collect();
    let mut out = blocks_of(&pages, true);
    // Nothing but what looks like furniture (the same few lines on every page): the text then
    // is what the document says.
    if out.is_empty() {
        out = blocks_of(&pages, false);
    }
    if out.is_empty() {
        return Err(IngestError::NoText { path: path.to_path_buf() });
    }
    Ok(out)
}

/// The blocks of the pages, their furniture removed when `furniture` is set.
fn blocks_of(pages: &[Vec<String>], furniture: bool) -> Blocks {
    let repeated = if furniture { repeated_band_lines(pages) } else { Default::default() };
    let mut out = Blocks::default();
    // The last body block of the previous page, held back in case the next page continues it.
    let mut held: Option<(Vec<String>, u32)> = None;
    for (index, lines) in pages.iter().enumerate() {
        let page = index as u32 + 1;
        let (body, notes) = split_page(lines, &repeated, furniture);
        let mut blocks = paragraphs_of(&body);
        strip_note_marks(&mut blocks, &notes);
        for line in blocks.iter_mut().flatten() {
            *line = drop_raised_marks(line);
        }
        if let Some((mut last, last_page)) = held.take() {
            if !blocks.is_empty() && continues(&last, &blocks[0]) {
                last.extend(blocks.remove(0));
            }
            out.push(&last.join("\n"), None, false, Some(last_page));
        }
        let last = blocks.pop();
        for block in blocks {
            out.push(&block.join("\n"), None, false, Some(page));
        }
        for (number, text) in &notes {
            out.push(&format!("{number} {}", drop_raised_marks(text)), Some(Kind::Footnote), true, Some(page));
        }
        held = last.map(|b| (b, page));
    }
    if let Some((last, page)) = held {
        out.push(&last.join("\n"), None, false, Some(page));
    }
    out
}

/// Typographic ligatures as their letters, soft hyphens at a line end as hyphens, and the
/// space that justified typesetting leaves before a line-final hyphen (`In -`) removed.
fn normalize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.trim_end().chars() {
        match c {
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            '\u{ad}' => out.push('-'),
            c => out.push(c),
        }
    }
    if out.ends_with(" -") && out[..out.len() - 2].chars().last().is_some_and(char::is_alphabetic) {
        let word = out[..out.len() - 2].rsplit(' ').next().unwrap_or("");
        // `und -` before `mittel`: a suspended prefix (`Informationstechnologien und -mittel`),
        // which [`paragraphs_of`] glues to the next line.
        if !SUSPENDED_HYPHEN_FOLLOWERS.contains(&word) {
            out.replace_range(out.len() - 2.., "-");
        }
    }
    out
}

/// Words before a suspended prefix hyphen (`und -mittel`).
const SUSPENDED_HYPHEN_FOLLOWERS: &[&str] = &["und", "oder", "bzw.", "sowie", "and", "or"];

/// How many non-blank lines at the top and at the bottom of a page may be furniture.
const TOP_BAND: usize = 5;
const BOTTOM_BAND: usize = 3;

fn band(lines: &[String]) -> Vec<usize> {
    let content: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].trim().is_empty()).collect();
    let top = content.iter().take(TOP_BAND).copied();
    let bottom = content.iter().rev().take(BOTTOM_BAND).copied();
    let mut band: Vec<usize> = top.chain(bottom).collect();
    band.sort_unstable();
    band.dedup();
    band
}

/// A line with its digits replaced and the page numbers at its ends dropped, so that
/// `20-16512 3` and `20-16512 4` compare equal, and so do the footers of facing pages
/// (`4 /45 ELI: http://…/oj` and `ELI: http://…/oj 5/45`).
fn shape(line: &str) -> String {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let numbering = |w: &str| w.chars().all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | '–' | '|'));
    while words.len() > 1 && numbering(words[words.len() - 1]) {
        words.pop();
    }
    let lead = words.iter().take(words.len().saturating_sub(1)).take_while(|w| numbering(w)).count();
    words.drain(..lead);
    words.join(" ").chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect()
}

/// Band lines that recur on at least three pages and half of all pages: running headers and
/// footers such as a short title; and, without digits, on at least two pages and three in four
/// of the even or the odd pages: the headers of facing pages (`EPRS | European Parliamentary
/// Research Service` on the left, the short title on the right).
fn repeated_band_lines(pages: &[Vec<String>]) -> std::collections::HashSet<String> {
    // Per shape: the pages it is on, by parity of the page's index.
    let mut counts: std::collections::HashMap<String, [usize; 2]> = std::collections::HashMap::new();
    for (index, lines) in pages.iter().enumerate() {
        let mut seen = std::collections::HashSet::new();
        for i in band(lines) {
            let s = shape(&lines[i]);
            if seen.insert(s.clone()) {
                counts.entry(s).or_default()[index % 2] += 1;
            }
        }
    }
    let of_parity = [pages.len().div_ceil(2), pages.len() / 2];
    counts
        .into_iter()
        .filter(|(shape, n)| {
            let all = n[0] + n[1];
            let facing =
                !shape.contains('0') && (0..2).any(|p| n[p] >= 2 && n[1 - p] == 0 && n[p] * 4 >= of_parity[p] * 3);
            (all >= 3 && all * 2 >= pages.len()) || facing
        })
        .map(|(s, _)| s)
        .collect()
}

const MONTHS: [&str; 24] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Masthead phrases of UN documents, alone on a line.
const MASTHEAD: [&str; 12] = [
    "Vereinte Nationen",
    "United Nations",
    "Nations Unies",
    "Generalversammlung",
    "General Assembly",
    "Sicherheitsrat",
    "Security Council",
    "Wirtschafts- und Sozialrat",
    "Economic and Social Council",
    "Verteilung: Allgemein",
    "Distr.: General",
    "Distr.: Limited",
];

/// A document symbol: `A/RES/75/32`, `S/RES/2231 (2015)`, `A/HRC/55/L.1`, `E/CN.16/2024/2`.
fn is_symbol(word: &str) -> bool {
    let parts: Vec<&str> = word.split('/').collect();
    parts.len() >= 2
        && parts[0].len() <= 4
        && parts[0].chars().all(|c| c.is_ascii_uppercase())
        && parts[1..].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        && word.chars().any(|c| c.is_ascii_digit())
}

/// A job number as UN documents print it in the footer: `20-16512`, `24-01234 (G)`.
fn is_job_number(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() == 8 && b[2] == b'-' && b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit())
}

fn is_page_number(line: &str) -> bool {
    // `*2424704*`, the barcode of a UN job number, is read as such.
    let t = line.trim().trim_matches(|c| c == '-' || c == '–' || c == ' ' || c == '*');
    let t = t.strip_prefix("Seite ").or_else(|| t.strip_prefix("Page ")).unwrap_or(t);
    let t = t.split(" von ").next().unwrap_or(t).split(" of ").next().unwrap_or(t);
    !t.is_empty() && t.len() <= 7 && t.chars().all(|c| c.is_ascii_digit() || c == '/')
}

fn is_date_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words[..] {
        [day, month, year] => {
            let day = day.trim_end_matches('.');
            (1..=2).contains(&day.len())
                && day.chars().all(|c| c.is_ascii_digit())
                && MONTHS.contains(&month)
                && year.len() == 4
                && year.chars().all(|c| c.is_ascii_digit())
        }
        _ => false,
    }
}

/// Whether a line at the top or bottom of a page is furniture, not text of the document.
fn is_furniture(line: &str, repeated: &std::collections::HashSet<String>) -> bool {
    let t = line.trim();
    // A running title never ends a sentence; a line of text that does is text, however often a
    // page repeats it.
    let running = repeated.contains(&shape(t)) && !t.ends_with(['.', ',', ';', ':']);
    if is_page_number(t) || is_date_line(t) || running {
        return true;
    }
    let mut rest = t.to_owned();
    for phrase in MASTHEAD {
        rest = rest.replace(phrase, " ");
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    // The masthead's `Original: English`.
    if words.is_empty() || words.len() == 2 && (words[0] == "Original:" || words[0] == "Ursprache:") {
        return true;
    }
    // A line of symbols, job numbers and page numbers, and what a masthead adds to them.
    let furniture_word =
        |w: &&str| is_symbol(w) || is_job_number(w) || is_page_number(w) || w.starts_with('(') && w.ends_with(')');
    let only_furniture = words.iter().any(|w| is_symbol(w) || is_job_number(w)) && words.iter().all(furniture_word);
    // A running header: the document's symbol before or after its short title
    // (`A/RES/79/260 Unforeseen and extraordinary expenses for 2025`).
    let symbol_led = words.len() <= 16
        && (is_symbol(words[0]) || is_symbol(words[words.len() - 1]))
        && !t.ends_with(['.', ',', ';', ':']);
    only_furniture || symbol_led || is_date_line(&words.join(" "))
}

/// A footnote line: a number of one to three digits, then the note (`1 A/65/201.`, or glued
/// as extraction leaves a superscript: `1A/65/201.`), but not a numbered clause (`3. begrüßt`).
fn note_start(line: &str) -> Option<(u32, &str)> {
    let t = line.trim_start();
    if is_date_line(t.trim_end()) {
        return None;
    }
    let t = t.strip_prefix(MARK_OPEN).unwrap_or(t);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let rest = &t[digits..];
    let rest = rest.strip_prefix(MARK_CLOSE).unwrap_or(rest);
    if rest.starts_with('.') || rest.starts_with(')') || rest.trim().is_empty() {
        return None;
    }
    let first = rest.trim_start().chars().next()?;
    if first.is_lowercase() || first.is_ascii_digit() {
        return None;
    }
    Some((t[..digits].parse().ok()?, rest.trim_start()))
}

/// Splits a page into its body lines (furniture removed, when `furniture` is set) and its
/// footnotes (number, text).
fn split_page(
    lines: &[String],
    repeated: &std::collections::HashSet<String>,
    furniture: bool,
) -> (Vec<String>, Vec<(u32, String)>) {
    // The date under `55th plenary meeting` closes a resolution; it is no masthead date.
    let closing = |i: usize| {
        is_date_line(lines[i].trim())
            && lines[..i].iter().rev().find(|l| !l.trim().is_empty()).is_some_and(|l| {
                let l = l.trim_end();
                l.ends_with("meeting") || l.ends_with("Plenarsitzung")
            })
    };
    // A note at the foot of the page that cites a symbol (`4 A/77/88/Add.1.`) is a note.
    let last_content = lines.iter().rposition(|l| !l.trim().is_empty()).unwrap_or(0);
    let foot_note = |i: usize| {
        i + BOTTOM_BAND > last_content
            && note_start(&lines[i]).is_some_and(|(_, rest)| rest.starts_with(|c: char| c.is_uppercase()))
    };
    let furniture: std::collections::HashSet<usize> = band(lines)
        .into_iter()
        .filter(|&i| furniture && is_furniture(&lines[i], repeated) && !closing(i) && !foot_note(i))
        .collect();
    let mut kept: Vec<&String> =
        lines.iter().enumerate().filter(|(i, _)| !furniture.contains(i)).map(|(_, l)| l).collect();
    // A table of contents: from the first line that leads with dots to a page number to the
    // last, when a page has three of them (the wrapped titles between go with them).
    let leaders: Vec<usize> = (0..kept.len()).filter(|&i| is_contents_line(kept[i])).collect();
    if let [first, .., last] = leaders[..] {
        if leaders.len() >= 3 {
            // The entry's title may begin on the lines above its first leader.
            let start = (0..first).rev().find(|&i| kept[i].trim().is_empty()).map_or(first, |b| b + 1);
            kept.drain(start..=last);
        }
    }
    // The footnote area: what follows the page's last rule, or else its last blocks, when
    // each of them starts with a note number, the numbers rising, and the area's first line
    // starts a note.
    let mut end = kept.len();
    while end > 0 && kept[end - 1].trim().is_empty() {
        end -= 1;
    }
    let start = match kept[..end].iter().rposition(|l| is_rule(l)) {
        Some(rule) => rule + 1,
        None => last_note_blocks(&kept[..end]),
    };
    let start = (start..end).find(|&i| !kept[i].trim().is_empty()).unwrap_or(end);
    let mut notes: Vec<(u32, String)> = Vec::new();
    if start < end && start > 0 && note_start(kept[start]).is_some() {
        for line in kept[start..end].iter().filter(|l| !l.trim().is_empty()) {
            match note_start(line) {
                Some((n, text)) if notes.last().is_none_or(|(last, _)| n > *last) => notes.push((n, text.to_owned())),
                // A continuation line (the area's first line always starts a note).
                _ => {
                    if let Some((_, text)) = notes.last_mut() {
                        text.push(' ');
                        text.push_str(line.trim());
                    }
                }
            }
        }
    }
    let body_end = if notes.is_empty() { end } else { start };
    let body = kept[..body_end].iter().filter(|l| !is_rule(l)).map(|l| (*l).clone()).collect();
    (body, notes)
}

/// A line of a table of contents: dot leaders, then a page number (`Einführung . . . . 6`,
/// `Gerechtigkeit……… 11`, `2. Scope ........ iv`).
fn is_contents_line(line: &str) -> bool {
    let t = line.trim_end();
    let number = t.trim_end_matches(|c: char| c.is_ascii_digit() || "ivxlcIVXLC".contains(c));
    if number.len() == t.len() || t.len() - number.len() > 5 {
        return false;
    }
    let leader: String = number.chars().rev().take_while(|c| ".·…_ \u{2024}\u{fffd}".contains(*c)).collect();
    leader.chars().filter(|c| *c != ' ').count() >= 4 || leader.contains('…') && leader.chars().count() >= 2
}

/// Where the run of blocks at the end of `lines` starts whose first lines start notes with
/// rising numbers (the footnotes of a page without a rule above them).
fn last_note_blocks(lines: &[&String]) -> usize {
    let mut start = lines.len();
    let mut next: Option<u32> = None;
    loop {
        let mut first = start;
        while first > 0 && lines[first - 1].trim().is_empty() {
            first -= 1;
        }
        let end = first;
        while first > 0 && !lines[first - 1].trim().is_empty() {
            first -= 1;
        }
        match note_start(lines.get(first).map_or("", |l| l.as_str())) {
            Some((n, _)) if first < end && next.is_none_or(|m| n < m) => {
                next = Some(n);
                start = first;
            }
            _ => return start,
        }
    }
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.len() >= 5 && t.chars().all(|c| c == '_' || c == '-' || c == '—')
}

/// Blocks of lines separated by blank lines.
fn paragraphs_of(lines: &[String]) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut open = false;
    for line in lines {
        if line.trim().is_empty() {
            open = false;
            continue;
        }
        match blocks.last_mut() {
            // `und -` + `mittel`: one word across the line break.
            Some(block) if open && block.last().is_some_and(|l| l.ends_with(" -")) => {
                if let Some(last) = block.last_mut() {
                    last.push_str(line.trim_start());
                }
            }
            Some(block) if open => block.push(line.clone()),
            _ => blocks.push(vec![line.clone()]),
        }
        open = true;
    }
    blocks
}

/// Whether the first block of a page continues the last block of the page before: that one
/// ends inside a word or a sentence, and this one starts in lower case.
fn continues(last: &[String], next: &[String]) -> bool {
    let end = last.last().map_or("", |l| l.trim_end());
    let open = end.ends_with('-') || end.chars().last().is_some_and(|c| c.is_alphanumeric());
    let lower = next.first().and_then(|l| l.trim_start().chars().next()).is_some_and(char::is_lowercase);
    open && lower
}

/// Removes the marks of a page's footnotes from its text: the first place where note `n`
/// follows a word or a year directly (`Arbeitsgruppe1`, `20101,`) loses its `n`.
///
/// Marks the layout found raised (`…Questions,` MARK_OPEN `2` MARK_CLOSE) are matched first;
/// afterwards every raised mark that follows a word or a sign is dropped, and the digits of
/// any other (a raised number after a space) are kept.
fn strip_note_marks(blocks: &mut [Vec<String>], notes: &[(u32, String)]) {
    let mut from = (0, 0);
    for (n, _) in notes {
        let raised = format!("{MARK_OPEN}{n}{MARK_CLOSE}");
        let found = blocks.iter_mut().flatten().find(|line| line.contains(&raised));
        if let Some(line) = found {
            *line = line.replacen(&raised, "", 1);
            continue;
        }
        let mark = n.to_string();
        'search: for (b, block) in blocks.iter_mut().enumerate().skip(from.0) {
            let first_line = if b == from.0 { from.1 } else { 0 };
            for (l, line) in block.iter_mut().enumerate().skip(first_line) {
                if let Some(at) = find_mark(line, &mark) {
                    line.replace_range(at..at + mark.len(), "");
                    from = (b, l);
                    break 'search;
                }
            }
        }
    }
}

/// The raised marks left in a line: dropped after a word or a sign, else kept as digits.
fn drop_raised_marks(line: &str) -> String {
    if !line.contains(MARK_OPEN) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find(MARK_OPEN) {
        out.push_str(&rest[..open]);
        let after = &rest[open + MARK_OPEN.len_utf8()..];
        let close = after.find(MARK_CLOSE).unwrap_or(after.len());
        let glued = out.chars().last().is_some_and(|c| !c.is_whitespace());
        if !glued {
            out.push_str(&after[..close]);
        }
        rest = after.get(close + MARK_CLOSE.len_utf8()..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

fn find_mark(line: &str, mark: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut search = 0;
    while let Some(i) = line[search..].find(mark).map(|i| i + search) {
        search = i + mark.len();
        let after = bytes.get(i + mark.len()).copied();
        let ends = after.is_none_or(|b| matches!(b, b',' | b';' | b'.' | b' ' | b':' | b')'));
        if !ends || i == 0 {
            continue;
        }
        let before = &line[..i];
        let last = before.chars().last()?;
        let after_word = last.is_alphabetic() && before.chars().rev().take_while(|c| c.is_alphabetic()).count() >= 3;
        // Four bytes back from the mark may fall inside a character (`2014–202`): no year then.
        let after_year = before.len() >= 4 && before.is_char_boundary(before.len() - 4) && {
            let year = &before[before.len() - 4..];
            year.chars().all(|c| c.is_ascii_digit())
                && (year.starts_with("19") || year.starts_with("20"))
                && !before[..before.len() - 4].chars().last().is_some_and(|c| c.is_ascii_digit())
        };
        if after_word || after_year {
            return Some(i);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks are looked for on any text without a panic: a multi-byte character just before a
    /// year-like run (the line of a real UN report that panicked, and one with a private-use
    /// symbol as pdf.js's `issue13211.pdf` has).
    #[test]
    fn marks_next_to_multibyte_characters_do_not_panic() {
        let line = "for  Landlocked  Developing  Countries  for  the  Decade  2014–2024, and";
        assert_eq!(find_mark(line, "4"), None);
        assert_eq!(find_mark("\u{f02b}2019 Bericht", "9"), None);
        assert_eq!(find_mark("im Jahr 20191, so", "1"), Some(12));
    }

    proptest::proptest! {
        #[test]
        fn find_mark_never_panics(line in "[0-9a-zäö–\u{f02b} ,.;]{0,24}", n in 1u32..30) {
            let mark = n.to_string();
            if let Some(at) = find_mark(&line, &mark) {
                proptest::prop_assert!(line.is_char_boundary(at) && line[at..].starts_with(&mark));
            }
        }
    }

    #[test]
    fn furniture_is_recognised() {
        let none = std::collections::HashSet::new();
        for line in
            ["A/RES/75/32", "20-16512 3", "Vereinte Nationen A/RES/75/32", "9. Dezember 2020", "- 4 -", "Seite 2 von 5"]
        {
            assert!(is_furniture(line, &none), "{line}");
        }
        for line in ["Die Generalversammlung,", "37. Plenarsitzung 7. Dezember 2020", "75/32. Förderung des Verhaltens"]
        {
            assert!(!is_furniture(line, &none), "{line}");
        }
    }

    #[test]
    fn notes_and_clauses_are_told_apart() {
        assert_eq!(note_start("1A/65/201."), Some((1, "A/65/201.")));
        assert_eq!(note_start("2 Siehe A/78/265."), Some((2, "Siehe A/78/265.")));
        assert_eq!(note_start("3. begrüßt die Arbeit"), None);
        assert_eq!(note_start("2019 wurde"), None);
    }

    #[test]
    fn note_marks_are_stripped_after_words_and_years() {
        let mut blocks = vec![
            vec!["der Berichte von 20101, 20132 und 20153, die".to_owned()],
            vec!["der Arbeitsgruppe4 und 12 Staaten".to_owned()],
        ];
        let notes: Vec<(u32, String)> = [1, 2, 3, 4].iter().map(|n| (*n, String::new())).collect();
        strip_note_marks(&mut blocks, &notes);
        for line in blocks.iter_mut().flatten() {
            *line = drop_raised_marks(line);
        }
        assert_eq!(blocks[0][0], "der Berichte von 2010, 2013 und 2015, die");
        assert_eq!(blocks[1][0], "der Arbeitsgruppe und 12 Staaten");
    }

    #[test]
    fn justified_hyphen_and_ligatures() {
        assert_eq!(normalize_line("die In -"), "die In-");
        assert_eq!(normalize_line("Dezember 2020 -"), "Dezember 2020 -");
        assert_eq!(normalize_line("Technologien und -"), "Technologien und -");
        let lines: Vec<String> = ["der Technologien und -", "mittel die"].iter().map(|s| s.to_string()).collect();
        assert_eq!(paragraphs_of(&lines), vec![vec!["der Technologien und -mittel die".to_owned()]]);
        assert_eq!(normalize_line("O\u{fb03}ce"), "Office");
    }
}
