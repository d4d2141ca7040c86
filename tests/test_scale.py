"""Archive scale: the same tables whatever runs the work, and re-runs that skip what they can.

Speed and memory are measured by `make bench`, never here; these tests check behaviour.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import cache as cache_module
from pipeline.run import extract_archive
from tests.conftest import FIXTURES, REPO, SEEDS

TABLES = ("documents", "parties", "amounts", "periods", "obligations", "signatories",
          "placeholders", "flags", "links")


@pytest.fixture
def archive(tmp_path: Path, shared) -> Path:
    """Seeds and text-layer renderings, a duplicate, a folder, and a file that fails."""
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, raw / seed.name)
    for name in ("agreement-biv-2023.pdf", "memo-biv-2022.pdf", "agreement-utsatta-2018.docx"):
        shutil.copy(FIXTURES / name, raw / "sub" / name)
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw / "sub" / "copy-of-002.txt")
    (raw / "broken.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    return raw


def tables_of(out: Path) -> dict[str, bytes]:
    """Every table's CSV, byte for byte (the manifest holds a timestamp and is left out)."""
    return {name: (out / f"{name}.csv").read_bytes() for name in TABLES}


def assert_same_tables(a: Path, b: Path) -> None:
    first, second = tables_of(a), tables_of(b)
    for name in TABLES:
        rows_a = first[name].decode().splitlines()
        rows_b = second[name].decode().splitlines()
        assert len(rows_a) == len(rows_b), f"{name}: {len(rows_a)} vs {len(rows_b)} rows"
        for number, (row_a, row_b) in enumerate(zip(rows_a, rows_b, strict=True)):
            assert row_a == row_b, f"{name} row {number} differs"


def run(raw: Path, out: Path, **options):
    return extract_archive([raw], out, **options)


# ---- Same tables whoever does the work -------------------------------------------------------

def test_one_worker_and_two_workers_give_identical_tables(archive, tmp_path):
    one = run(archive, tmp_path / "one", workers=1)
    two = run(archive, tmp_path / "two", workers=2)
    assert one.files == two.files == 10
    assert one.failed == two.failed == 1
    assert one.counts["amounts"] > 0 and one.counts["parties"] > 0
    assert_same_tables(tmp_path / "one", tmp_path / "two")


def test_dask_local_cluster_gives_identical_tables(archive, tmp_path):
    distributed = pytest.importorskip("distributed")  # pinned in pyproject: always there
    local = run(archive, tmp_path / "local", workers=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, host="127.0.0.1") as cluster:
        on_dask = run(archive, tmp_path / "dask", executor="dask",
                      scheduler=cluster.scheduler_address)
    assert on_dask.files == local.files and on_dask.failed == local.failed == 1
    assert on_dask.cache.processed == 10
    assert_same_tables(tmp_path / "local", tmp_path / "dask")


def test_dask_without_a_scheduler_is_refused(archive, tmp_path):
    with pytest.raises(ValueError, match="--scheduler"):
        run(archive, tmp_path / "out", executor="dask")


# ---- Re-runs: only new or changed files are read --------------------------------------------

def test_warm_run_opens_nothing_and_writes_the_same_tables(archive, tmp_path):
    cache = tmp_path / "cache"
    cold = run(archive, tmp_path / "cold", cache_dir=cache, workers=2)
    assert cold.cache.processed == 10 and cold.cache.cached == 0
    warm = run(archive, tmp_path / "warm", cache_dir=cache, workers=2)
    # the failed file is hashed and read again (errors are not cached: an OCR engine or a
    # larger limit may read it next time); the other nine are known by their stat alone
    assert (warm.cache.processed, warm.cache.hashed, warm.cache.by_stat) == (1, 1, 9)
    assert warm.cached == 9
    assert "ingest" not in warm.stages or warm.stages["ingest"] < cold.stages["ingest"]
    assert_same_tables(tmp_path / "cold", tmp_path / "warm")


# (what happens to one file between runs, files hashed, files processed)
CHANGES = [
    ("touched: new mtime, same bytes", "touch", 1, 0),
    ("renamed: new path, same bytes", "rename", 1, 0),
    ("edited: new bytes", "edit", 1, 1),
    ("added: a new file", "add", 1, 1),
]


