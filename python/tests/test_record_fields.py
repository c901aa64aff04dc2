"""The four writers of a record hold the same fields with the same values: the CLI's JSONL,
CSV and Parquet output of one run, and the package's ``classify_document`` dicts on the same
documents. All four are made from one table of fields (``crates/record``); a field added
there is compared here without a change to this test."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import FORMATS, ROOT, SEEDS

DOCUMENTS = SEEDS + FORMATS


def cli_output(cli: Path, fmt: str, out: Path) -> None:
    done = subprocess.run([str(cli), "classify", "--quiet", "--format", fmt, "-o", str(out), *map(str, DOCUMENTS)],
                          capture_output=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr.decode()


@pytest.fixture(scope="module")
def four(cli: Path, model, tmp_path_factory) -> Dict[str, Any]:
    tmp = tmp_path_factory.mktemp("fields")
    for fmt in ("jsonl", "csv", "parquet"):
        cli_output(cli, fmt, tmp / f"out.{fmt}")
    table = pq.read_table(tmp / "out.parquet")
    python = [r for path in DOCUMENTS for r in model.classify_document(path)]
    return {
        "schema": table.schema,
        "parquet": table.to_pylist(),
        "jsonl": [json.loads(line) for line in (tmp / "out.jsonl").read_text(encoding="utf-8").splitlines()],
        "csv": list(csv.reader(io.StringIO((tmp / "out.csv").read_text(encoding="utf-8")))),
        "python": python,
        "labels": [str(label) for label in model.classes_],
    }


def csv_records(rows: List[List[str]], schema: pa.Schema, labels: List[str]) -> List[Dict[str, Any]]:
    """CSV rows as records, each cell read as the Parquet column's type says (an empty cell is
    null), the ``score_<label>`` columns gathered into ``scores``."""
    header, body = rows[0], rows[1:]
    records = []
    for row in body:
        cells = dict(zip(header, row))
        record: Dict[str, Any] = {}
        for field in schema:
            if field.name == "scores":
                values = [cells.pop(f"score_{label}") for label in labels]
                record["scores"] = None if values[0] == "" else {l: float(v) for l, v in zip(labels, values)}
                continue
            cell = cells.pop(field.name)
            if cell == "":
                record[field.name] = None
            elif pa.types.is_integer(field.type):
                record[field.name] = int(cell)
            elif pa.types.is_floating(field.type):
                record[field.name] = float(cell)
            else:
                record[field.name] = cell
        assert not cells, f"CSV columns without a field: {sorted(cells)}"
        records.append(record)
    return records


def test_every_writer_has_every_field(four):
    columns = four["schema"].names
    header = four["csv"][0]
    assert [c for c in header if not c.startswith("score_")] == [c for c in columns if c != "scores"]
    assert [c for c in header if c.startswith("score_")] == [f"score_{l}" for l in four["labels"]]
    for r in four["python"]:
        assert list(r) == columns
    for r in four["jsonl"]:
        # JSONL leaves out the fields only some inputs have (id, format, page) when null.
        assert set(r) <= set(columns) and {"doc", "text", "decision", "scores"} <= set(r)
        assert [c for c in columns if c in r] == list(r), "JSONL keys in column order"


def test_the_four_writers_hold_the_same_values(four):
    columns = four["schema"].names
    jsonl = [{c: r.get(c) for c in columns} for r in four["jsonl"]]
    parquet = four["parquet"]
    from_csv = csv_records(four["csv"], four["schema"], four["labels"])
    python = four["python"]
    assert len(jsonl) == len(parquet) == len(from_csv) == len(python) > 100
    kinds = set()
    for i, (j, p, c, d) in enumerate(zip(jsonl, parquet, from_csv, python)):
        where = f"record {i} ({j['doc']} paragraph {j['paragraph']})"
        kinds.add((j["kind"], j["format"], j["decision"], j["page"] is not None))
        for name in columns:
            # CSV cannot tell an empty section from none.
            expect_csv = None if j[name] == "" else j[name]
            assert p[name] == j[name], f"{where}: {name}: Parquet {p[name]!r}, JSONL {j[name]!r}"
            assert c[name] == expect_csv, f"{where}: {name}: CSV {c[name]!r}, JSONL {j[name]!r}"
            assert close(d[name], j[name]), f"{where}: {name}: Python {d[name]!r}, JSONL {j[name]!r}"
    # The run holds the values worth comparing: every format, headings, footnotes, pages, and
    # labels decided by the model and by the rules.
    assert {k[1] for k in kinds} == {"text", "pdf", "html", "docx", "odt"}
    assert {k[0] for k in kinds} >= {"heading", "body", "footnote"}
    assert {k[2] for k in kinds} >= {"model", "no_evidence"}
    assert any(k[3] for k in kinds)


def close(python: Any, written: Any) -> bool:
    """Whether the package's value is the written one: equal, except that files round
    probabilities to six decimals."""
    if isinstance(python, float) and isinstance(written, float):
        return math.isclose(python, written, abs_tol=5.1e-7)
    if isinstance(python, dict) and isinstance(written, dict):
        return python.keys() == written.keys() and all(close(python[k], written[k]) for k in python)
    return python == written and type(python) is type(written)
