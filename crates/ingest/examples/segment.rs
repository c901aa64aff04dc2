//! Prints the paragraphs of the given files, one line each: index, kind, span, text.
fn main() {
    for path in std::env::args().skip(1) {
        let doc = match paratopic_ingest::Document::read(path.clone(), std::path::Path::new(&path)) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        for p in paratopic_ingest::segment(&doc) {
            println!("{path}\t{}\t{}\t{}..{}\t{}", p.index, p.kind.as_str(), p.start, p.end, p.text);
        }
    }
}