@pytest.mark.parametrize("what,change,hashed,processed", CHANGES, ids=[c[0] for c in CHANGES])
def test_only_new_or_changed_files_are_processed(archive, tmp_path, what, change, hashed,
                                                  processed):
    (archive / "broken.pdf").unlink()  # errors are retried on every run; keep counts clean
    cache = tmp_path / "cache"
    run(archive, tmp_path / "first", cache_dir=cache, workers=1)
    target = archive / "000_d3bc919bb2a10656.txt"
    if change == "touch":
        stat = target.stat()
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    elif change == "rename":
        target.rename(archive / "renamed.txt")
    elif change == "edit":
        target.write_text(target.read_text(encoding="utf-8") + "\nTillägg 2024.\n",
                          encoding="utf-8")
    elif change == "add":
        (archive / "new.txt").write_text("Överenskommelse om IOP.\nBidrag: 50 000 kr per år.\n",
                                         encoding="utf-8")
    again = run(archive, tmp_path / "again", cache_dir=cache, workers=1)
    assert (again.cache.hashed, again.cache.processed) == (hashed, processed)
    assert again.cache.cached == again.files - processed
    run(archive, tmp_path / "fresh", workers=1)  # no cache at all
    assert_same_tables(tmp_path / "again", tmp_path / "fresh")


def test_a_changed_rule_invalidates_the_cache(archive, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    run(archive, tmp_path / "before", cache_dir=cache, workers=1)
    assert run(archive, tmp_path / "same", cache_dir=cache, workers=1).cache.processed == 1
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "0.1.0+a-changed-rule")
    after = run(archive, tmp_path / "after", cache_dir=cache, workers=1)
    assert after.cache.processed == 10 and after.cached == 0


def test_a_changed_page_limit_invalidates_the_cache(archive, tmp_path):
    from pipeline.config import Limits

    cache = tmp_path / "cache"
    run(archive, tmp_path / "before", cache_dir=cache, workers=1)
    after = run(archive, tmp_path / "after", cache_dir=cache, workers=1,
                limits=Limits(max_pages=1))
    assert after.cache.processed == 10
    docs = (tmp_path / "after" / "documents.csv").read_text(encoding="utf-8")
    assert "TOO_MANY_PAGES" in docs


def test_a_damaged_cache_entry_is_recomputed(archive, tmp_path):
    import sqlite3

    cache = tmp_path / "cache"
    run(archive, tmp_path / "before", cache_dir=cache, workers=1)
    with sqlite3.connect(cache / "results.sqlite3") as db:
        db.execute("UPDATE results SET payload = x'00ff'")
    after = run(archive, tmp_path / "after", cache_dir=cache, workers=1)
    assert after.cache.processed == 10
    assert_same_tables(tmp_path / "before", tmp_path / "after")


# ---- Start-up: `iop --help` loads no heavy library --------------------------------------------

HEAVY = ("spacy", "pandas", "pyarrow", "duckdb", "dateparser", "pypdfium2", "pdfplumber",
         "docx", "distributed", "dask", "numpy")


@pytest.mark.parametrize("argv", [["--help"], ["extract", "--help"]], ids=" ".join)
def test_help_imports_no_heavy_library(argv):
    code = ("import sys\nfrom pipeline.cli import app\n"
            f"try:\n    app({argv!r})\nexcept SystemExit:\n    pass\n"
            f"print('loaded:', ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Example" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == "loaded:"


def test_timings_file_names_every_stage(archive, tmp_path):
    import json

    timings = tmp_path / "timings.json"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(archive), "--out",
         str(tmp_path / "out"), "--no-cache", "--workers", "1", "--timings", str(timings)],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 3, result.stderr  # broken.pdf
    report = json.loads(timings.read_text())
    stages = {"ingest", "normalize", "extract", "check", "write"}
    assert set(report["stages_s"]) == stages | {f"{s}_cpu" for s in stages}
    assert report["cpu_s"]["workers"] > 0
    assert report["processed"] == 10 and report["files"] == 10
    assert report["peak_rss_bytes"]["parent"] > 0


def test_an_unusable_cache_slows_the_run_but_does_not_fail_it(archive, tmp_path):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    summary = run(archive, tmp_path / "out", cache_dir=blocked, workers=1)
    assert summary.files == 10 and summary.failed == 1 and summary.cache.processed == 10


# (extract options) -> a usage error, before any file is read
USAGE_ERRORS = [
    ["--executor", "dask"],  # dask needs a scheduler
    ["--executor", "spark", "--scheduler", "tcp://127.0.0.1:8786"],
    ["--scheduler", "tcp://127.0.0.1:8786"],  # a scheduler without --executor dask
]


@pytest.mark.parametrize("options", USAGE_ERRORS, ids=" ".join)
def test_executor_options_are_checked(options, tmp_path, shared):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(SEEDS), "--out", str(tmp_path / "out"),
         *options], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 2
    assert "--executor" in result.stderr
    assert not (tmp_path / "out").exists()
