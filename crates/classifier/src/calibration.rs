//! Calibrated confidence: temperature scaling of the scores, fitted on out-of-fold predictions
//! (Guo et al. 2017), and the reliability of a set of predictions (expected calibration error
//! over equal-width confidence bins).
//!
//! Naive Bayes scores are sums over independent-looking words, so their softmax is far too
//! sure, and the more so the longer the text: a temperature divides every score before the
//! softmax (`softmax(s / T)`), which keeps the label and makes the probabilities mean what they
//! say. The temperature grows with the number of known terms `n` as `T = t · (1 + n)^γ`; `t`
//! and `γ` are fitted together (γ = 0 is plain temperature scaling).

/// Probabilities of scores at temperature `t`, with log-sum-exp.
pub(crate) fn softmax(scores: &[f64], t: f64) -> Vec<f64> {
    let max = scores.iter().fold(f64::NEG_INFINITY, |m, &s| m.max(s / t));
    let sum: f64 = scores.iter().map(|&s| (s / t - max).exp()).sum();
    let log_norm = max + sum.ln();
    scores.iter().map(|&s| (s / t - log_norm).exp()).collect()
}

/// Mean negative log-likelihood of the gold labels at temperature `t`.
fn nll(predictions: &[(Vec<f64>, usize)], t: f64) -> f64 {
    let total: f64 = predictions
        .iter()
        .map(|(scores, gold)| {
            let max = scores.iter().fold(f64::NEG_INFINITY, |m, &s| m.max(s / t));
            let log_norm = max + scores.iter().map(|&s| (s / t - max).exp()).sum::<f64>().ln();
            log_norm - scores[*gold] / t
        })
        .sum();
    total / predictions.len().max(1) as f64
}

/// The exponents γ tried by [`fit`].
const EXPONENTS: [f64; 6] = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0];

/// The temperature `T = t · (1 + n)^γ` of a text with `n` known terms.
pub(crate) fn temperature(t: f64, gamma: f64, n: usize) -> f64 {
    t * (1.0 + n as f64).powf(gamma)
}

/// `(t, γ)` that minimize the negative log-likelihood of out-of-fold predictions (scores per
/// label, gold label, known terms): for each γ of [`EXPONENTS`], [`fit_temperature`] on the
/// scores divided by `(1 + n)^γ`. Deterministic; `(1, 0)` when there is nothing to fit on.
pub(crate) fn fit(predictions: &[(Vec<f64>, usize, usize)]) -> (f64, f64) {
    let mut best = (1.0, 0.0, f64::INFINITY);
    for gamma in EXPONENTS {
        let scaled: Vec<(Vec<f64>, usize)> = predictions
            .iter()
            .map(|(scores, gold, n)| {
                let d = temperature(1.0, gamma, *n);
                (scores.iter().map(|s| s / d).collect(), *gold)
            })
            .collect();
        let t = fit_temperature(&scaled);
        let loss = nll(&scaled, t);
        if loss < best.2 {
            best = (t, gamma, loss);
        }
    }
    (best.0, best.1)
}

/// The temperature that minimizes the negative log-likelihood of out-of-fold predictions
/// (scores per label, gold label): golden-section search on log T over [1/100, 10,000].
/// Deterministic; 1 when there is nothing to fit on.
pub(crate) fn fit_temperature(predictions: &[(Vec<f64>, usize)]) -> f64 {
    if predictions.is_empty() {
        return 1.0;
    }
    let (mut lo, mut hi) = ((0.01f64).ln(), (10_000f64).ln());
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let f = |log_t: f64| nll(predictions, log_t.exp());
    let mut a = hi - phi * (hi - lo);
    let mut b = lo + phi * (hi - lo);
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..80 {
        if fa <= fb {
            hi = b;
            b = a;
            fb = fa;
            a = hi - phi * (hi - lo);
            fa = f(a);
        } else {
            lo = a;
            a = b;
            fa = fb;
            b = lo + phi * (hi - lo);
            fb = f(b);
        }
    }
    ((lo + hi) / 2.0).exp()
}

/// One confidence bin of a reliability table.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    /// Lower edge of the bin (confidences in `[lower, lower + 1/bins)`; the last bin includes 1).
    pub lower: f64,
    /// Predictions in the bin.
    pub count: usize,
    /// Their mean confidence.
    pub confidence: f64,
    /// The share of them that were right.
    pub accuracy: f64,
}

/// How well confidences match accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct Reliability {
    /// The bins, from low to high confidence.
    pub bins: Vec<Bin>,
    /// Expected calibration error: Σ (count / total) · |accuracy − confidence| over the bins.
    pub ece: f64,
}

