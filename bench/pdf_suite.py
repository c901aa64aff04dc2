#!/usr/bin/env python3
"""Compare paratopic's PDF reading with poppler's `pdftotext` over a folder of PDFs.

For every *.pdf under FOLDER (recursively, sorted) this runs, each under a timeout:

    pdftotext FILE -                      (words = whitespace-separated tokens)
    PARATOPIC classify FILE [--model M] -q -o TMP.jsonl

both through `/usr/bin/time -v` when it exists (peak RSS; wall time is measured here), and
records the exit status, the first line of stderr, whether paratopic panicked ("panicked" in
stderr, exit 101, or killed by a signal), whether it timed out, the number of records and the
number of words in their "text" fields against pdftotext's word count.

It prints a summary table, then the per-file TSV (to stdout, or to --tsv FILE), and with
--failures FILE writes the refused / panicking / timed-out files where pdftotext gets
>= --min-words words.

Plain Python 3 standard library; no file can make it crash (every per-file step is guarded).

Usage:
    python3 bench/pdf_suite.py FOLDER PARATOPIC_BINARY [--timeout 20] [--model M]
        [--jobs N] [--tsv all.tsv] [--failures failures.tsv] [--manifest manifest.tsv]
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TIME_BIN = "/usr/bin/time"

COLUMNS = [
    "file", "repo", "path", "size_bytes",
    "ptt_status", "ptt_timeout", "ptt_words", "ptt_chars", "ptt_wall_s", "ptt_maxrss_kb", "ptt_stderr",
    "pt_status", "pt_timeout", "pt_panic", "pt_records", "pt_words", "pt_chars", "pt_wall_s",
    "pt_maxrss_kb", "pt_stderr", "pt_reason", "word_ratio", "char_ratio", "category",
]


def tsv_cell(value):
    if value is None:
        return ""
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def first_line(text):
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:500]
    return ""


def parse_time_v(path):
    """Maximum resident set size (kB) from a `/usr/bin/time -v -o path` report."""
    try:
        with open(path, "r", errors="replace") as handle:
            for line in handle:
                if "Maximum resident set size" in line:
                    return int(line.rsplit(":", 1)[1].strip())
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_measured(cmd, timeout, stdout_path):
    """Run cmd in its own session; return a dict with status, timeout, wall, maxrss, stderr.

    stdout goes to stdout_path (a file, so that a huge output cannot fill a pipe)."""
    result = {"status": None, "timeout": False, "wall": None, "maxrss": None, "stderr": ""}
    time_report = stdout_path + ".time"
    use_time = os.access(TIME_BIN, os.X_OK)
    full = ([TIME_BIN, "-v", "-o", time_report] + cmd) if use_time else cmd
    start = time.monotonic()
    proc = None
    try:
        with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True)
            rusage = None
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                result["timeout"] = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except OSError:
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
            result["wall"] = time.monotonic() - start
            result["status"] = proc.returncode
            err.seek(0)
            result["stderr"] = err.read(1 << 20).decode("utf-8", "replace")
    except Exception as exc:  # noqa: BLE001 - a harness must never crash on one file
        result["status"] = "harness-error"
        result["stderr"] = "harness: %s: %s" % (type(exc).__name__, exc)
        if proc is not None and proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
    if use_time:
        result["maxrss"] = parse_time_v(time_report)
        # /usr/bin/time reports "Command terminated by signal N" / "Command exited with
        # non-zero status N" on its own stderr only with -o absent, so the child's exit
        # status is what time itself exits with (signal deaths become 128+N).
        try:
            with open(time_report, "r", errors="replace") as handle:
                report = handle.read()
            match = re.search(r"Command terminated by signal (\d+)", report)
            if match and not result["timeout"]:
                result["status"] = -int(match.group(1))
        except OSError:
            pass
        try:
            os.unlink(time_report)
        except OSError:
            pass
    return result


def count_words_file(path):
    """(words, non-blank characters) of a UTF-8 text file; (None, None) when unreadable."""
    words = chars = 0
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                tokens = line.split()
                words += len(tokens)
                chars += sum(len(t) for t in tokens)
    except OSError:
        return None, None
    return words, chars


def read_records(path):
    """(records, words, non-blank characters in "text") of a JSONL output; zeros when absent."""
    records = words = chars = 0
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                line = line.strip()
                if not line:
                    continue
                records += 1
                try:
                    text = json.loads(line).get("text") or ""
                except (ValueError, AttributeError):
                    continue
                tokens = str(text).split()
                words += len(tokens)
                chars += sum(len(t) for t in tokens)
    except OSError:
        pass
    return records, words, chars


def reason_of(stderr, pdf):
    """The stderr error line with the program name and file removed and numbers as N."""
    filename = os.path.basename(pdf)
    line = ""
    for candidate in stderr.splitlines():
        if "panicked" in candidate or "error" in candidate.lower():
            line = candidate.strip()
            break
    if not line:
        line = first_line(stderr)
    line = line.replace(pdf, "FILE").replace(filename, "FILE")
    line = re.sub(r"^paratopic:\s*(error:\s*)?", "", line)
    line = re.sub(r"^(\S*FILE|\S+\.pdf):\s*", "", line)
    line = re.sub(r"'[^']*\.rs:\d+:\d+'", "'SRC'", line)
    line = re.sub(r"\d+", "N", line)
    return line[:200]


def measure(pdf, folder, binary, model, timeout, extra, manifest):
    rel = os.path.relpath(pdf, folder)
    row = dict.fromkeys(COLUMNS, "")
    row["file"] = rel
    repo, path = manifest.get(os.path.basename(pdf), ("", ""))
    row["repo"], row["path"] = repo, path
    try:
        row["size_bytes"] = os.path.getsize(pdf)
    except OSError:
        row["size_bytes"] = ""
    work = tempfile.mkdtemp(prefix="pdfsuite-")
    try:
        ptt = run_measured(["pdftotext", pdf, "-"], timeout, os.path.join(work, "ptt.txt"))
        row["ptt_status"] = ptt["status"]
        row["ptt_timeout"] = int(ptt["timeout"])
        row["ptt_words"], row["ptt_chars"] = count_words_file(os.path.join(work, "ptt.txt"))
        row["ptt_wall_s"] = "%.3f" % ptt["wall"] if ptt["wall"] is not None else ""
        row["ptt_maxrss_kb"] = ptt["maxrss"]
        row["ptt_stderr"] = first_line(ptt["stderr"])

        out = os.path.join(work, "out.jsonl")
        cmd = [binary, "classify", pdf]
        if model:
            cmd += ["--model", model]
        cmd += ["-q", "-o", out] + extra
        pt = run_measured(cmd, timeout, os.path.join(work, "pt.stdout"))
        records, words, chars = read_records(out)
        panic = ("panicked" in pt["stderr"] or pt["status"] == 101
                 or (isinstance(pt["status"], int) and pt["status"] < 0 and not pt["timeout"]))
        row["pt_status"] = pt["status"]
        row["pt_timeout"] = int(pt["timeout"])
        row["pt_panic"] = int(bool(panic))
        row["pt_records"] = records
        row["pt_words"] = words
        row["pt_chars"] = chars
        row["pt_wall_s"] = "%.3f" % pt["wall"] if pt["wall"] is not None else ""
        row["pt_maxrss_kb"] = pt["maxrss"]
        row["pt_stderr"] = first_line(pt["stderr"])
        if pt["status"] != 0 or panic or pt["timeout"]:
            if pt["timeout"]:
                row["pt_reason"] = "timeout"
            elif panic and "panicked" not in pt["stderr"] and isinstance(pt["status"], int) \
                    and pt["status"] < 0:
                row["pt_reason"] = "killed by signal %d" % -pt["status"]
            else:
                row["pt_reason"] = reason_of(pt["stderr"], pdf)
        ptt_words = row["ptt_words"] or 0
        if ptt_words:
            row["word_ratio"] = "%.3f" % (words / ptt_words)
        if row["ptt_chars"]:
            row["char_ratio"] = "%.3f" % (chars / row["ptt_chars"])
        row["category"] = categorize(row)
    except Exception as exc:  # noqa: BLE001
        row["category"] = "harness-error"
        row["pt_stderr"] = "harness: %s: %s" % (type(exc).__name__, exc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return row


MIN_WORDS = 10


def categorize(row):
    ptt_words = row["ptt_words"] or 0
    if row["pt_timeout"]:
        return "timeout"
    if row["pt_panic"]:
        return "panic"
    if row["pt_status"] != 0:
        return "refused" if ptt_words >= MIN_WORDS else "refused-ok(<%d words)" % MIN_WORDS
    if ptt_words >= MIN_WORDS and row["pt_words"] < 0.5 * ptt_words:
        return "low-recall(<50%)"
    if ptt_words < MIN_WORDS:
        return "read(pdftotext<%d)" % MIN_WORDS
    return "ok"


def load_manifest(path):
    mapping = {}
    if not path:
        return mapping
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) >= 3 and parts[0] != "local_file":
                    mapping[os.path.basename(parts[0])] = (parts[1], parts[2])
    except OSError as exc:
        print("warning: manifest %s: %s" % (path, exc), file=sys.stderr)
    return mapping


def fnum(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summarize(rows, out):
    total = len(rows)
    cats = collections.Counter(r["category"] for r in rows)
    eligible = [r for r in rows if (r["ptt_words"] or 0) >= MIN_WORDS]
    print("PDF suite: %d files; pdftotext gets >= %d words from %d" % (total, MIN_WORDS, len(eligible)),
          file=out)
    print("", file=out)
    print("%-28s %6s" % ("category", "files"), file=out)
    for cat, n in cats.most_common():
        print("%-28s %6d" % (cat, n), file=out)
    print("", file=out)

    refused = [r for r in eligible if r["category"] == "refused"]
    print("Refused although pdftotext gets >= %d words: %d" % (MIN_WORDS, len(refused)), file=out)
    for reason, n in collections.Counter(r["pt_reason"] for r in refused).most_common():
        print("  %5d  %s" % (n, reason), file=out)
    refused_all = [r for r in rows if r["pt_status"] != 0 and not r["pt_panic"] and not r["pt_timeout"]]
    print("All refusals (any word count): %d" % len(refused_all), file=out)
    for reason, n in collections.Counter(r["pt_reason"] for r in refused_all).most_common():
        print("  %5d  %s" % (n, reason), file=out)
    panics = [r for r in rows if r["pt_panic"]]
    print("Panics / signal deaths: %d" % len(panics), file=out)
    for reason, n in collections.Counter(r["pt_reason"] for r in panics).most_common():
        print("  %5d  %s" % (n, reason), file=out)
    print("Timeouts: paratopic %d, pdftotext %d" % (
        sum(1 for r in rows if r["pt_timeout"]), sum(1 for r in rows if r["ptt_timeout"])), file=out)
    low = [r for r in eligible if r["category"] == "low-recall(<50%)"]
    print("Read but < 50%% of pdftotext's words: %d" % len(low), file=out)
    glued = [r for r in low if (fnum(r["char_ratio"]) or 0) >= 0.5]
    print("  of which >= 50%% of its non-blank characters (words run together, not text lost): %d"
          % len(glued), file=out)
    print("  with no record at all: %d" % sum(1 for r in low if not r["pt_records"]), file=out)
    ptt_total = sum(r["ptt_words"] or 0 for r in eligible)
    pt_total = sum(r["pt_words"] or 0 for r in eligible)
    if ptt_total:
        print("Words over the >= %d-word files: pdftotext %d, paratopic %d (%.1f%%)" % (
            MIN_WORDS, ptt_total, pt_total, 100.0 * pt_total / ptt_total), file=out)
    print("", file=out)
    print("%-12s %12s %12s %16s %18s" % ("tool", "total wall s", "max wall s", "max RSS (MB)",
                                          "median RSS (MB)"), file=out)
    for tool, prefix in (("pdftotext", "ptt"), ("paratopic", "pt")):
        walls = [w for w in (fnum(r[prefix + "_wall_s"]) for r in rows) if w is not None]
        rss = sorted(m for m in (fnum(r[prefix + "_maxrss_kb"]) for r in rows) if m is not None)
        med = rss[len(rss) // 2] / 1024 if rss else 0
        print("%-12s %12.1f %12.2f %16.1f %18.1f" % (
            tool, sum(walls), max(walls) if walls else 0, (rss[-1] / 1024) if rss else 0, med),
            file=out)
    worst_rss = max(rows, key=lambda r: fnum(r["pt_maxrss_kb"]) or 0, default=None)
    worst_wall = max(rows, key=lambda r: fnum(r["pt_wall_s"]) or 0, default=None)
    if worst_rss:
        print("paratopic peak RSS: %s (%s kB)" % (worst_rss["file"], worst_rss["pt_maxrss_kb"]), file=out)
    if worst_wall:
        print("paratopic slowest: %s (%s s)" % (worst_wall["file"], worst_wall["pt_wall_s"]), file=out)


def write_tsv(rows, handle, columns=COLUMNS):
    handle.write("\t".join(columns) + "\n")
    for row in rows:
        handle.write("\t".join(tsv_cell(row.get(c)) for c in columns) + "\n")


def main():
    global MIN_WORDS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder")
    parser.add_argument("paratopic")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per tool per file")
    parser.add_argument("--model", default=None,
                        help="model file (default: models/default.model next to bench/, if any)")
    parser.add_argument("--jobs", type=int, default=1, help="files measured in parallel")
    parser.add_argument("--threads", type=int, default=None, help="pass --threads to paratopic")
    parser.add_argument("--min-words", type=int, default=10)
    parser.add_argument("--manifest", default=None,
                        help="TSV local_file, repo, path[, commit] to add the origin of each file")
    parser.add_argument("--tsv", default=None, help="write the per-file TSV here, not to stdout")
    parser.add_argument("--failures", default=None,
                        help="write refused/panicking/timed-out files (pdftotext >= min words) here")
    args = parser.parse_args()
    MIN_WORDS = args.min_words

    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext not found on PATH")
    binary = os.path.abspath(args.paratopic)
    if not os.access(binary, os.X_OK):
        sys.exit("not an executable: %s" % binary)
    model = args.model
    if model is None:
        default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models",
                               "default.model")
        model = default if os.path.exists(default) else None
    extra = ["--threads", str(args.threads)] if args.threads else []
    manifest = load_manifest(args.manifest)

    pdfs = []
    for root, dirs, files in os.walk(args.folder):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(".pdf"):
                pdfs.append(os.path.join(root, name))
    if not pdfs:
        sys.exit("no .pdf files under %s" % args.folder)

    rows = [None] * len(pdfs)
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(measure, p, args.folder, binary, model, args.timeout, extra,
                               manifest): i for i, p in enumerate(pdfs)}
        done = 0
        for fut in concurrent.futures.as_completed(futures):
            i = futures[fut]
            try:
                rows[i] = fut.result()
            except Exception as exc:  # noqa: BLE001
                rows[i] = dict.fromkeys(COLUMNS, "")
                rows[i].update(file=os.path.relpath(pdfs[i], args.folder), category="harness-error",
                               pt_stderr="harness: %s" % exc)
            done += 1
            if done % 50 == 0 or done == len(pdfs):
                print("[%d/%d] %.0f s" % (done, len(pdfs), time.monotonic() - started),
                      file=sys.stderr, flush=True)

    summarize(rows, sys.stdout)
    print("harness wall time: %.1f s (jobs=%d)" % (time.monotonic() - started, args.jobs))
    if args.failures:
        bad = [r for r in rows if (r["ptt_words"] or 0) >= MIN_WORDS
               and r["category"] in ("refused", "panic", "timeout")]
        bad += [r for r in rows if (r["ptt_words"] or 0) < MIN_WORDS
                and r["category"] in ("panic", "timeout")]
        cols = ["file", "repo", "path", "category", "pt_reason", "ptt_words", "pt_status",
                "pt_stderr", "size_bytes"]
        with open(args.failures, "w", encoding="utf-8") as handle:
            write_tsv(bad, handle, cols)
    if args.tsv:
        with open(args.tsv, "w", encoding="utf-8") as handle:
            write_tsv(rows, handle)
    else:
        print("")
        write_tsv(rows, sys.stdout)


if __name__ == "__main__":
    main()
