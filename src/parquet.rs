//! Parquet output: the fields of the JSONL records as typed columns, for pandas, polars and
//! Spark.
//!
//! Integers are signed 64-bit (`paragraph`, `start`, `end`, `evidence`; `page` 32-bit), since
//! Spark reads unsigned Parquet integers as decimals; probabilities are doubles rounded as in
//! JSONL, so the two outputs of one run hold the same values. The columns with few distinct
//! values (`doc`, `kind`, `format`, `lang`, `label`, `decision`) are Arrow dictionaries, read as
//! categoricals by pandas and polars; `scores` is a struct with a double per label and
//! `explain` a list of `{term, weight}`. Row groups hold at most [`ROW_GROUP_ROWS`] rows or
//! [`ROW_GROUP_BYTES`] encoded bytes, so memory stays flat whatever the input size.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;
use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Float64Array, Int32Array, Int64Array, ListArray, RecordBatch, StringArray, StructArray,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use crate::record::{round, Record};

/// At most this many rows per row group (a million took a gigabyte of memory to write).
pub const ROW_GROUP_ROWS: usize = 128 * 1024;
/// A row group is closed once its encoded size passes this, whatever its row count.
pub const ROW_GROUP_BYTES: usize = 48 << 20;

fn dictionary() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

fn score_fields(labels: &[String]) -> Fields {
    labels.iter().map(|l| Field::new(l, DataType::Float64, false)).collect()
}

/// The fields of one explanation: a term and its weight.
fn explain_pair() -> Fields {
    Fields::from(vec![Field::new("term", DataType::Utf8, false), Field::new("weight", DataType::Float64, false)])
}

fn explain_item() -> Field {
    Field::new("item", DataType::Struct(explain_pair()), false)
}

/// The columns of a run with these labels; `explain` adds the column of explanations.
pub fn schema(labels: &[String], explain: bool) -> SchemaRef {
    let mut fields = vec![
        Field::new("doc", dictionary(), false),
        Field::new("id", DataType::Utf8, true),
        Field::new("paragraph", DataType::Int64, false),
        Field::new("start", DataType::Int64, false),
        Field::new("end", DataType::Int64, false),
        Field::new("kind", dictionary(), false),
        Field::new("format", dictionary(), true),
        Field::new("page", DataType::Int32, true),
        Field::new("section", DataType::Utf8, true),
        Field::new("text", DataType::Utf8, false),
        Field::new("lang", dictionary(), true),
        Field::new("label", dictionary(), true),
        Field::new("confidence", DataType::Float64, true),
        Field::new("decision", dictionary(), false),
        Field::new("evidence", DataType::Int64, true),
        Field::new("scores", DataType::Struct(score_fields(labels)), true),
    ];
    if explain {
        fields.push(Field::new("explain", DataType::List(Arc::new(explain_item())), true));
    }
    Arc::new(Schema::new(fields))
}

/// The records of one unit as a batch of `schema` (from [`schema`] with the same labels).
pub fn batch(schema: &SchemaRef, labels: &[String], records: &[Record<'_>]) -> Result<RecordBatch> {
    let strings = |f: for<'r> fn(&'r Record<'r>) -> Option<&'r str>| -> ArrayRef {
        Arc::new(records.iter().map(f).collect::<StringArray>())
    };
    let categories = |f: for<'r> fn(&'r Record<'r>) -> Option<&'r str>| -> ArrayRef {
        Arc::new(records.iter().map(f).collect::<DictionaryArray<Int32Type>>())
    };
    let integers = |f: fn(&Record<'_>) -> Option<usize>| -> ArrayRef {
        Arc::new(records.iter().map(|r| f(r).map(|v| v as i64)).collect::<Int64Array>())
    };
    let mut columns: Vec<ArrayRef> = vec![
        categories(|r| Some(r.doc)),
        strings(|r| r.id),
        integers(|r| Some(r.paragraph)),
        integers(|r| Some(r.start)),
        integers(|r| Some(r.end)),
        categories(|r| Some(r.kind.as_str())),
        categories(|r| r.format.map(|f| f.as_str())),
        Arc::new(records.iter().map(|r| r.page.map(|p| p as i32)).collect::<Int32Array>()),
        strings(|r| r.section),
        strings(|r| Some(r.text)),
        categories(|r| r.lang),
        categories(|r| r.label),
        Arc::new(records.iter().map(|r| r.confidence.map(round)).collect::<Float64Array>()),
        categories(|r| Some(r.decision.as_str())),
        integers(|r| r.evidence),
        scores(labels, records)?,
    ];
    if schema.column_with_name("explain").is_some() {
        columns.push(explanations(records)?);
    }
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// The `scores` struct: one double per label, null for a record that was not scored.
fn scores(labels: &[String], records: &[Record<'_>]) -> Result<ArrayRef> {
    let per_label: Vec<ArrayRef> = (0..labels.len())
        .map(|i| -> ArrayRef {
            let values = records.iter().map(|r| r.scores.as_ref().map_or(0.0, |s| round(s.values[i])));
            Arc::new(Float64Array::from_iter_values(values))
        })
        .collect();
    let scored = records.iter().map(|r| r.scores.is_some()).collect::<Vec<_>>();
    Ok(Arc::new(StructArray::try_new(score_fields(labels), per_label, Some(scored.into()))?))
}

/// The `explain` lists: the terms behind each label, strongest first.
fn explanations(records: &[Record<'_>]) -> Result<ArrayRef> {
    let pairs = records.iter().flat_map(|r| r.explain.iter().flatten());
    let terms: StringArray = pairs.clone().map(|(t, _)| Some(t.as_str())).collect();
    let weights = Float64Array::from_iter_values(pairs.map(|(_, w)| *w));
    let items = StructArray::try_new(explain_pair(), vec![Arc::new(terms), Arc::new(weights)], None)?;
    let lengths = records.iter().map(|r| r.explain.as_ref().map_or(0, Vec::len));
    let present = records.iter().map(|r| r.explain.is_some()).collect::<Vec<_>>();
    let list = ListArray::try_new(
        Arc::new(explain_item()),
        OffsetBuffer::from_lengths(lengths),
        Arc::new(items),
        Some(present.into()),
    )?;
    Ok(Arc::new(list))
}

/// A Parquet writer for `schema` onto `out`: zstd level 1, dictionary encoding for every
/// column but the text (whose values rarely repeat).
pub fn writer<W: Write + Send>(out: W, schema: SchemaRef) -> Result<ArrowWriter<W>> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .set_column_dictionary_enabled(ColumnPath::from("text"), false)
        .set_created_by(format!("paratopic {}", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(ArrowWriter::try_new(out, schema, Some(properties))?)
}
