//! Output records and their serialization (JSONL, CSV; Parquet in `parquet.rs`), and the
//! sink the writer thread writes them to.

use std::io::Write;

use anyhow::Result;

use paratopic_record::{round, Record, Type, Value, FIELDS};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per paragraph.
    Jsonl,
    /// A header line and one row per paragraph; scores as one column per label, and with
    /// `--explain` an `explain` column of `term:weight` pairs separated by `;`.
    Csv,
    /// Apache Parquet (Snappy): the JSONL fields as typed columns (`scores` a struct of
    /// doubles, the low-cardinality text columns dictionaries); needs `-o` or a redirected
    /// stdout.
    Parquet,
}

/// Serialized records on their way to the output.
pub enum Chunk {
    /// JSONL lines or CSV rows.
    Bytes(Vec<u8>),
    /// Parquet columns.
    Batch(arrow_array::RecordBatch),
}

/// Turns records into chunks of one format; made once per run.
pub struct Encoder {
    labels: Vec<String>,
    explain: bool,
    format: Encoding,
}

enum Encoding {
    Jsonl,
    Csv,
    Parquet(arrow_schema::SchemaRef),
}

impl Encoder {
    /// An encoder for a run with these labels; `explain` adds the explanations.
    pub fn new(format: Format, labels: &[String], explain: bool) -> Result<Self> {
        let format = match format {
            Format::Jsonl => Encoding::Jsonl,
            Format::Csv => Encoding::Csv,
            Format::Parquet => Encoding::Parquet(crate::parquet::schema(labels, explain)),
        };
        Ok(Self { labels: labels.to_vec(), explain, format })
    }

    /// What the output starts with, before the first records: the CSV header.
    pub fn header(&self) -> Result<Option<Chunk>> {
        match self.format {
            Encoding::Csv => Ok(Some(Chunk::Bytes(csv_header(&self.labels, self.explain)?))),
            Encoding::Parquet(_) => Ok(None),
            Encoding::Jsonl => Ok(None),
        }
    }

    /// Serializes records.
    pub fn encode(&self, records: &[Record<'_>]) -> Result<Chunk> {
        match &self.format {
            Encoding::Jsonl => Ok(Chunk::Bytes(jsonl_lines(records)?)),
            Encoding::Csv => Ok(Chunk::Bytes(csv_rows(&self.labels, self.explain, records)?)),
            Encoding::Parquet(schema) => Ok(Chunk::Batch(crate::parquet::batch(schema, &self.labels, records)?)),
        }
    }

    /// The sink that writes this encoder's chunks to `out`.
    pub fn sink(&self, out: Box<dyn Write + Send>) -> Result<Sink> {
        match &self.format {
            Encoding::Parquet(schema) => Ok(Sink::Parquet(Box::new(crate::parquet::writer(out, schema.clone())?))),
            Encoding::Jsonl | Encoding::Csv => Ok(Sink::Bytes(out)),
        }
    }
}

/// Where chunks are written, on the writer thread.
pub enum Sink {
    /// JSONL or CSV, as they come.
    Bytes(Box<dyn Write + Send>),
    /// Parquet: batches gathered into row groups, the footer written by [`Sink::finish`].
    Parquet(Box<parquet::arrow::ArrowWriter<Box<dyn Write + Send>>>),
}

impl Sink {
    /// Writes one chunk.
    pub fn write(&mut self, chunk: Chunk) -> std::io::Result<()> {
        match (self, chunk) {
            (Sink::Bytes(out), Chunk::Bytes(bytes)) => out.write_all(&bytes),
            (Sink::Parquet(out), Chunk::Batch(batch)) => out.write(&batch).map_err(io_error),
            #[allow(unreachable_patterns)]
            _ => Err(std::io::Error::other("a chunk of another format reached the output")),
        }
    }

