"""iop export: the Excel workbook, read back by two readers of its own: LibreOffice
(headless, converting every sheet to CSV) for the values, openpyxl for the formats,
links, panes and filters.

LibreOffice comes from Debian's packages (scripts/system-deps.sh all, which .ci/run
runs). Without it these tests are skipped with the reason, as the browser test is
without chromium; under CI (the CI variable set) a missing LibreOffice is a failure.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipeline import schemas, store
from pipeline.export import ExportError, export_workbook, workbook
from pipeline.report import build_report
from tests import report_tables as rt
from tests.test_cli import run

FORMULAS = ['=HYPERLINK("http://example.invalid","klicka")', "=1+2", "+46 70 123 45 67",
            "-1+1", "@SUM(A1:A2)"]
# A view and a table that a later iop might add to the DuckDB file: they get sheets too.
VIEW = ("CREATE VIEW later_view AS SELECT payer, year(period_start) AS year, "
        "sum(amount_sek) AS amount_sek FROM amounts WHERE payer IS NOT NULL "
        "GROUP BY ALL ORDER BY ALL")
NEW_TABLE = ("CREATE TABLE later_table AS SELECT DISTINCT name, org_number, "
             "DATE '2024-01-01' AS first_seen FROM parties ORDER BY name")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = ("LibreOffice is not installed (apt-get install libreoffice-calc-nogui; "
              "scripts/system-deps.sh all does this)")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}: the workbook must be read back")
    pytest.skip(reason)


def table_rows() -> dict[str, list[dict]]:
    """The report tests' tables, with cells that would be formulas in a spreadsheet."""
    rows = rt.rows()
    for i, text in enumerate(FORMULAS):
        rows.setdefault("obligations", []).append(
            {"doc_id": rt.AGREEMENT, "party": text, "action": text,
             "rule_id": f"obligation.test{i}"})
    return rows


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """Tables as iop extract writes them, a view and a table of a later iop added to the
    DuckDB file, and the report beside them."""
    root = tmp_path_factory.mktemp("export")
    tables = rt.write(root / "tables", table_rows())
    con = duckdb.connect(str(tables / "iop.duckdb"))
    con.execute(VIEW)
    con.execute(NEW_TABLE)
    con.close()
    build_report(tables, root / "report")
    return root


@pytest.fixture(scope="module")
def book(archive) -> Path:
    export_workbook(archive / "tables", archive / "out" / "iop.xlsx", archive / "report")
    return archive / "out" / "iop.xlsx"


@pytest.fixture(scope="module")
def loaded(book) -> openpyxl.Workbook:
    return openpyxl.load_workbook(book)


@pytest.fixture(scope="module")
def read_back(book, tmp_path_factory) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice reads it, converted to CSV (UTF-8, all sheets)."""
    binary = soffice()
    out = tmp_path_factory.mktemp("csv")
    profile = tmp_path_factory.mktemp("lo-profile")
    result = subprocess.run(
        [binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), str(book)], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    sheets = {}
    for path in out.glob("*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{book.stem}-")] = list(csv.reader(handle))
    return sheets


def expected_cell(value: object) -> str:
    """A table's value as LibreOffice writes the cell to CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return f"{value:g}"
    return schemas.clean_cell(str(value))


def table_of(archive: Path, name: str) -> tuple[list[str], list[list[str]]]:
    con = duckdb.connect(str(archive / "tables" / "iop.duckdb"), read_only=True)
    try:
        cursor = con.execute(f'SELECT * FROM "{name}"')
        columns = [d[0] for d in cursor.description]
        return columns, [[expected_cell(v) for v in row] for row in cursor.fetchall()]
    finally:
        con.close()


# schemas.TABLES' order (pages left out), then the other tables, then the views
SHEETS = [*(name for name in schemas.TABLES if "csv" in schemas.formats(name)),
          "later_table", "later_view"]


# --- the values, read back by LibreOffice ---------------------------------------------------
@pytest.mark.parametrize("name", SHEETS)
def test_libreoffice_reads_each_sheet_back_as_its_table(name, archive, read_back):
    columns, rows = table_of(archive, name)
    header, *cells = read_back[name]
    linked = "doc_id" in columns
    assert header == (["rapport"] if linked else []) + columns
    if linked:
        assert {row[0] for row in cells} <= {"öppna", ""}
        cells = [row[1:] for row in cells]
    assert cells == rows


def test_pages_have_no_sheet_and_the_overview_comes_first(book, read_back):
    assert "pages" not in read_back
    assert openpyxl.load_workbook(book, read_only=True).sheetnames == ["Översikt", *SHEETS]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_like_text_stays_text(text, loaded, read_back):
    ws = loaded["obligations"]
    column = [c.value for c in next(ws.iter_rows(max_row=1))].index("party")
    cells = [row for row in ws.iter_rows(min_row=2) if row[column].value == text]
    assert len(cells) == 1
    party = cells[0][column]
    assert party.data_type == "s" and party.quotePrefix
    header = read_back["obligations"][0]
    assert text in [row[header.index("party")] for row in read_back["obligations"]]


