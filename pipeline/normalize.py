"""Normalize: page texts -> one clean text plus an offset map back to the source pages.

What it undoes: page headers and footers repeated on every page, page numbers, lines
wrapped by the PDF layout, words hyphenated at a line end (`integrations-\\nprocessen`),
runs of spaces, and invisible characters (soft hyphen, zero-width space, NBSP as
thousands separator). What it keeps: paragraph breaks, list items, headings on their
own line, suspended hyphens (`Social- och`), and dates broken at a hyphen.

Hand-written because no library keeps an offset map through these edits: every clean
character knows the source character it came from, so a fact found in the clean text
points back to (page, char_start, char_end) of the source.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from pipeline.lang import words
from pipeline.records import Page, Provenance

# Invisible characters dropped, and space-like characters turned into a plain space.
_DROP = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\x00"), None)
_SPACES = "\u00a0\u202f\u2009\u2007\u2002\u2003\u2004\u2005\u2006\u200a\u3000\x0b"
_BULLET = re.compile(r"^(?:[●•▪■◦‣∙·\-–—*]\s|\d{1,2}[.)]\s|[a-zåäö]\)\s|§\s*\d|\d{1,3}\s*§\s)")
# A line that names an organisation by its number is a record of its own (a party line),
# never the first half of a wrapped list: "Umeå kommun, äldrenämnden, Org. nr: 212000-2627".
_ORG_NUMBER_LINE = re.compile(r"(?<!\d)\d{6}-?\d{4}(?!\d)")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)]*$")
_FURNITURE_ZONE = 3  # lines at the top and bottom of a page that may be headers/footers


@dataclass(slots=True)
class CleanText:
    """The clean text of a document and, per clean character, its source position.

    Source positions are offsets into the pages' texts joined with a form feed.
    """

    text: str
    offsets: array
    page_starts: list[int]
    page_numbers: list[int]
    page_lengths: list[int]

    def locate(self, start: int, end: int, rule_id: str = "") -> Provenance:
        """Provenance of clean span [start, end): page and offsets in that page's text."""
        if start >= end or start >= len(self.offsets):
            last = len(self.offsets) - 1
            start, end = max(0, min(start, last)), max(0, min(start + 1, last + 1))
        source_start = self.offsets[start]
        source_end = self.offsets[max(start, end - 1)] + 1
        index = bisect_right(self.page_starts, source_start) - 1
        base = self.page_starts[index]
        char_start = source_start - base
        char_end = min(source_end - base, self.page_lengths[index])
        return Provenance(
            page=self.page_numbers[index],
            char_start=char_start,
            char_end=max(char_end, char_start),
            quote=self.text[start:end],
            rule_id=rule_id,
        )


@dataclass(slots=True)
class _Line:
    text: str
    offsets: Sequence[int]  # a range when the line had nothing to undo
    page_index: int
    blank_before: int  # blank lines (or a page break) between this line and the previous one


def normalize(pages: list[Page]) -> CleanText:
    page_starts, cursor = [], 0
    for page in pages:
        page_starts.append(cursor)
        cursor += len(page.text) + 1  # a form feed between pages
    lines = _lines(pages, page_starts)
    typical = _typical_width(lines)
    out: list[str] = []  # the clean text's pieces: line texts and the joints between them
    offsets = _Offsets()
    previous: _Line | None = None
    for line in lines:
        if previous is not None:
            joint = _joint(previous, line, typical)
            if joint == "":
                if out and out[-1].endswith("-"):  # the last piece is the previous line
                    out[-1] = out[-1][:-1]
                    offsets.pop()
            elif joint == "-":
                pass  # the hyphen is already in the output
            else:
                out.append(joint)
                offsets.add(line.offsets[0], len(joint), 0)  # a joint points at the line
        out.append(line.text)
        offsets.extend(line.offsets)
        previous = line
    return CleanText(
        text="".join(out),
        offsets=offsets.build(),
        page_starts=page_starts,
        page_numbers=[p.number for p in pages],
        page_lengths=[len(p.text) for p in pages],
    )


