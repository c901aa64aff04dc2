//! German compounds: `cybersicherheitsstrategie` also counts as `cybersicherheit` and
//! `strategie`, so that a compound shares features with its parts.
//!
//! The parts are learned from the training tokens (a word that occurs in at least
//! [`MIN_PART_DF`] paragraphs and has at least [`MIN_PART_CHARS`] characters), saved in the
//! model, and a token of at least [`MIN_COMPOUND_CHARS`] characters is split at the first
//! place where both sides are known parts, allowing a linking `s`, `es`, `n` or `en`.

use rustc_hash::FxHashSet;

use paratopic_features::document_frequency;

/// A part must occur in this many training paragraphs.
pub const MIN_PART_DF: usize = 3;
/// A part has at least this many characters.
pub const MIN_PART_CHARS: usize = 4;
/// Only tokens of at least this many characters are split.
pub const MIN_COMPOUND_CHARS: usize = 10;
/// Linking elements (Fugenelemente) allowed at the end of the first part.
const LINKS: [&str; 4] = ["s", "es", "n", "en"];

/// Splits compounds into known parts.
#[derive(Debug, Clone, Default)]
pub struct Decompounder {
    /// Asked for every cut of every long word: Fx hashing, several times quicker than SipHash
    /// on short keys (the set is only asked, never iterated, so nothing depends on its order).
    parts: FxHashSet<String>,
}

impl Decompounder {
    /// Learns the parts from tokenized training paragraphs; returns them sorted (for the model
    /// file) with the decompounder.
    pub fn learn(documents: &[Vec<String>]) -> (Vec<String>, Self) {
        let df = document_frequency(documents.iter().map(|doc| doc.iter().map(String::as_str)));
        let parts: Vec<String> = df
            .into_iter()
            .filter(|&(t, n)| {
                n >= MIN_PART_DF && t.chars().count() >= MIN_PART_CHARS && t.chars().all(char::is_alphabetic)
            })
            .map(|(t, _)| t.to_owned())
            .collect();
        let decompounder = Self::from_parts(&parts);
        (parts, decompounder)
    }

    /// A decompounder from saved parts.
    pub fn from_parts(parts: &[String]) -> Self {
        Self { parts: parts.iter().cloned().collect() }
    }

    /// The two parts of `token`, if it is a compound of known parts.
    pub fn split<'t>(&self, token: &'t str) -> Option<(&'t str, &'t str)> {
        let n = token.chars().count();
        if self.parts.is_empty() || n < MIN_COMPOUND_CHARS {
            return None;
        }
        // Every cut that leaves at least MIN_PART_CHARS characters on either side.
        for (cut, _) in token.char_indices().skip(MIN_PART_CHARS).take(n + 1 - 2 * MIN_PART_CHARS) {
            let (left, right) = token.split_at(cut);
            if !self.parts.contains(right) {
                continue;
            }
            if self.parts.contains(left) {
                return Some((left, right));
            }
            for link in LINKS {
                if let Some(base) = left.strip_suffix(link) {
                    if base.chars().count() >= MIN_PART_CHARS && self.parts.contains(base) {
                        return Some((base, right));
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decompounder(words: &[&str]) -> Decompounder {
        Decompounder::from_parts(&words.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn compounds_split_into_known_parts() {
        let d = decompounder(&["cybersicherheit", "strategie", "gewerkschaft", "chef", "internet", "governance"]);
        assert_eq!(d.split("cybersicherheitsstrategie"), Some(("cybersicherheit", "strategie")));
        assert_eq!(d.split("gewerkschaftschef"), Some(("gewerkschaft", "chef")));
        assert_eq!(d.split("internetgovernance"), Some(("internet", "governance")));
        // Too short, unknown parts, or a part that is the whole word: no split.
        assert_eq!(d.split("strategie"), None);
        assert_eq!(d.split("sicherheitspolitik"), None);
        assert_eq!(d.split("cybersicherheit"), None);
    }

    #[test]
    fn parts_are_learned_from_document_frequency() {
        let docs: Vec<Vec<String>> = (0..3)
            .map(|i| vec!["strategie".to_owned(), format!("wort{i}"), "ki".to_owned(), "2025x".to_owned()])
            .collect();
        let (parts, d) = Decompounder::learn(&docs);
        assert_eq!(parts, ["strategie"]);
        assert!(d.split("ministrategie").is_none(), "mini is not a part");
        assert_eq!(decompounder(&["umwelt", "strategie"]).split("umweltstrategie"), Some(("umwelt", "strategie")));
    }
}
