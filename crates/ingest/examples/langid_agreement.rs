//! How often paratopic's language identification (function words first, whatlang for the
//! rest) agrees with whatlang alone, and what each costs per text.
//!
//! ```sh
//! cargo run --release -p paratopic-ingest --example langid_agreement -- \
//!     corpus/authored/*.jsonl corpus/dev/en-real.jsonl corpus/documents/*.txt ../shared/data/gnad-test.jsonl
//! ```
//!
//! JSONL files give their `text` fields; other files are cut at blank lines.

use std::time::Instant;

/// whatlang alone, with the same first-kilobyte cut and reliability rule as paratopic.
fn whatlang_only(text: &str) -> Option<(String, bool)> {
    let mut end = text.len().min(1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = &text[..end];
    let info = whatlang::detect(text)?;
    let long_enough = text.chars().filter(|c| c.is_alphabetic()).count() >= 40;
    Some((info.lang().code().to_owned(), info.is_reliable() && long_enough))
}

/// ISO 639-3 for German and English, as whatlang names them; other codes are compared as
/// "another language".
fn three_letter(code: &str) -> &str {
    match code {
        "de" => "deu",
        "en" => "eng",
        other => other,
    }
}

fn main() {
    let mut texts: Vec<(String, String)> = Vec::new();
    for path in std::env::args().skip(1) {
        let content = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        if path.ends_with(".jsonl") {
            for line in content.lines().filter(|l| !l.trim().is_empty()) {
                let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
                texts.push((path.clone(), value["text"].as_str().unwrap_or_default().to_owned()));
            }
        } else {
            for block in content.split("\n\n") {
                let block = block.split_whitespace().collect::<Vec<_>>().join(" ");
                if !block.is_empty() {
                    texts.push((path.clone(), block));
                }
            }
        }
    }
    let mut differ = 0;
    for (path, text) in &texts {
        let old = whatlang_only(text);
        let new = paratopic_ingest::identify_language(text).map(|l| (three_letter(l.code).to_owned(), l.reliable));
        let is_de_en = |x: &Option<(String, bool)>| x.as_ref().is_some_and(|(c, _)| c == "deu" || c == "eng");
        // Languages other than German and English are named in ISO 639-1 by paratopic: compare
        // those by reliability only.
        let same = if is_de_en(&old) || is_de_en(&new) {
            old == new
        } else {
            old.as_ref().map(|o| o.1) == new.as_ref().map(|n| n.1)
        };
        if !same {
            differ += 1;
            let cut: String = text.chars().take(120).collect();
            println!("{path}: whatlang {old:?}, paratopic {new:?}: {cut}");
        }
    }
    println!("{} texts: {differ} identified differently", texts.len());
    let start = Instant::now();
    texts.iter().for_each(|(_, t)| {
        std::hint::black_box(whatlang_only(t));
    });
    let whatlang = start.elapsed();
    let start = Instant::now();
    texts.iter().for_each(|(_, t)| {
        std::hint::black_box(paratopic_ingest::identify_language(t));
    });
    let ours = start.elapsed();
    let per = |d: std::time::Duration| d.as_secs_f64() * 1e6 / texts.len().max(1) as f64;
    println!("whatlang alone {:.1} µs per text, paratopic {:.1} µs per text", per(whatlang), per(ours));
}
