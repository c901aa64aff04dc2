//! Any bytes as a web page (see `common.rs` for what is checked).
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| common::check(paratopic_ingest::Format::Html, bytes));
