//! Any bytes as a Word or OpenDocument file; the first byte picks which (see `common.rs` for
//! what is checked).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use paratopic_ingest::Format;

fuzz_target!(|bytes: &[u8]| {
    let Some((&pick, bytes)) = bytes.split_first() else { return };
    common::check(if pick % 2 == 0 { Format::Docx } else { Format::Odt }, bytes);
});
