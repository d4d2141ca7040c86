"""Sentence spans of the clean text.

Hand-written instead of spaCy's sentencizer because line structure matters here: a
heading, a list item or a signature line ends where its line ends, punctuation or not.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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


# A list item's marker at a line start: the markers normalize keeps on lines of their own.
# Typography, not language, so it stays here.
_LIST_ITEM = re.compile(r"[ \t]*(?:[●•▪■◦‣∙·\-–—*]\s|\d{1,2}[.)]\s|[a-zåäö]\)\s)")


class Lists:
    """The lists of the clean text: for every list item, the line that introduces it
    ('Föreningen åtar sig att' above '- hålla mötesplatsen öppen ...'). One pass over the
    lines, so a text of thousands of items stays linear."""

    def __init__(self, text: str):
        self.items: list[tuple[int, int]] = []  # (start, end) of every item line
        self.leads: list[tuple[int, int] | None] = []  # the lead line of each item
        lead: tuple[int, int] | None = None
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            if _LIST_ITEM.match(line):
                self.items.append((start, end))
                self.leads.append(lead)
            elif line.strip():
                lead = (start, end)
            else:
                lead = None  # a blank line ends a list and its lead
            start = end + 1
        self._starts = [s for s, _ in self.items]

    def lead_of(self, position: int) -> tuple[int, int] | None:
        """The lead line of the list item holding `position`, or None."""
        i = bisect_right(self._starts, position) - 1
        if i >= 0 and self.items[i][0] <= position <= self.items[i][1]:
            return self.leads[i]
        return None

    def items_after(self, lead_end: int) -> list[tuple[int, int]]:
        """The items (text after the marker) of the list that the line ending at
        `lead_end` introduces."""
        i = bisect_right(self._starts, lead_end)
        out = []
        while i < len(self.items) and self.leads[i] is not None \
                and self.leads[i][1] == lead_end:
            start, end = self.items[i]
            out.append((start, end))
            i += 1
        return out

    @staticmethod
    def marker_end(text: str, item_start: int) -> int:
        m = _LIST_ITEM.match(text, item_start)
        return m.end() if m else item_start
