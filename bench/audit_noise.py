"""How well `paratopic audit` finds label errors: flip 5 % of a labeled set's labels at random,
run the audit, and measure precision at k (k = the number flipped) of the flipped examples among
its ranking, beside cleanlab's `find_label_issues` (PyPI) on the same out-of-fold probabilities.

    pip install cleanlab                      # optional: without it only paratopic is scored
    python3 bench/audit_noise.py target/release/paratopic DATA.jsonl [DATA.jsonl ...]

DATA is {"text", "label"} JSONL (gnad: ../shared/data/gnad-test.jsonl). Seeds 0, 1, 2.
"""
import json
import os
import random
import subprocess
import sys
import tempfile


def flipped(rows, share, seed):
    rng = random.Random(seed)
    labels = sorted({r["label"] for r in rows})
    picks = set(rng.sample(range(len(rows)), round(share * len(rows))))
    out = []
    for i, r in enumerate(rows):
        label = r["label"]
        if i in picks:
            label = rng.choice([l for l in labels if l != label])
        out.append({"text": r["text"], "label": label})
    return out, picks


def main():
    binary, datasets = sys.argv[1], sys.argv[2:]
    try:
        import numpy as np
        from cleanlab.filter import find_label_issues
    except ImportError:
        find_label_issues = None
    print("| data | examples | flipped | paratopic issues | paratopic P@k | cleanlab issues | cleanlab P@k |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for path in datasets:
        rows = [json.loads(l) for l in open(path) if l.strip()]
        for seed in (0, 1, 2):
            data, picks = flipped(rows, 0.05, seed)
            k = len(picks)
            with tempfile.TemporaryDirectory() as tmp:
                data_path = os.path.join(tmp, "data.jsonl")
                with open(data_path, "w") as f:
                    f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
                probs_path = os.path.join(tmp, "probs.jsonl")
                out = subprocess.run([binary, "audit", "--data", data_path, "--json", "--probabilities", probs_path],
                                     capture_output=True, check=True).stdout.decode()
                ranked = [json.loads(l)["line"] - 1 for l in out.splitlines()]
                ours = sum(i in picks for i in ranked[:k]) / k
                theirs, found = "–", "–"
                if find_label_issues is not None:
                    scored = [json.loads(l) for l in open(probs_path)]
                    labels = sorted({r["label"] for r in data})
                    index = [s["line"] - 1 for s in scored]
                    given = np.array([labels.index(s["label"]) for s in scored])
                    probs = np.array([[s["scores"][l] for l in labels] for s in scored])
                    issues = find_label_issues(given, probs, return_indices_ranked_by="self_confidence")
                    top = [index[i] for i in issues[:k]]
                    theirs = f"{sum(i in picks for i in top) / k:.3f}"
                    found = str(len(issues))
            print(f"| {os.path.basename(path)} (seed {seed}) | {len(rows)} | {k} | {len(ranked)} | {ours:.3f} | {found} | {theirs} |")


if __name__ == "__main__":
    main()