class _Offsets:
    """The offset map, kept as runs (first source offset, length, step 1 or 0) and built
    into one array at the end with numpy: a Python int per clean character cost ~0.5 ms
    per document."""

    def __init__(self) -> None:
        self.firsts: list[int] = []
        self.lengths: list[int] = []
        self.steps: list[int] = []

    def add(self, first: int, length: int, step: int) -> None:
        if length:
            self.firsts.append(first)
            self.lengths.append(length)
            self.steps.append(step)

    def extend(self, offsets: Sequence[int]) -> None:
        if isinstance(offsets, range):  # a line with nothing to undo: one run
            self.add(offsets.start, len(offsets), 1)
            return
        run_start = 0
        for i in range(1, len(offsets) + 1):
            if i == len(offsets) or offsets[i] != offsets[i - 1] + 1:
                self.add(offsets[run_start], i - run_start, 1)
                run_start = i

    def pop(self) -> None:
        self.lengths[-1] -= 1
        if not self.lengths[-1]:
            del self.firsts[-1], self.lengths[-1], self.steps[-1]

    def build(self) -> array:
        lengths = np.array(self.lengths, dtype=np.int64)
        within = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(
            np.cumsum(lengths) - lengths, lengths)  # position inside its run
        values = (np.repeat(np.array(self.firsts, dtype=np.int64), lengths)
                  + within * np.repeat(np.array(self.steps, dtype=np.int64), lengths))
        result = array("i")
        result.frombytes(values.astype(np.intc).tobytes())
        return result


def _lines(pages: list[Page], page_starts: list[int]) -> list[_Line]:
    furniture = _repeated_furniture(pages)
    page_number_res = _page_number_patterns()
    result: list[_Line] = []
    blank = 0
    for index, page in enumerate(pages):
        if index:
            # A page break is one paragraph break, however many blank lines the layout put
            # around its footer and header: a sentence that runs on is joined across it.
            blank = 1
        top = bool(index)  # above the page's first line of text: blank lines do not count
        raw_lines = page.text.split("\n")
        nonblank = [i for i, raw in enumerate(raw_lines) if raw.strip()]
        zone = set(_zone(nonblank))
        position = page_starts[index]
        for i, raw in enumerate(raw_lines):
            start = position
            position += len(raw) + 1
            stripped = raw.strip()
            if not stripped:
                blank += not top
                continue
            if i in zone and (
                _furniture_key(stripped) in furniture
                or any(p.fullmatch(stripped) for p in page_number_res)
            ):
                continue
            text, offsets = _clean_line(raw, start)
            if not text:
                blank += not top
                continue
            result.append(_Line(text, offsets, index, blank))
            blank, top = 0, False
    return result


_PLAIN = re.compile(r"[^\x00-\x1f\x7f\u00a0\u00ad\u2000-\u200d\u202f\u2060\u3000\ufeff]*")
_RUNS = re.compile(r"[ \t]{2,}|\t")


def _clean_line(raw: str, start: int) -> tuple[str, Sequence[int]]:
    """Drop invisible characters, turn odd spaces into spaces, collapse runs, trim."""
    if _PLAIN.fullmatch(raw) and not _RUNS.search(raw):  # the common case: nothing to undo
        stripped = raw.strip(" ")
        lead = len(raw) - len(raw.lstrip(" "))
        return stripped, range(start + lead, start + lead + len(stripped))
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(raw):
        if ord(ch) in _DROP or (ord(ch) < 32 and ch != "\t") or ch == "\x7f":
            continue
        if ch in _SPACES:
            ch = " "
        if ch in " \t":
            if not chars or chars[-1] in " \t":
                continue
        chars.append(ch)
        offsets.append(start + i)
    while chars and chars[-1] in " \t":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def _joint(a: _Line, b: _Line, typical: int) -> str:
    """What goes between line a and line b: '' (join), '-', ' ', '\\n' or '\\n\\n'."""
    first = b.text[0]
    last = a.text[-1]
    runs_on = (not _SENTENCE_END.search(a.text)
               and (first.islower() or first.isdigit()
                    or (b.page_index != a.page_index and _ends_mid_phrase(a.text)))
               and not _BULLET.match(b.text))
    if last == "-" and len(a.text) >= 2:
        before = a.text[-2]
        if before.isdigit() and first.isdigit():
            return "-"  # 2024-\n03-31, 7-\n20 år
        if before.isalpha() and first.isalpha():
            next_word = re.match(r"\w+", b.text)
            if next_word and next_word.group(0).lower() in _conjunctions():
                return " "  # Social- och omsorgsnämnden
            if before.islower() and first.islower():
                return ""  # integrations-\nprocessen
            return "-"  # BIV/BIS-\ngrupperna
    if b.blank_before:
        return " " if runs_on and b.blank_before <= 2 else "\n\n"
    if "\t" in a.text or "\t" in b.text:
        return "\n"  # tab-separated cells: a table's rows stay rows
    if _BULLET.match(b.text):
        return "\n"
    if runs_on or _list_continues(a.text, b.text):
        return " "
    if _ends_party_line(a.text) and first.isupper():
        return "\n"
    if _SENTENCE_END.search(a.text) or len(a.text) < 0.7 * typical:
        return "\n"
    return " "


