//! End-to-end tests: the real `paratopic` binary on the real corpus and on bad input.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::util::{paratopic, records, root, stderr, tiny_labeled_data, BIN};

fn documents() -> PathBuf {
    root().join("corpus/documents")
}

/// A file in a fresh temporary folder.
fn temp_file(dir: &tempfile::TempDir, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn classify_labels_every_paragraph_of_the_corpus() {
    let out = paratopic(&["classify", "corpus/documents"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 140 + 33 + 41);
    let labels = ["cybersecurity", "ai", "wsis", "financing", "other"];
    for r in &recs {
        for field in [
            "doc",
            "paragraph",
            "start",
            "end",
            "kind",
            "format",
            "section",
            "text",
            "lang",
            "label",
            "confidence",
            "decision",
            "evidence",
            "scores",
        ] {
            assert!(r.get(field).is_some(), "missing {field} in {r}");
        }
        assert!(labels.contains(&r["label"].as_str().unwrap()));
        // German documents; a few paragraphs quote long English statements and are mostly
        // English, and English reference URLs are English.
        assert!(r["lang"] == "de" || r["lang"] == "en", "{r}");
        let scores = r["scores"].as_object().unwrap();
        assert_eq!(scores.len(), labels.len());
        let sum: f64 = scores.values().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-4);
        if r["decision"] == "model" {
            assert_eq!(r["confidence"], scores[r["label"].as_str().unwrap()]);
            assert!(r["evidence"].as_u64().unwrap() >= 1);
            assert!(r["confidence"].as_f64().unwrap() >= paratopic_classifier::DEFAULT_MIN_CONFIDENCE, "{r}");
        } else if r["decision"] == "low_confidence" {
            // Below the default cut: `other`, the top score below it, and no confidence.
            assert_eq!(r["label"], "other", "{r}");
            let top = scores.values().map(|v| v.as_f64().unwrap()).fold(0.0, f64::max);
            assert!(top <= paratopic_classifier::DEFAULT_MIN_CONFIDENCE, "{r}");
            assert!(r["confidence"].is_null() && r["evidence"].as_u64().unwrap() >= 1, "{r}");
        } else {
            // No known word: `other`, and no confidence to filter on.
            assert_eq!(
                (&r["decision"], &r["label"], &r["evidence"]),
                (&"no_evidence".into(), &"other".into(), &0.into())
            );
            assert!(r["confidence"].is_null());
        }
    }
    // The references and footnotes that carry no known word no longer count as a topic.
    let no_evidence: Vec<&str> =
        recs.iter().filter(|r| r["decision"] == "no_evidence").map(|r| r["text"].as_str().unwrap()).collect();
    assert!(no_evidence.contains(&"1 A/65/201."), "{no_evidence:?}");
    assert!(no_evidence.len() >= 10, "{no_evidence:?}");
    let german = recs.iter().filter(|r| r["lang"] == "de").count();
    assert!(german >= 195, "{german} of {}", recs.len());
    // Scores are written in the model's label order.
    let first_line = String::from_utf8_lossy(&out.stdout).lines().next().unwrap().to_owned();
    let at: Vec<usize> = labels.iter().map(|l| first_line.find(&format!("\"{l}\":")).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{first_line}");
    // Document path order, then paragraph order.
    let docs: Vec<&str> = recs.iter().map(|r| r["doc"].as_str().unwrap()).collect();
    assert_eq!(docs[0], "ig-report-2025-q4-de.txt");
    assert_eq!(docs[213], "un-res-78-237-de.txt");
    assert!(recs
        .windows(2)
        .all(|w| w[0]["doc"] != w[1]["doc"] || w[0]["paragraph"].as_u64() < w[1]["paragraph"].as_u64()));
    // Spans point at the original bytes.
    let raw = std::fs::read_to_string(documents().join("un-res-78-237-de.txt")).unwrap();
    let op1 = recs.iter().find(|r| r["text"].as_str().unwrap().starts_with("1. unterstützt die Arbeit")).unwrap();
    let (s, e) = (op1["start"].as_u64().unwrap() as usize, op1["end"].as_u64().unwrap() as usize);
    assert!(raw[s..e].starts_with("1. *unterstützt*"));
    // Clear-cut paragraphs get their topic.
    let label_of =
        |needle: &str| recs.iter().find(|r| r["text"].as_str().unwrap().contains(needle)).unwrap()["label"].clone();
    assert_eq!(label_of("Die Entscheidung, dem IGF einen permanenten Status"), "wsis");
    assert_eq!(label_of("zu autonomen Waffensystemen"), "ai");
    assert_eq!(label_of("Verzeichnisses von Kontaktstellen"), "cybersecurity");
    // The summary: paragraphs per topic per document.
    let err = stderr(&out);
    assert!(err.contains("un-res-75-32-de.txt") && err.contains("total"), "{err}");
}

#[test]
fn output_is_identical_with_one_or_two_threads() {
    let one = paratopic(&["classify", "corpus/documents", "--threads", "1", "--quiet"]);
    let two = paratopic(&["classify", "corpus/documents", "--threads", "2", "--quiet"]);
    assert!(one.status.success() && two.status.success());
    assert_eq!(one.stdout, two.stdout);
    assert!(one.stderr.is_empty(), "--quiet printed {}", stderr(&one));
}

#[test]
fn csv_output_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("labeled.csv");
    let out = paratopic(&["classify", "corpus/documents", "--format", "csv", "-o", out_path.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let mut reader = csv::Reader::from_path(&out_path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "doc",
            "id",
            "paragraph",
            "start",
            "end",
            "kind",
            "format",
            "page",
            "section",
            "text",
            "lang",
            "label",
            "confidence",
            "decision",
            "evidence",
            "score_cybersecurity",
            "score_ai",
            "score_wsis",
            "score_financing",
            "score_other"
        ]
    );
    assert_eq!(reader.records().count(), 214);
    // Only the output file is left in the folder: no temporary file.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn jsonl_input_is_classified_as_is_and_keeps_ids() {
    let dir = tempfile::tempdir().unwrap();
    let input = temp_file(
        &dir,
        "p.jsonl",
        "{\"id\": \"a\", \"text\": \"Das Internet Governance Forum erhält ein dauerhaftes Mandat.\", \"extra\": 1}\n\
         {\"id\": \"b\", \"text\": \"Die Geberländer sagten zusätzliche Mittel für den Treuhandfonds zu.\"}\n"
            .as_bytes(),
    );
    let out = paratopic(&["classify", "--input-format", "jsonl", input.to_str().unwrap(), "-q", "--explain", "3"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    assert_eq!((recs[0]["id"].as_str(), recs[0]["label"].as_str()), (Some("a"), Some("wsis")));
    assert_eq!((recs[1]["id"].as_str(), recs[1]["label"].as_str()), (Some("b"), Some("financing")));
    let explained = recs[1]["explain"].as_array().unwrap();
    assert_eq!(explained.len(), 3);
    assert!(explained.iter().all(|t| t[1].as_f64().unwrap() > 0.0));
    // Asked for more terms than push towards the label, it lists only those that do.
    let out = paratopic(&["classify", "--input-format", "jsonl", input.to_str().unwrap(), "-q", "--explain", "1000"]);
    let all = records(&out)[1]["explain"].as_array().unwrap().clone();
    assert!(all.len() > 3 && all.len() < 9, "{all:?}");
    assert!(all.iter().all(|t| t[1].as_f64().unwrap() > 0.0), "{all:?}");
    // CSV output carries the explanation in a column of its own.
    let args =
        ["classify", "--input-format", "jsonl", input.to_str().unwrap(), "-q", "--explain", "2", "--format", "csv"];
    let out = paratopic(&args);
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    assert_eq!(reader.headers().unwrap().iter().next_back(), Some("explain"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let pairs: Vec<&str> = rows[1].iter().next_back().unwrap().split(';').collect();
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[0], format!("{}:{}", explained[0][0].as_str().unwrap(), explained[0][1]));
}

#[test]
fn stdin_is_read_with_a_dash() {
    let mut child =
        Command::new(BIN).args(["classify", "-", "-q"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Ransomware-Angriffe auf Krankenhäuser und kritische Infrastrukturen nehmen zu.\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    assert_eq!((recs[0]["doc"].as_str(), recs[0]["label"].as_str()), (Some("-"), Some("cybersecurity")));
}

#[test]
fn train_any_label_set_then_classify_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::new();
    for (text, label) in [
        ("Der Stürmer erzielte zwei Tore im Finale der Meisterschaft.", "sport"),
        ("Die Mannschaft gewann das Spiel nach Verlängerung.", "sport"),
        ("Der Trainer lobte die Abwehr nach dem Pokalspiel.", "sport"),
        ("Das Parlament verabschiedete das Gesetz mit knapper Mehrheit.", "politik"),
        ("Die Koalition streitet über den Haushalt und die Steuerreform.", "politik"),
        ("Der Minister kündigte eine Reform der Verwaltung an.", "politik"),
    ] {
        data.push_str(&serde_json::json!({"text": text, "label": label}).to_string());
        data.push('\n');
    }
    let data = temp_file(&dir, "train.jsonl", data.as_bytes());
    let model = dir.path().join("sport.model");
    let out = paratopic(&["train", "--data", data.to_str().unwrap(), "-o", model.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    // linfa-bayes's leftover dbg! never reaches the user: one summary line and nothing else.
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("trained on 6 examples (politik 3, sport 3)"), "{err}");

    let doc = temp_file(
        &dir,
        "d.txt",
        "Die Mannschaft erzielte im Finale drei Tore.\n\nDas Parlament stritt über den Haushalt.\n".as_bytes(),
    );
    let out = paratopic(&["classify", "--model", model.to_str().unwrap(), doc.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let labels: Vec<String> = records(&out).iter().map(|r| r["label"].as_str().unwrap().to_owned()).collect();
    assert_eq!(labels, ["sport", "politik"]);
    // Training is deterministic to the byte.
    let again = dir.path().join("again.model");
    assert!(paratopic(&["train", "--data", data.to_str().unwrap(), "-o", again.to_str().unwrap(), "-q"])
        .status
        .success());
    assert_eq!(std::fs::read(&model).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn bad_input_gives_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let check = |args: &[&str], expect: &str| {
        let out = paratopic(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    };
    check(&["classify", "does/not/exist"], "does/not/exist");
    // The I/O error is said once, not once per error in the chain.
    let out = paratopic(&["eval", "--data", "no/such/data.jsonl"]);
    assert_eq!(stderr(&out).matches("No such file or directory").count(), 1, "{}", stderr(&out));
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    check(
        &["classify", empty.to_str().unwrap()],
        "nothing to classify: no .txt/.md/.pdf/.html/.htm/.docx/.odt file in",
    );
    let bad_json =
        temp_file(&dir, "bad.jsonl", b"{\"text\": \"ok\", \"label\": \"a\"}\n{\"text\": 3, \"label\": \"b\"}\n");
    check(&["train", "--data", bad_json.to_str().unwrap(), "-o", "x.model"], "bad.jsonl:2: \"text\" must be a string");
    let one_label = temp_file(&dir, "one.jsonl", b"{\"text\": \"eins\", \"label\": \"a\"}\n");
    let two = temp_file(
        &dir,
        "two.jsonl",
        b"{\"text\": \"eins\", \"label\": \"a\"}\n{\"text\": \"zwei\", \"label\": \"b\"}\n",
    );
    check(&["eval", "--data", two.to_str().unwrap(), "--folds", "1"], "--folds must be at least 2");
    check(&["eval", "--data", two.to_str().unwrap(), "--folds", "3"], "--folds 3 is more than the 2 examples");
    check(&["train", "--data", one_label.to_str().unwrap(), "-o", "x.model"], "at least two labels");
    check(
        &["train", "--data", two.to_str().unwrap(), "-o", "no/such/dir/x.model"],
        "no/such/dir/x.model: cannot write in no/such/dir: no such folder",
    );
    let not_a_model = temp_file(&dir, "m.model", b"\x89PNG\r\n");
    check(
        &["classify", "--model", not_a_model.to_str().unwrap(), "corpus/documents"],
        "m.model: not a paratopic model",
    );
    let jsonl = temp_file(&dir, "in.jsonl", b"{\"id\": \"x\", \"text\": \"a\"}\nnot json\n");
    check(&["classify", "--input-format", "jsonl", jsonl.to_str().unwrap()], "in.jsonl:2:");
    assert!(!root().join("x.model").exists());
}

#[test]
fn an_error_leaves_no_partial_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("a.txt"), "Das IGF tagt in Genf.\n").unwrap();
    std::fs::write(docs.join("b.txt"), b"\x81\x8d\x8f\x90 no known encoding\n").unwrap();
    let out_path = dir.path().join("out.jsonl");
    let (a, b) = (docs.join("a.txt"), docs.join("b.txt"));
    let out = paratopic(&["classify", a.to_str().unwrap(), b.to_str().unwrap(), "-o", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("b.txt: not text in a known encoding"), "{}", stderr(&out));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from("docs")]);
    // And an output file never replaces one of the inputs.
    let out = paratopic(&["classify", a.to_str().unwrap(), "-o", a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&a).unwrap(), "Das IGF tagt in Genf.\n");
}

#[test]
fn other_files_in_a_folder_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "# Titel\n\nDie Staaten verurteilen Cyberangriffe.\n").unwrap();
    std::fs::write(dir.path().join("image.png"), b"\x89PNG").unwrap();
    let out = paratopic(&["classify", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(records(&out).len(), 2);
    assert!(stderr(&out).contains("warning: skipping") && stderr(&out).contains("image.png"));
}

#[test]
fn closed_stdout_exits_quietly() {
    let mut child = Command::new(BIN)
        .args(["classify", "corpus/documents", "corpus/documents", "corpus/documents", "-q"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"doc\""));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn help_explains_the_commands() {
    let out = paratopic(&["classify", "--help"]);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["--format", "--model", "--input-format", "--explain", "--quiet", "--threads", "scores"] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
}

#[test]
fn eval_reports_the_folds_it_used_and_refuses_mixed_fold_options() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_labeled_data(dir.path());
    let folds = temp_file(&dir, "f.tsv", b"0\t0\n1\t7\n2\t0\n3\t7\n");
    let (data, folds) = (data.to_str().unwrap(), folds.to_str().unwrap());
    let out = paratopic(&["eval", "--data", data, "--folds-file", folds, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["folds"], 2);
    assert_eq!(report["fold_assignment"]["file"], folds);
    let out = paratopic(&["eval", "--data", data, "--folds-file", folds, "--seed", "3"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot be used with"), "{}", stderr(&out));
}

#[test]
fn explain_stops_quietly_when_the_reader_goes_away() {
    let mut child = Command::new(BIN)
        .args(["explain", "--top", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe is closed here, with most of the listing unwritten.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn german_and_english_are_labeled_and_french_is_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mixed.txt"),
        "Die Staaten verurteilen Ransomware-Angriffe auf Krankenhäuser und stärken ihre nationalen CERTs.\n\n\
         The General Assembly welcomes the work of the Internet Governance Forum and its multistakeholder model.\n\n\
         L'Assemblée générale prie le Secrétaire général de lui présenter un rapport sur la sécurité des technologies de l'information.\n",
    )
    .unwrap();
    let out = paratopic(&["classify", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    let got: Vec<(&str, Option<&str>, &str)> = recs
        .iter()
        .map(|r| (r["lang"].as_str().unwrap(), r["label"].as_str(), r["decision"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [("de", Some("cybersecurity"), "model"), ("en", Some("wsis"), "model"), ("fr", None, "unsupported_language")]
    );
    assert!(recs[2]["confidence"].is_null() && recs[2]["scores"].is_null());
    let err = stderr(&out);
    assert_eq!(err.matches("not classified").count(), 1, "{err}");
    assert!(err.contains("mixed.txt: 1 paragraph(s) not classified (1 in fr); the model reads de, en"), "{err}");
    // --any-language classifies it anyway.
    let out = paratopic(&["classify", dir.path().to_str().unwrap(), "--any-language", "-q"]);
    assert!(records(&out)[2]["label"].is_string());
}

#[test]
fn min_confidence_routes_unsure_paragraphs_to_other() {
    // (`suggest` ranks the model's own labels, with no cut.)
    let all = records(&paratopic(&["classify", "corpus/documents", "-q", "--min-confidence", "0"]));
    let cut = records(&paratopic(&["classify", "corpus/documents", "-q", "--min-confidence", "0.9"]));
    assert_eq!(all.len(), cut.len());
    let mut routed = 0;
    for (a, c) in all.iter().zip(&cut) {
        let sure = a["confidence"].as_f64().is_some_and(|p| p >= 0.9);
        if a["decision"] == "model" && !sure {
            assert_eq!((&c["label"], &c["decision"]), (&"other".into(), &"low_confidence".into()), "{c}");
            routed += 1;
        } else {
            assert_eq!(a["label"], c["label"]);
        }
    }
    assert!(routed > 0);
    let out = paratopic(&["classify", "corpus/documents", "--min-confidence", "1.5"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn suggest_picks_the_least_sure_paragraphs_in_training_shape() {
    let dir = tempfile::tempdir().unwrap();
    let picked = dir.path().join("to-label.jsonl");
    let out = paratopic(&["suggest", "corpus/documents", "-n", "8", "-o", picked.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> =
        std::fs::read_to_string(&picked).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 8);
    let margins: Vec<f64> = lines.iter().map(|l| l["margin"].as_f64().unwrap()).collect();
    assert!(margins.windows(2).all(|w| w[0] <= w[1]), "{margins:?}");
    // The least sure of all classified content paragraphs comes first.
    // (`suggest` ranks the model's own labels, with no cut.)
    let all = records(&paratopic(&["classify", "corpus/documents", "-q", "--min-confidence", "0"]));
    let least = all
        .iter()
        .filter(|r| r["decision"] == "model" && (r["kind"] == "body" || r["kind"] == "list_item"))
        .map(|r| {
            let mut p: Vec<f64> = r["scores"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).collect();
            p.sort_by(|a, b| b.total_cmp(a));
            p[0] - p[1]
        })
        .fold(f64::INFINITY, f64::min);
    assert!((margins[0] - least).abs() < 1e-5, "{} vs {least}", margins[0]);
    // `train --data` takes the file back (here with other labeled data).
    let mut data = std::fs::read(&picked).unwrap();
    data.extend(std::fs::read("corpus/authored/other.jsonl").unwrap());
    data.extend(std::fs::read("corpus/authored/cybersecurity.jsonl").unwrap());
    let data_path = dir.path().join("data.jsonl");
    std::fs::write(&data_path, data).unwrap();
    let model = dir.path().join("m.model");
    let out = paratopic(&["train", "--data", data_path.to_str().unwrap(), "-o", model.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn eval_labels_each_fold_exactly_as_classify_does_with_the_fold_model() {
    use paratopic_classifier::{cross_validate_predictions, sorted_labels, stratified_folds, train, TrainConfig};
    // Real authored paragraphs of three labels, German and English, some with a section.
    let mut examples = Vec::new();
    for name in ["wsis", "ai", "other", "en-topics"] {
        let path = root().join("corpus/authored").join(format!("{name}.jsonl"));
        examples.extend(paratopic_classifier::data::read_examples(&path).unwrap());
    }
    let labels = sorted_labels(&examples);
    let targets = paratopic_classifier::validate(&examples, &labels).unwrap();
    let config = TrainConfig::default();
    let folds: Vec<Option<usize>> = stratified_folds(&targets, 3, 11).into_iter().map(Some).collect();
    let out_of_fold = cross_validate_predictions(&examples, &labels, &config, &folds).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for fold in 0..3 {
        let rest: Vec<_> =
            examples.iter().zip(&folds).filter(|(_, f)| **f != Some(fold)).map(|(e, _)| e.clone()).collect();
        let model_path = dir.path().join(format!("fold{fold}.model"));
        train(&rest, &labels, &config).unwrap().save(&model_path).unwrap();
        let held_out: Vec<usize> = (0..examples.len()).filter(|&i| folds[i] == Some(fold)).collect();
        let lines: String = held_out
            .iter()
            .map(|&i| serde_json::json!({"text": examples[i].text, "section": examples[i].section}).to_string() + "\n")
            .collect();
        let input = temp_file(&dir, &format!("fold{fold}.jsonl"), lines.as_bytes());
        // The folds' labels are the model's own (`eval` prints what each cut makes of them).
        let out = paratopic(&[
            "classify",
            "--input-format",
            "jsonl",
            "--model",
            model_path.to_str().unwrap(),
            "--min-confidence",
            "0",
            "-q",
            input.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let records = records(&out);
        assert_eq!(records.len(), held_out.len());
        for (record, &i) in records.iter().zip(&held_out) {
            let labeled = out_of_fold[i].as_ref().expect("every example has a fold");
            let label = labeled.label.map(|l| labels[l].as_str());
            assert_eq!(record["label"].as_str(), label, "{}", examples[i].text);
            assert_eq!(record["decision"], labeled.decision.as_str());
            let confidence = record["confidence"].as_f64();
            assert_eq!(confidence.is_some(), labeled.confidence().is_some());
            if let (Some(got), Some(want)) = (confidence, labeled.confidence()) {
                assert!((got - want).abs() < 1e-6, "{got} against {want}");
            }
            compared += 1;
        }
    }
    assert_eq!(compared, examples.len());
}

#[test]
fn audit_finds_flipped_labels_first() {
    // The 547 authored cybersecurity and ai paragraphs, five of them given the other label.
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir("corpus/authored").unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let rows: Vec<Value> = files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<Value>>()
        })
        .filter(|r: &Value| r["label"] == "ai" || r["label"] == "cybersecurity")
        .collect();
    assert_eq!(rows.len(), 547);
    let flipped = [10usize, 60, 110, 300, 400];
    let mut data = String::new();
    for (i, row) in rows.iter().enumerate() {
        let mut label = row["label"].as_str().unwrap();
        if flipped.contains(&i) {
            label = if label == "ai" { "cybersecurity" } else { "ai" };
        }
        data.push_str(&serde_json::json!({ "text": row["text"], "label": label }).to_string());
        data.push('\n');
    }
    let path = temp_file(&dir, "flipped.jsonl", data.as_bytes());
    let probabilities = dir.path().join("probabilities.jsonl");
    let out = paratopic(&[
        "audit",
        "--data",
        path.to_str().unwrap(),
        "--json",
        "--probabilities",
        probabilities.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let issues = records(&out);
    let top: Vec<usize> = issues.iter().take(8).map(|r| r["line"].as_u64().unwrap() as usize - 1).collect();
    let found = top.iter().filter(|i| flipped.contains(i)).count();
    assert!(found >= 4, "flipped {flipped:?}, audit's first eight {top:?}");
    for issue in &issues {
        assert_ne!(issue["label"], issue["suggested"]);
        assert!(issue["label_probability"].as_f64().unwrap() < issue["suggested_probability"].as_f64().unwrap());
    }
    // The probabilities of every example, for another tool.
    let written = std::fs::read_to_string(&probabilities).unwrap();
    assert_eq!(written.lines().count(), rows.len());
    // The table names how many it found.
    let table = paratopic(&["audit", "--data", path.to_str().unwrap(), "-n", "3"]);
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains(&format!("{} of 547 examples", issues.len())), "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| line")).count(), 3, "{text}");
    assert_eq!(paratopic(&["audit", "--data", path.to_str().unwrap(), "--folds", "1"]).status.code(), Some(2));
}
