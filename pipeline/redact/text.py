"""Edits of a text: what is replaced where, the text after them, and where an offset of
the old text lies in the new one.

Redacting a page replaces names with labels of another length, so every offset into the
page (a fact's char_start and char_end) is moved by the edits before it; an offset inside
a replaced stretch moves to the start (or, for an end, the end) of its replacement, so a
fact that covered a name covers its label.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

# A word of a name: letters, joined by hyphens ("Karl-Erik"). Names are looked up as
# sequences of such words separated by white space only.
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    text: str


def merged(edits: Iterable[Edit]) -> list[Edit]:
    """Edits in order, none overlapping: of two that overlap, the one that starts first
    (the longer of two that start together) is kept, stretched over both."""
    out: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start, -e.end)):
        if out and edit.start < out[-1].end:
            last = out[-1]
            if edit.end > last.end:
                out[-1] = Edit(last.start, edit.end, last.text)
            continue
        out.append(edit)
    return out


def apply(text: str, edits: list[Edit]) -> str:
    """The text with the (merged) edits made."""
    if not edits:
        return text
    parts, position = [], 0
    for edit in edits:
        parts.append(text[position:edit.start])
        parts.append(edit.text)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


class OffsetMap:
    """Where an offset of the old text lies in the edited one."""

    def __init__(self, edits: list[Edit]):
        self.starts = [e.start for e in edits]
        self.edits = edits
        shift, self.before = 0, []  # the shift in effect after each edit
        for edit in edits:
            shift += len(edit.text) - (edit.end - edit.start)
            self.before.append(shift)

    def _shift_before(self, index: int) -> int:
        return self.before[index - 1] if index > 0 else 0

    def start(self, offset: int) -> int:
        """A span's start: inside a replaced stretch, the start of its replacement."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.edits[i].end:
            return self.edits[i].start + self._shift_before(i)
        return offset + (self.before[i] if i >= 0 else 0)

    def end(self, offset: int) -> int:
        """A span's end: inside a replaced stretch, the end of its replacement."""
        i = bisect.bisect_left(self.starts, offset) - 1
        if i >= 0 and offset < self.edits[i].end:
            return self.edits[i].start + self._shift_before(i) + len(self.edits[i].text)
        return offset + (self.before[i] if i >= 0 else 0)


def words(text: str) -> list[re.Match]:
    return list(WORD.finditer(text))


def name_key(name: str) -> tuple[str, ...]:
    """A name as the words it is looked up by: 'Anna  Svensson' -> ('anna', 'svensson')."""
    return tuple(m.group().casefold() for m in WORD.finditer(name))


def squashed(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
