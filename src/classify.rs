//! `paratopic classify`: documents in, every paragraph labeled, a dataset out.
//!
//! Work is cut into units that rayon workers process in parallel: small files whole, large
//! files in pieces of about [`PIECE_BYTES`] cut where no paragraph can span the cut. Workers
//! read, decode, segment, score and serialize; the main thread only fixes what depends on
//! order (paragraph numbers, the section heading carried into a piece, duplicate JSONL ids)
//! and writes the serialized bytes in input order. Memory is bounded by the units in flight,
//! whatever the input size, and the output never depends on the thread count.

use std::collections::HashMap;
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use paratopic_classifier::{Model, StagedFile};
use paratopic_ingest::{
    identify_in_context, segment_with, Document, Format as DocFormat, InContext, Kind, Layout, Paragraph,
};
use rayon::prelude::*;

use crate::input::{self, parse_jsonl, JsonlRecord, SkipReason, Source};
use crate::output::{self, Decision, Format, Record, Scores};

/// Files up to this size are read whole; larger ones are streamed in pieces.
const WHOLE_FILE_BYTES: u64 = 4 << 20;
/// The size of one piece of a streamed file.
const PIECE_BYTES: usize = 1 << 20;
/// Small files are batched until a batch holds this many bytes or [`BATCH_FILES`] files.
const BATCH_BYTES: u64 = 8 << 20;
const BATCH_FILES: usize = 64;

pub struct ClassifyOptions {
    pub inputs: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub jsonl_input: bool,
    pub skip_invalid: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub explain: usize,
    pub min_confidence: Option<f64>,
    pub any_language: bool,
    /// Also write an HTML report of the run.
    pub report: Option<crate::report::RunReport>,
}

/// A paragraph with fewer known terms than this gets no topic from the model: it is labeled
/// `other` (or nothing, for a label set without `other`) with `"decision": "no_evidence"`.
pub const MIN_EVIDENCE: usize = 1;

/// Summary columns after the labels: paragraphs of other kinds (headings, references,
/// footnotes: labeled, but counted apart from the content), and paragraphs left without a
/// topic because of their language.
const OTHER_KINDS: usize = 0;
const NO_TOPIC: usize = 1;

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

/// The paragraphs of one unit before scoring, with what the main thread needs to fix.
enum Parsed {
    /// Paragraphs of a document (or a piece of one); `index` and `section` are local.
    Text { paragraphs: Vec<Paragraph>, format: DocFormat, notes: Vec<String> },
    /// JSONL lines: a record or (line, reason) when it is invalid; line numbers are local.
    Jsonl(Vec<Result<JsonlRecord, (usize, String)>>),
    /// The unit is not classified; the warning to print.
    Skipped(String),
}

/// A paragraph ready to score.
struct Item {
    id: Option<String>,
    paragraph: usize,
    start: usize,
    end: usize,
    kind: Kind,
    section: Option<String>,
    text: String,
    format: Option<DocFormat>,
    page: Option<u32>,
}

/// A unit's serialized records, its content paragraphs per label (then the [`OTHER_KINDS`]
/// and [`NO_TOPIC`] columns), and the languages it found that the model does not read.
struct Scored {
    bytes: Vec<u8>,
    counts: Vec<usize>,
    unread: Unread,
    /// What the report needs of each record (only with `--report`).
    rows: Vec<crate::report::Row>,
}

/// Paragraphs per language the model does not read.
type Unread = std::collections::BTreeMap<&'static str, usize>;

/// Per-document state carried from one piece to the next.
#[derive(Default)]
struct Carry {
    paragraphs: usize,
    section: Option<String>,
    /// Lines before the piece being fixed (JSONL line numbers are local to a piece).
    jsonl_lines: usize,
    ids: HashMap<String, usize>,
}

/// What the workers need: shared, read-only.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    model: &'a Model,
    opts: &'a ClassifyOptions,
}

