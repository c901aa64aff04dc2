"""Main-text precision and recall of paratopic's HTML reader, next to trafilatura, on
Scrapinghub's article-extraction-benchmark (181 real news pages, gold article body;
https://github.com/scrapinghub/article-extraction-benchmark, MIT; not part of this repository).

    git clone https://github.com/scrapinghub/article-extraction-benchmark /tmp/webbench/aeb
    pip install trafilatura lxml_html_clean        # optional: without it only paratopic is scored
    python3 bench/web_main_text.py /tmp/webbench/aeb target/release/paratopic

The benchmark folder needs html/<id>.html.gz and ground-truth.json ({id: {"articleBody": ...}}).
paratopic reads all pages in one `classify` call; a page's main text is the text of its heading,
body and list_item paragraphs, one per line, in order. trafilatura gets the page as the benchmark's
own extractors/run_trafilatura.py gives it: `trafilatura.extract(html, include_comments=False)`.

Scoring is the benchmark's evaluate.py, reproduced exactly: `\\w+` tokens (case kept), bags of
4-token shingles per page, TP/FP/FN normalised per page to sum 1, precision and recall the mean
over pages (pages with TP+FP = 0 left out of precision, TP+FN = 0 out of recall), F1 from the two
means. `--unigram` adds the same scores over bags of single tokens. `--save DIR` writes
DIR/paratopic.json and DIR/trafilatura.json in the benchmark's output format, so that the
benchmark's own evaluate.py can score them too.
"""
import argparse
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter

KINDS = ("heading", "body", "list_item")
DEFAULT_MODEL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "models", "default.model")

# --- the benchmark's scoring (evaluate.py), unchanged in substance --------------------------

_TOKEN_RE = re.compile(r'\w+', re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def tokenize(text):
    return _TOKEN_RE.findall(text or '')


def ngrams(text, n):
    tokens = tokenize(text)
    result = []
    for i in range(0, max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i: i + n])
        if shingle:
            result.append(shingle)
    return result


def shingle_matching(true, pred, ngram_n=4):
    true_sh = Counter(ngrams(true, ngram_n))
    pred_sh = Counter(ngrams(pred, ngram_n))
    tp = fp = fn = 0.
    for key in set(true_sh) | set(pred_sh):
        t, p = true_sh.get(key, 0), pred_sh.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def precision_score(tp, fp, fn):
    if fp == fn == 0:
        return 1.
    if tp == fp == 0:
        return 0.
    return tp / (tp + fp)


def recall_score(tp, fp, fn):
    if fp == fn == 0:
        return 1.
    if tp == fn == 0:
        return 0.
    return tp / (tp + fn)


def metrics(tp_fp_fns):
    p = statistics.mean([precision_score(*x) for x in tp_fp_fns if x[0] + x[1] > 0])
    r = statistics.mean([recall_score(*x) for x in tp_fp_fns if x[0] + x[2] > 0])
    return p, r, 2 * p * r / (p + r)


def score(gold, pred, n=4):
    """(precision, recall, F1) of pred {id: text} against gold {id: text}, as evaluate.py."""
    return metrics([shingle_matching(gold[k], pred.get(k) or '', n) for k in gold])


# --- the extractors ----------------------------------------------------------------------------

def load_bench(bench):
    with open(os.path.join(bench, "ground-truth.json"), encoding="utf8") as f:
        truth = json.load(f)
    gold = {k: (v.get("articleBody") or "") for k, v in truth.items()}
    pages = {}
    html_dir = os.path.join(bench, "html")
    for name in sorted(os.listdir(html_dir)):
        if not name.endswith(".html.gz"):
            continue
        with gzip.open(os.path.join(html_dir, name), "rb") as f:
            pages[name.split(".")[0]] = f.read()
    missing = set(gold) - set(pages)
    if missing:
        sys.exit(f"{len(missing)} gold pages have no html/<id>.html.gz, e.g. {sorted(missing)[0]}")
    return gold, pages


