//! The `paratopic` command line: label the paragraphs of policy documents by topic.

mod audit;
mod classify;
mod destination;
mod eval;
mod explain;
mod ids;
mod input;
mod output;
mod parquet;
mod report;
mod settings;
mod suggest;
mod tally;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use paratopic_classifier::{Lexicon, Model, TrainConfig};

/// The default model, trained by `cargo xtask retrain` from `corpus/`.
const DEFAULT_MODEL: &[u8] = include_bytes!("../models/default.model");

#[derive(Parser)]
#[command(
    name = "paratopic",
    version,
    about = "Label the paragraphs of policy documents by topic (cybersecurity, ai, wsis, financing, other)",
    long_about = "Label the paragraphs of policy documents by topic.\n\n\
        paratopic reads documents (UN resolutions, reports, news; PDF, web pages, Word files and \
        text; German and English), cuts them into paragraphs and labels every paragraph with a \
        complement Naive Bayes model (multinomial on request). The default model (labels \
        cybersecurity, ai, wsis, financing, other) is built in; `train` makes models for your own \
        label sets.",
    after_help = "Examples:\n  \
        paratopic classify corpus/documents > labeled.jsonl\n  \
        paratopic classify report.pdf --format csv -o labeled.csv\n  \
        paratopic suggest docs/ -n 50 -o to-label.jsonl\n  \
        paratopic train --data my-labels.jsonl -o my.model && paratopic classify docs/ --model my.model"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Label every paragraph of the given documents and write one record per paragraph.
    ///
    /// Files and folders are read in the order given; folders are walked recursively in sorted
    /// order (hidden files and what .gitignore excludes left out) and their .txt, .md, .pdf,
    /// .html, .htm, .docx and .odt files read (other files are skipped with a warning). `-`
    /// reads standard input. Records go to standard output unless -o is given; the output
    /// order is the document order, then the paragraph order, whatever the thread count.
    /// Each record has: doc, paragraph, start, end (byte span in the file, or in the text
    /// extracted from a PDF, web page or Word file), kind (heading, body, list_item, reference,
    /// footnote), format, page (PDF), section (nearest heading above), text, lang, label,
    /// confidence (calibrated probability of the label), decision (model, no_evidence,
    /// low_confidence, unsupported_language), evidence (known terms) and scores (probability
    /// per label). The default model labels cybersecurity, ai, wsis, financing and other, in
    /// German and English.
    ///
    /// Exit status: 0 when every document was read; 1 when some documents inside a folder
    /// could not be read (damaged, encrypted, scanned without a text layer, in no known
    /// encoding, unreadable): each is named in the summary, and the output holds the complete
    /// records of all the others (binary files and other extensions in a folder are passed
    /// over and are not errors); 2 on an error, with no output file (a document named on the
    /// command line that cannot be read is one); 130 when interrupted.
    Classify(ClassifyArgs),
    /// Train a model on a JSONL file of {"text": ..., "label": ...} lines, with any label set.
    Train(TrainArgs),
    /// Pick the paragraphs whose labels would teach the model most (what to label next).
    ///
    /// Reads documents like `classify`, scores their body text and list items, and writes the N
    /// with the smallest margin between the two most probable labels (near-duplicates spread
    /// out) as training JSONL: {"text", "label" (the model's guess, to correct), "section",
    /// "doc", "paragraph", "margin", "origin": "suggested"}. Correct the labels, then give the
    /// file to `train --data` (with your other labeled data).
    Suggest(SuggestArgs),
    /// Cross-validate the training settings on a JSONL file of {"text", "label"} lines.
    ///
    /// Stratified k-fold cross-validation with exactly the settings `train` takes. Prints
    /// accuracy, macro-F1, per-label precision/recall/F1/support and the confusion matrix.
    Eval(EvalArgs),
    /// Find the likely label errors of a JSONL file of {"text", "label"} lines.
    ///
    /// Cross-validates with the settings `train` takes and ranks the examples whose given label
    /// the model trained without them finds least likely, by confident learning (as cleanlab's
    /// find_label_issues): an example is listed when its out-of-fold probability of another
    /// label reaches that label's mean probability among the examples given it. Prints the
    /// line, the label, its probability, the label the model suggests and its probability.
    Audit(AuditArgs),
    /// List the terms that indicate a label most strongly in a model.
    Explain(ExplainArgs),
    /// Write one self-contained HTML page about labeled records (the JSONL of `classify`).
    ///
    /// The page shows the topic mix of the run and of each document, a strip per document
    /// (a cell per paragraph in document order, coloured by topic, pale when unsure, headings
    /// marked, text and scores on hover), a confidence histogram per topic, the 25 least
    /// confident content paragraphs, the most indicative terms of the model, and with --gold
    /// the precision, recall and F1 per label and the confusion matrix. No network, no
    /// framework; the same records give the same bytes.
    Report(ReportArgs),
}

