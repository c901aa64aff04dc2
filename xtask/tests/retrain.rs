//! `cargo xtask retrain` end to end: the committed default model is exactly what the corpus
//! produces, and a corpus whose labels no longer match its documents is refused.

use std::path::{Path, PathBuf};
use std::process::Command;

const XTASK: &str = env!("CARGO_BIN_EXE_xtask");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn retrain_reproduces_the_committed_model_byte_for_byte() {
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(XTASK).args(["retrain", "--out"]).arg(out.path()).output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    for file in ["models/default.model", "models/default.md"] {
        let fresh = std::fs::read(out.path().join(file)).unwrap();
        let committed = std::fs::read(root().join(file)).unwrap();
        assert!(fresh == committed, "{file} is out of date: run `cargo xtask retrain` and commit it");
    }
    let card = std::fs::read_to_string(out.path().join("models/default.md")).unwrap();
    assert!(card.contains("| financing |"), "{card}");
}

#[test]
fn retrain_refuses_stale_labels_and_lists_them() {
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), corpus.path());
    // An edit to one paragraph of a seed document makes its label stale.
    let doc = corpus.path().join("documents/un-res-78-237-de.txt");
    let text = std::fs::read_to_string(&doc)
        .unwrap()
        .replace("Die Generalversammlung,", "Die Generalversammlung der Vereinten Nationen,");
    std::fs::write(&doc, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let result = Command::new(XTASK)
        .args(["retrain", "--corpus"])
        .arg(corpus.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(result.status.code(), Some(2));
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(err.contains("2 problem(s) in the corpus"), "{err}");
    assert!(err.contains("un-res-78-237-de.txt paragraph 9 has no label"), "{err}");
    assert!(err.contains("un-res-78-237-de.jsonl:1: stale label"), "{err}");
    assert!(!out.path().join("models").exists(), "nothing may be written on failure");
}

#[test]
fn eval_check_fails_on_a_broken_model() {
    // (That it passes on the corpus is the README's test command itself: `cargo xtask eval
    // --check` runs right after these tests.)
    // Deliberately break the model: every gold label of the seeds shifted to the next topic.
    let corpus = tempfile::tempdir().unwrap();
    copy_dir(&root().join("corpus"), corpus.path());
    let topics = ["cybersecurity", "ai", "wsis", "financing", "other"];
    for entry in std::fs::read_dir(corpus.path().join("labels")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let shifted: String = text
            .lines()
            .map(|line| {
                let i = topics.iter().position(|t| line.contains(&format!("\"label\": \"{t}\""))).unwrap();
                line.replace(
                    &format!("\"label\": \"{}\"", topics[i]),
                    &format!("\"label\": \"{}\"", topics[(i + 1) % 5]),
                ) + "\n"
            })
            .collect();
        std::fs::write(&path, shifted).unwrap();
    }
    let broken = Command::new(XTASK)
        .args(["eval", "--check", "--corpus"])
        .arg(corpus.path())
        .arg("--card")
        .arg(root().join("models/default.md"))
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("the model got worse"), "{err}");
}

#[test]
fn a_mistyped_option_is_refused_before_anything_is_written() {
    let card = root().join("models/default.md");
    let before = std::fs::read(&card).unwrap();
    let out = Command::new(XTASK).args(["eval", "--chek"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown option \"--chek\""), "{err}");
    assert_eq!(std::fs::read(&card).unwrap(), before);
}
