//! `paratopic classify`: documents in, every paragraph labeled, a dataset out.
//!
//! Work is cut into units that rayon workers process in parallel: small files whole, large
//! files in pieces of about [`PIECE_BYTES`] cut where no paragraph can span the cut. Workers
//! read, decode, segment, score and serialize; the main thread only fixes what depends on
//! order (paragraph numbers, the section heading carried into a piece, duplicate JSONL ids)
//! and writes the serialized bytes in input order. Memory is bounded by the units in flight,
//! whatever the input size, and the output never depends on the thread count.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use paratopic_classifier::{Decision, Model, Rules};
use paratopic_ingest::stream::{Piece, Pieces, PIECE_BYTES};
use paratopic_ingest::{Batch, DocumentStream, Format as DocFormat, IngestError, Kind, Part, WHOLE_BYTES};
use rayon::prelude::*;

use crate::destination::Destination;
use crate::ids::{self, Ids};
use crate::input::{self, parse_jsonl, InputFormat, JsonlRecord, SkipReason, Source};
use crate::output::{Chunk, Encoder, Format, Sink};
use crate::tally::Tally;
use paratopic_record::{self as record, Record, Scores};

/// Small files are batched until a batch holds this many bytes or [`BATCH_FILES`] files.
const BATCH_BYTES: u64 = 8 << 20;
const BATCH_FILES: usize = 64;
/// At most this many pieces per worker are in flight in the pipeline of a large file (see
/// `Job::pieces`): enough that a worker finds the next piece ready when it finishes one,
/// few enough that memory stays small.
const PIECES_PER_WORKER: usize = 4;

pub struct ClassifyOptions {
    pub inputs: Vec<PathBuf>,
    pub format: Format,
    pub output: Option<PathBuf>,
    pub input_format: InputFormat,
    pub skip_invalid: bool,
    pub quiet: bool,
    pub verbose: bool,
    pub explain: usize,
    /// The rules on top of the scores (`--min-confidence`, `--any-language`).
    pub rules: Rules,
    /// Also write an HTML report of the run.
    pub report: Option<crate::report::RunReport>,
}

/// Set by the Ctrl-C handler; the job stops before the next unit it reads or labels and
/// removes its partial output.
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
    /// Paragraphs of a document (or of a piece of one, placed in the document by its
    /// [`DocumentStream`] before they are fixed).
    Text { batch: Batch, notes: Vec<String> },
    /// JSONL lines: a record or (line, reason) when it is invalid; line numbers are local.
    Jsonl(Vec<Result<JsonlRecord, (usize, String)>>),
    /// The unit is not classified: the warning to print, and why.
    Skipped(String, SkipReason),
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

/// A unit's serialized records, its [`Tally`], and the languages it found that the model does
/// not read.
struct Scored {
    /// The serialized records (none for a unit without paragraphs).
    chunk: Option<Chunk>,
    tally: Tally,
    unread: Unread,
    /// What the report needs of each record (only with `--report`).
    rows: Vec<crate::report::Row>,
}

/// Paragraphs per language the model does not read.
type Unread = std::collections::BTreeMap<&'static str, usize>;

/// JSONL state carried from one piece to the next (a document's own is in its
/// [`DocumentStream`]).
#[derive(Default)]
struct Carry {
    paragraphs: usize,
    /// Lines before the piece being fixed (JSONL line numbers are local to a piece).
    jsonl_lines: usize,
    /// The JSONL ids seen so far, as 64-bit hashes (with the line of each), in flat memory;
    /// two different ids among a million share a hash with a chance of about 3 in 100 million.
    ids: Ids,
}

/// What the workers need: shared, read-only.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    model: &'a Model,
    opts: &'a ClassifyOptions,
    encoder: &'a Encoder,
}

/// Serialized records on their way to the writer thread, in output order. The queue is
/// bounded, so a slow output holds the workers back instead of filling memory; it holds as
/// many chunks as a large file has pieces in flight, so that the main thread, which hands them
/// over, rarely waits for the writer.
struct Writer {
    queue: Option<std::sync::mpsc::SyncSender<Chunk>>,
    thread: Option<std::thread::JoinHandle<std::io::Result<()>>>,
}

