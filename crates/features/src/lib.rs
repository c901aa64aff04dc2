//! Vocabulary and sparse bag-of-words vectors.
//!
//! A [`Vocabulary`] is built from the tokens of the training paragraphs. Its terms are kept in
//! sorted order, so the same training data always gives the same feature ids and so a
//! byte-identical model. A paragraph becomes a [`SparseVector`] of `(feature id, count)` pairs;
//! tokens outside the vocabulary are ignored.
//!
//! ```
//! use paratopic_features::Vocabulary;
//!
//! let docs = [vec!["igf", "wsis", "igf"], vec!["ki", "igf"]];
//! let vocab = Vocabulary::build(docs.iter().map(|d| d.as_slice()), 1);
//! assert_eq!(vocab.terms(), ["igf", "ki", "wsis"]);
//! let v = vocab.vectorize(["igf", "igf", "unbekannt", "wsis"]);
//! assert_eq!(v.entries(), [(0, 2.0), (2, 1.0)]);
//! ```
#![deny(missing_docs)]

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

/// Errors in vocabulary data.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeatureError {
    /// Terms must be strictly increasing (sorted, no duplicates).
    #[error("vocabulary is not sorted or has a duplicate at term {index} ({term:?})")]
    Unsorted {
        /// Position of the offending term.
        index: usize,
        /// The offending term.
        term: String,
    },
}

/// The terms a model knows, in sorted order; a term's position is its feature id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<String>", into = "Vec<String>")]
pub struct Vocabulary {
    terms: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl Vocabulary {
    /// Builds a vocabulary from tokenized documents, keeping the terms that occur in at least
    /// `min_df` documents.
    pub fn build<'a, I, T>(documents: I, min_df: usize) -> Self
    where
        I: IntoIterator<Item = &'a [T]>,
        T: AsRef<str> + 'a,
    {
        let df = document_frequency(documents.into_iter().map(|doc| doc.iter().map(AsRef::as_ref)));
        let terms = df.into_iter().filter(|&(_, n)| n >= min_df.max(1)).map(|(t, _)| t.to_owned()).collect();
        Self::from_sorted(terms)
    }

    /// A vocabulary from terms that must be sorted and unique.
    pub fn from_terms(terms: Vec<String>) -> Result<Self, FeatureError> {
        if let Some(i) = terms.windows(2).position(|w| w[0] >= w[1]) {
            return Err(FeatureError::Unsorted { index: i + 1, term: terms[i + 1].clone() });
        }
        Ok(Self::from_sorted(terms))
    }

    fn from_sorted(terms: Vec<String>) -> Self {
        let ids = terms.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        Self { terms, ids }
    }

    /// The terms, sorted; index = feature id.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// True when there are no terms.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The feature id of `term`.
    pub fn id(&self, term: &str) -> Option<u32> {
        self.ids.get(term).copied()
    }

    /// Counts the known tokens of a document.
    pub fn vectorize<I, T>(&self, tokens: I) -> SparseVector
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let mut ids: Vec<u32> = tokens.into_iter().filter_map(|t| self.id(t.as_ref())).collect();
        SparseVector::from_ids(&mut ids)
    }
}

impl TryFrom<Vec<String>> for Vocabulary {
    type Error = FeatureError;
    fn try_from(terms: Vec<String>) -> Result<Self, Self::Error> {
        Self::from_terms(terms)
    }
}

impl From<Vocabulary> for Vec<String> {
    fn from(v: Vocabulary) -> Self {
        v.terms
    }
}

/// Counts the feature ids of one document at a time in a dense array, for a thread that
/// counts many documents: adding an id is an increment, and the distinct ids come out in
/// order from a bitmap of the ids seen, read through a bitmap of its words that hold any
/// (or, for a short document, by sorting them).
/// [`Tally::finish`] gives what [`SparseVector::from_ids`] gives for the same ids, and leaves
/// the tally empty for the next document.
#[derive(Debug, Default)]
pub struct Tally {
    /// Count per feature id; zero for every id not in `seen`.
    counts: Vec<u32>,
    /// One bit per feature id, set for the ids in `seen`.
    bits: Vec<u64>,
    /// One bit per word of `bits`, set in [`Tally::finish`] for the words that hold an id;
    /// all clear in between.
    words: Vec<u64>,
    /// The distinct ids of the document so far, in the order they came: the first `distinct`
    /// entries. One longer than `counts`, since a document has no more distinct ids than there
    /// are, so that [`Tally::add`] writes an id without checking for room.
    seen: Vec<u32>,
    distinct: usize,
}

