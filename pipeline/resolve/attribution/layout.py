"""Where each amount stands: its sentence, its own stretch of the sentence (since the
amount before it), the words after it, and whether it is a cell of a table row. A table
is a run of row amounts ("2024: 500 000 kr 2025: 520 000 kr", "Lokalhyra 48 000",
"Summa 2 750 000 kr") with the header lines above it ("Budget per år (kr)") and the
sentence that leads into it ("Nämnden lämnar följande bidrag till föreningen:").

Built in one pass over the amounts; every window is bounded, so a ledger of thousands
of amounts stays linear.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

from pipeline.extract.patterns import word_alternation
from pipeline.extract.sentences import sentence_of, sentences
from pipeline.lang import table
from pipeline.records import Mention
from pipeline.resolve.attribution.cells import Cell, cell_of

_AFTER_MAX = 160  # characters looked at after an amount
_HEADER_LINES = 4  # lines above a table read as its header
_LEAD_BACK = 600  # characters above a table searched for its lead sentence
_LEAD_LINES = 12  # lines above a list item searched for the line it stands under
_LABEL_MAX = 200  # characters of a table row's label
_LINE_MAX = 600  # characters of a row's line read before its amount


@dataclass(slots=True)
class Table:
    rows: list[int] = field(default_factory=list)  # slot indexes
    header: str = ""  # the header lines above the first row (and a first row's prefix)
    header_start: int = 0
    lead: tuple[int, int] | None = None  # the sentence that leads into the table


@dataclass(slots=True)
class Slot:
    mention: Mention
    index: int
    sentence: tuple[int, int]
    own_start: int  # the amount's own stretch starts here (previous amount or sentence)
    after_end: int  # the words after it end here (next amount, sentence end or a cap)
    line: tuple[int, int]
    label: tuple[int, int] | None = None  # a table row's label (text before the number)
    table: int | None = None  # index into Layout.tables
    cell: Cell | None = None  # in a delimited table: the amount's cell, with its header
    row_cells: list[Cell] = field(default_factory=list)  # and its row's cells
    first: int = 0  # index of the first amount of its sentence

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@cache
def _res() -> dict[str, re.Pattern]:
    m = table("attribution")["money"]
    return {
        "prose_before": re.compile(word_alternation(m["prose_before"]) + r"[\s:]*$", re.I),
        "prose_verbs": re.compile(word_alternation(m["prose_verbs"]), re.I),
        "heading_after": re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|§\s*\d+)\s+[A-ZÅÄÖ]"),
        "sentence_end": re.compile(r"[.!?]\s+[A-ZÅÄÖ]"),
        "words": re.compile(r"[\wåäöÅÄÖ]+"),
        "newline": re.compile(r"\n"),
        "paragraph": re.compile(r"\n\n"),
        "clause_break": re.compile(m["clause_break"], re.I),
        "item": re.compile(r"[ \t]*(?:[●•▪■◦‣∙·\-–—*]\s|\d{1,2}[.)]\s|[a-zåäö]\)\s)"),
    }


@dataclass(slots=True)
class Layout:
    text: str
    slots: list[Slot]
    tables: list[Table]
    spans: tuple[tuple[int, int], ...]
    starts: list[int]
    breaks: list[int]  # offsets of the line breaks
    paragraphs: list[int]  # offsets of the blank lines between paragraphs

    @classmethod
    def build(cls, text: str, amounts: list[Mention]) -> Layout:
        spans = sentences(text)
        breaks = [m.start() for m in _res()["newline"].finditer(text)]
        slots: list[Slot] = []
        for i, m in enumerate(amounts):
            s, e = sentence_of(spans, m.start)
            e = max(e, m.end)
            prev_end = amounts[i - 1].end if i else 0
            next_start = amounts[i + 1].start if i + 1 < len(amounts) else len(text)
            k = bisect_right(breaks, m.start)
            line_start = breaks[k - 1] + 1 if k else 0
            k = bisect_right(breaks, m.end - 1)
            line_end = breaks[k] if k < len(breaks) else len(text)
            after_end = min(e, next_start, m.end + _AFTER_MAX)
            stop = _res()["clause_break"].search(text, m.end, after_end)
            after_end = stop.start() if stop else after_end
            slot = Slot(m, i, (s, e), max(s, prev_end), after_end, (line_start, line_end))
            previous = slots[-1] if slots else None
            slot.first = previous.first if previous and previous.sentence == (s, e) else i
            slots.append(slot)
        paragraphs = [m.start() for m in _res()["paragraph"].finditer(text)]
        layout = cls(text, slots, [], spans, [span[0] for span in spans], breaks, paragraphs)
        layout._rows(amounts)
        layout._tables()
        return layout

    # --- rows and tables ----------------------------------------------------------------

    def _rows(self, amounts: list[Mention]) -> None:
        res = _res()
        limit = table("attribution")["money"]["row_label_max_words"]
        text = self.text
        for slot in self.slots:
            i = slot.index
            prev_end = amounts[i - 1].end if i else 0
            label_start = max(slot.line[0], prev_end)
            found = cell_of(text, slot.start)
            if found is not None:  # a cell of a delimited table: the row is its cells
                slot.cell, slot.row_cells = found
                slot.label = (min(slot.row_cells[0].start, slot.start), slot.start)
                continue
            if slot.start - label_start > _LABEL_MAX:
                continue  # a row's label is short
            label = text[label_start : slot.start]
            next_start = amounts[i + 1].start if i + 1 < len(amounts) else len(text)
            trailing = text[slot.end : min(slot.line[1], next_start, slot.end + _LABEL_MAX)]
            words = res["words"].findall(label)
            line_before = text[max(slot.line[0], slot.start - _LINE_MAX) : slot.start]
            if len(words) > limit or res["prose_verbs"].search(line_before) \
                    or res["prose_before"].search(label) \
                    or res["sentence_end"].search(label):
                continue
            trailing_words = res["words"].findall(trailing)
            heading_after = res["heading_after"].match(trailing)
            if len(trailing_words) > 4 and not heading_after \
                    and not _row_follows(text, slot.end, next_start):
                continue
            if not heading_after and trailing.rstrip().endswith((".", "!")) \
                    and len(words) + len(trailing_words) > 3:
                continue  # a sentence ends the line: 'Föreningen erhåller 300 000 kr.'

            if not words and not self._row_neighbour(slot, amounts):
                continue
            slot.label = (label_start, slot.start)

    def _row_neighbour(self, slot: Slot, amounts: list[Mention]) -> bool:
        """An amount alone on its line is a row only in the company of other rows."""
        i = slot.index
        near = [j for j in (i - 1, i + 1) if 0 <= j < len(amounts)]
        return any(abs(self.slots[j].line[0] - slot.line[0]) < 200 for j in near)

    def _tables(self) -> None:
        text = self.text
        current: Table | None = None
        last: Slot | None = None
        for slot in self.slots:
            if slot.label is None:
                current, last = None, None
                continue
            if current is not None and last is not None:
                gap = text[last.end : slot.label[0]]
                if len(_res()["words"].findall(gap)) > 6 or "\n\n\n" in gap:
                    current = None
            if current is None:
                current = Table()
                self.tables.append(current)
                self._header(current, slot)
            current.rows.append(slot.index)
            slot.table = len(self.tables) - 1
            last = slot

    def _header(self, tbl: Table, first: Slot) -> None:
        """The lines above the first row that are not prose, and the sentence above them."""
        text = self.text
        parts = []
        position = first.line[0]
        prefix = text[first.line[0] : first.label[0]] if first.label else ""
        label = text[first.label[0] : first.label[1]] if first.label else ""
        lines_seen = 0
        header_start = first.line[0]
        while position > 0 and lines_seen < _HEADER_LINES:
            prev_start = self._line_start(position - 1)
            line = text[prev_start : position - 1].strip()
            position = prev_start
            if not line:
                continue
            if _is_prose(line):
                break
            parts.append(line)
            header_start = prev_start
            lines_seen += 1
        parts.reverse()
        tbl.header = " ".join([*parts, prefix, label]).strip()
        tbl.header_start = header_start
        tbl.lead = self._lead(header_start)

    def _lead(self, before: int) -> tuple[int, int] | None:
        """The last sentence above the table, within a few lines."""
        floor = max(0, before - _LEAD_BACK)
        i = bisect_right(self.starts, before) - 1
        while i >= 0:
            s, e = self.spans[i]
            i -= 1
            if e > before:
                continue
            if e < floor:
                break
            if _is_prose(self.text[s:e]):
                return (s, e)
        return None

    # --- helpers for the deciders -------------------------------------------------------

    def own_clause(self, slot: Slot) -> str:
        """The amount's own words before it: its stretch of the sentence after the amount
        before it and that amount's own clause ('300 500 för perioden ... och X står för
        160 000 kr': 'för perioden' is not 160 000's)."""
        start = slot.own_start
        if slot.index and self.slots[slot.index - 1].sentence == slot.sentence:
            start = max(start, self.slots[slot.index - 1].after_end)
        return self.text[start : slot.start]

    def opening(self, slot: Slot) -> str:
        """The words of the sentence before its first amount (a bounded stretch)."""
        first = self.slots[slot.first].start
        return self.text[max(slot.sentence[0], first - _LINE_MAX) : first]

    def paragraph_span(self, position: int) -> tuple[int, int]:
        """The paragraph holding `position` (between blank lines)."""
        k = bisect_right(self.paragraphs, position - 1)
        start = self.paragraphs[k - 1] + 2 if k else 0
        end = self.paragraphs[k] if k < len(self.paragraphs) else len(self.text)
        return start, end

    def line_end(self, position: int) -> int:
        k = bisect_right(self.breaks, position)
        return self.breaks[k] if k < len(self.breaks) else len(self.text)

    def _line_start(self, position: int) -> int:
        """Where the line holding `position` starts (the line index, not a scan back)."""
        k = bisect_right(self.breaks, position - 1)
        return self.breaks[k - 1] + 1 if k else 0

    def after(self, slot: Slot) -> str:
        return self.text[slot.end : slot.after_end]

    def table_of(self, slot: Slot) -> Table | None:
        return self.tables[slot.table] if slot.table is not None else None

    def list_lead(self, slot: Slot) -> tuple[int, int] | None:
        """The line a list item stands under ('Nämnden ska' above 'a) utan kostnad upplåta
        lokaler ...'), across blank lines and the items before it; then the heading of its
        section ('§ 5 Nämndens åtaganden')."""
        text = self.text
        item = _res()["item"]
        if not item.match(text, slot.line[0]):
            return None
        position = slot.line[0]
        for _ in range(_LEAD_LINES):
            if position <= 0:
                return None
            start = self._line_start(position - 1)
            line = text[start : position - 1]
            position = start
            if not line.strip() or item.match(line):
                continue
            return (start, start + len(line))
        return None

    def previous_sentence(self, slot: Slot) -> tuple[int, int] | None:
        """The sentence before the amount's, in the same paragraph."""
        s = slot.sentence[0]
        i = bisect_right(self.starts, s - 1) - 1
        while i >= 0 and self.spans[i][1] > s:
            i -= 1
        if i < 0:
            return None
        span = self.spans[i]
        return span if "\n\n" not in self.text[span[1] : s] else None

    def next_sentence(self, slot: Slot) -> tuple[int, int] | None:
        """The sentence after the amount's, in the same paragraph."""
        e = slot.sentence[1]
        i = bisect_right(self.starts, e - 1)
        if i >= len(self.spans):
            return None
        span = self.spans[i]
        return span if "\n\n" not in self.text[e : span[0]] else None


def _is_prose(line: str) -> bool:
    """A sentence rather than a table's header or label line (a line of cells is not)."""
    if "|" in line or "\t" in line:
        return False
    words = _res()["words"].findall(line)
    if len(words) > 25:
        return True
    stripped = line.rstrip()
    if stripped.endswith((".", ":")) and len(words) > 3:
        return True
    # 'Tabell 1. Fördelning av nämndens bidrag per år Idéburen part Belopp per år' is a
    # caption and a header glued together, not a sentence
    return len(words) > 5 and bool(_res()["prose_verbs"].search(line))


def _row_follows(text: str, end: int, next_start: int) -> bool:
    """Another row starts right after the amount: '900 000 kr 2026-01-01 – 2026-12-31'."""
    return next_start - end < 40
