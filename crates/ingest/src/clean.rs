//! Turning the raw text of a paragraph into clean text: line joins with de-hyphenation,
//! Markdown markup and footnote marks removed, whitespace collapsed, Unicode NFC.

use std::borrow::Cow;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Words after a line-final hyphen that show a suspended hyphen
/// (`Informations- und Kommunikationstechnologien`), which must stay.
const SUSPENDED_HYPHEN_FOLLOWERS: &[&str] = &["und", "oder", "bzw", "sowie", "als", "bis", "noch", "wie"];

/// Joins the lines of one paragraph. A word broken at the end of a line is rejoined
/// (`De-` + `zember` → `Dezember`); a hyphen before a capital stays and is joined without a
/// space (`Coronavirus-` + `Krankheit`); a suspended hyphen stays with its space
/// (`Informations-` + `und` → `Informations- und`).
pub fn join_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> String {
    join_lines_in(lines, &HyphenForms::new(""))
}

/// [`join_lines`], where the document's own spelling decides a hyphen at a line end: it stays
/// when the document writes the word with it inside a line (`off-` + `road` → `off-road`
/// where `off-road` stands elsewhere), and in a web address or path (`/course-you-` +
/// `studied`).
pub(crate) fn join_lines_in<'a>(lines: impl IntoIterator<Item = &'a str>, forms: &HyphenForms<'_>) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(line);
            continue;
        }
        if ends_with_broken_word(&out) {
            let first_word: String = line.chars().take_while(|c| c.is_alphabetic()).collect();
            let first = line.chars().next().unwrap_or(' ');
            let head = out[..out.len() - 1].rsplit(char::is_whitespace).next().unwrap_or("");
            let literal = head.contains('/') || forms.has(head, &first_word);
            if first.is_lowercase() && !SUSPENDED_HYPHEN_FOLLOWERS.contains(&first_word.as_str()) {
                if !literal {
                    out.pop();
                }
            } else if !(first.is_uppercase() || first.is_numeric()) {
                out.push(' ');
            }
        } else {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The words a document writes with a hyphen inside a line, lower-cased (`off-road`,
/// `people-centred`): found in its text the first time a line-end hyphen asks.
#[derive(Debug)]
pub(crate) struct HyphenForms<'a> {
    text: &'a str,
    forms: std::cell::OnceCell<std::collections::HashSet<String>>,
}

impl<'a> HyphenForms<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        HyphenForms { text, forms: std::cell::OnceCell::new() }
    }

    /// Whether the document writes `head` (the letters before a line-end hyphen, with what
    /// stands before them) and `tail` as one hyphenated word inside a line.
    fn has(&self, head: &str, tail: &str) -> bool {
        let head = trailing_letters(head);
        if head.is_empty() || tail.is_empty() {
            return false;
        }
        let forms = self.forms.get_or_init(|| hyphenated_words(self.text));
        forms.contains(&format!("{}-{}", head.to_lowercase(), tail.to_lowercase()))
    }
}

/// Every `letters-letters` pair of `text` whose hyphen stands inside a line, lower-cased.
fn hyphenated_words(text: &str) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for (i, _) in text.match_indices('-') {
        let head = trailing_letters(&text[..i]);
        let tail: String = text[i + 1..].chars().take_while(|c| c.is_alphabetic()).collect();
        if !head.is_empty() && !tail.is_empty() {
            out.insert(format!("{}-{}", head.to_lowercase(), tail.to_lowercase()));
        }
    }
    out
}

/// The letters at the end of `text` (`Ausein` of `in Ausein`).
fn trailing_letters(text: &str) -> &str {
    let start = text.char_indices().rev().take_while(|(_, c)| c.is_alphabetic()).last().map_or(text.len(), |(i, _)| i);
    &text[start..]
}

/// True when `text` ends with a letter followed by a hyphen.
fn ends_with_broken_word(text: &str) -> bool {
    let mut rev = text.chars().rev();
    rev.next() == Some('-') && rev.next().is_some_and(char::is_alphabetic)
}