impl Tally {
    /// Counts one occurrence of `id`.
    #[inline]
    pub fn add(&mut self, id: u32) {
        let i = id as usize;
        if i >= self.counts.len() {
            self.grow(i + 1);
        }
        let count = &mut self.counts[i];
        // The id is written after the distinct ones every time and kept only when it is new:
        // no branch to mispredict, half the time, on whether it is.
        self.seen[self.distinct] = id;
        self.distinct += usize::from(*count == 0);
        *count += 1;
        self.bits[i / 64] |= 1 << (i % 64);
    }

    /// Makes room for ids below `len`.
    #[cold]
    fn grow(&mut self, len: usize) {
        self.counts.resize(len, 0);
        self.bits.resize(len.div_ceil(64), 0);
        self.words.resize(len.div_ceil(64 * 64), 0);
        self.seen.resize(len + 1, 0);
    }

    /// The counts so far as a vector; the tally is empty afterwards.
    pub fn finish(&mut self) -> SparseVector {
        let distinct = std::mem::take(&mut self.distinct);
        // Sorting k ids takes about k · log k steps, reading the bitmap a step per id and one
        // per 64 of its words.
        if distinct * 16 < self.bits.len() {
            self.seen[..distinct].sort_unstable();
            for &id in &self.seen[..distinct] {
                self.bits[id as usize / 64] = 0;
            }
        } else {
            // Only the words of the bitmap that hold an id are read (a document's ids fill
            // about a fifth of them), each of which has one id or more.
            for &id in &self.seen[..distinct] {
                self.words[id as usize / (64 * 64)] |= 1 << (id as usize / 64 % 64);
            }
            let mut n = 0;
            for (v, held) in self.words.iter_mut().enumerate() {
                let mut held = std::mem::take(held);
                while held != 0 {
                    let w = v * 64 + held.trailing_zeros() as usize;
                    held &= held - 1;
                    let mut x = std::mem::take(&mut self.bits[w]);
                    loop {
                        self.seen[n] = (w * 64) as u32 + x.trailing_zeros();
                        n += 1;
                        x &= x - 1;
                        if x == 0 {
                            break;
                        }
                    }
                }
            }
        }
        let counts = &mut self.counts;
        let entries =
            self.seen[..distinct].iter().map(|&id| (id, f64::from(std::mem::take(&mut counts[id as usize])))).collect();
        SparseVector::from_sorted(entries)
    }

    /// Forgets the counts so far.
    pub fn clear(&mut self) {
        for &id in &self.seen[..self.distinct] {
            self.counts[id as usize] = 0;
            self.bits[id as usize / 64] = 0;
        }
        self.distinct = 0;
    }
}

/// Feature counts of one document: `(feature id, value)` pairs sorted by id, ids unique.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SparseVector {
    entries: Vec<(u32, f64)>,
}

impl SparseVector {
    /// Counts feature ids (the slice is sorted in place).
    pub fn from_ids(ids: &mut [u32]) -> Self {
        ids.sort_unstable();
        let mut entries: Vec<(u32, f64)> = Vec::new();
        for &id in ids.iter() {
            match entries.last_mut() {
                Some((last, n)) if *last == id => *n += 1.0,
                _ => entries.push((id, 1.0)),
            }
        }
        Self { entries }
    }

    /// The vector of `(feature id, count)` pairs that are already sorted by id and unique.
    fn from_sorted(entries: Vec<(u32, f64)>) -> Self {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        Self { entries }
    }

    /// The `(feature id, value)` pairs, sorted by id.
    pub fn entries(&self) -> &[(u32, f64)] {
        &self.entries
    }

    /// Number of distinct features.
    pub fn nnz(&self) -> usize {
        self.entries.len()
    }

    /// Writes the values into a dense row (which must be zeroed and long enough).
    pub fn scatter_into(&self, row: &mut [f64]) {
        for &(id, v) in &self.entries {
            row[id as usize] = v;
        }
    }

    /// Applies `f` to every value.
    fn map_values(&mut self, f: impl Fn(f64) -> f64) {
        for (_, v) in &mut self.entries {
            *v = f(*v);
        }
    }
}

