//! Prints the paragraphs of the given files (any supported format), one line each: index,
//! kind, span, page, text.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        };
        let doc = match paratopic_ingest::read_document(&path, bytes, std::path::Path::new(&path)) {
            Ok(doc) => doc,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        for p in doc.paragraphs {
            let page = p.page.map_or_else(String::new, |n| n.to_string());
            println!("{path}\t{}\t{}\t{}..{}\t{page}\t{}", p.index, p.kind.as_str(), p.start, p.end, p.text);
        }
    }
}