/// Cleans joined paragraph text: Markdown links become their text, emphasis markers and
/// footnote marks go, citation markers such as `[12]` go (unless `keep_citations`, for
/// reference lists), control characters go, whitespace collapses, and the result is NFC.
pub fn clean_text(raw: &str, keep_citations: bool) -> String {
    if is_clean(raw) {
        return raw.trim_matches(' ').to_owned();
    }
    clean_marked(raw, keep_citations, untouched_run)
}

/// How many bytes at the start of `bytes` no rule of [`clean_marked`] touches: [`LOOK`] has
/// every byte that starts a space, a control, `*`, `[`, a superscript or U+FEFF. A single
/// space between two untouched bytes is untouched too (cleaning would put back the one space
/// it collapses), so a run goes on over the spaces between words; a run never starts with a
/// space, which may be leading or follow a removed mark. 16 bytes at a time ([`touched`]);
/// [`untouched_from`] is the plain form.
fn untouched_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some(block) = bytes.get(n..n + 17) {
        let touched = touched(block.try_into().expect("17 bytes")) | u32::from(n == 0 && bytes[0] == b' ');
        if touched != 0 {
            return n + touched.trailing_zeros() as usize;
        }
        n += 16;
    }
    untouched_from(bytes, n)
}

/// [`untouched_run`] of `bytes` from `i` on, which the bytes before `i` are known to be part of:
/// a byte at a time.
fn untouched_from(bytes: &[u8], mut i: usize) -> usize {
    while let Some(&b) = bytes.get(i) {
        if !LOOK[b as usize] {
            i += 1;
        } else if b == b' ' && i > 0 && bytes.get(i + 1).is_some_and(|&next| !LOOK[next as usize]) {
            i += 2;
        } else {
            break;
        }
    }
    i
}

/// [`clean_text`] of text that needs cleaning. The bytes `run` says no rule touches are copied
/// at once (always ending on a character boundary); the rest one character at a time.
fn clean_marked(raw: &str, keep_citations: bool, run: impl Fn(&[u8]) -> usize) -> String {
    let text = nfc(raw);
    let text = if text.contains("](") { Cow::Owned(strip_markdown_links(&text)) } else { text };
    let bytes = text.as_bytes();
    let mut removed_citation = false;
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    let mut i = 0;
    while i < bytes.len() {
        let run = run(&bytes[i..]);
        if run > 0 {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push_str(&text[i..i + run]);
            i += run;
            continue;
        }
        let c = text[i..].chars().next().expect("runs end on a char boundary");
        i += c.len_utf8();
        if c.is_whitespace() || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if c == '*' {
            // Emphasis goes; a star inside a word is the gender star (`Bürger*innen`) and stays.
            let after_letter = !pending_space && out.chars().next_back().is_some_and(char::is_alphabetic);
            if !(after_letter && text[i..].chars().next().is_some_and(char::is_lowercase)) {
                continue;
            }
        }
        if c == '\u{feff}' {
            continue;
        }
        if is_superscript_digit(c) && !out.is_empty() && !pending_space {
            // A footnote mark glued to the word before it.
            continue;
        }
        if c == '[' && !keep_citations {
            if let Some(len) = citation_len(&text[i - 1..]) {
                i += len - 1; // the marker is ASCII: one byte per char
                removed_citation = true;
                continue;
            }
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    if removed_citation {
        // A removed citation before a closing period leaves "Wort ." behind.
        out = out.replace(" .", ".").replace(" ,", ",");
    }
    out
}

/// Bytes that need a closer look in [`is_clean`]: controls, `*`, `[`, spaces (doubles), and
/// the lead bytes of the multi-byte characters cleaning changes or NFC may (from U+0300 on).
const LOOK: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b, 0x00..=0x20 | 0x2a | 0x5b | 0x7f | 0xc2 | 0xcc..=0xff);
        b += 1;
    }
    t
};

