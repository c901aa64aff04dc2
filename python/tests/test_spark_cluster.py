"""The Spark examples on a standalone cluster of this machine: a master and two workers, each
its own JVM, bound to 127.0.0.1, with jobs sent by ``spark-submit`` and the binary and model
shipped with ``--files``, as on a real cluster. Labels equal the CLI's; a worker killed in the
middle of a job leaves every record written exactly once; a failing partition fails the job.
The cluster is stopped at the end, whatever happens."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import ROOT, SEEDS, run_cli

pyspark = pytest.importorskip("pyspark")
pq = pytest.importorskip("pyarrow.parquet")
pa = pytest.importorskip("pyarrow")

SPARK_BIN = Path(pyspark.__file__).parent / "bin"
EXAMPLES = ROOT / "examples" / "spark"
MODEL = ROOT / "models" / "default.model"
#: Seconds a cluster or a job may take before the test gives up.
TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spark_env(tmp: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOCAL_DIRS": str(tmp / "local"),
        "SPARK_LOG_DIR": str(tmp / "logs"),
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
    })
    return env


class Cluster:
    """A standalone master and two workers, each started as its own process group."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = spark_env(tmp)
        self.port, self.ui = free_port(), free_port()
        self.url = f"spark://127.0.0.1:{self.port}"
        self.processes: List[subprocess.Popen] = []
        self.master = self.start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                 "--port", str(self.port), "--webui-port", str(self.ui))
        self.workers = [
            self.start(f"worker-{i}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                       "--webui-port", str(free_port()), "--cores", "1", "--memory", "1g",
                       "--work-dir", str(tmp / f"work-{i}"), self.url)
            for i in range(2)
        ]
        self.wait_for(lambda s: s.get("aliveworkers") == 2, "two workers")

    def start(self, name: str, main_class: str, *args: str) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")
        process = subprocess.Popen([str(SPARK_BIN / "spark-class"), main_class, *args], env=self.env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def state(self) -> Dict[str, Any]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.ui}/json/", timeout=2) as r:
                return json.load(r)
        except OSError:
            return {}

    def wait_for(self, ready, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if ready(self.state()):
                return
            time.sleep(0.5)
        logs = "\n".join(p.read_text(errors="replace")[-2000:] for p in sorted(self.tmp.glob("*.log")))
        raise AssertionError(f"the cluster did not get {what} in {TIMEOUT} s:\n{logs}")

    def kill(self, process: subprocess.Popen) -> None:
        """Kills a worker and the executors it started (its process group)."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def submit(self, *args: str, files: List[Path] = ()) -> subprocess.Popen:
        command = [str(SPARK_BIN / "spark-submit"), "--master", self.url, "--conf", "spark.ui.enabled=false",
                   "--conf", "spark.executor.memory=768m", "--conf", "spark.task.maxFailures=4",
                   "--conf", f"spark.pyspark.python={sys.executable}",
                   # Many small partitions, so that both workers have tasks.
                   "--conf", "spark.sql.files.maxPartitionBytes=65536",
                   "--driver-memory", "768m"]
        if files:
            command += ["--files", ",".join(map(str, files))]
        return subprocess.Popen(command + list(args), env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluster")
    started = Cluster(tmp)
    yield started
    started.stop()


@pytest.fixture(scope="module")
def data(cli: Path, tmp_path_factory) -> Dict[str, Any]:
    """Real paragraphs with ids as Parquet, in many row groups, and the CLI's records."""
    texts = [r["text"] for r in run_cli(cli, "classify", "--quiet", *SEEDS)]
    rows = [{"id": f"p{i}", "text": texts[i % len(texts)]} for i in range(12_000)]
    tmp = tmp_path_factory.mktemp("cluster-data")
    parquet = tmp / "paragraphs.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet, row_group_size=500)
    jsonl = tmp / "paragraphs.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    records = run_cli(cli, "classify", "--quiet", "--input-format", "jsonl", jsonl)
    return {"dir": tmp, "parquet": parquet, "rows": rows, "cli": {r["id"]: r for r in records}}


def finish(job: subprocess.Popen) -> subprocess.CompletedProcess:
    try:
        out, err = job.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        job.kill()
        out, err = job.communicate()
        raise AssertionError(f"the job took over {TIMEOUT} s:\n{err.decode(errors='replace')[-3000:]}")
    return subprocess.CompletedProcess(job.args, job.returncode, out, err)


def labeling(record: Dict[str, Any]) -> tuple:
    return (record["label"], record["decision"], record["evidence"], record["lang"])


def test_the_pipe_example_labels_as_the_cli_does_on_a_cluster(cluster, cli, data):
    out = data["dir"] / "pipe-out"
    job = cluster.submit(str(EXAMPLES / "classify_pipe.py"), str(data["parquet"]), str(out),
                         "--binary", cli.name, "--model", MODEL.name, files=[cli, MODEL])
    done = finish(job)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    rows = pq.read_table(out).to_pylist()
    assert sorted(r["id"] for r in rows) == sorted(data["cli"])
    for row in rows:
        want = data["cli"][row["id"]]
        assert labeling(row) == labeling(want), row["id"]
        assert row["scores"] == want["scores"], row["id"]


def test_the_udf_example_labels_as_the_cli_does_on_a_cluster(cluster, data):
    out = data["dir"] / "udf-out"
    job = cluster.submit(str(EXAMPLES / "classify_parquet.py"), str(data["parquet"]), str(out))
    done = finish(job)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    rows = pq.read_table(out).to_pylist()
    assert len(rows) == len(data["rows"])
    for row in rows:
        want = data["cli"][row["id"]]
        assert labeling(row) == labeling(want), row["id"]
        if want["confidence"] is not None:
            assert abs(row["confidence"] - want["confidence"]) < 1e-6


def test_a_worker_killed_mid_job_leaves_every_record_once(cluster, cli, data):
    out = data["dir"] / "killed-out"
    job = cluster.submit(str(EXAMPLES / "classify_pipe.py"), str(data["parquet"]), str(out),
                         "--binary", cli.name, "--model", MODEL.name, files=[cli, MODEL])
    # Mid-job: once the first task has written its part of the output, one worker (and its
    # executor) is killed; its tasks run again on the other one.
    deadline = time.monotonic() + TIMEOUT
    while not list(out.glob("_temporary/**/part-*")):
        assert job.poll() is None, finish(job).stderr.decode(errors="replace")[-3000:]
        assert time.monotonic() < deadline, "no task wrote output"
        time.sleep(0.2)
    cluster.kill(cluster.workers[0])
    done = finish(job)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    ids = [r["id"] for r in pq.read_table(out).to_pylist()]
    assert len(ids) == len(set(ids)) == len(data["rows"]), "every record exactly once"


def test_a_failing_partition_fails_the_job_on_a_cluster(cluster, cli, data):
    rows = [{"id": f"q{i}", "text": "Cyberangriffe auf Krankenhäuser"} for i in range(2_000)]
    rows[1_500]["text"] = None  # the binary refuses a line without text
    bad = data["dir"] / "bad.parquet"
    pq.write_table(pa.Table.from_pylist(rows), bad, row_group_size=500)
    job = cluster.submit(str(EXAMPLES / "classify_pipe.py"), str(bad), str(data["dir"] / "bad-out"),
                         "--binary", cli.name, files=[cli])
    done = finish(job)
    assert done.returncode != 0
    assert "paratopic exited with code 2" in done.stderr.decode(errors="replace")
