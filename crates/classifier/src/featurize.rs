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

use paratopic_features::{add_bigrams, add_char_ngrams, SparseVector, Tally, Vocabulary};
use paratopic_ingest::Tokenizer;
use paratopic_scan::load_le;
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
        WORD_CACHE.with(|cache| {
            let mut cache = cache.borrow_mut();
            if cache.owner != self.id || cache.len() >= WORD_CACHE_LIMIT {
                cache.owner = self.id;
                cache.clear();
            }
            let WordCache { words, tally, .. } = &mut *cache;
            let compute = |word: &str| self.word_features(vocabulary, word);
            // Nearly all text takes the scanner that hands over each word as it finds it. The
            // table slot of a short word is asked for when the word is found (its hash kept)
            // and read `LOOKAHEAD` words later, so that the memory access overlaps the scan.
            let mut queue: [Queued; LOOKAHEAD] = [(EMPTY, 0, ""); LOOKAHEAD];
            let mut found = 0usize;
            let latin = self.tokenizer.try_latin_words(text, |word| match pack_in(text, word) {
                Some(key) if key != EMPTY => {
                    let hash = words.short.prefetch(key);
                    let slot = &mut queue[found % LOOKAHEAD];
                    if found >= LOOKAHEAD {
                        let (key, hash, word) = *slot;
                        words.short.add(tally, key, hash, || compute(word));
                    }
                    *slot = (key, hash, word);
                    found += 1;
                }
                _ => add(tally, words.get(word, || compute(word))),
            });
            if latin {
                for &(key, hash, word) in &queue[..found.min(LOOKAHEAD)] {
                    words.short.add(tally, key, hash, || compute(word));
                }
            } else {
                // The rest starts again with the full word breaking.
                tally.clear();
                self.tokenizer.for_each_word(text, |word| add(tally, words.get(word, || compute(word))));
            }
            tally.finish()
        })
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

/// Counts the features of one word.
#[inline]
fn add(tally: &mut Tally, features: WordFeatures) {
    for f in features {
        if f != NONE {
            tally.add(f);
        }
    }
}

/// How many words after its slot was asked for a short word is looked up.
const LOOKAHEAD: usize = 16;

/// The features of one word: its own and, for a compound, those of its two parts
/// (`NONE` where there is none).
type WordFeatures = [u32; 3];
const NONE: u32 = u32::MAX;

/// A short word waiting in the lookahead queue: its packed key, its hash ([`hash_of`]) and
/// the word itself (to compute its features if the table does not have them).
type Queued<'t> = (u128, usize, &'t str);

/// What one thread keeps between paragraphs, for the featurizer it last served: the
/// features of every word it has seen, and the tally it counts a paragraph's features in.
#[derive(Default)]
struct WordCache {
    owner: u64,
    words: Words,
    tally: Tally,
}

impl WordCache {
    fn len(&self) -> usize {
        self.words.short.len + self.words.long.len()
    }

    fn clear(&mut self) {
        self.words = Words::default();
        self.tally = Tally::default();
    }
}

/// Word → features. Words of up to 15 bytes (most of them) are keyed by their bytes packed
/// into an integer, in an open-addressing table, so a lookup compares integers.
#[derive(Default)]
struct Words {
    short: ShortWords,
    long: FxHashMap<Box<str>, WordFeatures>,
}

impl Words {
    /// The features of `word`, computed by `compute` the first time.
    #[inline]
    fn get(&mut self, word: &str, compute: impl FnOnce() -> WordFeatures) -> WordFeatures {
        match pack(word.as_bytes()) {
            Some(key) if key != EMPTY => {
                let value = self.short.value(key, hash_of(split(key)), compute);
                self.short.features(value)
            }
            _ => {
                if let Some(&features) = self.long.get(word) {
                    return features;
                }
                let features = compute();
                self.long.insert(word.into(), features);
                features
            }
        }
    }
}

/// The key of no word: marks a free slot of [`ShortWords`] (as `[0, 0]`; only the empty word
/// packs to it, and the tokenizer has none).
const EMPTY: u128 = 0;

