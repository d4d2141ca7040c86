"""Signatories: pair each signature name with the party it signs for, in stacked and
two-column layouts, and read the place and date of signing.

A block is read as columns: from the PDF's text runs and their x positions where there are
runs, else from runs of 3+ spaces in the source line. Each 'För X' line opens a slot in its
column; the next person name in that column signs it. A fragment left over by a badly
linearised two-column block ('För Linköpings' ... 'Domkyrkopastorat') completes the slot
whose name stopped short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention, Page
from pipeline.resolve.common import iso, provenance

_I = re.IGNORECASE


@cache
def _res() -> dict:
    d = table("signatures")
    return {
        "heading": re.compile(d["heading"], _I),
        "for": re.compile(d["for_party"], _I),
        "label": re.compile(d["labels"], _I),
        "particles": set(d["name_particles"]),
        "continues": set(d["continues_after"]),
    }


@dataclass(slots=True)
class _Slot:
    party: str
    column: int
    person: str = ""
    incomplete: bool = False
    fragments: list[str] = field(default_factory=list)


def _is_person(cell: str) -> bool:
    words = cell.split()
    if not 2 <= len(words) <= 4 or re.search(r"[\d@:/_]", cell):
        return False
    from pipeline.extract.organisations import sector

    if sector(cell) != "unknown":
        return False
    return all(w[0].isupper() or w in _res()["particles"] for w in words) and all(
        re.fullmatch(r"[\wåäöÅÄÖéü\-.']+", w) for w in words)


def _incomplete(party: str) -> bool:
    last = party.split()[-1] if party.split() else ""
    return last.lower() in _res()["continues"] or (last[:1].isupper() and last.endswith("s")
                                                   and len(party.split()) == 1)


def _columns_from_runs(pages: list[Page]) -> list[list[str]] | None:
    """Runs below the heading on its page and all runs of the pages after it."""
    first = pages[0].words or []
    anchor = next((r for r in first if _res()["heading"].match(r.text)), None)
    if anchor is None:
        return None
    below = [r for r in first if r.top > anchor.top + 1]
    offset = 0.0
    for page in pages[1:]:
        offset += 10000.0  # later pages read after earlier ones
        below += [type(r)(r.text, r.x0, r.top + offset, r.x1, r.bottom + offset)
                  for r in page.words or []]
    below.sort(key=lambda r: (r.top, r.x0))
    if not below:
        return None
    starts = sorted({round(r.x0) for r in below})
    columns: list[int] = []
    for x in starts:
        if not columns or x - columns[-1] > 80:
            columns.append(x)
    grid: list[list[str]] = [[] for _ in columns]
    for r in below:
        col = max(i for i, x in enumerate(columns) if round(r.x0) >= x - 1)
        grid[col].append(r.text.strip())
    return grid if len(columns) > 1 else None


def _columns_from_text(lines: list[str]) -> list[list[str]]:
    """Cells split on 3+ spaces. On a line with as many cells as the widest line, a cell's
    column is its index; a lone cell goes to the column whose start is nearest."""
    rows = [[(m.start(), m.group(0).strip())
             for m in re.finditer(r"\S(?:.*?\S)?(?=\s{3,}|\s*$)", line)] for line in lines]
    width = max((len(r) for r in rows), default=1)
    widest = next((r for r in rows if len(r) == width), [])
    starts = [pos for pos, _ in widest] or [0]
    grid: list[list[str]] = [[] for _ in range(width)]
    for cells in rows:
        for index, (pos, cell) in enumerate(cells):
            if len(cells) == width:
                col = index
            else:
                col = min(range(width), key=lambda i: abs(starts[i] - pos))
            grid[col].append(cell)
    return grid


def signatory_rows(doc_id: str, clean: CleanText, pages: list[Page],
                   dates: list[Mention]) -> list[dict]:
    text = clean.text
    heading = None
    for m in re.finditer(r"(?m)^.*$", text):
        if _res()["heading"].match(m.group(0)):
            heading = m
    if heading is not None:
        block_start = heading.end()
    else:
        first_for = [m for m in re.finditer(r"(?m)^\s*För\s+\S.*$", text)
                     if m.start() > len(text) * 0.6]
        if not first_for:
            return []
        block_start = text.rfind("\n", 0, first_for[0].start()) + 1
    block = text[block_start:]
    place, date_value, date_text = _place_and_date(text, block_start, dates)
    columns = None
    loc = clean.locate(block_start, min(len(text), block_start + 1))
    following = [p for p in pages if p.number >= loc.page]
    if following and following[0].words:
        columns = _columns_from_runs(following)
    if columns is None and following and not following[0].words:
        source = "\n".join([following[0].text[max(0, loc.char_start - 1):]]
                           + [p.text for p in following[1:]])
        columns = _columns_from_text([ln for ln in source.split("\n") if ln.strip()])
    if columns is None:
        columns = [[ln.strip() for ln in block.split("\n") if ln.strip()]]
    slots: list[_Slot] = []
    orphans: list[str] = []
    for ci, cells in enumerate(columns):
        current: _Slot | None = None
        for cell in cells:
            if _res()["label"].match(cell) or (place and cell.startswith(place) and any(
                    ch.isdigit() for ch in cell)):
                continue
            f = _res()["for"].match(cell)
            if f:
                current = _Slot(f.group("party").strip(" :"), ci)
                current.incomplete = _incomplete(current.party)
                slots.append(current)
            elif _is_person(cell) and current is not None and not current.person:
                current.person = cell
            elif current is not None and current.incomplete and not current.person:
                current.party = f"{current.party} {cell}"
                current.incomplete = _incomplete(current.party)
            elif not _is_person(cell):
                orphans.append(cell)
    for slot in slots:
        if slot.incomplete and orphans:
            slot.party = f"{slot.party} {orphans.pop(0)}"
    rows = []
    for slot in slots:
        anchor = slot.person or f"För {slot.party.split()[0]}"
        at = text.find(slot.person, block_start) if slot.person else -1
        if at < 0:
            at = _find_for_line(text, block_start, slot.party)
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
        else:
            end = at + len(slot.person)
        del anchor
        rows.append({
            "doc_id": doc_id, "person": slot.person, "for_party": slot.party,
            "place": place, "date": iso(date_value), "date_text": date_text,
            **provenance(clean, start=at, end=end, rule_id="signatory.column"
                         if len(columns) > 1 else "signatory.stacked"),
        })
    return rows


def _find_for_line(text: str, start: int, party: str) -> int:
    words = party.split()
    for line_start in (r"(?m)^[ \t]*", r"(?<!\w)"):  # a line of its own, else a column's
        for n in range(len(words), 0, -1):  # the whole name, else as much as was written
            pattern = r"\s+".join(re.escape(w) for w in words[:n])
            m = re.compile(rf"{line_start}För\s+{pattern}", _I).search(text, start)
            if m:
                return m.start()
    return start


def _place_and_date(text: str, block_start: int, dates: list[Mention]):
    for d in dates:
        if d.start < block_start:
            continue
        line_start = text.rfind("\n", 0, d.start) + 1
        before = text[line_start : d.start].strip(" ,")
        before = re.sub(r"\s+den$", "", before).strip(" ,")
        if re.fullmatch(r"[A-ZÅÄÖ][\wåäö\-]+(?:\s[A-ZÅÄÖ][\wåäö\-]+)?", before):
            return before, d.attrs["first"] if not d.attrs["placeholder"] else None, d.text
        if not before:
            return "", d.attrs["first"] if not d.attrs["placeholder"] else None, d.text
    return "", None, ""
