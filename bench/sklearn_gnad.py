"""scikit-learn baselines on a labeled JSONL file with fixed folds.

Usage: python sklearn_gnad.py DATA.jsonl FOLDS.tsv [--ceiling]
Prints one JSON object per pipeline: name, training_share, accuracy, macro_f1 (pooled over the
folds, as `paratopic eval` reports them), seconds.

With --ceiling it runs a grid of tuned linear bag-of-words classifiers instead (naive Bayes
smoothing, linear SVM and logistic regression strengths, word and character n-grams). The
best row of that grid is chosen on the test folds themselves, so it is an optimistic upper
bound on what a linear model over bag-of-words features reaches on these splits. A learning
curve follows: ComplementNB trained on 25/50/75 % of each training fold (training_share).
"""
import json
import random
import sys
import time

from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
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


def sublinear_tfidf(**options):
    return TfidfVectorizer(sublinear_tf=True, **options)


CEILING = {
    **{
        f"CountVectorizer + ComplementNB(alpha={a})": (lambda a=a: make_pipeline(CountVectorizer(), ComplementNB(alpha=a)))
        for a in (0.1, 0.3, 0.5, 1.0, 2.0)
    },
    **{
        f"TfidfVectorizer + ComplementNB(alpha={a})": (lambda a=a: make_pipeline(TfidfVectorizer(), ComplementNB(alpha=a)))
        for a in (0.01, 0.03, 0.1)
    },
    **{
        f"TfidfVectorizer + MultinomialNB(alpha={a})": (lambda a=a: make_pipeline(TfidfVectorizer(), MultinomialNB(alpha=a)))
        for a in (0.003, 0.01, 0.03)
    },
    **{
        f"TfidfVectorizer(sublinear_tf) + LinearSVC(C={c})": (lambda c=c: make_pipeline(sublinear_tfidf(), LinearSVC(C=c)))
        for c in (0.3, 1.0, 3.0, 10.0)
    },
    **{
        f"TfidfVectorizer(sublinear_tf, 1-2 grams, min_df=2) + LinearSVC(C={c})": (
            lambda c=c: make_pipeline(sublinear_tfidf(ngram_range=(1, 2), min_df=2), LinearSVC(C=c))
        )
        for c in (1.0, 3.0)
    },
    **{
        f"TfidfVectorizer(sublinear_tf, char_wb 2-5, min_df=2) + LinearSVC(C={c})": (
            lambda c=c: make_pipeline(sublinear_tfidf(analyzer="char_wb", ngram_range=(2, 5), min_df=2), LinearSVC(C=c))
        )
        for c in (1.0, 3.0)
    },
    **{
        f"TfidfVectorizer(sublinear_tf) + LogisticRegression(C={c})": (
            lambda c=c: make_pipeline(sublinear_tfidf(), LogisticRegression(C=c, max_iter=2000))
        )
        for c in (10.0, 100.0)
    },
}


def cross_validate(make, texts, labels, folds, share=1.0, draw=0):
    """Pooled predictions over the folds; with share < 1 each training fold is cut to a random
    share of its articles (seeded by draw)."""
    rng = random.Random(draw)
    gold, predicted = [], []
    for fold in sorted(set(folds)):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        if share < 1.0:
            train = sorted(rng.sample(train, int(len(train) * share)))
        model = make().fit([texts[i] for i in train], [labels[i] for i in train])
        predicted += list(model.predict([texts[i] for i in test]))
        gold += [labels[i] for i in test]
    return accuracy_score(gold, predicted), f1_score(gold, predicted, average="macro")


def report(name, start, accuracy, macro_f1, share=1.0):
    print(json.dumps({
        "name": name,
        "training_share": share,
        "accuracy": accuracy,
        "macro_f1": macro_f1,
        "seconds": time.perf_counter() - start,
    }), flush=True)


def main():
    texts, labels, folds = read(sys.argv[1], sys.argv[2])
    ceiling = "--ceiling" in sys.argv[3:]
    for name, make in (CEILING if ceiling else PIPELINES).items():
        start = time.perf_counter()
        report(name, start, *cross_validate(make, texts, labels, folds))
    if ceiling:
        # Learning curve: does more training text still help?
        make = PIPELINES["CountVectorizer + ComplementNB"]
        for share in (0.25, 0.5, 0.75):
            start = time.perf_counter()
            runs = [cross_validate(make, texts, labels, folds, share, draw) for draw in range(5)]
            accuracy, macro_f1 = (sum(r[k] for r in runs) / len(runs) for k in (0, 1))
            name = f"CountVectorizer + ComplementNB on {share:.0%} of each training fold (mean of 5 draws)"
            report(name, start, accuracy, macro_f1, share)


if __name__ == "__main__":
    main()