/// Serialized records on their way to the writer thread, in output order. The queue is
/// bounded, so a slow output holds the workers back instead of filling memory.
struct Writer {
    queue: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Writer {
    fn start(mut out: Box<dyn Write + Send>) -> Self {
        let (queue, receive) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let thread = std::thread::spawn(move || {
            for bytes in receive {
                out.write_all(&bytes)?;
            }
            out.flush()
        });
        Self { queue: Some(queue), thread: Some(thread) }
    }

    fn write(&mut self, bytes: Vec<u8>) -> Result<()> {
        let sent = self.queue.as_ref().is_some_and(|q| q.send(bytes).is_ok());
        if !sent {
            // The writer stopped on an error: report it.
            self.finish()?;
            bail!("the output writer stopped");
        }
        Ok(())
    }

    /// Closes the queue and waits until everything is written.
    fn finish(&mut self) -> Result<()> {
        drop(self.queue.take());
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => Ok(result?),
            Some(Err(_)) => bail!("the output writer panicked"),
            None => Ok(()),
        }
    }
}

struct Job<'a> {
    ctx: Ctx<'a>,
    out: Writer,
    progress: ProgressBar,
    summary: Vec<(String, Vec<usize>)>,
    /// Files passed over, per reason.
    skipped: std::collections::BTreeMap<SkipReason, usize>,
    skipped_lines: usize,
    /// The CSV header, written with the first records (so a job that classifies nothing
    /// writes nothing).
    header: Option<Vec<u8>>,
    files_done: usize,
    files_total: usize,
    report: Option<crate::report::Builder>,
}

pub fn run(model: &Model, opts: &ClassifyOptions) -> Result<()> {
    let show_progress = !opts.quiet && std::io::stderr().is_terminal();
    if opts.inputs.is_empty() && std::io::stdin().is_terminal() {
        bail!("no input: give files or folders to classify, or pipe text in (`paratopic classify --help`)");
    }
    let inputs = if opts.inputs.is_empty() { vec![PathBuf::from("-")] } else { opts.inputs.clone() };
    let mut skipped = std::collections::BTreeMap::new();
    let mut skip = |reason: SkipReason, message: String| {
        if !opts.quiet {
            eprintln!("paratopic: warning: skipping {message}");
        }
        *skipped.entry(reason).or_insert(0) += 1;
    };
    let extensions = input::extensions_for(opts.jsonl_input);
    let sources = input::collect(&inputs, &extensions, &mut skip)?;
    if sources.is_empty() {
        bail!(
            "nothing to classify: no {} file in {} ({} file(s) skipped)",
            input::extension_list(&extensions),
            inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
            skipped.values().sum::<usize>()
        );
    }
    if let Some(out) = &opts.output {
        refuse_overwriting_an_input(out, &sources)?;
    }
    let (sink, file): (Box<dyn Write + Send>, Option<StagedFile>) = match &opts.output {
        Some(path) => {
            let file = StagedFile::create(path)
                .with_context(|| format!("{}: cannot create the output file", path.display()))?;
            let writer = file.file().try_clone()?;
            (Box::new(std::io::BufWriter::with_capacity(1 << 20, writer)), Some(file))
        }
        None => (Box::new(std::io::BufWriter::with_capacity(1 << 20, std::io::stdout())), None),
    };
    let progress = if show_progress {
        let bar = ProgressBar::new(sources.iter().map(Source::size).sum());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
            )
            .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut job = Job {
        ctx: Ctx { model, opts },
        out: Writer::start(sink),
        progress,
        summary: Vec::new(),
        skipped,
        skipped_lines: 0,
        header: None,
        files_done: 0,
        files_total: sources.len(),
        report: opts.report.as_ref().map(|_| crate::report::Builder::new(model.labels(), crate::report::Strips::Draw)),
    };
    job.header = Some(output::header(opts.format, model.labels(), opts.explain > 0)?);

    let mut batch: Vec<&Source> = Vec::new();
    let mut batch_bytes = 0;
    for source in &sources {
        check_interrupt()?;
        if source.size() > WHOLE_FILE_BYTES {
            job.whole_files(&std::mem::take(&mut batch))?;
            batch_bytes = 0;
            job.streamed_file(source)?;
            continue;
        }
        batch.push(source);
        batch_bytes += source.size();
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
            job.whole_files(&std::mem::take(&mut batch))?;
            batch_bytes = 0;
        }
    }
    job.whole_files(&batch)?;
    check_interrupt()?;
    if job.summary.is_empty() {
        // Every input was skipped: an empty result is not a success.
        drop(job.out);
        bail!("nothing was classified: all {} input file(s) were skipped (see the warnings above)", sources.len());
    }
    job.out.finish()?;
    job.progress.finish_and_clear();
    if let Some(file) = file {
        let path = file.path().to_path_buf();
        file.commit().with_context(|| format!("{}", path.display()))?;
    }
    if let (Some(report), Some(builder)) = (&opts.report, job.report.take()) {
        report.write(model, &inputs, builder)?;
    }
    if !opts.quiet {
        print_summary(model.labels(), &job.summary);
        if !job.skipped.is_empty() {
            let reasons: Vec<String> =
                job.skipped.iter().map(|(reason, n)| format!("{n} {}", reason.describe())).collect();
            eprintln!("paratopic: {} file(s) skipped: {}", job.skipped.values().sum::<usize>(), reasons.join(", "));
        }
        if job.skipped_lines > 0 {
            eprintln!("paratopic: {} invalid JSONL line(s) skipped", job.skipped_lines);
        }
    }
    Ok(())
}

