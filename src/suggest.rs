//! `paratopic suggest`: the paragraphs whose labels would teach the model most, in the shape
//! `train --data` reads, with the model's label filled in for correction.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use paratopic_classifier::{most_uncertain, Labeled, Model, Rules};
use rayon::prelude::*;
use serde::Serialize;

use crate::destination::Destination;
use crate::input::{self, SkipReason, Source};

pub struct SuggestOptions<'a> {
    pub inputs: &'a [PathBuf],
    pub count: usize,
    pub output: Option<&'a Path>,
    pub quiet: bool,
}

/// One line of the output: a training example to correct, and where it comes from.
#[derive(Serialize)]
struct Line<'a> {
    text: &'a str,
    label: &'a str,
    section: Option<&'a str>,
    doc: &'a str,
    paragraph: usize,
    margin: f64,
    origin: &'static str,
}

pub fn run(model: &Model, opts: &SuggestOptions<'_>) -> Result<()> {
    let mut skip = |_: SkipReason, message: String| {
        if !opts.quiet {
            eprintln!("paratopic: warning: skipping {message}");
        }
    };
    let sources = input::collect(opts.inputs, &input::extensions_for(input::InputFormat::Text), &mut skip)?;
    let documents: Vec<Result<(String, Vec<paratopic_ingest::Paragraph>), String>> = sources
        .par_iter()
        .map(|source: &Source| {
            let doc = source.document().and_then(paratopic_ingest::DocumentStream::read_all);
            Ok((source.id().to_owned(), doc.map_err(|e| e.to_string())?.paragraphs))
        })
        .collect();
    // Each document's paragraphs labeled as `classify` labels them; its content paragraphs
    // are the candidates.
    let rules = Rules::default();
    let mut paragraphs: Vec<(String, paratopic_ingest::Paragraph)> = Vec::new();
    let mut labeled: Vec<Labeled> = Vec::new();
    for (source, doc) in sources.iter().zip(documents) {
        match doc {
            Ok((id, ps)) => {
                let units: Vec<(&str, Option<&str>)> =
                    ps.iter().map(|p| (p.text.as_str(), p.section.as_deref())).collect();
                for (p, (_, l)) in ps.iter().zip(model.label_all(&units, &rules)) {
                    if p.kind.is_content() {
                        paragraphs.push((id.clone(), p.clone()));
                        labeled.push(l);
                    }
                }
            }
            Err(e) if source.in_folder() => skip(SkipReason::Unread, e),
            Err(e) => anyhow::bail!("{e}"),
        }
    }
    let texts: Vec<&str> = paragraphs.iter().map(|(_, p)| p.text.as_str()).collect();
    let picked = most_uncertain(model, &texts, &labeled, opts.count);
    let mut out = Vec::new();
    for s in &picked {
        let (doc, p) = &paragraphs[s.index];
        let line = Line {
            text: &p.text,
            label: &model.labels()[s.label],
            section: p.section.as_deref(),
            doc,
            paragraph: p.index,
            margin: (s.margin * 1e6).round() / 1e6,
            origin: "suggested",
        };
        serde_json::to_writer(&mut out, &line)?;
        out.push(b'\n');
    }
    match opts.output {
        Some(path) => {
            let file = Destination::create(path)?;
            file.writer()?.write_all(&out).with_context(|| format!("{}", path.display()))?;
            file.commit()?;
        }
        None => std::io::stdout().lock().write_all(&out)?,
    }
    if !opts.quiet {
        eprintln!(
            "paratopic: {} of {} content paragraphs suggested for labeling (smallest margin first); correct each \"label\", then `paratopic train --data` takes the file",
            picked.len(),
            paragraphs.len()
        );
    }
    Ok(())
}
