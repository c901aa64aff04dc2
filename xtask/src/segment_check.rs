//! `cargo xtask segment-check`: how `paratopic` cuts the real documents of `corpus/real/`,
//! scored against their gold segmentations (`corpus/real/gold/`, made by reading).
//!
//! A paragraph matches when its normalized text (whitespace collapsed) equals a gold
//! paragraph's, each gold paragraph matched once. Furniture (running headers and footers, page
//! numbers, tables of contents, navigation) is not content: it counts as leaked when a record
//! is it, or holds it inside a longer text that is no gold paragraph. Words lost are the words
//! of the gold content paragraphs that no record holds (counted as a multiset).

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
    // Inside a longer record, furniture leaks unless that record is a gold paragraph itself
    // (`United Nations` in a sentence, a running title inside the heading it repeats).
    let content_texts: std::collections::HashSet<String> = content.iter().map(|(_, t)| normalize(t)).collect();
    let leaked = furniture
        .iter()
        .map(|(_, t)| normalize(t))
        .filter(|t| !t.is_empty())
        .filter(|t| {
            records.iter().any(|r| {
                r == t
                    || (t.chars().count() >= INSIDE_MIN_CHARS && r.contains(t.as_str()) && !content_texts.contains(r))
            })
        })
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

/// The rows (name → F1, furniture leaked, words lost, not read) of a table `run` wrote.
fn committed_rows(block: &str) -> BTreeMap<String, (f64, usize, usize, usize)> {
    let count = |cell: &str| cell.split(" of ").next().and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    block
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
            let f1 = cells.get(6)?.parse().ok()?;
            let cell = |k: usize| cells.get(k).copied().unwrap_or("");
            Some((cell(0).to_owned(), (f1, count(cell(7)), count(cell(8)), count(cell(9)))))
        })
        .collect()
}

/// `--check`: fails when a document, a format or the whole falls behind the table committed in
/// `measurements` (a lower F1, more furniture leaked, more words lost or a document not read).
pub fn check(measurements: &Path, table: &str) -> Result<()> {
    let text = std::fs::read_to_string(measurements).with_context(|| format!("{}", measurements.display()))?;
    let block = match (text.find(START), text.find(END)) {
        (Some(a), Some(b)) if a < b => &text[a..b],
        _ => anyhow::bail!("{} has no segment-check table; run `cargo xtask segment-check`", measurements.display()),
    };
    let (before, now) = (committed_rows(block), committed_rows(table));
    let mut worse = Vec::new();
    for (name, &(f1, leaked, lost, unread)) in &before {
        match now.get(name) {
            None => worse.push(format!("{name}: no longer measured")),
            Some(&(f1_now, leaked_now, lost_now, unread_now)) => {
                // The table rounds F1 to three places; compare at that precision.
                if f1_now + 0.0005 < f1 || leaked_now > leaked || lost_now > lost || unread_now > unread {
                    worse.push(format!(
                        "{name}: F1 {f1:.3} -> {f1_now:.3}, furniture leaked {leaked} -> {leaked_now}, words lost {lost} -> {lost_now}, not read {unread} -> {unread_now}"
                    ));
                }
            }
        }
    }
    if !worse.is_empty() {
        anyhow::bail!("segmentation fell behind docs/measurements.md:\n  {}", worse.join("\n  "));
    }
    if before != now {
        println!("segment-check: better than the committed table; `cargo xtask segment-check` records it");
    }
    println!("segment-check: no document, format or total behind docs/measurements.md ({} rows)", before.len());
    Ok(())
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
        // A running title inside the gold heading it repeats does not leak.
        let gold = [
            ("heading", "79/260. Unforeseen and extraordinary expenses"),
            ("furniture", "Unforeseen and extraordinary expenses"),
        ]
        .map(|(k, t)| (k.to_owned(), t.to_owned()));
        assert_eq!(score(&["79/260. Unforeseen and extraordinary expenses".to_owned()], &gold).leaked, 0);
        assert_eq!(score(&["79/260. Unforeseen and extraordinary expenses Page".to_owned()], &gold).leaked, 1);
    }

    #[test]
    fn check_fails_on_a_worse_row_and_passes_on_a_better_one() {
        let header = "| | documents | gold paragraphs | records | precision | recall | F1 | furniture leaked | words lost | not read |\n|---|---|---|---|---|---|---|---|---|---|\n";
        let committed = format!("{header}| pdf | 2 | 10 | 12 | 0.500 | 0.600 | 0.545 | 3 of 9 | 4 of 100 | 0 |\n");
        let dir = std::env::temp_dir().join(format!("segment-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("measurements.md");
        std::fs::write(&file, format!("# M\n\n{START}\n{committed}{END}\n")).unwrap();
        let better = format!("{header}| pdf | 2 | 10 | 11 | 0.600 | 0.600 | 0.600 | 2 of 9 | 4 of 100 | 0 |\n");
        assert!(check(&file, &better).is_ok());
        let lost_more = format!("{header}| pdf | 2 | 10 | 11 | 0.600 | 0.600 | 0.600 | 2 of 9 | 5 of 100 | 0 |\n");
        let e = check(&file, &lost_more).unwrap_err().to_string();
        assert!(e.contains("words lost 4 -> 5"), "{e}");
        let lower = format!("{header}| pdf | 2 | 10 | 12 | 0.500 | 0.580 | 0.537 | 3 of 9 | 4 of 100 | 0 |\n");
        assert!(check(&file, &lower).is_err());
        assert!(check(&file, header).unwrap_err().to_string().contains("no longer measured"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
