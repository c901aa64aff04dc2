"""The default model (or one trained with the real labels) on the real labeled paragraphs of
corpus/real, by document: accuracy, topic precision and recall, and the share of off-topic
paragraphs given a topic. Each document is classified as one JSONL input, as a user would.

    python3 bench/real_labels.py                 # the committed default model
    python3 bench/real_labels.py --with-real     # 5 folds by document: trained on the
                                                 # authored and seed paragraphs and the real
                                                 # paragraphs of the other folds
    python3 bench/real_labels.py --dev           # the default model on the dev documents of
                                                 # corpus/real/split.jsonl
    python3 bench/real_labels.py --dev --with-real   # trained with the train documents too
    python3 bench/real_labels.py --dev --with-real --also-train de-money,de-topics
                                                 # ... and with the dev documents of these
                                                 # collections (corpus/real/sources/NAME.jsonl),
                                                 # measured on the rest of the dev documents;
                                                 # --leave-out NAME,...: neither trained on
                                                 # nor measured
Needs target/release/paratopic (cargo build --release).
"""

import collections
import glob
import hashlib
import json
import subprocess
import sys

BIN = "target/release/paratopic"
LABELS = "cybersecurity,ai,wsis,financing,other"


def jsonl(paths):
    return [json.loads(line) for p in paths for line in open(p) if line.strip()]


def classify(model, rows):
    lines = "".join(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n" for r in rows)
    out = subprocess.run([BIN, "classify", "--model", model, "--input-format", "jsonl", "-q", "-"],
                         input=lines.encode(), capture_output=True, check=True).stdout.decode()
    return [json.loads(line) for line in out.splitlines()]


def split():
    """corpus/real/split.jsonl: each labeled document in train or dev, never both."""
    parts = {}
    for line in open("corpus/real/split.jsonl"):
        r = json.loads(line)
        assert r["doc"] not in parts and r["part"] in ("train", "dev"), r
        parts[r["doc"]] = r["part"]
    return parts


def train_model(rows, path):
    with open("target/real-train.jsonl", "w") as f:
        f.writelines(json.dumps({"text": r["text"], "label": r["label"]}, ensure_ascii=False) + "\n" for r in rows)
    subprocess.run([BIN, "train", "--data", "target/real-train.jsonl", "--lexicon", "corpus/lexicon.toml",
                    "--labels", LABELS, "-o", path, "-q"], check=True)


def main():
    real = jsonl(sorted(glob.glob("corpus/real/labels/*.jsonl")))
    docs = sorted({r["doc"] for r in real})
    pairs = []
    base = [{"text": r["text"], "label": r["label"]}
            for r in jsonl(sorted(glob.glob("corpus/authored/*.jsonl")) + sorted(glob.glob("corpus/labels/*.jsonl")))]
    if "--dev" in sys.argv:
        parts = split()
        for option, part in (("--also-train", "train"), ("--leave-out", "out")):
            if option in sys.argv:
                for name in sys.argv[sys.argv.index(option) + 1].split(","):
                    for line in open(f"corpus/real/sources/{name}.jsonl"):
                        parts[json.loads(line)["id"]] = part
        missing = [d for d in docs if d not in parts]
        assert not missing, f"documents without a part in corpus/real/split.jsonl: {missing}"
        model = "models/default.model"
        if "--with-real" in sys.argv:
            model = "target/real-split.model"
            train_model(base + [r for r in real if parts[r["doc"]] == "train"], model)
        for d in docs:
            if parts[d] == "dev":
                rows = [r for r in real if r["doc"] == d]
                pairs += zip(rows, classify(model, rows))
    elif "--with-real" in sys.argv:
        fold = {d: int(hashlib.sha256(d.encode()).hexdigest(), 16) % 5 for d in docs}
        for k in range(5):
            train_model(base + [r for r in real if fold[r["doc"]] != k], "target/real-fold.model")
            for d in docs:
                if fold[d] == k:
                    rows = [r for r in real if r["doc"] == d]
                    pairs += zip(rows, classify("target/real-fold.model", rows))
    else:
        for d in docs:
            rows = [r for r in real if r["doc"] == d]
            pairs += zip(rows, classify("models/default.model", rows))
    right = sum(r["label"] == c["label"] for r, c in pairs)
    given = [(r, c) for r, c in pairs if c["label"] not in (None, "other")]
    topic = [(r, c) for r, c in pairs if r["label"] != "other"]
    off = [(r, c) for r, c in pairs if r["label"] == "other"]
    print(f"paragraphs {len(pairs)}, documents {len(docs)}")
    print(f"accuracy {right / len(pairs):.4f}")
    print(f"topic precision {sum(r['label'] == c['label'] for r, c in given) / max(len(given), 1):.4f} ({len(given)} given a topic)")
    print(f"topic recall {sum(r['label'] == c['label'] for r, c in topic) / max(len(topic), 1):.4f} ({len(topic)} about a topic)")
    print(f"off-topic given a topic {sum(c['label'] not in (None, 'other') for r, c in off) / max(len(off), 1):.4f} ({len(off)} off-topic)")
    wrong = collections.Counter((r["label"], c["label"], c["decision"]) for r, c in pairs if r["label"] != c["label"])
    print(f"labeled wrong: {sum(wrong.values())} (read label -> given label, decision)")
    for (read, got, decision), n in wrong.most_common():
        print(f"  {n:4d}  {read} -> {got} ({decision})")


main()
