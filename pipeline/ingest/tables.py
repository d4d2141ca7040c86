"""Tables in a PDF's text layer, read as rows of tab-separated cells.

PDFium gives a table's text in content order: cells of a row joined by single spaces
("Personal 412 000 420 000": two amounts that read as one) and a cell that wraps split
over lines between other cells' text. The DOCX reader writes a table row as one line of
tab-separated cells (ingest/docx.py), and the rules read it so (resolve/amounts.py
`_column_basis`); this gives PDF tables the same lines.

Cost: only pages whose text holds two or more amount-like numbers are looked at; on those,
a page with drawn lines is handed to pdfplumber (its ruling-line table finder gives the
cells), and a page without them is looked at for columns of PDFium text runs with a
common gap (an unruled table set with tab stops). The text of a table found is rebuilt
from PDFium's own characters, each put in the cell its box lies in, and replaces the
table's span of the page text: every offset points into the page text as returned, and
nothing is read twice.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# An amount-like number: digits in groups of three (Swedish thousands grouping).
_GROUPED = re.compile(r"(?<![\d,.])\d{1,3}(?:[ \u00a0.]\d{3})+(?![\d])")
MIN_GROUPED_NUMBERS = 2  # fewer on a page: no table of amounts worth the look
MIN_RULES = 4  # drawn lines or boxes on a page before pdfplumber is asked
MIN_ROWS = 3  # an unruled table has at least this many lines of two or more cells
MIN_NUMBER_ROWS = 2  # and at least this many rows with an amount-like number
COLUMN_GAP = 12.0  # points of white between two columns of an unruled table
MAX_RUNS = 2000  # as ingest/pdf.py: a page of more text runs is read as plain text


@dataclass(frozen=True, slots=True)
class Cell:
    x0: float
    top: float
    x1: float
    bottom: float


Grid = list[list[Cell | None]]  # rows of cells, top to bottom, left to right


def may_hold_table(text: str) -> bool:
    """Cheap: does the page text hold enough amount-like numbers for a table of them?"""
    found = 0
    for _ in _GROUPED.finditer(text):
        found += 1
        if found >= MIN_GROUPED_NUMBERS:
            return True
    return False


def table_text(source: bytes | Path, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
               index: int, raw: str) -> str:
    """The page text (PDFium's, \\r\\n line ends) with each table found rebuilt as rows of
    tab-separated cells; the text unchanged when there is none."""
    if textpage.count_chars() != len(raw):
        return raw  # characters and text do not line up: no offsets to trust
    height = page.get_height()
    grids = _ruled_tables(source, page, index)
    grids += [g for g in _unruled_tables(textpage, height)
              if not any(_overlap(g, ruled) for ruled in grids)]
    if not grids:
        return raw
    boxes = _char_boxes(textpage, height, len(raw))
    spans = []
    for grid in grids:
        span = _rebuilt(grid, raw, boxes)
        if span is not None:
            spans.append(span)
    for start, end, rows in sorted(spans, reverse=True):
        raw = raw[:start] + rows + raw[end:]
    return raw


# --- finding the tables ----------------------------------------------------------------


def _ruled_tables(source: bytes | Path, page: pdfium.PdfPage, index: int) -> list[Grid]:
    """Tables drawn with lines or cell boxes, as pdfplumber finds them."""
    if _rules(page) < MIN_RULES:
        return []
    import pdfplumber  # only for pages with a drawn table: it parses the page again

    try:
        opened = io.BytesIO(source) if isinstance(source, bytes) else source
        with pdfplumber.open(opened, pages=[index + 1]) as pdf:
            found = pdf.pages[0].find_tables()
            return [[[Cell(*c) if c else None for c in row.cells] for row in table.rows]
                    for table in found if len(table.rows) >= 2
                    and max(len(row.cells) for row in table.rows) >= 2]
    except Exception:  # pdfminer may fail where PDFium did not: the plain text stays
        return []


def _rules(page: pdfium.PdfPage) -> int:
    """Drawn paths on the page (lines, boxes), counted up to MIN_RULES."""
    raw = page.raw
    count = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, i)) \
                == pdfium_c.FPDF_PAGEOBJ_PATH:
            count += 1
            if count >= MIN_RULES:
                break
    return count


def _unruled_tables(textpage: pdfium.PdfTextPage, height: float) -> list[Grid]:
    """Runs of text in columns with a common gap on MIN_ROWS or more lines, with
    amount-like numbers in MIN_NUMBER_ROWS of them. A line whose runs all sit inside the
    columns (a cell's text wrapped onto the next line) belongs to the row above. Runs are
    PDFium's text rectangles; their text is fetched (the costly part) only for such a block
    of lines."""
    if textpage.count_rects() > MAX_RUNS:
        return []  # glyph soup: each run's text would be a scan of the whole page
    lines = _lines_of_runs(textpage, height)
    grids: list[Grid] = []
    start = 0
    while start < len(lines):
        gaps = _gaps(lines[start])
        rows = [[lines[start]]]
        end = start
        while gaps and end + 1 < len(lines):
            line = lines[end + 1]
            shared = _shared(gaps, _gaps(line))
            if shared:
                gaps = shared
                rows.append([line])
            elif _within_columns(line, gaps) and end + 2 < len(lines) \
                    and _shared(gaps, _gaps(lines[end + 2])):
                rows[-1].append(line)  # a wrapped cell, and the table goes on below it
            else:
                break
            end += 1
        if gaps and len(rows) >= MIN_ROWS and sum(
                any(_GROUPED.search(textpage.get_text_bounded(*_pdf_box(r, height)))
                    for line in row for r in line) for row in rows) >= MIN_NUMBER_ROWS:
            grids.append(_grid(rows, gaps))
            start = end + 1
        else:
            start += 1
    return grids


def _within_columns(line: list[Run], gaps: list[tuple[float, float]]) -> bool:
    """No run of the line crosses a column gap."""
    return all(not (run[0] < a and run[2] > b) for run in line for a, b in gaps)


Run = tuple[float, float, float, float]  # x0, top, x1, bottom (top-left origin)


def _pdf_box(run: Run, height: float) -> tuple[float, float, float, float]:
    """Back to PDFium's (left, bottom, right, top)."""
    return run[0], height - run[3], run[2], height - run[1]


def _lines_of_runs(textpage: pdfium.PdfTextPage, height: float) -> list[list[Run]]:
    runs: list[Run] = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        if right > left:
            runs.append((left, height - top, right, height - bottom))
    runs.sort(key=lambda r: (r[1], r[0]))
    lines: list[list[Run]] = []
    for run in runs:
        middle = (run[1] + run[3]) / 2
        if lines and lines[-1][0][1] <= middle <= lines[-1][0][3]:
            lines[-1].append(run)
        else:
            lines.append([run])
    return [sorted(line) for line in lines]


def _gaps(line: list[Run]) -> list[tuple[float, float]]:
    """The white between consecutive runs of a line that is wide enough for a column gap."""
    return [(a[2], b[0]) for a, b in zip(line, line[1:], strict=False)
            if b[0] - a[2] >= COLUMN_GAP]


def _shared(gaps: list[tuple[float, float]], other: list[tuple[float, float]]
            ) -> list[tuple[float, float]]:
    """The parts of gaps that are gaps of the other line too (a column's white stripe)."""
    out = []
    for a0, a1 in gaps:
        for b0, b1 in other:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo > 0:
                out.append((lo, hi))
    return out


def _grid(rows: list[list[list[Run]]], gaps: list[tuple[float, float]]) -> Grid:
    """Cells from the columns' edges and each row's lines (a row may span wrapped lines)."""
    cuts = [(a + b) / 2 for a, b in sorted(gaps)]
    runs = [r for row in rows for line in row for r in line]
    edges = [min(r[0] for r in runs) - 1, *cuts, max(r[2] for r in runs) + 1]
    grid: Grid = []
    for row in rows:
        top = min(r[1] for line in row for r in line) - 1
        bottom = max(r[3] for line in row for r in line) + 1
        grid.append([Cell(x0, top, x1, bottom) for x0, x1 in zip(edges, edges[1:],
                                                                 strict=False)])
    return grid


def _overlap(a: Grid, b: Grid) -> bool:
    ax0, atop, ax1, abottom = _bounds(a)
    bx0, btop, bx1, bbottom = _bounds(b)
    return ax0 < bx1 and bx0 < ax1 and atop < bbottom and btop < abottom


def _bounds(grid: Grid) -> tuple[float, float, float, float]:
    cells = [c for row in grid for c in row if c]
    return (min(c.x0 for c in cells), min(c.top for c in cells),
            max(c.x1 for c in cells), max(c.bottom for c in cells))


# --- rebuilding a table's text from PDFium's characters -----------------------------------


def _char_boxes(textpage: pdfium.PdfTextPage, height: float, count: int
                ) -> list[tuple[float, float] | None]:
    """The centre of every character's box (top-left origin), None for generated ones."""
    out: list[tuple[float, float] | None] = []
    for i in range(count):
        if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
            out.append(None)
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        out.append(((left + right) / 2, height - (top + bottom) / 2))
    return out


def _cell_of(grid: Grid, x: float, y: float) -> tuple[int, int] | None:
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell and cell.x0 <= x <= cell.x1 and cell.top <= y <= cell.bottom:
                return r, c
    return None


def _rebuilt(grid: Grid, raw: str, boxes: list[tuple[float, float] | None]
             ) -> tuple[int, int, str] | None:
    """(start, end, rows) replacing raw[start:end] with the table's rows, or None when
    the table's characters are not one span of whole lines of the text."""
    where: dict[int, tuple[int, int]] = {}
    for i, box in enumerate(boxes):
        if box is not None and not raw[i].isspace():
            cell = _cell_of(grid, *box)
            if cell is not None:
                where[i] = cell
    if not where:
        return None
    lo, hi = min(where), max(where) + 1
    if any(i not in where and not raw[i].isspace() for i in range(lo, hi)):
        return None  # text of something else inside the table's span
    start = raw.rfind("\n", 0, lo) + 1
    end = raw.find("\r", hi)
    end = len(raw) if end < 0 else end
    if raw[start:lo].strip() or raw[hi:end].strip():
        return None  # the table shares a line with other text
    texts = [["" for _ in row] for row in grid]
    previous: tuple[int, int] | None = None
    pending_space = False
    for i in range(lo, hi):
        cell = where.get(i)
        if cell is None:
            pending_space = True
            continue
        r, c = cell
        if texts[r][c] and (pending_space or cell != previous):
            texts[r][c] += " "
        texts[r][c] += raw[i]
        previous, pending_space = cell, False
    rows = ["\t".join(cells) for cells in texts if any(cells)]
    return start, end, "\r\n".join(rows)
