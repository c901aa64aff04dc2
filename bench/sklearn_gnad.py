"""scikit-learn baselines on a labeled JSONL file with fixed folds.

Usage: python sklearn_gnad.py DATA.jsonl FOLDS.tsv
Prints one JSON object per pipeline: name, accuracy, macro_f1 (pooled over the folds, as
`paratopic eval` reports them), seconds.
"""
import json
import sys
import time

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC


def read(data_path, folds_path):
    records = [json.loads(line) for line in open(data_path, encoding="utf-8") if line.strip()]
    folds = {}
    for line in open(folds_path, encoding="utf-8"):
        index, fold = line.rstrip("\n").split("\t")
        if index.isdigit():
            folds[int(index)] = int(fold)
    texts = [r["text"] for r in records]
    labels = [r["label"] for r in records]
    return texts, labels, [folds[i] for i in range(len(records))]


PIPELINES = {
    "CountVectorizer + MultinomialNB(alpha=1)": lambda: make_pipeline(CountVectorizer(), MultinomialNB(alpha=1.0)),
    "TfidfVectorizer + MultinomialNB(alpha=0.01)": lambda: make_pipeline(TfidfVectorizer(), MultinomialNB(alpha=0.01)),
    "CountVectorizer + ComplementNB": lambda: make_pipeline(CountVectorizer(), ComplementNB()),
    "TfidfVectorizer + LinearSVC": lambda: make_pipeline(TfidfVectorizer(), LinearSVC()),
}


def main():
    texts, labels, folds = read(sys.argv[1], sys.argv[2])
    for name, make in PIPELINES.items():
        start = time.perf_counter()
        gold, predicted = [], []
        for fold in sorted(set(folds)):
            train = [i for i, f in enumerate(folds) if f != fold]
            test = [i for i, f in enumerate(folds) if f == fold]
            model = make().fit([texts[i] for i in train], [labels[i] for i in train])
            predicted += list(model.predict([texts[i] for i in test]))
            gold += [labels[i] for i in test]
        print(json.dumps({
            "name": name,
            "accuracy": accuracy_score(gold, predicted),
            "macro_f1": f1_score(gold, predicted, average="macro"),
            "seconds": time.perf_counter() - start,
        }), flush=True)


if __name__ == "__main__":
    main()
