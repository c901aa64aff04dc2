//! Featurization, the one home of both paths from text to feature counts.
//!
//! - The *token path* ([`Featurizer::tokens`]): the tokenizer, then bigrams, character
//!   n-grams, compound parts and section tokens when they are switched on. Training counts
//!   these tokens with the vocabulary; scoring uses it whenever a setting goes beyond words.
//! - The *word-cache path* ([`Featurizer::counts`] with words only): each thread remembers
//!   which features every word it has seen maps to, so lowercasing, stop words, stemming and
//!   the vocabulary lookup run once per distinct word, not once per token.
//!
//! Both paths must give the same vectors; a test checks it on every seed paragraph.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use paratopic_features::{add_bigrams, add_char_ngrams, SparseVector, Vocabulary};
use paratopic_ingest::Tokenizer;
use rustc_hash::FxHashMap;

use crate::compound::Decompounder;
use crate::config::TrainConfig;

/// Turns text into tokens and feature counts the way a model's settings say.
#[derive(Debug)]
pub(crate) struct Featurizer {
    /// Distinguishes featurizers in the per-thread word cache.
    id: u64,
    tokenizer: Tokenizer,
    compounds: Option<Decompounder>,
    bigrams: bool,
    char_ngrams: [usize; 2],
    section_features: bool,
}

/// Source of [`Featurizer`] ids.
static NEXT_FEATURIZER_ID: AtomicU64 = AtomicU64::new(1);

impl Featurizer {
    /// The featurizer of `config`, with `tokenizer` (built from `config.tokenizer`) and the
    /// compound splitter when decompounding.
    pub(crate) fn new(config: &TrainConfig, tokenizer: Tokenizer, compounds: Option<Decompounder>) -> Self {
        Self {
            id: NEXT_FEATURIZER_ID.fetch_add(1, Ordering::Relaxed),
            tokenizer,
            compounds,
            bigrams: config.bigrams,
            char_ngrams: config.char_ngrams,
            section_features: config.section_features,
        }
    }

    /// The tokenizer.
    pub(crate) fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// True when the features are words and their compound parts only, so that
    /// [`Featurizer::counts`] takes the word-cache path.
    pub(crate) fn words_only(&self) -> bool {
        !(self.bigrams || self.section_features || self.char_ngrams[1] > 0)
    }

    /// The token path: the tokens of `text` (and of the heading above it, if known).
    pub(crate) fn tokens(&self, text: &str, section: Option<&str>) -> Vec<String> {
        let mut tokens = self.tokenizer.tokenize(text);
        let words = tokens.len();
        if self.bigrams {
            add_bigrams(&mut tokens);
        }
        if self.char_ngrams[1] > 0 {
            let mut grams = tokens[..words].to_vec();
            add_char_ngrams(&mut grams, self.char_ngrams[0], self.char_ngrams[1]);
            tokens.extend(grams.drain(words..));
        }
        if let Some(compounds) = &self.compounds {
            for i in 0..words {
                if let Some((a, b)) = compounds.split(&tokens[i]) {
                    let (a, b) = (a.to_owned(), b.to_owned());
                    tokens.push(a);
                    tokens.push(b);
                }
            }
        }
        if let (true, Some(section)) = (self.section_features, section) {
            self.tokenizer.for_each_token(section, |t| tokens.push(format!("§{t}")));
        }
        tokens
    }

    /// The counts of the known features of `text`: the word-cache path when the features are
    /// words only, else the token path. A featurizer serves one vocabulary (its model's): the
    /// cache remembers feature ids per featurizer.
    pub(crate) fn counts(&self, vocabulary: &Vocabulary, text: &str, section: Option<&str>) -> SparseVector {
        if !self.words_only() {
            return vocabulary.vectorize(self.tokens(text, section));
        }
        let mut ids = Vec::with_capacity(text.len() / 4);
        WORD_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.owner != self.id || cache.len() >= WORD_CACHE_LIMIT {
                cache.owner = self.id;
                cache.clear();
            }
            let mut add = |ids: &mut Vec<u32>, word: &str| {
                let [a, b, c] = cache.get(word, || self.word_features(vocabulary, word));
                for f in [a, b, c] {
                    if f != NONE {
                        ids.push(f);
                    }
                }
            };
            // Nearly all text takes the scanner that hands over each word as it finds it; the
            // rest starts again with the full word breaking.
            if !self.tokenizer.try_latin_words(text, |word| add(&mut ids, word)) {
                ids.clear();
                self.tokenizer.for_each_word(text, |word| add(&mut ids, word));
            }
        });
        SparseVector::from_ids(&mut ids)
    }

    /// The features of one word: its token's, and its compound parts' when decompounding.
    fn word_features(&self, vocabulary: &Vocabulary, word: &str) -> WordFeatures {
        let mut features = [NONE; 3];
        let Some(token) = self.tokenizer.normalize(word) else { return features };
        features[0] = vocabulary.id(&token).unwrap_or(NONE);
        if let Some((a, b)) = self.compounds.as_ref().and_then(|c| c.split(&token)) {
            features[1] = vocabulary.id(a).unwrap_or(NONE);
            features[2] = vocabulary.id(b).unwrap_or(NONE);
        }
        features
    }
}

