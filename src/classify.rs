//! `paratopic classify`: documents in, every paragraph labeled, a dataset out.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use paratopic_classifier::Model;
use paratopic_ingest::segment;
use rayon::prelude::*;

use crate::input::{self, parse_jsonl, Source};
use crate::output::{AtomicFile, Format, Record, RecordWriter, Scores};

/// Sources are processed in parallel chunks of this many files, then written in order, so
/// memory is bounded by a chunk and the output order never depends on the thread count.
const CHUNK_FILES: usize = 64;

pub struct ClassifyOptions {
    pub inputs: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub jsonl_input: bool,
    pub quiet: bool,
    pub explain: usize,
}

/// The records of one source, or the error that stopped it.
type Labeled = Result<Vec<OwnedRecord>>;

/// A record before serialization (owned, so it can cross threads).
struct OwnedRecord {
    id: Option<String>,
    paragraph: usize,
    start: usize,
    end: usize,
    kind: &'static str,
    section: Option<String>,
    text: String,
    label: usize,
    probabilities: Vec<f64>,
    explain: Option<Vec<(String, f64)>>,
}

pub fn run(model: &Model, opts: &ClassifyOptions) -> Result<()> {
    let show_progress = !opts.quiet && std::io::stderr().is_terminal();
    let mut warn = |msg: String| eprintln!("paratopic: warning: {msg}");
    let inputs = if opts.inputs.is_empty() { vec![PathBuf::from("-")] } else { opts.inputs.clone() };
    let sources = input::collect(&inputs, input::extensions_for(opts.jsonl_input), &mut warn)?;
    if let Some(out) = &opts.output {
        refuse_overwriting_an_input(out, &sources)?;
    }

    let labels = model.labels();
    let (sink, file): (Box<dyn Write>, Option<AtomicFile>) = match &opts.output {
        Some(path) => {
            let file = AtomicFile::create(path)?;
            (Box::new(file.writer()?), Some(file))
        }
        None => (Box::new(std::io::stdout().lock()), None),
    };
    let mut writer = RecordWriter::new(opts.format, sink, labels)?;

    let total_bytes: u64 = sources.iter().map(Source::size).sum();
    let progress = if show_progress {
        let bar = ProgressBar::new(total_bytes);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {msg}")
                .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let mut summary: Vec<(String, Vec<usize>)> = Vec::new();
    let mut done_files = 0;
    for chunk in sources.chunks(CHUNK_FILES) {
        let labeled: Vec<Labeled> = chunk.par_iter().map(|s| label_source(model, s, opts)).collect();
        for (source, records) in chunk.iter().zip(labeled) {
            let records = records?;
            let mut counts = vec![0; labels.len()];
            for r in &records {
                counts[r.label] += 1;
                writer.write(&Record {
                    doc: source.id(),
                    id: r.id.clone(),
                    paragraph: r.paragraph,
                    start: r.start,
                    end: r.end,
                    kind: r.kind,
                    section: r.section.clone(),
                    text: r.text.clone(),
                    label: &labels[r.label],
                    confidence: r.probabilities[r.label],
                    scores: Scores { labels, values: r.probabilities.clone() },
                    explain: r.explain.clone(),
                })?;
            }
            summary.push((source.id().to_owned(), counts));
            done_files += 1;
            progress.inc(source.size());
            progress.set_message(format!("{done_files}/{} files", sources.len()));
        }
    }
    writer.finish()?;
    progress.finish_and_clear();
    if let Some(file) = file {
        file.commit()?;
    }
    if !opts.quiet {
        print_summary(labels, &summary);
    }
    Ok(())
}

fn refuse_overwriting_an_input(out: &std::path::Path, sources: &[Source]) -> Result<()> {
    let Ok(out_canonical) = out.canonicalize() else { return Ok(()) };
    for s in sources {
        if let Some(p) = s.path() {
            if p.canonicalize().is_ok_and(|p| p == out_canonical) {
                bail!("{}: refusing to overwrite an input file with the output", out.display());
            }
        }
    }
    Ok(())
}

fn label_source(model: &Model, source: &Source, opts: &ClassifyOptions) -> Labeled {
    let explain = |v: &paratopic_features::SparseVector, label: usize| {
        (opts.explain > 0).then(|| model.explain(v, label, opts.explain))
    };
    if opts.jsonl_input {
        let bytes = source.read_bytes()?;
        let name = source.path().map_or_else(|| "-".to_owned(), |p| p.display().to_string());
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (index, r) in parse_jsonl(&name, &bytes)?.into_iter().enumerate() {
            if !seen.insert(r.id.clone()) {
                bail!("{name}: duplicate id {:?} (record {})", r.id, index + 1);
            }
            let v = model.vectorize(&r.text, None);
            let p = model.score(&v);
            out.push(OwnedRecord {
                explain: explain(&v, p.label),
                id: Some(r.id),
                paragraph: index,
                start: r.start,
                end: r.end,
                kind: "body",
                section: None,
                text: r.text,
                label: p.label,
                probabilities: p.probabilities,
            });
        }
        return Ok(out);
    }
    let doc = source.read_document()?;
    Ok(segment(&doc)
        .into_iter()
        .map(|para| {
            let v = model.vectorize(&para.text, para.section.as_deref());
            let p = model.score(&v);
            OwnedRecord {
                explain: explain(&v, p.label),
                id: None,
                paragraph: para.index,
                start: para.start,
                end: para.end,
                kind: para.kind.as_str(),
                section: para.section,
                text: para.text,
                label: p.label,
                probabilities: p.probabilities,
            }
        })
        .collect())
}

/// Paragraphs per topic per document, as a table on stderr.
fn print_summary(labels: &[String], summary: &[(String, Vec<usize>)]) {
    let width = summary.iter().map(|(d, _)| d.chars().count()).max().unwrap_or(8).max(8);
    let mut totals = vec![0; labels.len()];
    let mut out = String::new();
    out.push_str(&format!("{:<width$}", "document"));
    for l in labels {
        out.push_str(&format!(" {:>w$}", l, w = l.len().max(5)));
    }
    out.push_str("  total\n");
    let mut by_doc: BTreeMap<usize, ()> = BTreeMap::new();
    for (i, (doc, counts)) in summary.iter().enumerate() {
        by_doc.insert(i, ());
        out.push_str(&format!("{doc:<width$}"));
        for (j, (l, c)) in labels.iter().zip(counts).enumerate() {
            totals[j] += c;
            out.push_str(&format!(" {:>w$}", c, w = l.len().max(5)));
        }
        out.push_str(&format!("  {:>5}\n", counts.iter().sum::<usize>()));
    }
    if summary.len() > 1 {
        out.push_str(&format!("{:<width$}", "all"));
        for (l, c) in labels.iter().zip(&totals) {
            out.push_str(&format!(" {:>w$}", c, w = l.len().max(5)));
        }
        out.push_str(&format!("  {:>5}\n", totals.iter().sum::<usize>()));
    }
    eprint!("{out}");
}