/// Packed word → features: linear probing in a power-of-two table (of at least
/// [`FIRST_SLOTS`] slots) kept at most three quarters full. A slot holds the key and the
/// word's one feature id (or a reference to its compound features) in 24 bytes, so that the
/// table of a thread stays small in the caches and a hit reads one slot.
struct ShortWords {
    slots: Vec<Slot>,
    len: usize,
    /// The features of the words that have more than one (compounds with their parts).
    compounds: Vec<WordFeatures>,
}

/// One word of [`ShortWords`]: the packed key as two halves, and its [`Slot::value`].
#[derive(Clone, Copy)]
struct Slot {
    key: [u64; 2],
    /// [`NONE`] for no feature, a feature id below [`SEVERAL`], or [`SEVERAL`] plus an index
    /// into [`ShortWords::compounds`].
    value: u32,
}

/// Marks a [`Slot::value`] that refers to several features.
const SEVERAL: u32 = 1 << 31;

/// The slots of a new table.
const FIRST_SLOTS: usize = 1024;

impl Default for ShortWords {
    fn default() -> Self {
        Self { slots: vec![FREE; FIRST_SLOTS], len: 0, compounds: Vec::new() }
    }
}

/// A slot that holds no word.
const FREE: Slot = Slot { key: [0, 0], value: NONE };

impl ShortWords {
    /// The [`Slot::value`] of packed word `key` (not [`EMPTY`]) with hash `hash`
    /// ([`hash_of`]), computed by `compute` the first time.
    #[inline]
    fn value(&mut self, key: u128, hash: usize, compute: impl FnOnce() -> WordFeatures) -> u32 {
        let key = split(key);
        let mask = self.slots.len() - 1;
        let mut i = hash & mask;
        loop {
            let slot = self.slots[i];
            if slot.key == key {
                return slot.value;
            }
            if slot.key == FREE.key {
                return self.insert(i, key, compute());
            }
            i = (i + 1) & mask;
        }
    }

    /// Counts the features of packed word `key` (with hash `hash`) in `tally`: a word with
    /// one feature (most) is counted at once, without building its [`WordFeatures`].
    #[inline]
    fn add(&mut self, tally: &mut Tally, key: u128, hash: usize, compute: impl FnOnce() -> WordFeatures) {
        let value = self.value(key, hash, compute);
        if value < SEVERAL {
            tally.add(value);
        } else if value != NONE {
            add(tally, self.compounds[(value & !SEVERAL) as usize]);
        }
    }

    /// Puts a new word into free slot `i` and gives its [`Slot::value`]; the table grows
    /// when it gets more than three quarters full.
    #[cold]
    fn insert(&mut self, i: usize, key: [u64; 2], features: WordFeatures) -> u32 {
        let value = match features {
            [one, NONE, NONE] if one < SEVERAL || one == NONE => one,
            _ => {
                self.compounds.push(features);
                SEVERAL | (self.compounds.len() - 1) as u32
            }
        };
        self.slots[i] = Slot { key, value };
        self.len += 1;
        if 4 * self.len > 3 * self.slots.len() {
            self.grow();
        }
        value
    }

    /// The features a [`Slot::value`] stands for.
    #[inline]
    fn features(&self, value: u32) -> WordFeatures {
        if value == NONE || value < SEVERAL {
            [value, NONE, NONE]
        } else {
            self.compounds[(value & !SEVERAL) as usize]
        }
    }

    /// Asks for the home slot of packed word `key` ahead of [`ShortWords::value`], and gives
    /// the word's hash for it.
    #[inline]
    fn prefetch(&self, key: u128) -> usize {
        let hash = hash_of(split(key));
        crate::hint::prefetch(&self.slots[hash & (self.slots.len() - 1)]);
        hash
    }

