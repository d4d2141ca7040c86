"""The `iop` command as a user runs it: as a subprocess, with its exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pipeline import cli
from tests.conftest import SEEDS

IOP = [sys.executable, "-m", "pipeline"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([*IOP, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=300)


def test_help_lists_commands_with_an_example():
    result = run("--help")
    assert result.returncode == 0
    assert "extract" in result.stdout and "Example" in result.stdout


def test_extract_help_has_usage_and_example():
    result = run("extract", "--help")
    assert result.returncode == 0
    assert "--out" in result.stdout and "Example: iop extract" in result.stdout


def test_good_and_garbage_file_exit_3_with_both_rows(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "000_d3bc919bb2a10656.txt", raw / "agreement.txt")
    (raw / "garbage.pdf").write_bytes(os.urandom(4096))
    out = tmp_path / "out"
    result = run("extract", str(raw), "--out", str(out), "--workers", "1", "--no-cache")
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith(f"2 files: 1 read, 1 failed; tables in {out}: ")
    assert result.stderr == ("  error: garbage.pdf: NOT_A_PDF: named .pdf but the content is "
                             "text or unknown data\n")
    docs = pd.read_csv(out / "documents.csv", keep_default_na=False).set_index("source")
    assert list(docs.index) == ["agreement.txt", "garbage.pdf"]
    assert docs.loc["garbage.pdf", "status"] == "error"
    assert docs.loc["garbage.pdf", "code"] == "NOT_A_PDF"
    assert docs.loc["garbage.pdf", "error"]
    assert docs.loc["agreement.txt", "status"] == "ok"
    amounts = pd.read_csv(out / "amounts.csv")
    assert sorted(amounts["amount_sek"]) == [160000, 300500]


def test_all_good_exit_0_and_every_output_written(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "002_2b68fa102c319169.txt", raw)
    out = tmp_path / "out"
    result = run("extract", str(raw), "--out", str(out), "--no-cache")
    assert result.returncode == 0, result.stderr
    for table in ("documents", "parties", "amounts", "periods", "obligations", "signatories",
                  "flags", "links"):
        assert (out / f"{table}.csv").exists() and (out / f"{table}.parquet").exists()
    assert (out / "iop.duckdb").exists() and (out / "datapackage.json").exists()
    assert (out / "manifest.json").exists()


def test_missing_input_is_a_usage_error(tmp_path):
    result = run("extract", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_option_is_a_usage_error():
    assert run("extract", "--frobnicate").returncode == 2


def test_the_first_20_problems_are_listed_then_a_count(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEEDS / "000_d3bc919bb2a10656.txt", raw / "agreement.txt")
    for number in range(23):
        (raw / f"empty-{number:02d}.txt").write_bytes(b"")
    out = tmp_path / "out"
    result = run("extract", str(raw), "--out", str(out), "--workers", "1", "--no-cache")
    assert result.returncode == 3, result.stderr
    assert result.stdout.startswith(f"24 files: 1 read, 23 failed; tables in {out}: ")
    lines = result.stderr.splitlines()
    assert lines[:20] == [f"  error: empty-{n:02d}.txt: EMPTY_FILE: the file is empty (0 bytes)"
                          for n in range(20)]
    assert lines[20:] == [f"  and 3 more: see {out}/documents.csv"]


# (rows per table) -> the counts as said
COUNTS = [
    ({"documents": 3, "parties": 1, "amounts": 2, "placeholders": 1},
     "1 party, 2 amounts, 1 placeholder"),
    ({"signatories": 1, "pages": 1, "links": 0, "flags": 1},
     "1 signatory, 1 page, 0 links, 1 flag"),
]


@pytest.mark.parametrize("counts,said", COUNTS)
def test_counts_are_said_in_words_that_agree(counts, said):
    assert cli._counts_line(counts) == said


# (files, failed, warnings, from cache) -> the run's line
FILES = [
    ((12, 2, 0, 0), "10 read, 2 failed"),
    ((12, 2, 1, 3), "10 read (3 from cache, 1 with warnings), 2 failed"),
    ((1, 0, 0, None), "1 read, 0 failed"),
]


@pytest.mark.parametrize("numbers,said", FILES)
def test_file_counts_agree(numbers, said):
    assert cli._files_line(*numbers) == said