/// True when cleaning would only trim spaces: no markup, marks, controls or unusual spaces,
/// no double spaces, and NFC. One byte scan, so that the common case costs little: the
/// characters from U+0300 on are checked for NFC as they are met (see [`plain_nfc`]).
///
/// Blocks of 16 bytes in which no byte needs a closer look (most of them: prose has single
/// spaces, which need none) are passed over at once, see [`touched`].
fn is_clean(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut plain = true;
    let mut start = 0;
    while start < bytes.len() {
        if let Some(block) = bytes.get(start..start + 17) {
            if touched(block.try_into().expect("17 bytes")) == 0 {
                start += 16;
                continue;
            }
        }
        let end = bytes.len().min(start + 16);
        for (i, &b) in bytes.iter().enumerate().take(end).skip(start) {
            if !LOOK[b as usize] {
                continue;
            }
            if changes(bytes, i) {
                return false;
            }
            if b >= 0xcc && plain {
                plain = text[i..].chars().next().is_some_and(plain_nfc);
            }
        }
        start = end;
    }
    plain || is_nfc_fast(text)
}

/// The bytes of `block[..16]` that cleaning may touch, as a bit mask: a [`LOOK`] byte other
/// than a space, or a space before one (`block[16]` is the byte after the block). A block
/// without one needs no closer look in [`is_clean`] (its spaces are single, between
/// untouched bytes), and the first one ends an [`untouched_run`].
fn touched(block: &[u8; 17]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of every x86_64 CPU (the baseline of the target).
    let (look, space) = unsafe { look_and_space_sse2(block[..16].try_into().expect("16 bytes")) };
    #[cfg(not(target_arch = "x86_64"))]
    let (look, space) = look_and_space_plain(block[..16].try_into().expect("16 bytes"));
    let look_next = look >> 1 | u32::from(LOOK[block[16] as usize]) << 15;
    look & !space | space & look_next
}

/// The [`LOOK`] bytes and the spaces of 16 bytes, as bit masks, a byte at a time.
#[cfg(not(target_arch = "x86_64"))]
fn look_and_space_plain(block: &[u8; 16]) -> (u32, u32) {
    let mask = |is: &dyn Fn(u8) -> bool| block.iter().rev().fold(0, |mask, &b| mask << 1 | u32::from(is(b)));
    (mask(&|b| LOOK[b as usize]), mask(&|b| b == b' '))
}

/// The [`LOOK`] bytes and the spaces of 16 bytes, as bit masks, with SSE2 ([`look_sse2`]).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn look_and_space_sse2(block: &[u8; 16]) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_movemask_epi8, _mm_set1_epi8};
    let bytes = paratopic_scan::load16(block);
    let space = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b' ' as i8));
    (_mm_movemask_epi8(look_sse2(bytes)) as u32, _mm_movemask_epi8(space) as u32)
}

/// The plain form of [`touched`]: each byte by the table.
#[cfg(test)]
fn touched_plain(block: &[u8; 17]) -> u32 {
    let look = |i: usize| LOOK[block[i] as usize];
    (0..16).rev().fold(0, |mask, i| mask << 1 | u32::from(look(i) && (block[i] != b' ' || look(i + 1))))
}

/// The bytes of [`LOOK`] among 16 as 0xFF, the others as 0: controls and the space as at most
/// 0x20, the lead bytes from 0xCC on as at least 0xCC (unsigned), the rest by equality.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn look_sse2(bytes: std::arch::x86_64::__m128i) -> std::arch::x86_64::__m128i {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_max_epu8, _mm_min_epu8, _mm_or_si128, _mm_set1_epi8};
    let is = |b: u8| _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b as i8));
    let low = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x20)), bytes);
    let high = _mm_cmpeq_epi8(_mm_max_epu8(bytes, _mm_set1_epi8(0xccu8 as i8)), bytes);
    let marks = _mm_or_si128(_mm_or_si128(is(b'*'), is(b'[')), _mm_or_si128(is(0x7f), is(0xc2)));
    _mm_or_si128(_mm_or_si128(low, high), marks)
}

