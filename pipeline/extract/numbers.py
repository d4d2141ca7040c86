"""Counts written as digits or Swedish words: 'sex', '6', 'sex (6)', 'två och ett halvt'."""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.patterns import alternation
from pipeline.lang import table


@cache
def number_words() -> dict[str, float]:
    return {k.replace("-", " "): v for k, v in table("numbers")["words"].items()}


@cache
def count_regex() -> str:
    """A count: digits, or a number word optionally followed by '(6)'."""
    words = alternation(number_words())
    return rf"(?:(?<![\w,.-])\d{{1,4}}(?![\d,.])|(?<![\wåäö]){words}(?![\wåäö])(?:\s*\(\d+\))?)"


def count_value(text: str) -> float | None:
    text = text.strip().lower()
    digits = re.search(r"\((\d+)\)", text)  # 'sex (6)': the digits decide
    if digits:
        return float(digits.group(1))
    if re.fullmatch(r"\d+", text):
        return float(text)
    return number_words().get(text)
