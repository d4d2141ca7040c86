"""A re-run with nothing changed writes nothing; any change to the inputs, the limits or the
published tables makes the run read and write again. One case per line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.config import DEFAULT_LIMITS
from pipeline.run import extract_archive
from pipeline.uptodate import current
from tests.conftest import SEEDS

REPO = Path(__file__).resolve().parents[1]
NAMES = ["000_d3bc919bb2a10656.txt", "002_2b68fa102c319169.txt"]


@pytest.fixture
def run(tmp_path, shared) -> tuple[Path, Path, Path]:
    raw, out, cache = tmp_path / "raw", tmp_path / "out", tmp_path / "cache"
    raw.mkdir()
    for name in NAMES:
        shutil.copy(SEEDS / name, raw / name)
    extract_archive([raw], out, cache)
    return raw, out, cache


def test_nothing_changed_is_current(run):
    raw, out, cache = run
    done = current([raw], out, cache, DEFAULT_LIMITS)
    assert done is not None
    assert (done.documents, done.failed, done.warnings) == (2, 0, 0)
    assert done.counts["amounts"] > 0


def _touch(raw: Path, out: Path) -> None:
    path = raw / NAMES[0]
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))


def _edit(raw: Path, out: Path) -> None:
    with open(raw / NAMES[0], "a", encoding="utf-8") as handle:
        handle.write("\nEn rad till.\n")


def _add(raw: Path, out: Path) -> None:
    shutil.copy(SEEDS / "004_1e1b26bf03f114b4.txt", raw / "ny.txt")


def _remove(raw: Path, out: Path) -> None:
    (raw / NAMES[1]).unlink()


def _rename(raw: Path, out: Path) -> None:
    (raw / NAMES[1]).rename(raw / "omdöpt.txt")


def _edit_output(raw: Path, out: Path) -> None:
    with open(out / "flags.csv", "a", encoding="utf-8") as handle:
        handle.write("x\n")


def _delete_output(raw: Path, out: Path) -> None:
    (out / "amounts.parquet").unlink()


# (what changed, how)
CHANGES: list[tuple[str, Callable[[Path, Path], None]]] = [
    ("an input touched", _touch),
    ("an input edited", _edit),
    ("an input added", _add),
    ("an input removed", _remove),
    ("an input renamed", _rename),
    ("a published table edited", _edit_output),
    ("a published table deleted", _delete_output),
]


@pytest.mark.parametrize("change", [c[1] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_any_change_makes_the_run_read_again(run, change):
    raw, out, cache = run
    change(raw, out)
    assert current([raw], out, cache, DEFAULT_LIMITS) is None
    extract_archive([raw], out, cache)  # the run writes the tables again ...
    assert current([raw], out, cache, DEFAULT_LIMITS) is not None  # ... and they are current


def test_other_limits_are_not_current(run):
    raw, out, cache = run
    assert current([raw], out, cache, replace(DEFAULT_LIMITS, max_pages=3)) is None


def test_without_a_cache_nothing_is_current(run):
    raw, out, _ = run
    assert current([raw], out, None, DEFAULT_LIMITS) is None


def test_another_out_folder_is_not_current(run, tmp_path):
    raw, _, cache = run
    assert current([raw], tmp_path / "elsewhere", cache, DEFAULT_LIMITS) is None


def test_the_command_writes_nothing_when_nothing_changed(run):
    raw, out, cache = run
    manifest = (out / "manifest.json").read_bytes()
    stamp = (out / "manifest.json").stat().st_mtime_ns
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(raw), "--out", str(out), "--cache",
         str(cache)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "2 files up to date in" in result.stdout
    assert (out / "manifest.json").read_bytes() == manifest
    assert (out / "manifest.json").stat().st_mtime_ns == stamp
