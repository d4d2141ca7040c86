"""One writer per --out: a second run finds the first one's lock, exits 2 naming it and
touches nothing; a lock left by a killed run is taken over.

The first run is held still with SIGSTOP once its lock is there, so the race is decided by
the test, not by the clock.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import outdir
from pipeline.report import ReportError, build_report
from tests import report_tables as rt
from tests.conftest import REPO, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def start(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(raw), "--out",
                             str(out), "--no-cache", "--workers", "1"], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def run(raw: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", str(raw), "--out",
                           str(out), "--no-cache", "--workers", "1"], env=ENV,
                          capture_output=True, text=True, timeout=600)


def wait_for_lock(out: Path, pid: int, process: subprocess.Popen) -> None:
    """Until the lock beside `out` names `pid` (the run has taken it)."""
    lock = outdir.lock_path(out)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if lock.read_text().startswith(f"pid {pid} "):
                return
        except OSError:
            pass
        time.sleep(0.01)
    pytest.fail(f"the run never took its lock (exit {process.poll()})")


def files_under(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def archives(tmp_path, shared) -> tuple[Path, Path]:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(SEEDS / "000_d3bc919bb2a10656.txt", first)
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", second)
    return first, second


def test_a_second_writer_is_refused_naming_the_first(archives, tmp_path):
    first, second = archives
    out = tmp_path / "out"
    writer = start(first, out)
    try:
        wait_for_lock(out, writer.pid, writer)
        os.kill(writer.pid, signal.SIGSTOP)  # holds its lock until the test says so
        before = {p.name for p in tmp_path.iterdir()}
        outputs = files_under(out) if out.exists() else {}
        other = run(second, out)
        assert other.returncode == 2, other.stderr
        assert other.stderr.strip() == (
            f"iop extract: {out} is being written by another iop "
            f"({outdir.lock_path(out).read_text()}): wait for it to finish, or choose "
            "another --out")
        assert f"pid {writer.pid} on " in other.stderr
        assert {p.name for p in tmp_path.iterdir()} == before  # no staging, no spill
        assert (files_under(out) if out.exists() else {}) == outputs
    finally:
        os.kill(writer.pid, signal.SIGCONT)
    _, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err
    assert pd.read_csv(out / "documents.csv")["source"].tolist() == ["000_d3bc919bb2a10656.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "out", "second"]


def test_the_lock_of_a_killed_run_is_taken_over(archives, tmp_path):
    first, second = archives
    out = tmp_path / "out"
    killed = start(first, out)
    wait_for_lock(out, killed.pid, killed)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.communicate(timeout=60)
    assert outdir.lock_path(out).exists()  # left behind, naming a dead process
    after = run(second, out)
    assert after.returncode == 0, after.stderr
    assert pd.read_csv(out / "documents.csv")["source"].tolist() == ["002_2b68fa102c319169.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "out", "second"]


HOLD = ("import sys; from pathlib import Path; from pipeline.outdir import Lock; "
        "lock = Lock(Path(sys.argv[1]), sys.argv[2]); lock.acquire(); print('held', flush=True);"
        " sys.stdin.read()")


@pytest.fixture
def held(tmp_path):
    """Another process holding the lock of tmp_path/out (until the test ends)."""
    def hold(command: str) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "out"), command],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   env=ENV)
        assert process.stdout.readline().strip() == "held"
        holders.append(process)
        return process

    holders: list[subprocess.Popen] = []
    yield hold
    for process in holders:
        process.stdin.close()
        process.wait(timeout=60)


def test_a_held_lock_names_its_holder(tmp_path, held):
    holder = held("iop extract")
    with pytest.raises(outdir.OutDirError, match=rf"another iop \(pid {holder.pid} on .*, "
                                                 r"iop extract, since "):
        outdir.Lock(tmp_path / "out", "iop extract").acquire()


def test_a_process_may_take_its_own_lock_again(tmp_path):
    lock = outdir.Lock(tmp_path / "out", "iop extract")
    with lock, outdir.Lock(tmp_path / "out", "iop extract"):
        assert outdir.lock_path(tmp_path / "out").exists()
    assert not outdir.lock_path(tmp_path / "out").exists()  # released: no hidden leftover


def test_a_report_being_written_is_refused(tmp_path, held):
    tables = rt.write(tmp_path / "tables")
    holder = held("iop report")
    with pytest.raises(ReportError, match=f"pid {holder.pid} "):
        build_report(tables, tmp_path / "out")
    assert not (tmp_path / "out").exists()