impl Job<'_> {
    fn note(&self, message: String) {
        self.progress.suspend(|| eprintln!("paratopic: {message}"));
    }

    /// Small files, each read whole, in parallel.
    fn whole_files(&mut self, sources: &[&Source]) -> Result<()> {
        if sources.is_empty() {
            return Ok(());
        }
        let ctx = self.ctx;
        let parsed: Vec<Result<Parsed>> = sources.par_iter().map(|s| ctx.parse_whole(s)).collect();
        let mut units = Vec::with_capacity(sources.len());
        for (source, parsed) in sources.iter().zip(parsed) {
            let items = self.fix(source, parsed?, &mut Carry::default())?;
            units.push((*source, items));
        }
        let scored: Vec<Result<Scored>> = units.par_iter().map(|(s, items)| ctx.score(s.id(), items)).collect();
        for ((source, items), scored) in units.iter().zip(scored) {
            let scored = scored?;
            if items.is_some() {
                self.emit(scored.bytes, scored.rows)?;
                self.warn_unread(source.id(), &scored.unread);
                self.summary.push((source.id().to_owned(), scored.counts));
            }
            self.file_done(source);
        }
        Ok(())
    }

    /// Queues records for the writer, after the header on the first call; the report takes
    /// their rows.
    fn emit(&mut self, bytes: Vec<u8>, rows: Vec<crate::report::Row>) -> Result<()> {
        if let Some(report) = &mut self.report {
            rows.into_iter().for_each(|row| report.add(row));
        }
        if let Some(header) = self.header.take() {
            self.out.write(header)?;
        }
        self.out.write(bytes)
    }

    /// One warning per document for its paragraphs in languages the model does not read.
    fn warn_unread(&self, doc: &str, unread: &Unread) {
        if unread.is_empty() || self.ctx.opts.quiet {
            return;
        }
        let found: Vec<String> = unread.iter().map(|(code, n)| format!("{n} in {code}")).collect();
        let known = self.ctx.model.languages().join(", ");
        self.note(format!(
            "warning: {doc}: {} paragraph(s) not classified ({}); the model reads {known} (--any-language classifies them anyway)",
            unread.values().sum::<usize>(),
            found.join(", ")
        ));
    }

    fn file_done(&mut self, source: &Source) {
        self.files_done += 1;
        self.progress.inc(source.size());
        self.progress.set_message(format!("{}/{} files", self.files_done, self.files_total));
    }

    /// Applies what depends on order: paragraph numbers, the carried section, JSONL ids and
    /// line numbers, skipped lines. `None` when the unit is skipped.
    fn fix(&mut self, source: &Source, parsed: Parsed, carry: &mut Carry) -> Result<Option<Vec<Item>>> {
        match parsed {
            Parsed::Skipped(why) => {
                if !self.ctx.opts.quiet {
                    self.note(format!("warning: skipping {why}"));
                }
                *self.skipped.entry(SkipReason::Failed).or_insert(0) += 1;
                Ok(None)
            }
            Parsed::Text { paragraphs, format, notes } => {
                for n in notes {
                    self.note(n);
                }
                let mut items = Vec::with_capacity(paragraphs.len());
                for mut p in paragraphs {
                    if p.kind == Kind::Heading {
                        carry.section = Some(p.text.clone());
                    } else if p.section.is_none() {
                        p.section.clone_from(&carry.section);
                    }
                    items.push(Item {
                        id: None,
                        paragraph: carry.paragraphs + p.index,
                        start: p.start,
                        end: p.end,
                        kind: p.kind,
                        section: p.section,
                        text: p.text,
                        format: Some(format),
                        page: p.page,
                    });
                }
                carry.paragraphs += items.len();
                Ok(Some(items))
            }
            Parsed::Jsonl(lines) => {
                let name = source.name();
                let mut items = Vec::with_capacity(lines.len());
                for line in lines {
                    let checked = match line {
                        Ok(r) => {
                            let n = carry.jsonl_lines + r.line;
                            match carry.ids.insert(r.id.clone(), n) {
                                Some(first) => {
                                    Err(format!("{name}:{n}: duplicate id {:?} (first on line {first})", r.id))
                                }
                                None => Ok(r),
                            }
                        }
                        Err((line, why)) => Err(format!("{name}:{}: {why}", carry.jsonl_lines + line)),
                    };
                    let r = match checked {
                        Ok(r) => r,
                        Err(e) if self.ctx.opts.skip_invalid => {
                            self.note(format!("warning: skipping {e}"));
                            self.skipped_lines += 1;
                            continue;
                        }
                        Err(e) => bail!("{e}"),
                    };
                    items.push(Item {
                        id: Some(r.id),
                        paragraph: carry.paragraphs,
                        start: r.start,
                        end: r.end,
                        kind: Kind::Body,
                        section: r.section,
                        text: r.text,
                        format: None,
                        page: None,
                    });
                    carry.paragraphs += 1;
                }
                Ok(Some(items))
            }
        }
    }

    /// A large file in pieces: read in order, cut where no paragraph spans the cut, parsed
    /// and scored in parallel, written in order.
    fn streamed_file(&mut self, source: &Source) -> Result<()> {
        // Standard input has no size and is read whole; so are legacy encodings, which are
        // detected over the whole text.
        let Some(path) = source.path() else { return self.whole_files(&[source]) };
        if !self.ctx.opts.jsonl_input && (format_of(path)? != DocFormat::Text || !is_utf8_file(path)?) {
            return self.whole_files(&[source]);
        }
        let mut file = File::open(path).with_context(|| format!("{}", path.display()))?;
        let mut pending: Vec<u8> = Vec::with_capacity(2 * PIECE_BYTES);
        let mut offset = 0usize;
        let mut at_eof = false;
        let mut layout = None;
        let mut carry = Carry::default();
        let mut lines_before = 0;
        let pieces_per_round = 2 * rayon::current_num_threads();
        let mut summary = vec![0; self.ctx.model.labels().len() + 2];
        let mut unread = Unread::new();
        if self.ctx.opts.verbose && !self.ctx.opts.jsonl_input {
            self.note(format!("{}: decoded as UTF-8, read in pieces of {PIECE_BYTES} bytes", source.name()));
        }
        while !(at_eof && pending.is_empty()) {
            check_interrupt()?;
            // Read the next round of pieces.
            // (file offset, number of its first line, bytes): validated by the workers.
            let mut pieces: Vec<(usize, usize, Vec<u8>)> = Vec::with_capacity(pieces_per_round);
            while pieces.len() < pieces_per_round && !(at_eof && pending.is_empty()) {
                if !at_eof && pending.len() < PIECE_BYTES {
                    let want = (PIECE_BYTES - pending.len()) as u64;
                    let n = (&mut file)
                        .take(want)
                        .read_to_end(&mut pending)
                        .with_context(|| format!("{}", path.display()))?;
                    at_eof = n == 0;
                    if !at_eof {
                        continue;
                    }
                }
                let start = if offset == 0 && pending.starts_with(b"\xef\xbb\xbf") { 3 } else { 0 };
                let layout = *layout.get_or_insert_with(|| {
                    if self.ctx.opts.jsonl_input {
                        Layout::LinePerParagraph
                    } else {
                        Layout::detect(&String::from_utf8_lossy(&pending[start..]))
                    }
                });
                let cut = if at_eof { pending.len() } else { start + safe_cut(&pending[start..], layout) };
                let rest = pending.split_off(cut);
                let mut piece = std::mem::replace(&mut pending, rest);
                let len = piece.len();
                piece.drain(..start);
                let first_line = lines_before + 1;
                if self.ctx.opts.jsonl_input {
                    // Only JSONL messages and ids need line numbers.
                    lines_before += piece.iter().filter(|&&b| b == b'\n').count();
                }
                pieces.push((offset + start, first_line, piece));
                offset += len;
            }
            let layout = layout.unwrap_or(Layout::LinePerParagraph);
            let name = source.name();
            let ctx = self.ctx;
            let piece_lens: Vec<(usize, usize)> =
                pieces.iter().map(|(_, first, bytes)| (*first, bytes.len())).collect();
            let parsed: Vec<Result<Parsed>> = pieces
                .into_par_iter()
                .map(|(base, first_line, bytes)| -> Result<Parsed> {
                    let text = String::from_utf8(bytes).map_err(|e| {
                        anyhow::anyhow!("{name}: not valid UTF-8 at byte {}", base + e.utf8_error().valid_up_to())
                    })?;
                    if ctx.opts.jsonl_input {
                        let mut lines = parse_jsonl(&name, text.as_bytes(), first_line)?;
                        for r in lines.iter_mut().flatten() {
                            r.start += base;
                            r.end += base;
                        }
                        return Ok(Parsed::Jsonl(lines));
                    }
                    // A piece is UTF-8 text as it stands in the file (the BOM was cut off above).
                    let doc = Document {
                        id: source.id().to_owned(),
                        source_len: text.len(),
                        text,
                        encoding: paratopic_ingest::Encoding::Utf8 { bom: false },
                    };
                    let mut paragraphs = segment_with(&doc, layout);
                    for p in &mut paragraphs {
                        p.start += base;
                        p.end += base;
                    }
                    Ok(Parsed::Text { paragraphs, format: DocFormat::Text, notes: Vec::new() })
                })
                .collect();
            let mut units = Vec::with_capacity(parsed.len());
            for ((first_line, len), parsed) in piece_lens.into_iter().zip(parsed) {
                carry.jsonl_lines = first_line - 1;
                let items = self.fix(source, parsed?, &mut carry)?;
                units.push((items, len));
            }
            let scored: Vec<Result<Scored>> =
                units.par_iter().map(|(items, _)| ctx.score(source.id(), items)).collect();
            for ((_, len), scored) in units.iter().zip(scored) {
                let scored = scored?;
                self.emit(scored.bytes, scored.rows)?;
                summary.iter_mut().zip(&scored.counts).for_each(|(a, b)| *a += b);
                for (code, n) in scored.unread {
                    *unread.entry(code).or_default() += n;
                }
                self.progress.inc(*len as u64);
            }
        }
        self.warn_unread(source.id(), &unread);
        self.summary.push((source.id().to_owned(), summary));
        self.files_done += 1;
        self.progress.set_message(format!("{}/{} files", self.files_done, self.files_total));
        Ok(())
    }
}

