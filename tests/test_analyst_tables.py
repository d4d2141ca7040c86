"""The tables as an analyst queries them: SQL-friendly names, NULL for missing values, the
file beside every row, CSVs a Swedish Excel opens, and the funding views against an
archive whose funding is known (bench/generate_archive.py --funding)."""

from __future__ import annotations

import importlib.util
import shutil
import sqlite3
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import schemas
from pipeline.run import extract_archive
from pipeline.store import EXCEL_CSV, EXCEL_DIR

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
ALL_TABLES = (*schemas.TABLES, *schemas.ARCHIVE_TABLES)


def _bench(name: str):
    """A bench/ script as a module (registered by name: the generator's worker processes
    find its functions by it)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


# --- names -----------------------------------------------------------------------------------

@pytest.mark.parametrize("table", ALL_TABLES)
def test_every_column_is_selected_unquoted_in_duckdb_and_sqlite(table):
    """No column is an SQL keyword: `select start, end from periods` was a parser error."""
    columns = schemas.columns(table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    plain = ", ".join(columns)
    con = duckdb.connect()
    con.execute(f"create table t as select {', '.join(f'1 as {q}' for q in quoted.split(', '))}")
    con.execute(f"select {plain} from t")
    lite = sqlite3.connect(":memory:")
    lite.execute(f"create table t ({quoted})")
    lite.execute(f"select {plain} from t")


# --- an extraction of part of the sample archive ----------------------------------------------

SAMPLE = ("000_d3bc919bb2a10656.txt", "001_088b6c7d61ba9907.txt", "002_2b68fa102c319169.txt",
          "003_6febc1509cba0eef.txt", "agreement-utsatta-2018.docx")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("sample")
    raw = base / "raw"
    raw.mkdir()
    for name in SAMPLE:
        shutil.copy(RAW / name, raw / name)
    extract_archive([raw], base / "out", None)
    return base / "out"


def test_missing_values_are_null_never_empty_strings(sample):
    con = duckdb.connect(str(sample / "iop.duckdb"), read_only=True)
    empty = []
    for table in ALL_TABLES:
        for f in schemas.schema(table)["fields"]:
            if f["type"] != "string" or f.get("x-iop-verbatim"):
                continue
            sql = f'select count(*) from {table} where "{f["name"]}" = \'\''
            if con.execute(sql).fetchone()[0]:
                empty.append(f"{table}.{f['name']}")
    assert empty == []
    assert con.execute("select count(*) from amounts where part_of is null").fetchone()[0] > 0


@pytest.mark.parametrize("table", ["parties", "amounts", "periods", "obligations",
                                   "signatories", "flags", "links"])
def test_every_row_names_its_file(sample, table):
    rows = pq.read_table(sample / f"{table}.parquet").to_pandas()
    documents = pq.read_table(sample / "documents.parquet").to_pandas()
    source = dict(zip(documents["doc_id"], documents["source"], strict=True))
    assert len(rows) and rows["source"].tolist() == rows["doc_id"].map(source).tolist()
    if "related_doc_id" in rows:
        related = rows["related_doc_id"].map(source).where(rows["related_doc_id"].notna())
        assert rows["related_source"].tolist() == related.tolist()


@pytest.mark.parametrize("table", ["documents", "amounts", "periods", "funding_detail"])
def test_the_excel_csvs_open_in_a_swedish_excel(sample, table):
    """UTF-8 with a byte order mark, ';' between columns, ',' as the decimal sign: the same
    cells as the plain CSV."""
    excel = sample / EXCEL_DIR / f"{table}.csv"
    raw = excel.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.split(b"\r\n")[0].count(b";") == \
        len(schemas.columns(table)) - 1
    ours = pd.read_csv(excel, sep=";", decimal=",", encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    plain = pd.read_csv(sample / f"{table}.csv", dtype=str, keep_default_na=False)
    plain = plain[schemas.columns(table)]
    for f in schemas.schema(table)["fields"]:
        if f["type"] == "number":  # 0.969 in one, 0,969 in the other
            plain[f["name"]] = plain[f["name"]].str.replace(".", EXCEL_CSV["decimal"])
    pd.testing.assert_frame_equal(ours, plain)


def test_renderings_are_one_document_and_the_periods_read_in_sql(sample):
    con = duckdb.connect(str(sample / "iop.duckdb"), read_only=True)
    groups = con.execute("select count(distinct group_id), count(*) from documents "
                         "where source in ('003_6febc1509cba0eef.txt', "
                         "'agreement-utsatta-2018.docx')").fetchone()
    assert groups == (1, 2)
    assert con.execute("select relation from links where source = '003_6febc1509cba0eef.txt'"
                       " and related_source = 'agreement-utsatta-2018.docx'").fetchall() == [
        ("same_as",)]
    terms = con.execute("select start, end_date from (select start_date as start, end_date "
                        "from periods where kind = 'term' and source like '003%')").fetchall()
    assert [(str(s), str(e)) for s, e in terms] == [("2018-07-01", "2021-06-30")]


def test_a_yearly_amount_of_a_three_year_agreement_falls_in_its_years(sample):
    """'1 800 000 kr per år' for 2018-07-01..2021-06-30: half in 2018 and 2021; its first
    year divided between two organisations; the in-kind contributions apart."""
    con = duckdb.connect(str(sample / "iop.duckdb"), read_only=True)
    paid = con.execute("select year, cash_sek, unallocated_sek, in_kind_sek from "
                       "funding_by_payer_year where payer_id = 'kommun:0580' and year < 2022 "
                       "order by year").fetchall()
    assert paid == [(2018, 900_000, None, None), (2019, 1_800_000, 900_000, None),
                    (2020, 1_800_000, 1_800_000, None), (2021, 900_000, 900_000, None)]
    received = con.execute(
        "select o.name, f.year, f.received_sek from funding_by_organisation_year f "
        "join organisations o using (organisation_id) where f.received_sek > 0 and "
        "f.year < 2022 order by 1, 2").fetchall()
    assert received == [("Biståndsorganisationen Hjärta till hjärta", 2018, 150_000),
                        ("Biståndsorganisationen Hjärta till hjärta", 2019, 150_000),
                        ("Linköpings stadsmission", 2018, 750_000),
                        ("Linköpings stadsmission", 2019, 750_000)]


@pytest.mark.parametrize("view", ["funding_by_organisation_year", "funding_by_payer_year",
                                  "funding_by_year"])
def test_the_views_in_duckdb_are_the_written_tables(sample, view):
    con = duckdb.connect(str(sample / "iop.duckdb"), read_only=True)
    assert con.execute("select table_type from information_schema.tables where table_name = ?",
                       [view]).fetchone() == ("VIEW",)
    from_view = con.execute(f"select * from {view}").df()
    written = pq.read_table(sample / f"{view}.parquet").to_pandas()
    pd.testing.assert_frame_equal(from_view, written, check_dtype=False)


# --- an archive with known funding --------------------------------------------------------------

def test_the_views_give_the_generated_archives_funding(tmp_path):
    """Seven agreement families: memos, drafts, a PDF rendering, yearly, whole-period and
    per-calendar-year money, in kind, a renewal for the next term."""
    generate = _bench("generate_archive")
    check = _bench("funding_check")
    truth = generate.generate_funding(7, tmp_path / "archive", jobs=1)
    roles = {d["role"] for d in __import__("json").loads(truth.read_text())["documents"]}
    assert roles == {"agreement", "memo", "draft", "rendering"}
    extract_archive([tmp_path / "archive"], tmp_path / "out", None)
    result = check.compare(tmp_path / "out", truth)
    wrong = {figure: [c for c in cells if c[1] != c[2]] for figure, cells in result.items()}
    assert wrong == {figure: [] for figure in result}
    assert all(len(cells) > 3 for cells in result.values())
