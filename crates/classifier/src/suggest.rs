//! What to label next: the paragraphs whose labels would teach the model most. Uncertainty
//! sampling by margin (the gap between the two most probable labels; smallest first), with
//! near-duplicates spread out: a paragraph whose words overlap a chosen one's by a Jaccard
//! index of [`NEAR_DUPLICATE`] or more is passed over, so that one boilerplate sentence
//! repeated across documents does not fill the list.

use std::collections::BTreeSet;

use crate::decide::{Decision, Labeled};
use crate::model::Model;

/// Word-set overlap (Jaccard) at which two paragraphs count as near-duplicates.
pub(crate) const NEAR_DUPLICATE: f64 = 0.5;

/// A paragraph chosen for labeling.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index of the paragraph in the input.
    pub index: usize,
    /// The model's label for it (to be corrected).
    pub label: usize,
    /// Probability of the top label minus that of the second.
    pub margin: f64,
}

/// The `n` most uncertain of `texts`, given their labels by [`Model::label_all`] as `classify`
/// gives them: smallest margin first (ties: input order), near-duplicates passed over. Only
/// paragraphs the model decided are candidates: one without any known term teaches nothing
/// about the labels until its words are in a training example (and is better found by
/// reading), and one in a language the model does not read is not labeled at all.
pub fn most_uncertain(model: &Model, texts: &[&str], labeled: &[Labeled], n: usize) -> Vec<Suggestion> {
    let mut scored: Vec<Suggestion> = labeled
        .iter()
        .enumerate()
        .filter_map(|(index, l)| match (l.decision, l.label, &l.scored) {
            (Decision::Model, Some(label), Some((p, _))) => {
                let mut sorted = p.probabilities.clone();
                sorted.sort_by(|a, b| b.total_cmp(a));
                Some(Suggestion { index, label, margin: sorted[0] - sorted.get(1).copied().unwrap_or(0.0) })
            }
            _ => None,
        })
        .collect();
    scored.sort_by(|a, b| a.margin.total_cmp(&b.margin).then(a.index.cmp(&b.index)));
    let mut chosen: Vec<(Suggestion, BTreeSet<String>)> = Vec::with_capacity(n);
    for s in scored {
        if chosen.len() >= n {
            break;
        }
        let words: BTreeSet<String> = model.tokenizer().tokenize(texts[s.index]).into_iter().collect();
        let near = chosen.iter().any(|(_, other)| jaccard(&words, other) >= NEAR_DUPLICATE);
        if !near {
            chosen.push((s, words));
        }
    }
    chosen.into_iter().map(|(s, _)| s).collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let union = a.union(b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{train, Example, TrainConfig};

    #[test]
    fn the_least_sure_come_first_and_duplicates_once() {
        let ex = |t: &str, l: &str| Example::new(t, l);
        let examples = [
            ex("Ransomware legt Krankenhäuser lahm", "cyber"),
            ex("Hacker stehlen Passwörter", "cyber"),
            ex("Der Haushalt wächst um zwei Milliarden", "geld"),
            ex("Die Steuern steigen im Haushalt", "geld"),
        ];
        let labels = ["cyber".to_owned(), "geld".to_owned()];
        let config = TrainConfig { calibrate: false, ..TrainConfig::default() };
        let model = train(&examples, &labels, &config).unwrap();
        let texts = [
            "Ransomware Hacker Passwörter Krankenhäuser",
            "Hacker erpressen Geld aus dem Haushalt",
            "Hacker erpressen Geld aus dem Haushalt heute",
            "Völlig unbekannte Wörter",
        ];
        let labeled: Vec<Labeled> = texts.iter().map(|t| model.label_one(t, None)).collect();
        let picked = most_uncertain(&model, &texts, &labeled, 3);
        let order: Vec<usize> = picked.iter().map(|s| s.index).collect();
        // The mixed paragraph first, its near-duplicate passed over, the unknown one skipped.
        assert_eq!(order, [1, 0]);
        assert!(picked[0].margin < picked[1].margin);
    }
}