impl Reliability {
    /// Bins `(confidence, correct)` pairs into `bins` equal-width bins.
    pub fn of(predictions: &[(f64, bool)], bins: usize) -> Self {
        let mut out: Vec<Bin> = (0..bins)
            .map(|b| Bin { lower: b as f64 / bins as f64, count: 0, confidence: 0.0, accuracy: 0.0 })
            .collect();
        for &(confidence, correct) in predictions {
            let b = ((confidence * bins as f64) as usize).min(bins - 1);
            out[b].count += 1;
            out[b].confidence += confidence;
            out[b].accuracy += f64::from(u8::from(correct));
        }
        let total = predictions.len().max(1) as f64;
        let mut ece = 0.0;
        for bin in &mut out {
            if bin.count > 0 {
                bin.confidence /= bin.count as f64;
                bin.accuracy /= bin.count as f64;
                ece += bin.count as f64 / total * (bin.accuracy - bin.confidence).abs();
            }
        }
        Self { bins: out, ece }
    }

    /// The table as text: one line per non-empty bin.
    pub fn to_table(&self) -> String {
        let mut out = format!("expected calibration error (10 bins): {:.4}\n", self.ece);
        out.push_str("confidence      count  mean conf  accuracy\n");
        let width = self.bins.get(1).map_or(1.0, |b| b.lower);
        for b in self.bins.iter().filter(|b| b.count > 0) {
            out.push_str(&format!(
                "{:.1}-{:.1}      {:>7}  {:>9.3}  {:>8.3}\n",
                b.lower,
                b.lower + width,
                b.count,
                b.confidence,
                b.accuracy
            ));
        }
        out
    }
}

/// Per label: (label, precision, coverage).
pub type CutFigures = Vec<(String, f64, f64)>;

/// What `--min-confidence P` does to each label, for each cut P: (label, precision, coverage),
/// where a paragraph whose confidence is below P loses its label; precision is the share of
/// the paragraphs that keep a label that have it as gold label, coverage the share of a label's
/// gold paragraphs that keep it. From (confidence, gold, predicted) triples.
pub fn confidence_cuts(scored: &[(f64, usize, usize)], labels: &[String], cuts: &[f64]) -> Vec<(f64, CutFigures)> {
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    cuts.iter()
        .map(|&cut| {
            let per_label = labels
                .iter()
                .enumerate()
                .map(|(l, name)| {
                    let kept = scored.iter().filter(|s| s.2 == l && s.0 >= cut).count();
                    let right = scored.iter().filter(|s| s.2 == l && s.1 == l && s.0 >= cut).count();
                    let gold = scored.iter().filter(|s| s.1 == l).count();
                    (name.clone(), ratio(right, kept), ratio(right, gold))
                })
                .collect();
            (cut, per_label)
        })
        .collect()
}

/// [`confidence_cuts`] as a table: a row per label, `precision / coverage` per cut.
pub fn cuts_table(cuts: &[(f64, CutFigures)], labels: &[String]) -> String {
    let mut table = String::from("label          ");
    for (cut, _) in cuts {
        table.push_str(&format!("  P={cut:<4} prec/cov"));
    }
    table.push('\n');
    for (l, name) in labels.iter().enumerate() {
        table.push_str(&format!("{name:<15}"));
        for (_, per_label) in cuts {
            let (_, precision, coverage) = &per_label[l];
            table.push_str(&format!("  {precision:.2} / {coverage:.2}    "));
        }
        table.push('\n');
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_undoes_overconfidence() {
        // Scores 10 apart, right three times in four: the fitted temperature makes the top
        // probability about 0.75.
        let mut predictions = Vec::new();
        for i in 0..400 {
            predictions.push((vec![10.0, 0.0], usize::from(i % 4 == 3)));
        }
        let t = fit_temperature(&predictions);
        let p = softmax(&[10.0, 0.0], t);
        assert!((p[0] - 0.75).abs() < 1e-3, "{t} {p:?}");
        assert_eq!(fit_temperature(&predictions), t);
    }

    #[test]
    fn ece_of_perfect_and_overconfident_predictions() {
        let perfect: Vec<(f64, bool)> = (0..100).map(|i| (0.75, i % 4 != 0)).collect();
        assert!(Reliability::of(&perfect, 10).ece < 1e-9);
        let overconfident: Vec<(f64, bool)> = (0..100).map(|i| (0.99, i % 2 == 0)).collect();
        let r = Reliability::of(&overconfident, 10);
        assert!((r.ece - 0.49).abs() < 1e-9);
        assert_eq!(r.bins[9].count, 100);
    }
}