impl Writer {
    fn start(mut out: Sink) -> Self {
        let (queue, receive) = std::sync::mpsc::sync_channel::<Chunk>(PIECES_PER_WORKER * rayon::current_num_threads());
        let thread = std::thread::spawn(move || {
            for chunk in receive {
                out.write(chunk)?;
            }
            out.finish()
        });
        Self { queue: Some(queue), thread: Some(thread) }
    }

    fn write(&mut self, chunk: Chunk) -> Result<()> {
        let sent = self.queue.as_ref().is_some_and(|q| q.send(chunk).is_ok());
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
    summary: Vec<(String, Tally)>,
    /// Files passed over, per reason.
    skipped: std::collections::BTreeMap<SkipReason, usize>,
    /// The documents that could not be read, each with why (the skips that are errors).
    unread: Vec<String>,
    skipped_lines: usize,
    /// Duplicate ids told at the end of a JSONL input, kept with `--skip-invalid`.
    late_duplicates: usize,
    /// The CSV header, written with the first records (so a job that classifies nothing
    /// writes nothing).
    header: Option<Chunk>,
    /// A large file being opened (see [`Job::open_large`]).
    prechecked: Option<(&'a Source, std::thread::JoinHandle<Result<DocumentStream, IngestError>>)>,
    files_done: usize,
    files_total: usize,
    report: Option<crate::report::Builder>,
}

/// Classifies the inputs of `opts` with the model `load_model` gives.
pub fn run(load_model: impl FnOnce() -> Result<Model>, opts: &ClassifyOptions) -> Result<()> {
    let show_progress = !opts.quiet && std::io::stderr().is_terminal();
    if opts.inputs.is_empty() && std::io::stdin().is_terminal() {
        bail!("no input: give files or folders to classify, or pipe text in (`paratopic classify --help`)");
    }
    let inputs = if opts.inputs.is_empty() { vec![PathBuf::from("-")] } else { opts.inputs.clone() };
    let mut skipped = std::collections::BTreeMap::new();
    let mut unread = Vec::new();
    let mut skip = |reason: SkipReason, message: String| {
        if !opts.quiet {
            eprintln!("paratopic: warning: skipping {message}");
        }
        *skipped.entry(reason).or_insert(0) += 1;
        if reason.is_error() {
            unread.push(message);
        }
    };
    let extensions = input::extensions_for(opts.input_format);
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
    if opts.format == Format::Parquet && opts.output.is_none() && std::io::stdout().is_terminal() {
        bail!("Parquet is binary: give `-o FILE`, or redirect the standard output");
    }
    // Before a large text file can be streamed, it is read once to check that it is UTF-8
    // throughout (when it is opened), and the model is loaded: tens of milliseconds each, with
    // nothing else to do. The first such file is opened on a thread of its own while the model
    // loads; the job takes it when it comes to the file (and leaves it if it stops before).
    let prechecked = sources
        .iter()
        .filter(|_| opts.input_format == InputFormat::Text)
        .find(|s| {
            s.size() > WHOLE_BYTES as u64
                && matches!(s, Source::File { path, .. } if DocFormat::from_path(path) == Some(DocFormat::Text))
        })
        .map(|source| {
            let owned = source.clone();
            (source, std::thread::spawn(move || owned.document()))
        });
    let model = load_model();
    let model = &model?;
    let encoder = Encoder::new(opts.format, model.labels(), opts.explain > 0)?;
    let (sink, file): (Box<dyn Write + Send>, Option<Destination>) = match &opts.output {
        Some(path) => {
            let file = Destination::create(path)?;
            let writer = file.writer()?;
            (Box::new(std::io::BufWriter::with_capacity(1 << 20, writer)), Some(file))
        }
        None => (Box::new(std::io::BufWriter::with_capacity(1 << 20, std::io::stdout())), None),
    };
    let progress = if !show_progress {
        ProgressBar::hidden()
    } else if sources.iter().any(|s| matches!(s, Source::Stream { .. })) {
        // A stream's length is unknown: count the bytes read.
        let bar = ProgressBar::no_length();
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bytes} read, {bytes_per_sec} {msg}")
                .expect("valid template"),
        );
        bar
    } else {
        let bar = ProgressBar::new(sources.iter().map(Source::size).sum());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} {bytes_per_sec} {msg}",
            )
            .expect("valid template"),
        );
        bar
    };
    let mut job = Job {
        ctx: Ctx { model, opts, encoder: &encoder },
        out: Writer::start(encoder.sink(sink)?),
        progress,
        summary: Vec::new(),
        skipped,
        unread,
        skipped_lines: 0,
        late_duplicates: 0,
        header: None,
        prechecked,
        files_done: 0,
        files_total: sources.len(),
        report: opts.report.as_ref().map(|_| crate::report::Builder::new(model.labels(), crate::report::Strips::Draw)),
    };
    job.header = encoder.header()?;

    let mut batch: Vec<(&Source, Option<DocumentStream>)> = Vec::new();
    let mut batch_bytes = 0;
    for source in &sources {
        check_interrupt()?;
        if matches!(source, Source::Stream { .. }) || source.size() > WHOLE_BYTES as u64 {
            job.whole_files(std::mem::take(&mut batch))?;
            batch_bytes = 0;
            job.large(source)?;
            continue;
        }
        batch.push((source, None));
        batch_bytes += source.size();
        if batch.len() >= BATCH_FILES || batch_bytes >= BATCH_BYTES {
            job.whole_files(std::mem::take(&mut batch))?;
            batch_bytes = 0;
        }
    }
    job.whole_files(batch)?;
    check_interrupt()?;
    if job.summary.is_empty() {
        // Every input was skipped: an empty result is not a success.
        drop(job.out);
        bail!("nothing was classified: all {} input file(s) were skipped (see the warnings above)", sources.len());
    }
    job.out.finish()?;
    job.progress.finish_and_clear();
    if let Some(file) = file {
        file.commit()?;
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
        if job.late_duplicates > 0 {
            eprintln!("paratopic: {} duplicate id(s) found at the end of the input and kept", job.late_duplicates);
        }
        for why in &job.unread {
            eprintln!("paratopic: not read: {why}");
        }
    }
    if !job.unread.is_empty() {
        return Err(Partial { unread: job.unread.len(), read: job.summary.len() }.into());
    }
    Ok(())
}

