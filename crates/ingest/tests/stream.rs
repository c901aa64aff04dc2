//! The one entry into a document, `DocumentStream`: the same paragraphs whatever the source (a
//! path, bytes, a reader) and however it is read (whole, or in pieces with numbers and sections
//! carried across them), on the seed documents; binary input refused from its first bytes.

use std::path::{Path, PathBuf};

use paratopic_ingest::{DocumentStream, Format, IngestError, Kind, Paragraph, Source, WHOLE_BYTES};

fn seed(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents").join(name)).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn read(source: Source) -> (bool, Format, Vec<Paragraph>) {
    let stream = DocumentStream::open("doc", source).unwrap();
    let (pieces, format) = (stream.in_pieces(), stream.format());
    (pieces, format, stream.read_all().unwrap().paragraphs)
}

fn one_seed() -> String {
    let mut names: Vec<_> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus/documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    seed(&names[0])
}

#[test]
fn a_long_text_in_pieces_reads_as_a_whole_one() {
    let doc = one_seed();
    let text = doc.repeat(WHOLE_BYTES / doc.len() + 2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, &text).unwrap();

    let (pieces, format, from_path) = read(Source::Path(path.clone()));
    assert!(pieces, "over {WHOLE_BYTES} bytes of UTF-8 text is read in pieces");
    assert_eq!(format, Format::Text);
    let (pieces, _, from_reader) =
        read(Source::Reader { name: path.clone(), reader: Box::new(std::fs::File::open(&path).unwrap()) });
    assert!(pieces);
    let (pieces, _, whole) = read(Source::Bytes { name: path, bytes: text.into_bytes() });
    assert!(!pieces, "bytes in memory are read whole");

    assert_eq!(from_path, whole);
    assert_eq!(from_reader, whole);
    assert!(whole.iter().enumerate().all(|(i, p)| p.index == i), "numbered through the document");
    // The heading above a piece's first paragraphs stands in an earlier piece: carried.
    let sections = whole.iter().filter(|p| p.kind != Kind::Heading && p.section.is_some()).count();
    assert!(sections > whole.len() / 2, "{sections} of {} paragraphs have a section", whole.len());
}

#[test]
fn a_document_on_a_reader_is_told_by_its_first_bytes() {
    let pdf = std::fs::read(fixture("un-res-75-32-de.pdf")).unwrap();
    let (pieces, format, from_reader) =
        read(Source::Reader { name: PathBuf::from("-"), reader: Box::new(std::io::Cursor::new(pdf)) });
    assert!(!pieces);
    assert_eq!(format, Format::Pdf);
    let (_, _, from_path) = read(Source::Path(fixture("un-res-75-32-de.pdf")));
    assert_eq!(from_reader, from_path);
    assert!(from_path.len() > 20);
}

#[test]
fn endless_binary_input_is_refused_from_its_first_bytes() {
    let zeros = Source::Reader { name: PathBuf::from("/dev/zero"), reader: Box::new(std::io::repeat(0)) };
    match DocumentStream::open("zero", zeros) {
        Err(IngestError::Binary { kind, .. }) => assert_eq!(kind, "NUL bytes"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("accepted"),
    }
    let lines = paratopic_ingest::line_pieces(Path::new("/dev/zero"), Box::new(std::io::repeat(0)));
    assert!(matches!(lines, Err(IngestError::Binary { .. })));
}
