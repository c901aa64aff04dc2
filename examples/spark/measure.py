"""Times both Spark examples in local mode against the plain CLI on the same paragraphs.

    python examples/spark/measure.py [--paragraphs 200000] [--binary target/release/paratopic]

The paragraphs are the bundled corpus's (the seed documents' and the authored ones) repeated
with distinct ids, written once as JSON Lines (for the CLI) and as a Parquet dataset of 4 part files (for Spark). Each
way runs three times; the best time is printed. Spark's session start is timed apart, since a
cluster pays it once for many jobs. Needs pyspark, pyarrow and the paratopic package.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import classify_parquet  # noqa: E402
import classify_pipe  # noqa: E402


def corpus_texts(binary: Path) -> list:
    documents = ROOT / "corpus" / "documents"
    out = subprocess.run([str(binary), "classify", "--quiet", str(documents)], capture_output=True, check=True)
    texts = [json.loads(line)["text"] for line in out.stdout.splitlines()]
    for path in sorted((ROOT / "corpus" / "authored").glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def best(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--binary", type=Path, default=ROOT / "target" / "release" / "paratopic")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyspark.sql import SparkSession

    # The executors' Python workers: this interpreter, with the packages the examples need.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    texts = corpus_texts(args.binary)
    rows = [{"id": f"p{i}", "text": texts[i % len(texts)]} for i in range(args.paragraphs)]
    tmp = Path(tempfile.mkdtemp(prefix="paratopic-spark-"))
    jsonl, parquet = tmp / "in.jsonl", tmp / "in.parquet"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # A dataset of 4 part files, as Spark writes them: 4 tasks, so both cores work.
    parquet.mkdir()
    quarter = len(rows) // 4 + 1
    for part in range(4):
        pq.write_table(pa.Table.from_pylist(rows[part * quarter:(part + 1) * quarter]), parquet / f"part-{part}.parquet")
    size = jsonl.stat().st_size / 1e6

    cli = best(args.runs, lambda: subprocess.run(
        [str(args.binary), "classify", "--quiet", "--input-format", "jsonl", str(jsonl), "-o", str(tmp / "cli.jsonl")],
        check=True))

    start = time.perf_counter()
    spark = (SparkSession.builder.master("local[2]").appName("paratopic-measure")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.addFile(str(args.binary))
    session = time.perf_counter() - start
    try:
        udf = best(args.runs, lambda: classify_parquet.run(spark, str(parquet), str(tmp / "udf-out")))
        df = spark.read.parquet(str(parquet))
        pipe = best(args.runs, lambda: classify_pipe.classify(df, args.binary.name).write.mode("overwrite").parquet(
            str(tmp / "pipe-out")))
    finally:
        spark.stop()

    print(f"{args.paragraphs} paragraphs, {size:.1f} MB of JSON Lines, best of {args.runs}, 2 cores")
    print("| way | time | MB/s | vs the CLI |")
    print("|---|---:|---:|---:|")
    for name, seconds in [("paratopic classify (CLI, JSONL in and out)", cli),
                          ("classify_parquet.py (pandas_udf, Parquet in and out)", udf),
                          ("classify_pipe.py (binary per partition, Parquet out)", pipe)]:
        print(f"| {name} | {seconds:.2f} s | {size / seconds:.1f} | {seconds / cli:.1f}× |")
    print(f"Spark session start (local[2], once): {session:.1f} s")


if __name__ == "__main__":
    main()
