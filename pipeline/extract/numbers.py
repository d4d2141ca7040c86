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


@cache
def _amount_words() -> dict:
    return table("numbers")["amount_words"]


@cache
def _morphemes() -> tuple[tuple[str, str, int], ...]:
    """(morpheme, kind, value), longest first so 'sextio' wins over 'sex'."""
    data = _amount_words()
    out = [(w, "unit", v) for w, v in data["units"].items()]
    out += [(w, "tens", v) for w, v in data["tens"].items()]
    out += [(w, "hundred", 100) for w in data["hundred"]]
    out += [(w, "thousand", 1000) for w in data["thousand"]]
    return tuple(sorted(out, key=lambda m: -len(m[0])))


@cache
def compound_regex() -> str:
    """One number written as a compound word: 'trehundratjugotusen', 'en', 'tusen'."""
    return "(?:" + alternation(m[0] for m in _morphemes()) + ")+"


@cache
def large_words() -> dict[str, int]:
    return dict(_amount_words()["large"])


@cache
def half_words() -> tuple[str, ...]:
    return tuple(_amount_words()["half"])


@cache
def compound_value(word: str) -> int | None:
    """'trehundratjugotusen' -> 320000, 'etthundraåttiotusen' -> 180000, 'en' -> 1;
    None when the word is not made of number morphemes only."""
    word = word.lower()
    total = group = 0
    position = 0
    seen = False
    while position < len(word):
        found = next((m for m in _morphemes() if word.startswith(m[0], position)), None)
        if found is None:
            return None
        text, kind, value = found
        position += len(text)
        seen = True
        if kind in ("unit", "tens"):
            group += value
        elif kind == "hundred":
            group = (group or 1) * 100
        else:  # thousand
            total += (group or 1) * 1000
            group = 0
    return total + group if seen else None