    /// Doubles the table and puts every word in its new place.
    #[cold]
    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![FREE; size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.key != FREE.key) {
            let mut i = hash_of(slot.key) & mask;
            while self.slots[i].key != FREE.key {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// A packed word as the two halves a [`Slot`] keeps.
#[inline]
fn split(key: u128) -> [u64; 2] {
    [key as u64, (key >> 64) as u64]
}

/// The hash of a packed word, whose low bits are its home slot: its two halves folded and
/// multiplied (Fibonacci hashing), the product's high half.
#[inline]
fn hash_of(key: [u64; 2]) -> usize {
    let folded = key[0] ^ key[1].rotate_left(29);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize
}

/// The key of a word of up to 15 bytes: its bytes little-endian in the low 15 bytes of the
/// integer, its length in the top byte (`None` for longer words). Read in a few loads instead
/// of a copy of the word's length: [`load_le`] up to 8 bytes, two overlapping 8-byte loads
/// above; [`pack_reference`] is the plain form.
#[inline]
fn pack(b: &[u8]) -> Option<u128> {
    let n = b.len();
    let key = match n {
        0..=8 => u128::from(load_le(b)?),
        9..=15 => {
            let head = u64::from_le_bytes(b[..8].try_into().expect("8 bytes"));
            let tail = u64::from_le_bytes(b[n - 8..].try_into().expect("8 bytes"));
            // `tail` holds bytes n-8..n; the n-8 beyond the head are its top ones.
            u128::from(head) | (u128::from(tail) >> (8 * (16 - n))) << 64
        }
        _ => return None,
    };
    Some(key | (n as u128) << 120)
}

/// [`pack`] of `word`, a slice of `text`: one 16-byte load from the word's start, masked to its
/// length, where the text holds 16 bytes from there (the bytes after the word are read but
/// masked off); [`pack`] near the end of the text.
#[inline]
fn pack_in(text: &str, word: &str) -> Option<u128> {
    let n = word.len();
    let at = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    match text.as_bytes().get(at..at.wrapping_add(16)) {
        Some(chunk) if n < 16 => {
            let bytes = u128::from_le_bytes(chunk.try_into().expect("16 bytes"));
            Some(bytes & FIRST_BYTES[n] | (n as u128) << 120)
        }
        _ => pack(word.as_bytes()),
    }
}

/// `FIRST_BYTES[n]` keeps the first `n` bytes (the low ones) of a little-endian `u128`.
const FIRST_BYTES: [u128; 16] = {
    let mut masks = [0u128; 16];
    let mut n = 1;
    while n < 16 {
        masks[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    masks
};

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
    use super::{pack, pack_in, pack_reference, Words, NONE};

    #[test]
    fn word_table_remembers_every_word_across_growth() {
        // 20,000 words, short and long, a third with compound features, each asked for twice:
        // the second time the table must give what the first computed, without computing.
        let features = |i: u32| match i % 3 {
            0 => [i, NONE, NONE],
            1 => [NONE; 3],
            _ => [i, i + 1, NONE],
        };
        let mut words = Words::default();
        for round in 0..2 {
            for i in 0..20_000u32 {
                let word = if i % 10 == 0 { format!("langes-wort-nummer-{i}") } else { format!("w{i}") };
                let got = words.get(&word, || {
                    assert_eq!(round, 0, "{word} computed twice");
                    features(i)
                });
                assert_eq!(got, features(i), "{word}");
            }
        }
        assert_eq!(words.short.len + words.long.len(), 20_000);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The two-load word key is the copied one, for every length.
        #[test]
        fn word_key_is_the_plain_one(word in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..20)) {
            proptest::prop_assert_eq!(pack(&word), pack_reference(&word));
        }

        /// The key of a word read in one load from its text is the copied one, wherever the
        /// word lies (near the end of the text too) and whatever follows it.
        #[test]
        fn key_read_from_the_text_is_the_plain_one(text in "[a-zäß .]{0,40}", from in 0usize..40, len in 0usize..20) {
            let from = (0..=from.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (from..=(from + len).min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(from);
            let word = &text[from..end];
            proptest::prop_assert_eq!(pack_in(&text, word), pack_reference(word.as_bytes()));
        }
    }
}
