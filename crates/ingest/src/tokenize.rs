//! Tokenization for German and English: NFC, lowercase, Unicode word boundaries, stop words removed
//! before stemming, numbers dropped or normalized, acronyms such as `KI`, `IGF` and
//! `WSIS+20` kept recognizable.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use paratopic_scan::{word_masks, WordMasks};

const STOPWORDS_DE: &str = include_str!("stopwords-de.txt");
const STOPWORDS_EN: &str = include_str!("stopwords-en.txt");

/// What happens to tokens made only of digits and number punctuation (`2025`, `80/16`, `1.000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NumberPolicy {
    /// Numbers are dropped.
    #[default]
    Drop,
    /// Every number becomes the token `<num>`.
    Placeholder,
    /// Numbers are kept as they are.
    Keep,
}

/// Tokenizer settings; they are saved in every model so that a model is always applied with
/// the tokenization it was trained with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenizerConfig {
    /// Remove German and English function words.
    pub stopwords: bool,
    /// Reduce words to their Snowball stem (of [`TokenizerConfig::stem_language`]).
    pub stemming: bool,
    /// What to do with numbers.
    pub numbers: NumberPolicy,
    /// The Snowball stemmer used with `stemming`.
    #[serde(default, skip_serializing_if = "StemLanguage::is_german")]
    pub stem_language: StemLanguage,
}

/// The language of the Snowball stemmer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StemLanguage {
    /// Snowball German.
    #[default]
    German,
    /// Snowball English (Porter2).
    English,
}

impl StemLanguage {
    /// The stemmer of a language (ISO 639-1), if there is one.
    pub fn for_code(code: &str) -> Option<StemLanguage> {
        match code {
            "de" => Some(StemLanguage::German),
            "en" => Some(StemLanguage::English),
            _ => None,
        }
    }

    fn is_german(&self) -> bool {
        *self == StemLanguage::German
    }
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self { stopwords: true, stemming: true, numbers: NumberPolicy::Drop, stem_language: StemLanguage::German }
    }
}

/// Turns text into tokens according to a [`TokenizerConfig`].
pub struct Tokenizer {
    config: TokenizerConfig,
    stopwords: HashSet<&'static str>,
    stemmer: Stemmer,
}