/// The exit status of a job that wrote the records of every document it could read but could
/// not read some: damaged, encrypted or scanned documents, unreadable files.
pub const PARTIAL: u8 = 1;

/// The error of a job that could not read some documents (exit status [`PARTIAL`]); its output
/// is complete for the others.
#[derive(Debug)]
pub struct Partial {
    unread: usize,
    read: usize,
}

impl std::fmt::Display for Partial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} document(s) could not be read (named above without -q); the records of the other {} are complete",
            self.unread, self.read
        )
    }
}

impl std::error::Error for Partial {}

impl Job<'_> {
    fn note(&self, message: String) {
        self.progress.suspend(|| eprintln!("paratopic: {message}"));
    }

    /// Small files (or documents already opened and read whole), each read whole, in
    /// parallel.
    fn whole_files(&mut self, units: Vec<(&Source, Option<DocumentStream>)>) -> Result<()> {
        if units.is_empty() {
            return Ok(());
        }
        let ctx = self.ctx;
        let sizes: Vec<u64> = units
            .iter()
            .map(|(s, document)| document.as_ref().and_then(DocumentStream::whole_len).map_or(s.size(), |n| n as u64))
            .collect();
        let parsed: Vec<(&Source, Result<Parsed>)> =
            units.into_par_iter().map(|(s, document)| (s, ctx.parse_whole(s, document))).collect();
        let mut fixed = Vec::with_capacity(parsed.len());
        for (source, parsed) in parsed {
            let mut carry = Carry::default();
            let items = self.fix(source, parsed?, &mut carry)?;
            self.finish_ids(source, carry)?;
            fixed.push((source, items));
        }
        let scored: Vec<Result<Scored>> = fixed.par_iter().map(|(s, items)| ctx.score(s.id(), items)).collect();
        for (((source, items), scored), size) in fixed.iter().zip(scored).zip(sizes) {
            let scored = scored?;
            if items.is_some() {
                self.emit(scored.chunk, scored.rows)?;
                self.warn_unread(source.id(), &scored.unread);
                self.summary.push((source.id().to_owned(), scored.tally));
            }
            self.file_done(size);
        }
        Ok(())
    }

    /// Queues records for the writer, after the header on the first call; the report takes
    /// their rows.
    fn emit(&mut self, chunk: Option<Chunk>, rows: Vec<crate::report::Row>) -> Result<()> {
        if let Some(report) = &mut self.report {
            rows.into_iter().for_each(|row| report.add(row));
        }
        let Some(chunk) = chunk else { return Ok(()) };
        if let Some(header) = self.header.take() {
            self.out.write(header)?;
        }
        self.out.write(chunk)
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

    fn file_done(&mut self, bytes: u64) {
        self.files_done += 1;
        self.progress.inc(bytes);
        self.progress.set_message(format!("{}/{} files", self.files_done, self.files_total));
    }

    /// Applies what depends on order: paragraph numbers, the carried section, JSONL ids and
    /// line numbers, skipped lines. `None` when the unit is skipped.
    fn fix(&mut self, source: &Source, parsed: Parsed, carry: &mut Carry) -> Result<Option<Vec<Item>>> {
        match parsed {
            Parsed::Skipped(why, reason) => {
                if !self.ctx.opts.quiet {
                    self.note(format!("warning: skipping {why}"));
                }
                *self.skipped.entry(reason).or_insert(0) += 1;
                if reason.is_error() {
                    self.unread.push(why);
                }
                Ok(None)
            }
            Parsed::Text { batch, notes } => {
                for n in notes {
                    self.note(n);
                }
                let format = Some(batch.format);
                let items = batch
                    .paragraphs
                    .into_iter()
                    .map(|p| Item {
                        id: None,
                        paragraph: p.index,
                        start: p.start,
                        end: p.end,
                        kind: p.kind,
                        section: p.section,
                        text: p.text,
                        format,
                        page: p.page,
                    })
                    .collect();
                Ok(Some(items))
            }
            Parsed::Jsonl(lines) => {
                let name = source.name();
                let mut items = Vec::with_capacity(lines.len());
                for line in lines {
                    let checked = match line {
                        Ok(r) => {
                            let n = carry.jsonl_lines + r.line;
                            match carry.ids.insert(&r.id, n).context("remembering the JSONL ids")? {
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

    /// Reports the duplicate ids of a JSONL input that lie further apart than
    /// [`ids::WINDOW`] lines: told only now, at the end of the input, after both lines were
    /// written. An error (no output file) unless `--skip-invalid`, which warns and keeps them.
    fn finish_ids(&mut self, source: &Source, carry: Carry) -> Result<()> {
        let late = carry.ids.finish().context("checking the JSONL ids")?;
        let name = source.name();
        for d in &late {
            let what = format!("{name}:{}: duplicate id (the id of line {})", d.line, d.first);
            if !self.ctx.opts.skip_invalid {
                bail!(
                    "{what}; found at the end of the input (ids more than {} lines apart are compared there)",
                    ids::WINDOW
                );
            }
            self.note(format!(
                "warning: {what}; kept, since it was written before the end of the input, where ids more than {} lines apart are compared",
                ids::WINDOW
            ));
        }
        self.late_duplicates += late.len();
        Ok(())
    }

    /// A large file or a stream. UTF-8 text and JSONL are read in pieces: cut where no
    /// paragraph spans the cut, parsed and scored in parallel, written in order, so that memory
    /// holds a few pieces whatever the length. Other formats and legacy encodings are read
    /// whole (a PDF or a Word file is parsed as a whole; a legacy encoding is detected over
    /// the whole text): the [`DocumentStream`] decides.
    fn large(&mut self, source: &Source) -> Result<()> {
        if self.ctx.opts.input_format == InputFormat::Jsonl {
            let pieces = paratopic_ingest::line_pieces(&source.path_or_dash(), source.open()?)?;
            return self.pieces(source, Feed::Jsonl(pieces));
        }
        let document = match self.open_large(source) {
            Ok(document) => document,
            Err(e) => {
                let parsed = skip_or_fail(source, e)?;
                self.fix(source, parsed, &mut Carry::default())?;
                self.file_done(source.size());
                return Ok(());
            }
        };
        if !document.in_pieces() {
            return self.whole_files(vec![(source, Some(document))]);
        }
        if self.ctx.opts.verbose {
            self.note(format!("{}: decoded as UTF-8, read in pieces of {PIECE_BYTES} bytes", source.name()));
        }
        self.pieces(source, Feed::Document(document))
    }

    /// Opens a large file or a stream (for the first large text file, the one opened while
    /// the model loaded).
    fn open_large(&mut self, source: &Source) -> Result<DocumentStream, IngestError> {
        match self.prechecked.take() {
            Some((opened, open)) if std::ptr::eq(opened, source) => {
                open.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            other => {
                self.prechecked = other;
                source.document()
            }
        }
    }

    /// Scores the pieces of a large file or a stream as a pipeline on the workers: each piece
    /// is parsed as soon as it is read, fixed in order as soon as it and those before it are
    /// parsed, scored as soon as it is fixed, and written in order. This thread reads, fixes and
    /// writes, and helps with the work while it waits; at most [`PIECES_PER_WORKER`] pieces per
    /// worker are in flight, which bounds memory.
    fn pieces(&mut self, source: &Source, mut feed: Feed) -> Result<()> {
        let window = PIECES_PER_WORKER * rayon::current_num_threads();
        let mut carry = Carry::default();
        let mut summary = Tally::new(self.ctx.model.labels().len());
        let mut unread = Unread::new();
        let ctx = self.ctx;
        let name = source.path_or_dash();
        let (finished, done) = std::sync::mpsc::channel::<Done>();
        rayon::in_place_scope_fifo(|scope| -> Result<()> {
            // Pieces are numbered in stream order: `read` of them were read, the first `fixed`
            // fixed and the first `written` written; `lines` has the first line and the length
            // of each piece from `written` on.
            let (mut read, mut fixed, mut written) = (0, 0, 0);
            let mut lines = std::collections::VecDeque::new();
            let mut parsed = std::collections::BTreeMap::new();
            let mut scored = std::collections::BTreeMap::new();
            let mut at_end = false;
            loop {
                check_interrupt()?;
                while !at_end && read - written < window {
                    let Some(work) = feed.next(source)? else {
                        at_end = true;
                        break;
                    };
                    lines.push_back(work.lines());
                    let (finished, name, n) = (finished.clone(), &name, read);
                    scope.spawn_fifo(move |_| {
                        let result = guarded(|| ctx.parse_piece(name, work));
                        // The receiver outlives the scope.
                        let _ = finished.send(Done::Parsed(n, result));
                    });
                    read += 1;
                }
                if written == read {
                    return Ok(());
                }
                match wait_helping(&done) {
                    Done::Parsed(n, result) => {
                        parsed.insert(n, result);
                    }
                    Done::Scored(n, result) => {
                        scored.insert(n, result);
                    }
                }
                while let Some(result) = parsed.remove(&fixed) {
                    carry.jsonl_lines = lines[fixed - written].0 - 1;
                    let mut result = result?;
                    if let (Feed::Document(document), Parsed::Text { batch, .. }) = (&mut feed, &mut result) {
                        document.place(batch);
                    }
                    let items = self.fix(source, result, &mut carry)?;
                    let (finished, n) = (finished.clone(), fixed);
                    scope.spawn_fifo(move |_| {
                        let result = guarded(|| ctx.score(source.id(), &items));
                        let _ = finished.send(Done::Scored(n, result));
                    });
                    fixed += 1;
                }
                while let Some(result) = scored.remove(&written) {
                    let result = result?;
                    self.emit(result.chunk, result.rows)?;
                    summary.merge(&result.tally);
                    for (code, n) in result.unread {
                        *unread.entry(code).or_default() += n;
                    }
                    let (_, len) = lines.pop_front().expect("a line entry per piece in flight");
                    self.progress.inc(len as u64);
                    written += 1;
                }
            }
        })?;
        self.finish_ids(source, carry)?;
        self.warn_unread(source.id(), &unread);
        self.summary.push((source.id().to_owned(), summary));
        self.files_done += 1;
        self.progress.set_message(format!("{}/{} files", self.files_done, self.files_total));
        Ok(())
    }
}

/// What a large unit is read as, piece by piece.
enum Feed {
    Document(DocumentStream),
    Jsonl(Pieces<Box<dyn Read + Send>>),
}

/// One piece of a [`Feed`], read and ready to parse.
enum Work {
    Part(Part),
    Jsonl(Piece),
}

impl Feed {
    /// The next piece, in order; `None` at the end.
    fn next(&mut self, source: &Source) -> Result<Option<Work>> {
        Ok(match self {
            Feed::Document(document) => document.next_part()?.map(Work::Part),
            Feed::Jsonl(pieces) => pieces.next_piece().with_context(|| source.name())?.map(Work::Jsonl),
        })
    }
}

impl Work {
    /// The number of its first line (JSONL; 1 for a document) and its length in bytes.
    fn lines(&self) -> (usize, usize) {
        match self {
            Work::Part(part) => (1, part.len()),
            Work::Jsonl(piece) => (piece.first_line, piece.bytes.len()),
        }
    }
}

/// What a worker hands back for the piece numbered `.0`.
enum Done {
    Parsed(usize, Result<Parsed>),
    Scored(usize, Result<Scored>),
}

/// The next piece of work done, helping with the work in the meantime. Only called while a
/// piece is in flight, so that one is sure to come.
fn wait_helping(done: &std::sync::mpsc::Receiver<Done>) -> Done {
    loop {
        if let Ok(next) = done.try_recv() {
            return next;
        }
        if rayon::yield_now() != Some(rayon::Yield::Executed) {
            // Nothing left to help with: what is in flight runs on other workers.
            return done.recv().expect("the sender lives as long as the job");
        }
    }
}

/// `work`, with a panic turned into an error, so that the piece it was for is still reported
/// and the job ends instead of waiting for it.
fn guarded<T>(work: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("internal error: a worker panicked (please report it)")))
}

impl Ctx<'_> {
    /// Parses one piece of a large file or a stream: its paragraphs, or its JSONL lines.
    fn parse_piece(&self, name: &std::path::Path, work: Work) -> Result<Parsed> {
        let piece = match work {
            Work::Part(part) => return Ok(Parsed::Text { batch: part.read()?, notes: Vec::new() }),
            Work::Jsonl(piece) => piece,
        };
        let (offset, first_line) = (piece.offset, piece.first_line);
        let text = piece.into_text(name)?;
        let mut lines = parse_jsonl(&text, first_line);
        for r in lines.iter_mut().flatten() {
            r.start += offset;
            r.end += offset;
        }
        Ok(Parsed::Jsonl(lines))
    }

    /// Parses a whole source: its `document` when already opened, else opened here.
    fn parse_whole(&self, source: &Source, document: Option<DocumentStream>) -> Result<Parsed> {
        if self.opts.input_format == InputFormat::Jsonl {
            let bytes = match source.read_bytes() {
                Ok(bytes) => bytes,
                Err(e) => return skip_or_fail(source, e),
            };
            // The whole file is its one piece: the same UTF-8 check and message as a stream's.
            let text = Piece { offset: 0, first_line: 1, bytes }.into_text(&source.path_or_dash())?;
            return Ok(Parsed::Jsonl(parse_jsonl(&text, 1)));
        }
        let batch = match document.map_or_else(|| source.document(), Ok).and_then(DocumentStream::read_all) {
            Ok(batch) => batch,
            Err(e) => return skip_or_fail(source, e),
        };
        let mut notes = Vec::new();
        if self.opts.verbose {
            let how = batch.encoding.map_or_else(|| "its text layer".to_owned(), |e| e.describe());
            notes.push(format!("{}: decoded as {how} (read as {})", source.name(), batch.format.as_str()));
        }
        Ok(Parsed::Text { batch, notes })
    }

    /// Labels and serializes the items of one unit.
    fn score(&self, doc: &str, items: &Option<Vec<Item>>) -> Result<Scored> {
        let labels = self.model.labels();
        let mut tally = Tally::new(labels.len());
        let mut unread = Unread::new();
        let Some(items) = items else { return Ok(Scored { chunk: None, tally, unread, rows: Vec::new() }) };
        check_interrupt()?;
        let paragraphs: Vec<(&str, Option<&str>)> =
            items.iter().map(|i| (i.text.as_str(), i.section.as_deref())).collect();
        let labeled = self.model.label_all(&paragraphs, &self.opts.rules);
        let mut records = Vec::with_capacity(items.len());
        for (item, (lang, labeled)) in items.iter().zip(labeled) {
            let mut record = Record {
                doc,
                id: item.id.as_deref(),
                paragraph: item.paragraph,
                start: item.start,
                end: item.end,
                kind: item.kind,
                format: item.format,
                page: item.page,
                section: item.section.as_deref(),
                text: &item.text,
                lang: lang.lang,
                label: labeled.label.map(|l| labels[l].as_str()),
                confidence: labeled.confidence(),
                decision: labeled.decision,
                evidence: labeled.evidence(),
                scores: None,
                explain: None,
            };
            tally.add(item.kind, labeled.label);
            if labeled.decision == Decision::UnsupportedLanguage {
                *unread.entry(lang.lang.unwrap_or("?")).or_default() += 1;
            }
            if let Some((p, v)) = labeled.scored {
                record.explain = labeled.label.filter(|_| self.opts.explain > 0).map(|label| {
                    // The model of the paragraph's language scored it; it explains it too.
                    let terms = self.model.route(lang.lang).explain(&v, label, self.opts.explain);
                    terms.into_iter().map(|(t, w)| (t, record::round(w))).collect()
                });
                record.scores = Some(Scores { labels, values: p.probabilities });
            }
            records.push(record);
        }
        Ok(Scored {
            chunk: Some(self.encoder.encode(&records)?),
            tally,
            unread,
            rows: if self.opts.report.is_some() {
                records.iter().map(crate::report::Row::from_record).collect()
            } else {
                Vec::new()
            },
        })
    }
}

/// A failure that skips the source when a folder walk found it, and stops the job when the
/// user named it.
fn skip_or_fail(source: &Source, err: impl Into<anyhow::Error>) -> Result<Parsed> {
    let err = err.into();
    if source.in_folder() {
        let reason = SkipReason::of(&err);
        Ok(Parsed::Skipped(format!("{err:#}"), reason))
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
/// of other kinds and the content paragraphs without a topic, as a table on stderr.
fn print_summary(labels: &[String], summary: &[(String, Tally)]) {
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
    let mut row = |name: &str, tally: &Tally| {
        out.push_str(&format!("{name:<width$}"));
        let mut cells = tally.labels.clone();
        cells.resize(labels.len(), 0);
        cells.extend([tally.other_kinds, tally.no_topic]);
        for (l, c) in columns.iter().zip(cells) {
            out.push_str(&format!(" {:>w$}", c, w = column(l)));
        }
        out.push_str(&format!("  {:>5}\n", tally.total()));
    };
    let mut all = Tally::new(labels.len());
    for (doc, tally) in summary {
        row(doc, tally);
        all.merge(tally);
    }
    if summary.len() > 1 {
        row("all", &all);
    }
    eprint!("{out}");
}
