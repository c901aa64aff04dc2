//! Inputs nobody curated, run through the real binary: clear errors, no panic, nothing lost.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::util::{assert_error, paratopic, records, run_on, stderr, BIN};

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian { unit.to_be_bytes() } else { unit.to_le_bytes() });
    }
    bytes
}

const GERMAN: &str = "Die Förderung der Cybersicherheit kritischer Infrastrukturen bleibt eine Aufgabe der Staaten.";

#[test]
fn paths_that_do_not_work() {
    let dir = tempfile::tempdir().unwrap();
    assert_error(&paratopic(&["classify", "no/such/path.txt"]), "no/such/path.txt");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    assert_error(
        &run_on(dir.path(), &["classify", "empty"]),
        "nothing to classify: no .txt/.md/.pdf/.html/.htm/.docx/.odt file in empty",
    );
    std::fs::create_dir(dir.path().join("pictures")).unwrap();
    std::fs::write(dir.path().join("pictures/a.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let out = run_on(dir.path(), &["classify", "pictures"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("skipping pictures/a.png: not a .txt/.md/.pdf/.html/.htm/.docx/.odt file"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out)
        .contains("nothing to classify: no .txt/.md/.pdf/.html/.htm/.docx/.odt file in pictures (1 file(s) skipped)"));
    // A file that cannot be read (a dangling link): fatal when named; inside a folder skipped,
    // named in the summary, and the exit status says that a document was not read.
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::os::unix::fs::symlink("gone.txt", dir.path().join("docs/broken.txt")).unwrap();
    std::fs::write(dir.path().join("docs/good.txt"), GERMAN).unwrap();
    assert_error(&run_on(dir.path(), &["classify", "docs/broken.txt"]), "docs/broken.txt");
    let out = run_on(dir.path(), &["classify", "docs"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("warning: skipping docs/broken.txt"), "{}", stderr(&out));
    assert!(stderr(&out).contains("paratopic: not read: docs/broken.txt: "), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 1);
}

#[test]
fn encodings_are_decoded_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, Vec<u8>, &str); 5] = [
        ("a-utf8.txt", GERMAN.as_bytes().to_vec(), "UTF-8"),
        ("b-bom.txt", [b"\xef\xbb\xbf".as_slice(), GERMAN.as_bytes()].concat(), "UTF-8 with BOM"),
        ("c-utf16le.txt", utf16(GERMAN, false), "UTF-16LE (BOM)"),
        ("d-utf16be.txt", utf16(GERMAN, true), "UTF-16BE (BOM)"),
        ("e-latin1.txt", GERMAN.chars().map(|c| c as u32 as u8).collect(), "windows-1252 (detected, not UTF-8)"),
    ];
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let out = run_on(dir.path(), &["classify", ".", "--verbose"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 5);
    for (r, (name, bytes, encoding)) in recs.iter().zip(&files) {
        assert_eq!(r["text"], GERMAN, "{name}");
        assert_eq!(r["label"], "cybersecurity", "{name}");
        assert!(stderr(&out).contains(&format!("{name}: decoded as {encoding}")), "{}", stderr(&out));
        // The span covers the whole text in the original bytes, whatever the encoding.
        let (start, end) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        let bom = if name.contains("bom") {
            3
        } else if name.contains("utf16") {
            2
        } else {
            0
        };
        assert_eq!((start, end), (bom, bytes.len()), "{name}");
    }
    // Text in no identifiable encoding is reported, not turned into mojibake.
    std::fs::write(dir.path().join("f-noise.txt"), b"\x81\x8d\x8f\x90\x9d\x81\x8d\x8f").unwrap();
    assert_error(&run_on(dir.path(), &["classify", "f-noise.txt"]), "f-noise.txt: not text in a known encoding");
    let out = run_on(dir.path(), &["classify", "."]);
    assert_eq!(out.status.code(), Some(1), "a document in no known encoding was not read");
    assert!(stderr(&out).contains("warning: skipping ./f-noise.txt: not text in a known encoding"), "{}", stderr(&out));
    assert!(stderr(&out).contains("paratopic: not read: ./f-noise.txt: not text"), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 5);
}

