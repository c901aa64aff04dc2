//! Golden tests of the format readers: the seed resolution 75/32 typeset as a UN-style PDF, as
//! Word and OpenDocument files and as a web page (fixtures made by `fixtures/make_fixtures.py`)
//! reads back as the same content paragraphs as the `.txt` seed.

use std::path::{Path, PathBuf};

use paratopic_ingest::{read_document, Extracted, Format, IngestError, Kind};

fn fixture(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(format!("un-res-75-32-de.{ext}"))
}

fn read(path: &Path) -> Result<Extracted, IngestError> {
    read_document("doc", std::fs::read(path).unwrap(), path)
}

fn content(doc: &Extracted) -> Vec<String> {
    doc.paragraphs.iter().filter(|p| p.kind.is_content()).map(|p| p.text.clone()).collect()
}

/// The seed's paragraph whose footnote marks the typeset fixtures carry as real notes (the
/// `.txt` seed has them glued to the years: `20101`).
const NOTED: &str = "sowie der Berichte von 2010, 2013 und 2015, die vom Generalsekretär";

fn compare(ext: &str, format: Format) -> Extracted {
    let seed = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents/un-res-75-32-de.txt")).unwrap();
    let doc = read(&fixture(ext)).unwrap();
    assert_eq!(doc.format, format);
    let (want, got) = (content(&seed), content(&doc));
    assert_eq!(got.len(), want.len(), "{ext}: {got:#?}");
    let differing: Vec<(&String, &String)> = want.iter().zip(&got).filter(|(w, g)| w != g).collect();
    // The one difference: the fixture's footnote marks are notes, not digits in the text.
    assert_eq!(differing.len(), 1, "{ext}: {differing:#?}");
    assert!(differing[0].1.contains(NOTED), "{ext}: {differing:#?}");
    assert!(differing[0].0.contains("20101, 20132 und 20153"));
    // Headings are headings, list items list items, in the seed's order.
    let kinds =
        |d: &Extracted| d.paragraphs.iter().filter(|p| p.kind != Kind::Footnote).map(|p| p.kind).collect::<Vec<_>>();
    assert_eq!(kinds(&doc), kinds(&seed), "{ext}");
    // The footnotes are there, as footnotes.
    let notes: Vec<&str> =
        doc.paragraphs.iter().filter(|p| p.kind == Kind::Footnote).map(|p| p.text.as_str()).collect();
    assert_eq!(notes.len(), 3, "{ext}: {notes:?}");
    assert!(notes[0].ends_with("A/65/201.") && notes[2].ends_with("A/70/174."), "{ext}: {notes:?}");
    // Spans point into the extracted text.
    for p in &doc.paragraphs {
        assert!(p.start < p.end && p.end <= doc.text.len(), "{ext}: {p:?}");
    }
    doc
}

#[test]
fn pdf_reads_as_the_seed_without_page_furniture() {
    let doc = compare("pdf", Format::Pdf);
    let all: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    for furniture in ["A/RES/75/32", "20-16512", "Vereinte Nationen", "Verteilung: Allgemein", "9. Dezember 2020"] {
        assert!(!all.iter().any(|t| t.contains(furniture)), "{furniture} in {all:#?}");
    }
    // Pages: the first paragraph on page 1, the signature line on page 3; the paragraph that
    // crosses from page 1 to page 2 is one paragraph, on the page it starts on.
    assert_eq!(doc.paragraphs[0].page, Some(1));
    assert_eq!(doc.paragraphs.last().unwrap().page, Some(3));
    let crossing =
        doc.paragraphs.iter().find(|p| p.text.starts_with("betonend, wie wichtig die in den Berichten")).unwrap();
    assert_eq!(crossing.text, "betonend, wie wichtig die in den Berichten der Gruppe von Regierungssachverständigen enthaltenen Einschätzungen und Empfehlungen sind,");
    assert_eq!(crossing.page, Some(1));
    assert!(doc.paragraphs.windows(2).all(|w| w[0].page <= w[1].page));
}

#[test]
fn word_and_opendocument_read_as_the_seed() {
    compare("docx", Format::Docx);
    compare("odt", Format::Odt);
}

#[test]
fn html_reads_as_the_seed_without_boilerplate() {
    let doc = compare("html", Format::Html);
    let all: Vec<&str> = doc.paragraphs.iter().map(|p| p.text.as_str()).collect();
    for boilerplate in ["Cookies", "Impressum", "Sicherheitsrat", "Suchen", "dataLayer", "Cyberangriff"] {
        assert!(!all.iter().any(|t| t.contains(boilerplate)), "{boilerplate} in {all:#?}");
    }
}

#[test]
fn formats_are_recognised_by_name_and_by_content() {
    let pdf = std::fs::read(fixture("pdf")).unwrap();
    assert_eq!(Format::detect(Path::new("x.PDF"), b""), Format::Pdf);
    assert_eq!(Format::detect(Path::new("no-extension"), &pdf[..64]), Format::Pdf);
    let docx = std::fs::read(fixture("docx")).unwrap();
    assert_eq!(Format::detect(Path::new("download"), &docx[..docx.len().min(4096)]), Format::Docx);
    assert_eq!(Format::detect(Path::new("page"), b"\xef\xbb\xbf  <!DOCTYPE html><html>"), Format::Html);
    assert_eq!(Format::detect(Path::new("notes"), "Die Generalversammlung,".as_bytes()), Format::Text);
}

