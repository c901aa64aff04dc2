"""Label the paragraphs of a dataset on Spark with the paratopic Python package.

    spark-submit examples/spark/classify_parquet.py INPUT OUTPUT [--text-column text]
        [--model FILE] [--min-confidence P] [--documents]

INPUT is a Parquet dataset (a file or a folder of part files) or JSON Lines (``.jsonl`` or
``.json``: one object per line, so one record per paragraph or per document; Spark never cuts a
line in two). The text column is labeled with a ``pandas_udf`` built on ``paratopic``; the output
is the input with ``label``, ``confidence``, ``decision``, ``evidence``, ``lang`` and ``scores``
(a struct of one probability per label) added, written as Parquet.

With ``--documents``, INPUT is a path or glob of documents (PDF, web pages, Word, text) read
whole with Spark's ``binaryFile`` source, one record per document, and cut into paragraphs and
labeled on the executors: the records of ``paratopic classify`` (doc, paragraph, start, end,
kind, format, page, section, text and the labeling).

The model travels once: it is broadcast (pickled as its model file's bytes), and each Python
worker unpickles it once and keeps it for its next batches. Executors need Python with
``paratopic``, ``pandas`` and ``pyarrow``; where they have no Python, see
``classify_pipe.py``.
"""

from __future__ import annotations

import argparse
from typing import Any, Dict, Iterator, Optional

import pandas as pd
import paratopic
from pyspark import Broadcast
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

def labeled_type(labels) -> T.StructType:
    """What the labeling adds to each row."""
    scores = T.StructType([T.StructField(label, T.DoubleType()) for label in labels])
    return T.StructType([
        T.StructField("label", T.StringType()),
        T.StructField("confidence", T.DoubleType()),
        T.StructField("decision", T.StringType()),
        T.StructField("evidence", T.LongType()),
        T.StructField("lang", T.StringType()),
        T.StructField("scores", scores),
    ])


def label_column(df: DataFrame, column: str, model: Broadcast,
                 min_confidence: Optional[float] = paratopic.DEFAULT_MIN_CONFIDENCE) -> DataFrame:
    """``df`` with the labeling of its ``column`` added as top-level columns (a null text gets
    null fields)."""
    labels = list(model.value.classes_)

    @F.pandas_udf(labeled_type(labels))
    def label(texts: pd.Series) -> pd.DataFrame:
        present = texts.notna()
        labeled = model.value.classify(texts[present].tolist(), min_confidence=min_confidence)
        rows = iter(labeled)
        out = [next(rows) if ok else None for ok in present]
        fields = ["label", "confidence", "decision", "evidence", "lang"]
        frame = pd.DataFrame({f: [r[f] if r else None for r in out] for f in fields})
        frame["scores"] = [r["scores"] if r else None for r in out]
        return frame

    added = [f"paratopic.{f}" for f in ("label", "confidence", "decision", "evidence", "lang", "scores")]
    dropped = [c for c in ("label", "confidence", "decision", "evidence", "lang", "scores") if c in df.columns]
    return df.drop(*dropped).withColumn("paratopic", label(F.col(column))).select("*", *added).drop("paratopic")


#: The fields of a paragraph read from a document, before its labeling.
PARAGRAPH = [
    T.StructField("doc", T.StringType()),
    T.StructField("paragraph", T.LongType()),
    T.StructField("start", T.LongType()),
    T.StructField("end", T.LongType()),
    T.StructField("kind", T.StringType()),
    T.StructField("format", T.StringType()),
    T.StructField("page", T.IntegerType()),
    T.StructField("section", T.StringType()),
    T.StructField("text", T.StringType()),
]


def label_documents(spark: SparkSession, pattern: str, model: Broadcast,
                    min_confidence: Optional[float] = paratopic.DEFAULT_MIN_CONFIDENCE) -> DataFrame:
    """The labeled paragraphs of the documents matching ``pattern``: each file read whole (one
    record per document), cut into paragraphs and labeled on the executors, each paragraph in
    the context of its document (a short one takes the document's language), as
    ``paratopic classify`` does."""
    schema = T.StructType(PARAGRAPH + labeled_type(list(model.value.classes_)).fields)
    files = spark.read.format("binaryFile").load(pattern).select("path", "content")

    def paragraphs(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows = []
            for path, content in zip(batch["path"], batch["content"]):
                name = path.rsplit("/", 1)[-1]
                rows.extend(model.value.classify_document(bytes(content), name=name, min_confidence=min_confidence))
            yield pd.DataFrame(rows, columns=schema.fieldNames())

    return files.mapInPandas(paragraphs, schema)


def read_dataset(spark: SparkSession, path: str) -> DataFrame:
    """A Parquet or JSON Lines dataset, by its name."""
    if path.endswith((".jsonl", ".json")):
        return spark.read.json(path)
    return spark.read.parquet(path)


def run(spark: SparkSession, source: str, output: str, *, text_column: str = "text", model_path: Optional[str] = None,
        min_confidence: Optional[float] = paratopic.DEFAULT_MIN_CONFIDENCE, documents: bool = False) -> None:
    """Reads ``source``, labels it and writes Parquet to ``output`` (replacing it)."""
    model = paratopic.Model.load(model_path) if model_path else paratopic.Model.default()
    broadcast = spark.sparkContext.broadcast(model)
    if documents:
        labeled = label_documents(spark, source, broadcast, min_confidence)
    else:
        df = read_dataset(spark, source)
        if text_column not in df.columns:
            raise SystemExit(f"{source}: no column {text_column!r} (columns: {', '.join(df.columns)})")
        labeled = label_column(df, text_column, broadcast, min_confidence)
    labeled.write.mode("overwrite").parquet(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="Parquet or JSON Lines dataset (with --documents: documents, a path or glob)")
    parser.add_argument("output", help="where to write the labeled dataset (Parquet, replaced)")
    parser.add_argument("--text-column", default="text", help="the column to label (default: text)")
    parser.add_argument("--model", help="a model file (default: the built-in model)")
    parser.add_argument("--min-confidence", type=float, default=paratopic.DEFAULT_MIN_CONFIDENCE,
                        help="route paragraphs less sure than this to other "
                             f"(default {paratopic.DEFAULT_MIN_CONFIDENCE}, as the CLI; 0 for none)")
    parser.add_argument("--documents", action="store_true", help="INPUT is documents, read whole and cut into paragraphs")
    args = parser.parse_args()
    spark = SparkSession.builder.appName("paratopic-classify").getOrCreate()
    try:
        run(spark, args.input, args.output, text_column=args.text_column, model_path=args.model,
            min_confidence=args.min_confidence, documents=args.documents)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
