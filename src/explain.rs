//! `paratopic explain`: the terms that indicate each label most strongly in a model.

use std::io::Write;

use anyhow::{Context, Result};
use paratopic_classifier::Model;

/// Prints the `top` most indicative terms of `label` (of every label when `None`), with their
/// weights, to standard output.
pub fn run(model: &Model, label: Option<&str>, top: usize) -> Result<()> {
    let labels: Vec<usize> = match label {
        Some(l) => vec![model
            .labels()
            .iter()
            .position(|x| x == l)
            .with_context(|| format!("unknown label {l:?} (the model knows: {})", model.labels().join(", ")))?],
        None => (0..model.labels().len()).collect(),
    };
    let mut out = std::io::stdout().lock();
    for label in labels {
        writeln!(out, "{}", model.labels()[label])?;
        for (term, weight) in model.indicative_terms(label, top) {
            writeln!(out, "  {weight:>7.3}  {term}")?;
        }
    }
    Ok(out.flush()?)
}
