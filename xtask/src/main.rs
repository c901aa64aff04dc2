//! Project tasks: `cargo xtask retrain | eval | bench | compare | report-check | curve | segment-check | tidy | help`.

mod args;
mod bench;
mod compare;
mod curve;
mod eval;
mod project;
mod report_check;
mod retrain;
mod segment_check;
mod tidy;

use std::path::Path;

use anyhow::Context;

use args::{flag, known_options};
use project::root;
use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  retrain [--corpus DIR] [--out DIR]
            train the default model on corpus/ and rewrite models/default.model and
            models/default.md (model card); the same corpus gives identical bytes.
            --corpus reads another corpus folder, --out writes DIR/models/ instead
  eval [--check] [--table] [--corpus DIR] [--card FILE]
            cross-validate the default settings on the seed paragraphs (5-fold and
            leave-one-document-out) and write the figures into models/default.md;
            --check fails instead when a figure is below the committed card, or when
            ../shared/tools/heldout-guard finds held-out material in corpus/;
            --table measures the settings grid into docs/measurements.md
  bench [--mb N] [--big-mb N]
            throughput and peak memory of paratopic classify (1 and 2 threads) and train,
            with scikit-learn and fastText (bench/setup.sh --fasttext) on the same N MB
            file of news (default 200), and the memory on a --big-mb file (default 1000);
            then PDF: pages/s against pdftotext on 300 pages (--pdf-only: just that)
  compare [--ceiling]
            paratopic and scikit-learn (bench/setup.sh makes its venv) on the gnad folds
            from ../shared/data, side by side; skipped when ../shared is absent.
            --ceiling runs a grid of tuned linear classifiers (NB, SVM, logistic
            regression) instead of the four baselines and names the best of it
  report-check [--records FILE] [--png FILE] [--window W,H]
            classify the bundled corpus, write its HTML report (paratopic report) and
            render it in headless Chromium (Debian's chromium) to a PNG; fails when the
            page logs to the console, draws nothing, or hovering a strip cell does not
            show its text; prints the page size and render time. --records reports on
            those records instead of the corpus
  segment-check [--check]
            read every document of corpus/real with a gold segmentation and score the
            paragraphs against it (precision, recall, F1 of exact paragraphs; furniture
            leaked; words lost), per format; the table goes into docs/measurements.md.
            --check writes nothing and fails when a document, a format or the total is
            behind that table (lower F1, more furniture leaked or words lost; CI runs it)
  tidy      check that ARCHITECTURE.md is a true map: every path and backticked name in
            it exists in the tree, and it has at most 1,500 words (CI runs it)
  curve     the learning curve of `paratopic suggest` against random picks on gnad
            (needs ../shared/data), written into docs/measurements.md
";

/// `cargo xtask eval`: print the figures and rewrite the card; `--check`: compare with the
/// card instead; `--table`: measure the settings grid into docs/measurements.md.
fn run_eval(corpus_dir: &Path, card: &Path, check: bool, table: bool) -> anyhow::Result<()> {
    let corpus = project::load_corpus(corpus_dir)?;
    let config = project::default_config(corpus_dir)?;
    if table {
        let lexicon = paratopic_classifier::Lexicon { weight: 1.0, ..project::corpus_lexicon(corpus_dir)? };
        // The table varies one setting at a time from this fixed baseline (not from the
        // current defaults, which the table itself chose).
        let base = paratopic_classifier::TrainConfig {
            variant: paratopic_classifier::Variant::Multinomial,
            tokenizer: paratopic_ingest::TokenizerConfig { stemming: true, ..Default::default() },
            decompound: false,
            per_language: false,
            stemmed_languages: Vec::new(),
            // Calibration changes probabilities, never labels: the table measures labels.
            calibrate: false,
            ..Default::default()
        };
        let rows = eval::table(&root(), &corpus, &base, &lexicon)?;
        eval::splice(&root().join("docs/measurements.md"), eval::TABLE_START, eval::TABLE_END, &rows)?;
        return Ok(());
    }
    let figures = eval::evaluate(&corpus, &config)?;
    println!("{}-fold cross-validation on the seed paragraphs:\n{}", eval::FOLDS, figures.cv.to_table());
    println!("{}", figures.cv_reliability.to_table());
    let cuts = paratopic_classifier::confidence_cuts(
        &figures.cv_predictions,
        &paratopic_corpus::topics(),
        &[0.0, 0.5, 0.7, 0.9],
    );
    println!(
        "classify --min-confidence P on the seed cross-validation (precision / coverage per label):\n{}",
        paratopic_classifier::cuts_table(&cuts, &paratopic_corpus::topics())
    );
    println!("leave-one-document-out:\n{}", figures.lodo.to_table());
    println!("English authored paragraphs, {}-fold cross-validation:\n{}", eval::FOLDS, figures.en_cv.to_table());
    if check {
        heldout_guard(corpus_dir)?;
        return eval::check(card, &figures);
    }
    let model_path = root().join(project::MODEL_FILE);
    let bytes = std::fs::read(&model_path)?;
    let model = paratopic_classifier::Model::from_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", model_path.display()))?;
    let held_out = eval::held_out(&root(), corpus_dir, &corpus, &model)?;
    println!("held out, the committed model:\n{}", eval::held_out_text(&held_out));
    if !corpus.real_dev.is_empty() {
        println!("{}", eval::real_dev_cuts(&corpus, &model, &[0.0, 0.5, 0.6, 0.7, 0.8, 0.9]));
    }
    let text = retrain::model_card(&corpus, &model, &bytes, &figures, &held_out);
    project::write_together(&[(card, text.as_bytes())])?;
    println!("wrote {}", card.display());
    Ok(())
}

/// Runs `../shared/tools/heldout-guard` over the corpus's training and dev files when it is
/// there: a text of held-out evaluation material in them fails the check.
fn heldout_guard(corpus_dir: &Path) -> anyhow::Result<()> {
    let guard = root().join("../shared/tools/heldout-guard");
    if !guard.exists() {
        println!("heldout-guard: {} is absent; skipped", guard.display());
        return Ok(());
    }
    let dirs = ["authored", "dev", "labels", "real"].map(|d| corpus_dir.join(d));
    let out = std::process::Command::new(&guard)
        .args(dirs.iter().filter(|d| d.exists()))
        .output()
        .with_context(|| format!("{}", guard.display()))?;
    let report = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    println!("heldout-guard: {}", report.lines().last().unwrap_or("no output"));
    // The guard exits 1 when it finds held-out material.
    if !out.status.success() {
        anyhow::bail!("heldout-guard reports held-out material in the corpus; drop it:\n{report}");
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match args.first().map(String::as_str) {
        Some("retrain") => known_options(&args, &[], &["--corpus", "--out"]),
        Some("compare") => known_options(&args, &["--ceiling"], &[]),
        Some("bench") => known_options(&args, &["--pdf-only"], &["--mb", "--big-mb"]),
        Some("eval") => known_options(&args, &["--check", "--table"], &["--corpus", "--card"]),
        Some("report-check") => known_options(&args, &[], &["--records", "--png", "--window"]),
        Some("tidy") => known_options(&args, &[], &[]),
        Some("segment-check") => known_options(&args, &["--check"], &[]),
        _ => Ok(()),
    };
    if let Err(e) = options {
        eprintln!("xtask: error: {e:#}");
        return ExitCode::from(1);
    }
    let result = match args.first().map(String::as_str) {
        Some("retrain") => {
            let corpus = flag(&args, "--corpus").unwrap_or_else(|| root().join("corpus"));
            let out = flag(&args, "--out").unwrap_or_else(root);
            retrain::run(&corpus, &out)
        }
        Some("compare") => compare::run(&root(), args.iter().any(|a| a == "--ceiling")),
        Some("tidy") => tidy::run(&root()),
        Some("segment-check") => segment_check::run(&root()).and_then(|table| {
            let measurements = root().join("docs/measurements.md");
            if args.iter().any(|a| a == "--check") {
                segment_check::check(&measurements, &table)
            } else {
                eval::splice(&measurements, segment_check::START, segment_check::END, &table)
            }
        }),
        Some("bench") => bench::run(&root(), &args[1..]),
        Some("curve") => curve::run(&root()).and_then(|table| match table {
            Some(table) => {
                eval::splice(&root().join("docs/measurements.md"), eval::CURVE_START, eval::CURVE_END, &table)
            }
            None => Ok(()),
        }),
        Some("eval") => {
            let corpus = flag(&args, "--corpus").unwrap_or_else(|| root().join("corpus"));
            let card = flag(&args, "--card").unwrap_or_else(|| root().join(project::CARD_FILE));
            run_eval(&corpus, &card, args.iter().any(|a| a == "--check"), args.iter().any(|a| a == "--table"))
        }
        Some("report-check") => report_check::run(
            &root(),
            &report_check::Options {
                records: flag(&args, "--records"),
                png: flag(&args, "--png"),
                window: flag(&args, "--window").map_or_else(|| "1280,2400".to_owned(), |w| w.display().to_string()),
            },
        ),
        Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        other => {
            if let Some(task) = other {
                eprintln!("unknown task {task:?}\n");
            }
            eprint!("{HELP}");
            return ExitCode::from(1);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
