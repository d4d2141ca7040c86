"""The `iop` command as a user runs it: as a subprocess, with its exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd

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
