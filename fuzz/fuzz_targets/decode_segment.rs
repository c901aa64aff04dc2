//! Any bytes as a document: decoding and segmentation never panic, and spans stay inside the
//! file, in order, without overlap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paratopic_ingest::{segment, Document, Tokenizer, TokenizerConfig};

fuzz_target!(|bytes: &[u8]| {
    let Ok(doc) = Document::from_bytes("fuzz", bytes, std::path::Path::new("fuzz")) else { return };
    let tokenizer = Tokenizer::new(TokenizerConfig::default());
    let mut previous_end = 0;
    for p in segment(&doc) {
        assert!(p.start < p.end && p.end <= bytes.len());
        assert!(p.start >= previous_end);
        previous_end = p.end;
        tokenizer.for_each_token(&p.text, |t| assert!(!t.is_empty()));
    }
});
