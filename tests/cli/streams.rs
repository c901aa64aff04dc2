//! Streams through the real binary: standard input of any length in flat memory, special
//! files named as inputs, and `-o` onto links, pipes and devices.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::util::BIN;

/// The peak memory the harness allows a streaming job, whatever the input length: the
/// default model held in memory (about 30 MB since it learned from the real documents of
/// `corpus/real/`, 23,953 terms) and the bounded pipeline.
const FLAT_MEMORY_BYTES: u64 = 80 << 20;

/// How much the flat-memory tests stream: three times the bound, so that a job holding its
/// input cannot pass (the gigabyte runs are `cargo xtask bench --big-mb 1000`).
const STREAMED_BYTES: u64 = 256 << 20;

/// A real resolution, cut into paragraphs by blank lines: the text streamed in the tests.
fn seed_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents/un-res-75-32-de.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// Watches a running child's peak resident memory (`VmHWM` in `/proc/PID/status`, a high-water
/// mark of the program's own memory) until it exits; the thread returns the peak in bytes.
/// (`wait4`'s `ru_maxrss` would not do: it also counts the test process, whose memory the child
/// shares until it starts the binary.)
#[cfg(target_os = "linux")]
fn watch_peak_memory(child: &Child) -> std::thread::JoinHandle<u64> {
    let path = format!("/proc/{}/status", child.id());
    std::thread::spawn(move || {
        let mut peak = 0;
        // An exited child (a zombie until it is waited for) has no memory lines.
        while let Some(kb) = std::fs::read_to_string(&path).ok().and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        }) {
            peak = peak.max(kb * 1024);
            std::thread::sleep(Duration::from_millis(20));
        }
        peak
    })
}

/// Streams `total` bytes made by `chunk(i)` into the child's standard input from a thread,
/// and reads its standard output and standard error to the end, each in a thread; returns
/// the number of output lines, the last output line and standard error.
fn feed_and_drain(
    child: &mut Child,
    total: u64,
    chunk: impl Fn(u64) -> Vec<u8> + Send + 'static,
) -> (u64, String, String) {
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let mut sent = 0u64;
        let mut i = 0;
        while sent < total {
            let bytes = chunk(i);
            if stdin.write_all(&bytes).is_err() {
                break;
            }
            sent += bytes.len() as u64;
            i += 1;
        }
    });
    let stdout = child.stdout.take().unwrap();
    let drain = std::thread::spawn(move || {
        let mut lines = 0u64;
        let mut last = String::new();
        let mut line = String::new();
        let mut reader = BufReader::with_capacity(1 << 20, stdout);
        while reader.read_line(&mut line).unwrap() > 0 {
            lines += 1;
            std::mem::swap(&mut last, &mut line);
            line.clear();
        }
        (lines, last)
    });
    let mut stderr = child.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        stderr.read_to_string(&mut s).unwrap();
        s
    });
    feeder.join().unwrap();
    let (lines, last) = drain.join().unwrap();
    (lines, last, errors.join().unwrap())
}

#[cfg(target_os = "linux")]
#[test]
fn a_quarter_gigabyte_of_text_on_standard_input_in_flat_memory() {
    let copy = format!("{}\n\n", seed_text().trim_end());
    let copy_len = copy.len() as u64;
    let block = copy.repeat((1 << 20) / copy.len() + 1).into_bytes();
    let total = STREAMED_BYTES;
    let mut child = spawn(&["classify", "-q", "-"]);
    let watch = watch_peak_memory(&child);
    let (lines, last, err) = feed_and_drain(&mut child, total, move |_| block.clone());
    assert!(child.wait().unwrap().success(), "{err}");
    let peak = watch.join().unwrap();
    assert!(peak > 8 << 20 && peak < FLAT_MEMORY_BYTES, "peak memory {} MB", peak >> 20);
    // Every byte was read: the last paragraph ends within the last copy of the document.
    let last: serde_json::Value = serde_json::from_str(&last).unwrap();
    let end = last["end"].as_u64().unwrap();
    let sent = total.div_ceil(((1 << 20) / copy_len + 1) * copy_len) * ((1 << 20) / copy_len + 1) * copy_len;
    assert!(end > sent - copy_len && end <= sent, "last paragraph ends at {end} of {sent}");
    assert!(lines > 750_000, "{lines} records");
}

