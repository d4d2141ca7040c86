"""Tables of money as a text layer flattens them: one row per line ("Lokalhyra 48 000"),
under a header line that says what the numbers are ("Budget per år för partnerskapet,
kronor", "Budget per år (kr)", "Finansiering per år").

One pass over the lines. A row is a short label and a grouped number at the line's end; a
header is a short line with a money word; short label lines ("Intäkter", "Kostnadsslag",
"Belopp") and single blank lines keep the table open; any other line closes it. The rows
of an open table under a money header hold amounts even without "kr" after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.extract.patterns import word_alternation
from pipeline.lang import table


@dataclass(frozen=True, slots=True)
class Header:
    start: int
    end: int
    text: str
    factor: int  # 1000 under a 'tkr' header


@dataclass(frozen=True, slots=True)
class Row:
    start: int  # the line
    end: int
    label_end: int  # where the label before the number ends
    number_start: int
    number_end: int
    header: Header


@cache
def _res() -> dict[str, re.Pattern]:
    data = table("amounts")["money_table"]
    return {
        "row": re.compile(data["row"]),
        "header": re.compile(word_alternation(data["header_words"]), re.IGNORECASE),
        "thousands": re.compile(word_alternation(data["thousands_words"]), re.IGNORECASE),
        "letters": re.compile(r"[A-Za-zÅÄÖåäö]"),
        "digit": re.compile(r"\d"),
        "cell": re.compile(data["cell"]),
    }


@cache
def _limits() -> tuple[int, int]:
    data = table("amounts")["money_table"]
    return int(data["max_label_words"]), int(data["max_header_words"])


def _cells_of(line: str, start: int, end: int, header: Header, max_label: int) -> list[Row]:
    """The cells of a row line; a text layer may glue two rows on one line ('... avgifter
    205 000 Lokalhyra 48 000'): a grouped number followed by a capitalised label ends a
    cell too."""
    out: list[Row] = []
    label_start = 0
    for m in _res()["cell"].finditer(line):
        label = line[label_start : m.start("number")]
        if _res()["letters"].search(label) and len(label.split()) <= max_label:
            out.append(Row(start, end, start + m.start("number"), start + m.start("number"),
                           start + m.end("number"), header))
        label_start = m.end()
    return out


_TAIL = 48  # characters at a line's end read for its number
_SHORT = 160  # a header or a label line is shorter than this
_UNIT_ENDS = (":-", "kr", "kronor", "SEK", "sek", "tkr")


@lru_cache(maxsize=2)
def money_rows(text: str) -> tuple[Row, ...]:
    """Every row of a money table in the text, with the header it stands under."""
    res = _res()
    max_label, max_header = _limits()
    rows: list[Row] = []
    header: Header | None = None
    blanks = 0
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        stripped = line.strip()
        if not stripped:
            blanks += 1
            if blanks > 1:
                header = None
        else:
            blanks = 0
            # a row ends in a number (or its unit); only then is the row regex tried, on
            # the line's tail (a paragraph is one long line)
            row = res["row"].search(line, max(0, len(line) - _TAIL)) \
                if stripped[-1].isdigit() or stripped.endswith(_UNIT_ENDS) else None
            words = stripped.count(" ") + 1 if len(stripped) < _SHORT else max_header + 1
            if row and res["letters"].search(line, 0, row.start("number")):
                if header is not None:
                    rows += _cells_of(line, start, end, header, max_label)
            elif words <= max_header and not stripped.endswith((".", ";")) \
                    and res["header"].search(stripped):
                factor = 1000 if res["thousands"].search(stripped) else 1
                header = Header(start, end, stripped, factor)
            elif words <= 4 and not res["digit"].search(stripped) \
                    and not stripped.endswith((".", ":")):
                pass  # a label line under the header: 'Intäkter', 'Belopp'
            else:
                header = None
        start = end + 1
    return tuple(rows)