impl std::fmt::Debug for Tokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokenizer").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Tokenizer {
    /// A tokenizer with the given settings.
    pub fn new(config: TokenizerConfig) -> Self {
        let stopwords = STOPWORDS_DE
            .lines()
            .chain(STOPWORDS_EN.lines())
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        let algorithm = match config.stem_language {
            StemLanguage::German => Algorithm::German,
            StemLanguage::English => Algorithm::English,
        };
        Self { config, stopwords, stemmer: Stemmer::create(algorithm) }
    }

    /// The settings of this tokenizer.
    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    /// Calls `emit` with every word of `text` (NFC) as it stands in the text, before
    /// lowercasing, stop words and stemming: Unicode (UAX #29) words, with `WSIS+20` kept as one
    /// word. [`Tokenizer::normalize`] turns a word into its token.
    pub fn for_each_word(&self, text: &str, mut emit: impl FnMut(&str)) {
        let text: std::borrow::Cow<'_, str> =
            if crate::clean::is_nfc_fast(text) { text.into() } else { text.nfc().collect::<String>().into() };
        let mut words = Words::new(&text);
        let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len() / 8);
        if latin_words(&text, &mut |start, end| spans.push((start, end))) {
            for (start, end) in spans {
                words.found(start, end, &mut emit);
            }
        } else {
            for (start, word) in text.unicode_word_indices() {
                words.found(start, start + word.len(), &mut emit);
            }
        }
    }

    /// The words of [`Tokenizer::for_each_word`], emitted as they are found, for text in the
    /// Latin subset that the fast scanner reads (nearly all German and English text). Returns
    /// `false` when `text` is not such text: the words emitted so far are then to be
    /// discarded, and `for_each_word` gives them all. Text the scanner reads through is NFC:
    /// every character it takes can stand anywhere in NFC text (a test checks each), so no
    /// separate NFC check is needed.
    pub fn try_latin_words<'t>(&self, text: &'t str, mut emit: impl FnMut(&'t str)) -> bool {
        let mut words = Words::new(text);
        latin_words(text, &mut |start, end| words.found(start, end, &mut emit))
    }

    /// Tokenizes `text`, calling `emit` for every token in order.
    pub fn for_each_token(&self, text: &str, mut emit: impl FnMut(&str)) {
        self.for_each_word(text, |word| {
            if let Some(token) = self.normalize(word) {
                emit(&token);
            }
        });
    }

    /// Tokenizes `text` into a vector.
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        self.for_each_token(text, |t| tokens.push(t.to_owned()));
        tokens
    }

    /// The token of a word (from [`Tokenizer::for_each_word`]), or `None` when the word is
    /// dropped (a stop word, a number under [`NumberPolicy::Drop`], a single character).
    pub fn normalize(&self, surface: &str) -> Option<String> {
        let has_alpha = surface.chars().any(char::is_alphabetic);
        if !has_alpha {
            return match self.config.numbers {
                NumberPolicy::Drop => None,
                NumberPolicy::Placeholder => Some("<num>".to_owned()),
                NumberPolicy::Keep => Some(surface.to_owned()),
            };
        }
        let lower = surface.to_lowercase();
        if lower.chars().count() < 2 || (self.config.stopwords && self.stopwords.contains(lower.as_str())) {
            return None;
        }
        // Acronyms (`KI`, `IGF`, `OEWG`) and tokens with digits or `+` (`G20`, `WSIS+20`) are
        // kept as they are: the stemmer would only damage them.
        let acronym = surface.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
        if !self.config.stemming || acronym || lower.chars().any(|c| c.is_ascii_digit() || c == '+') {
            return Some(lower);
        }
        let stem = self.stemmer.stem(&lower);
        // Snowball over-stems some words into function words (`Sicherheit` → `sich`); such a
        // stem would merge unrelated words, so the surface form is kept instead.
        if stem.chars().count() < 2 || self.stopwords.contains(stem.as_ref()) {
            Some(lower)
        } else {
            Some(stem.into_owned())
        }
    }
}

/// Turns the UAX #29 words of a text into the tokenizer's words: a word glued to `+` and
/// digits (`WSIS+20`) stays one word, and the digits are not a word of their own.
struct Words<'t> {
    text: &'t str,
    skip_until: usize,
}

impl<'t> Words<'t> {
    fn new(text: &'t str) -> Self {
        Self { text, skip_until: 0 }
    }

    /// The UAX #29 word at `start..end`, in text order.
    #[inline]
    fn found(&mut self, start: usize, mut end: usize, emit: &mut impl FnMut(&'t str)) {
        if start < self.skip_until {
            return;
        }
        let text = self.text;
        if text.as_bytes().get(end) == Some(&b'+') {
            let digits = text.as_bytes()[end + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && text[start..end].chars().any(char::is_alphabetic) {
                end += 1 + digits;
                self.skip_until = end;
            }
        }
        emit(&text[start..end]);
    }
}

/// Word-break classes of UAX #29 for the characters [`latin_words`] handles.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    /// `:` `·` (MidLetter: joins letters).
    MidLetter,
    /// `,` `;` (MidNum: joins digits).
    MidNum,
    /// `.` `'` `‘` `’` (MidNumLet and Single_Quote: join letters, and digits).
    MidNumLet,
    /// `_` (ExtendNumLet: joins everything word-like).
    ExtendNumLet,
    /// Spaces, other punctuation and symbols: always a boundary.
    Other,
    /// A character outside the subset: the text takes the full algorithm.
    Outside,
}

/// The class of `c`, or `None` when `c` is outside the Latin subset handled here.
fn class(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Digit,
        ':' | '·' => Class::MidLetter,
        ',' | ';' => Class::MidNum,
        '.' | '\'' | '‘' | '’' => Class::MidNumLet,
        '_' => Class::ExtendNumLet,
        // Latin-1 letters, Latin Extended-A and -B (`ł`, `ș`, `ț`): letters all.
        'ª' | 'µ' | 'º' | 'À'..='Ö' | 'Ø'..='ö' | 'ø'..='ɏ' => Class::Letter,
        '\t'
        | '\n'
        | '\u{b}'
        | '\u{c}'
        | '\r'
        | ' '
        | '!'
        | '"'
        | '#'
        | '$'
        | '%'
        | '&'
        | '('
        | ')'
        | '*'
        | '+'
        | '-'
        | '/'
        | '<'
        | '='
        | '>'
        | '?'
        | '@'
        | '['
        | '\\'
        | ']'
        | '^'
        | '`'
        | '{'
        | '|'
        | '}'
        | '~'
        | '\u{a0}'
        | '¡'..='©'
        | '«'
        | '¬'
        | '®'..='³'
        | '´'
        | '¶'
        | '¸'..='¹'
        | '»'..='¿'
        | '×'
        | '÷'
        | '–'
        | '—'
        | '‚'
        | '“'
        | '”'
        | '„'
        | '…'
        | '€' => Class::Other,
        _ => return None,
    })
}