/// The features of one word: its own and, for a compound, those of its two parts
/// (`NONE` where there is none).
type WordFeatures = [u32; 3];
const NONE: u32 = u32::MAX;

/// The word → features memory of one thread, for the featurizer it last served. Words of up
/// to 15 bytes (most of them) are keyed by their bytes packed into an integer, so a lookup
/// compares integers.
#[derive(Default)]
struct WordCache {
    owner: u64,
    short: FxHashMap<u128, WordFeatures>,
    long: FxHashMap<Box<str>, WordFeatures>,
}

impl WordCache {
    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// The features of `word`, computed by `compute` the first time.
    fn get(&mut self, word: &str, compute: impl FnOnce() -> WordFeatures) -> WordFeatures {
        if let Some(key) = pack(word.as_bytes()) {
            *self.short.entry(key).or_insert_with(compute)
        } else if let Some(&id) = self.long.get(word) {
            id
        } else {
            let id = compute();
            self.long.insert(word.into(), id);
            id
        }
    }
}

/// The key of a word of up to 15 bytes: its bytes little-endian in the low 15 bytes of the
/// integer, its length in the top byte (`None` for longer words). Read as at most two
/// overlapping loads, first and last bytes, instead of a copy of the word's length;
/// [`pack_reference`] is the plain form.
#[inline]
fn pack(b: &[u8]) -> Option<u128> {
    let n = b.len();
    let len = (n as u128) << 120;
    let key = match n {
        0 => 0,
        1..=3 => {
            // The first, middle and last bytes cover all of 1 to 3.
            u128::from(b[0]) | u128::from(b[n / 2]) << (8 * (n / 2)) | u128::from(b[n - 1]) << (8 * (n - 1))
        }
        4..=7 => {
            let head = u32::from_le_bytes(b[..4].try_into().unwrap());
            let tail = u32::from_le_bytes(b[n - 4..].try_into().unwrap());
            // `tail` holds bytes n-4..n; the n-4 beyond the head are its top ones.
            // (Shifted as a u128: for n = 4 the shift is the width of a u32.)
            u128::from(head) | (u128::from(tail) >> (8 * (8 - n))) << 32
        }
        8..=15 => {
            let head = u64::from_le_bytes(b[..8].try_into().unwrap());
            let tail = u64::from_le_bytes(b[n - 8..].try_into().unwrap());
            u128::from(head) | (u128::from(tail) >> (8 * (16 - n))) << 64
        }
        _ => return None,
    };
    Some(key | len)
}

/// The plain form of [`pack`]: the bytes copied into a zeroed array, the length after them.
#[cfg(test)]
fn pack_reference(b: &[u8]) -> Option<u128> {
    if b.len() >= 16 {
        return None;
    }
    let mut packed = [0u8; 16];
    packed[..b.len()].copy_from_slice(b);
    packed[15] = b.len() as u8;
    Some(u128::from_le_bytes(packed))
}

thread_local! {
    static WORD_CACHE: RefCell<WordCache> = RefCell::new(WordCache::default());
}

/// The cache is emptied when it holds this many words, so its memory stays bounded.
const WORD_CACHE_LIMIT: usize = 1 << 18;

#[cfg(test)]
mod pack_tests {
    use super::{pack, pack_reference};

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The two-load word key is the copied one, for every length.
        #[test]
        fn word_key_is_the_plain_one(word in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20)) {
            proptest::prop_assert_eq!(pack(&word), pack_reference(&word));
        }
    }
}
