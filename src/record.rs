//! The output record: one labeled paragraph as every writer takes it (JSONL and CSV in
//! `output.rs`, Parquet in `parquet.rs`, the report's rows), with the rounding of its numbers.

use paratopic_classifier::Decision;
use paratopic_ingest::{Format, Kind};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// One labeled paragraph.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub doc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    pub paragraph: usize,
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// The document format (`text`, `pdf`, `html`, `docx`, `odt`); absent for JSONL input.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "format_name")]
    pub format: Option<Format>,
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

fn format_name<S: Serializer>(format: &Option<Format>, s: S) -> Result<S::Ok, S::Error> {
    match format {
        Some(f) => s.serialize_str(f.as_str()),
        None => s.serialize_none(),
    }
}