/// A minimal PDF whose pages draw the given lines in Helvetica (no lines: a page without a text
/// layer, as a scan has). Text is written in WinAnsi (Latin-1 for German).
fn pdf_with_pages(pages: &[Vec<String>]) -> Vec<u8> {
    let latin1 = |s: &str| -> Vec<u8> { s.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect() };
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let n = pages.len();
    // 1: catalog, 2: pages, 3: font, then per page: page object and content stream.
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
    for (i, lines) in pages.iter().enumerate() {
        let mut stream = b"BT /F1 11 Tf 14 TL 72 760 Td\n".to_vec();
        for line in lines {
            stream.push(b'(');
            stream.extend(latin1(&line.replace('(', "\\(").replace(')', "\\)")));
            stream.extend_from_slice(b") Tj T*\n");
        }
        stream.extend_from_slice(b"ET");
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                5 + 2 * i
            )
            .into_bytes(),
        );
        let mut object = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        object.extend(stream);
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

#[test]
fn a_pdf_without_a_text_layer_says_so() {
    let pdf = pdf_with_pages(&[vec![], vec![]]);
    let err = read_document("scan", pdf, Path::new("scan.pdf")).unwrap_err();
    assert_eq!(err.to_string(), "scan.pdf: no text layer (scanned?)");
}

#[test]
fn a_long_pdf_reads_page_by_page_and_drops_repeated_headers() {
    let pages: Vec<Vec<String>> = (1..=500)
        .map(|n| {
            vec![
                "Bericht des Generalsekretärs".to_owned(),
                String::new(),
                format!(
                    "Die Staaten berichten auf Seite {n} über ihre Maßnahmen zum Schutz kritischer Infrastrukturen."
                ),
                String::new(),
                format!("{n}"),
            ]
        })
        .collect();
    let doc = read_document("long", pdf_with_pages(&pages), Path::new("long.pdf")).unwrap();
    let body: Vec<_> = doc.paragraphs.iter().filter(|p| p.kind == Kind::Body).collect();
    assert_eq!(body.len(), 500, "{:#?}", &doc.paragraphs[..4]);
    assert_eq!(
        body[0].text,
        "Die Staaten berichten auf Seite 1 über ihre Maßnahmen zum Schutz kritischer Infrastrukturen."
    );
    assert_eq!(body[499].page, Some(500));
    assert!(body[499].text.contains("Seite 500"));
    assert!(!doc.paragraphs.iter().any(|p| p.text.contains("Bericht des Generalsekretärs")));
}

#[test]
fn damaged_pdfs_are_errors_never_panics() {
    let pdf = std::fs::read(fixture("pdf")).unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut errors = 0;
    for variant in 0..300 {
        let mut bytes = pdf.clone();
        if variant % 2 == 0 {
            bytes.truncate((next() as usize) % pdf.len());
        } else {
            for _ in 0..1 + variant % 16 {
                let at = (next() as usize) % bytes.len();
                bytes[at] ^= 1 << (next() % 8);
            }
        }
        match read_document("damaged", bytes, Path::new("damaged.pdf")) {
            Ok(doc) => assert!(!doc.paragraphs.is_empty()),
            Err(e) => {
                let message = e.to_string();
                assert!(message.starts_with("damaged.pdf: ") && !message.contains('\n'), "{message}");
                errors += 1;
            }
        }
    }
    // Truncation loses the cross-reference table: most variants cannot be read.
    assert!(errors >= 100, "{errors}");
}

#[test]
fn broken_office_files_are_clear_errors() {
    let err = |bytes: Vec<u8>, name: &str| read_document("x", bytes, Path::new(name)).unwrap_err().to_string();
    assert!(err(b"not a zip at all".to_vec(), "a.docx")
        .starts_with("a.docx: cannot read this Word file: not a zip archive"));
    let zip_with = |name: &str, body: &[u8]| {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, body).unwrap();
        zip.finish().unwrap();
        out.into_inner()
    };
    assert_eq!(
        err(zip_with("word/styles.xml", b"<x/>"), "b.docx"),
        "b.docx: cannot read this Word file: no word/document.xml in the archive (not a Word document)"
    );
    // A zip bomb: 65 MiB of zeros packed into a few kilobytes is refused, not unpacked.
    let bomb = zip_with("word/document.xml", &vec![b' '; 65 << 20]);
    assert!(bomb.len() < 1 << 20);
    assert!(err(bomb, "c.docx").contains("a zip bomb?"));
    assert!(err(zip_with("word/document.xml", b"<w:document><w:body><w:p></w:r>"), "d.docx")
        .starts_with("d.docx: cannot read this Word file: word/document.xml: bad XML"));
    assert_eq!(
        err(zip_with("word/document.xml", b"<w:document><w:body/></w:document>"), "e.docx"),
        "e.docx: cannot read this Word file: no text in the document"
    );
}
