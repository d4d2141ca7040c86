"""A Dask cluster that goes away ends the run with one plain line and exit 4, and publishes
nothing: the tables in --out stay as they were, never replaced by a set where the files the
cluster dropped are errors.

The run is `iop extract` in a subprocess whose per-document work blocks
(tests/dask_tasks.py), so the test takes the cluster away while the run is in the middle of
its files: it closes the scheduler, or kills every worker.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import executors, schemas, store
from pipeline.executors import ClusterLost
from pipeline.run import extract_archive, work
from tests.conftest import REPO, SEEDS
from tests.dask_tasks import BLOCKED, RELEASE

distributed = pytest.importorskip("distributed")  # pinned in pyproject: always there

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
DEADLINE = 5  # --cluster-timeout of these runs (s)


def files_under(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def layout(tmp_path, shared, monkeypatch):
    """Two files to read, and --out holding an earlier complete set of tables."""
    monkeypatch.setenv("PYTHONPATH", str(REPO))  # the workers' helpers import tests.*
    raw = tmp_path / "raw"
    raw.mkdir()
    seed = (SEEDS / "002_2b68fa102c319169.txt").read_text(encoding="utf-8")
    for name in ("b1.txt", "b2.txt"):
        (raw / name).write_text(f"{seed}\n{name}\n", encoding="utf-8")
    frames = {name: schemas.frame(name, []) for name in schemas.TABLES}
    frames["documents"] = schemas.frame("documents", [{"doc_id": "a" * 64,
                                                       "source": "earlier.txt",
                                                       "status": "ok"}])
    store.write_tables(frames, tmp_path / "out", {})
    yield raw, tmp_path / "out"
    (tmp_path / RELEASE).touch()  # blocked files finish, their helpers end


def start(raw: Path, out: Path, scheduler: str) -> subprocess.Popen:
    argv = ["extract", str(raw), "--out", str(out), "--cache", str(out.parent / "cache"),
            "--executor", "dask", "--scheduler", scheduler, "--cluster-timeout", str(DEADLINE)]
    code = f"from tests.dask_tasks import blocking_cli; blocking_cli({argv!r})"
    return subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_reading(folder: Path, run: subprocess.Popen) -> None:
    deadline = time.monotonic() + 300
    while not list(folder.glob(f"{BLOCKED}*")):
        if run.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the run ended before reading: {run.communicate()}")
        time.sleep(0.05)


def assert_nothing_published(result: tuple[str, str], code: int, out: Path, before: dict,
                             words: str) -> None:
    stdout, stderr = result
    assert code == 4, stderr
    assert stdout == "" and "Traceback" not in stderr
    assert len(stderr.splitlines()) == 1, stderr
    assert stderr.startswith("iop extract: lost the Dask cluster at tcp://")
    assert words in stderr
    assert f"; nothing was published ({out} is as it was); the files read so far are " \
           "cached. Check the cluster (or --scheduler) and run again" in stderr
    assert files_under(out) == before
    assert pd.read_csv(out / "documents.csv")["source"].tolist() == ["earlier.txt"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_scheduler_closed_mid_run_publishes_nothing(layout):
    raw, out = layout
    before = files_under(out)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster:
        run = start(raw, out, cluster.scheduler_address)
        wait_until_reading(out.parent, run)
        cluster.sync(cluster.scheduler.close)
        result = run.communicate(timeout=300)
    assert_nothing_published(result, run.returncode, out, before,
                             "the connection to the scheduler was lost")


def test_all_workers_killed_ends_the_run_at_the_deadline(layout):
    raw, out = layout
    before = files_under(out)
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        workers = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                     cluster.scheduler_address, "--no-nanny", "--nthreads",
                                     "1"], env=ENV, stderr=subprocess.DEVNULL)
                   for _ in range(2)]
        try:
            run = start(raw, out, cluster.scheduler_address)
            wait_until_reading(out.parent, run)
        finally:
            for worker in workers:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=60)
        result = run.communicate(timeout=300)  # ends, rather than waiting for workers
    assert_nothing_published(result, run.returncode, out, before,
                             f"no worker has been alive for {DEADLINE} s")


def test_an_unreachable_scheduler_is_said_plainly(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(raw), "--out", str(tmp_path / "out"),
         "--no-cache", "--executor", "dask", "--scheduler", f"tcp://127.0.0.1:{port}",
         "--cluster-timeout", "2"], capture_output=True, text=True, env=ENV, timeout=300)
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith(
        f"iop extract: cannot reach the Dask scheduler at tcp://127.0.0.1:{port} (")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


class LosesTheClusterAfter:
    """An executor that reads `n` files here and then finds the cluster gone."""

    peak_rss = 0

    def __init__(self, n: int):
        self.n = n

    def map_unordered(self, tasks):
        for number, task in enumerate(tasks):
            if number == self.n:
                raise ClusterLost("lost the Dask cluster at tcp://test: gone")
            yield task, work(task)


def test_files_read_before_the_cluster_went_away_are_cached(layout, monkeypatch):
    raw, out = layout
    before = files_under(out)
    cache = out.parent / "cache"
    monkeypatch.setattr("pipeline.run.make_executor", lambda *a, **k: LosesTheClusterAfter(1))
    with pytest.raises(ClusterLost):
        extract_archive([raw], out, cache, 1)
    assert files_under(out) == before
    monkeypatch.setattr("pipeline.run.make_executor", lambda *a, **k: LosesTheClusterAfter(9))
    summary = extract_archive([raw], out, cache, 1)
    assert (summary.cache.cached, summary.cache.processed) == (1, 1)  # b1 was kept


def test_a_cancelled_batch_is_the_cluster_not_the_files():
    class Client:
        status = "running"

    class Cancelled:
        def cancelled(self):
            return True

    watch = executors._Watch(Client(), "tcp://test", DEADLINE)
    with pytest.raises(ClusterLost, match="the scheduler cancelled the work"):
        watch.check_future(Cancelled())
