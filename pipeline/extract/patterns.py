"""Compile the regex patterns kept in lang/sv/*.toml, filling in their word lists."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.extract.prefilter import Prefiltered
from pipeline.lang import table


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    regex: re.Pattern
    doc: str = ""
    scan: Prefiltered = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scan", Prefiltered(self.regex))

    def finditer(self, text: str) -> Iterator[re.Match]:
        """regex.finditer(text), skipping to where a match can start (see prefilter)."""
        return self.scan.finditer(text)


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


@dataclass(slots=True)
class TakenSpans:
    """Disjoint spans already claimed by earlier patterns, kept sorted.

    The overlap test is a bisect: a linear scan made a text with thousands of matches
    quadratic (64 KiB of '1 000 kr' took 30 s).
    """

    spans: list[tuple[int, int]] = field(default_factory=list)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_left(self.spans, (start, end))
        return ((i > 0 and self.spans[i - 1][1] > start)
                or (i < len(self.spans) and self.spans[i][0] < end))

    def add(self, start: int, end: int) -> None:
        insort(self.spans, (start, end))
