"""paratopic's ``Model.predict`` against scikit-learn's CountVectorizer + MultinomialNB
pipeline, in one Python process, both trained on the same 1,028 gnad articles and timed on
those articles repeated to about 100 MB (best of 3).

    python python/bench/vs_sklearn.py [--data ../shared/data/gnad-test.jsonl] [--mb 100]

Needs paratopic (``maturin develop --release``), NumPy and scikit-learn in the same Python.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "gnad-test.jsonl"


def best_of(runs: int, call) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL lines with text and label")
    parser.add_argument("--mb", type=float, default=100.0, help="size of the timed input in MB")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each; the best counts")
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"vs_sklearn: {args.data} is absent (the gnad articles live in ../shared/data); nothing measured")
        return 0

    import numpy as np
    import paratopic
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows]
    labels = [r["label"] for r in rows]
    size = sum(len(t.encode("utf-8")) for t in texts)
    repeat = max(1, round(args.mb * 1e6 / size))
    big = texts * repeat
    mb = size * repeat / 1e6
    print(f"{len(texts)} articles ({size / 1e6:.2f} MB, {len(set(labels))} labels), repeated {repeat}x: "
          f"{len(big):,} texts, {mb:.1f} MB; {os.cpu_count()} cores; best of {args.runs}")

    start = time.perf_counter()
    model = paratopic.train(texts, labels)
    print(f"paratopic.train (defaults): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    pipeline = make_pipeline(CountVectorizer(), MultinomialNB()).fit(texts, labels)
    print(f"CountVectorizer + MultinomialNB fit: {time.perf_counter() - start:.2f} s")

    # Both predict the same kind of thing on the training texts.
    ours = model.predict(texts)
    theirs = pipeline.predict(texts)
    print(f"accuracy on the training texts: paratopic {np.mean(ours == labels):.3f}, "
          f"scikit-learn {np.mean(theirs == labels):.3f}")

    t_ours = best_of(args.runs, lambda: model.predict(big))
    t_theirs = best_of(args.runs, lambda: pipeline.predict(big))
    print(f"paratopic Model.predict:         {t_ours:8.2f} s  {mb / t_ours:8.1f} MB/s")
    print(f"scikit-learn pipeline.predict:   {t_theirs:8.2f} s  {mb / t_theirs:8.1f} MB/s")
    print(f"paratopic is {t_theirs / t_ours:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