#[derive(Args)]
struct ReportArgs {
    /// The records: JSONL written by `paratopic classify` (`-`: standard input).
    #[arg(value_name = "RECORDS")]
    input: PathBuf,
    /// Where to write the page (atomically).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// The model whose labels (and their order) and indicative terms the page shows (default:
    /// the built-in model); labels only the records have are added after its own.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// Gold labels to compare with: JSONL lines with a "label" and an "id", or a "doc" and a
    /// "paragraph" (as in corpus/labels/); may be given several times.
    #[arg(long, value_name = "FILE")]
    gold: Vec<PathBuf>,
}

#[derive(Args)]
struct EvalArgs {
    /// Labeled data: one {"text": ..., "label": ...} object per line.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Number of stratified folds.
    #[arg(long, default_value_t = 5, conflicts_with = "folds_file")]
    folds: usize,
    /// Seed of the fold assignment (the same seed gives the same folds).
    #[arg(long, default_value_t = 0, conflicts_with = "folds_file")]
    seed: u64,
    /// Take the folds from a file of `index<TAB>fold` lines (0-based record index) instead, to
    /// compare with another tool on identical splits.
    #[arg(long, value_name = "FILE")]
    folds_file: Option<PathBuf>,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
    /// Also write an HTML page of the cross-validation: per-label precision, recall and F1,
    /// the confusion matrix as a heat map, confidence histograms and the least confident
    /// paragraphs.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Args)]
struct AuditArgs {
    /// Labeled data: one {"text": ..., "label": ...} object per line.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Number of stratified folds.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Seed of the fold assignment.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many of the likely errors to show (--json lists all).
    #[arg(short = 'n', long, default_value_t = 20)]
    count: usize,
    /// Print one JSON object per likely error: line, text, label, suggested,
    /// label_probability, suggested_probability.
    #[arg(long)]
    json: bool,
    /// Also write every example's out-of-fold probabilities to this JSONL file ({"line",
    /// "label", "scores": {label: probability}}), e.g. for another tool to rank the same.
    #[arg(long, value_name = "FILE")]
    probabilities: Option<PathBuf>,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Args)]
