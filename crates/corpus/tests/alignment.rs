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
    assert_eq!(corpus.counts()[2], ("wsis".to_owned(), 1, 0));
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

#[test]
fn folds_file_with_header_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.tsv");
    fs::write(&path, "index\tfold\n1\t0\n0\t1\n").unwrap();
    assert_eq!(paratopic_corpus::read_folds(&path, 2).unwrap(), [1, 0]);
    assert!(paratopic_corpus::read_folds(&path, 3).unwrap_err().to_string().ends_with("record 2 has no fold"));
    fs::write(&path, "0\t1\n5\t0\n").unwrap();
    assert!(paratopic_corpus::read_folds(&path, 2)
        .unwrap_err()
        .to_string()
        .contains(":2: index 5 is past the last record"));
    // Only a line of two words is a header; a first line that is data but wrong says so.
    let err = |text: &str| {
        fs::write(&path, text).unwrap();
        paratopic_corpus::read_folds(&path, 2).unwrap_err().to_string()
    };
    assert!(err("-1\t0\n1\t0\n").ends_with(":1: index is not a number"));
    assert!(err("0 1\n1 0\n").ends_with(":1: expected index<TAB>fold"));
    fs::write(&path, "\u{feff}index\tfold\n0\t1\n1\t0\n").unwrap();
    assert_eq!(paratopic_corpus::read_folds(&path, 2).unwrap(), [1, 0]);
}

#[test]
fn labeled_jsonl_takes_a_bom_and_an_optional_section() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.jsonl");
    let lines =
        "\u{feff}{\"text\": \"a\", \"label\": \"x\", \"section\": \"Cyber\"}\n{\"text\": \"b\", \"label\": \"y\"}\n";
    fs::write(&path, lines).unwrap();
    let examples = paratopic_corpus::read_labeled_jsonl(&path).unwrap();
    assert_eq!(examples.iter().map(|e| e.section.as_deref()).collect::<Vec<_>>(), [Some("Cyber"), None]);
    fs::write(&path, "{\"text\": \"a\", \"label\": \"x\", \"section\": 3}\n").unwrap();
    let err = paratopic_corpus::read_labeled_jsonl(&path).unwrap_err().to_string();
    assert!(err.ends_with("d.jsonl:1: \"section\" must be a string"), "{err}");
}

#[test]
fn a_bad_lexicon_is_one_line_with_its_line_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lexicon.toml");
    fs::write(&path, "[terms]\nai = [\"ki\"]\ncyber = \"bsi\"\nwsis = [\"igf\"]\n").unwrap();
    let err = paratopic_corpus::read_lexicon(&path).unwrap_err().to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("lexicon.toml:3: "), "{err}");
}

#[test]
fn labeled_jsonl_errors_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.jsonl");
    fs::write(&path, "{\"text\": \"a\", \"label\": \"x\", \"extra\": 1}\n{\"text\": \"b\", \"label\": \"\"}\n")
        .unwrap();
    let err = paratopic_corpus::read_labeled_jsonl(&path).unwrap_err().to_string();
    assert!(err.ends_with("d.jsonl:2: empty label"), "{err}");
}
