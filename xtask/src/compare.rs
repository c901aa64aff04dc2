//! `cargo xtask compare`: paratopic and the scikit-learn baselines on the gnad folds, side by
//! side, in one run. `--ceiling` swaps the four baselines for a grid of tuned linear
//! classifiers, an optimistic bound on what bag-of-words features reach on these folds, and
//! a learning curve.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use paratopic_classifier::TrainConfig;

/// One pipeline's figures, pooled over the five folds.
struct Row {
    name: String,
    accuracy: f64,
    macro_f1: f64,
    seconds: f64,
    /// Share of each training fold the pipeline was trained on (below 1 on the learning curve).
    training_share: f64,
}

pub fn run(root: &Path, ceiling: bool) -> Result<()> {
    let Some((examples, folds)) = crate::eval::gnad(root)? else {
        println!("compare: skipped, ../shared/data/gnad-test.jsonl and gnad-folds.tsv are not there");
        return Ok(());
    };
    let start = Instant::now();
    let ours = crate::eval::gnad_figures(&examples, &folds, &TrainConfig::default())?;
    let ours = Row {
        name: "paratopic (default settings)".into(),
        accuracy: ours.accuracy(),
        macro_f1: ours.macro_f1(),
        seconds: start.elapsed().as_secs_f64(),
        training_share: 1.0,
    };
    let theirs = sklearn(root, ceiling).unwrap_or_else(|e| {
        println!("scikit-learn: skipped ({e:#})");
        Vec::new()
    });
    println!("gnad: {} German news articles, 9 labels, the 5 folds of gnad-folds.tsv\n", examples.len());
    println!("| pipeline | accuracy | macro-F1 | seconds (5 folds) |");
    println!("|---|---:|---:|---:|");
    for row in std::iter::once(&ours).chain(&theirs) {
        println!("| {} | {:.4} | {:.4} | {:.2} |", row.name, row.accuracy, row.macro_f1, row.seconds);
    }
    if ceiling {
        let grid = || theirs.iter().filter(|row| row.training_share == 1.0);
        let by_accuracy = grid().max_by(|a, b| a.accuracy.total_cmp(&b.accuracy));
        let by_f1 = grid().max_by(|a, b| a.macro_f1.total_cmp(&b.macro_f1));
        if let (Some(a), Some(f)) = (by_accuracy, by_f1) {
            println!("\nbest of the grid, chosen on the test folds themselves (an optimistic bound):");
            println!("accuracy {:.4} ({}), macro-F1 {:.4} ({})", a.accuracy, a.name, f.macro_f1, f.name);
        }
    }
    Ok(())
}

/// Runs bench/sklearn_gnad.py (with `--ceiling`: its grid) in the venv made by bench/setup.sh.
fn sklearn(root: &Path, ceiling: bool) -> Result<Vec<Row>> {
    let setup = Command::new("bash").arg(root.join("bench/setup.sh")).output().context("cannot run bench/setup.sh")?;
    if !setup.status.success() {
        anyhow::bail!("bench/setup.sh failed: {}", String::from_utf8_lossy(&setup.stderr).lines().last().unwrap_or(""));
    }
    let python = String::from_utf8_lossy(&setup.stdout).lines().last().unwrap_or("").trim().to_owned();
    let data = root.join("../shared/data");
    let out = Command::new(&python)
        .arg(root.join("bench/sklearn_gnad.py"))
        .arg(data.join("gnad-test.jsonl"))
        .arg(data.join("gnad-folds.tsv"))
        .args(ceiling.then_some("--ceiling"))
        .output()
        .with_context(|| format!("cannot run {python}"))?;
    if !out.status.success() {
        anyhow::bail!(
            "bench/sklearn_gnad.py failed: {}",
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("")
        );
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let row: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("unexpected output: {line}"))?;
        let num = |name: &str| row[name].as_f64().with_context(|| format!("no {name} in: {line}"));
        rows.push(Row {
            name: format!("scikit-learn {}", row["name"].as_str().unwrap_or("?")),
            accuracy: num("accuracy")?,
            macro_f1: num("macro_f1")?,
            seconds: num("seconds")?,
            training_share: num("training_share")?,
        });
    }
    Ok(rows)
}
