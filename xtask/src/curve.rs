//! `cargo xtask curve`: does `paratopic suggest` pick better paragraphs to label than chance?
//! A simulated labeling run on gnad: fold 0 is the test set, the other folds the pool; start
//! from about [`START`] random labeled articles (the same number of each label), then add [`STEP`] at a time, picked either by
//! `suggest`'s rule (smallest margin, near-duplicates spread) or at random, and measure the
//! macro-F1 on the test fold after each step. Several seeds; the same start set for both picks.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use paratopic_classifier::{metrics::Confusion, most_uncertain, sorted_labels, train, Example, Lexicon, TrainConfig};

const START: usize = 40;
const STEP: usize = 40;
const ROUNDS: usize = 8;
const SEEDS: [u64; 3] = [1, 2, 3];

/// A small deterministic generator (xorshift), for the random picks.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Runs the simulation and returns the curve as a Markdown table (and prints it).
pub fn run(root: &Path) -> Result<Option<String>> {
    let Some((examples, folds)) = crate::eval::gnad(root)? else {
        println!("curve: skipped, ../shared/data/gnad-test.jsonl and gnad-folds.tsv are not there");
        return Ok(None);
    };
    let labels = sorted_labels(&examples);
    let config = TrainConfig { lexicon: Lexicon::default(), calibrate: false, ..TrainConfig::default() };
    let test: Vec<&Example> = examples.iter().zip(&folds).filter(|(_, f)| **f == Some(0)).map(|(e, _)| e).collect();
    let pool: Vec<&Example> = examples.iter().zip(&folds).filter(|(_, f)| **f != Some(0)).map(|(e, _)| e).collect();
    // curves[strategy][round] = macro-F1 per seed.
    let mut curves = vec![vec![Vec::new(); ROUNDS + 1]; 2];
    for seed in SEEDS {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        // The start set: the same number of random articles of every label, so every label can
        // be trained from the first step.
        let mut start: Vec<usize> = Vec::new();
        for label in &labels {
            let mut members: Vec<usize> = (0..pool.len()).filter(|&i| pool[i].label == *label).collect();
            for _ in 0..(START / labels.len()).max(1).min(members.len()) {
                start.push(members.swap_remove(rng.below(members.len())));
            }
        }
        for (strategy, curve) in curves.iter_mut().enumerate() {
            let mut labeled = start.clone();
            let mut rng = Rng(seed.wrapping_mul(0xbf58_476d_1ce4_e5b9) | 1);
            for point in curve.iter_mut() {
                let train_set: Vec<Example> = labeled.iter().map(|&i| pool[i].clone()).collect();
                let f1 = match train(&train_set, &labels, &config) {
                    Ok(model) => {
                        let mut confusion = Confusion::new(&labels);
                        for e in &test {
                            let gold = labels.iter().position(|l| *l == e.label).expect("known label");
                            confusion.add_labeled(gold, model.label_one(&e.text, None).label);
                        }
                        let unlabeled: Vec<usize> = (0..pool.len()).filter(|i| !labeled.contains(i)).collect();
                        if strategy == 0 {
                            // Each article a unit of its own, as the test articles are labeled.
                            let texts: Vec<&str> = unlabeled.iter().map(|&i| pool[i].text.as_str()).collect();
                            let given: Vec<_> = texts.iter().map(|t| model.label_one(t, None)).collect();
                            let picked = most_uncertain(&model, &texts, &given, STEP);
                            labeled.extend(picked.iter().map(|s| unlabeled[s.index]));
                        } else {
                            let mut rest = unlabeled;
                            for _ in 0..STEP.min(rest.len()) {
                                let k = rng.below(rest.len());
                                labeled.push(rest.swap_remove(k));
                            }
                        }
                        confusion.macro_f1()
                    }
                    Err(e) => anyhow::bail!("training on {} labels failed: {e}", labeled.len()),
                };
                point.push(f1);
            }
        }
    }
    let mut table =
        String::from("| labeled articles | suggest (smallest margin) | random | difference |\n|---:|---:|---:|---:|\n");
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let curves_start = (START / labels.len()).max(1) * labels.len();
    for (round, (suggested, random)) in curves[0].iter().zip(&curves[1]).enumerate() {
        let (s, r) = (mean(suggested), mean(random));
        let _ = writeln!(table, "| {} | {s:.4} | {r:.4} | {:+.4} |", curves_start + round * STEP, s - r);
    }
    println!(
        "macro-F1 on gnad fold 0 (test) after each step, mean of {} seeds; pool: the other folds ({} articles)\n{table}",
        SEEDS.len(),
        pool.len()
    );
    Ok(Some(table))
}
