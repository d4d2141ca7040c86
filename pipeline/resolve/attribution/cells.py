"""Tables whose cells are delimited: tab-separated (a Word table saved as text, a PDF's
columns) and pipe tables ("| Idéburen organisation | Avtalsperiod | Regionens bidrag per
år |"). A row's amount stands under its column's header cell ("Belopp per år" says its
basis, "Regionens bidrag" its payer) beside the row's other cells ("Idéburen
organisation": who receives it; "Avtalsperiod": the span).

One pass over the lines finds the blocks of delimited lines and their header line. Rows a
text layer joined on one line ("| 250 000 kr | | 2 | RFSL Umeå | ...") are split again by
the header's number of cells.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

_SEPARATOR = re.compile(r"^[\s|:+-]*-{3,}[\s|:+-]*$")
_DIGITS = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    header: str  # the text of its column's header cell
    header_start: int
    header_end: int


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # offset of the block's first line
    end: int
    delimiter: str
    header: tuple[tuple[int, int], ...]  # the header cells' spans


def _cells(text: str, start: int, end: int, delimiter: str) -> list[tuple[int, int]]:
    """The cells of one line (pipes: between the pipes; tabs: between the tabs)."""
    line = text[start:end]
    if delimiter == "\t":
        out, position = [], start
        for part in line.split("\t"):
            out.append((position, position + len(part)))
            position += len(part) + 1
        return out
    bars = [start + i for i, ch in enumerate(line) if ch == "|"]
    out = [(a + 1, b) for a, b in zip(bars, bars[1:], strict=False)]
    if line.strip() and not line.lstrip().startswith("|") and bars:
        out.insert(0, (start, bars[0]))
    return out


@lru_cache(maxsize=2)
def blocks(text: str) -> tuple[Block, ...]:
    """Runs of delimited lines, each with the cells of its header line."""
    out: list[Block | None] = []
    current: list[tuple[int, int]] = []
    delimiter = ""
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        kind = "|" if line.count("|") >= 2 else "\t" if "\t" in line else ""
        if not kind or kind != delimiter:
            if current:
                out.append(_block(text, current, delimiter))
            current = []
        if kind:
            current.append((start, end))
        delimiter = kind
        start = end + 1
    if current:
        out.append(_block(text, current, delimiter))
    return tuple(b for b in out if b is not None)


def _block(text: str, lines: list[tuple[int, int]], delimiter: str) -> Block | None:
    header = next(((s, e) for s, e in lines if not _SEPARATOR.match(text[s:e])), None)
    if header is None or len(lines) < 2:
        return None
    cells = _cells(text, header[0], header[1], delimiter)
    return Block(lines[0][0], lines[-1][1], delimiter, tuple(cells))


def cell_of(text: str, position: int) -> tuple[Cell, list[Cell]] | None:
    """The cell holding `position` and the other cells of its row, each with its column's
    header; None outside a delimited table or in its header line."""
    found = blocks(text)
    i = bisect_right([b.start for b in found], position) - 1
    if i < 0 or position > found[i].end:
        return None
    block = found[i]
    line_start = text.rfind("\n", 0, position) + 1
    line_end = text.find("\n", position)
    line_end = len(text) if line_end < 0 else line_end
    if block.header and block.header[0][0] >= line_start and block.header[-1][1] <= line_end:
        return None  # the header line itself
    cells = _cells(text, line_start, line_end, block.delimiter)
    index = next((k for k, (s, e) in enumerate(cells) if s <= position < e), None)
    if index is None:
        return None
    width = len(block.header)
    if block.delimiter == "|" and len(cells) > width:
        column = index % (width + 1)  # rows joined on one line: an empty cell between
        if column == width:
            return None
        first = index - column
    else:
        column, first = index, 0
    row = cells[first : first + width]

    def cell(k: int, span: tuple[int, int]) -> Cell:
        head = block.header[k] if k < width else (0, 0)
        return Cell(span[0], span[1], text[head[0] : head[1]].strip(), head[0], head[1])

    if column >= width:
        return None
    return cell(column, cells[index]), [cell(k, span) for k, span in enumerate(row)]


def has_digits(text: str) -> bool:
    return bool(_DIGITS.search(text))