    /// Flushes everything (and closes a Parquet file with its footer).
    pub fn finish(self) -> std::io::Result<()> {
        match self {
            Sink::Bytes(mut out) => out.flush(),
            Sink::Parquet(out) => (*out).into_inner().map_err(io_error)?.flush(),
        }
    }
}

/// A Parquet error as the I/O error it wraps when it wraps one (so a closed pipe is still a
/// closed pipe), else as an error of its own.
fn io_error(e: parquet::errors::ParquetError) -> std::io::Error {
    match e {
        parquet::errors::ParquetError::External(inner) => match inner.downcast::<std::io::Error>() {
            Ok(io) => *io,
            Err(other) => std::io::Error::other(other),
        },
        other => std::io::Error::other(other),
    }
}

/// One CSV row, a cell per column of [`csv_header`]: a field's value as text (empty when
/// null), a score per label, and with `explain` the explanation.
fn csv_row(r: &Record<'_>, labels: &[String], explain: bool) -> Vec<String> {
    let mut row = Vec::with_capacity(FIELDS.len() + labels.len());
    for field in FIELDS.iter().filter(|f| f.written(explain)) {
        match (field.get)(r) {
            Value::Null if field.ty == Type::Scores => row.extend(labels.iter().map(|_| String::new())),
            Value::Null => row.push(String::new()),
            Value::Str(s) => row.push(s.to_owned()),
            Value::Count(n) => row.push(n.to_string()),
            Value::Probability(p) => row.push(round(p).to_string()),
            Value::Scores(scores) => row.extend(scores.values.iter().map(|v| round(*v).to_string())),
            // `term:weight` pairs, strongest first, separated by `;` (a bigram term holds a
            // space; no term holds `;`).
            Value::Explain(pairs) => {
                row.push(pairs.iter().map(|(t, w)| format!("{t}:{w}")).collect::<Vec<_>>().join(";"));
            }
        }
    }
    row
}

/// The CSV header line: a column per field, the scores as `score_<label>` columns; `explain`
/// adds the column of explanations.
fn csv_header(labels: &[String], explain: bool) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = Vec::new();
    for field in FIELDS.iter().filter(|f| f.written(explain)) {
        match field.ty {
            Type::Scores => header.extend(labels.iter().map(|l| format!("score_{l}"))),
            _ => header.push(field.name.to_owned()),
        }
    }
    w.write_record(&header)?;
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// Room for a record's serialization: its text and the fields around it.
fn room(records: &[Record<'_>]) -> usize {
    // The text and its names, the other fields (about 160 bytes), and a score per label.
    let labels = records.iter().find_map(|r| r.scores.as_ref()).map_or(0, |s| s.labels.len());
    let names = |r: &Record<'_>| r.doc.len() + r.id.map_or(0, str::len) + r.section.map_or(0, str::len);
    records.iter().map(|r| r.text.len() + r.text.len() / 32 + names(r) + 160 + 28 * labels).sum()
}

/// Records as CSV rows (without the header).
fn csv_rows(labels: &[String], explain: bool, records: &[Record<'_>]) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(Vec::with_capacity(room(records)));
    for r in records {
        w.write_record(csv_row(r, labels, explain))?;
    }
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// Records as JSON lines.
fn jsonl_lines(records: &[Record<'_>]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(room(records));
    for r in records {
        jsonl_record(&mut out, r)?;
        out.push(b'\n');
    }
    Ok(out)
}

/// One record as JSON, byte for byte what `serde_json::to_writer` makes of it (a test holds
/// them equal), except that strings, most of the bytes, are escaped by [`json_str`] rather
/// than byte by byte.
fn jsonl_record(out: &mut Vec<u8>, r: &Record<'_>) -> Result<()> {
    out.push(b'{');
    let mut first = true;
    for field in FIELDS {
        let value = (field.get)(r);
        if field.omitted_when_null && value.is_null() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.push(b'"');
        out.extend_from_slice(field.name.as_bytes());
        out.extend_from_slice(b"\":");
        match value {
            Value::Str(s) => json_str(out, s),
            Value::Null => out.extend_from_slice(b"null"),
            other => serde_json::to_writer(&mut *out, &other)?,
        }
    }
    out.push(b'}');
    Ok(())
}

/// `s` as a JSON string, as serde_json writes it (`\"`, `\\`, the short escapes of
/// backspace, tab, newline, form feed and carriage return, `\u00xx` for the other control
/// characters, everything else as it is), finding the next byte to escape 16 bytes at a time
/// ([`paratopic_scan::json_plain`]) and copying the clean runs whole.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        i += paratopic_scan::json_plain(&b[i..]);
        let Some(&c) = b.get(i) else { break };
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0c => b'f',
            b'\r' => b'r',
            // The other control characters: the run stops only at a byte to escape.
            _ => 0,
        };
        out.extend_from_slice(&b[start..i]);
        if short == 0 {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(c >> 4)], HEX[usize::from(c & 0xf)]]);
        } else {
            out.extend_from_slice(&[b'\\', short]);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use paratopic_classifier::Decision;

    use super::*;
    use paratopic_record::Scores;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]

        /// The fast escape writes what serde_json writes, on text with every control
        /// character, quotes, backslashes, DEL and non-ASCII, in runs longer and shorter than 8.
        #[test]
        fn fast_json_string_is_serde_jsons(text in "[\u{0}-\u{1f}\"\\\\\u{7f}a-z äöü€\u{2028}\u{1f600}]{0,40}") {
            let mut fast = Vec::new();
            json_str(&mut fast, &text);
            proptest::prop_assert_eq!(fast, serde_json::to_vec(&text).unwrap());
        }
    }

    /// The hand-written record is serde_json's, with and without every optional field.
    #[test]
    fn fast_jsonl_record_is_serde_jsons() {
        let labels = vec!["a\"b".to_owned(), "c".to_owned()];
        let full = Record {
            doc: "dir/x\\y.txt",
            id: Some("7\n"),
            paragraph: 3,
            start: 10,
            end: 99,
            kind: paratopic_ingest::Kind::Body,
            format: Some(paratopic_ingest::Format::Pdf),
            page: Some(2),
            section: Some("§ 1\tHead"),
            text: "Ein \"Text\"\u{1}\r\n mit Umlauten: äöü \\ Ende",
            lang: Some("de"),
            label: Some("a\"b"),
            confidence: Some(0.123_456_789),
            decision: Decision::Model,
            evidence: Some(12),
            scores: Some(Scores { labels: &labels, values: vec![0.876_543_21, 0.123_456_789] }),
            explain: Some(vec![("wort".to_owned(), 1.25), ("x y".to_owned(), -0.5)]),
        };
        let bare = Record {
            id: None,
            format: None,
            page: None,
            section: None,
            text: "",
            lang: None,
            label: None,
            confidence: None,
            evidence: None,
            scores: None,
            explain: None,
            ..full
        };
        for r in [&full, &bare] {
            let mut fast = Vec::new();
            jsonl_record(&mut fast, r).unwrap();
            assert_eq!(String::from_utf8(fast).unwrap(), serde_json::to_string(r).unwrap());
        }
    }
}
