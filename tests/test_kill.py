"""A run killed at any moment, or stopped by a full disk, leaves the previous complete set
of outputs or the new complete set: never a mix, never a truncated file.

The kill test SIGKILLs `iop extract` (a subprocess in its own session) while it reads,
just as the staging folder appears, and at several moments of publishing; after each kill
the output folder must hold one complete set whose files match the manifest's checksums
and open in pandas, pyarrow and DuckDB, and no process of the run may survive it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import schemas, store
from pipeline.run import extract_archive
from tests.conftest import SEEDS

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def start(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(raw), "--out",
                             str(out), "--no-cache", "--workers", "2"], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def sources(out: Path) -> list[str]:
    return sorted(pd.read_parquet(out / "documents.parquet")["source"])


def assert_complete_set(out: Path) -> list[str]:
    """Every file listed with a matching checksum, nothing else, all readable."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written == set(manifest["files"]) | {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"], name
    con = duckdb.connect(str(out / "iop.duckdb"), read_only=True)
    try:
        for table in schemas.TABLES:
            parquet = pq.read_table(out / f"{table}.parquet")
            (count,) = con.execute(f"select count(*) from {table}").fetchone()
            assert parquet.num_rows == count, table
            if "csv" in schemas.formats(table):  # pages: Parquet and DuckDB only
                csv = pd.read_csv(out / f"{table}.csv", keep_default_na=False)
                assert len(csv) == count, table
    finally:
        con.close()
    return sources(out)


def session_processes(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                found.append(int(entry.name))
    return found


@pytest.fixture
def archives(tmp_path, shared):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", old)
    shutil.copytree(SEEDS, new)
    return old, new


# when to kill: ("read", seconds after start) or ("publish", seconds after staging appears)
KILL_AT = [("read", 1.0), ("publish", 0.0), ("publish", 0.1), ("publish", 0.45)]


def test_sigkill_at_any_moment_leaves_old_or_new(archives, tmp_path):
    """Each run writes the other set than the one in place; after the kill the folder
    holds one of the two, complete."""
    small_raw, full_raw = archives
    out = tmp_path / "out"
    extract_archive([small_raw], out, None, 2)
    sets = {small_raw: assert_complete_set(out),
            full_raw: sorted(p.name for p in SEEDS.glob("*.txt"))}
    current = small_raw
    outcomes = []
    for phase, delay in KILL_AT:
        other = full_raw if current == small_raw else small_raw
        process = start(other, out)
        if phase == "read":
            time.sleep(delay)
        else:
            deadline = time.monotonic() + 120
            while (not any(tmp_path.glob(".out.tmp-*")) and process.poll() is None
                   and time.monotonic() < deadline):
                time.sleep(0.002)
            time.sleep(delay)
        during_publish = any(tmp_path.glob(".out.tmp-*"))
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
        time.sleep(0.3)  # the kernel delivers the workers' parent-death signal
        assert session_processes(process.pid) == [], (phase, delay)
        got = assert_complete_set(out)
        assert got in (sets[current], sets[other]), (phase, delay)
        outcomes.append((phase, delay, during_publish, got == sets[other]))
        current = other if got == sets[other] else current
    assert any(during for _, _, during, _ in outcomes), outcomes  # some kill hit publishing
    finish = start(full_raw, out)
    finish.communicate(timeout=300)
    assert finish.returncode == 0
    assert assert_complete_set(out) == sets[full_raw]
    assert not list(tmp_path.glob(".out.tmp-*"))  # killed runs' staging folders removed


def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True)
    return done.returncode == 0


def test_a_full_disk_leaves_the_previous_outputs(archives, tmp_path, monkeypatch):
    """A real full disk (a 12 MiB tmpfs) where mount is allowed; else ENOSPC from a fake
    `write` in the store."""
    old_raw, new_raw = archives
    disk = tmp_path / "disk"
    real = _mount_tmpfs(disk, "12m")  # the old set needs more than 6 MiB
    try:
        out = disk / "out"
        extract_archive([old_raw], out, None, 2)
        old_set = assert_complete_set(out)
        if real:
            free = shutil.disk_usage(disk).free
            (disk / "filler").write_bytes(b"\0" * max(0, free - 600_000))
            process = start(new_raw, out)
            _, err = process.communicate(timeout=300)
            assert process.returncode == 4, err
            assert err.decode() == (
                f"iop extract: could not write the tables to {out}: no space left on device; "
                f"nothing was published ({out} is as it was). Free some space, or choose an "
                "--out on another disk, and run again\n")
        else:
            def disk_full(*args, **kwargs):
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(store, "_write_parquet", disk_full)
            with pytest.raises(OSError):
                extract_archive([new_raw], out, None, 1)
        assert assert_complete_set(out) == old_set
        assert not [p for p in disk.iterdir() if p.name.startswith(".")]  # no leftovers
        (disk / "filler").unlink(missing_ok=True)
        monkeypatch.undo()
        extract_archive([new_raw], out, None, 2)  # space again: the new set lands
        assert assert_complete_set(out) == sorted(p.name for p in SEEDS.glob("*.txt"))
    finally:
        if real:
            subprocess.run(["umount", str(disk)], capture_output=True)


# stage that fails -> the previous set stays
FAILING_STAGES = ["_write_csv", "_write_parquet", "_write_duckdb", "_write_manifest",
                  "_fsync_dir"]


@pytest.mark.parametrize("stage", FAILING_STAGES)
def test_enospc_at_each_stage_of_writing_keeps_the_old_set(tmp_path, monkeypatch, stage):
    doc = "a" * 64
    old = {name: schemas.frame(name, []) for name in schemas.TABLES}
    old["documents"] = schemas.frame("documents", [{"doc_id": doc, "source": "old.txt",
                                                    "status": "ok"}])
    out = store.write_tables(old, tmp_path / "out", {})
    new = dict(old, documents=schemas.frame("documents", [{"doc_id": doc, "source": "new.txt",
                                                           "status": "ok"}]))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, stage, disk_full)
    with pytest.raises(OSError):
        store.write_tables(new, out, {})
    assert assert_complete_set(out) == ["old.txt"]
    assert not list(tmp_path.glob(".out.tmp-*"))