impl Ctx<'_> {
    fn parse_whole(&self, source: &Source) -> Result<Parsed> {
        let bytes = match source.read_bytes() {
            Ok(bytes) => bytes,
            Err(e) => return skip_or_fail(source, e),
        };
        if self.opts.jsonl_input {
            return Ok(Parsed::Jsonl(parse_jsonl(&source.name(), &bytes, 1)?));
        }
        let doc = match source.read(bytes) {
            Ok(doc) => doc,
            Err(e) => return skip_or_fail(source, e),
        };
        let mut notes = Vec::new();
        if self.opts.verbose {
            let how = doc.encoding.map_or_else(|| "its text layer".to_owned(), |e| e.describe());
            notes.push(format!("{}: decoded as {how} (read as {})", source.name(), doc.format.as_str()));
        }
        Ok(Parsed::Text { paragraphs: doc.paragraphs, format: doc.format, notes })
    }

    /// Labels and serializes the items of one unit.
    fn score(&self, doc: &str, items: &Option<Vec<Item>>) -> Result<Scored> {
        let labels = self.model.labels();
        let mut counts = vec![0; labels.len() + 2];
        let mut unread = Unread::new();
        let Some(items) = items else { return Ok(Scored { bytes: Vec::new(), counts, unread, rows: Vec::new() }) };
        let other = labels.iter().position(|l| l == "other");
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        let languages = identify_in_context(&texts);
        let mut records = Vec::with_capacity(items.len());
        for (item, &InContext { lang, sure }) in items.iter().zip(&languages) {
            check_interrupt()?;
            let readable = self.opts.any_language
                || self.model.languages().is_empty()
                || !sure
                || lang.is_none_or(|code| self.model.languages().iter().any(|m| m == code));
            let content = item.kind.is_content();
            let mut record = Record {
                doc,
                id: item.id.as_deref(),
                paragraph: item.paragraph,
                start: item.start,
                end: item.end,
                kind: item.kind.as_str(),
                format: item.format.map(DocFormat::as_str),
                page: item.page,
                section: item.section.as_deref(),
                text: &item.text,
                lang,
                label: None,
                confidence: None,
                decision: Decision::UnsupportedLanguage,
                evidence: None,
                scores: None,
                explain: None,
            };
            if !readable {
                counts[labels.len() + NO_TOPIC] += 1;
                *unread.entry(lang.unwrap_or("?")).or_default() += 1;
                records.push(record);
                continue;
            }
            // The model of the paragraph's language, when the model file holds one.
            let model = self.model.route(lang);
            let v = model.vectorize(&item.text, item.section.as_deref());
            let p = model.score(&v);
            let evidence = v.entries().len();
            let confidence = p.confidence();
            let (label, decision) = if evidence < MIN_EVIDENCE {
                (other, Decision::NoEvidence)
            } else if self.opts.min_confidence.is_some_and(|min| confidence < min) {
                (other, Decision::LowConfidence)
            } else {
                (Some(p.label), Decision::Model)
            };
            match (label, content) {
                (Some(l), true) => counts[l] += 1,
                (None, true) => counts[labels.len() + NO_TOPIC] += 1,
                (_, false) => counts[labels.len() + OTHER_KINDS] += 1,
            }
            record.label = label.map(|l| labels[l].as_str());
            record.confidence = (decision == Decision::Model).then_some(confidence);
            record.decision = decision;
            record.evidence = Some(evidence);
            record.explain = (self.opts.explain > 0 && label.is_some()).then(|| {
                let terms = model.explain(&v, label.unwrap_or(p.label), self.opts.explain);
                terms.into_iter().map(|(t, w)| (t, output::round(w))).collect()
            });
            record.scores = Some(Scores { labels, values: p.probabilities });
            records.push(record);
        }
        Ok(Scored {
            bytes: output::serialize(self.opts.format, labels, self.opts.explain > 0, &records)?,
            counts,
            unread,
            rows: if self.opts.report.is_some() {
                records.iter().map(crate::report::Row::from_record).collect()
            } else {
                Vec::new()
            },
        })
    }
}

