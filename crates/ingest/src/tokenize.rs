//! German-aware tokenization: NFC, lowercase, Unicode word boundaries, stop words removed
//! before stemming, numbers dropped or normalized, acronyms such as `KI`, `IGF` and
//! `WSIS+20` kept recognizable.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
use unicode_segmentation::UnicodeSegmentation;

const STOPWORDS_DE: &str = include_str!("stopwords-de.txt");

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
    /// Remove German (and common English) function words.
    pub stopwords: bool,
    /// Reduce words to their Snowball German stem.
    pub stemming: bool,
    /// What to do with numbers.
    pub numbers: NumberPolicy,
}

impl Default for TokenizerConfig {
    fn default() -> Self {
        Self { stopwords: true, stemming: true, numbers: NumberPolicy::Drop }
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
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        Self { config, stopwords, stemmer: Stemmer::create(Algorithm::German) }
    }

    /// The settings of this tokenizer.
    pub fn config(&self) -> &TokenizerConfig {
        &self.config
    }

    /// Tokenizes `text`, calling `emit` for every token in order.
    pub fn for_each_token(&self, text: &str, mut emit: impl FnMut(&str)) {
        let text: std::borrow::Cow<'_, str> = match is_nfc_quick(text.chars()) {
            IsNormalized::Yes => text.into(),
            _ => text.nfc().collect::<String>().into(),
        };
        let mut skip_until = 0;
        for (start, word) in text.unicode_word_indices() {
            if start < skip_until {
                continue;
            }
            // `WSIS+20`: a word glued to `+` and digits stays one token.
            let mut end = start + word.len();
            let rest = &text[end..];
            if let Some(after_plus) = rest.strip_prefix('+') {
                let digits = after_plus.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 && word.chars().any(char::is_alphabetic) {
                    end += 1 + digits;
                    skip_until = end;
                }
            }
            let surface = &text[start..end];
            if let Some(token) = self.normalize(surface) {
                emit(&token);
            }
        }
    }

    /// Tokenizes `text` into a vector.
    pub fn tokenize(&self, text: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        self.for_each_token(text, |t| tokens.push(t.to_owned()));
        tokens
    }

    fn normalize(&self, surface: &str) -> Option<String> {
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

    #[test]
    fn settings_switch_stages_off() {
        let raw = Tokenizer::new(TokenizerConfig { stopwords: false, stemming: false, numbers: NumberPolicy::Keep });
        assert_eq!(raw.tokenize("Die Staaten 2025"), ["die", "staaten", "2025"]);
    }
}
