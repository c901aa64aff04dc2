//! The one count of a run's records by what they are, used by the `classify` summary on stderr
//! and by the HTML report, so that the same records give the same numbers in both.

use paratopic_ingest::Kind;

/// Paragraphs counted by what they are: content paragraphs (body text and list items) per
/// label and those without a topic, and paragraphs of other kinds (headings, references,
/// footnotes) whatever they were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Content paragraphs per label index (grown as labels are met).
    pub labels: Vec<usize>,
    /// Content paragraphs without a topic: a language the model does not read, or no label
    /// for another reason.
    pub no_topic: usize,
    /// Headings, references and footnotes.
    pub other_kinds: usize,
}

impl Tally {
    /// An empty tally over `labels` labels.
    pub fn new(labels: usize) -> Self {
        Tally { labels: vec![0; labels], ..Tally::default() }
    }

    /// Counts one paragraph of `kind` given `label` (an index into the model's labels).
    pub fn add(&mut self, kind: Kind, label: Option<usize>) {
        match (kind.is_content(), label) {
            (false, _) => self.other_kinds += 1,
            (true, None) => self.no_topic += 1,
            (true, Some(l)) => {
                if self.labels.len() <= l {
                    self.labels.resize(l + 1, 0);
                }
                self.labels[l] += 1;
            }
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Tally) {
        if self.labels.len() < other.labels.len() {
            self.labels.resize(other.labels.len(), 0);
        }
        self.labels.iter_mut().zip(&other.labels).for_each(|(a, b)| *a += b);
        self.no_topic += other.no_topic;
        self.other_kinds += other.other_kinds;
    }

    /// The content paragraphs: those given a label and those without a topic.
    pub fn content(&self) -> usize {
        self.labels.iter().sum::<usize>() + self.no_topic
    }

    /// Every paragraph counted.
    pub fn total(&self) -> usize {
        self.content() + self.other_kinds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_before_labels() {
        let mut t = Tally::new(2);
        t.add(Kind::Heading, Some(1));
        t.add(Kind::Footnote, None);
        t.add(Kind::Body, Some(1));
        t.add(Kind::ListItem, None);
        t.add(Kind::Body, Some(3));
        assert_eq!(t, Tally { labels: vec![0, 1, 0, 1], no_topic: 1, other_kinds: 2 });
        let mut sum = Tally::new(1);
        sum.merge(&t);
        sum.merge(&t);
        assert_eq!((sum.labels, sum.no_topic, sum.other_kinds), (vec![0, 2, 0, 2], 2, 4));
        assert_eq!((t.content(), t.total()), (3, 5));
    }
}