def test_the_overview_says_what_the_archive_holds(read_back):
    overview = read_back["Översikt"]
    lines = [",".join(cell for cell in row if cell) for row in overview]
    # by kind, documents per status (error, ok, warning) and in all
    for line in ("–,1,0,0,1", "agreement,0,1,0,1", "memo,0,1,0,1", "other,0,0,1,1",
                 "Totalt,1,2,1,4"):
        assert line in lines
    for code, severity in (("MEMO_AGREEMENT_MISMATCH", "error"),
                           ("SUM_MISMATCH", "warning"), ("PLACEHOLDER", "info")):
        assert f"{code},{severity},1" in lines
    assert "amounts,6,Kronor amounts with who pays whom, for what and which period." in lines
    assert "later_view,3" in lines and "later_table,2" in lines
    assert any(line.startswith("Personuppgifter,inte maskerade") for line in lines)


# --- formats, panes, filters, widths --------------------------------------------------------
@pytest.mark.parametrize("sheet, column, number_format, data_type", [
    ("amounts", "amount_sek", "#,##0", "n"),
    ("later_view", "amount_sek", "#,##0", "n"),
    ("amounts", "period_start", "yyyy-mm-dd", "d"),
    ("periods", "start_date", "yyyy-mm-dd", "d"),
    ("documents", "date", "yyyy-mm-dd", "d"),
    ("later_table", "first_seen", "yyyy-mm-dd", "d"),
    ("amounts", "char_start", "General", "n"),
    ("periods", "months", "General", "n"),
])
def test_dates_are_dates_and_kronor_have_thousands_separators(sheet, column, number_format,
                                                              data_type, loaded):
    ws = loaded[sheet]
    header = [cell.value for cell in ws[1]]
    cells = [row[header.index(column)] for row in ws.iter_rows(min_row=2)]
    filled = [cell for cell in cells if cell.value is not None]
    assert filled
    for cell in filled:
        assert (cell.number_format, cell.data_type) == (number_format, data_type), cell


@pytest.mark.parametrize("name", SHEETS)
def test_every_sheet_has_a_frozen_header_a_filter_and_widths(name, loaded):
    ws = loaded[name]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    width_of = {column: dim.width for dim in ws.column_dimensions.values()
                for column in range(dim.min, dim.max + 1)}  # ranges of equal widths
    widths = [width_of.get(c) for c in range(1, ws.max_column + 1)]
    for cell, width in zip(ws[1], widths, strict=True):  # the header fits, within bounds
        assert min(len(cell.value), workbook.MAX_WIDTH) + 2 <= width <= (
            workbook.MAX_WIDTH + 3), (cell.value, width)
    header = [cell.value for cell in ws[1]]
    if "quote" in header:  # as wide as the longest quote, up to the bound
        longest = max((len(str(row[header.index("quote")].value or ""))
                       for row in ws.iter_rows(min_row=2)), default=0)
        assert widths[header.index("quote")] >= min(longest, workbook.MAX_WIDTH) + 2


# --- links into the report ------------------------------------------------------------------
@pytest.mark.parametrize("sheet, first", [
    ("documents", f"docs/{rt.AGREEMENT}.html"),
    ("amounts", f"docs/{rt.AGREEMENT}.html#f-amounts-0"),
    ("signatories", f"docs/{rt.AGREEMENT}.html#f-signatories-0"),
    ("flags", f"docs/{rt.AGREEMENT}.html#ev-1-"),
    ("links", f"compare/{rt.MEMO}_{rt.AGREEMENT}.html"),
])
def test_each_row_links_to_its_page_of_the_report(sheet, first, book, loaded, archive):
    ws = loaded[sheet]
    targets = []
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        if cell.hyperlink is None:
            continue
        relative = cell.hyperlink.target.replace("\\", "/")
        path = (book.parent / relative).resolve()
        assert path.is_file(), relative
        anchor = cell.hyperlink.location
        if anchor:
            assert f'id="{anchor}"' in path.read_text(encoding="utf-8"), (relative, anchor)
        targets.append(path.relative_to(archive / "report").as_posix()
                       + (f"#{anchor}" if anchor else ""))
    assert targets and targets[0].startswith(first)
    doc_id = [cell.value for cell in ws[1]].index("doc_id")
    assert len(targets) == sum(1 for row in ws.iter_rows(min_row=2) if re.fullmatch(
        "[0-9a-f]{64}", str(row[doc_id].value or "")))


def test_the_facts_of_a_document_link_in_table_order(loaded):
    ws = loaded["amounts"]
    anchors = [row[0].hyperlink.location for row in ws.iter_rows(min_row=2)
               if row[1].value == rt.AGREEMENT]
    assert anchors == [f"f-amounts-{i}" for i in range(len(anchors))]