/// The format of a file, from its name or else its first bytes.
fn format_of(path: &std::path::Path) -> Result<DocFormat> {
    if let Some(format) = DocFormat::from_path(path) {
        return Ok(format);
    }
    let mut head = Vec::with_capacity(4096);
    File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .with_context(|| format!("{}", path.display()))?;
    Ok(DocFormat::detect(path, &head))
}

/// Whether a file is UTF-8 throughout (read once, in blocks, from the page cache).
fn is_utf8_file(path: &std::path::Path) -> Result<bool> {
    let mut file = File::open(path).with_context(|| format!("{}", path.display()))?;
    let mut buf = vec![0u8; PIECE_BYTES];
    let mut carried = 0;
    let mut first = true;
    loop {
        let n = file.read(&mut buf[carried..]).with_context(|| format!("{}", path.display()))?;
        let end = carried + n;
        if first && (buf[..end].starts_with(b"\xff\xfe") || buf[..end].starts_with(b"\xfe\xff")) {
            return Ok(false);
        }
        first = false;
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carried = 0,
            Err(e) if e.error_len().is_none() && n > 0 => {
                // A character cut at the block end: keep its bytes for the next block.
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carried = end - valid;
            }
            Err(_) => return Ok(false),
        }
        if n == 0 {
            return Ok(carried == 0);
        }
    }
}

