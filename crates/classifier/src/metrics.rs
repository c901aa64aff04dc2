//! Classification metrics: confusion matrix, accuracy, per-label precision/recall/F1, macro-F1.

use serde::Serialize;

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScores {
    /// The label.
    pub label: String,
    /// Of the paragraphs predicted as this label, the share that has it.
    pub precision: f64,
    /// Of the paragraphs that have this label, the share predicted as it.
    pub recall: f64,
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub f1: f64,
    /// Number of paragraphs that have this label.
    pub support: usize,
}

/// Counts of (gold, predicted) label pairs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Confusion {
    labels: Vec<String>,
    /// `counts[gold][predicted]`.
    counts: Vec<Vec<usize>>,
    /// Paragraphs given no label, per gold label; empty when there were none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unlabeled: Vec<usize>,
}

impl Confusion {
    /// An empty matrix over `labels`.
    pub fn new(labels: &[String]) -> Self {
        Self { labels: labels.to_vec(), counts: vec![vec![0; labels.len()]; labels.len()], unlabeled: Vec::new() }
    }

    /// Records one paragraph.
    pub fn add(&mut self, gold: usize, predicted: usize) {
        self.counts[gold][predicted] += 1;
    }

    /// Records one paragraph that may have been given no label (a language the model does not
    /// read, or no evidence with a label set without `other`): then it counts against the
    /// recall of its gold label and the accuracy, and for no label's precision.
    pub fn add_labeled(&mut self, gold: usize, predicted: Option<usize>) {
        match predicted {
            Some(p) => self.add(gold, p),
            None => {
                self.unlabeled.resize(self.labels.len(), 0);
                self.unlabeled[gold] += 1;
            }
        }
    }

    /// Paragraphs given no label, per gold label (empty when there were none).
    pub fn unlabeled(&self) -> &[usize] {
        &self.unlabeled
    }

    /// The labels.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// `counts[gold][predicted]`.
    pub fn counts(&self) -> &[Vec<usize>] {
        &self.counts
    }

    /// Number of paragraphs recorded.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum::<usize>() + self.unlabeled.iter().sum::<usize>()
    }

    /// Share of paragraphs predicted correctly (0 when empty).
    pub fn accuracy(&self) -> f64 {
        let correct: usize = (0..self.labels.len()).map(|i| self.counts[i][i]).sum();
        ratio(correct, self.total())
    }

    /// Scores per label, in label order.
    pub fn per_label(&self) -> Vec<LabelScores> {
        (0..self.labels.len())
            .map(|i| {
                let tp = self.counts[i][i];
                let predicted: usize = self.counts.iter().map(|row| row[i]).sum();
                let support = self.counts[i].iter().sum::<usize>() + self.unlabeled.get(i).copied().unwrap_or(0);
                let precision = ratio(tp, predicted);
                let recall = ratio(tp, support);
                let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
                LabelScores { label: self.labels[i].clone(), precision, recall, f1, support }
            })
            .collect()
    }

    /// Unweighted mean of the F1 of the labels that occur in the gold data.
    pub fn macro_f1(&self) -> f64 {
        let scores: Vec<f64> = self.per_label().iter().filter(|s| s.support > 0).map(|s| s.f1).collect();
        if scores.is_empty() {
            0.0
        } else {
            scores.iter().sum::<f64>() / scores.len() as f64
        }
    }
}

impl Confusion {
    /// The scores and the confusion matrix as a plain-text table.
    pub fn to_table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(out, "accuracy  {:.4}", self.accuracy());
        let _ = writeln!(out, "macro-F1  {:.4}  ({} paragraphs)\n", self.macro_f1(), self.total());
        // Widths in characters, as `format!` pads: labels may be German (`Überblick`).
        let width = |l: &str| l.chars().count();
        let w = self.labels.iter().map(|l| width(l)).max().unwrap_or(5).max(5);
        let _ = writeln!(out, "{:<w$}  precision  recall      F1  support", "label");
        for s in self.per_label() {
            let _ = writeln!(
                out,
                "{:<w$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}",
                s.label, s.precision, s.recall, s.f1, s.support
            );
        }
        let _ = writeln!(out, "\nconfusion matrix (rows: gold label, columns: predicted label)");
        let _ = write!(out, "{:<w$}", "");
        for l in &self.labels {
            let _ = write!(out, " {:>c$}", l, c = width(l).max(4));
        }
        out.push('\n');
        for (l, row) in self.labels.iter().zip(&self.counts) {
            let _ = write!(out, "{l:<w$}");
            for (h, n) in self.labels.iter().zip(row) {
                let _ = write!(out, " {:>c$}", n, c = width(h).max(4));
            }
            out.push('\n');
        }
        out
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computation() {
        // gold a: 3 (2 right, 1 as b); gold b: 2 (1 right, 1 as a); gold c: 1 (as b).
        let labels = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let mut m = Confusion::new(&labels);
        for (g, p) in [(0, 0), (0, 0), (0, 1), (1, 1), (1, 0), (2, 1)] {
            m.add(g, p);
        }
        assert!((m.accuracy() - 0.5).abs() < 1e-12);
        let s = m.per_label();
        assert!((s[0].precision - 2.0 / 3.0).abs() < 1e-12 && (s[0].recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((s[1].precision - 1.0 / 3.0).abs() < 1e-12 && (s[1].recall - 0.5).abs() < 1e-12);
        assert_eq!((s[2].f1, s[2].support), (0.0, 1));
        let f1_b = 2.0 * (1.0 / 3.0) * 0.5 / (1.0 / 3.0 + 0.5);
        assert!((m.macro_f1() - (2.0 / 3.0 + f1_b + 0.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn table_columns_are_as_wide_as_the_longest_label_in_characters() {
        let labels = vec!["Überblick".to_owned(), "Künstliche Intelligenz".to_owned()];
        let mut m = Confusion::new(&labels);
        m.add(0, 1);
        m.add(1, 1);
        let table = m.to_table();
        let matrix: Vec<&str> = table.lines().skip_while(|l| !l.starts_with("confusion")).skip(1).collect();
        let widths: Vec<usize> = matrix.iter().map(|l| l.chars().count()).collect();
        assert_eq!(widths, [widths[0]; 3], "{table}");
        // Two spaces after the longest label, not one more per umlaut byte.
        assert!(table.contains("\nKünstliche Intelligenz     0.5000"), "{table}");
        assert!(matrix[0].ends_with(" Überblick Künstliche Intelligenz"), "{table}");
    }
}