/// The UAX #29 words (those with a letter or digit) of Latin-script text, found without the
/// general Unicode tables: letters and digits join (WB5, WB8–WB10), `_` joins them (WB13a/b),
/// `:` `·` `.` `'` join letters on both sides (WB6/7), `,` `;` `.` `'` join digits (WB11/12).
/// Each word is emitted as `(start, end)` byte offsets as soon as it is found. Returns `false`
/// at the first character outside that subset; the words emitted before it are then to be
/// discarded, and the caller uses the full algorithm. A property test proves both agree.
fn latin_words(text: &str, emit: &mut impl FnMut(usize, usize)) -> bool {
    let bytes = text.as_bytes();
    let at = |i: usize| class_at(text, i);
    let word_like = |k: Class| matches!(k, Class::Letter | Class::Digit | Class::ExtendNumLet);
    let mut window = Window::at(bytes, 0);
    let mut i = 0;
    loop {
        // The ASCII bytes that are not word bytes (spaces, punctuation) start no word: they are
        // passed over a window at a time, to the next word byte or character of several bytes.
        let from = loop {
            if i >= window.base + 64 {
                window = Window::at(bytes, i);
            }
            let from = i - window.base;
            let next = (window.masks.word | window.masks.wide) >> from;
            if next != 0 {
                break from + next.trailing_zeros() as usize;
            }
            i = window.base + 64;
            if i >= bytes.len() {
                return true;
            }
        };
        i = window.base + from;
        let start = i;
        // Most words: letters and digits (ASCII and Latin-1) from a letter or a digit, up to a
        // byte that ends any word, all in the window.
        let end = from + (!window.masks.word >> from).trailing_zeros() as usize;
        if window.masks.alnum >> from & 1 == 1 && end < 64 && window.masks.end >> end & 1 == 1 {
            i = window.base + end;
        } else {
            // The rest by the rules, a character at a time.
            let Some((first, len)) = at(i) else { break };
            if first == Class::Outside {
                return false;
            }
            if !word_like(first) {
                i += len;
                continue;
            }
            let mut alnum = first != Class::ExtendNumLet;
            let mut prev = first;
            i += len;
            loop {
                // ASCII letters, most of a word, a run at a time.
                let run = paratopic_scan::ascii_letters(&bytes[i..]);
                if run > 0 {
                    i += run;
                    prev = Class::Letter;
                    alnum = true;
                }
                // A space never joins: the word ends here (the common case, decided at once).
                if bytes.get(i) == Some(&b' ') {
                    break;
                }
                let Some((k, len)) = at(i) else { break };
                if k == Class::Outside {
                    return false;
                }
                if word_like(k) {
                    alnum |= k != Class::ExtendNumLet;
                    prev = k;
                    i += len;
                    continue;
                }
                let next = at(i + len);
                if matches!(next, Some((Class::Outside, _))) {
                    return false;
                }
                let joins_letters = prev == Class::Letter
                    && matches!(next, Some((Class::Letter, _)))
                    && matches!(k, Class::MidLetter | Class::MidNumLet);
                let joins_digits = prev == Class::Digit
                    && matches!(next, Some((Class::Digit, _)))
                    && matches!(k, Class::MidNum | Class::MidNumLet);
                match next {
                    Some((n, next_len)) if joins_letters || joins_digits => {
                        prev = n;
                        i += len + next_len;
                    }
                    _ => break,
                }
            }
            if !alnum {
                continue;
            }
        }
        emit(start, i);
    }
    true
}