#[cfg(target_os = "linux")]
#[test]
fn a_quarter_gigabyte_of_jsonl_on_standard_input_in_flat_memory() {
    // Records of about 2 KB (a news article, a section of a report), made of the paragraphs of
    // a real report.
    let report = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/documents/ig-report-2025-q4-de.txt"),
    )
    .unwrap();
    let mut texts = vec![String::new()];
    for p in report.lines().map(|p| p.split_whitespace().collect::<Vec<_>>().join(" ")) {
        let last = texts.last_mut().unwrap();
        last.push_str(&p);
        last.push(' ');
        if last.len() > 2000 {
            texts.push(String::new());
        }
    }
    texts.pop();
    assert!(texts.len() > 10);
    let total = STREAMED_BYTES;
    let chunk = move |i: u64| {
        let mut out = Vec::with_capacity(1 << 20);
        let mut n = 0;
        while out.len() < 1 << 20 {
            let text = &texts[n % texts.len()];
            serde_json::to_writer(&mut out, &serde_json::json!({"id": format!("{i}-{n}"), "text": text})).unwrap();
            out.push(b'\n');
            n += 1;
        }
        out
    };
    let lines_per_chunk = {
        let c = chunk(0);
        c.iter().filter(|&&b| b == b'\n').count() as u64
    };
    let mut child = spawn(&["classify", "-q", "--input-format", "jsonl", "-"]);
    let watch = watch_peak_memory(&child);
    let (lines, last, err) = feed_and_drain(&mut child, total, chunk);
    assert!(child.wait().unwrap().success(), "{err}");
    let peak = watch.join().unwrap();
    assert!(peak > 8 << 20 && peak < FLAT_MEMORY_BYTES, "peak memory {} MB", peak >> 20);
    // One record per line, in order, the duplicate-id check having seen every id.
    let chunks = lines / lines_per_chunk;
    assert_eq!(lines, chunks * lines_per_chunk);
    assert!(chunks >= 256, "{chunks} chunks");
    let last: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(last["id"], format!("{}-{}", chunks - 1, lines_per_chunk - 1));
}

#[cfg(target_os = "linux")]
#[test]
fn ten_million_jsonl_lines_in_flat_memory_with_every_duplicate_id_reported() {
    // Short records, whose ids are most of what a line holds: the duplicate-id check must not
    // grow with them. Line 6 repeats the id of line 5 (told at once, its line left out with
    // --skip-invalid); line 9,000,000 repeats the id of line 2 (told at the end of the input).
    const LINES: u64 = 10_000_000;
    const PER_CHUNK: u64 = 50_000;
    let id = |n: u64| match n {
        6 => 5,
        9_000_000 => 2,
        n => n,
    };
    let chunk = move |i: u64| {
        let mut out = Vec::with_capacity(PER_CHUNK as usize * 24);
        for n in i * PER_CHUNK + 1..=(i + 1) * PER_CHUNK {
            out.extend_from_slice(format!("{{\"id\":\"p{}\",\"text\":\"{}\"}}\n", id(n), n % 7).as_bytes());
        }
        out
    };
    let total: u64 = (0..LINES / PER_CHUNK).map(|i| chunk(i).len() as u64).sum();
    let mut child = spawn(&["classify", "-q", "--skip-invalid", "--input-format", "jsonl", "-"]);
    let watch = watch_peak_memory(&child);
    let (lines, last, err) = feed_and_drain(&mut child, total, chunk);
    assert!(child.wait().unwrap().success(), "{err}");
    let peak = watch.join().unwrap();
    assert!(peak < FLAT_MEMORY_BYTES, "peak memory {} MB", peak >> 20);
    assert_eq!(lines, LINES - 1, "every line but the near duplicate");
    let last: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(last["id"], format!("p{LINES}"));
    assert!(err.contains("warning: skipping -:6: duplicate id \"p5\" (first on line 5)"), "{err}");
    assert!(err.contains("warning: -:9000000: duplicate id (the id of line 2); kept"), "{err}");
    assert_eq!(err.matches("duplicate id").count(), 2, "{err}");
}

#[test]
fn a_duplicate_id_far_from_the_first_fails_the_job_without_an_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (1..=300_000u64)
        .map(|n| format!("{{\"id\":\"p{}\",\"text\":\"1\"}}\n", if n == 299_999 { 3 } else { n }))
        .collect();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, lines).unwrap();
    let out = Command::new(BIN)
        .args(["classify", "-q", "--input-format", "jsonl", "-o"])
        .arg(dir.path().join("out.jsonl"))
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in.jsonl:299999: duplicate id (the id of line 3)"), "{err}");
    assert!(!dir.path().join("out.jsonl").exists(), "no partial output file");
}

