"""The Spark examples in ``examples/spark`` run on PySpark in local mode over ~20,000
paragraphs and give the labels ``paratopic classify`` gives on the same input; a partition whose
binary fails fails the job."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import FORMATS, ROOT, SEEDS, run_cli

pyspark = pytest.importorskip("pyspark")
pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

sys.path.insert(0, str(ROOT / "examples" / "spark"))
import classify_parquet  # noqa: E402
import classify_pipe  # noqa: E402

PARAGRAPHS = 20_000


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("paratopic-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def paragraphs(cli: Path, tmp_path_factory) -> Dict[str, Any]:
    """~20,000 real paragraphs with ids (the seed documents' paragraphs and the authored
    training paragraphs, repeated), as JSON Lines and as Parquet, with the CLI's records."""
    texts = [r["text"] for r in run_cli(cli, "classify", "--quiet", *SEEDS)]
    for path in sorted((ROOT / "corpus" / "authored").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [{"id": f"p{i}", "text": texts[i % len(texts)]} for i in range(PARAGRAPHS)]
    tmp = tmp_path_factory.mktemp("spark")
    jsonl = tmp / "paragraphs.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    parquet = tmp / "paragraphs.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=4_000)
    records = run_cli(cli, "classify", "--quiet", "--input-format", "jsonl", jsonl)
    assert len(records) == PARAGRAPHS
    return {"dir": tmp, "jsonl": jsonl, "parquet": parquet, "cli": {r["id"]: r for r in records}}


def labeling(record: Dict[str, Any]) -> tuple:
    return (record["label"], record["confidence"], record["decision"], record["evidence"], record["lang"])


def test_the_pandas_udf_example_labels_as_the_cli_does(spark, paragraphs):
    out = paragraphs["dir"] / "udf-out"
    classify_parquet.run(spark, str(paragraphs["parquet"]), str(out))
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == PARAGRAPHS
    cli = paragraphs["cli"]
    # Probabilities: the CLI prints them rounded to six decimals.
    for row in rows:
        want = cli[row["id"]]
        assert row["text"] == want["text"]
        got = labeling(row)
        assert got[0] == want["label"] and got[2:] == labeling(want)[2:], row["id"]
        if want["confidence"] is not None:
            assert abs(got[1] - want["confidence"]) < 1e-6
        assert row["scores"].keys() == want["scores"].keys()
    labels = {r["label"] for r in rows}
    assert labels >= {"cybersecurity", "ai", "wsis", "financing", "other"}


def test_the_pipe_example_gives_the_cli_records(spark, cli, paragraphs):
    spark.sparkContext.addFile(str(cli))
    df = spark.read.parquet(str(paragraphs["parquet"])).repartition(4)
    records = classify_pipe.classify(df, cli.name).collect()
    assert len(records) == PARAGRAPHS
    cli_records = paragraphs["cli"]
    for r in records:
        got = r.asDict(recursive=True)
        want = cli_records[got["id"]]
        assert got["text"] == want["text"]
        assert labeling(got) == labeling(want)
        assert got["scores"] == want["scores"]


def test_a_failing_partition_fails_the_job(spark, cli, paragraphs):
    from pyspark.sql import types as T

    spark.sparkContext.addFile(str(cli))
    schema = T.StructType([T.StructField("id", T.StringType()), T.StructField("text", T.StringType())])
    rows = [(f"q{i}", "Cyberangriffe auf Krankenhäuser") for i in range(2_000)]
    rows[1_500] = ("q1500", None)  # the binary refuses a line without text, mid-stream
    df = spark.createDataFrame(rows, schema).repartition(2)
    with pytest.raises(Exception) as failed:
        classify_pipe.classify(df, cli.name).count()
    assert 'paratopic exited with code 2' in str(failed.value)
    assert 'missing \\"text\\"' in str(failed.value) or 'missing "text"' in str(failed.value)


def test_documents_are_read_whole_and_labeled_as_the_cli_does(spark, cli, paragraphs):
    documents = paragraphs["dir"] / "documents"
    documents.mkdir()
    for path in [*SEEDS[:3], *FORMATS]:
        (documents / path.name).write_bytes(path.read_bytes())
    out = paragraphs["dir"] / "documents-out"
    classify_parquet.run(spark, str(documents / "*"), str(out), documents=True)
    rows = pq.read_table(out).to_pylist()
    want = run_cli(cli, "classify", "--quiet", documents)
    key = lambda r: (r["doc"], r["paragraph"])  # noqa: E731
    assert sorted(map(key, rows)) == sorted(map(key, want))
    by_key = {key(r): r for r in want}
    for row in rows:
        expected = by_key[key(row)]
        assert (row["kind"], row["text"], row["page"]) == (expected["kind"], expected["text"], expected.get("page"))
        assert (row["label"], row["decision"], row["lang"]) == (expected["label"], expected["decision"], expected["lang"])
