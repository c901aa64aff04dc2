//! Finding the label errors of a training set by confident learning (Northcutt, Jiang and
//! Chuang, 2021; the method of cleanlab's `find_label_issues`): out-of-fold probabilities in,
//! the examples whose given label the model finds least likely out.
//!
//! For each label j, the threshold t_j is the mean out-of-fold probability of j over the
//! examples given j: how sure the model is of j where j is right, mostly. An example given i
//! is *confidently* of label j when its probability of j reaches t_j (the most probable such
//! j when several do). The examples confidently of another label than their own are the
//! issues; they are ranked by their probability of their given label, least first
//! (cleanlab's `self_confidence` ranking).

/// An example whose given label the out-of-fold model doubts.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelIssue {
    /// The example's index in the data.
    pub index: usize,
    /// Its given label.
    pub given: usize,
    /// The label it is confidently of.
    pub suggested: usize,
    /// The out-of-fold probability of the given label.
    pub given_probability: f64,
    /// The out-of-fold probability of the suggested label.
    pub suggested_probability: f64,
}

/// The per-label thresholds: the mean probability of each label over the examples given it
/// (1, so that nothing reaches it, for a label no example has).
pub fn thresholds(probabilities: &[Vec<f64>], given: &[usize], labels: usize) -> Vec<f64> {
    let mut sum = vec![0.0; labels];
    let mut count = vec![0usize; labels];
    for (p, &g) in probabilities.iter().zip(given) {
        sum[g] += p[g];
        count[g] += 1;
    }
    sum.iter().zip(&count).map(|(s, &n)| if n == 0 { 1.0 } else { s / n as f64 }).collect()
}

/// The label issues of a data set, most doubtful first (ties by index).
pub fn label_issues(probabilities: &[Vec<f64>], given: &[usize], labels: usize) -> Vec<LabelIssue> {
    let t = thresholds(probabilities, given, labels);
    let mut issues: Vec<LabelIssue> = probabilities
        .iter()
        .zip(given)
        .enumerate()
        .filter_map(|(index, (p, &g))| {
            let confident =
                (0..labels).filter(|&j| p[j] >= t[j]).max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))?;
            (confident != g).then(|| LabelIssue {
                index,
                given: g,
                suggested: confident,
                given_probability: p[g],
                suggested_probability: p[confident],
            })
        })
        .collect();
    issues.sort_by(|a, b| a.given_probability.total_cmp(&b.given_probability).then(a.index.cmp(&b.index)));
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_example_confidently_of_another_label_is_an_issue() {
        // Two labels; examples 0–3 given 0, 4–7 given 1. Example 3 looks like label 1, example
        // 7 is only unsure.
        let p = |a: f64| vec![a, 1.0 - a];
        let probabilities = vec![p(0.9), p(0.8), p(0.85), p(0.1), p(0.2), p(0.1), p(0.15), p(0.55)];
        let given = [0, 0, 0, 0, 1, 1, 1, 1];
        let t = thresholds(&probabilities, &given, 2);
        assert!((t[0] - 0.6625).abs() < 1e-12 && (t[1] - 0.75).abs() < 1e-12, "{t:?}");
        let issues = label_issues(&probabilities, &given, 2);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!((issues[0].index, issues[0].given, issues[0].suggested), (3, 0, 1));
    }

    #[test]
    fn issues_come_least_likely_first_and_a_label_no_one_has_is_never_suggested() {
        let probabilities =
            vec![vec![0.08, 0.92, 0.0], vec![0.05, 0.95, 0.0], vec![0.9, 0.1, 0.0], vec![0.1, 0.9, 0.0]];
        let given = [0, 0, 0, 1];
        let issues = label_issues(&probabilities, &given, 3);
        assert_eq!(issues.iter().map(|i| i.index).collect::<Vec<_>>(), [1, 0]);
        assert!(issues.iter().all(|i| i.suggested == 1));
    }
}