def _ends_mid_phrase(a: str) -> bool:
    """'... förmedla kontakten om' / footer / header / 'Brottsofferjouren ...': the last
    line of a page that ends in a word no sentence or heading ends with (a preposition,
    conjunction, article) runs on into the next page, even into a capital letter. Within
    a page a short line may be a list's lead-in ('åtar sig att') before unmarked items."""
    last = a[a.rfind(" ") + 1:]
    return last in _run_on_words()


def _ends_party_line(a: str) -> bool:
    """'Umeå kommun, Org. nr: 212000-2627 (nedan kallad kommunen)': a party line ends here,
    however wide it is, unless it ends in a comma or a conjunction that carries on."""
    if not _ORG_NUMBER_LINE.search(a) or a.endswith(","):
        return False
    return a.rsplit(" ", 1)[-1].lower() not in _conjunctions()


def _list_continues(a: str, b: str) -> bool:
    """'Röda Korset, Rädda Barnen, Göteborgs' + 'Räddningsmission, ...': one list line."""
    if _ORG_NUMBER_LINE.search(a):
        return False
    if a.endswith(","):
        return True
    if a.count(",") >= 2 and not _SENTENCE_END.search(a):
        return True
    last = a.rsplit(" ", 1)[-1]
    return len(last) > 3 and last[0].isupper() and last.endswith("s") and b[:1].isupper() \
        and " " in a


def _typical_width(lines: list[_Line]) -> int:
    if not lines:
        return 0
    widths = sorted(len(line.text) for line in lines)
    return widths[min(len(widths) - 1, int(len(widths) * 0.9))]


def _zone(items: list) -> list:
    """The first and last lines of a page, where headers and footers sit."""
    size = _FURNITURE_ZONE if len(items) > 4 * _FURNITURE_ZONE else 1
    return items[:size] + items[-size:]


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


# OCR reads a running header or footer a little differently on every page ('Dnr 1(3)',
# 'Dar 2(3)', 'Dnr 23)'): on scans of up to this many pages, zone lines this similar count
# as the same line. (Pairwise, so not on long documents; a text layer repeats exactly.)
FUZZY_FURNITURE_PAGES = 30
FUZZY_FURNITURE_RATIO = 0.8


def _repeated_furniture(pages: list[Page]) -> set[str]:
    """Lines at the top or bottom of at least half of the pages (two or more): headers."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    zones: list[set[str]] = []
    for page in pages:
        nonblank = [line.strip() for line in page.text.split("\n") if line.strip()]
        zones.append({_furniture_key(line) for line in _zone(nonblank)})
        counts.update(zones[-1])
    threshold = max(2, (len(pages) + 1) // 2)
    furniture = {key for key, n in counts.items() if n >= threshold}
    if any(p.ocr for p in pages) and len(pages) <= FUZZY_FURNITURE_PAGES:
        furniture |= _similar_furniture(zones, furniture, threshold)
    return furniture


def _similar_furniture(zones: list[set[str]], found: set[str], threshold: int) -> set[str]:
    """Zone lines that, counting lines this similar as one, are on enough pages."""
    out = set()
    for index, zone in enumerate(zones):
        for key in zone - found - out:
            pages = 1
            for other_index, other in enumerate(zones):
                if other_index != index and any(_similar(key, o) for o in other):
                    pages += 1
                    if pages >= threshold:
                        out.add(key)
                        break
    return out


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return (matcher.real_quick_ratio() >= FUZZY_FURNITURE_RATIO
            and matcher.quick_ratio() >= FUZZY_FURNITURE_RATIO
            and matcher.ratio() >= FUZZY_FURNITURE_RATIO)


_PATTERNS: list[re.Pattern] = []


def _page_number_patterns() -> list[re.Pattern]:
    if not _PATTERNS:
        _PATTERNS.extend(re.compile(p, re.IGNORECASE) for p in words("page_furniture"))
    return _PATTERNS


_RUN_ON: set[str] = set()


def _run_on_words() -> set[str]:
    if not _RUN_ON:
        _RUN_ON.update(words("run_on_words"))
    return _RUN_ON


_CONJ: set[str] = set()


def _conjunctions() -> set[str]:
    if not _CONJ:
        _CONJ.update(words("conjunctions"))
    return _CONJ