def run_paratopic(binary, model, pages, records_out=None):
    """{id: text}, seconds (the one classify call over the folder of pages)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "pages")
        os.makedirs(folder)
        for pid, data in pages.items():
            with open(os.path.join(folder, pid + ".html"), "wb") as f:
                f.write(data)
        out = os.path.join(tmp, "out.jsonl")
        cmd = [binary, "classify", folder, "--model", model, "-q", "-o", out]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True)
        seconds = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            sys.exit(f"paratopic failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
        texts = {}
        with open(out, encoding="utf8") as f:
            lines = f.readlines()
        if records_out:
            with open(records_out, "w", encoding="utf8") as f:
                f.writelines(lines)
    for line in lines:
        r = json.loads(line)
        if r["kind"] in KINDS:
            pid = os.path.basename(r["doc"])[: -len(".html")]
            texts.setdefault(pid, []).append(r["text"])
    return {pid: "\n".join(texts.get(pid, [])) for pid in pages}, seconds


def run_trafilatura(pages):
    try:
        import trafilatura
    except ImportError:
        return None, 0.0, None
    out = {}
    seconds = 0.0
    for pid, data in pages.items():
        html = data.decode("utf8", errors="replace")  # the benchmark reads the pages as UTF-8
        t0 = time.perf_counter()
        out[pid] = trafilatura.extract(html, include_comments=False) or ""
        seconds += time.perf_counter() - t0
    try:
        from importlib.metadata import version
        ver = version("trafilatura")
    except Exception:
        ver = getattr(trafilatura, "__version__", "")
    return out, seconds, ver


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bench", help="benchmark folder (html/*.html.gz, ground-truth.json)")
    ap.add_argument("binary", help="paratopic binary")
    ap.add_argument("--model", default=DEFAULT_MODEL, help="model for classify (default: %(default)s)")
    ap.add_argument("--unigram", action="store_true", help="also score bags of single tokens")
    ap.add_argument("--save", metavar="DIR", help="write DIR/<extractor>.json in the benchmark's format")
    ap.add_argument("--records", metavar="FILE", help="keep paratopic's JSONL records in FILE")
    args = ap.parse_args()

    gold, pages = load_bench(args.bench)
    pred = {}
    seconds = {}
    versions = {}
    pred["paratopic"], seconds["paratopic"] = run_paratopic(args.binary, args.model, pages, args.records)
    versions["paratopic"] = subprocess.run([args.binary, "--version"], capture_output=True,
                                           text=True).stdout.strip().split()[-1:] or [""]
    versions["paratopic"] = versions["paratopic"][0]
    traf, secs, ver = run_trafilatura(pages)
    if traf is None:
        print("trafilatura is not installed: scoring paratopic only", file=sys.stderr)
    else:
        pred["trafilatura"], seconds["trafilatura"], versions["trafilatura"] = traf, secs, ver

    n_pages = len(gold)
    rows = [("extractor", "version", "precision", "recall", "F1", "pages", "seconds")]
    for name, p in pred.items():
        pr, rc, f1 = score(gold, p)
        rows.append((name, versions[name], f"{pr:.3f}", f"{rc:.3f}", f"{f1:.3f}", str(n_pages),
                     f"{seconds[name]:.2f}"))
        if args.unigram:
            pr, rc, f1 = score(gold, p, n=1)
            rows.append((name + " (1-gram)", versions[name], f"{pr:.3f}", f"{rc:.3f}",
                         f"{f1:.3f}", str(n_pages), ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    empty = [k for k in gold if not (pred["paratopic"].get(k) or "").strip()]
    if empty:
        print(f"paratopic read no heading/body/list paragraph from {len(empty)} pages", file=sys.stderr)

    if args.save:
        os.makedirs(args.save, exist_ok=True)
        for name, p in pred.items():
            with open(os.path.join(args.save, name + ".json"), "w", encoding="utf8") as f:
                json.dump({"version": versions[name],
                           "output": {k: {"articleBody": p.get(k, "")} for k in gold}},
                          f, ensure_ascii=False)


if __name__ == "__main__":
    main()
