"""Sentence spans of the clean text.

Hand-written instead of spaCy's sentencizer because line structure matters here: a
heading, a list item or a signature line ends where its line ends, punctuation or not.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A digit after a period does not open a sentence: 'fr.o.m. 2024-01-01', 't.o.m. 2025'.
_BOUNDARY = re.compile(r"\n+|(?<=[.!?])\s+(?=[A-ZÅÄÖ\"”(●•\-–])")


@lru_cache(maxsize=2)  # periods, amounts and obligations ask for the same document's spans
def sentences(text: str) -> tuple[tuple[int, int], ...]:
    spans, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return tuple(spans)


def sentence_of(spans: tuple[tuple[int, int], ...], position: int) -> tuple[int, int]:
    """The sentence holding `position` (binary search)."""
    lo, hi = 0, len(spans) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        s, e = spans[mid]
        if position < s:
            hi = mid - 1
        elif position >= e:
            lo = mid + 1
        else:
            return spans[mid]
    return (position, position)