/// The [`WordMasks`] of the 64 bytes of a text from `base` on; after the end of the text, as if
/// it went on with spaces.
struct Window {
    base: usize,
    masks: WordMasks,
}

impl Window {
    #[inline]
    fn at(bytes: &[u8], base: usize) -> Self {
        let masks = match bytes.get(base..base + 64) {
            Some(block) => word_masks(block.try_into().expect("64 bytes")),
            None => {
                let rest = bytes.get(base..).unwrap_or_default();
                let mut block = [b' '; 64];
                block[..rest.len()].copy_from_slice(rest);
                word_masks(&block)
            }
        };
        Self { base, masks }
    }
}

/// The class of the character at byte `i` of `text` (a char boundary) and its length; `None` at
/// the end of the text.
#[inline(always)]
fn class_at(text: &str, i: usize) -> Option<(Class, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((ASCII_CLASSES[b as usize], 1));
    }
    wide_class_at(text, i)
}

/// [`class_at`] for a character of more than one byte.
#[inline(never)]
fn wide_class_at(text: &str, i: usize) -> Option<(Class, usize)> {
    let c = text[i..].chars().next()?;
    Some((class(c).unwrap_or(Class::Outside), c.len_utf8()))
}

/// [`class`] of every ASCII character, as a table.
const ASCII_CLASSES: [Class; 128] = {
    let mut table = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b':' => Class::MidLetter,
            b',' | b';' => Class::MidNum,
            b'.' | b'\'' => Class::MidNumLet,
            b'_' => Class::ExtendNumLet,
            _ => Class::Other,
        };
        b += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        Tokenizer::new(TokenizerConfig::default()).tokenize(text)
    }

    #[test]
    fn acronyms_and_plus_tokens_are_kept() {
        assert_eq!(tokens("Die WSIS+20 Überprüfung und das IGF"), ["wsis+20", "uberpruf", "igf"]);
        assert_eq!(tokens("KI, IKT und OEWG"), ["ki", "ikt", "oewg"]);
        assert_eq!(tokens("G20-Gipfel"), ["g20", "gipfel"]);
    }

    #[test]
    fn stop_words_go_before_stemming() {
        // Snowball stems both to `sich`; the stop word must not swallow them.
        assert_eq!(tokens("Sicherheit"), ["sicherheit"]);
        assert_eq!(tokens("Sicherheiten sich"), ["sicherheiten"]);
        assert_eq!(tokens("die Staaten und der Staat"), ["staat", "staat"]);
    }

    #[test]
    fn numbers_and_dates_follow_the_policy() {
        assert_eq!(tokens("am 17. Dezember 2025, Resolution 80/16"), ["dezemb", "resolution"]);
        let keep = Tokenizer::new(TokenizerConfig { numbers: NumberPolicy::Placeholder, ..Default::default() });
        assert_eq!(keep.tokenize("Resolution 80/16"), ["resolution", "<num>", "<num>"]);
    }

    #[test]
    fn nfc_before_anything() {
        assert_eq!(tokens("Fo\u{308}rderung"), tokens("Förderung"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        /// The Latin fast path finds exactly the words of the full UAX #29 algorithm.
        #[test]
        fn latin_fast_path_is_uax29(text in "[a-zA-ZäöüÄÖÜßéèçñ0-9 .,;:'’‘_·!?()/\\-–„“\"%§€+\u{a0}×‚țǎ]{0,200}") {
            let mut fast = Vec::new();
            proptest::prop_assert!(latin_words(&text, &mut |i, j| fast.push((i, text[i..j].to_owned()))));
            let full: Vec<(usize, String)> = text.unicode_word_indices().map(|(i, w)| (i, w.to_owned())).collect();
            proptest::prop_assert_eq!(fast, full);
        }

        /// Words emitted as found are the words of `for_each_word`, whenever the scan succeeds;
        /// it fails only on text outside the Latin subset or not in NFC.
        #[test]
        fn latin_words_as_found_are_for_each_word(text in "[a-zA-ZäöüÄÖÜßé0-9 .,;:'’_·!?()/\\-–„“\"%§€+\u{a0}\u{308}Ж×‚ț]{0,200}") {
            let t = Tokenizer::new(TokenizerConfig::default());
            let mut found = Vec::new();
            let ok = t.try_latin_words(&text, |w| found.push(w.to_owned()));
            let mut all = Vec::new();
            t.for_each_word(&text, |w| all.push(w.to_owned()));
            let latin = !text.contains(['Ж', '\u{308}']);
            proptest::prop_assert_eq!(ok, latin);
            if ok {
                proptest::prop_assert_eq!(found, all);
            }
        }
    }

    /// Every character the Latin scanner reads (not [`Class::Outside`]; ASCII by its table) can
    /// stand anywhere in NFC text, so that a text it reads through needs no NFC check; and text
    /// that is not NFC leaves it.
    #[test]
    fn what_the_latin_scanner_reads_is_nfc() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let read = if c.is_ascii() { ASCII_CLASSES[c as usize] != Class::Outside } else { class(c).is_some() };
            assert!(!read || crate::clean::plain_nfc(c), "{c:?} U+{:04X}", c as u32);
        }
        let t = Tokenizer::new(TokenizerConfig::default());
        assert!(!t.try_latin_words("Fo\u{308}rderung", |_| {}));
        assert!(!t.try_latin_words("\u{212b}ngstr\u{f6}m", |_| {}));
        assert!(t.try_latin_words("F\u{f6}rderung", |_| {}));
    }

    /// On the articles of the benchmark file, cleaned as `classify` cleans them, the Latin
    /// scanner finds the words of the full UAX #29 algorithm, and leaves only the articles with a
    /// character outside its subset.
    #[test]
    fn latin_scanner_finds_the_uax29_words_of_the_bench_articles() {
        let Some(articles) = crate::bench_articles() else { return };
        let mut left = 0;
        for text in articles.iter().map(|a| crate::clean::clean_text(a, false)) {
            let mut fast = Vec::new();
            if latin_words(&text, &mut |i, j| fast.push((i, &text[i..j]))) {
                let full: Vec<(usize, &str)> = text.unicode_word_indices().collect();
                assert_eq!(fast, full, "{text:?}");
            } else {
                left += 1;
                assert!(text.chars().any(|c| !c.is_ascii() && class(c).is_none()), "{text:?}");
            }
        }
        assert!(left < articles.len() / 100, "{left} articles left the fast path");
    }

    #[test]
    fn non_latin_text_takes_the_full_algorithm() {
        assert!(!latin_words("Привет мир", &mut |_, _| {}));
        assert!(!latin_words("Wort Привет", &mut |_, _| {}));
        let t = Tokenizer::new(TokenizerConfig {
            stopwords: false,
            stemming: false,
            numbers: NumberPolicy::Keep,
            ..Default::default()
        });
        assert_eq!(t.tokenize("Привет, мир! 80/16"), ["привет", "мир", "80", "16"]);
        assert_eq!(t.tokenize("z.B. 1.000,5 don't Cyber:Angriff"), ["z.b", "1.000,5", "don't", "cyber:angriff"]);
    }

    #[test]
    fn settings_switch_stages_off() {
        let raw = Tokenizer::new(TokenizerConfig {
            stopwords: false,
            stemming: false,
            numbers: NumberPolicy::Keep,
            ..Default::default()
        });
        assert_eq!(raw.tokenize("Die Staaten 2025"), ["die", "staaten", "2025"]);
    }
}
