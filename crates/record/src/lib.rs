//! The output record: one labeled paragraph, and [`FIELDS`], the one table of its fields.
//!
//! Every writer is made from the table: the JSONL lines and CSV rows of the binary, its Parquet
//! schema and columns, and the dicts of the Python package. A field is added by one entry in
//! [`FIELDS`] (and the member of [`Record`] it reads); each writer maps the field's [`Type`] to
//! its own representation. Numbers are rounded by the writers of files ([`round`]); the Python
//! dicts keep them as computed.

#![deny(missing_docs)]

use paratopic_classifier::Decision;
use paratopic_ingest::{Format, Kind};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// One labeled paragraph, as every writer takes it.
#[derive(Debug, Clone)]
pub struct Record<'a> {
    /// The document id (its path relative to the folder given).
    pub doc: &'a str,
    /// The id of a JSONL input line (absent for documents).
    pub id: Option<&'a str>,
    /// The paragraph's number in its document, from 0.
    pub paragraph: usize,
    /// Byte span: start.
    pub start: usize,
    /// Byte span: end.
    pub end: usize,
    /// What the paragraph is.
    pub kind: Kind,
    /// The document format; absent for JSONL input.
    pub format: Option<Format>,
    /// The page the paragraph starts on (PDF only).
    pub page: Option<u32>,
    /// The heading the paragraph stands under.
    pub section: Option<&'a str>,
    /// The paragraph's text.
    pub text: &'a str,
    /// The language (ISO 639-1), or none when the text has no letters to tell.
    pub lang: Option<&'static str>,
    /// The topic, or none (a language the model does not read; no evidence or low confidence
    /// with a label set that has no `other`).
    pub label: Option<&'a str>,
    /// Probability of the label when the model chose it.
    pub confidence: Option<f64>,
    /// How the label was decided.
    pub decision: Decision,
    /// How many distinct terms of the paragraph the model knows (none when not scored).
    pub evidence: Option<usize>,
    /// Probability per label (none when not scored).
    pub scores: Option<Scores<'a>>,
    /// The terms that pushed the paragraph towards its label, with their weights (only when
    /// asked for).
    pub explain: Option<Vec<(String, f64)>>,
}

/// Probabilities per label, in label order.
#[derive(Debug, Clone)]
pub struct Scores<'a> {
    /// The labels.
    pub labels: &'a [String],
    /// A probability per label.
    pub values: Vec<f64>,
}

/// What a field holds, which each writer maps to its own representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// Free text (a JSON string, a Parquet UTF-8 column).
    Text,
    /// A name from a small set (kind, format, label…): a Parquet dictionary column.
    Category,
    /// A count or an offset (a Parquet 64-bit integer).
    Count,
    /// A page number (a Parquet 32-bit integer).
    Page,
    /// A probability (rounded by the writers of files).
    Probability,
    /// A probability per label (one CSV column per label, a Parquet struct).
    Scores,
    /// Term and weight pairs (a list of pairs).
    Explain,
}

/// Which part of a record a field belongs to (the Python package gives the parts apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Where the paragraph stands and what it says.
    Paragraph,
    /// Its language.
    Language,
    /// Its label and how it was decided.
    Label,
}

/// A field's value in one record.
#[derive(Debug, Clone, Copy)]
pub enum Value<'r> {
    /// No value (JSON null, an empty CSV cell, a Parquet null).
    Null,
    /// Text or a category name.
    Str(&'r str),
    /// A count, an offset or a page number.
    Count(usize),
    /// A probability, as computed.
    Probability(f64),
    /// A probability per label.
    Scores(&'r Scores<'r>),
    /// Term and weight pairs.
    Explain(&'r [(String, f64)]),
}

impl Value<'_> {
    /// Whether there is no value.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// One field of the record.
pub struct Field {
    /// Its name: the JSONL key, the CSV and Parquet column, the Python dict key.
    pub name: &'static str,
    /// What it holds.
    pub ty: Type,
    /// Whether it can be null.
    pub nullable: bool,
    /// Left out of a JSONL line when null (the fields only some inputs or options have).
    pub omitted_when_null: bool,
    /// Which part of the record it belongs to.
    pub part: Part,
    /// Its value in a record.
    pub get: for<'r> fn(&'r Record<'r>) -> Value<'r>,
}

impl Field {
    /// Whether a run writes the field: [`Type::Explain`] only when explanations are asked for.
    pub fn written(&self, explain: bool) -> bool {
        explain || self.ty != Type::Explain
    }
}

fn opt_str(s: Option<&str>) -> Value<'_> {
    s.map_or(Value::Null, Value::Str)
}

fn opt_count(n: Option<usize>) -> Value<'static> {
    n.map_or(Value::Null, Value::Count)
}