def test_a_fact_the_report_cannot_place_opens_its_page_at_the_top(loaded):
    """The memo's second amount has offsets past its page's end (report_tables): the
    report lists it without a mark in the text, so the link has no anchor."""
    ws = loaded["amounts"]
    end = [cell.value for cell in ws[1]].index("char_end")
    links = [(row[0].hyperlink.location, row[end].value) for row in ws.iter_rows(min_row=2)
             if row[1].value == rt.MEMO]
    assert [anchor for anchor, _ in links] == ["f-amounts-0", None]
    assert links[1][1] == 910


# --- Excel's limits -------------------------------------------------------------------------
def test_a_table_past_excels_limits_is_cut_and_the_overview_says_so(archive, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    monkeypatch.setattr(workbook, "MAX_URLS", 2)
    path = tmp_path / "small.xlsx"
    export_workbook(archive / "tables", path, archive / "report")
    wb = openpyxl.load_workbook(path)
    amounts = wb["amounts"]
    assert amounts.max_row == 4  # the header and three rows
    assert [row[0].hyperlink is not None for row in amounts.iter_rows(min_row=2)] == [
        True, True, False]
    assert amounts["A4"].value.endswith(f"{rt.AGREEMENT}.html#f-amounts-2")
    notes = {row[0].value: row[2].value for row in wb["Översikt"].iter_rows()}
    assert "bara de första 3 raderna" in notes["amounts"]
    assert "bara de första 3 raderna" not in notes["links"]


# --- the command ------------------------------------------------------------------------------
def test_export_help_has_an_example():
    result = run("export", "--help")
    assert result.returncode == 0
    assert "Example: iop export --xlsx" in result.stdout
    assert "--tables" in result.stdout and "--redact" in result.stdout


def test_export_writes_and_replaces_its_own_workbook(archive, tmp_path):
    path = tmp_path / "book.xlsx"
    export_workbook(archive / "tables", path, None)  # an earlier export, without links
    result = run("export", "--xlsx", str(path), "--tables", str(archive / "tables"),
                 "--report", str(archive / "report"), "--lang", "en")
    assert result.returncode == 0, result.stderr
    tables = [table_of(archive, name) for name in SHEETS]
    rows = sum(len(cells) for _, cells in tables)
    linked = sum(bool(re.fullmatch("[0-9a-f]{64}", row[columns.index("doc_id")]))
                 for columns, cells in tables if "doc_id" in columns for row in cells)
    assert result.stdout.startswith(f"workbook written to {path}: {len(SHEETS)} sheets and "
                                    f"an overview, {rows} rows, {linked} links to the report (")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Overview" and wb["amounts"]["A2"].hyperlink is not None
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]  # no temporary left


def test_export_refuses_a_file_it_did_not_write_with_exit_2(archive, tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_text("keep me")
    result = run("export", "--xlsx", str(path), "--tables", str(archive / "tables"))
    assert result.returncode == 2
    assert result.stderr == (f"iop export: --xlsx {path} exists and was not written by iop: "
                             "choose another file (iop will not replace it)\n")
    assert path.read_text() == "keep me"


@pytest.mark.parametrize("problem, message", [
    ("inside the tables", "which it replaces as a whole"),
    ("no tables", "run iop extract first"),
    ("unknown redaction", "the one mode is persons"),
    ("unknown language", "unknown language 'fi'"),
])
def test_export_refuses_and_writes_nothing(problem, message, archive, tmp_path):
    tables, path = archive / "tables", tmp_path / "book.xlsx"
    options: dict = {}
    if problem == "inside the tables":
        path = tables / "book.xlsx"
    elif problem == "no tables":
        tables = tmp_path / "none"
    elif problem == "unknown redaction":
        options = {"redact": "everyone"}
    else:
        options = {"lang": "fi"}
    with pytest.raises(ExportError, match=re.escape(message)):
        export_workbook(tables, path, None, **options)
    assert not path.exists() and not list(tmp_path.glob(".book.xlsx*"))


def test_both_languages_have_the_same_labels():
    labels = [tomllib.loads((Path(workbook.__file__).parent / "labels" / f"{lang}.toml")
                            .read_text(encoding="utf-8")) for lang in workbook.LANGUAGES]
    assert [sorted(set(x) - {"lang"}) for x in labels] == [sorted(set(labels[0]) - {"lang"})
                                                           ] * len(labels)
    assert len({len(x["guide"]) for x in labels}) == 1


def test_a_redacted_export_names_nobody(archive, tmp_path):
    path = tmp_path / "public.xlsx"
    export_workbook(archive / "tables", path, archive / "report", redact="persons")
    wb = openpyxl.load_workbook(path)
    values = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert not [v for v in values if "Andersson" in v]
    assert "Undertecknare 1 för Föreningen Hopp" in values
    assert store.read_table(archive / "tables", "signatories")["person"].tolist() == [
        "Anna Andersson"]  # the tables themselves are as they were
