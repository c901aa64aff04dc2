//! The text of a PDF page laid out from the position of every glyph: glyphs into lines, lines
//! into paragraphs by geometry and by the flow of the text, not by a guess about the file.
//!
//! `pdf-extract` reports each glyph with its text matrix; [`Glyphs`] keeps its position, size
//! and width. [`page_text`] then writes the page as lines, with a blank line wherever a
//! paragraph ends. A paragraph ends between two lines when
//! - the gap between them is wider than the page's line pitch (spaced paragraphs), or the text
//!   moves up (a new column);
//! - the font size changes (a heading above its text);
//! - the first word of the next line would have fitted at the end of this one: the line was
//!   ended on purpose (the last line of a paragraph, a heading, a list item);
//! - the next line starts indented and the one after it does not (a first-line indent), or
//!   starts with a bullet;
//!
//! and never inside a word broken by a hyphen.

use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

/// One glyph as the page shows it: `x` and `y` (the baseline, downwards from the top of the
/// page) in points, its advance `width` and font `size` in points.
#[derive(Debug, Clone)]
pub(super) struct Glyph {
    x: f64,
    y: f64,
    width: f64,
    size: f64,
    text: String,
}

/// Collects the glyphs of every page in content order.
#[derive(Debug, Default)]
pub(super) struct Glyphs {
    /// The height of the page being read, in points.
    pub(super) height: f64,
    page: Vec<Glyph>,
    /// The glyphs of the page just ended, taken by [`Glyphs::take_page`].
    done: Option<Vec<Glyph>>,
}

impl Glyphs {
    /// The glyphs of the last page output, in content order.
    pub(super) fn take_page(&mut self) -> Vec<Glyph> {
        self.done.take().unwrap_or_else(|| std::mem::take(&mut self.page))
    }
}

