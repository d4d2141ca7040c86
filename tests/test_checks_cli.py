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
