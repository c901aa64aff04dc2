//! Output records and their serialization (JSONL, CSV).

use anyhow::Result;
use paratopic_classifier::Decision;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per paragraph.
    Jsonl,
    /// A header line and one row per paragraph; scores as one column per label, and with
    /// `--explain` an `explain` column of `term:weight` pairs separated by `;`.
    Csv,
}

/// One labeled paragraph.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub doc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
    pub kind: &'static str,
    /// The document format (`text`, `pdf`, `html`, `docx`, `odt`); absent for JSONL input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<&'static str>,
    /// The page the paragraph starts on (PDF only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub section: Option<&'a str>,
    pub text: &'a str,
    /// The language (ISO 639-1), or null when the text has no letters to tell.
    pub lang: Option<&'static str>,
    /// The topic, or null (a language the model does not read; no evidence or low confidence
    /// with a label set that has no `other`).
    pub label: Option<&'a str>,
    /// Probability of the label when the model chose it, else null.
    #[serde(serialize_with = "rounded")]
    pub confidence: Option<f64>,
    /// How the label was decided.
    pub decision: Decision,
    /// How many distinct terms of the paragraph the model knows (null when not scored).
    pub evidence: Option<usize>,
    /// Probability per label (null when not scored).
    pub scores: Option<Scores<'a>>,
    /// The terms that pushed the paragraph towards its label, weights rounded like scores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<(String, f64)>>,
}

/// Probabilities per label, serialized as an object in label order.
#[derive(Debug)]
pub struct Scores<'a> {
    pub labels: &'a [String],
    pub values: Vec<f64>,
}

impl Serialize for Scores<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.labels.len()))?;
        for (label, &v) in self.labels.iter().zip(&self.values) {
            map.serialize_entry(label, &round(v))?;
        }
        map.end()
    }
}

/// Probabilities are printed with six decimals: more digits carry no information.
pub fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn rounded<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round(*v)),
        None => s.serialize_none(),
    }
}

/// How a CSV column is filled from a record.
type Column = fn(&Record<'_>) -> String;

/// The CSV columns before the per-label scores, in order, each with how it is filled: the one
/// list the header and the rows are made from.
const CSV_COLUMNS: &[(&str, Column)] = &[
    ("doc", |r| r.doc.to_owned()),
    ("id", |r| r.id.unwrap_or_default().to_owned()),
    ("paragraph", |r| r.paragraph.to_string()),
    ("start", |r| r.start.to_string()),
    ("end", |r| r.end.to_string()),
    ("kind", |r| r.kind.to_owned()),
    ("format", |r| r.format.unwrap_or_default().to_owned()),
    ("page", |r| r.page.map(|p| p.to_string()).unwrap_or_default()),
    ("section", |r| r.section.unwrap_or_default().to_owned()),
    ("text", |r| r.text.to_owned()),
    ("lang", |r| r.lang.unwrap_or_default().to_owned()),
    ("label", |r| r.label.unwrap_or_default().to_owned()),
    ("confidence", |r| r.confidence.map(|c| round(c).to_string()).unwrap_or_default()),
    ("decision", |r| r.decision.as_str().to_owned()),
    ("evidence", |r| r.evidence.map(|e| e.to_string()).unwrap_or_default()),
];

/// One CSV row: the fixed columns, a score per label (empty when not scored), and with
/// `explain` the explanation.
fn csv_row(r: &Record<'_>, labels: &[String], explain: bool) -> Vec<String> {
    let mut row: Vec<String> = CSV_COLUMNS.iter().map(|(_, fill)| fill(r)).collect();
    match &r.scores {
        Some(scores) => row.extend(scores.values.iter().map(|v| round(*v).to_string())),
        None => row.extend(labels.iter().map(|_| String::new())),
    }
    if explain {
        // `term:weight` pairs, strongest first, separated by `;` (a bigram term holds a space;
        // no term holds `;`).
        let pairs: Vec<String> = r.explain.iter().flatten().map(|(t, w)| format!("{t}:{w}")).collect();
        row.push(pairs.join(";"));
    }
    row
}

/// What an output starts with: the CSV header line (nothing for JSONL); `explain` adds the
/// column of explanations.
pub fn header(format: Format, labels: &[String], explain: bool) -> Result<Vec<u8>> {
    match format {
        Format::Jsonl => Ok(Vec::new()),
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let mut header: Vec<String> = CSV_COLUMNS.iter().map(|(name, _)| (*name).to_owned()).collect();
            header.extend(labels.iter().map(|l| format!("score_{l}")));
            if explain {
                header.push("explain".to_owned());
            }
            w.write_record(&header)?;
            Ok(w.into_inner().map_err(|e| e.into_error())?)
        }
    }
}

/// Serializes records (without a header); `explain` says whether the CSV has the explanation
/// column.
pub fn serialize(format: Format, labels: &[String], explain: bool, records: &[Record<'_>]) -> Result<Vec<u8>> {
    let size: usize = records.iter().map(|r| r.text.len() + 200).sum();
    match format {
        Format::Jsonl => {
            let mut out = Vec::with_capacity(size);
            for r in records {
                serde_json::to_writer(&mut out, r)?;
                out.push(b'\n');
            }
            Ok(out)
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(size));
            for r in records {
                w.write_record(csv_row(r, labels, explain))?;
            }
            Ok(w.into_inner().map_err(|e| e.into_error())?)
        }
    }
}