/// Whether the byte at `i`, one of [`LOOK`], starts something cleaning changes.
fn changes(bytes: &[u8], i: usize) -> bool {
    let next = bytes.get(i + 1).copied();
    match bytes[i] {
        b' ' => next == Some(b' '),
        // U+0080–U+00BF: C1 controls, no-break space, superscripts ¹ ² ³.
        0xc2 => matches!(next, Some(0x80..=0xa0 | 0xb2 | 0xb3 | 0xb9)),
        // U+2000–U+200A, U+2028, U+2029, U+202F, U+205F (spaces), U+2070–U+2079
        // (superscripts); U+1680 and U+3000 below.
        0xe2 => matches!(
            (next, bytes.get(i + 2)),
            (Some(0x80), Some(0x80..=0x8a | 0xa8 | 0xa9 | 0xaf)) | (Some(0x81), Some(0x9f | 0xb0..=0xb9))
        ),
        0xe1 => next == Some(0x9a),
        0xe3 => next == Some(0x80),
        0xef => next == Some(0xbb),
        0xcc..=0xff => false,
        _ => true,
    }
}

/// True when `c` can stand anywhere in NFC text: it is allowed in NFC (quick check `Yes`) and a
/// starter (canonical combining class 0), so the NFC quick check of a text passes it whatever
/// its neighbours are.
pub(crate) fn plain_nfc(c: char) -> bool {
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// NFC quick check that looks only at characters from U+0300 on (found by their UTF-8 lead
/// byte, 0xCC or more): the others are all NFC with canonical combining class 0, so leaving
/// them out can only turn a "yes" into a "maybe" (and so into a full normalization), never
/// the reverse. While every such character is [`plain_nfc`], the answer is "yes" without the
/// full check.
pub(crate) fn is_nfc_fast(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = next_mark(bytes, from) {
        if !text[i..].chars().next().is_some_and(plain_nfc) {
            let marks =
                bytes.iter().enumerate().filter(|&(_, &b)| b >= 0xcc).filter_map(|(i, _)| text[i..].chars().next());
            return matches!(is_nfc_quick(marks), IsNormalized::Yes);
        }
        from = i + 1;
    }
    true
}

/// The first byte at or after `from` that is 0xCC or more, 16 bytes at a time.
fn next_mark(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let chunk: &[u8; 16] = chunk.try_into().expect("16 bytes");
        if chunk.iter().fold(false, |any, &b| any | (b >= 0xcc)) {
            break;
        }
        i += 16;
    }
    bytes.get(i..)?.iter().position(|&b| b >= 0xcc).map(|p| i + p)
}

fn nfc(text: &str) -> Cow<'_, str> {
    if is_nfc_fast(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

fn is_superscript_digit(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '⁰' | '⁴'..='⁹')
}

/// Length in chars of a citation marker `[123]` at the start of `text`.
fn citation_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('[')?;
    let digits = inner.chars().take_while(char::is_ascii_digit).count();
    (1..=4).contains(&digits).then_some(())?;
    inner[digits..].starts_with(']').then_some(digits + 2)
}

