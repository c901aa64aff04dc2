//! What every reader's fuzz target checks: any bytes give paragraphs or an error, never a panic
//! or a hang, and the spans lie in the extracted text, in order, around non-empty text.

use paratopic_ingest::{read_as, Format};

pub fn check(format: Format, bytes: &[u8]) {
    let Ok(doc) = read_as(format, "fuzz", bytes.to_vec(), std::path::Path::new("fuzz")) else { return };
    let mut previous_end = 0;
    for p in &doc.paragraphs {
        assert!(p.start < p.end && p.end <= doc.text.len());
        assert!(p.start >= previous_end);
        assert!(!p.text.is_empty());
        previous_end = p.end;
    }
}
