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
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use paratopic_record::{round, Field as RecordField, Record, Type, Value, FIELDS};

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

/// The Arrow type of a field of the record.
fn data_type(ty: Type, labels: &[String]) -> DataType {
    match ty {
        Type::Text => DataType::Utf8,
        Type::Category => dictionary(),
        Type::Count => DataType::Int64,
        Type::Page => DataType::Int32,
        Type::Probability => DataType::Float64,
        Type::Scores => DataType::Struct(score_fields(labels)),
        Type::Explain => DataType::List(Arc::new(explain_item())),
    }
}

/// The columns of a run with these labels, a column per field of the record; `explain` adds
/// the column of explanations.
pub fn schema(labels: &[String], explain: bool) -> SchemaRef {
    let fields: Vec<Field> = FIELDS
        .iter()
        .filter(|f| f.written(explain))
        .map(|f| Field::new(f.name, data_type(f.ty, labels), f.nullable))
        .collect();
    Arc::new(Schema::new(fields))
}

/// The records of one unit as a batch of `schema` (from [`schema`] with the same labels).
pub fn batch(schema: &SchemaRef, labels: &[String], records: &[Record<'_>]) -> Result<RecordBatch> {
    let explain = schema.column_with_name("explain").is_some();
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(FIELDS.len());
    for field in FIELDS.iter().filter(|f| f.written(explain)) {
        let values = || records.iter().map(|r| (field.get)(r));
        let count = |v: Value<'_>| match v {
            Value::Count(n) => Some(n),
            _ => None,
        };
        let column: ArrayRef = match field.ty {
            Type::Text => Arc::new(records.iter().map(|r| text((field.get)(r))).collect::<StringArray>()),
            Type::Category => {
                Arc::new(records.iter().map(|r| text((field.get)(r))).collect::<DictionaryArray<Int32Type>>())
            }
            Type::Count => Arc::new(values().map(|v| count(v).map(|n| n as i64)).collect::<Int64Array>()),
            Type::Page => Arc::new(values().map(|v| count(v).map(|n| n as i32)).collect::<Int32Array>()),
            Type::Probability => Arc::new(
                values()
                    .map(|v| match v {
                        Value::Probability(p) => Some(round(p)),
                        _ => None,
                    })
                    .collect::<Float64Array>(),
            ),
            Type::Scores => scores(labels, records, field)?,
            Type::Explain => explanations(records, field)?,
        };
        columns.push(column);
    }
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// The text of a text or category value.
fn text<'r>(v: Value<'r>) -> Option<&'r str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// The `scores` struct: one double per label, null for a record that was not scored.
fn scores(labels: &[String], records: &[Record<'_>], field: &RecordField) -> Result<ArrayRef> {
    let of = |r| match (field.get)(r) {
        Value::Scores(s) => Some(s),
        _ => None,
    };
    let per_label: Vec<ArrayRef> = (0..labels.len())
        .map(|i| -> ArrayRef {
            let values = records.iter().map(|r| of(r).map_or(0.0, |s| round(s.values[i])));
            Arc::new(Float64Array::from_iter_values(values))
        })
        .collect();
    let scored = records.iter().map(|r| of(r).is_some()).collect::<Vec<_>>();
    Ok(Arc::new(StructArray::try_new(score_fields(labels), per_label, Some(scored.into()))?))
}

/// The `explain` lists: the terms behind each label, strongest first.
fn explanations(records: &[Record<'_>], field: &RecordField) -> Result<ArrayRef> {
    let of = |r| match (field.get)(r) {
        Value::Explain(pairs) => Some(pairs),
        _ => None,
    };
    let pairs = records.iter().flat_map(|r| of(r).into_iter().flatten());
    let terms: StringArray = pairs.clone().map(|(t, _)| Some(t.as_str())).collect();
    let weights = Float64Array::from_iter_values(pairs.map(|(_, w)| *w));
    let items = StructArray::try_new(explain_pair(), vec![Arc::new(terms), Arc::new(weights)], None)?;
    let lengths = records.iter().map(|r| of(r).map_or(0, <[_]>::len));
    let present = records.iter().map(|r| of(r).is_some()).collect::<Vec<_>>();
    let list = ListArray::try_new(
        Arc::new(explain_item()),
        OffsetBuffer::from_lengths(lengths),
        Arc::new(items),
        Some(present.into()),
    )?;
    Ok(Arc::new(list))
}

/// A Parquet writer for `schema` onto `out`: Snappy (pure Rust, the default codec of Spark and
/// pyarrow; zstd needed a C build), dictionary encoding for every
/// column but the text (whose values rarely repeat).
pub fn writer<W: Write + Send>(out: W, schema: SchemaRef) -> Result<ArrowWriter<W>> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_max_row_group_bytes(Some(ROW_GROUP_BYTES))
        .set_column_dictionary_enabled(ColumnPath::from("text"), false)
        .set_created_by(format!("paratopic {}", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(ArrowWriter::try_new(out, schema, Some(properties))?)
}
