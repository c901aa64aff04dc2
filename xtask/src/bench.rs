//! `cargo xtask bench`: throughput and memory of `paratopic classify` and `train`, side by
//! side with scikit-learn and fastText on the same files in the same run.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};

/// One measured run.
struct Run {
    what: String,
    seconds: f64,
    bytes: u64,
    documents: u64,
    peak_rss_kb: Option<u64>,
}

/// Runs a command under `/usr/bin/time` (wall time and peak RSS of the process); the
/// command's stdout is returned, or discarded when `keep_stdout` is false.
fn measure(command: Command, keep_stdout: bool) -> Result<(f64, Option<u64>, String)> {
    let time = Path::new("/usr/bin/time");
    let mut run = if time.exists() {
        let mut timed = Command::new(time);
        timed.arg("-f").arg("@@rss %M").arg(command.get_program()).args(command.get_args());
        timed
    } else {
        command
    };
    if !keep_stdout {
        run.stdout(std::process::Stdio::null());
    }
    let start = Instant::now();
    let output = run.output()?;
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!("{:?} failed: {}", run, stderr.lines().last().unwrap_or(""));
    }
    let rss = stderr.lines().rev().find_map(|l| l.strip_prefix("@@rss ")).and_then(|v| v.trim().parse().ok());
    Ok((seconds, rss, String::from_utf8_lossy(&output.stdout).into_owned()))
}

