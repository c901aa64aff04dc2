//! The `paratopic` command line: label the paragraphs of policy documents by topic.

mod classify;
mod input;
mod output;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use paratopic_classifier::{Model, TrainConfig};
use paratopic_ingest::{NumberPolicy, TokenizerConfig};

/// The default model, trained by `cargo xtask retrain` from `corpus/`.
const DEFAULT_MODEL: &[u8] = include_bytes!("../models/default.model");

#[derive(Parser)]
#[command(
    name = "paratopic",
    version,
    about = "Label the paragraphs of policy documents by topic (cybersecurity, ai, wsis, financing, other)",
    long_about = "Label the paragraphs of policy documents by topic.\n\n\
        paratopic reads documents (UN resolutions, reports, news; German first), cuts them into \
        paragraphs and labels every paragraph with a multinomial Naive Bayes model. The default \
        model is built in; `train` makes models for your own label sets.",
    after_help = "Examples:\n  \
        paratopic classify corpus/documents > labeled.jsonl\n  \
        paratopic classify report.txt --format csv -o labeled.csv\n  \
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
    /// order and their .txt and .md files read (other files are skipped with a warning). `-`
    /// reads standard input. Records go to standard output unless -o is given; the output
    /// order is the document order, then the paragraph order, whatever the thread count.
    /// Each record has: doc, paragraph, start, end (byte span in the file), kind (heading,
    /// body, list_item, reference, footnote), section (nearest heading above), text, label,
    /// confidence (probability of the label) and scores (probability per label).
    Classify(ClassifyArgs),
    /// Train a model on a JSONL file of {"text": ..., "label": ...} lines, with any label set.
    Train(TrainArgs),
    /// List the terms that indicate a label most strongly in a model.
    Explain(ExplainArgs),
}

#[derive(Args)]
struct ClassifyArgs {
    /// Files or folders to classify; `-` (the default) reads standard input.
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
    input_format: InputFormat,
    /// Add to each record the N terms that pushed the paragraph most towards its label.
    #[arg(long, value_name = "N", default_value_t = 0)]
    explain: usize,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InputFormat {
    Text,
    Jsonl,
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

/// Settings of tokenization and training, shared by every command that trains.
#[derive(Args)]
pub struct ModelArgs {
    /// Additive smoothing of the term counts.
    #[arg(long, default_value_t = TrainConfig::default().alpha)]
    alpha: f64,
    /// Keep only terms that occur in at least this many training paragraphs.
    #[arg(long, default_value_t = TrainConfig::default().min_df)]
    min_df: usize,
    /// Keep German function words (der, und, …).
    #[arg(long)]
    no_stopwords: bool,
    /// Do not reduce words to their stem.
    #[arg(long)]
    no_stemming: bool,
    /// What to do with numbers and dates.
    #[arg(long, value_enum, default_value = "drop")]
    numbers: Numbers,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Numbers {
    Drop,
    Placeholder,
    Keep,
}

impl ModelArgs {
    fn config(&self) -> TrainConfig {
        TrainConfig {
            tokenizer: TokenizerConfig {
                stopwords: !self.no_stopwords,
                stemming: !self.no_stemming,
                numbers: match self.numbers {
                    Numbers::Drop => NumberPolicy::Drop,
                    Numbers::Placeholder => NumberPolicy::Placeholder,
                    Numbers::Keep => NumberPolicy::Keep,
                },
            },
            min_df: self.min_df,
            alpha: self.alpha,
        }
    }
}

#[derive(Args)]
struct CommonArgs {
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

impl CommonArgs {
    fn apply(&self) -> Result<()> {
        if let Some(n) = self.threads {
            rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("cannot start the worker threads")?;
        }
        Ok(())
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
            args.common.apply()?;
            let model = load_model(args.model.as_ref())?;
            classify::run(
                &model,
                &classify::ClassifyOptions {
                    inputs: args.inputs,
                    format: args.format,
                    output: args.output,
                    jsonl_input: args.input_format == InputFormat::Jsonl,
                    quiet: args.common.quiet,
                    explain: args.explain,
                },
            )
        }
        Command::Train(args) => {
            args.common.apply()?;
            train::run(&args.data, &args.output, &args.model.config(), args.common.quiet)
        }
        Command::Explain(args) => {
            let model = load_model(args.model.as_ref())?;
            let labels: Vec<usize> = match &args.label {
                Some(l) => vec![model.labels().iter().position(|x| x == l).with_context(|| {
                    format!("unknown label {l:?} (the model knows: {})", model.labels().join(", "))
                })?],
                None => (0..model.labels().len()).collect(),
            };
            for label in labels {
                println!("{}", model.labels()[label]);
                for (term, weight) in model.indicative_terms(label, args.top) {
                    println!("  {weight:>7.3}  {term}");
                }
            }
            Ok(())
        }
    }
}

/// True when the error is a closed stdout (`paratopic classify … | head`).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<csv::Error>().is_some_and(|c| matches!(c.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe))
            || e.downcast_ref::<serde_json::Error>().is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("paratopic: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