/// Where a piece of a streamed file may end: after the last line break before which no
/// paragraph can continue (a blank line for wrapped prose, a line before an indented one for
/// PDF text, any line for one paragraph per line), else after the last line break, else
/// after the last space (a runaway line), else anywhere on a character boundary.
fn safe_cut(bytes: &[u8], layout: Layout) -> usize {
    let search = &bytes[..bytes.len().min(PIECE_BYTES)];
    let after_last = |pred: &dyn Fn(usize) -> bool| (1..search.len()).rev().find(|&i| pred(i)).map(|i| i + 1);
    let newline = |i: usize| search[i] == b'\n';
    let structural = match layout {
        Layout::LinePerParagraph => None,
        Layout::Wrapped => after_last(&|i| {
            newline(i)
                && i >= 1
                && (search[i - 1] == b'\n' || search[i - 1] == b'\r' && i >= 2 && search[i - 2] == b'\n')
        }),
        Layout::Indented => after_last(&|i| {
            newline(i)
                && search.get(i + 1) == Some(&b' ')
                && search.get(i + 2..i + 5).is_some_and(|s| s.iter().any(|&b| b != b' '))
        }),
    };
    structural.or_else(|| after_last(&newline)).or_else(|| after_last(&|i| search[i] == b' ')).unwrap_or_else(|| {
        let mut cut = search.len();
        while cut > 0 && (bytes[cut] & 0xc0) == 0x80 {
            cut -= 1;
        }
        cut.max(1)
    })
}

