//! Gold labels for `paratopic report --gold`: JSONL lines with a `label` and either an `id`
//! or a `doc` and `paragraph` (the shape of `corpus/labels/*.jsonl`).

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde::Deserialize;

#[derive(Deserialize)]
struct GoldLine {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    paragraph: Option<usize>,
    label: String,
}

/// Gold labels by record id and by document + paragraph (lookups only, never iterated).
#[derive(Debug, Default)]
pub struct Gold {
    by_id: HashMap<String, String>,
    by_place: HashMap<(String, usize), String>,
}

impl Gold {
    /// Reads gold files; an invalid or duplicate line is an error naming the file and line.
    pub fn read(paths: &[PathBuf]) -> Result<Self> {
        let mut gold = Gold::default();
        // Where each key was first seen, for the duplicate message.
        let mut first: HashMap<String, String> = HashMap::new();
        for path in paths {
            let name = path.display().to_string();
            let file = std::fs::File::open(path).with_context(|| name.clone())?;
            for line in paratopic_ingest::jsonl::read_lines(std::io::BufReader::new(file)) {
                let (number, line) = line.with_context(|| name.clone())?;
                let g: GoldLine = serde_json::from_str(&line)
                    .map_err(|e| anyhow::anyhow!("{name}:{number}: not a gold label line: {e}"))?;
                let key = match (g.id, g.doc, g.paragraph) {
                    (Some(id), _, _) => {
                        let key = format!("id {id:?}");
                        if gold.by_id.insert(id, g.label).is_some() {
                            bail!("{name}:{number}: a second gold label for {key} (first at {})", first[&key]);
                        }
                        key
                    }
                    (None, Some(doc), Some(paragraph)) => {
                        let key = format!("{doc} paragraph {paragraph}");
                        if gold.by_place.insert((doc, paragraph), g.label).is_some() {
                            bail!("{name}:{number}: a second gold label for {key} (first at {})", first[&key]);
                        }
                        key
                    }
                    _ => bail!("{name}:{number}: a gold label line needs an \"id\", or a \"doc\" and a \"paragraph\""),
                };
                first.insert(key, format!("{name}:{number}"));
            }
        }
        if gold.by_id.is_empty() && gold.by_place.is_empty() {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            bail!("{}: no gold labels", names.join(", "));
        }
        Ok(gold)
    }

    /// The gold label of a record (by id first, else by place), removed so that what is left
    /// at the end matched no record.
    pub fn take(&mut self, id: Option<&str>, doc: &str, paragraph: usize) -> Option<String> {
        if let Some(label) = id.and_then(|id| self.by_id.remove(id)) {
            return Some(label);
        }
        self.by_place.remove(&(doc.to_owned(), paragraph))
    }

    /// Gold labels that no record has taken.
    pub fn unmatched(&self) -> usize {
        self.by_id.len() + self.by_place.len()
    }
}