/// How raw counts become feature values. Saved in every model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Weighting {
    /// Count each term once per paragraph (presence instead of frequency).
    #[serde(default)]
    pub binary: bool,
    /// Replace a count `n` by `1 + ln n` (sublinear term frequency).
    #[serde(default)]
    pub sublinear_tf: bool,
    /// Multiply by the inverse document frequency learned from the training paragraphs.
    #[serde(default)]
    pub idf: bool,
    /// Scale every paragraph's vector to unit length (L2).
    #[serde(default)]
    pub l2_norm: bool,
}

impl Weighting {
    /// Applies the weighting to a count vector; `idf` is indexed by feature id and only used
    /// when [`Weighting::idf`] is on.
    pub fn apply(&self, vector: &mut SparseVector, idf: Option<&[f64]>) {
        if self.binary {
            vector.map_values(|_| 1.0);
        }
        if self.sublinear_tf {
            vector.map_values(|n| 1.0 + n.ln());
        }
        if let (true, Some(idf)) = (self.idf, idf) {
            for (f, v) in &mut vector.entries {
                *v *= idf[*f as usize];
            }
        }
        if self.l2_norm {
            let norm = vector.entries.iter().map(|&(_, v)| v * v).sum::<f64>().sqrt();
            if norm > 0.0 {
                vector.map_values(|v| v / norm);
            }
        }
    }
}

/// In how many documents each term occurs (document frequency), in term order. A term counts
/// once per document however often it occurs there.
///
/// ```
/// use paratopic_features::document_frequency;
///
/// let docs = [vec!["igf", "wsis", "igf"], vec!["ki", "igf"]];
/// let df = document_frequency(docs.iter().map(|d| d.iter().copied()));
/// assert_eq!(df.into_iter().collect::<Vec<_>>(), [("igf", 2), ("ki", 1), ("wsis", 1)]);
/// ```
pub fn document_frequency<D, T>(documents: D) -> BTreeMap<T, usize>
where
    D: IntoIterator,
    D::Item: IntoIterator<Item = T>,
    T: Ord,
{
    let mut df: BTreeMap<T, usize> = BTreeMap::new();
    let mut seen: Vec<T> = Vec::new();
    for doc in documents {
        seen.extend(doc);
        seen.sort_unstable();
        seen.dedup();
        for term in seen.drain(..) {
            *df.entry(term).or_default() += 1;
        }
    }
    df
}

/// Smoothed inverse document frequency, `ln((1 + n) / (1 + df)) + 1`, for every feature of
/// count vectors over `n` documents.
pub fn inverse_document_frequency(vectors: &[SparseVector], n_features: usize) -> Vec<f64> {
    let mut df = vec![0usize; n_features];
    for (f, n) in document_frequency(vectors.iter().map(|v| v.entries.iter().map(|&(f, _)| f))) {
        df[f as usize] = n;
    }
    let n = vectors.len() as f64;
    df.into_iter().map(|d| ((1.0 + n) / (1.0 + d as f64)).ln() + 1.0).collect()
}

/// Appends word bigrams (`"cyber angriff"`) to a token list.
pub fn add_bigrams(tokens: &mut Vec<String>) {
    let n = tokens.len();
    for i in 1..n {
        let bigram = format!("{} {}", tokens[i - 1], tokens[i]);
        tokens.push(bigram);
    }
}

