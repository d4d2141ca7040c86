"""Compile the regex patterns kept in lang/sv/*.toml, filling in their word lists."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.lang import table


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    regex: re.Pattern
    doc: str = ""


def alternation(items) -> str:
    """Longest first, so 'kronor' is tried before 'kr'; spaces match any run of spaces."""
    escaped = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(items, key=len, reverse=True))
    return "(?:" + "|".join(escaped) + ")"


def compile_patterns(name: str, fills: dict[str, str], flags=re.IGNORECASE) -> list[Pattern]:
    data = table(name)
    out = []
    for spec in data["patterns"]:
        source = spec["regex"]
        for key, value in fills.items():
            source = source.replace("{" + key + "}", value)
        out.append(Pattern(spec["id"], re.compile(source, flags), spec.get("doc", "")))
    return out


def word_alternation(items) -> str:
    """An alternation that matches whole words only (Swedish letters count as word)."""
    return rf"(?<![\wåäö]){alternation(items)}(?![\wåäö])"