/// The fields of a record, in output order.
#[rustfmt::skip]
pub const FIELDS: &[Field] = &[
    Field { name: "doc", ty: Type::Category, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Str(r.doc) },
    Field { name: "id", ty: Type::Text, nullable: true, omitted_when_null: true, part: Part::Paragraph, get: |r| opt_str(r.id) },
    Field { name: "paragraph", ty: Type::Count, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Count(r.paragraph) },
    Field { name: "start", ty: Type::Count, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Count(r.start) },
    Field { name: "end", ty: Type::Count, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Count(r.end) },
    Field { name: "kind", ty: Type::Category, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Str(r.kind.as_str()) },
    Field { name: "format", ty: Type::Category, nullable: true, omitted_when_null: true, part: Part::Paragraph, get: |r| opt_str(r.format.map(Format::as_str)) },
    Field { name: "page", ty: Type::Page, nullable: true, omitted_when_null: true, part: Part::Paragraph, get: |r| opt_count(r.page.map(|p| p as usize)) },
    Field { name: "section", ty: Type::Text, nullable: true, omitted_when_null: false, part: Part::Paragraph, get: |r| opt_str(r.section) },
    Field { name: "text", ty: Type::Text, nullable: false, omitted_when_null: false, part: Part::Paragraph, get: |r| Value::Str(r.text) },
    Field { name: "lang", ty: Type::Category, nullable: true, omitted_when_null: false, part: Part::Language, get: |r| opt_str(r.lang) },
    Field { name: "label", ty: Type::Category, nullable: true, omitted_when_null: false, part: Part::Label, get: |r| opt_str(r.label) },
    Field { name: "confidence", ty: Type::Probability, nullable: true, omitted_when_null: false, part: Part::Label, get: |r| r.confidence.map_or(Value::Null, Value::Probability) },
    Field { name: "decision", ty: Type::Category, nullable: false, omitted_when_null: false, part: Part::Label, get: |r| Value::Str(r.decision.as_str()) },
    Field { name: "evidence", ty: Type::Count, nullable: true, omitted_when_null: false, part: Part::Label, get: |r| opt_count(r.evidence) },
    Field { name: "scores", ty: Type::Scores, nullable: true, omitted_when_null: false, part: Part::Label, get: |r| r.scores.as_ref().map_or(Value::Null, Value::Scores) },
    Field { name: "explain", ty: Type::Explain, nullable: true, omitted_when_null: true, part: Part::Label, get: |r| r.explain.as_deref().map_or(Value::Null, Value::Explain) },
];

/// Probabilities are written to files with six decimals: more digits carry no information.
pub fn round(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

impl Serialize for Scores<'_> {
    /// An object in label order, probabilities rounded.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.labels.len()))?;
        for (label, &v) in self.labels.iter().zip(&self.values) {
            map.serialize_entry(label, &round(v))?;
        }
        map.end()
    }
}

impl Serialize for Value<'_> {
    /// As a file holds it: probabilities rounded.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Null => s.serialize_none(),
            Value::Str(v) => s.serialize_str(v),
            Value::Count(v) => s.serialize_u64(v as u64),
            Value::Probability(v) => s.serialize_f64(round(v)),
            Value::Scores(v) => v.serialize(s),
            Value::Explain(v) => v.serialize(s),
        }
    }
}

impl Serialize for Record<'_> {
    /// The JSONL record: every field of [`FIELDS`] in order, those null and
    /// [`Field::omitted_when_null`] left out.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for field in FIELDS {
            let value = (field.get)(self);
            if !(field.omitted_when_null && value.is_null()) {
                map.serialize_entry(field.name, &value)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each field is declared as what its value is: a non-nullable field is never null, and a
    /// value has the shape of its type, on a record with every field set and one with none.
    #[test]
    fn every_field_gives_values_of_its_type() {
        let labels = vec!["ai".to_owned(), "other".to_owned()];
        let full = Record {
            doc: "a.pdf",
            id: Some("7"),
            paragraph: 3,
            start: 10,
            end: 99,
            kind: Kind::Body,
            format: Some(Format::Pdf),
            page: Some(2),
            section: Some("§ 1"),
            text: "Text",
            lang: Some("de"),
            label: Some("ai"),
            confidence: Some(0.5),
            decision: Decision::Model,
            evidence: Some(4),
            scores: Some(Scores { labels: &labels, values: vec![0.5, 0.5] }),
            explain: Some(vec![("wort".to_owned(), 1.0)]),
        };
        let bare = Record {
            id: None,
            format: None,
            page: None,
            section: None,
            lang: None,
            label: None,
            confidence: None,
            evidence: None,
            scores: None,
            explain: None,
            ..full.clone()
        };
        for field in FIELDS {
            let value = (field.get)(&full);
            let fits = match field.ty {
                Type::Text | Type::Category => matches!(value, Value::Str(_)),
                Type::Count | Type::Page => matches!(value, Value::Count(_)),
                Type::Probability => matches!(value, Value::Probability(_)),
                Type::Scores => matches!(value, Value::Scores(_)),
                Type::Explain => matches!(value, Value::Explain(_)),
            };
            assert!(fits, "{}: {value:?}", field.name);
            assert_eq!((field.get)(&bare).is_null(), field.nullable, "{}", field.name);
            assert!(field.nullable || !field.omitted_when_null, "{}", field.name);
        }
        let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"doc":"a.pdf","paragraph":3,"start":10,"end":99,"kind":"body","section":null,"text":"Text","lang":null,"label":null,"confidence":null,"decision":"model","evidence":null,"scores":null}"#
        );
    }
}
