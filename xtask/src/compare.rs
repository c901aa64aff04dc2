//! `cargo xtask compare`: paratopic and the scikit-learn baselines on the gnad folds, side by
//! side, in one run.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};
use paratopic_classifier::TrainConfig;

pub fn run(root: &Path) -> Result<()> {
    let Some((examples, folds)) = crate::eval::gnad(root) else {
        println!("compare: skipped, ../shared/data/gnad-test.jsonl and gnad-folds.tsv are not there");
        return Ok(());
    };
    let mut rows: Vec<(String, f64, f64, f64)> = Vec::new();
    let start = Instant::now();
    let ours = crate::eval::gnad_figures(&examples, &folds, &TrainConfig::default())?;
    rows.push(("paratopic (default settings)".into(), ours.accuracy(), ours.macro_f1(), start.elapsed().as_secs_f64()));

    match sklearn(root) {
        Ok(mut theirs) => rows.append(&mut theirs),
        Err(e) => println!("scikit-learn: skipped ({e:#})"),
    }
    println!("gnad: {} German news articles, 9 labels, the 5 folds of gnad-folds.tsv\n", examples.len());
    println!("| pipeline | accuracy | macro-F1 | seconds (5 folds) |");
    println!("|---|---:|---:|---:|");
    for (name, acc, f1, secs) in rows {
        println!("| {name} | {acc:.4} | {f1:.4} | {secs:.2} |");
    }
    Ok(())
}

/// Runs bench/sklearn_gnad.py in the venv made by bench/setup.sh.
fn sklearn(root: &Path) -> Result<Vec<(String, f64, f64, f64)>> {
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
        let num = |name: &str| row[name].as_f64().unwrap_or(f64::NAN);
        let name = row["name"].as_str().unwrap_or("?");
        rows.push((format!("scikit-learn {name}"), num("accuracy"), num("macro_f1"), num("seconds")));
    }
    Ok(rows)
}