/// Replaces Markdown links `[text](target)` by `text`, and images `![alt](target)` by `alt`.
fn strip_markdown_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let link = after.find("](").and_then(|close| {
            let label = &after[..close];
            if label.contains('[') || label.contains('\n') {
                return None;
            }
            let target = &after[close + 2..];
            target.find(')').map(|end| (label, close + 2 + end + 1))
        });
        match link {
            Some((label, consumed)) => {
                out.push_str(rest[..open].strip_suffix('!').unwrap_or(&rest[..open]));
                out.push_str(label);
                rest = &after[consumed..];
            }
            None => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text as its source has it: the gender star stays inside a word while emphasis goes, and
    /// a Markdown image leaves its alt text, not a stray `!`.
    #[test]
    fn gender_stars_stay_and_images_leave_their_alt_text() {
        assert_eq!(clean_text("Alle **Bürger*innen** und Lehrer*in", false), "Alle Bürger*innen und Lehrer*in");
        assert_eq!(clean_text("*kursiv* und **fett**, Stern* am Ende", false), "kursiv und fett, Stern am Ende");
        assert_eq!(clean_text("![Logo der Stiftung](logo.png) Die Stiftung", false), "Logo der Stiftung Die Stiftung");
        assert_eq!(clean_text("Siehe [den Bericht](https://x.org)!", false), "Siehe den Bericht!");
    }

    /// The plain forms of [`is_clean`] and [`is_nfc_fast`]: a scan for what cleaning changes,
    /// then, apart, the NFC quick check of every character from U+0300 on.
    fn is_clean_reference(text: &str) -> bool {
        let bytes = text.as_bytes();
        (0..bytes.len()).filter(|&i| LOOK[bytes[i] as usize]).all(|i| !changes(bytes, i)) && is_nfc_reference(text)
    }

    /// The plain form of [`clean_text`]: one character at a time, no run copied at once.
    fn clean_reference(raw: &str, keep_citations: bool) -> String {
        if is_clean(raw) {
            return raw.trim_matches(' ').to_owned();
        }
        clean_marked(raw, keep_citations, |_| 0)
    }

    fn is_nfc_reference(text: &str) -> bool {
        let marks = text.char_indices().filter(|&(i, _)| text.as_bytes()[i] >= 0xcc).map(|(_, c)| c);
        matches!(is_nfc_quick(marks), IsNormalized::Yes)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The fused scan decides as the plain forms do, on text with marks, unusual spaces,
        /// superscripts, markup, and characters that NFC changes or reorders.
        #[test]
        fn fused_clean_scan_is_the_plain_one(
            text in "[a-zäöüß .,*\\[\\]„“–…€ΩΩÅ\u{300}\u{301}\u{308}\u{316}\u{a0}\u{2000}\u{2001}\u{2009}\u{2126}\u{212b}\u{2329}\u{1680}\u{3000}\u{feff}\u{2070}\u{2074}²¹\u{1100}\u{1161}\u{ac00}\u{0f73}\u{0958}\t\n]{0,40}"
        ) {
            proptest::prop_assert_eq!(is_nfc_fast(&text), is_nfc_reference(&text));
            proptest::prop_assert_eq!(is_clean(&text), is_clean_reference(&text));
        }

        /// The SIMD mask of a block is the byte loop's.
        #[test]
        fn touched_bytes_are_the_plain_ones(
            block in paratopic_scan::mostly_of(b"aeBZ09  .,*[\x1f\x7f\xc2\xc3\xa4\xe2", 17..18)
        ) {
            let block: [u8; 17] = block.try_into().unwrap();
            proptest::prop_assert_eq!(touched(&block), touched_plain(&block));
        }

        /// Long prose with a rare mark (a double space, a control, markup, a character that
        /// NFC may change) anywhere: the block skipping finds it wherever it falls.
        #[test]
        fn clean_check_in_blocks_is_the_plain_one(
            words in proptest::collection::vec("[a-zäöüß]{1,12}[.,]?", 1..60),
            mark in proptest::sample::select(vec!["", " ", "\t", "*", "[", "\u{7f}", "\u{a0}", "\u{300}", "\u{2009}", "Ω"]),
            at in proptest::prelude::any::<proptest::sample::Index>(),
        ) {
            let mut text = words.join(" ");
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.insert_str(i, mark);
            proptest::prop_assert_eq!(is_clean(&text), is_clean_reference(&text));
        }

        /// The untouched run found 16 bytes at a time is the one of the byte loop, wherever
        /// a touched byte falls.
        #[test]
        fn untouched_run_in_blocks_is_the_plain_one(
            bytes in paratopic_scan::mostly_of(b"ab  ab*[\x7f\xc2\xcc\xe2\x1f\x20\x21\xcb", 0..80)
        ) {
            proptest::prop_assert_eq!(untouched_run(&bytes), untouched_from(&bytes, 0));
        }

        /// Cleaning in runs gives the text of cleaning one character at a time.
        #[test]
        fn cleaning_in_runs_is_the_plain_one(
            text in "([a-zäöüß .,*\\[\\]()„“–…€²¹\u{300}\u{308}\u{85}\u{a0}\u{2009}\u{2028}\u{1680}\u{3000}\u{feff}\u{2070}\u{2074}\t\n\u{7}]|\\[[0-9]{1,5}\\]|\\[[a-z]{1,3}\\]\\([a-z]{1,3}\\)){0,30}",
            keep in proptest::prelude::any::<bool>(),
        ) {
            proptest::prop_assert_eq!(clean_text(&text, keep), clean_reference(&text, keep));
        }
    }

    /// On the articles of the benchmark file (a fifth of which hold a double space), the
    /// cleaning check and the cleaning in runs give what their plain forms give.
    #[test]
    fn cleaning_is_the_plain_one_on_the_bench_articles() {
        let Some(articles) = crate::bench_articles() else { return };
        let mut cleaned = 0;
        for text in &articles {
            let clean = is_clean(text);
            assert_eq!(clean, is_clean_reference(text), "{text:?}");
            assert_eq!(clean_text(text, false), clean_reference(text, false), "{text:?}");
            cleaned += usize::from(!clean);
        }
        assert!(cleaned > 0, "no article needed cleaning");
    }

    #[test]
    fn line_joins() {
        let cases: &[(&[&str], &str)] = &[
            (&["vom 1. De-", "zember 1999"], "vom 1. Dezember 1999"),
            (&["Regierungssachverständi-", "gen für"], "Regierungssachverständigen für"),
            (&["Informations- ", "und Kommunikationstechnologien"], "Informations- und Kommunikationstechnologien"),
            (&["Informations-", "und Kommunikationstechnologien"], "Informations- und Kommunikationstechnologien"),
            (&["Coronavirus-", "Krankheit"], "Coronavirus-Krankheit"),
            (&["Maß-", "nahmen"], "Maßnahmen"),
            (&["erste Zeile ", " zweite Zeile"], "erste Zeile zweite Zeile"),
            (&["Stand 2020 -", "weiter"], "Stand 2020 - weiter"),
        ];
        for (lines, want) in cases {
            assert_eq!(join_lines(lines.iter().copied()), *want, "{lines:?}");
        }
    }

    /// A line-end hyphen stays where the document writes the word with it, or in a path.
    #[test]
    fn line_end_hyphens_follow_the_document() {
        let text = "off-road vehicles, special purpose vehicles and off-\nroad special purpose vehicles";
        let forms = HyphenForms::new(text);
        let join = |lines: &[&str]| join_lines_in(lines.iter().copied(), &forms);
        assert_eq!(join(&["and off-", "road special"]), "and off-road special");
        assert_eq!(join(&["an informa-", "tion"]), "an information");
        assert_eq!(join(&["(/graduate-visa/course-you-", "studied)."]), "(/graduate-visa/course-you-studied).");
        assert_eq!(join_lines(["and off-", "road"]), "and offroad");
    }

    #[test]
    fn cleaning() {
        let cases = [
            ("1. *unterstützt* die Arbeit", "1. unterstützt die Arbeit"),
            ("Fortschrittsbericht der Offenen Arbeitsgruppe¹ und", "Fortschrittsbericht der Offenen Arbeitsgruppe und"),
            ("¹ Siehe [A/78/265](#).", "¹ Siehe A/78/265."),
            ("verabschiedet.[1] In acht", "verabschiedet. In acht"),
            ("Action Plan“ [19] auf", "Action Plan“ auf"),
            ("a  \t b\u{a0}c", "a b c"),
            ("Fo\u{308}rderung", "Förderung"),
            ("[*aufgrund des Berichts*]", "[aufgrund des Berichts]"),
            ("Text [ohne Ende", "Text [ohne Ende"),
            ("  sauber und einfach ", "sauber und einfach"),
            ("Förderung – „KI“ 2025", "Förderung – „KI“ 2025"),
            ("zwei\u{2003}Leerzeichen\u{3000}hier", "zwei Leerzeichen hier"),
            ("Ende\u{feff}", "Ende"),
            ("Gedankenstrich – und „Anführung“ … bleiben", "Gedankenstrich – und „Anführung“ … bleiben"),
            ("Fußnote⁴ weg", "Fußnote weg"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean_text(raw, false), want, "{raw:?}");
        }
        assert_eq!(clean_text("[12] https://example.org/a", true), "[12] https://example.org/a");
    }
}
