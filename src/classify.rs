//! `paratopic classify`: documents in, every paragraph labeled, a dataset out.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use paratopic_classifier::Model;
use std::sync::atomic::{AtomicBool, Ordering};

use paratopic_ingest::{segment, IngestError};
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
    pub skip_invalid: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub explain: usize,
}

/// Set by the Ctrl-C handler; the job stops at the next paragraph and removes its partial
/// output.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The error of a job stopped by Ctrl-C (exit code 130).
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted; no output file was written")
    }
}

impl std::error::Error for Interrupted {}

fn check_interrupt() -> Result<()> {
    if INTERRUPTED.load(Ordering::Relaxed) {
        return Err(Interrupted.into());
    }
    Ok(())
}

/// What became of one source.
enum Outcome {
    /// Its records, with notes for stderr (skipped lines, `--verbose` decisions).
    Labeled { records: Vec<OwnedRecord>, notes: Vec<String>, skipped_lines: usize },
    /// Not classified: the warning to print.
    Skipped(String),
}

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
    let mut skipped_files = 0;
    let mut skipped_lines_total = 0;
    for chunk in sources.chunks(CHUNK_FILES) {
        check_interrupt()?;
        let labeled: Vec<Result<Outcome>> = chunk.par_iter().map(|s| label_source(model, s, opts)).collect();
        for (source, outcome) in chunk.iter().zip(labeled) {
            done_files += 1;
            progress.inc(source.size());
            progress.set_message(format!("{done_files}/{} files", sources.len()));
            let (records, notes, skipped_lines) = match outcome? {
                Outcome::Labeled { records, notes, skipped_lines } => (records, notes, skipped_lines),
                Outcome::Skipped(why) => {
                    progress.suspend(|| eprintln!("paratopic: warning: skipping {why}"));
                    skipped_files += 1;
                    continue;
                }
            };
            for note in notes {
                progress.suspend(|| eprintln!("paratopic: {note}"));
            }
            skipped_lines_total += skipped_lines;
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
        }
    }
    check_interrupt()?;
    writer.finish()?;
    progress.finish_and_clear();
    if let Some(file) = file {
        file.commit()?;
    }
    if !opts.quiet {
        print_summary(labels, &summary);
        if skipped_files > 0 {
            eprintln!("paratopic: {skipped_files} file(s) skipped (see the warnings above)");
        }
        if skipped_lines_total > 0 {
            eprintln!("paratopic: {skipped_lines_total} invalid JSONL line(s) skipped");
        }
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

/// A failure that skips the source when a folder walk found it, and stops the job when the
/// user named it.
fn skip_or_fail(source: &Source, err: impl Into<anyhow::Error>) -> Result<Outcome> {
    let err = err.into();
    if source.in_folder() {
        Ok(Outcome::Skipped(format!("{err:#}")))
    } else {
        Err(err)
    }
}

fn label_source(model: &Model, source: &Source, opts: &ClassifyOptions) -> Result<Outcome> {
    let bytes = match source.read_bytes() {
        Ok(bytes) => bytes,
        Err(e) => return skip_or_fail(source, e),
    };
    let label = |text: &str, section: Option<&str>| {
        let v = model.vectorize(text, section);
        let p = model.score(&v);
        let explain = (opts.explain > 0).then(|| model.explain(&v, p.label, opts.explain));
        (p, explain)
    };
    let mut notes = Vec::new();
    if opts.jsonl_input {
        let mut records = Vec::new();
        let mut skipped_lines = 0;
        for (index, parsed) in parse_jsonl(&source.name(), &bytes)?.into_iter().enumerate() {
            check_interrupt()?;
            let r = match parsed {
                Ok(r) => r,
                Err(e) if opts.skip_invalid => {
                    notes.push(format!("warning: skipping {e}"));
                    skipped_lines += 1;
                    continue;
                }
                Err(e) => bail!("{e}"),
            };
            let (p, explain) = label(&r.text, None);
            records.push(OwnedRecord {
                explain,
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
        return Ok(Outcome::Labeled { records, notes, skipped_lines });
    }
    let doc = match source.decode(&bytes) {
        Ok(doc) => doc,
        Err(e @ IngestError::Binary { .. }) => return Ok(Outcome::Skipped(e.to_string())),
        Err(e) => return skip_or_fail(source, e),
    };
    drop(bytes);
    if opts.verbose {
        notes.push(format!("{}: decoded as {}", source.name(), doc.encoding.describe()));
    }
    let mut records = Vec::new();
    for para in segment(&doc) {
        check_interrupt()?;
        let (p, explain) = label(&para.text, para.section.as_deref());
        records.push(OwnedRecord {
            explain,
            id: None,
            paragraph: para.index,
            start: para.start,
            end: para.end,
            kind: para.kind.as_str(),
            section: para.section,
            text: para.text,
            label: p.label,
            probabilities: p.probabilities,
        });
    }
    Ok(Outcome::Labeled { records, notes, skipped_lines: 0 })
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
