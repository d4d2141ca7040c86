"""The worker pool and the file system edge: deadlines, memory caps, crashes, tracebacks,
files that cannot be read, folders that cannot be listed, FIFOs that must never block."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import cli, run
from pipeline.config import Limits
from pipeline.ingest import read_document
from pipeline.run import RunSummary, discover
from pipeline.workers import Failure, Pool, PoolConfigError
from tests import pool_tasks
from tests.conftest import SEEDS

GIB = 2**30


def results(func, tasks, timeout_s=20.0, memory_bytes=GIB + GIB // 2, workers=2):
    with Pool(func, workers, timeout_s, memory_bytes, preload=("tests.pool_tasks",)) as pool:
        return dict(pool.map_unordered(tasks))


# task -> (code of the Failure, or None for a normal result)
POOL_CASES = [
    ("ok", None),
    ("sleep", "TIMEOUT"),
    ("allocate", "MEMORY_LIMIT"),  # a Python MemoryError under RLIMIT_AS
    ("abort", "MEMORY_LIMIT"),  # the C++ allocator aborts at the cap
    ("segfault", "INTERNAL_ERROR"),
    ("recurse", "DAMAGED"),
    ("zlib", "DAMAGED"),
    ("raise", "INTERNAL_ERROR"),
    ("exit", "INTERNAL_ERROR"),
    ("unpicklable", "INTERNAL_ERROR"),
]


def test_every_task_gets_one_result_and_the_pool_survives_them_all():
    tasks = [name for name, _ in POOL_CASES] + ["ok2"]
    out = results(pool_tasks.run, tasks, timeout_s=3)
    assert set(out) == set(tasks)
    for name, code in POOL_CASES:
        got = out[name]
        if code is None:
            assert got == "done:ok"
        else:
            assert isinstance(got, Failure) and got.code == code, (name, got)
            assert got.detail and "\n" not in got.detail
    assert out["ok2"] == "done:ok2"  # workers were replaced and went on


def test_a_task_that_raises_keeps_its_traceback_for_debug():
    failure = results(pool_tasks.run, ["raise"])["raise"]
    assert "Traceback" in failure.trace and "ValueError" in failure.trace


def test_a_worker_that_died_while_idle_is_replaced():
    with Pool(pool_tasks.run, 1, 10, 0, preload=("tests.pool_tasks",)) as pool:
        first = dict(pool.map_unordered(["ok"]))
        os.kill(pool.slots[0].process.pid, signal.SIGKILL)
        time.sleep(0.2)
        second = dict(pool.map_unordered(["ok2"]))
    assert first == {"ok": "done:ok"} and second == {"ok2": "done:ok2"}


def test_a_cap_below_a_workers_start_size_is_a_usage_error():
    with pytest.raises(PoolConfigError, match="--memory"):
        Pool(pool_tasks.run, 1, 10, 64 * 2**20, preload=("tests.pool_tasks",))


def test_cli_prints_tracebacks_only_with_debug(monkeypatch, tmp_path):
    summary = RunSummary(files=1, failed=1, out=tmp_path,
                         traces=[("a.pdf", "Traceback (most recent call last):\n  boom\n")])
    monkeypatch.setattr(run, "extract_archive", lambda *a, **k: summary)
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.pdf").write_bytes(b"%PDF-1.7\n")
    runner = CliRunner()
    out = str(tmp_path / "out")
    quiet = runner.invoke(cli.app, ["extract", str(tmp_path / "raw"), "--out", out])
    loud = runner.invoke(cli.app, ["extract", str(tmp_path / "raw"), "--out", out, "--debug"])
    assert quiet.exit_code == loud.exit_code == 3
    assert "Traceback" not in quiet.output
    assert "--- a.pdf" in loud.output and "Traceback" in loud.output


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "avtal.txt"
    os.mkfifo(fifo)
    doc = read_document(fifo, "avtal.txt")  # O_NONBLOCK + fstat: returns at once
    assert (doc.status, doc.code) == ("error", "UNSUPPORTED_TYPE")


def _as_nobody(path: Path, send) -> None:
    os.setgid(65534)
    os.setuid(65534)
    doc = read_document(path, path.name)
    send((doc.status, doc.code, doc.error))


def test_a_file_without_read_permission_is_unreadable():
    """Mode 000 stops everyone but root; as root, the check runs in a child that has
    dropped to `nobody`, so the kernel really refuses the open."""
    folder = Path(tempfile.mkdtemp(prefix="iop-perm-"))
    try:
        folder.chmod(0o755)
        path = folder / "hemlig.txt"
        path.write_text("Överenskommelse om 100 000 kr.", encoding="utf-8")
        path.chmod(0o000)
        if os.geteuid() != 0:
            doc = read_document(path, path.name)
            got = (doc.status, doc.code, doc.error)
        else:
            import multiprocessing as mp

            context = mp.get_context("fork")
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_as_nobody, args=(path, send.send))
            child.start()
            child.join(30)
            got = receive.recv()
        assert got[:2] == ("error", "UNREADABLE")
        assert "permission denied" in got[2]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_folder_that_cannot_be_listed_gets_a_row(tmp_path, monkeypatch, shared):
    (tmp_path / "raw" / "låst").mkdir(parents=True)
    shutil.copy(SEEDS / "000_d3bc919bb2a10656.txt", tmp_path / "raw" / "a.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("låst"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = {source: problem for _, source, problem in discover([tmp_path / "raw"])}
    assert found["a.txt"] == ""
    assert found["låst"].startswith("UNREADABLE:a folder that could not be listed")


# inputs (relative to tmp) -> sources
SOURCE_CASES = [
    (["raw"], ["a/x.txt", "y.txt"]),
    (["raw/a", "raw/b"], ["a/x.txt", "b/x.txt"]),  # two inputs' x.txt stay apart
    (["raw/y.txt"], ["y.txt"]),
    (["raw/y.txt", "raw/a/x.txt"], ["a/x.txt", "y.txt"]),
    (["raw", "raw/a"], ["a/x.txt", "b/x.txt", "y.txt"]),  # a file listed twice: one row
]


@pytest.mark.parametrize("inputs,sources", SOURCE_CASES)
def test_sources_are_relative_to_the_inputs(tmp_path, inputs, sources):
    for name in ("a/x.txt", "b/x.txt", "y.txt"):
        (tmp_path / "raw" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "raw" / name).write_text(name, encoding="utf-8")
    if inputs == ["raw"]:
        shutil.rmtree(tmp_path / "raw" / "b")
    found = [source for _, source, _ in discover([tmp_path / p for p in inputs])]
    assert sorted(found) == sources


def test_outputs_inside_the_input_folder_are_not_read_back(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    limits = Limits(timeout_s=60)
    for _ in range(2):
        summary = run.extract_archive([raw], raw / "extracted", raw / "cache", 1, limits)
    assert summary.files == 1 and summary.cached == 1
    assert not list(raw.glob(".*tmp*"))  # the staging folder is gone


def test_a_full_cache_disk_costs_no_file(tmp_path, monkeypatch, shared):
    """The cache write is best effort: ENOSPC there leaves the file's row intact."""
    from pipeline import cache

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.pickle, "dumps", disk_full)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw / "a.txt")
    summary = run.extract_archive([raw], tmp_path / "out", tmp_path / "c", workers=1)
    assert summary.failed == 0 and summary.counts["amounts"] and summary.cached == 0
    again = run.extract_archive([raw], tmp_path / "out", tmp_path / "c", workers=1)
    assert again.cache.processed == 1  # nothing was cached: read again, still fine
