//! End-to-end tests of `paratopic report`, `classify --report` and `eval --report`: the real
//! binary on the bundled corpus, the page read back with an HTML5 parser.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::util::{paratopic, root, stderr, tiny_labeled_data};

const LABELS: [&str; 5] = ["cybersecurity", "ai", "wsis", "financing", "other"];

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sel(css: &str) -> Selector {
    Selector::parse(css).unwrap()
}

/// The bundled corpus classified into `dir/labeled.jsonl`, and its records.
fn classify_corpus(dir: &Path) -> (PathBuf, Vec<Value>) {
    let jsonl = dir.join("labeled.jsonl");
    let out = paratopic(&["classify", "corpus/documents", "-q", "-o", s(&jsonl)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records = std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    (jsonl, records)
}

/// Reads a page and checks that the HTML5 parser found nothing to repair.
fn page(path: &Path) -> Html {
    let html = Html::parse_document(&std::fs::read_to_string(path).unwrap());
    assert!(html.errors.is_empty(), "{}: parse errors: {:?}", path.display(), html.errors);
    html
}

fn report(args: &[&str]) -> Output {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    paratopic(&all)
}

fn is_content(r: &Value) -> bool {
    matches!(r["kind"].as_str(), Some("body" | "list_item"))
}

fn text(e: ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

/// The count in a mix cell: its first text node (the share follows in `<small>`).
fn count(cell: ElementRef<'_>) -> usize {
    cell.text().next().unwrap().trim().parse().unwrap()
}

#[test]
fn corpus_report_is_valid_html_whose_numbers_are_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, records) = classify_corpus(dir.path());
    let html_path = dir.path().join("report.html");
    let out = report(&[s(&jsonl), "-o", s(&html_path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(&html_path);

    // The label set in the model's order, then no topic.
    let legend: Vec<String> =
        html.select(&sel("#legend > span")).map(|e| e.value().attr("data-label").unwrap().to_owned()).collect();
    assert_eq!(legend, [&LABELS[..], &["no topic"]].concat());

    // One strip per document, a cell per paragraph, a heading mark per heading.
    let mut docs: Vec<&str> = Vec::new();
    for r in &records {
        let d = r["doc"].as_str().unwrap();
        if !docs.contains(&d) {
            docs.push(d);
        }
    }
    let strips: Vec<ElementRef<'_>> = html.select(&sel("#strips .st")).collect();
    assert_eq!(strips.len(), docs.len());
    for (strip, doc) in strips.iter().zip(&docs) {
        assert_eq!(strip.value().attr("data-doc"), Some(*doc));
        let of_doc: Vec<&Value> = records.iter().filter(|r| r["doc"] == *doc).collect();
        assert_eq!(strip.select(&sel("rect")).count(), of_doc.len(), "{doc}");
        let headings = of_doc.iter().filter(|r| r["kind"] == "heading").count();
        assert_eq!(strip.select(&sel("path.hd")).count(), headings, "{doc}");
        // Hover: the text of the first paragraph is in its cell.
        let first = strip.select(&sel("rect")).next().unwrap().value().attr("data-tip").unwrap();
        let start: String = of_doc[0]["text"].as_str().unwrap().chars().take(30).collect();
        assert!(first.contains(&start), "{first}");
    }

    // The topic mix: content paragraphs per label per document, and of the whole run.
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in records.iter().filter(|r| is_content(r)) {
        let label = r["label"].as_str().unwrap_or("no topic").to_owned();
        *expected.entry((r["doc"].as_str().unwrap().to_owned(), label.clone())).or_default() += 1;
        *expected.entry(("*".to_owned(), label)).or_default() += 1;
    }
    let rows: Vec<(String, ElementRef<'_>)> = html
        .select(&sel("#mix-table tbody tr"))
        .map(|tr| {
            let name = if tr.value().classes().any(|c| c == "all") {
                "*".to_owned()
            } else {
                text(tr.select(&sel("td.doc")).next().unwrap())
            };
            (name, tr)
        })
        .collect();
    assert_eq!(rows.len(), docs.len() + 1);
    let mut seen_nonzero = 0;
    for (name, tr) in &rows {
        for cell in tr.select(&sel("td[data-label]")) {
            let label = cell.value().attr("data-label").unwrap().to_owned();
            let want = expected.get(&(name.clone(), label.clone())).copied().unwrap_or(0);
            assert_eq!(count(cell), want, "{name} {label}");
            seen_nonzero += usize::from(want > 0);
        }
        let content: usize = expected.iter().filter(|((d, _), _)| d == name).map(|(_, n)| n).sum();
        assert_eq!(text(tr.select(&sel("td.content")).next().unwrap()), content.to_string());
    }
    assert!(seen_nonzero >= 6, "the corpus has several topics per document");

    // The 25 least confident content paragraphs, ascending, the same as the records say.
    let mut confidences: Vec<f64> =
        records.iter().filter(|r| is_content(r)).filter_map(|r| r["confidence"].as_f64()).collect();
    confidences.sort_by(f64::total_cmp);
    let table: Vec<String> = html.select(&sel("#least tbody td.conf")).map(text).collect();
    let want: Vec<String> = confidences.iter().take(25).map(|c| format!("{c:.3}")).collect();
    assert_eq!(table, want);
    assert_eq!(html.select(&sel("#least tbody tr")).count(), 25);

    // A confidence histogram and a column of indicative terms per label.
    assert_eq!(html.select(&sel("#confidence figure svg.hist")).count(), LABELS.len());
    let terms: Vec<&str> =
        html.select(&sel("#terms-table th")).map(|e| e.value().attr("data-label").unwrap()).collect();
    assert_eq!(terms, LABELS);
    let explain = paratopic(&["explain", "--label", "ai", "--top", "1"]);
    let top_ai = String::from_utf8(explain.stdout)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .to_owned();
    let first_row: Vec<String> =
        html.select(&sel("#terms-table tbody tr")).next().unwrap().select(&sel("td")).map(text).collect();
    assert!(first_row[1].starts_with(&format!("{top_ai} ")), "{first_row:?} vs {top_ai}");

    // No evaluation without gold labels; nothing fetched from the network.
    assert_eq!(html.select(&sel("#evaluation")).count(), 0);
    assert_eq!(html.select(&sel("[src], [href]:not([href^='#']), link, img, iframe, object, embed")).count(), 0);
    let style: String = html.select(&sel("style")).map(text).collect();
    assert!(!style.contains("url(") && !style.contains("@import"));
}

/// The per-label precision, recall and F1 of predicted against gold, computed here.
fn scores(pairs: &[(String, String)], label: &str) -> (f64, f64, f64) {
    let tp = pairs.iter().filter(|(g, p)| g == label && p == label).count() as f64;
    let predicted = pairs.iter().filter(|(_, p)| p == label).count() as f64;
    let gold = pairs.iter().filter(|(g, _)| g == label).count() as f64;
    let p = if predicted > 0.0 { tp / predicted } else { 0.0 };
    let r = if gold > 0.0 { tp / gold } else { 0.0 };
    let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    (p, r, f1)
}

#[test]
fn gold_labels_give_precision_recall_f1_and_a_confusion_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, records) = classify_corpus(dir.path());
    // The corpus gold labels, all files in one.
    let mut gold_lines = String::new();
    for entry in std::fs::read_dir(root().join("corpus/labels")).unwrap() {
        gold_lines.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    let gold_path = dir.path().join("gold.jsonl");
    std::fs::write(&gold_path, &gold_lines).unwrap();
    let html_path = dir.path().join("gold.html");
    let out = report(&[s(&jsonl), "--gold", s(&gold_path), "-o", s(&html_path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(&html_path);

    let mut gold: BTreeMap<(String, u64), String> = BTreeMap::new();
    for line in gold_lines.lines() {
        let g: Value = serde_json::from_str(line).unwrap();
        gold.insert(
            (g["doc"].as_str().unwrap().to_owned(), g["paragraph"].as_u64().unwrap()),
            g["label"].as_str().unwrap().to_owned(),
        );
    }
    let pairs: Vec<(String, String)> = records
        .iter()
        .filter_map(|r| {
            let g = gold.get(&(r["doc"].as_str().unwrap().to_owned(), r["paragraph"].as_u64().unwrap()))?;
            Some((g.clone(), r["label"].as_str().unwrap_or("no topic").to_owned()))
        })
        .collect();
    // Every gold label (one per content paragraph) matches a record.
    assert_eq!(pairs.len(), gold.len());
    assert_eq!(pairs.len(), records.iter().filter(|r| is_content(r)).count());
    assert_eq!(html.select(&sel("#evaluation p.note")).filter(|p| text(*p).contains("matched no record")).count(), 0);
    let correct = pairs.iter().filter(|(g, p)| g == p).count();
    assert_eq!(
        text(html.select(&sel("#accuracy")).next().unwrap()),
        format!("{:.3}", correct as f64 / pairs.len() as f64)
    );
    let mut f1s = Vec::new();
    for label in LABELS {
        let row = html.select(&sel(&format!("#prf tr[data-label=\"{label}\"]"))).next().unwrap();
        let (p, r, f1) = scores(&pairs, label);
        let cell = |c: &str| text(row.select(&sel(c)).next().unwrap());
        assert_eq!(
            (cell("td.p"), cell("td.r"), cell("td.f1")),
            (format!("{p:.3}"), format!("{r:.3}"), format!("{f1:.3}"))
        );
        assert_eq!(cell("td.s"), pairs.iter().filter(|(g, _)| g == label).count().to_string());
        f1s.push(f1);
    }
    let macro_f1 = f1s.iter().sum::<f64>() / f1s.len() as f64;
    assert_eq!(text(html.select(&sel("#macro-f1")).next().unwrap()), format!("{macro_f1:.3}"));

    // The heat map: a row per gold label, its cells the pair counts.
    let heat: Vec<ElementRef<'_>> = html.select(&sel("#confusion tbody tr")).collect();
    assert_eq!(heat.len(), LABELS.len());
    for (tr, g) in heat.iter().zip(LABELS) {
        let cells: Vec<usize> = tr.select(&sel("td")).map(|td| text(td).parse().unwrap()).collect();
        for (p, n) in LABELS.iter().zip(&cells) {
            assert_eq!(*n, pairs.iter().filter(|(a, b)| a == g && b == p).count(), "{g} -> {p}");
        }
    }
}

#[test]
fn the_same_records_give_the_same_bytes_and_classify_report_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let (jsonl, _) = classify_corpus(dir.path());
    let (a, b, c) = (dir.path().join("a.html"), dir.path().join("b.html"), dir.path().join("c.html"));
    for path in [&a, &b] {
        let out = report(&[s(&jsonl), "-o", s(path)]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    // classify --report draws the same page, apart from the line naming its source.
    let out =
        paratopic(&["classify", "corpus/documents", "-q", "-o", s(&dir.path().join("x.jsonl")), "--report", s(&c)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let body = |p: &Path| {
        let page = std::fs::read_to_string(p).unwrap();
        page[page.find("<section id=\"mix\">").unwrap()..].to_owned()
    };
    assert!(body(&a) == body(&c), "classify --report and report differ");
    page(&c);
}

#[test]
fn bad_input_is_one_error_with_exit_code_2_and_no_page() {
    let dir = tempfile::tempdir().unwrap();
    let html_path = dir.path().join("r.html");
    let bad = dir.path().join("bad.jsonl");
    let good = r#"{"doc":"d","paragraph":0,"kind":"body","text":"t","label":"ai","confidence":0.9}"#;
    let cases: [(&str, &str); 4] = [
        (&format!("{good}\n{{\"doc\": \"d\", \"paragraph\": 1,\n"), "bad.jsonl:2:"),
        (&format!("{good}\n\n{}\n", good.replace("body", "chapter")), "bad.jsonl:3: unknown kind \"chapter\""),
        (
            r#"{"paragraph":0,"kind":"body","text":"t","label":null}"#,
            "bad.jsonl:1: not a paratopic record: missing field `doc`",
        ),
        ("", "no records"),
    ];
    for (content, message) in cases {
        std::fs::write(&bad, content).unwrap();
        let out = report(&[s(&bad), "-o", s(&html_path)]);
        assert_eq!(out.status.code(), Some(2), "{content}");
        let err = stderr(&out);
        assert!(err.contains(message) && err.lines().count() == 1, "{err}");
        assert!(!html_path.exists());
    }
    std::fs::write(&bad, format!("{good}\n")).unwrap();
    let out = report(&[s(&bad), "-o", s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("refusing to overwrite"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&bad).unwrap(), format!("{good}\n"));
    let out = report(&["no/such/records.jsonl", "-o", s(&html_path)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no/such/records.jsonl"), "{}", stderr(&out));
    // A gold file without ids or places names its line.
    std::fs::write(&bad, format!("{good}\n")).unwrap();
    let gold = dir.path().join("gold.jsonl");
    std::fs::write(&gold, "{\"doc\":\"d\",\"paragraph\":0,\"label\":\"ai\"}\n{\"label\":\"ai\"}\n").unwrap();
    let out = report(&[s(&bad), "--gold", s(&gold), "-o", s(&html_path)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("gold.jsonl:2:"), "{}", stderr(&out));
    assert!(!html_path.exists());
    // Only the leftover of earlier runs would be here: the folder holds no temporary file.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn a_custom_models_labels_lead_and_unknown_labels_are_added() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = [
        ("Cyberangriffe auf Netze und Server", "netz"),
        ("Angriffe auf Netze der Behörden", "netz"),
        ("Haushalt und Geld für die Schulen", "geld"),
        ("Haushaltsmittel und Geld der Länder", "geld"),
    ]
    .iter()
    .map(|(t, l)| format!("{{\"text\": \"{t}\", \"label\": \"{l}\"}}\n"))
    .collect();
    let data = dir.path().join("d.jsonl");
    std::fs::write(&data, lines).unwrap();
    let model = dir.path().join("m.model");
    let out = paratopic(&[
        "train",
        "--data",
        s(&data),
        "-o",
        s(&model),
        "--labels",
        "netz,geld",
        "--calibrate",
        "false",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "Angriffe auf Server im Netz.\n\nGeld im Haushalt der Schulen.\n").unwrap();
    let records = dir.path().join("r.jsonl");
    let out = paratopic(&["classify", s(&input), "--model", s(&model), "-q", "-o", s(&records)]);
    assert!(out.status.success(), "{}", stderr(&out));

    let html_path = dir.path().join("custom.html");
    let out = report(&[s(&records), "--model", s(&model), "-o", s(&html_path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(&html_path);
    let legend: Vec<&str> =
        html.select(&sel("#legend > span")).map(|e| e.value().attr("data-label").unwrap()).collect();
    assert_eq!(legend, ["netz", "geld", "no topic"]);
    assert_eq!(html.select(&sel("#terms-table th")).count(), 2);

    // Read with the built-in model, the records' labels come after its own.
    let out = report(&[s(&records), "-o", s(&html_path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = page(&html_path);
    let legend: Vec<&str> =
        html.select(&sel("#legend > span")).map(|e| e.value().attr("data-label").unwrap()).collect();
    assert_eq!(legend, [&LABELS[..], &["netz", "geld", "no topic"]].concat());
    assert!(text(html.select(&sel("header")).next().unwrap()).contains("not in the model's label set"));
}

#[test]
fn eval_report_shows_the_cross_validation() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_labeled_data(dir.path());
    let html_path = dir.path().join("eval.html");
    let out = paratopic(&["eval", "--data", s(&data), "--folds", "2", "--json", "--report", s(&html_path)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let html = page(&html_path);
    for s in json["per_label"].as_array().unwrap() {
        let label = s["label"].as_str().unwrap();
        let row = html.select(&sel(&format!("#prf tr[data-label=\"{label}\"]"))).next().unwrap();
        assert_eq!(text(row.select(&sel("td.f1")).next().unwrap()), format!("{:.3}", s["f1"].as_f64().unwrap()));
    }
    let counts: Vec<Vec<usize>> = html
        .select(&sel("#confusion tbody tr"))
        .map(|tr| tr.select(&sel("td")).map(|td| text(td).parse().unwrap()).collect::<Vec<usize>>())
        .map(|row| row[..2].to_vec())
        .collect();
    let want: Vec<Vec<usize>> = serde_json::from_value(json["confusion"]["counts"].clone()).unwrap();
    assert_eq!(counts, want);
    assert_eq!(html.select(&sel("#strips")).count(), 0);
}

/// The rows of the `classify` summary on stderr: document → the numbers of its row (labels,
/// headings etc., no topic, total).
fn summary_rows(err: &str) -> BTreeMap<String, Vec<usize>> {
    err.lines()
        .skip_while(|l| !l.starts_with("document "))
        .skip(1)
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let numbers: Vec<usize> = fields[1..].iter().map(|f| f.parse().ok()).collect::<Option<_>>()?;
            Some((fields[0].to_owned(), numbers))
        })
        .collect()
}

#[test]
fn the_summary_and_the_report_count_the_same_records_alike() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    // Headings, a footnote, a reference and a paragraph without known terms in German; a real
    // French news page (a language the model does not read, headings included); a seed.
    std::fs::write(
        docs.join("bericht.txt"),
        "# Bericht zur Cybersicherheit\n\nDie Bundesregierung stärkt den Schutz kritischer Infrastrukturen vor \
         Cyberangriffen und richtet ein Lagezentrum beim Bundesamt ein.\n\nXyzzy plugh qwerty zork.\n\n\
         [1] Bundesamt für Sicherheit in der Informationstechnik, Lagebericht 2024.\n\n\
         ¹ Siehe den Lagebericht des Bundesamtes.\n",
    )
    .unwrap();
    let french = root().join("corpus/real/docs/news-lemonde-loi-renseignement-2015.html");
    std::fs::copy(&french, docs.join("lemonde.html")).unwrap();
    std::fs::copy(root().join("corpus/documents/un-res-75-32-de.txt"), docs.join("un-res-75-32-de.txt")).unwrap();
    let (jsonl, html) = (dir.path().join("r.jsonl"), dir.path().join("r.html"));
    let out = paratopic(&["classify", s(&docs), "-o", s(&jsonl), "--report", s(&html)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = summary_rows(&stderr(&out));

    // What the records say, counted here by hand.
    let records: Vec<Value> =
        std::fs::read_to_string(&jsonl).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mut expected: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for r in &records {
        let row = expected.entry(r["doc"].as_str().unwrap().to_owned()).or_insert_with(|| vec![0; LABELS.len() + 2]);
        let column = match (is_content(r), r["label"].as_str()) {
            (false, _) => LABELS.len(),
            (true, None) => LABELS.len() + 1,
            (true, Some(label)) => LABELS.iter().position(|l| *l == label).unwrap(),
        };
        row[column] += 1;
    }
    let kinds: Vec<&str> = records.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    let decisions: Vec<&str> = records.iter().map(|r| r["decision"].as_str().unwrap()).collect();
    for kind in ["heading", "body", "footnote", "reference"] {
        assert!(kinds.contains(&kind), "no {kind} record");
    }
    for decision in ["model", "no_evidence", "unsupported_language"] {
        assert!(decisions.contains(&decision), "no {decision} record");
    }
    let french_headings = records
        .iter()
        .filter(|r| r["doc"].as_str().unwrap().ends_with("lemonde.html") && !is_content(r))
        .filter(|r| r["decision"] == "unsupported_language")
        .count();
    assert!(french_headings > 0, "the French page has headings in a language the model does not read");

    // The report's topic mix, one row per document: labels, no topic, content, headings etc.
    let page = page(&html);
    let mut reported: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for tr in page.select(&sel("#mix-table tr.d")) {
        let name = tr.select(&sel("td.doc")).next().unwrap().text().collect::<String>();
        let numbers: Vec<usize> =
            tr.select(&sel("td.n")).map(|td| td.text().next().unwrap().trim().parse::<usize>().unwrap()).collect();
        // labels…, no topic, content, headings etc. → labels…, headings etc., no topic
        let (labels, rest) = numbers.split_at(LABELS.len());
        let mut row = labels.to_vec();
        row.extend([rest[2], rest[0]]);
        reported.insert(name, row);
    }
    assert_eq!(reported.len(), 3, "{reported:?}");
    for (doc, row) in &expected {
        let mut with_total = row.clone();
        with_total.push(row.iter().sum());
        assert_eq!(summary.get(doc), Some(&with_total), "summary of {doc}");
        assert_eq!(reported.get(doc), Some(row), "report of {doc}");
    }
}
