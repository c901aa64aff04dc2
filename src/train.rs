//! `paratopic train`: a model from any `{"text", "label"}` JSONL file.

use std::path::Path;

use anyhow::{Context, Result};
use paratopic_classifier::{train, Example, Model, TrainConfig};

pub fn run(
    data: &Path,
    examples: &[Example],
    labels: &[String],
    output: &Path,
    config: &TrainConfig,
    quiet: bool,
) -> Result<()> {
    let model = train(examples, labels, config).with_context(|| format!("{}", data.display()))?;
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
