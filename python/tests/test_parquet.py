"""`paratopic classify --format parquet` read back by pyarrow, polars and pandas: the same
records, with the same values, as the JSONL of the same run."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import FIXTURES, FORMATS, ROOT, SEEDS

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

LABELS = ["cybersecurity", "ai", "wsis", "financing", "other"]
#: Every field of a record, in the order of the Parquet columns.
FIELDS = [
    "doc", "id", "paragraph", "start", "end", "kind", "format", "page", "section", "text",
    "lang", "label", "confidence", "decision", "evidence", "scores", "explain",
]


def classify(cli: Path, out: Path, *args: Any) -> None:
    done = subprocess.run([str(cli), "classify", "--quiet", *map(str, args), "-o", str(out)],
                          capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()


def jsonl_records(path: Path) -> List[Dict[str, Any]]:
    """JSONL records with every field present (absent ones as None) and explanations as the
    Parquet list of {term, weight}."""
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        full = {f: r.get(f) for f in FIELDS}
        if full["explain"] is not None:
            full["explain"] = [{"term": t, "weight": w} for t, w in full["explain"]]
        records.append(full)
    return records


@pytest.fixture(scope="module")
def runs(cli: Path, tmp_path_factory) -> Dict[str, tuple]:
    """Two runs, each written as JSONL and as Parquet: documents of every format (with pages,
    footnotes, headings, explanations), and JSONL paragraphs with ids (one in English, one
    without a known word, one in French)."""
    tmp = tmp_path_factory.mktemp("parquet")
    lines = tmp / "in.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "a1", "text": "Die Staaten verurteilen Cyberangriffe auf kritische Infrastruktur."},
        {"id": 7, "text": "States should strengthen the governance of artificial intelligence."},
        {"id": "a3", "text": "1 A/65/201."},
        {"id": "a4", "text": "Les États membres condamnent les attaques informatiques contre les hôpitaux."},
        {"id": "a5", "text": "Finanzierung der Umsetzung der Ergebnisse des Weltgipfels", "section": "III."},
    ]) + "\n", encoding="utf-8")
    out = {}
    for name, args in {
        "documents": [*SEEDS, *FORMATS, "--explain", "3"],
        "paragraphs": ["--input-format", "jsonl", lines],
    }.items():
        jsonl, parquet = tmp / f"{name}.jsonl", tmp / f"{name}.parquet"
        classify(cli, jsonl, *args)
        classify(cli, parquet, "--format", "parquet", *args)
        out[name] = (jsonl_records(jsonl), parquet)
    return out


def test_the_runs_cover_every_kind_of_value(runs):
    docs, _ = runs["documents"]
    assert {r["format"] for r in docs} == {"text", "pdf", "html", "docx", "odt"}
    assert {r["kind"] for r in docs} >= {"heading", "body", "reference", "footnote"}
    assert any(r["page"] for r in docs) and any(r["explain"] for r in docs)
    paragraphs, _ = runs["paragraphs"]
    assert [r["id"] for r in paragraphs] == ["a1", "7", "a3", "a4", "a5"]
    assert [r["decision"] for r in paragraphs][2:4] == ["no_evidence", "unsupported_language"]


@pytest.mark.parametrize("run", ["documents", "paragraphs"])
def test_pyarrow_reads_the_jsonl_records_with_their_types(runs, run):
    expected, parquet = runs[run]
    table = pq.read_table(parquet)
    types = {f.name: f.type for f in table.schema}
    explain = ["explain"] if run == "documents" else []
    assert table.column_names == [f for f in FIELDS if f != "explain"] + explain
    for name in ("paragraph", "start", "end", "evidence"):
        assert types[name] == pa.int64(), name
    assert types["page"] == pa.int32()
    assert types["confidence"] == pa.float64()
    for name in ("doc", "kind", "format", "lang", "label", "decision"):
        assert pa.types.is_dictionary(types[name]), name
    assert [f.name for f in types["scores"]] == LABELS
    assert all(f.type == pa.float64() for f in types["scores"])
    got = [{f: r.get(f) for f in FIELDS} for r in table.to_pylist()]
    assert got == expected


@pytest.mark.parametrize("run", ["documents", "paragraphs"])
def test_polars_reads_labels_as_categoricals_and_the_same_rows(runs, run):
    expected, parquet = runs[run]
    df = pl.read_parquet(parquet)
    assert df.schema["label"] == pl.Categorical
    assert df.schema["paragraph"] == pl.Int64
    assert isinstance(df.schema["scores"], pl.Struct)
    got = [{f: r.get(f) for f in FIELDS} for r in df.to_dicts()]
    assert got == expected
    counts = dict(df.group_by("label").len().iter_rows())
    assert counts == {l: sum(r["label"] == l for r in expected) for l in counts}


@pytest.mark.parametrize("run", ["documents", "paragraphs"])
def test_pandas_reads_the_same_values(runs, run):
    expected, parquet = runs[run]
    df = pd.read_parquet(parquet)
    assert isinstance(df["label"].dtype, pd.CategoricalDtype)
    assert df["paragraph"].dtype == "int64" and df["confidence"].dtype == "float64"
    assert len(df) == len(expected)

    def value(v):
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else v

    for row, want in zip(df.itertuples(index=False), expected):
        assert row.text == want["text"] and row.doc == want["doc"]
        assert (value(row.label), value(row.confidence)) == (want["label"], want["confidence"])
        assert row.paragraph == want["paragraph"] and (row.start, row.end) == (want["start"], want["end"])
        assert row.scores == want["scores"]


def test_a_record_without_scores_has_a_null_struct(runs):
    expected, parquet = runs["paragraphs"]
    french = pq.read_table(parquet).to_pylist()[3]
    assert french["decision"] == "unsupported_language"
    assert french["scores"] is None and french["label"] is None and french["evidence"] is None
