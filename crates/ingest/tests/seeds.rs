//! Golden tests: the three seed documents, one per layout, segmented as an annotator expects.

use std::collections::BTreeMap;
use std::path::Path;

use paratopic_ingest::{segment, Document, Kind, Layout, Paragraph};

fn seed(name: &str) -> (String, Vec<Paragraph>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents").join(name);
    let doc = Document::read(name, &path).unwrap();
    let raw = std::fs::read_to_string(&path).unwrap();
    (raw, segment(&doc))
}

fn kinds(paragraphs: &[Paragraph]) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for p in paragraphs {
        *m.entry(p.kind.as_str()).or_default() += 1;
    }
    m
}

fn find<'a>(paragraphs: &'a [Paragraph], needle: &str) -> &'a Paragraph {
    paragraphs.iter().find(|p| p.text.contains(needle)).unwrap_or_else(|| panic!("no paragraph contains {needle:?}"))
}

#[test]
fn pdf_extraction_un_res_75_32() {
    let (raw, ps) = seed("un-res-75-32-de.txt");
    assert_eq!(Layout::detect(&raw), Layout::Indented);
    assert_eq!(ps.len(), 33);
    assert_eq!(kinds(&ps), BTreeMap::from([("body", 24), ("footnote", 3), ("heading", 2), ("list_item", 4)]));
    // Words broken at the line end are joined; a suspended hyphen stays.
    let p = find(&ps, "54/49 vom 1. Dezember 1999");
    assert!(p.text.starts_with("unter Hinweis auf ihre Resolutionen 53/70 vom 4. Dezember 1998"));
    assert!(find(&ps, "Gruppe von Regierungssachverständigen für Entwicklungen").text.starts_with("unter Begrüßung"));
    assert!(
        find(&ps, "bestätigend, dass Informations- und Kommunikationstechnologien einen doppelten").kind == Kind::Body
    );
    assert!(!ps.iter().any(|p| p.text.contains("De- zember") || p.text.contains("Dezem- ber")));
    assert!(find(&ps, "(COVID-19)").text.contains("Coronavirus-Krankheit"));
    // The page-break footnotes are paragraphs of their own, not glued into the running text.
    let footnotes: Vec<&str> = ps.iter().filter(|p| p.kind == Kind::Footnote).map(|p| p.text.as_str()).collect();
    assert_eq!(footnotes, ["1 A/65/201.", "2 A/68/98.", "3 A/70/174."]);
    let before = find(&ps, "ferner in Bestätigung der Schlussfolgerungen");
    assert!(before.text.ends_with("gefördert wird,"), "{}", before.text);
    assert!(find(&ps, "Hauptverantwortung für die Aufrechterhaltung")
        .text
        .starts_with("betonend, dass die Staaten zwar"));
    // Title over two printed lines; the signature block at the end.
    assert_eq!(ps[0].kind, Kind::Heading);
    assert!(ps[0].text.ends_with("im Cyberspace im Kontext der internationalen Sicherheit"));
    assert_eq!(ps[32].text, "37. Plenarsitzung 7. Dezember 2020");
    // Lettered sub-items are list items under their operative clause.
    assert_eq!(ps[22].kind, Kind::ListItem);
    assert!(ps[22].text.starts_with("sich bei der Nutzung"));
}

#[test]
fn markdown_lines_un_res_78_237() {
    let (raw, ps) = seed("un-res-78-237-de.txt");
    assert_eq!(Layout::detect(&raw), Layout::LinePerParagraph);
    assert_eq!(ps.len(), 41);
    assert_eq!(kinds(&ps), BTreeMap::from([("body", 28), ("footnote", 2), ("heading", 11)]));
    // Emphasis and footnote marks are cleaned; the span still points at the original bytes.
    let p = find(&ps, "1. unterstützt die Arbeit der Offenen Arbeitsgruppe");
    assert!(raw[p.start..p.end].starts_with("1. *unterstützt* die Arbeit"));
    let p = find(&ps, "3. begrüßt den im Konsens verabschiedeten");
    assert!(p.text.contains("Fortschrittsbericht der Offenen Arbeitsgruppe und nimmt"));
    assert!(raw[p.start..p.end].contains("Arbeitsgruppe¹ und"));
    // Links keep their text.
    let notes: Vec<&str> = ps.iter().filter(|p| p.kind == Kind::Footnote).map(|p| p.text.as_str()).collect();
    assert_eq!(notes, ["¹ Siehe A/78/265.", "² A/AC.292/2023/INF/5."]);
    assert_eq!(find(&ps, "Die Generalversammlung,").section.as_deref(), Some("78/237. Entwicklungen auf dem Gebiet der Information und Telekommunikation im Kontext der internationalen Sicherheit"));
}

#[test]
fn report_lines_ig_report() {
    let (raw, ps) = seed("ig-report-2025-q4-de.txt");
    assert_eq!(Layout::detect(&raw), Layout::LinePerParagraph);
    assert_eq!(ps.len(), 140);
    assert_eq!(kinds(&ps), BTreeMap::from([("body", 22), ("heading", 20), ("list_item", 50), ("reference", 48)]));
    for heading in [
        "III. Cybersicherheit",
        "Hanoi-Konvention: Unterzeichnung trotz westlicher Kritik",
        "I. WSIS+20 Überprüfungskonferenz",
    ] {
        assert_eq!(find(&ps, heading).kind, Kind::Heading, "{heading}");
    }
    // Bullets lose their marker; a. / b. sub-items are list items.
    let bullet = find(&ps, "Die Entscheidung, dem IGF einen permanenten Status");
    assert_eq!(bullet.kind, Kind::ListItem);
    assert!(bullet.text.starts_with("Die Entscheidung"));
    assert!(raw[bullet.start..bullet.end].starts_with("- Die Entscheidung"));
    let sub = find(&ps, "benötigt das IGF ein stabiles Budget");
    assert_eq!(
        (sub.kind, sub.section.as_deref()),
        (Kind::ListItem, Some("Konfliktlinien: Finanzierung und Regierungsrolle"))
    );
    // Citation markers go from running text; the reference list keeps them.
    assert!(find(&ps, "im Konsensus verabschiedet.").text.contains("verabschiedet. In acht Kapitel"));
    let reference = find(&ps, "[12] https://hanoiconvention.org/");
    assert_eq!(reference.kind, Kind::Reference);
    assert_eq!(ps.last().unwrap().text, "[50] https://ec.europa.eu/commission/presscorner/detail/de/speech_25_2734");
    // Spans are in order, in bounds, on char boundaries and do not overlap.
    for w in ps.windows(2) {
        assert!(w[0].end <= w[1].start);
    }
    assert!(ps.iter().all(|p| raw.is_char_boundary(p.start) && raw.is_char_boundary(p.end) && p.end <= raw.len()));
}