/// Writes `size` bytes of text, one document per line, from the gnad articles (or the corpus
/// paragraphs when ../shared is absent), always the same bytes for the same size.
fn make_input(root: &Path, path: &Path, size: u64) -> Result<u64> {
    if path.metadata().is_ok_and(|m| m.len() >= size) {
        return Ok(std::fs::read_to_string(path.with_extension("lines"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0));
    }
    let texts: Vec<String> = match crate::eval::gnad(root)? {
        Some((examples, _)) => examples.into_iter().map(|e| e.text).collect(),
        None => paratopic_corpus::Corpus::load(&root.join("corpus"))?.examples().into_iter().map(|e| e.text).collect(),
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    let (mut written, mut lines) = (0u64, 0u64);
    while written < size {
        let text = texts[(lines as usize) % texts.len()].replace(['\n', '\r'], " ");
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
        written += text.len() as u64 + 1;
        lines += 1;
    }
    out.flush()?;
    std::fs::write(path.with_extension("lines"), lines.to_string())?;
    Ok(lines)
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mb: u64 = crate::args::number(args, "--mb")?.unwrap_or(200);
    let big_mb: u64 = crate::args::number(args, "--big-mb")?.unwrap_or(1000);
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir)?;
    eprintln!("building paratopic (release)…");
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--bin", "paratopic"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let paratopic = root.join("target/release/paratopic");
    if args.iter().any(|a| a == "--pdf-only") {
        return pdf_rows(root, &paratopic, &dir);
    }
    // Every tool trains on the gnad articles, or on the corpus paragraphs without ../shared.
    let (train_data, n_train) = match crate::eval::gnad(root)? {
        Some((examples, _)) => (root.join("../shared/data/gnad-test.jsonl"), examples.len()),
        None => {
            eprintln!("../shared/data/gnad-test.jsonl is not there: training on corpus/ and making the input from it");
            let corpus = paratopic_corpus::Corpus::load(&root.join("corpus"))?;
            let path = dir.join("corpus-train.jsonl");
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
            for e in corpus.examples() {
                writeln!(out, "{}", serde_json::json!({"text": e.text, "label": e.label}))?;
            }
            out.flush()?;
            (path, corpus.paragraphs.len())
        }
    };
    let input = dir.join(format!("news-{mb}mb.txt"));
    eprintln!("making {} …", input.display());
    let documents = make_input(root, &input, mb * 1_000_000)?;
    let bytes = input.metadata()?.len();
    let model = dir.join("gnad.model");
    let output = dir.join("out.jsonl");
    let mut runs: Vec<Run> = Vec::new();
    let mut push = |what: &str, seconds: f64, bytes: u64, documents: u64, rss: Option<u64>| {
        eprintln!("  {what}: {seconds:.2} s");
        runs.push(Run { what: what.into(), seconds, bytes, documents, peak_rss_kb: rss });
    };

    // Baselines of the machine (a first `cat` brings the file into the page cache).
    measure(cmd("cat", &[&input]), false)?;
    let (s, rss, _) = measure(cmd("cat", &[&input]), false)?;
    push("cat (page cache)", s, bytes, documents, rss);
    let (s, rss, _) = measure(cmd("wc", &[Path::new("-w"), &input]), false)?;
    push("wc -w (one core)", s, bytes, documents, rss);

    // paratopic.
    let train_args = [Path::new("train"), Path::new("--data"), &train_data, Path::new("-o"), &model, Path::new("-q")];
    let (s, rss, _) = measure(cmd(&paratopic, &train_args), false)?;
    push(&format!("paratopic train ({n_train} paragraphs)"), s, 0, n_train as u64, rss);
    for threads in ["2", "1"] {
        let args = [
            Path::new("classify"),
            &input,
            Path::new("--model"),
            &model,
            Path::new("-q"),
            Path::new("-o"),
            &output,
            Path::new("--threads"),
            Path::new(threads),
        ];
        let (s, rss, _) = measure(cmd(&paratopic, &args), false)?;
        push(&format!("paratopic classify, JSONL out, {threads} thread(s)"), s, bytes, documents, rss);
    }

    // Peers.
    match peers_python(root) {
        Ok(python) => {
            let script = root.join("bench/peers.py");
            let train_only = measure(cmd(&python, &[&script, Path::new("sklearn-train"), &train_data]), true);
            match train_only {
                Ok((_, rss, out)) => {
                    push("scikit-learn train (vectorize + fit)", json_seconds(&out)?, 0, n_train as u64, rss)
                }
                Err(e) => eprintln!("scikit-learn: skipped ({e:#})"),
            }
            for (mode, name) in [
                ("sklearn", "scikit-learn CountVectorizer + MultinomialNB predict"),
                ("fasttext", "fastText predict (1 thread)"),
            ] {
                match measure(cmd(&python, &[&script, Path::new(mode), &train_data, &input]), true) {
                    Ok((_, rss, out)) => push(name, json_seconds(&out)?, bytes, documents, rss),
                    Err(e) => eprintln!("{name}: skipped ({e:#})"),
                }
            }
        }
        Err(e) => eprintln!("peers: skipped, bench/setup.sh failed ({e:#})"),
    }

    // Memory on a larger input.
    if big_mb > 0 {
        let big = dir.join(format!("news-{big_mb}mb.txt"));
        eprintln!("making {} …", big.display());
        let big_docs = make_input(root, &big, big_mb * 1_000_000)?;
        let big_bytes = big.metadata()?.len();
        let args =
            [Path::new("classify"), &big, Path::new("--model"), &model, Path::new("-q"), Path::new("-o"), &output];
        let (s, rss, _) = measure(cmd(&paratopic, &args), false)?;
        push(&format!("paratopic classify {big_mb} MB, 2 threads"), s, big_bytes, big_docs, rss);
        // The same through a pipe (`cat | paratopic classify -`): streamed as the file is. The
        // peak RSS /usr/bin/time reports is the largest of the shell's children: paratopic's.
        let script = format!(
            "cat '{}' | '{}' classify - --model '{}' -q -o '{}'",
            big.display(),
            paratopic.display(),
            model.display(),
            output.display()
        );
        let (s, rss, _) = measure(cmd("sh", &[Path::new("-c"), Path::new(&script)]), false)?;
        push(
            &format!("paratopic classify {big_mb} MB on standard input (cat |), 2 threads"),
            s,
            big_bytes,
            big_docs,
            rss,
        );
    }
    // Ten million short JSONL lines with distinct ids on standard input: the duplicate-id check
    // in flat memory (src/ids.rs).
    let lines = dir.join("ten-million-lines.jsonl");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&lines)?);
        for n in 0..10_000_000u64 {
            writeln!(out, "{{\"id\":\"p{n}\",\"text\":\"Absatz {}\"}}", n % 97)?;
        }
        out.flush()?;
    }
    let script = format!(
        "cat '{}' | '{}' classify --input-format jsonl - --model '{}' -q -o '{}'",
        lines.display(),
        paratopic.display(),
        model.display(),
        output.display()
    );
    let (s, rss, _) = measure(cmd("sh", &[Path::new("-c"), Path::new(&script)]), false)?;
    push(
        "paratopic classify --input-format jsonl, 10 million short lines (cat |), 2 threads",
        s,
        lines.metadata()?.len(),
        10_000_000,
        rss,
    );
    let _ = std::fs::remove_file(&lines);
    let _ = std::fs::remove_file(&output);
    print_table(&runs);
    pdf_rows(root, &paratopic, &dir)
}

/// Copies of the PDF fixture (3 pages each) the PDF rows read.
const PDF_COPIES: usize = 100;

