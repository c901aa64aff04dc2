//! What every end-to-end test needs: the binary, the project root, and readers of its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The `paratopic` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_paratopic");

/// The project root (where `corpus/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the project root.
pub fn paratopic(args: &[&str]) -> Output {
    run_on(&root(), args)
}

/// Runs the binary in `dir`.
pub fn run_on(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("the binary runs")
}

/// The JSONL records on standard output.
pub fn records(out: &Output) -> Vec<Value> {
    String::from_utf8(out.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit code 2 and one line on stderr that contains `expect`.
pub fn assert_error(out: &Output, expect: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(expect), "expected {expect:?} in {err}");
    assert!(!err.contains("panicked"));
}

/// Four labeled lines in two labels, enough for 2-fold cross-validation, as a file in `dir`.
pub fn tiny_labeled_data(dir: &Path) -> PathBuf {
    let lines: String =
        ["Cyberangriffe auf Netze", "Cyberangriffe auf Server", "Haushalt und Geld", "Haushaltsmittel Geld"]
            .iter()
            .zip(["cyber", "cyber", "fin", "fin"])
            .map(|(text, label)| format!("{{\"text\": \"{text}\", \"label\": \"{label}\"}}\n"))
            .collect();
    let path = dir.join("d.jsonl");
    std::fs::write(&path, lines).unwrap();
    path
}
