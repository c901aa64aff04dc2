"""Label paragraphs on Spark with the ``paratopic`` binary, for executors without Python
packages: each partition is piped through the binary as JSON Lines, ids in and out.

    spark-submit --files target/release/paratopic,models/default.model \\
        examples/spark/classify_pipe.py INPUT OUTPUT [--id-column id] [--text-column text]

INPUT is a Parquet or JSON Lines dataset (one record per paragraph or per document; Spark never
cuts a JSON line in two) with an id column and a text column; OUTPUT gets the
``paratopic classify --input-format jsonl`` records (id, text, lang, label, confidence,
decision, evidence, scores, ...) as Parquet.

The binary and the model are shipped with ``--files`` (or ``SparkContext.addFile``) and found
with ``SparkFiles.get``: in ``local[*]`` the working directory is not where shipped files land.
A partition whose binary exits non-zero raises, so the task is retried and then the job fails:
no partition is ever silently short (``rdd.pipe`` without ``checkCode=True`` returns the rows
written before a failure as if nothing had happened).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import threading
from typing import Iterable, Iterator, List, Optional

from pyspark import SparkFiles
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T


class BinaryFailed(RuntimeError):
    """The binary exited non-zero on a partition."""


def command(binary: str, model: Optional[str], args: List[str]) -> List[str]:
    """The command line of the shipped binary, reading JSON Lines on standard input."""
    path = SparkFiles.get(binary)
    # Shipped files may lose their executable bit.
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    chosen = ["--model", SparkFiles.get(model)] if model else []
    return [path, "classify", "--quiet", "--input-format", "jsonl", *chosen, *args, "-"]


def record_schema(binary: str, model: Optional[str]) -> T.StructType:
    """The schema of the binary's records; the labels (the fields of ``scores``) are those of
    the model, asked of the binary itself on the driver."""
    probe = subprocess.run(command(binary, model, []), input=b'{"id": "probe", "text": "Cyber"}\n',
                           capture_output=True, check=True)
    labels = list(json.loads(probe.stdout)["scores"])
    text, integer, double = T.StringType(), T.LongType(), T.DoubleType()
    fields = [("doc", text), ("id", text), ("paragraph", integer), ("start", integer), ("end", integer),
              ("kind", text), ("section", text), ("text", text), ("lang", text), ("label", text),
              ("confidence", double), ("decision", text), ("evidence", integer)]
    scores = T.StructType([T.StructField(label, double) for label in labels])
    return T.StructType([T.StructField(name, kind) for name, kind in fields] + [T.StructField("scores", scores)])


def pipe_partition(rows: Iterable[tuple], binary: str, model: Optional[str], args: List[str]) -> Iterator[str]:
    """Feeds ``(id, text)`` rows to the binary as JSON Lines and yields its output lines;
    raises :class:`BinaryFailed` (with the binary's message) when it exits non-zero."""
    process = subprocess.Popen(command(binary, model, args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors: List[bytes] = []

    def feed() -> None:
        try:
            for row_id, text in rows:
                line = json.dumps({"id": row_id, "text": text}, ensure_ascii=False)
                process.stdin.write(line.encode("utf-8") + b"\n")
        except BrokenPipeError:
            pass  # the binary stopped early; its exit code says why
        finally:
            try:
                process.stdin.close()
            except BrokenPipeError:
                pass

    feeder = threading.Thread(target=feed, daemon=True)
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    feeder.start()
    reader.start()
    for line in process.stdout:
        yield line.decode("utf-8")
    feeder.join()
    reader.join()
    code = process.wait()
    if code != 0:
        message = b"".join(errors).decode("utf-8", "replace").strip()
        raise BinaryFailed(f"paratopic exited with code {code}: {message}")


def classify(df: DataFrame, binary: str, model: Optional[str] = None, *, id_column: str = "id",
             text_column: str = "text", args: Optional[List[str]] = None) -> DataFrame:
    """The records of the binary for the ``(id_column, text_column)`` rows of ``df``; the
    binary and the model are names of files shipped with ``--files`` or ``addFile``."""
    extra = list(args or [])
    if __name__ != "__main__":
        # Imported as a module: the executors import it too (pipe_partition is pickled by
        # reference), so ship this file with the job.
        df.sparkSession.sparkContext.addPyFile(__file__)
    lines = df.select(id_column, text_column).rdd.map(tuple).mapPartitions(
        lambda rows: pipe_partition(rows, binary, model, extra))
    # An explicit schema: inferring one would run every partition through the binary twice.
    return df.sparkSession.read.schema(record_schema(binary, model)).json(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="Parquet or JSON Lines dataset with an id and a text column")
    parser.add_argument("output", help="where to write the records (Parquet, replaced)")
    parser.add_argument("--id-column", default="id")
    parser.add_argument("--text-column", default="text")
    parser.add_argument("--binary", default="paratopic", help="name of the shipped binary (default: paratopic)")
    parser.add_argument("--model", help="name of a shipped model file (default: the binary's built-in model)")
    args = parser.parse_args()
    spark = SparkSession.builder.appName("paratopic-pipe").getOrCreate()
    try:
        reader = spark.read.json if args.input.endswith((".jsonl", ".json")) else spark.read.parquet
        records = classify(reader(args.input), args.binary, args.model, id_column=args.id_column,
                           text_column=args.text_column)
        records.write.mode("overwrite").parquet(args.output)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
