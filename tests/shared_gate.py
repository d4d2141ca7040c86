"""Tests that need ../shared (the corpora, the gold and tools/score.py) beside the repo."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def count_tests(namespace: dict) -> int:
    """How many tests a module collects: its test functions times their parameter cases."""
    count = 0
    for name, value in namespace.items():
        if not (name.startswith("test_") and callable(value)):
            continue
        cases = 1
        for mark in getattr(value, "pytestmark", []):
            if mark.name == "parametrize":
                cases *= len(mark.args[1])
        count += cases
    return count


def require_shared(namespace: dict, needs: str) -> None:
    """Call last in a module: without ../shared, skip its tests with one line saying how
    many and why; under CI (the CI environment variable set) a missing ../shared fails."""
    if SHARED.is_dir():
        return
    why = f"{count_tests(namespace)} tests left out: {SHARED} is missing ({needs})"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {why}", pytrace=False)
    pytest.skip(why, allow_module_level=True)
