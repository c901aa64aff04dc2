//! What the page shows: the figures a [`super::Builder`] computes from the records, which
//! `html.rs` and `svg.rs` draw. Knows neither how they are computed nor how they are drawn.

use std::cmp::Ordering;

use paratopic_classifier::metrics::Confusion;

use crate::tally::Tally;

/// Documents with a strip (and a row of their own in the topic-mix table); the topic mix of
/// the whole run counts every document.
pub const MAX_STRIPS: usize = 200;
/// Cells in one strip; a longer document gets cells of several paragraphs each.
pub const MAX_CELLS: usize = 160;
/// Paragraphs listed for review.
pub const LEAST_CONFIDENT: usize = 25;
/// Bins of the confidence histograms (over 0–1).
pub const HIST_BINS: usize = 20;
/// The first `n` characters of `s` (with `…` when cut).
pub fn cut(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_owned(),
    }
}

/// A paragraph listed for review, ordered by confidence, then input order.
#[derive(Debug, Clone)]
pub struct Least {
    pub confidence: f64,
    pub seq: usize,
    pub label: String,
    /// The runner-up label and its probability.
    pub second: Option<(String, f64)>,
    pub doc: String,
    pub paragraph: usize,
    pub section: Option<String>,
    pub text: String,
}

impl PartialEq for Least {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Least {}
impl PartialOrd for Least {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Least {
    fn cmp(&self, other: &Self) -> Ordering {
        self.confidence.total_cmp(&other.confidence).then(self.seq.cmp(&other.seq))
    }
}

/// The name of the grey "no topic" class on the page.
pub const NO_TOPIC: &str = "no topic";

/// The counts of one document.
#[derive(Debug)]
pub struct DocCounts {
    pub name: String,
    /// Its paragraphs counted as the `classify` summary counts them.
    pub tally: Tally,
}

/// One drawn cell of a strip: a paragraph or a run of paragraphs.
#[derive(Debug)]
pub struct StripCell {
    /// The topics it is coloured by, with their share of the cell (one for a paragraph).
    pub parts: Vec<Part>,
    pub heading: bool,
    /// No content paragraph in it (drawn short).
    pub minor: bool,
    pub tip: String,
}

/// A topic's share of a strip cell.
#[derive(Debug)]
pub struct Part {
    /// The label (none: no topic, grey).
    pub label: Option<usize>,
    /// Share of the cell's paragraphs.
    pub share: f64,
    /// How sure: 0 (pale) to 1 (full colour); the mean over the cell's paragraphs of the label.
    pub strength: f64,
}

/// The strip of one document.
#[derive(Debug)]
pub struct Strip {
    pub doc: String,
    pub paragraphs: usize,
    /// Paragraphs per cell (1 unless the document is long).
    pub per_cell: usize,
    pub cells: Vec<StripCell>,
}

/// The evaluation against gold labels.
#[derive(Debug)]
pub struct Evaluation {
    pub title: String,
    /// Over the report's labels, plus `no topic` when a gold paragraph got no label.
    pub confusion: Confusion,
    /// Gold lines that matched no record.
    pub unmatched_gold: usize,
}

/// Everything the page shows.
#[derive(Debug)]
pub struct Report {
    pub source: String,
    pub model_name: String,
    /// The model's labels, then labels only the records (or gold) have.
    pub labels: Vec<String>,
    pub model_labels: usize,
    pub records: usize,
    pub docs: Vec<DocCounts>,
    pub strips: Vec<Strip>,
    pub hist: Vec<[usize; HIST_BINS]>,
    pub unscored: usize,
    pub least: Vec<Least>,
    /// Per label: the model's most indicative terms (none for a label the model lacks).
    pub terms: Vec<Option<Vec<(String, f64)>>>,
    pub evaluation: Option<Evaluation>,
}
