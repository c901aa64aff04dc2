//! Calibrated confidence: temperature scaling of the scores, fitted on out-of-fold predictions
//! (Guo et al. 2017), and the reliability of a set of predictions (expected calibration error
//! over equal-width confidence bins).
//!
//! Naive Bayes scores are sums over independent-looking words, so their softmax is far too
//! sure, and the more so the longer the text: a temperature divides every score before the
//! softmax (`softmax(s / T)`), which keeps the label and makes the probabilities mean what they
//! say. The temperature grows with the number of known terms `n` as `T = t · (1 + n)^γ`; `t`
//! and `γ` are fitted together (γ = 0 is plain temperature scaling).
//!
//! A temperature moves every confidence the same way, but on news text the tempered
//! confidences were too low at the bottom and too high at the top. A second, top-label step
//! (Platt scaling of the confidence alone, Gupta and Ramdas 2022) maps the tempered confidence
//! `c` to `σ(a · logit c + b)`, fitted on the same out-of-fold predictions; the other labels
//! share what is left in their tempered proportions, and the label never changes.

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

/// The confidence map `c → σ(a · logit c + b)` (`(a, b)` = `(slope, offset)`) that minimizes
/// the log-loss of `(confidence, correct)` pairs: Newton's method on the two-parameter logistic
/// regression, from the identity `(1, 0)`. Deterministic; the identity when there is nothing to
/// fit on, when every pair is right or every pair wrong, or when the fit does not give an
/// increasing map.
pub(crate) fn fit_top_label(pairs: &[(f64, bool)]) -> (f64, f64) {
    let right = pairs.iter().filter(|p| p.1).count();
    if right == 0 || right == pairs.len() {
        return (1.0, 0.0);
    }
    let xs: Vec<(f64, f64)> = pairs.iter().map(|&(c, ok)| (logit(c), f64::from(u8::from(ok)))).collect();
    // The log-loss, with a small ridge towards no change so that separable data has a minimum.
    let loss = |a: f64, b: f64| {
        let data: f64 = xs.iter().map(|&(x, y)| log1p_exp(a * x + b) - y * (a * x + b)).sum();
        data + 0.5e-6 * ((a - 1.0).powi(2) + b * b)
    };
    let (mut a, mut b) = (1.0f64, 0.0f64);
    let mut current = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (1e-6 * (a - 1.0), 1e-6 * b, 1e-6, 0.0, 1e-6);
        for &(x, y) in &xs {
            let p = sigmoid(a * x + b);
            let w = p * (1.0 - p);
            ga += (p - y) * x;
            gb += p - y;
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if !(det.is_finite() && det > 0.0) {
            break;
        }
        let (da, db) = ((hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det);
        // Newton's step, halved until the loss goes down (a full step can overshoot).
        let mut step = 1.0;
        let mut next = None;
        for _ in 0..40 {
            let (na, nb) = (a - step * da, b - step * db);
            let l = loss(na, nb);
            if l <= current {
                next = Some((na, nb, l));
                break;
            }
            step /= 2.0;
        }
        let Some((na, nb, l)) = next else { break };
        let moved = (na - a).abs().max((nb - b).abs());
        (a, b, current) = (na, nb, l);
        if moved < 1e-10 {
            break;
        }
    }
    if a.is_finite() && b.is_finite() && a > 0.0 {
        (a, b)
    } else {
        (1.0, 0.0)
    }
}

/// `ln(1 + eˣ)` without overflow.
fn log1p_exp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

fn logit(c: f64) -> f64 {
    let c = c.clamp(1e-12, 1.0 - 1e-12);
    (c / (1.0 - c)).ln()
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Applies the top-label map of [`fit_top_label`] to the probabilities of a prediction whose
/// label is `label`: its probability becomes `σ(a · logit c + b)`, never so low that another
/// label would overtake it, and the others keep their proportions.
pub(crate) fn rescale_top(probabilities: &mut [f64], label: usize, (slope, offset): (f64, f64)) {
    if (slope, offset) == (1.0, 0.0) || probabilities.len() < 2 {
        return;
    }
    let c = probabilities[label];
    // The others' sum, not 1 − c: near c = 1 that difference loses the digits the rescaled
    // row needs to sum to 1.
    let rest: f64 = probabilities.iter().enumerate().filter(|&(l, _)| l != label).map(|(_, p)| p).sum();
    let (runner_up, p2) = probabilities
        .iter()
        .enumerate()
        .filter(|&(l, _)| l != label)
        .fold((usize::MAX, f64::NEG_INFINITY), |best, (l, &p)| if p > best.1 { (l, p) } else { best });
    if c <= p2 {
        return; // a tie stays a tie: the label was only the first of equals
    }
    let mut top = sigmoid(slope * logit(c) + offset);
    if rest > 0.0 {
        // After rescaling the runner-up has p2 · (1 − top) / rest: keep `top` above it.
        top = top.max(p2 / (rest + p2) + 1e-12);
        let scale = (1.0 - top) / rest;
        for (l, p) in probabilities.iter_mut().enumerate() {
            *p = if l == label { top } else { *p * scale };
        }
    } else {
        // The tempered probabilities of the others all underflowed: what is left goes to the
        // runner-up.
        top = top.max(0.5);
        probabilities[label] = top;
        probabilities[runner_up] = 1.0 - top;
    }
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
    fn top_label_map_undoes_overconfidence_at_both_ends() {
        // Confidences of 0.3 that are right half the time and of 0.99 that are right nine
        // times in ten: the fitted map moves the first up and the second down.
        let mut pairs = Vec::new();
        for i in 0..400 {
            pairs.push((0.3, i % 2 == 0));
            pairs.push((0.99, i % 10 != 0));
        }
        let (a, b) = fit_top_label(&pairs);
        assert!(a > 0.0 && a < 1.0, "{a} {b}");
        let low = sigmoid(a * logit(0.3) + b);
        let high = sigmoid(a * logit(0.99) + b);
        assert!(low > 0.4 && high < 0.95, "{low} {high}");
        let r = Reliability::of(&pairs.iter().map(|&(c, ok)| (sigmoid(a * logit(c) + b), ok)).collect::<Vec<_>>(), 10);
        assert!(r.ece < Reliability::of(&pairs, 10).ece / 2.0, "{}", r.ece);
        assert_eq!(fit_top_label(&pairs), (a, b));
        assert_eq!(fit_top_label(&[(0.9, true), (0.4, true)]), (1.0, 0.0));
    }

    #[test]
    fn rescaling_the_top_keeps_the_label_and_the_sum() {
        let mut p = vec![0.2, 0.5, 0.3];
        rescale_top(&mut p, 1, (0.5, -2.0));
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{p:?}");
        // The map would give the label less than the runner-up: it stays ahead.
        assert!(p[1] > p[2] && p[1] > p[0], "{p:?}");
        assert!((p[0] / p[2] - 2.0 / 3.0).abs() < 1e-12, "{p:?}");
        let mut q = vec![1.0, 0.0, 0.0];
        rescale_top(&mut q, 0, (0.5, -1.0));
        assert!(q[0] < 1.0 && q[0] >= 0.5 && (q.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{q:?}");
        let mut same = vec![0.25, 0.75];
        rescale_top(&mut same, 1, (1.0, 0.0));
        assert_eq!(same, vec![0.25, 0.75]);
        let mut tie = vec![0.4, 0.4, 0.2];
        rescale_top(&mut tie, 0, (0.5, 1.0));
        assert_eq!(tie, vec![0.4, 0.4, 0.2]);
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
