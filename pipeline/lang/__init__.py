"""Language data: Swedish word lists and patterns live in lang/sv/ as data files."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "sv"


@cache
def words(name: str) -> tuple[str, ...]:
    """A word list: one entry per line, '#' starts a comment."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(
        line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()
    )


@cache
def table(name: str) -> dict:
    """A TOML data file (patterns with ids, number words, units...)."""
    with open(DATA / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


@cache
def alternation(name: str) -> str:
    """A word list as a regex alternation, longest first so 'kronor' wins over 'kr'."""
    return "|".join(re.escape(w) for w in sorted(words(name), key=len, reverse=True))
