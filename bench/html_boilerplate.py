"""How much of a web page's article text paratopic's HTML reader keeps, and how much boilerplate
it lets through, on the article-extraction-benchmark of Scrapinghub (181 real news pages with
the article body as ground truth; MIT licence; not part of this repository).

    git clone https://github.com/scrapinghub/article-extraction-benchmark /tmp/aeb   # or a copy
    cargo build --release
    python3 bench/html_boilerplate.py /tmp/aeb
    (cd /tmp/aeb && python3 evaluate.py)       # the benchmark's own scoring, all extractors

Writes /tmp/aeb/output/paratopic.json in the benchmark's format: the text of every heading,
body and list paragraph paratopic reads from a page, in order, one paragraph per line.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    bench = sys.argv[1]
    with tempfile.TemporaryDirectory() as pages:
        for name in sorted(os.listdir(os.path.join(bench, "html"))):
            page_id = name.split(".")[0]
            with gzip.open(os.path.join(bench, "html", name), "rb") as f:
                data = f.read()
            with open(os.path.join(pages, page_id + ".html"), "wb") as f:
                f.write(data)
        out = subprocess.run(
            [os.path.join(ROOT, "target/release/paratopic"), "classify", pages, "-q", "--any-language"],
            capture_output=True,
        )
        texts = {}
        for line in out.stdout.decode().splitlines():
            r = json.loads(line)
            if r["kind"] in ("heading", "body", "list_item"):
                texts.setdefault(r["doc"][: -len(".html")], []).append(r["text"])
        skipped = [l for l in out.stderr.decode().splitlines() if "skipping" in l]
    ids = sorted(n.split(".")[0] for n in os.listdir(os.path.join(bench, "html")))
    # A page paratopic reads no paragraph from counts as an empty extraction.
    output = {pid: {"articleBody": "\n".join(texts.get(pid, []))} for pid in ids}
    empty = [pid for pid in ids if pid not in texts]
    os.makedirs(os.path.join(bench, "output"), exist_ok=True)
    with open(os.path.join(bench, "output", "paratopic.json"), "w") as f:
        json.dump({"version": "paratopic", "output": output}, f, ensure_ascii=False)
    print(f"{len(ids)} pages, {len(empty)} without a paragraph, {len(skipped)} skipped; wrote {bench}/output/paratopic.json")
    for pid in empty:
        print("no paragraph:", pid)
    for line in skipped:
        print(line)


if __name__ == "__main__":
    main()
