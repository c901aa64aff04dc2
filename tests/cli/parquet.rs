//! `classify --format parquet`: the file read back with the parquet crate's own reader holds the
//! records of the JSONL of the same run, in row groups that keep memory flat. (The Python tests
//! read it back with pyarrow, polars and pandas.)

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::Int32Type;
use arrow_array::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{assert_error, paratopic, records};

fn read(path: &Path) -> (Vec<RecordBatch>, usize) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let groups = builder.metadata().num_row_groups();
    (builder.build().unwrap().map(Result::unwrap).collect(), groups)
}

/// The values of a string or dictionary column, nulls as None.
fn strings(batches: &[RecordBatch], column: &str) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for batch in batches {
        let array = batch.column_by_name(column).unwrap();
        if let Some(dict) = array.as_dictionary_opt::<Int32Type>() {
            let values = dict.values().as_string::<i32>();
            out.extend(dict.keys().iter().map(|k| k.map(|k| values.value(k as usize).to_owned())));
        } else {
            out.extend(array.as_string::<i32>().iter().map(|s| s.map(str::to_owned)));
        }
    }
    out
}

#[test]
fn parquet_holds_the_records_of_the_jsonl_of_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("labeled.parquet");
    let jsonl = paratopic(&["classify", "corpus/documents", "--quiet"]);
    let run =
        paratopic(&["classify", "corpus/documents", "--quiet", "--format", "parquet", "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let expected = records(&jsonl);
    let (batches, groups) = read(&out);
    assert_eq!(groups, 1);
    assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), expected.len());
    let field =
        |name: &str| -> Vec<Option<String>> { expected.iter().map(|r| r[name].as_str().map(str::to_owned)).collect() };
    for column in ["doc", "kind", "text", "section", "lang", "label", "decision"] {
        assert_eq!(strings(&batches, column), field(column), "{column}");
    }
    let confidence: Vec<Option<f64>> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("confidence")
                .unwrap()
                .as_primitive::<arrow_array::types::Float64Type>()
                .iter()
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(confidence, expected.iter().map(|r| r["confidence"].as_f64()).collect::<Vec<_>>());
    // Paragraphs without evidence (references, footnotes) have no confidence.
    assert!(confidence.iter().any(Option::is_none) && confidence.iter().any(Option::is_some));
}

#[test]
fn a_large_run_is_cut_into_row_groups_of_at_most_131072_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let lines: String = (0..140_000).map(|i| format!("{{\"id\":\"p{i}\",\"text\":\"Cyberangriff {i}\"}}\n")).collect();
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("out.parquet");
    let run = paratopic(&[
        "classify",
        "--quiet",
        "--input-format",
        "jsonl",
        input.to_str().unwrap(),
        "--format",
        "parquet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(&out).unwrap()).unwrap();
    let rows: Vec<i64> = builder.metadata().row_groups().iter().map(|g| g.num_rows()).collect();
    assert_eq!(rows, [131_072, 140_000 - 131_072]);
    let ids = strings(&builder.build().unwrap().map(Result::unwrap).collect::<Vec<_>>(), "id");
    assert_eq!(ids.last().unwrap().as_deref(), Some("p139999"));
}

#[test]
fn parquet_goes_to_a_pipe_and_write_errors_are_reported() {
    let run = paratopic(&["classify", "corpus/documents/un-res-75-32-de.txt", "--quiet", "--format", "parquet"]);
    assert!(run.status.success());
    assert!(run.stdout.starts_with(b"PAR1") && run.stdout.ends_with(b"PAR1"));
    let full = paratopic(&["classify", "corpus/documents", "--quiet", "--format", "parquet", "-o", "/dev/full"]);
    assert_error(&full, "No space left on device");
    // An error in the middle of a run leaves no file behind.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("labeled.parquet");
    std::fs::write(dir.path().join("in.jsonl"), "{\"text\": \"Cyberangriffe\"}\n{\"text\": 3}\n").unwrap();
    let bad = crate::util::run_on(
        dir.path(),
        &["classify", "--input-format", "jsonl", "in.jsonl", "--format", "parquet", "-o", out.to_str().unwrap()],
    );
    assert_error(&bad, "in.jsonl:2: \"text\" must be a string");
    assert!(!out.exists());
}