impl OutputDev for Glyphs {
    fn begin_page(&mut self, _: u32, media_box: &MediaBox, _: Option<(f64, f64, f64, f64)>) -> Result<(), OutputError> {
        self.height = media_box.ury - media_box.lly;
        self.page.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.done = Some(std::mem::take(&mut self.page));
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The font size as the page shows it: the side of the square of the same area as the
        // unit square under the text matrix, scaled by the size.
        let sx = font_size * (trm.m11 + trm.m21);
        let sy = font_size * (trm.m12 + trm.m22);
        let size = (sx * sy).abs().sqrt();
        if !size.is_finite() || size <= 0.0 || !trm.m31.is_finite() || !trm.m32.is_finite() {
            return Ok(());
        }
        self.page.push(Glyph {
            x: trm.m31,
            y: self.height - trm.m32,
            width: width * size,
            size,
            text: text.to_owned(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// A line of text: where it starts and ends, its baseline, the size of most of its glyphs,
/// and where its first word ends.
#[derive(Debug, Clone)]
struct Line {
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    first_word_end: f64,
    text: String,
}

/// Around the digits of a footnote mark (a raised, smaller number after a word) in the text
/// of a line.
pub(super) const MARK_OPEN: char = '\u{e000}';
pub(super) const MARK_CLOSE: char = '\u{e001}';

/// A gap wider than this share of the font size between two glyphs is a space.
const SPACE_GAP: f64 = 0.15;
/// A jump right wider than this many font sizes on one baseline starts a new line (a table
/// cell, the next column of a row-by-row layout).
const COLUMN_GAP: f64 = 3.0;

/// The glyphs of a page in lines, in content order.
fn lines_of(glyphs: &[Glyph]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    // Per line: characters per font size, for the size most glyphs have.
    let mut sizes: Vec<(f64, usize)> = Vec::new();
    let mut end = 0.0_f64;
    let mut pending_space = false;
    for g in glyphs {
        if g.text.chars().all(char::is_whitespace) {
            pending_space = true;
            end = end.max(g.x + g.width);
            continue;
        }
        let same_line = lines.last().is_some_and(|l| {
            let dy = (g.y - l.y).abs();
            let size = l.size.max(g.size);
            dy <= 0.5 * size || (g.x >= end - 0.5 * size && dy <= 1.2 * size && g.size < 0.9 * l.size)
        });
        let gap = g.x - end;
        let mut mark = false;
        let line = match lines.last_mut() {
            Some(line) if same_line && gap > -2.0 * line.size && gap < COLUMN_GAP * line.size => {
                // A raised, smaller digit is a footnote mark, kept between MARK_OPEN and
                // MARK_CLOSE for [`super::pdf`] to match with the notes of the page.
                mark = g.size < 0.85 * line.size
                    && g.y < line.y - 0.15 * line.size
                    && g.text.chars().all(|c| c.is_ascii_digit());
                let spaced = pending_space || gap > SPACE_GAP * g.size.min(line.size);
                if mark && line.text.ends_with(MARK_CLOSE) {
                    line.text.pop();
                } else if mark {
                    line.text.push(MARK_OPEN);
                } else if spaced && !line.text.ends_with(' ') {
                    if line.first_word_end.is_nan() {
                        line.first_word_end = end;
                    }
                    line.text.push(' ');
                }
                line
            }
            _ => {
                if let Some(last) = lines.last_mut() {
                    finish_line(last, &sizes);
                }
                sizes.clear();
                lines.push(Line {
                    x0: g.x,
                    x1: g.x,
                    y: g.y,
                    size: g.size,
                    first_word_end: f64::NAN,
                    text: String::new(),
                });
                lines.last_mut().expect("just pushed")
            }
        };
        pending_space = false;
        line.text.push_str(&g.text);
        if mark {
            line.text.push(MARK_CLOSE);
        }
        end = g.x + g.width;
        line.x1 = line.x1.max(end);
        match sizes.iter_mut().find(|(s, _)| (s - g.size).abs() < 0.25) {
            Some((_, n)) => *n += g.text.chars().count(),
            None => sizes.push((g.size, g.text.chars().count())),
        }
        // The baseline of the line is that of its body glyphs, not of a raised mark.
        if g.size > line.size * 1.1 {
            line.y = g.y;
        }
        line.size = line.size.max(g.size);
    }
    if let Some(last) = lines.last_mut() {
        finish_line(last, &sizes);
    }
    lines.retain(|l| !l.text.trim().is_empty());
    for l in &mut lines {
        let trimmed = l.text.trim_end().len();
        l.text.truncate(trimmed);
    }
    lines
}

fn finish_line(line: &mut Line, sizes: &[(f64, usize)]) {
    if let Some((size, _)) = sizes.iter().max_by_key(|(_, n)| *n) {
        line.size = *size;
    }
    if line.first_word_end.is_nan() {
        line.first_word_end = line.x1;
    }
}

/// The left and right edges of the column each line belongs to: where most of the lines that
/// share its horizontal extent start and end.
fn column_edges(lines: &[Line]) -> Vec<(f64, f64)> {
    lines
        .iter()
        .map(|a| {
            let near = || lines.iter().filter(|b| b.x0 < a.x1 && b.x1 > a.x0);
            let mut starts: Vec<f64> = near().map(|b| b.x0).collect();
            let mut ends: Vec<f64> = near().map(|b| b.x1).collect();
            starts.sort_by(f64::total_cmp);
            ends.sort_by(f64::total_cmp);
            (starts[starts.len() / 10], ends[(ends.len() * 9 / 10).min(ends.len() - 1)])
        })
        .collect()
}

/// Whether two lines lie on one baseline, side by side: cells of a table row.
fn side_by_side(a: &Line, b: &Line) -> bool {
    (a.y - b.y).abs() < 0.3 * a.size.min(b.size) && (b.x0 >= a.x1 || a.x0 >= b.x1)
}

/// The usual distance between the baselines of two lines of running text on the page, as a
/// share of their font size.
fn line_pitch(lines: &[Line]) -> f64 {
    let mut pitches: Vec<f64> = lines
        .windows(2)
        .filter(|w| (w[0].size - w[1].size).abs() < 0.1 * w[0].size)
        .map(|w| (w[1].y - w[0].y) / w[0].size)
        .filter(|p| (0.8..=2.5).contains(p))
        .collect();
    if pitches.is_empty() {
        return 1.2;
    }
    pitches.sort_by(f64::total_cmp);
    pitches[pitches.len() / 2]
}

const BULLETS: &[char] =
    &['•', '▪', '●', '■', '◦', '○', '►', '‣', '∙', '·', '\u{f0b7}', '\u{f0a7}', '\u{f0d8}', '➢', '✓'];

/// Whether a paragraph ends between line `i` and line `i + 1`.
fn ends_between(lines: &[Line], edges: &[(f64, f64)], pitch: f64, i: usize) -> bool {
    let (a, b) = (&lines[i], &lines[i + 1]);
    let (left, right) = edges[i];
    // A table: the cells of a row are one paragraph, and each row is one.
    if side_by_side(a, b) {
        return false;
    }
    let in_row = |k: usize| {
        let l = &lines[k];
        lines[k.saturating_sub(8)..(k + 9).min(lines.len())].iter().any(|o| side_by_side(l, o))
    };
    if in_row(i) || in_row(i + 1) {
        return true;
    }
    let size = a.size.max(b.size);
    let dy = b.y - a.y;
    let broken_word = a.text.ends_with('-') && a.text.chars().rev().nth(1).is_some_and(char::is_alphabetic);
    let flows = (broken_word || !a.text.ends_with(['.', ':', ';', '!', '?']))
        && b.text.chars().next().is_some_and(char::is_lowercase);
    // Up the page, or far down it: another column or a new region.
    if dy < -0.5 * size || dy > (pitch + 1.5) * size {
        return !flows;
    }
    if broken_word && dy < (pitch + 0.6) * a.size.min(b.size) {
        return false;
    }
    if dy > (pitch + 0.3) * a.size.min(b.size) {
        return true;
    }
    if (a.size - b.size).abs() > 0.12 * size {
        return true;
    }
    if b.text.starts_with(BULLETS) {
        return true;
    }
    // The next point of a list whose points hang: this line, at the hanging indent, ends a
    // clause, and the next starts further left with its number (`… production;` / `(5) …`).
    if b.x0 < a.x0 - 0.8 * size && a.text.ends_with(['.', ';', ':']) && starts_with_number(&b.text) {
        return true;
    }
    // The first word of the next line would have fitted here, unless the sentence plainly
    // goes on (a centred or ragged title: `Resolution adopted by the General Assembly` /
    // `on 24 December 2024`).
    // Lines that leave room are ended on purpose even then in a list whose bullets are drawn,
    // not written (`… if all of the following are true:` / `you’re in the UK` / `your …`).
    let word = b.first_word_end - b.x0;
    let open = a.text.chars().last().is_some_and(char::is_alphanumeric);
    let lower = b.text.chars().next().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    let listed = || (a.x0 - b.x0).abs() < 0.3 * size && under_colon(lines, i);
    if a.x1 + 0.3 * a.size + word < right - 0.2 * a.size && (!(open && lower) || listed()) && !agenda_item(&a.text) {
        return true;
    }
    // A first-line indent: this line starts further right than the one before and the one
    // after, and does not go on with the sentence before (then it is the hanging indent of a
    // list point: `(3) ‘on-board …’ means any software … to` / `determine the vehicle …`).
    let indent = b.x0 - a.x0 > 0.8 * b.size && a.x0 < left + 0.5 * a.size;
    let back = lines.get(i + 2).is_some_and(|c| c.x0 < b.x0 - 0.8 * b.size || c.y < b.y);
    indent && back && !flows
}

/// `(5) `, `5. `, `b) `, `(iv) `: the number or letter of a list point, then a space.
fn starts_with_number(text: &str) -> bool {
    let (open, rest) = match text.strip_prefix('(') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let n = rest.chars().take_while(|c| c.is_alphanumeric()).count();
    let after: String = rest.chars().skip(n).take(2).collect();
    (1..=4).contains(&n) && if open { after == ") " } else { after == ") " || after == ". " }
}

/// Whether line `i` is one of a run of lines that start where it starts, below a line that
/// starts further left and ends with a colon: the items of a list introduced by that line.
fn under_colon(lines: &[Line], i: usize) -> bool {
    let a = &lines[i];
    let mut k = i;
    while k > 0 && (lines[k - 1].x0 - a.x0).abs() < 0.3 * a.size && lines[k - 1].y < lines[k].y {
        k -= 1;
    }
    k > 0 && lines[k - 1].text.ends_with(':') && lines[k - 1].x0 < a.x0 - 0.5 * a.size
}

/// Lines whose baseline lies in this share of the page height at its top or its bottom are
/// in the margin: running headers and footers, page numbers, a print's date and address.
const MARGIN: f64 = 0.075;

/// `Agenda item 139`, `Tagesordnungspunkt 69 a)`: the title of the item follows on the next
/// line and belongs to it.
fn agenda_item(line: &str) -> bool {
    ["Agenda item ", "Agenda items ", "Tagesordnungspunkt ", "Tagesordnungspunkte "].iter().any(|p| {
        line.strip_prefix(p).is_some_and(|rest| {
            rest.chars().next().is_some_and(|c| c.is_ascii_digit())
                && rest.chars().all(|c| c.is_alphanumeric() || " (),".contains(c))
        })
    })
}

/// The page as text: one line per line of text, a blank line where a paragraph ends. The lines
/// of the top and bottom margins come first and last, each on its own, whatever their place in
/// the content: the furniture rules of [`super::pdf`] look for them there.
pub(super) fn page_text(glyphs: &[Glyph], height: f64) -> String {
    let all = lines_of(glyphs);
    let in_margin = |l: &Line| height > 0.0 && (l.y < MARGIN * height || l.y > (1.0 - MARGIN) * height);
    let (margin, lines): (Vec<Line>, Vec<Line>) = all.into_iter().partition(in_margin);
    let (mut top, mut bottom): (Vec<Line>, Vec<Line>) = margin.into_iter().partition(|l| l.y < height / 2.0);
    let mut out = String::new();
    for line in baselines(&mut top) {
        out.push_str(&line);
        out.push_str("\n\n");
    }
    if !lines.is_empty() {
        let mut lines = lines;
        let mut edges = column_edges(&lines);
        if move_leading_hyphens(&mut lines, &edges) {
            edges = column_edges(&lines);
        }
        let pitch = line_pitch(&lines);
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push_str(if ends_between(&lines, &edges, pitch, i - 1) { "\n\n" } else { "\n" });
            }
            out.push_str(&line.text);
        }
        out.push_str("\n\n");
    }
    for line in baselines(&mut bottom) {
        out.push_str(&line);
        out.push_str("\n\n");
    }
    out
}

/// A word broken at the end of a full line whose hyphen the file puts at the start of the
/// next line or on a line of its own (`… in Ausein` / `-` / `andersetzungen im Betrieb`): the
/// hyphen goes back to the end of the line, where the line-join rules look for it. Whether a
/// line went (the column edges of the lines are then out of step).
fn move_leading_hyphens(lines: &mut Vec<Line>, edges: &[(f64, f64)]) -> bool {
    const HYPHENS: [char; 3] = ['-', '\u{ad}', '\u{2010}'];
    for i in 1..lines.len() {
        let mut chars = lines[i].text.trim().chars();
        let alone = matches!((chars.next(), chars.next()), (Some(c), None) if HYPHENS.contains(&c));
        let next = if alone { i + 1 } else { i };
        let Some(rest) =
            lines.get(next).and_then(|b| b.text.strip_prefix(HYPHENS).or(alone.then_some(b.text.as_str())))
        else {
            continue;
        };
        let rest = rest.strip_prefix(' ').unwrap_or(rest);
        let a = &lines[i - 1];
        let full = a.x1 > edges[i - 1].1 - 2.0 * a.size;
        let word_end = a.text.chars().last().is_some_and(char::is_alphabetic);
        if full && word_end && !a.text.starts_with(HYPHENS) && rest.chars().next().is_some_and(char::is_lowercase) {
            let rest = rest.to_owned();
            lines[i - 1].text.push('-');
            if alone {
                lines[i].text.clear();
            } else {
                lines[i].text = rest;
            }
        }
    }
    let before = lines.len();
    lines.retain(|l| !l.text.is_empty());
    lines.len() < before
}

/// Margin lines from top to bottom, the pieces on one baseline joined from left to right
/// (`A/RES/79/260` … `Unforeseen and extraordinary expenses for 2025`).
fn baselines(lines: &mut [Line]) -> Vec<String> {
    lines.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut out: Vec<(f64, String)> = Vec::new();
    for line in lines.iter() {
        match out.last_mut() {
            Some((y, text)) if (line.y - *y).abs() < 0.5 * line.size => {
                text.push(' ');
                text.push_str(&line.text);
            }
            _ => out.push((line.y, line.text.clone())),
        }
    }
    out.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of one word per call, at a size of 10 points, each character 5 points wide.
    fn word(glyphs: &mut Vec<Glyph>, x: f64, y: f64, text: &str) -> f64 {
        let mut x = x;
        for c in text.chars() {
            glyphs.push(Glyph { x, y, width: 5.0, size: 10.0, text: c.to_string() });
            x += 5.0;
        }
        x
    }

    fn line(glyphs: &mut Vec<Glyph>, x: f64, y: f64, text: &str) {
        let mut x = x;
        for w in text.split(' ') {
            x = word(glyphs, x, y, w) + 3.0;
        }
    }

    #[test]
    fn paragraphs_end_where_the_next_word_would_have_fitted() {
        let mut g = Vec::new();
        // A column 300 points wide (60 characters), lines 12 points apart, no gaps.
        line(&mut g, 50.0, 100.0, "Der Staat muss persönliche Kommunikationsdaten schützen und");
        line(&mut g, 50.0, 112.0, "darf Schutzlücken nicht hinnehmen.");
        line(&mut g, 50.0, 124.0, "Mindestspeicherfristen sind notwendig, damit bei schweren");
        line(&mut g, 50.0, 136.0, "Straftaten ein Datenzugriff erfolgen kann, sagt die Regierung.");
        let text = page_text(&g, 0.0);
        assert_eq!(
            text.trim_end(),
            "Der Staat muss persönliche Kommunikationsdaten schützen und\ndarf Schutzlücken nicht hinnehmen.\n\n\
             Mindestspeicherfristen sind notwendig, damit bei schweren\nStraftaten ein Datenzugriff erfolgen kann, sagt die Regierung."
        );
    }

    #[test]
    fn spaced_paragraphs_and_broken_words() {
        let mut g = Vec::new();
        // Lines 20 points apart (a browser's line height), paragraphs 40 apart.
        line(&mut g, 50.0, 100.0, "Artificial intelligence holds extraordinary potential for");
        line(&mut g, 50.0, 120.0, "both promise and peril. Responsible AI use has the poten-");
        line(&mut g, 50.0, 140.0, "tial to help solve urgent challenges.");
        line(&mut g, 50.0, 180.0, "Sec. 2. Policy and Principles.");
        let text = page_text(&g, 0.0);
        assert_eq!(
            text.trim_end(),
            "Artificial intelligence holds extraordinary potential for\nboth promise and peril. Responsible AI use has the poten-\n\
             tial to help solve urgent challenges.\n\nSec. 2. Policy and Principles."
        );
    }

    #[test]
    fn first_line_indents_and_bullets_start_paragraphs() {
        let mut g = Vec::new();
        line(&mut g, 80.0, 100.0, "1. Authorizes the Secretary-General, with the prior");
        line(&mut g, 50.0, 112.0, "concurrence of the Advisory Committee on Administrative and Budgetary");
        line(&mut g, 50.0, 124.0, "Questions and subject to the Financial Regulations of the Nations");
        line(&mut g, 80.0, 136.0, "2. Resolves that the Secretary-General shall report to the");
        line(&mut g, 50.0, 148.0, "Advisory Committee and to the General Assembly at its session;");
        line(&mut g, 50.0, 160.0, "• eine Zeile");
        let text = page_text(&g, 0.0);
        let paragraphs: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(paragraphs.len(), 3, "{text}");
        assert!(paragraphs[1].starts_with("2. Resolves"), "{text}");
    }

    /// The hanging indent of list points (`(3)` at the margin, its text and continuation lines
    /// further right) is no first-line indent: each point stays whole.
    #[test]
    fn hanging_list_points_stay_whole() {
        let mut g = Vec::new();
        line(&mut g, 50.0, 100.0, "(3) ‘on-board mass monitoring system’ means any software or hardware to");
        line(&mut g, 75.0, 112.0, "determine the vehicle total mass;");
        line(&mut g, 50.0, 124.0, "(4) ‘lifetime value’ of a certain quantity determined and stored means the");
        line(&mut g, 75.0, 136.0, "value of this quantity accumulated since the completion of production;");
        line(&mut g, 50.0, 148.0, "(5) ‘lifetime of a vehicle’ means the period since the completion of its");
        let text = page_text(&g, 0.0);
        let paragraphs: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(paragraphs.len(), 3, "{text}");
        assert!(paragraphs[0].ends_with("total mass;") && paragraphs[1].starts_with("(4)"), "{text}");
    }

    /// Items of a list whose bullets are drawn (no bullet in the text), below the line that
    /// introduces them with a colon, are one paragraph each.
    #[test]
    fn items_of_a_list_with_drawn_bullets() {
        let mut g = Vec::new();
        line(&mut g, 50.0, 100.0, "You can apply for a Graduate visa if all of the following are true:");
        line(&mut g, 70.0, 120.0, "you’re in the UK");
        line(&mut g, 70.0, 140.0, "your current visa is a Student visa");
        line(&mut g, 70.0, 160.0, "you studied a UK bachelor’s degree, postgraduate degree or other eligible");
        line(&mut g, 70.0, 180.0, "course for a minimum period of time");
        let text = page_text(&g, 0.0);
        let paragraphs: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(paragraphs.len(), 4, "{text}");
        assert_eq!(paragraphs[1], "you’re in the UK");
    }

    /// A hyphen the file puts at the start of the next line, or on a line of its own, goes
    /// back to the end of the full line whose word it breaks.
    #[test]
    fn hyphens_at_the_start_of_a_line_go_back() {
        let mut g = Vec::new();
        line(&mut g, 50.0, 100.0, "in den Parlamenten und in den Ausein");
        line(&mut g, 50.0, 112.0, "- andersetzungen im Betrieb und");
        line(&mut g, 50.0, 124.0, "in den Initiativen wollen wir den ökolo");
        // The hyphen as a text object of its own, just above the next line's baseline.
        line(&mut g, 50.0, 130.0, "-");
        line(&mut g, 50.0, 136.0, "gischen Umbau gestalten.");
        let text = page_text(&g, 0.0);
        assert!(text.starts_with("in den Parlamenten und in den Ausein-\nandersetzungen im Betrieb und\n"), "{text}");
        assert!(text.contains("den ökolo-\ngischen Umbau gestalten."), "{text}");
    }

    #[test]
    fn words_are_spaced_by_their_gaps() {
        let mut g = Vec::new();
        let x = word(&mut g, 0.0, 10.0, "treatme");
        // Tight justification: half a point is no space; four points are.
        let x = word(&mut g, x + 0.5, 10.0, "nt");
        word(&mut g, x + 4.0, 10.0, "plan");
        assert_eq!(page_text(&g, 0.0), "treatment plan\n\n");
    }
}
