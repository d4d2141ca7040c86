"""`iop checks` as a user runs it: the catalogue of flag codes with an example each."""

from __future__ import annotations

import pytest

from pipeline.checks.catalogue import CATALOGUE
from tests.test_cli import run


def squash(text: str) -> str:
    return " ".join(text.split())


def test_checks_help_has_an_example():
    result = run("checks", "--help")
    assert result.returncode == 0
    assert "Example: iop checks" in result.stdout


def test_checks_lists_every_code_with_its_severity_and_example():
    result = run("checks")
    assert result.returncode == 0, result.stderr
    out = squash(result.stdout)
    for entry in CATALOGUE.values():
        assert f"{entry.code} ({entry.severity})" in out
        assert f"Exempel: {entry.example}" in out


@pytest.mark.parametrize("asked", ["UNSIGNED", "unsigned"])
def test_checks_one_code(asked):
    result = run("checks", asked)
    assert result.returncode == 0
    assert result.stdout.startswith("UNSIGNED (warning)")
    assert "SUM_MISMATCH" not in result.stdout


def test_checks_unknown_code_is_a_usage_error():
    result = run("checks", "NO_SUCH_CODE")
    assert result.returncode == 2
    assert "unknown code" in result.stderr and "SUM_MISMATCH" in result.stderr


def test_extract_on_the_seeds_gives_exactly_the_expected_flags(tmp_path, shared):
    """`iop extract` on the five seeds: the unfinished dates of 000 and 001, the Word
    placeholder and the three unsigned lines of 003; nothing else."""
    import shutil

    import pandas as pd

    from tests.conftest import SEEDS

    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, raw / seed.name)
    result = run("extract", str(raw), "--out", str(tmp_path / "out"), "--no-cache")
    assert result.returncode == 0, result.stderr
    docs = pd.read_csv(tmp_path / "out/documents.csv", keep_default_na=False)
    name = dict(zip(docs["doc_id"], docs["source"].str[:3], strict=True))
    flags = pd.read_csv(tmp_path / "out/flags.csv", keep_default_na=False)
    assert sorted(zip(flags["code"], flags["severity"], flags["doc_id"].map(name),
                      flags["message"], strict=True)) == sorted([
        ("PLACEHOLDER", "warning", "000",
         "Texten är inte ifylld: ”2022-11-xx” (ett datum som inte är ifyllt)."),
        ("PLACEHOLDER", "warning", "001",
         "Texten är inte ifylld: ”2022-11-xx” (ett datum som inte är ifyllt)."),
        ("PLACEHOLDER", "warning", "003",
         "Texten är inte ifylld: ”Klicka här för att ange text.” (Words platshållartext)."),
        ("UNSIGNED", "warning", "003", "Ingen har skrivit under för Linköpings stadsmission."),
        ("UNSIGNED", "warning", "003",
         "Ingen har skrivit under för Biståndsorganisationen Hjärta till hjärta."),
        ("UNSIGNED", "warning", "003",
         "Ingen har skrivit under för Linköpings domkyrkopastorat."),
    ])
