//! Any bytes as a pdf document: the reader returns paragraphs or an error, never panics or
//! hangs, and the spans lie in the extracted text, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paratopic_ingest::{read_as, Format};

fuzz_target!(|bytes: &[u8]| {
    let format = Format::Pdf;
    let Ok(doc) = read_as(format, "fuzz", bytes.to_vec(), std::path::Path::new("fuzz")) else { return };
    let mut previous_end = 0;
    for p in &doc.paragraphs {
        assert!(p.start < p.end && p.end <= doc.text.len());
        assert!(p.start >= previous_end);
        assert!(!p.text.is_empty());
        previous_end = p.end;
    }
});