/// A failure that skips the source when a folder walk found it, and stops the job when the
/// user named it.
fn skip_or_fail(source: &Source, err: impl Into<anyhow::Error>) -> Result<Parsed> {
    let err = err.into();
    if source.in_folder() {
        Ok(Parsed::Skipped(format!("{err:#}")))
    } else {
        Err(err)
    }
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

/// Content paragraphs (body text and list items) per topic per document, then the paragraphs
/// of other kinds and those without a topic, as a table on stderr.
fn print_summary(labels: &[String], summary: &[(String, Vec<usize>)]) {
    let width = summary.iter().map(|(d, _)| d.chars().count()).max().unwrap_or(8).max(8);
    let mut columns: Vec<String> = labels.to_vec();
    columns.push("headings etc.".to_owned());
    columns.push("no topic".to_owned());
    let column = |l: &String| l.len().max(5);
    let mut out = format!("{:<width$}", "document");
    for l in &columns {
        out.push_str(&format!(" {:>w$}", l, w = column(l)));
    }
    out.push_str("  total\n");
    let mut totals = vec![0; columns.len()];
    let mut row = |name: &str, counts: &[usize]| {
        out.push_str(&format!("{name:<width$}"));
        for (l, c) in columns.iter().zip(counts) {
            out.push_str(&format!(" {:>w$}", c, w = column(l)));
        }
        out.push_str(&format!("  {:>5}\n", counts.iter().sum::<usize>()));
    };
    for (doc, counts) in summary {
        row(doc, counts);
        totals.iter_mut().zip(counts).for_each(|(t, c)| *t += c);
    }
    if summary.len() > 1 {
        row("all", &totals);
    }
    eprint!("{out}");
}
