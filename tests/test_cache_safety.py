"""The cache never stops a run, repairs itself, and is shared: a file name in any encoding
is one row like any other; a damaged cache file is moved aside with a one-line warning and
rebuilt; two runs sharing a cache both cache."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from pipeline import cache as cache_module
from pipeline.cache import FILE_NAME, CacheCounts, ResultCache, cache_version
from pipeline.config import DEFAULT_LIMITS, Task
from pipeline.run import extract_archive
from tests.conftest import REPO, SEEDS

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
LATIN1 = os.fsdecode(b"avtal-\xe5r-2023.txt")  # 'år' in latin-1: not valid UTF-8


def iop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=ENV, timeout=600)


def test_a_non_utf8_file_name_is_one_row_with_the_cache_on(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "000_d3bc919bb2a10656.txt", raw / LATIN1)
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw / "memo.txt")
    args = ("extract", str(raw), "--out", str(tmp_path / "out"), "--cache",
            str(tmp_path / "cache"), "--workers", "1")
    first = iop(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("2 files: 2 read, 0 failed; ")
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert list(docs["source"]) == ["avtal-\\xe5r-2023.txt", "memo.txt"]
    assert list(docs["status"]) == ["ok", "ok"]
    again = iop(*args)  # the cache knows both files by their stat
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("2 files up to date in ")


def _a_cache(folder: Path, entries: int = 200) -> None:
    """A cache of `entries` documents (rows of a few KB, as a real cache holds)."""
    cache = ResultCache.open(folder, "v1")
    for i in range(entries):
        cache._store(f"{i:064x}", {"doc_id": f"{i:064x}", "status": "ok"},
                     {"pages": [{"text": "Överenskommelse " * 200}]})
        cache._remember(f"/archive/{i}.txt", "1:2:3:4", f"{i:064x}")
    cache.close()
    db = sqlite3.connect(folder / FILE_NAME)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _zero_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"\0" * 100)


def _garbage_inside(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(4096)  # page 2: the first table's b-tree
        handle.write(os.urandom(4096))


def _text(path: Path) -> None:
    path.write_text("not a database\n")


# (damage, how) -> moved aside with a warning, a new cache begun
DAMAGE: list[tuple[str, Callable[[Path], None]]] = [
    ("truncated to half", _truncate),
    ("header overwritten with zeros", _zero_header),
    ("a page overwritten with garbage", _garbage_inside),
    ("replaced by a text file", _text),
]


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_a_damaged_cache_is_moved_aside_and_rebuilt(tmp_path, damage):
    folder = tmp_path / "cache"
    _a_cache(folder)
    damage(folder / FILE_NAME)
    said: list[str] = []
    cache = ResultCache.open(folder, "v1", said.append)
    assert cache is not None
    assert len(said) == 1 and "\n" not in said[0]
    assert said[0].startswith(f"the cache {folder / FILE_NAME} was damaged (")
    assert "moved it to results.sqlite3.damaged-" in said[0]
    assert "started a new one" in said[0]
    aside = [p for p in folder.iterdir()
             if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == 1
    cache._store("f" * 64, {"doc_id": "f" * 64}, {})
    cache.close()
    again: list[str] = []
    reopened = ResultCache.open(folder, "v1", again.append)
    assert again == [] and reopened._load("f" * 64) is not None  # the new cache works
    reopened.close()


def test_a_sound_cache_is_not_touched(tmp_path):
    folder = tmp_path / "cache"
    _a_cache(folder)
    said: list[str] = []
    cache = ResultCache.open(folder, "v1", said.append)
    assert said == [] and cache._load(f"{5:064x}") is not None
    cache.close()
    assert sorted(p.name for p in folder.iterdir() if "damaged" in p.name) == []


def test_a_damaged_cache_warns_once_and_the_next_run_is_warm(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    args = ("extract", str(raw), "--out", str(tmp_path / "out"), "--cache",
            str(tmp_path / "cache"), "--workers", "1", "--timings", str(tmp_path / "t.json"))
    assert iop(*args).returncode == 0
    _truncate(tmp_path / "cache" / FILE_NAME)
    (raw / "002_2b68fa102c319169.txt").touch()  # not up to date: the run opens the cache
    repaired = iop(*args)
    assert repaired.returncode == 0, repaired.stderr
    warning = repaired.stderr.splitlines()
    assert len(warning) == 1 and warning[0].startswith("iop extract: warning: the cache ")
    assert "was damaged (truncated: " in warning[0]
    (raw / "002_2b68fa102c319169.txt").touch()
    warm = iop(*args)
    assert warm.returncode == 0 and warm.stderr == ""
    timings = json.loads((tmp_path / "t.json").read_text())
    assert (timings["processed"], timings["cached"]) == (0, 1)


def test_an_unusable_cache_folder_is_said_once(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    (tmp_path / "cache").write_text("a file where the cache folder should be")
    result = iop("extract", str(raw), "--out", str(tmp_path / "out"), "--cache",
                 str(tmp_path / "cache"), "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"iop extract: warning: cannot use the cache "
                                    f"{tmp_path / 'cache'} (")
    assert len(result.stderr.splitlines()) == 1


# ---- two runs sharing a cache ------------------------------------------------------------

def _tasks(prefix: str, n: int) -> list[Task]:
    return [Task(f"/nowhere/{prefix}{i}.txt", f"{prefix}{i}.txt", DEFAULT_LIMITS)
            for i in range(n)]


def _results(tasks):
    for task in tasks:
        doc_id = f"{abs(hash(task.path)):064d}"
        yield task, ({"doc_id": doc_id, "status": "ok", "source": task.source},
                     {"parties": []}, {})


def test_two_runs_interleaved_on_one_cache_both_cache(tmp_path, monkeypatch):
    """Run A stops halfway through its files (its writes gathered, some committed); run B
    then reads and caches all of its own; A finishes. Neither waits for the other."""
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT_S", 1.0)  # a wait would fail the test
    monkeypatch.setattr(cache_module, "WRITE_BATCH", 4)
    version = cache_version(DEFAULT_LIMITS)
    a = ResultCache.open(tmp_path, version)
    b = ResultCache.open(tmp_path, version)
    said: list[str] = []
    a.on_warning = b.on_warning = said.append
    first = a.run(_tasks("a", 10), _results, CacheCounts())
    for _ in range(6):
        next(first)  # A is mid-run: 4 entries committed, 2 gathered
    assert len(list(b.run(_tasks("b", 10), _results, CacheCounts()))) == 10
    b.close()
    assert len(list(first)) == 4
    a.close()
    assert said == []
    db = sqlite3.connect(tmp_path / FILE_NAME)
    assert db.execute("select count(*) from results").fetchone() == (20,)


def test_two_runs_at_once_on_one_cache_both_cache(tmp_path, shared):
    """Two `iop extract` at the same time, sharing --cache: afterwards every file of both
    is cached (a third run over both reads nothing)."""
    raws = []
    for name in ("one", "two"):
        raw = tmp_path / "raws" / name
        raw.mkdir(parents=True)
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copy(seed, raw / f"{name}-{seed.name}")
            (raw / f"{name}-{seed.name}").write_text(
                seed.read_text(encoding="utf-8") + f"\n{name}\n", encoding="utf-8")
        raws.append(raw)
    cache = tmp_path / "cache"
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline", "extract", str(raw), "--out",
                              str(tmp_path / f"out-{raw.name}"), "--cache", str(cache),
                              "--workers", "1"], env=ENV, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for raw in raws]
    for process in runs:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0 and err == "", err
    both = iop("extract", str(tmp_path / "raws"), "--out", str(tmp_path / "out-both"),
               "--cache", str(cache), "--workers", "1", "--timings", str(tmp_path / "t.json"))
    assert both.returncode == 0, both.stderr
    timings = json.loads((tmp_path / "t.json").read_text())
    files = 2 * len(list(SEEDS.glob("*.txt")))
    assert (timings["files"], timings["processed"], timings["cached"]) == (files, 0, files)


def test_a_file_the_cache_cannot_take_does_not_stop_the_others(tmp_path):
    """One entry that cannot be stored (its rows cannot be pickled) is skipped; the others
    are cached."""
    cache = ResultCache.open(tmp_path, "v1")
    cache._store("a" * 64, {"doc_id": "a" * 64}, {"rows": [lambda: None]})
    cache._store("b" * 64, {"doc_id": "b" * 64}, {})
    cache._remember(LATIN1, "1:2:3:4", "b" * 64)
    cache.close()
    cache = ResultCache.open(tmp_path, "v1")
    assert cache._load("a" * 64) is None and cache._load("b" * 64) is not None
    assert cache._index() == {cache_module.path_key(LATIN1): "1:2:3:4|" + "b" * 64}
    cache.close()


def test_extract_archive_uses_a_cache_it_repaired(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FILE_NAME).write_text("overwritten")
    said: list[str] = []
    first = extract_archive([raw], tmp_path / "out", tmp_path / "cache", 1, on_warning=said.append)
    assert first.cache.processed == 1 and len(said) == 1
    again = extract_archive([raw], tmp_path / "out", tmp_path / "cache", 1,
                            on_warning=said.append)
    assert again.cache.cached == 1 and len(said) == 1
