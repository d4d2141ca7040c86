"""The Excel workbook: an overview sheet, then one sheet per table and view.

Written with XlsxWriter in its constant-memory mode (each row goes to disk as it is
written), so a large archive's sheets do not sit in memory. Every sheet has a frozen
header row, an autofilter and column widths from its header and first rows; dates are
Excel dates, kronor are numbers with thousands separators, and each row that has a page
in the HTML report links to it (first column). Text is always written as text, never as
a formula: a cell that would start one under the CSVs' rule (schemas.starts_formula) is
also marked with Excel's own quote prefix, so editing it cannot turn it into one.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pyarrow as pa
import xlsxwriter

from pipeline import schemas
from pipeline.export.links import RowLinks
from pipeline.export.sheets import Sheet

LANGUAGES = ("sv", "en")
GENERATOR = "iop export"  # the workbook's comments: a later export may replace the file
MAX_ROWS = 1_048_575  # Excel's rows per sheet, less the header
MAX_URLS = 65_530  # Excel's hyperlinks per sheet
WIDTH_ROWS = 2_000  # rows read for column widths
MIN_WIDTH, MAX_WIDTH = 6, 60
# kronor: amount_sek, total_sek, sek_per_year ... (a number column with 'sek' as a word)
_MONEY = re.compile(r"(?:^|_)(?:sek|kronor)(?:_|$)")


class LabelsError(ValueError):
    """An unknown language."""


def labels(lang: str) -> dict:
    if lang not in LANGUAGES:
        raise LabelsError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    text = (resources.files("pipeline.export") / "labels" / f"{lang}.toml").read_text("utf-8")
    return tomllib.loads(text)


@dataclass(slots=True)
class Written:
    sheets: dict[str, int] = field(default_factory=dict)  # rows written per sheet
    links: int = 0


@dataclass(slots=True)
class About:
    """What the overview says beside the tables."""

    tables: str
    pipeline_version: str
    redacted: bool
    report: str  # the report folder, relative to the workbook


def kind(column: pa.DataType, name: str) -> str:
    if pa.types.is_date(column) or pa.types.is_timestamp(column):
        return "date"
    if pa.types.is_boolean(column):
        return "bool"
    if pa.types.is_integer(column) or pa.types.is_floating(column) or pa.types.is_decimal(
            column):
        return "money" if _MONEY.search(name) else "number"
    return "text"


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "sheet"
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base[:31 - len(str(n)) - 1]}_{n}"
    taken.add(candidate.casefold())
    return candidate


class Book:
    """One workbook being written; `close()` finishes the file."""

    def __init__(self, path: Path, lang: str, link_base: str | None,
                 page_lengths: dict[tuple[str, int], int] | None = None):
        self.L = labels(lang)
        self.page_lengths = page_lengths or {}
        self.link_base = link_base.rstrip("/") if link_base else None
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd"})
        self.wb.set_properties({"title": self.L["title"], "comments": GENERATOR})
        self.f = {
            "header": self.wb.add_format({"bold": True, "bg_color": "#DCE6F1",
                                          "bottom": 1, "text_wrap": False}),
            "date": self.wb.add_format({"num_format": "yyyy-mm-dd"}),
            "money": self.wb.add_format({"num_format": "#,##0"}),
            "number": self.wb.add_format({"num_format": "General"}),
            "quoted": self.wb.add_format({"quote_prefix": True}),
            "title": self.wb.add_format({"bold": True, "font_size": 14}),
            "bold": self.wb.add_format({"bold": True}),
            "wrap": self.wb.add_format({"text_wrap": True, "valign": "top"}),
        }
        self.taken: set[str] = set()
        self.written = Written()

    # --- cells -------------------------------------------------------------------------
    def text(self, ws, row: int, col: int, value: str, fmt=None) -> None:
        value = schemas.clean_cell(value)
        if schemas.starts_formula(value):
            fmt = self.f["quoted"]
        ws.write_string(row, col, value, fmt)

    def cell(self, ws, row: int, col: int, value: object, how: str) -> None:
        if value is None:
            return
        if how == "date":
            if isinstance(value, dt.datetime):
                value = value.replace(tzinfo=None)
            ws.write_datetime(row, col, value, self.f["date"])
        elif how == "bool":
            ws.write_boolean(row, col, bool(value))
        elif how in ("money", "number"):
            if value != value:  # NaN
                return
            ws.write_number(row, col, value, self.f[how] if how == "money" else None)
        else:
            self.text(ws, row, col, value if isinstance(value, str) else str(value))

    # --- a table's sheet -----------------------------------------------------------------
    def names(self, sheets: list[Sheet]) -> list[str]:
        """The overview's and each sheet's name, in order (given before any is written)."""
        return [sheet_name(self.L["overview"], self.taken),
                *(sheet_name(sheet.name, self.taken) for sheet in sheets)]

    def table_sheet(self, name: str, sheet: Sheet) -> None:
        ws = self.wb.add_worksheet(name)
        columns = list(sheet.schema.names)
        hows = [kind(sheet.schema.field(c).type, c) for c in columns]
        links = RowLinks(sheet.name, columns, self.page_lengths)
        offset = 1 if links.linked and self.link_base else 0
        headers = ([self.L["link"]] if offset else []) + columns
        widths = [len(h) for h in headers]
        batches = sheet.batches()
        first: list[pa.RecordBatch] = []
        sampled = 0
        for batch in batches:  # the first rows, read once for the widths
            first.append(batch)
            sampled += batch.num_rows
            if sampled >= WIDTH_ROWS:
                break
        for batch in first:
            for i in range(len(columns)):
                for value in batch.column(i).to_pylist()[:WIDTH_ROWS]:
                    widths[i + offset] = max(widths[i + offset], _shown_width(value, hows[i]))
        if offset:
            widths[0] = max(widths[0], len(self.L["open"]))
        for i, width in enumerate(widths):
            ws.set_column(i, i, min(max(width, MIN_WIDTH), MAX_WIDTH) + 2)
        for col, header in enumerate(headers):
            ws.write_string(0, col, header, self.f["header"])
        ws.freeze_panes(1, 0)
        row = 0
        urls = 0
        for batch in itertools.chain(first, batches):
            records = batch.to_pylist()
            for record in records:
                if row >= MAX_ROWS:
                    break
                row += 1
                if offset:
                    href = links.href(record)
                    if href is not None:
                        target = f"{self.link_base}/{href}"
                        if urls < MAX_URLS:
                            ws.write_url(row, 0, "external:" + target, string=self.L["open"])
                            urls += 1
                        else:
                            ws.write_string(row, 0, target)
                for i, column in enumerate(columns):
                    self.cell(ws, row, i + offset, record[column], hows[i])
        ws.autofilter(0, 0, row, len(headers) - 1)
        self.written.sheets[name] = row
        self.written.links += urls

    # --- the overview --------------------------------------------------------------------
    def overview(self, name: str, about: About, sheets: list[tuple[str, Sheet]],
                 documents: list[dict], flags: list[dict], written: dt.datetime) -> None:
        """The first sheet: what the archive holds and how to read the workbook."""
        L = self.L
        ws = self.wb.add_worksheet(name)
        for col, width in enumerate((30, 16, 16, 16, 16, 16)):
            ws.set_column(col, col, width)
        row = 0
        ws.write_string(row, 0, L["title"], self.f["title"])
        row += 2
        for key, value in ((L["written"], written.strftime("%Y-%m-%d %H:%M UTC")),
                           (L["tables"], about.tables),
                           (L["pipeline_version"], about.pipeline_version),
                           (L["redaction"], L["redacted"] if about.redacted
                            else L["not_redacted"])):
            ws.write_string(row, 0, key, self.f["bold"])
            self.text(ws, row, 1, value)
            row += 1
        row += 1
        row = self._documents(ws, row, documents) + 1
        row = self._flags(ws, row, flags) + 1
        ws.write_string(row, 0, L["sheets"], self.f["bold"])
        row += 1
        for col, header in enumerate((L["sheet"], L["rows"], L["description"])):
            ws.write_string(row, col, header, self.f["header"])
        row += 1
        for sheet_name_, sheet in sheets:
            ws.write_url(row, 0, f"internal:'{sheet_name_}'!A1", string=sheet_name_)
            ws.write_number(row, 1, sheet.rows)
            note = sheet.description
            if sheet.rows > MAX_ROWS:
                note = f"{note} ({L['truncated'].format(rows=MAX_ROWS, name=sheet.name)})"
            elif sheet.rows > MAX_URLS and RowLinks(sheet.name, sheet.schema.names).linked:
                note = f"{note} ({L['unlinked_rows'].format(rows=MAX_URLS)})"
            self.text(ws, row, 2, note)
            row += 1
        row += 1
        ws.write_string(row, 0, L["how_to_read"], self.f["bold"])
        row += 1
        for line in L["guide"]:
            self.text(ws, row, 0, "• " + line.format(report=about.report))
            row += 1

    def _documents(self, ws, row: int, documents: list[dict]) -> int:
        """Documents by kind and status, with totals; the row after the table."""
        L = self.L
        ws.write_string(row, 0, L["documents"], self.f["bold"])
        row += 1
        counts = Counter((d.get("kind") or "", d.get("status") or "") for d in documents)
        statuses = sorted({s for _, s in counts})
        ws.write_string(row, 0, L["kind"], self.f["header"])
        for i, status in enumerate([*statuses, L["total"]]):
            self.text(ws, row, 1 + i, status, self.f["header"])
        row += 1
        for kind_ in sorted({k for k, _ in counts}):
            self.text(ws, row, 0, kind_ or "–")
            for i, status in enumerate(statuses):
                ws.write_number(row, 1 + i, counts.get((kind_, status), 0))
            ws.write_number(row, 1 + len(statuses),
                            sum(v for (k, _), v in counts.items() if k == kind_))
            row += 1
        ws.write_string(row, 0, L["total"], self.f["bold"])
        for i, status in enumerate(statuses):
            ws.write_number(row, 1 + i, sum(v for (_, s), v in counts.items() if s == status))
        ws.write_number(row, 1 + len(statuses), len(documents))
        return row + 2

    def _flags(self, ws, row: int, flags: list[dict]) -> int:
        """Flags by code and severity; the row after the table."""
        L = self.L
        ws.write_string(row, 0, L["flags"], self.f["bold"])
        row += 1
        by_code = Counter((f.get("code") or "", f.get("severity") or "") for f in flags)
        if not by_code:
            ws.write_string(row, 0, L["no_flags"])
            return row + 2
        for col, header in enumerate((L["code"], L["severity"], L["count"])):
            ws.write_string(row, col, header, self.f["header"])
        row += 1
        for (code, severity), n in sorted(by_code.items()):
            self.text(ws, row, 0, code)
            self.text(ws, row, 1, severity)
            ws.write_number(row, 2, n)
            row += 1
        return row + 1

    def close(self) -> None:
        self.wb.close()


def _shown_width(value: object, how: str) -> int:
    if value is None:
        return 0
    if how == "date":
        return 10
    if how == "money":
        return len(f"{int(value):,}") if value == value else 0
    text = str(value)
    return max((len(line) for line in text.splitlines()), default=0)
