//! Labels are keyed by digest: a segmentation change must surface as stale and missing labels.

use std::fs;

use paratopic_corpus::{digest, Corpus, CorpusError};

const DOC: &str =
    "III. Cybersicherheit\n\nDie Staaten verurteilen Cyberangriffe auf Krankenhäuser.\n\nDas IGF tagt in Genf.\n";

fn corpus_with(labels: &str) -> (tempfile::TempDir, Result<Corpus, CorpusError>) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("documents")).unwrap();
    fs::create_dir_all(dir.path().join("labels")).unwrap();
    fs::write(dir.path().join("documents/d.txt"), DOC).unwrap();
    fs::write(dir.path().join("labels/d.jsonl"), labels).unwrap();
    let corpus = Corpus::load(dir.path());
    (dir, corpus)
}

fn label(paragraph: usize, text: &str, label: &str) -> String {
    format!(
        "{{\"doc\":\"d.txt\",\"paragraph\":{paragraph},\"digest\":\"{}\",\"label\":\"{label}\",\"text\":\"{text}\"}}\n",
        digest(text)
    )
}

#[test]
fn aligned_labels_load() {
    let labels = label(1, "Die Staaten verurteilen Cyberangriffe auf Krankenhäuser.", "cybersecurity")
        + &label(2, "Das IGF tagt in Genf.", "wsis");
    let (_dir, corpus) = corpus_with(&labels);
    let corpus = corpus.unwrap();
    assert_eq!(corpus.paragraphs.len(), 2);
    assert_eq!(corpus.paragraphs[1].example.label, "wsis");
    assert_eq!(corpus.counts()[2], ("wsis".to_owned(), 1, 0, 0));
}

#[test]
fn stale_missing_and_unknown_labels_are_all_listed() {
    // The second label was written for an older text of the paragraph.
    let labels = label(1, "Die Staaten verurteilen Cyberangriffe auf Krankenhäuser.", "cyber")
        + &label(2, "Das IGF tagte in Genf.", "wsis");
    let (_dir, corpus) = corpus_with(&labels);
    let err = corpus.unwrap_err().to_string();
    assert!(err.starts_with("3 problem(s) in the corpus:"), "{err}");
    assert!(err.contains("d.jsonl:1: unknown label \"cyber\""), "{err}");
    assert!(err.contains("d.txt paragraph 2 has no label"), "{err}");
    assert!(err.contains("d.jsonl:2: stale label"), "{err}");
}

#[test]
fn digest_is_sha256_prefix() {
    assert_eq!(digest(""), "e3b0c44298fc1c14");
}
