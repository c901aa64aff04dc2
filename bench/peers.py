"""Throughput peers for `cargo xtask bench`, run in bench/.venv.

Usage:
  python peers.py sklearn-train TRAIN.jsonl          # vectorize + fit only
  python peers.py sklearn TRAIN.jsonl BIG.txt        # fit, then vectorize + predict BIG
  python peers.py fasttext TRAIN.jsonl BIG.txt       # fit, then predict BIG (1 thread)

BIG has one document per line. Prints one JSON object: seconds of the timed phase and the
number of documents. Peak memory is measured from outside (the whole process).
"""
import json
import os
import sys
import tempfile
import time


def read_train(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    return [r["text"].replace("\n", " ") for r in rows], [r["label"] for r in rows]


def batches(path, size=5000):
    batch = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            batch.append(line.rstrip("\n"))
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


def sklearn_model(texts, labels):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    return make_pipeline(CountVectorizer(), MultinomialNB(alpha=1.0)).fit(texts, labels)


def main():
    mode, train_path = sys.argv[1], sys.argv[2]
    texts, labels = read_train(train_path)
    if mode == "sklearn-train":
        start = time.perf_counter()
        sklearn_model(texts, labels)
        print(json.dumps({"seconds": time.perf_counter() - start, "documents": len(texts)}))
        return
    big = sys.argv[3]
    if mode == "sklearn":
        model = sklearn_model(texts, labels)
        predict = model.predict
    elif mode == "fasttext":
        import fasttext

        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            for t, l in zip(texts, labels):
                f.write(f"__label__{l} {t}\n")
        model = fasttext.train_supervised(f.name, epoch=25, thread=1, verbose=0)
        os.unlink(f.name)
        predict = lambda lines: model.predict(lines, k=1)[0]
    else:
        raise SystemExit(f"unknown mode {mode}")
    documents = 0
    start = time.perf_counter()
    for batch in batches(big):
        predict(batch)
        documents += len(batch)
    print(json.dumps({"seconds": time.perf_counter() - start, "documents": documents}))


if __name__ == "__main__":
    main()