/// Appends the character n-grams (lengths `min..=max`) of every token, marked `<` and `>` at
/// the word edges and prefixed `#`, so that the parts of German compounds
/// (`cybersicherheitsstrategie`) are shared with the words they are built from.
pub fn add_char_ngrams(tokens: &mut Vec<String>, min: usize, max: usize) {
    let n_words = tokens.len();
    let mut chars: Vec<char> = Vec::new();
    for i in 0..n_words {
        chars.clear();
        chars.push('<');
        chars.extend(tokens[i].chars());
        chars.push('>');
        for n in min.max(1)..=max {
            if n > chars.len() {
                break;
            }
            for window in chars.windows(n) {
                let mut gram = String::with_capacity(n * 2 + 1);
                gram.push('#');
                gram.extend(window);
                tokens.push(gram);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_as_from_ids_does() {
        // A fixed pseudo-random stream of documents over 5,000 ids, short ones (sorted) and
        // long ones (read from the bitmap), some cleared half-way.
        let mut state = 12345u64;
        let mut next = |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut tally = Tally::default();
        for doc in 0..200 {
            let len = if doc % 2 == 0 { next(8) } else { next(2000) };
            let mut ids: Vec<u32> = (0..len).map(|_| next(5000) as u32).collect();
            if doc % 7 == 3 {
                ids.iter().for_each(|&id| tally.add(id));
                tally.clear();
            }
            ids.iter().for_each(|&id| tally.add(id));
            assert_eq!(tally.finish(), SparseVector::from_ids(&mut ids), "document {doc}");
        }
        assert_eq!(tally.finish(), SparseVector::default());
    }

    #[test]
    fn tally_holds_a_document_with_every_id() {
        // Every id the tally has room for, then each again: the distinct ids fill `seen`.
        let mut tally = Tally::default();
        let mut ids: Vec<u32> = (0..100).rev().chain(0..100).collect();
        ids.iter().for_each(|&id| tally.add(id));
        assert_eq!(tally.finish(), SparseVector::from_ids(&mut ids));
        let mut again = vec![7, 7, 99];
        again.iter().for_each(|&id| tally.add(id));
        assert_eq!(tally.finish(), SparseVector::from_ids(&mut again));
    }

    #[test]
    fn min_df_prunes_rare_terms() {
        let docs = [vec!["a", "b", "b"], vec!["b", "c"], vec!["b", "a"]];
        let vocab = Vocabulary::build(docs.iter().map(|d| d.as_slice()), 2);
        assert_eq!(vocab.terms(), ["a", "b"]);
    }

    #[test]
    fn unsorted_terms_are_rejected() {
        let err = Vocabulary::from_terms(vec!["b".into(), "a".into()]).unwrap_err();
        assert_eq!(err, FeatureError::Unsorted { index: 1, term: "a".into() });
        assert!(Vocabulary::from_terms(vec!["a".into(), "a".into()]).is_err());
    }

    #[test]
    fn serde_round_trip_keeps_ids() {
        let vocab = Vocabulary::from_terms(vec!["ki".into(), "wsis".into()]).unwrap();
        let json = serde_json_like(&vocab);
        assert_eq!(json, vec!["ki".to_owned(), "wsis".to_owned()]);
        assert_eq!(Vocabulary::try_from(json).unwrap().id("wsis"), Some(1));
    }

    fn serde_json_like(v: &Vocabulary) -> Vec<String> {
        v.clone().into()
    }

    #[test]
    fn weighting_matches_hand_computation() {
        let mut v = SparseVector::from_ids(&mut [0, 0, 0, 1]);
        let w = Weighting { binary: false, sublinear_tf: true, idf: true, l2_norm: true };
        w.apply(&mut v, Some(&[1.0, 2.0]));
        // (1 + ln 3) * 1 and 1 * 2, then unit length.
        let (a, b) = (1.0 + 3f64.ln(), 2.0);
        let norm = (a * a + b * b).sqrt();
        assert!((v.entries()[0].1 - a / norm).abs() < 1e-12 && (v.entries()[1].1 - b / norm).abs() < 1e-12);
    }

    #[test]
    fn document_frequency_counts_each_document_once() {
        let docs = [vec!["b", "a", "b"], vec!["b"], vec![], vec!["c", "a"]];
        let df = document_frequency(docs.iter().map(|d| d.iter().copied()));
        assert_eq!(df.into_iter().collect::<Vec<_>>(), [("a", 2), ("b", 2), ("c", 1)]);
    }

    #[test]
    fn idf_is_smoothed() {
        let docs = [SparseVector::from_ids(&mut [0, 1]), SparseVector::from_ids(&mut [0])];
        let idf = inverse_document_frequency(&docs, 3);
        assert_eq!(idf[0], 1.0);
        assert!((idf[1] - ((3.0f64 / 2.0).ln() + 1.0)).abs() < 1e-12);
        assert!((idf[2] - (3.0f64.ln() + 1.0)).abs() < 1e-12);
    }

    #[test]
    fn bigrams_follow_unigrams() {
        let mut t = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        add_bigrams(&mut t);
        assert_eq!(t, ["a", "b", "c", "a b", "b c"]);
    }

    #[test]
    fn char_ngrams_mark_word_edges() {
        let mut t = vec!["ki".to_owned(), "igf".to_owned()];
        add_char_ngrams(&mut t, 3, 4);
        assert_eq!(t, ["ki", "igf", "#<ki", "#ki>", "#<ki>", "#<ig", "#igf", "#gf>", "#<igf", "#igf>"]);
    }

    #[test]
    fn dense_scatter() {
        let v = SparseVector::from_ids(&mut [3, 1, 3]);
        let mut row = [0.0; 4];
        v.scatter_into(&mut row);
        assert_eq!(row, [0.0, 1.0, 0.0, 2.0]);
    }
}
