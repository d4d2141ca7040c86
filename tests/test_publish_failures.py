"""A run that cannot publish (disk full, read-only, no permission) exits 4 with one plain
line saying what to do, leaves the previous outputs as they were and no hidden folders;
no traceback without --debug. On a real tmpfs where mount is allowed (root), else with a
folder the user may not write to, or ENOSPC from a fake write."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import outdir, store
from pipeline.cli import app
from tests import report_tables as rt
from tests.conftest import REPO, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
PAIR = [str(SEEDS / "000_d3bc919bb2a10656.txt"), str(SEEDS / "001_088b6c7d61ba9907.txt")]


def iop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=ENV, timeout=600)


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _mount(path: Path, options: str) -> bool:
    path.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def read_only(tmp_path):
    """A folder iop may not write in, with an earlier output of iop extract in it, and the
    reason a write there fails."""
    disk = tmp_path / "disk"
    real = _mount(disk, "size=16m")
    rt.write(disk / "out")
    if real:
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    elif os.geteuid() == 0:
        pytest.skip("root without mount: no folder here is read-only to this test")
    else:
        disk.chmod(0o555)
    yield disk, "read-only file system" if real else "permission denied"
    if real:
        subprocess.run(["umount", str(disk)], capture_output=True)
    else:
        disk.chmod(0o755)


def test_extract_to_a_read_only_folder_says_so(tmp_path, shared, read_only):
    disk, reason = read_only
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    before = files_under(disk)
    result = iop("extract", str(raw), "--out", str(disk / "out"), "--no-cache")
    assert result.returncode == 4, result.stderr
    assert result.stderr == (f"iop extract: could not write the tables to {disk / 'out'}: "
                             f"{reason}; nothing was published ({disk / 'out'} is as it was). "
                             f"{outdir.what_to_do(reason).capitalize()}\n")
    assert files_under(disk) == before


def test_report_to_a_read_only_folder_says_so(tmp_path, read_only):
    disk, reason = read_only
    result = iop("report", "--tables", str(disk / "out"), "--out", str(disk / "report"))
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith(f"iop report: could not write the report to "
                                    f"{disk / 'report'}: {reason}; nothing was published")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_compare_html_to_a_read_only_folder_says_so(shared, read_only):
    disk, reason = read_only
    result = iop("compare", *PAIR, "--html", str(disk / "page.html"))
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith(f"iop compare: could not write {disk / 'page.html'}: "
                                    f"{reason}; nothing was written.")
    assert "--html" in result.stderr and "Traceback" not in result.stderr


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


# (command, where the write fails) -> exit 4, one line, the earlier output unchanged
FULL = [
    ("report", "pipeline.report.build.store.publish"),
    ("compare", "pipeline.compare.render.write_html"),
]


@pytest.mark.parametrize("command,where", FULL, ids=[c[0] for c in FULL])
def test_a_full_disk_is_said_plainly(tmp_path, shared, monkeypatch, command, where):
    tables = rt.write(tmp_path / "tables")
    if command == "report":
        argv = ["report", "--tables", str(tables), "--out", str(tmp_path / "r")]
    else:
        argv = ["compare", *PAIR, "--html", str(tmp_path / "page.html")]
    monkeypatch.setattr(where, _disk_full)
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 4, result.output
    assert "no space left on device" in result.stderr and "Free some space" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]  # no leftovers


# (what a library raised) -> the reason said, or None: not a disk's refusal
PROBLEMS = [
    (OSError(errno.ENOSPC, "No space left on device"), "no space left on device"),
    (OSError(errno.EDQUOT, "Disk quota exceeded"), "disk quota exceeded"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only file system"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (Exception('FATAL Error: Failed to create checkpoint because of error: Could not write '
               'file "/d/iop.duckdb": No space left on device'), "no space left on device"),
    (OSError('Error writing bytes to file. Detail: [errno 28] No space left on device'),
     "no space left on device"),
    (RuntimeError("wrapped"), None),
    (ValueError("a bug"), None),
    (KeyError("x"), None),
]


@pytest.mark.parametrize("exc,reason", PROBLEMS, ids=[repr(p[0])[:40] for p in PROBLEMS])
def test_storage_problems_are_told_from_bugs(exc, reason):
    assert outdir.storage_problem(exc) == reason


def test_a_cause_is_followed():
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("writing failed") from inner
    except RuntimeError as outer:
        assert outdir.storage_problem(outer) == "no space left on device"


def test_a_bug_says_so_and_shows_no_traceback(tmp_path, shared, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)

    def bug(*args, **kwargs):
        raise KeyError("surprise")

    monkeypatch.setattr(store, "write_tables", bug)
    result = CliRunner().invoke(app, ["extract", str(raw), "--out", str(tmp_path / "out"),
                                      "--no-cache", "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("iop extract: failed inside iop (KeyError: 'surprise'); "
                                    f"nothing was published ({tmp_path / 'out'} is as it "
                                    "was). Run again with --debug and report the traceback")
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