#[test]
fn binary_files_are_skipped_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(dir.path().join("paper.txt"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj").unwrap();
    std::fs::write(dir.path().join("nul.md"), b"Text\0mit\0NUL").unwrap();
    std::fs::write(dir.path().join("real.txt"), GERMAN).unwrap();
    std::fs::write(dir.path().join("table.csv"), "a,b\n1,2\n").unwrap();
    let out = run_on(dir.path(), &["classify", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("skipping ./image.txt: binary file (a PNG image)"), "{err}");
    assert!(err.contains("skipping ./paper.txt: binary file (a PDF file)"), "{err}");
    assert!(err.contains("skipping ./nul.md: binary file (NUL bytes)"), "{err}");
    // Binary files and other extensions are not documents: passed over, and not an error.
    assert!(err.contains("4 file(s) skipped: 1 unsupported extension, 3 binary"), "{err}");
    assert!(!err.contains("not read"), "{err}");
    assert_eq!(records(&out).len(), 1);
    // Named directly, a binary file is an error: an empty result is not a success.
    assert_error(&run_on(dir.path(), &["classify", "paper.txt"]), "paper.txt: binary file (a PDF file)");
    // Only binary files in the folder: nothing was classified, and the exit code says so.
    std::fs::remove_file(dir.path().join("real.txt")).unwrap();
    assert_error(
        &run_on(dir.path(), &["classify", ".", "-q"]),
        "nothing was classified: all 3 input file(s) were skipped",
    );
    // Not even a CSV header.
    let out = run_on(dir.path(), &["classify", ".", "-q", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn odd_text_gives_sensible_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
    write("empty.txt", b"");
    write("blank.txt", b" \n\t\r\n  \n");
    write("crlf.txt", "Erster Absatz über das IGF.\r\n\r\nZweiter Absatz über KI.\r\n".as_bytes());
    write("cr.txt", "Erster Absatz über das IGF.\r\rZweiter Absatz über KI.\r".as_bytes());
    write("mixed.txt", "Steuer\u{7}zeichen 😀 und مرحبا und Fo\u{308}rderung\u{200f}.".as_bytes());
    let out = run_on(dir.path(), &["classify", ".", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    let by = |doc: &str| {
        recs.iter().filter(|r| r["doc"] == doc).map(|r| r["text"].as_str().unwrap().to_owned()).collect::<Vec<_>>()
    };
    assert!(by("empty.txt").is_empty() && by("blank.txt").is_empty());
    assert_eq!(by("crlf.txt"), ["Erster Absatz über das IGF.", "Zweiter Absatz über KI."]);
    assert_eq!(by("cr.txt"), by("crlf.txt"));
    assert_eq!(by("mixed.txt"), ["Steuer zeichen 😀 und مرحبا und Förderung\u{200f}."]);
}

#[test]
fn huge_lines_are_cut_into_bounded_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    // A 50 MB file that is one single line, and a paragraph of 200,000 characters.
    let sentence = "Die Staaten verurteilen Cyberangriffe auf Krankenhäuser und Netze. ";
    let huge = sentence.repeat(50_000_000 / sentence.len());
    std::fs::write(dir.path().join("huge.txt"), &huge).unwrap();
    std::fs::write(dir.path().join("long.txt"), "a".repeat(200_000)).unwrap();
    let out = run_on(dir.path(), &["classify", ".", "-q", "--format", "csv", "-o", "out.csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_path(dir.path().join("out.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let huge_rows: Vec<_> = rows.iter().filter(|r| &r[0] == "huge.txt").collect();
    assert!(huge_rows.len() > 3000, "{}", huge_rows.len());
    let mut covered = 0;
    for r in &huge_rows {
        let (start, end): (usize, usize) = (r[3].parse().unwrap(), r[4].parse().unwrap());
        assert!(end - start <= 16 * 1024);
        covered += end - start;
    }
    assert!(covered + huge_rows.len() >= huge.trim_end().len());
    let long: Vec<_> = rows.iter().filter(|r| &r[0] == "long.txt").map(|r| r[9].len()).collect();
    assert_eq!(long.iter().sum::<usize>(), 200_000);
}

#[test]
fn invalid_jsonl_lines_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "malformed",
            "{\"id\": \"a\", \"text\": \"ok\"}\n{\"id\": \"b\", \"text\": \n",
            "in.jsonl:2: EOF while parsing",
        ),
        ("missing", "{\"id\": \"a\", \"text\": \"ok\"}\n\n{\"id\": \"b\"}\n", "in.jsonl:3: missing \"text\""),
        ("number", "{\"id\": \"a\", \"text\": 7}\n", "in.jsonl:1: \"text\" must be a string"),
        (
            "duplicate",
            "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\": \"a\", \"text\": \"y\"}\n",
            "in.jsonl:2: duplicate id \"a\" (first on line 1)",
        ),
    ];
    for (what, content, expect) in cases {
        std::fs::write(dir.path().join("in.jsonl"), content).unwrap();
        let out = run_on(dir.path(), &["classify", "--input-format", "jsonl", "in.jsonl"]);
        assert_error(&out, expect);
        assert!(out.stdout.is_empty(), "{what}");
    }
    let all = "{\"id\": \"a\", \"text\": \"Das IGF tagt.\"}\nnot json\n{\"id\": \"a\", \"text\": \"doppelt\"}\n{\"text\": \"Geld für den Fonds.\"}\n";
    std::fs::write(dir.path().join("in.jsonl"), all).unwrap();
    let out = run_on(dir.path(), &["classify", "--input-format", "jsonl", "--skip-invalid", "in.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ids: Vec<String> = records(&out).iter().map(|r| r["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(ids, ["a", "4"]);
    let err = stderr(&out);
    assert!(
        err.contains("warning: skipping in.jsonl:2:") && err.contains("warning: skipping in.jsonl:3: duplicate id"),
        "{err}"
    );
    assert!(err.contains("2 invalid JSONL line(s) skipped"), "{err}");
}

#[test]
fn bad_training_data_fails_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = "{\"text\": \"Cyberangriff\", \"label\": \"cyber\"}\n{\"text\": \"Haushalt\", \"label\": \"geld\"}\n";
    std::fs::write(dir.path().join("d.jsonl"), data).unwrap();
    let train = |extra: &[&str]| {
        let mut args = vec!["train", "--data", "d.jsonl", "-o", "m.model"];
        args.extend(extra);
        run_on(dir.path(), &args)
    };
    assert_error(&train(&["--labels", "cyber,ki"]), "d.jsonl:2: unknown label \"geld\" (expected one of cyber, ki)");
    assert_error(&train(&["--labels", "cyber,geld,ki"]), "label \"ki\" has no training examples");
    std::fs::write(dir.path().join("d.jsonl"), "{\"text\": \"x\", \"label\": \" \"}\n").unwrap();
    assert_error(&train(&[]), "d.jsonl:1: empty label");
    std::fs::write(
        dir.path().join("d.jsonl"),
        "{\"text\": \"x\", \"label\": \"a\"}\n{\"text\": \"y\", \"label\": \"a\"}\n",
    )
    .unwrap();
    assert_error(&train(&[]), "training needs at least two labels, got 1");
    assert!(!dir.path().join("m.model").exists());
}

#[test]
fn damaged_model_files_are_named_and_explained() {
    let dir = tempfile::tempdir().unwrap();
    let data: String = [
        "{\"text\": \"Cyberangriff auf Netze\", \"label\": \"cyber\"}\n",
        "{\"text\": \"Haushalt und Fonds\", \"label\": \"geld\"}\n",
    ]
    .concat();
    std::fs::write(dir.path().join("d.jsonl"), data).unwrap();
    assert!(run_on(dir.path(), &["train", "--data", "d.jsonl", "-o", "good.model", "-q"]).status.success());
    let good = std::fs::read(dir.path().join("good.model")).unwrap();
    let header_end = good.iter().position(|&b| b == b'\n').unwrap();
    let mut corrupted = good.clone();
    corrupted[header_end + 10] ^= 0x20;
    let other_version =
        String::from_utf8(good.clone()).unwrap().replacen("paratopic-model 1 ", "paratopic-model 2 ", 1);
    let cases: [(&str, &[u8], &str); 4] = [
        ("truncated.model", &good[..good.len() / 2], "truncated.model: model file is truncated"),
        ("corrupted.model", &corrupted, "corrupted.model: model file is corrupted: SHA-256 checksum mismatch"),
        (
            "v2.model",
            other_version.as_bytes(),
            "v2.model: model format version 2 is not supported (expected version 1)",
        ),
        ("notes.model", b"just some notes\n", "notes.model: not a paratopic model"),
    ];
    std::fs::write(dir.path().join("doc.txt"), GERMAN).unwrap();
    for (name, bytes, expect) in cases {
        std::fs::write(dir.path().join(name), bytes).unwrap();
        assert_error(&run_on(dir.path(), &["classify", "--model", name, "doc.txt"]), expect);
    }
}

#[test]
fn ctrl_c_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let text = format!("{GERMAN}\n\n").repeat(2000);
    for i in 0..400 {
        std::fs::write(docs.join(format!("{i:04}.txt")), &text).unwrap();
    }
    std::fs::write(dir.path().join("out.jsonl"), "previous results\n").unwrap();
    let child = Command::new(BIN)
        .args(["classify", "docs", "-q", "-o", "out.jsonl"])
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let sent = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap(), "previous results\n");
    let left: Vec<PathBuf> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left.len(), 2, "a temporary file was left behind: {left:?}");
}

#[test]
fn large_files_stream_to_the_same_output_as_small_ones() {
    // Over 4 MiB a file is read in pieces; the records must be those of reading it whole,
    // for every layout: compare the big file with its parts classified as separate files.
    let dir = tempfile::tempdir().unwrap();
    let paragraph = "Die Staaten verurteilen Cyberangriffe auf Krankenhäuser und Netze.";
    let line_doc: String = (0..70_000).map(|i| format!("{paragraph} Absatz {i}.\n")).collect();
    let wrapped_doc: String = (0..60_000)
        .map(|i| format!("Das IGF tagt in Genf und berät über die Zukunft\ndes Internets, Absatz {i}, und alle\nStakeholder sind dabei.\n\n"))
        .collect();
    std::fs::write(dir.path().join("lines.txt"), &line_doc).unwrap();
    std::fs::write(dir.path().join("wrapped.txt"), &wrapped_doc).unwrap();
    assert!(line_doc.len() > 4 << 20 && wrapped_doc.len() > 4 << 20);
    for (name, text, per_record) in [("lines.txt", &line_doc, 1), ("wrapped.txt", &wrapped_doc, 3)] {
        let out = run_on(dir.path(), &["classify", name, "-q", "--threads", "2"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let recs = records(&out);
        let expected = text.lines().filter(|l| !l.is_empty()).count() / per_record;
        assert_eq!(recs.len(), expected, "{name}");
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(r["paragraph"].as_u64(), Some(i as u64));
            let (s, e) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
            let joined = text[s..e].split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(joined, r["text"].as_str().unwrap(), "{name} paragraph {i}");
        }
        let one = run_on(dir.path(), &["classify", name, "-q", "--threads", "1"]);
        assert_eq!(one.stdout, out.stdout, "{name}: thread count changed the output");
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/ingest/tests/fixtures")
}

#[test]
fn every_format_in_one_folder() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["pdf", "docx", "odt", "html"] {
        std::fs::copy(fixtures().join(format!("un-res-75-32-de.{ext}")), dir.path().join(format!("res.{ext}")))
            .unwrap();
    }
    std::fs::copy("corpus/documents/un-res-75-32-de.txt", dir.path().join("res.txt")).unwrap();
    let out = run_on(dir.path(), &["classify", "."]);
    assert!(out.status.success(), "{}", stderr(&out));
    let recs = records(&out);
    for (doc, format) in
        [("res.docx", "docx"), ("res.html", "html"), ("res.odt", "odt"), ("res.pdf", "pdf"), ("res.txt", "text")]
    {
        let of: Vec<&Value> = recs.iter().filter(|r| r["doc"] == doc).collect();
        assert_eq!(of.len(), 33, "{doc}");
        assert!(of.iter().all(|r| r["format"] == format), "{doc}");
        // The PDF's records carry their page; no other format has pages.
        assert_eq!(of.iter().all(|r| r["page"].is_u64()), format == "pdf", "{doc}");
        // The same paragraph gets the same label in every format.
        let clause = of.iter().find(|r| r["text"].as_str().unwrap().starts_with("4. begrüßt außerdem")).unwrap();
        assert_eq!(clause["label"], "cybersecurity", "{doc}");
    }
    // CSV has the two columns too.
    let out = run_on(dir.path(), &["classify", "res.pdf", "--format", "csv", "-q"]);
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(&header[5..8], ["kind", "format", "page"]);
    let last = reader.records().last().unwrap().unwrap();
    assert_eq!((&last[6], &last[7]), ("pdf", "3"));
}

#[test]
fn damaged_and_locked_documents_are_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = std::fs::read(fixtures().join("un-res-75-32-de.pdf")).unwrap();
    for i in 0..20 {
        let mut bytes = pdf.clone();
        bytes.truncate(pdf.len() * i / 20);
        std::fs::write(dir.path().join(format!("cut-{i:02}.pdf")), &bytes).unwrap();
    }
    std::fs::copy(fixtures().join("encrypted.pdf"), dir.path().join("locked.pdf")).unwrap();
    std::fs::copy(fixtures().join("scan.pdf"), dir.path().join("scan.pdf")).unwrap();
    std::fs::write(dir.path().join("fake.docx"), "not a zip").unwrap();
    std::fs::copy("corpus/documents/un-res-78-237-de.txt", dir.path().join("good.txt")).unwrap();
    let out = run_on(dir.path(), &["classify", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("warning: skipping ./locked.pdf: encrypted PDF"), "{err}");
    assert!(err.contains("warning: skipping ./fake.docx: cannot read this Word file: not a zip archive"), "{err}");
    assert!(err.contains("warning: skipping ./cut-00.pdf: "), "{err}");
    // One line per skipped file, then the summary; the good file is labeled.
    let warnings = err.lines().filter(|l| l.starts_with("paratopic: warning: skipping")).count();
    assert!(warnings >= 18, "{err}");
    assert!(records(&out).iter().any(|r| r["doc"] == "good.txt"));
    // The summary names every document not read, and the last line counts them.
    let unread: Vec<&str> = err.lines().filter_map(|l| l.strip_prefix("paratopic: not read: ./")).collect();
    assert_eq!(unread.len(), warnings, "{err}");
    assert!(unread.iter().any(|l| l.starts_with("locked.pdf: encrypted")), "{err}");
    assert!(unread.contains(&"scan.pdf: no text layer (scanned?)"), "{err}");
    assert!(err.trim_end().ends_with(&format!(
        "{warnings} document(s) could not be read (named above without -q); the records of the other {} are complete",
        24 - warnings
    )));
    // Quiet, to a file: no warning, the records of the others complete in the file, and the
    // exit status alone tells.
    let quiet = run_on(dir.path(), &["classify", ".", "-q", "-o", "out.jsonl"]);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(!stderr(&quiet).contains("warning"), "{}", stderr(&quiet));
    let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
    assert_eq!(written.lines().count(), records(&out).len());
    // Named directly, each is an error.
    assert_error(&run_on(dir.path(), &["classify", "locked.pdf"]), "locked.pdf: encrypted PDF");
    assert_error(&run_on(dir.path(), &["classify", "scan.pdf"]), "scan.pdf: no text layer (scanned?)");
    assert_error(&run_on(dir.path(), &["classify", "cut-05.pdf"]), "cut-05.pdf: cannot read this PDF file");
    assert_error(&run_on(dir.path(), &["classify", "fake.docx"]), "fake.docx: cannot read this Word file");
}

/// A PDF form whose text is only in its filled-in fields: `pdf-extract` finds no text in the
/// page, poppler's `pdftotext` (the second reader; CI installs poppler-utils) reads the fields,
/// and without it the file is refused in one line.
#[test]
fn a_pdf_the_first_reader_finds_no_text_in_is_read_by_poppler() {
    let have_poppler = Command::new("pdftotext").arg("-v").output().is_ok_and(|o| o.status.success());
    assert!(have_poppler, "this test needs poppler's pdftotext (apt-get install poppler-utils; .ci/run does)");
    let form = fixtures().join("form.pdf");
    let out = paratopic(&["classify", form.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let seed = records(&paratopic(&["classify", "corpus/documents/un-res-75-32-de.txt"]));
    let texts = |records: &[Value]| records.iter().map(|r| r["text"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let read = records(&out);
    assert_eq!(texts(&read), texts(&seed[..4]));
    assert!(read.iter().all(|r| r["format"] == "pdf" && r["page"] == 1), "{read:?}");
    let nowhere = tempfile::tempdir().unwrap();
    let without = Command::new(BIN)
        .args(["classify", form.to_str().unwrap()])
        .env("PATH", nowhere.path())
        .current_dir(crate::util::root())
        .output()
        .unwrap();
    assert_error(&without, "form.pdf: no text layer (scanned?)");
}

#[test]
fn web_pages_odd_and_large() {
    let dir = tempfile::tempdir().unwrap();
    // Windows-1252 declared in a meta tag.
    let mut legacy =
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head><body><p>"
            .to_vec();
    legacy.extend_from_slice(b"Die F\xf6rderung der Cybersicherheit kritischer Infrastrukturen bleibt eine Aufgabe der Staaten.</p></body></html>");
    std::fs::write(dir.path().join("legacy.html"), legacy).unwrap();
    let out = run_on(dir.path(), &["classify", "legacy.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(records(&out)[0]["text"], GERMAN);
    // 100,000 levels of nesting: refused at once, not parsed for minutes.
    let deep = format!("{}<p>{GERMAN}</p>{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    std::fs::write(dir.path().join("deep.html"), deep).unwrap();
    assert_error(
        &run_on(dir.path(), &["classify", "deep.html"]),
        "deep.html: cannot read this HTML file: elements nested 100000 levels deep",
    );
    // 50 MB of page: long paragraphs with markup inside.
    let paragraph = format!("<p>{}</p>\n", format!("<span class=\"s\">{GERMAN}</span> ").repeat(90));
    let count = (50 << 20) / paragraph.len();
    std::fs::write(
        dir.path().join("big.htm"),
        format!("<!DOCTYPE html><html><body>{}</body></html>", paragraph.repeat(count)),
    )
    .unwrap();
    let out = run_on(dir.path(), &["classify", "big.htm", "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout.iter().filter(|&&b| b == b'\n').count(), count);
}

#[test]
fn folder_walks_skip_hidden_ignored_and_linked_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("docs");
    std::fs::create_dir_all(root.join(".hidden")).unwrap();
    std::fs::create_dir_all(root.join("target")).unwrap();
    std::fs::write(root.join("a.txt"), GERMAN).unwrap();
    std::fs::write(root.join(".hidden/b.txt"), GERMAN).unwrap();
    std::fs::write(root.join(".secret.txt"), GERMAN).unwrap();
    std::fs::write(root.join("target/c.txt"), GERMAN).unwrap();
    std::fs::write(root.join(".gitignore"), "target/\n").unwrap();
    std::fs::write(dir.path().join("outside.txt"), GERMAN).unwrap();
    std::os::unix::fs::symlink("../outside.txt", root.join("out-link.txt")).unwrap();
    std::os::unix::fs::symlink("a.txt", root.join("same.txt")).unwrap();
    let out = run_on(dir.path(), &["classify", "docs"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let docs: Vec<String> = records(&out).iter().map(|r| r["doc"].as_str().unwrap().to_owned()).collect();
    assert_eq!(docs, ["a.txt"]);
    assert!(err.contains("skipping docs/out-link.txt: a symbolic link out of the folder"), "{err}");
    assert!(err.contains("skipping docs/same.txt: the same file as one already read"), "{err}");
    assert!(
        err.contains("2 file(s) skipped: 1 symbolic link out of the folder, 1 second path to the same file"),
        "{err}"
    );
    // A named pipe inside a folder is passed over with a warning, not waited on.
    let fifo = root.join("pipe.txt");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let out = run_on(dir.path(), &["classify", "docs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipping docs/pipe.txt: not a regular file"), "{}", stderr(&out));
    std::fs::remove_file(&fifo).unwrap();
    // -q silences the warnings and the summary.
    let out = run_on(dir.path(), &["classify", "docs", "-q"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