/// Runs the binary with `input` on standard input and returns its standard output.
fn through_stdin(args: &[&str], input: Vec<u8>) -> Vec<u8> {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn standard_input_gives_the_bytes_a_file_gives() {
    let dir = tempfile::tempdir().unwrap();
    // Over the size at which files are read in pieces, and under it.
    let copy = format!("{}\n\n", seed_text().trim_end());
    for (name, text) in [("big.txt", copy.repeat(600)), ("small.txt", copy.clone())] {
        let path = dir.path().join(name);
        std::fs::write(&path, &text).unwrap();
        let from_file = Command::new(BIN).args(["classify", "-q"]).arg(&path).output().unwrap();
        assert!(from_file.status.success());
        let from_stdin = through_stdin(&["classify", "-q", "-"], text.into_bytes());
        let expected =
            String::from_utf8(from_file.stdout).unwrap().replace(&format!("\"doc\":\"{name}\""), "\"doc\":\"-\"");
        assert!(expected.lines().count() > 10);
        assert!(String::from_utf8(from_stdin).unwrap() == expected, "{name}: standard input and file differ");
    }
    // JSONL in pieces too.
    let jsonl: String = (0..60_000)
        .map(|i| format!("{{\"id\":\"p{i}\",\"text\":\"Die Staaten verurteilen Cyberangriffe, Absatz {i}.\"}}\n"))
        .collect();
    assert!(jsonl.len() > 4 << 20);
    let path = dir.path().join("big.jsonl");
    std::fs::write(&path, &jsonl).unwrap();
    let args = ["classify", "-q", "--input-format", "jsonl"];
    let from_file = Command::new(BIN).args(args).arg(&path).output().unwrap();
    let from_stdin = through_stdin(&[&args[..], &["-"]].concat(), jsonl.into_bytes());
    let expected = String::from_utf8(from_file.stdout).unwrap().replace("\"doc\":\"big.jsonl\"", "\"doc\":\"-\"");
    assert_eq!(expected.lines().count(), 60_000);
    assert!(String::from_utf8(from_stdin).unwrap() == expected, "JSONL: standard input and file differ");
}

#[test]
fn records_come_out_while_input_is_still_arriving() {
    let copy = format!("{}\n\n", seed_text().trim_end());
    let mut child = spawn(&["classify", "-q", "-"]);
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        send.send(line).unwrap();
        // Keep reading, so that the job never waits on a full pipe.
        std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
    });
    // More than is read before deciding to stream (4 MiB), and a round of pieces more.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(copy.repeat(1000).as_bytes()).unwrap();
    stdin.flush().unwrap();
    // Standard input is still open: the first records must come anyway.
    let first = receive.recv_timeout(Duration::from_secs(120)).expect("no record before the input ended");
    assert!(first.starts_with("{\"doc\":\"-\",\"paragraph\":0,"), "{first}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_device_named_as_input_is_read_as_a_stream() {
    // /dev/zero never ends: it is refused as binary from its first bytes.
    let out = Command::new(BIN).args(["classify", "/dev/zero"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim(), "paratopic: error: /dev/zero: binary file (NUL bytes)");
    let out = Command::new(BIN).args(["classify", "--input-format", "jsonl", "/dev/zero"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/dev/zero: binary file (NUL bytes)"));
    // A PDF on standard input is a document, not binary noise.
    let pdf =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/ingest/tests/fixtures/un-res-75-32-de.pdf"))
            .unwrap();
    let out = String::from_utf8(through_stdin(&["classify", "-q", "-"], pdf)).unwrap();
    assert!(out.lines().count() > 10 && out.contains("\"format\":\"pdf\""), "{out}");
    // A named pipe named directly is read to its end.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("in.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, seed_text()))
    };
    let out = Command::new(BIN).args(["classify", "-q"]).arg(&fifo).output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() > 10);
    assert!(text.starts_with("{\"doc\":\"in.txt\",\"paragraph\":0,"));
}

#[cfg(unix)]
#[test]
fn output_through_links_pipes_and_devices() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, seed_text()).unwrap();
    let expected = Command::new(BIN).args(["classify", "-q"]).arg(&input).output().unwrap().stdout;
    assert!(!expected.is_empty());
    let classify_to =
        |out: &Path| Command::new(BIN).args(["classify", "-q"]).arg(&input).arg("-o").arg(out).output().unwrap();

    // A symbolic link: its target gets the output, the link stays a link.
    std::fs::create_dir(dir.path().join("data")).unwrap();
    let target = dir.path().join("data/labeled.jsonl");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("labeled.jsonl");
    std::os::unix::fs::symlink("data/labeled.jsonl", &link).unwrap();
    let out = classify_to(&link);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), expected);

    // A named pipe: the reader at the other end gets the records; the pipe stays a pipe.
    let fifo = dir.path().join("pipe.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo))
    };
    let out = classify_to(&fifo);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(reader.join().unwrap().unwrap(), expected);
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&fifo.symlink_metadata().unwrap().file_type()));

    // /dev/stdout: written directly to whatever standard output is.
    let out = classify_to(Path::new("/dev/stdout"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, expected);
    // /dev/full: the write error is reported, and the device is still a device.
    let out = classify_to(Path::new("/dev/full"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("No space left on device"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(&Path::new("/dev/full").metadata().unwrap().file_type()));
    // No temporary file was left beside any output.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".paratopic-")), "{names:?}");
}

#[test]
fn a_duplicate_id_is_found_deep_in_a_stream() {
    let mut jsonl: String = (0..100_000)
        .map(|i| format!("{{\"id\":\"p{i}\",\"text\":\"Künstliche Intelligenz, Absatz {i}.\"}}\n"))
        .collect();
    assert!(jsonl.len() > 4 << 20, "read in pieces");
    jsonl.push_str("{\"id\":\"p17\",\"text\":\"Noch einmal.\"}\n");
    let mut child = spawn(&["classify", "-q", "--input-format", "jsonl", "-"]);
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || stdin.write_all(jsonl.as_bytes()));
    let out = child.wait_with_output().unwrap();
    let _ = feeder.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim(), "paratopic: error: -:100001: duplicate id \"p17\" (first on line 18)");
}