/// PDF: `paratopic classify` (extraction, clean-up and classification) against poppler's
/// `pdftotext` (extraction alone, one process per file as a script would run it) on the same
/// few hundred pages.
fn pdf_rows(root: &Path, paratopic: &Path, dir: &Path) -> Result<()> {
    let fixture = root.join("crates/ingest/tests/fixtures/un-res-75-32-de.pdf");
    let pdfs = dir.join("pdf");
    std::fs::create_dir_all(&pdfs)?;
    for i in 0..PDF_COPIES {
        std::fs::copy(&fixture, pdfs.join(format!("res-{i:03}.pdf")))?;
    }
    let pages = (3 * PDF_COPIES) as f64;
    let records = cmd(paratopic, &[Path::new("classify"), &pdfs, Path::new("-q")]).output()?;
    let text_bytes: usize = String::from_utf8_lossy(&records.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|r| r["text"].as_str().map_or(0, str::len))
        .sum();
    let mb = text_bytes as f64 / 1e6;
    println!(
        "\n| PDF ({PDF_COPIES} files, {pages} pages, {mb:.2} MB of paragraph text) | wall | pages/s | MB/s of text |"
    );
    println!("|---|---:|---:|---:|");
    let best = |command: &dyn Fn() -> Command| -> Result<f64> {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            best = best.min(measure(command(), false)?.0);
        }
        Ok(best)
    };
    let ours = best(&|| cmd(paratopic, &[Path::new("classify"), &pdfs, Path::new("-q")]))?;
    println!(
        "| paratopic classify (extract + classify, 2 threads) | {ours:.2} s | {:.0} | {:.2} |",
        pages / ours,
        mb / ours
    );
    let script = format!("for f in {}/*.pdf; do pdftotext -q \"$f\" - || exit 1; done", pdfs.display());
    match Command::new("pdftotext").arg("-v").output() {
        Ok(_) => {
            let theirs = best(&|| {
                let mut c = Command::new("sh");
                c.arg("-c").arg(&script);
                c
            })?;
            println!(
                "| pdftotext (extract only, one process per file) | {theirs:.2} s | {:.0} | {:.2} |",
                pages / theirs,
                mb / theirs
            );
            println!(
                "\nparatopic end to end is {:.2}× the speed of pdftotext's extraction alone (best of 3 each)",
                theirs / ours
            );
        }
        Err(_) => println!("| pdftotext | not installed (apt-get install poppler-utils) | | |"),
    }
    Ok(())
}

fn cmd(program: impl AsRef<std::ffi::OsStr>, args: &[&Path]) -> Command {
    let mut c = Command::new(program);
    c.args(args);
    c
}

/// The `seconds` of a peer's one-line JSON report.
fn json_seconds(out: &str) -> Result<f64> {
    let report: serde_json::Value =
        serde_json::from_str(out.trim()).with_context(|| format!("unexpected output: {out}"))?;
    report["seconds"].as_f64().context("no seconds in the peer's output")
}

/// The venv python with scikit-learn (and fastText when it builds), made by bench/setup.sh.
fn peers_python(root: &Path) -> Result<PathBuf> {
    let out = Command::new("bash").arg(root.join("bench/setup.sh")).arg("--fasttext").output()?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or(""));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).lines().last().unwrap_or("").trim()))
}

fn print_table(runs: &[Run]) {
    let find = |prefix: &str| runs.iter().find(|r| r.what.starts_with(prefix)).map(|r| r.seconds);
    let ours = find("paratopic classify, JSONL out, 2");
    println!("\n| what | wall | MB/s | documents/s | peak RSS | paratopic (2 threads) is faster by |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in runs {
        let mbs = if r.bytes > 0 { format!("{:.1}", r.bytes as f64 / 1e6 / r.seconds) } else { String::new() };
        let docs = format!("{:.0}", r.documents as f64 / r.seconds);
        let rss = r.peak_rss_kb.map_or("n/a".into(), |kb| format!("{:.1} MB", kb as f64 / 1024.0));
        let ratio = match (ours, r.bytes > 0 && !r.what.starts_with("paratopic")) {
            (Some(o), true) => format!("{:.1}×", r.seconds / o),
            _ => String::new(),
        };
        println!("| {} | {:.2} s | {mbs} | {docs} | {rss} | {ratio} |", r.what, r.seconds);
    }
    if let (Some(one), Some(two)) = (find("paratopic classify, JSONL out, 1"), ours) {
        println!("\n1 → 2 threads: {:.2}× speed-up", one / two);
    }
    if let (Some(p), Some(s)) = (find("paratopic train"), find("scikit-learn train")) {
        println!("train: paratopic {p:.3} s (whole process) vs scikit-learn {s:.3} s (vectorize + fit, in-process)");
    }
}
