//! `cargo xtask segment-check`: how `paratopic` cuts the real documents of `corpus/real/`,
//! scored against their gold segmentations (`corpus/real/gold/`, made by reading).
//!
//! A paragraph matches when its normalized text (whitespace collapsed) equals a gold
//! paragraph's, each gold paragraph matched once. Furniture (running headers and footers, page
//! numbers, tables of contents, navigation) is not content: it counts as leaked when a record
//! is it, or holds it inside a longer text. Words lost are the words of the gold content
//! paragraphs that no record holds (counted as a multiset).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

pub const START: &str = "<!-- segment check: written by cargo xtask segment-check -->";
pub const END: &str = "<!-- end of segment check -->";

/// Furniture shorter than this is only leaked when a record is exactly it (a page number is
/// inside many texts).
const INSIDE_MIN_CHARS: usize = 12;

/// The figures of one document, or of a sum of them.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    pub documents: usize,
    pub gold: usize,
    pub records: usize,
    pub matched: usize,
    pub furniture: usize,
    pub leaked: usize,
    pub gold_words: usize,
    pub words_lost: usize,
    pub unread: usize,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.documents += o.documents;
        self.gold += o.gold;
        self.records += o.records;
        self.matched += o.matched;
        self.furniture += o.furniture;
        self.leaked += o.leaked;
        self.gold_words += o.gold_words;
        self.words_lost += o.words_lost;
        self.unread += o.unread;
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 {
            0.0
        } else {
            a as f64 / b as f64
        }
    }

    pub fn precision(&self) -> f64 {
        Self::ratio(self.matched, self.records)
    }

    pub fn recall(&self) -> f64 {
        Self::ratio(self.matched, self.gold)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase)
}

/// Scores the records `read` gave against `gold` (kind, text) lines.
pub fn score(records: &[String], gold: &[(String, String)]) -> Figures {
    let records: Vec<String> = records.iter().map(|r| normalize(r)).collect();
    let (furniture, content): (Vec<_>, Vec<_>) = gold.iter().partition(|(kind, _)| kind == "furniture");
    let mut wanted: HashMap<String, usize> = HashMap::new();
    for (_, text) in &content {
        *wanted.entry(normalize(text)).or_default() += 1;
    }
    let mut matched = 0;
    for r in &records {
        if let Some(n) = wanted.get_mut(r).filter(|n| **n > 0) {
            *n -= 1;
            matched += 1;
        }
    }
    let leaked = furniture
        .iter()
        .map(|(_, t)| normalize(t))
        .filter(|t| !t.is_empty())
        .filter(|t| records.iter().any(|r| r == t || (t.chars().count() >= INSIDE_MIN_CHARS && r.contains(t.as_str()))))
        .count();
    let mut have: HashMap<String, usize> = HashMap::new();
    for w in records.iter().flat_map(|r| words(r)) {
        *have.entry(w).or_default() += 1;
    }
    let (mut gold_words, mut lost) = (0, 0);
    for w in content.iter().flat_map(|(_, t)| words(t)) {
        gold_words += 1;
        match have.get_mut(&w).filter(|n| **n > 0) {
            Some(n) => *n -= 1,
            None => lost += 1,
        }
    }
    Figures {
        documents: 1,
        gold: content.len(),
        records: records.len(),
        matched,
        furniture: furniture.len(),
        leaked,
        gold_words,
        words_lost: lost,
        unread: 0,
    }
}

fn read_jsonl(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    paratopic_ingest::jsonl::lines(&text)
        .map(|line| serde_json::from_str(line.text).with_context(|| format!("{}:{}", path.display(), line.number)))
        .collect()
}

/// Every gold document of `corpus/real` read and scored; the table per format and overall.
pub fn run(root: &Path) -> Result<String> {
    let real = root.join("corpus/real");
    let mut sources = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(real.join("sources"))
        .with_context(|| format!("{}", real.join("sources").display()))?
        .collect::<std::io::Result<Vec<_>>>()?;
    files.sort_by_key(|e| e.path());
    for entry in files {
        sources.extend(read_jsonl(&entry.path())?);
    }
    let mut per_format: BTreeMap<String, Figures> = BTreeMap::new();
    let mut per_doc = Vec::new();
    for source in sources.iter().filter(|s| s["gold"] == true) {
        let (id, file, format) = (str_of(source, "id")?, str_of(source, "file")?, str_of(source, "format")?);
        let gold: Vec<(String, String)> = read_jsonl(&real.join("gold").join(format!("{id}.jsonl")))?
            .iter()
            .map(|g| Ok((str_of(g, "kind")?.to_owned(), str_of(g, "text")?.to_owned())))
            .collect::<Result<_>>()?;
        let path = real.join("docs").join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
        let figures = match paratopic_ingest::read_document(id, bytes, &path) {
            Ok(extracted) => {
                let texts: Vec<String> = extracted.paragraphs.into_iter().map(|p| p.text).collect();
                score(&texts, &gold)
            }
            Err(e) => {
                eprintln!("segment-check: {id}: not read: {e}");
                Figures { unread: 1, ..score(&[], &gold) }
            }
        };
        per_format.entry(format.to_owned()).or_default().add(&figures);
        per_doc.push((id.to_owned(), format.to_owned(), figures));
    }
    let mut all = Figures::default();
    per_format.values().for_each(|f| all.add(f));
    let row = |name: &str, f: &Figures| {
        format!(
            "| {name} | {} | {} | {} | {:.3} | {:.3} | {:.3} | {} of {} | {} of {} | {} |\n",
            f.documents,
            f.gold,
            f.records,
            f.precision(),
            f.recall(),
            f.f1(),
            f.leaked,
            f.furniture,
            f.words_lost,
            f.gold_words,
            f.unread
        )
    };
    let header = "| | documents | gold paragraphs | records | precision | recall | F1 | furniture leaked | words lost | not read |\n|---|---|---|---|---|---|---|---|---|---|\n";
    let mut table = String::from(header);
    for (format, f) in &per_format {
        table.push_str(&row(format, f));
    }
    table.push_str(&row("all", &all));
    let mut docs = String::from(header);
    for (id, format, f) in &per_doc {
        docs.push_str(&row(&format!("{id} ({format})"), f));
    }
    println!("{table}\n{docs}");
    Ok(format!("Per format:\n\n{table}\nPer document:\n\n{docs}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str> {
    v[key].as_str().with_context(|| format!("{key:?} missing or not a string in {v}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_exact_once_and_furniture_inside_text_leaks() {
        let gold = [
            ("heading", "1. Scope"),
            ("body", "The Regulation   applies to all providers."),
            ("furniture", "OJ L, 12.7.2024"),
            ("furniture", "3"),
            ("body", "It enters into force today."),
        ]
        .map(|(k, t)| (k.to_owned(), t.to_owned()));
        let records = [
            "1. Scope",
            "The Regulation applies to all providers. OJ L, 12.7.2024",
            "3",
            "It enters into force today.",
            "It enters into force today.",
        ]
        .map(str::to_owned);
        let f = score(&records, &gold);
        assert_eq!((f.gold, f.records, f.matched), (3, 5, 2));
        assert_eq!((f.furniture, f.leaked), (2, 2));
        assert_eq!((f.gold_words, f.words_lost), (13, 0));
        let f = score(&records[..1], &gold);
        assert_eq!(f.words_lost, 11);
    }
}