struct ClassifyArgs {
    /// Files or folders to classify; `-` reads standard input (the default when input is piped).
    #[arg(value_name = "PATH")]
    inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: output::Format,
    /// Write to this file (atomically: it appears only when complete) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Use this model instead of the built-in default model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// `text`: documents to cut into paragraphs; `jsonl`: one {"id", "text"} paragraph per line,
    /// classified as is.
    #[arg(long, value_enum, default_value = "text")]
    input_format: input::InputFormat,
    /// Add to each record the N terms that pushed the paragraph most towards its label.
    #[arg(long, value_name = "N", default_value_t = 0)]
    explain: usize,
    /// With --input-format jsonl: skip invalid lines with a warning each (and a count at the
    /// end) instead of stopping at the first.
    #[arg(long)]
    skip_invalid: bool,
    /// Give a paragraph whose top probability is below P the label `other` (or no label when
    /// the model has no `other`), with `"decision": "low_confidence"`. The default was chosen
    /// on real documents, most of whose text is about none of the topics (docs/measurements.md);
    /// 0 gives every paragraph the model's top label. `paratopic eval` prints the precision
    /// and coverage each P gives.
    #[arg(long, value_name = "P", value_parser = probability, default_value_t = paratopic_classifier::DEFAULT_MIN_CONFIDENCE)]
    min_confidence: f64,
    /// Classify paragraphs in languages the model was not trained on too (by default they get
    /// no topic and a warning).
    #[arg(long)]
    any_language: bool,
    /// Say how each file was read and decoded (its format; UTF-8, UTF-16, or a detected legacy
    /// encoding).
    #[arg(short, long)]
    verbose: bool,
    /// Also write an HTML report of the run (as `paratopic report` makes from the records).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

fn probability(s: &str) -> Result<f64, String> {
    let p = s.parse::<f64>().map_err(|_| format!("expected a probability from 0 to 1, got {s:?}"))?;
    paratopic_classifier::Rules::checked(Some(p), false).map_err(|e| e.to_string())?;
    Ok(p)
}

#[derive(Args)]
struct SuggestArgs {
    /// Files or folders to pick from.
    #[arg(value_name = "PATH", required = true)]
    inputs: Vec<PathBuf>,
    /// How many paragraphs to suggest.
    #[arg(short = 'n', long = "count", value_name = "N", default_value_t = 50)]
    count: usize,
    /// Write to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Use this model instead of the built-in default model.
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct TrainArgs {
    /// Training data: one {"text": ..., "label": ...} object per line.
    #[arg(long, value_name = "FILE")]
    data: PathBuf,
    /// Where to write the model.
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct ExplainArgs {
    /// The model to explain (default: the built-in model).
    #[arg(long, value_name = "FILE")]
    model: Option<PathBuf>,
    /// The label to explain (default: every label).
    #[arg(long)]
    label: Option<String>,
    /// How many terms to list.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

/// Settings of tokenization and training, shared by every command that trains: the
/// classifier's settings table as flags, and the data a training run takes besides.
#[derive(Args)]
pub struct ModelArgs {
    #[command(flatten)]
    settings: settings::SettingArgs,
    /// A topic lexicon (TOML: `[terms]` with a list of words per label) used as a prior.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Pseudo-count each lexicon word adds to its label's term counts.
    #[arg(long, default_value_t = Lexicon::DEFAULT_WEIGHT, requires = "lexicon")]
    lexicon_weight: f64,
    /// The label set, in score order (e.g. `cybersecurity,ai,wsis,financing,other`): any other
    /// label in the data is an error, and every label needs examples. Default: the labels
    /// found in the data, sorted.
    #[arg(long, value_delimiter = ',', value_name = "LABEL,...")]
    labels: Vec<String>,
}

impl ModelArgs {
    /// Reads labeled data and its label set; every error names the file and line.
    fn read_data(&self, path: &std::path::Path) -> Result<(Vec<paratopic_classifier::Example>, Vec<String>)> {
        let lines = paratopic_classifier::data::read_labeled(path)?;
        if self.labels.is_empty() {
            let examples: Vec<_> = lines.into_iter().map(|(_, e)| e).collect();
            let labels = paratopic_classifier::sorted_labels(&examples);
            return Ok((examples, labels));
        }
        for (line, e) in &lines {
            if !self.labels.contains(&e.label) {
                anyhow::bail!(
                    "{}:{line}: unknown label {:?} (expected one of {})",
                    path.display(),
                    e.label,
                    self.labels.join(", ")
                );
            }
        }
        Ok((lines.into_iter().map(|(_, e)| e).collect(), self.labels.clone()))
    }

    fn config(&self) -> Result<TrainConfig> {
        let lexicon = match &self.lexicon {
            Some(path) => {
                Lexicon { weight: self.lexicon_weight, terms: paratopic_classifier::data::read_lexicon(path)? }
            }
            None => Lexicon::default(),
        };
        Ok(TrainConfig { lexicon, ..self.settings.config()? })
    }
}

#[derive(Args)]
struct CommonArgs {
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    #[command(flatten)]
    threads: ThreadArgs,
}

#[derive(Args)]
struct ThreadArgs {
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

impl ThreadArgs {
    /// The worker pool the command runs in (`install`), so that its parallel work and
    /// `rayon::current_num_threads` see `--threads`.
    fn pool(&self) -> Result<rayon::ThreadPool> {
        let mut builder = rayon::ThreadPoolBuilder::new();
        if let Some(n) = self.threads {
            builder = builder.num_threads(n.max(1));
        }
        builder.build().context("cannot start the worker threads")
    }
}

fn load_model(path: Option<&PathBuf>) -> Result<Model> {
    match path {
        Some(p) => Ok(Model::load(p)?),
        None => Model::from_bytes(DEFAULT_MODEL).context("the built-in model is damaged"),
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Classify(args) => {
            let pool = args.common.threads.pool()?;
            // Ctrl-C stops the job cleanly: no partial output file, the previous one untouched.
            ctrlc::set_handler(|| classify::INTERRUPTED.store(true, std::sync::atomic::Ordering::Relaxed))
                .context("cannot install the Ctrl-C handler")?;
            pool.install(|| {
                classify::run(
                    || load_model(args.model.as_ref()),
                    &classify::ClassifyOptions {
                        inputs: args.inputs,
                        format: args.format,
                        output: args.output,
                        input_format: args.input_format,
                        skip_invalid: args.skip_invalid,
                        quiet: args.common.quiet,
                        verbose: args.verbose,
                        explain: args.explain,
                        rules: paratopic_classifier::Rules {
                            min_confidence: Some(args.min_confidence).filter(|p| *p > 0.0),
                            any_language: args.any_language,
                        },
                        report: args.report.map(|path| report::RunReport { path, model: args.model.clone() }),
                    },
                )
            })
        }
        Command::Train(args) => {
            let pool = args.common.threads.pool()?;
            let (examples, labels) = args.model.read_data(&args.data)?;
            let config = args.model.config()?;
            pool.install(|| train::run(&args.data, &examples, &labels, &args.output, &config, args.common.quiet))
        }
        Command::Eval(args) => {
            let pool = args.threads.pool()?;
            let opts = eval::EvalOptions {
                data: &args.data,
                folds: args.folds,
                seed: args.seed,
                folds_file: args.folds_file.as_deref(),
                json: args.json,
                report: args.report.as_deref(),
            };
            let (examples, labels) = args.model.read_data(&args.data)?;
            let config = args.model.config()?;
            pool.install(|| eval::run(&opts, &examples, &labels, &config))
        }
        Command::Audit(args) => {
            let pool = args.threads.pool()?;
            let opts = audit::AuditOptions {
                data: &args.data,
                folds: args.folds,
                seed: args.seed,
                count: args.count,
                json: args.json,
                probabilities: args.probabilities.as_deref(),
            };
            let (examples, labels) = args.model.read_data(&args.data)?;
            let config = args.model.config()?;
            pool.install(|| audit::run(&opts, &examples, &labels, &config))
        }
        Command::Suggest(args) => {
            let pool = args.common.threads.pool()?;
            let model = load_model(args.model.as_ref())?;
            pool.install(|| {
                suggest::run(
                    &model,
                    &suggest::SuggestOptions {
                        inputs: &args.inputs,
                        count: args.count,
                        output: args.output.as_deref(),
                        quiet: args.common.quiet,
                    },
                )
            })
        }
        Command::Report(args) => {
            let model = load_model(args.model.as_ref())?;
            report::run(
                &model,
                &report::ReportOptions {
                    input: &args.input,
                    output: &args.output,
                    gold: &args.gold,
                    model: args.model.as_deref(),
                },
            )
        }
        Command::Explain(args) => {
            let model = load_model(args.model.as_ref())?;
            explain::run(&model, args.label.as_deref(), args.top)
        }
    }
}

/// True when the error is a closed stdout (`paratopic classify … | head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(
                |c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe),
            )
            || e.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// glibc returns every buffer over 128 KiB to the kernel when it is freed and takes fresh,
/// zeroed pages for the next one; a streamed file allocates such buffers for every piece, and
/// the zeroing cost 12% of the main thread (perf). Serving them from the heap instead keeps
/// memory reused (peak RSS stays flat) and took 2 threads from 2.9 s to 2.3 s on 200 MB.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) if err.is::<classify::Interrupted>() => {
            eprintln!("paratopic: {err}");
            ExitCode::from(130)
        }
        Err(err) if err.is::<classify::Partial>() => {
            eprintln!("paratopic: {err}");
            ExitCode::from(classify::PARTIAL)
        }
        Err(err) => {
            eprintln!("paratopic: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
