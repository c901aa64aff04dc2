//! `paratopic train`: a model from any `{"text", "label"}` JSONL file.

use std::path::Path;

use anyhow::{bail, Context, Result};
use paratopic_classifier::{sorted_labels, train, Example, Model, TrainConfig};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    text: serde_json::Value,
    label: serde_json::Value,
}

/// Reads labeled examples; every error names the file and the line, before any training.
pub fn read_examples(path: &Path) -> Result<Vec<Example>> {
    let name = path.display();
    let text = std::fs::read(path).with_context(|| format!("{name}"))?;
    let text = String::from_utf8(text).map_err(|e| anyhow::anyhow!("{name}: not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()))?;
    let mut examples = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let record: Line = serde_json::from_str(line)
            .map_err(|e| anyhow::anyhow!("{name}:{n}: {e} (expected {{\"text\": \"...\", \"label\": \"...\"}})"))?;
        let serde_json::Value::String(text) = record.text else { bail!("{name}:{n}: \"text\" must be a string") };
        let serde_json::Value::String(label) = record.label else { bail!("{name}:{n}: \"label\" must be a string") };
        if label.trim().is_empty() {
            bail!("{name}:{n}: empty label");
        }
        examples.push(Example::new(text, label));
    }
    if examples.is_empty() {
        bail!("{name}: no training examples");
    }
    Ok(examples)
}

pub fn run(data: &Path, output: &Path, config: &TrainConfig, quiet: bool) -> Result<()> {
    let examples = read_examples(data)?;
    let labels = sorted_labels(&examples);
    let model = train(&examples, &labels, config).with_context(|| format!("{}", data.display()))?;
    model.save(output)?;
    if !quiet {
        print_summary(&model, output);
    }
    Ok(())
}

fn print_summary(model: &Model, output: &Path) {
    let t = model.training();
    let per_label: Vec<String> = model.labels().iter().zip(&t.per_label).map(|(l, n)| format!("{l} {n}")).collect();
    eprintln!(
        "trained on {} examples ({}), {} terms; wrote {}",
        t.examples,
        per_label.join(", "),
        model.vocabulary().len(),
        output.display()
    );
}
