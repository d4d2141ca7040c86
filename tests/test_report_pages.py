"""The pages table: each page's source text, the reference of every row's offsets."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from pipeline import schemas, store
from pipeline.ingest import read_document
from pipeline.process import FACT_TABLES, page_rows, process
from tests.conftest import case_id, gold_cases

DOC = "b" * 64


def _letters(text: str) -> str:
    """Text without whitespace and hyphens: equal for a source span and its clean quote."""
    return re.sub(r"[\s\-\u00ad]", "", text)


@pytest.mark.parametrize("case", gold_cases(), ids=case_id)
def test_every_offset_points_at_its_quote_in_the_page_text(case, shared):
    path, _ = case
    doc = read_document(path, path.name)
    row, tables = process(doc)
    pages = page_rows(doc)
    texts = {p["page"]: p["text"] for p in pages}
    assert [p["page"] for p in pages] == list(range(1, row["pages"] + 1))
    checked = 0
    for name in FACT_TABLES:
        for fact in tables[name]:
            if fact.get("page") is None:
                continue
            source = texts[fact["page"]][fact["char_start"]:fact["char_end"]]
            assert _letters(source) == _letters(fact["quote"]), (name, fact)
            checked += 1
    assert checked or path.name.startswith(("004_", "slides-"))  # the slides state no amounts


# text file -> pages (split at form feeds, as pdftotext marks them)
PAGE_SPLITS = [
    ("Sida ett\fSida två\fSida tre", ["Sida ett", "Sida två", "Sida tre"]),
    ("En enda sida\r\nmed CRLF", ["En enda sida\nmed CRLF"]),
]


@pytest.mark.parametrize("text,pages", PAGE_SPLITS)
def test_text_file_pages(text, pages, tmp_path):
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    rows = page_rows(read_document(tmp_path / "doc.txt", "doc.txt"))
    assert [p["text"] for p in rows] == pages
    assert [p["page"] for p in rows] == list(range(1, len(pages) + 1))
    assert not any(p["ocr"] for p in rows)


def test_unreadable_document_has_no_pages(tmp_path):
    (tmp_path / "doc.txt").write_text("   \n  ", encoding="utf-8")
    assert page_rows(read_document(tmp_path / "doc.txt", "doc.txt")) == []


def test_extract_writes_the_pages_of_every_readable_file(tmp_path, shared):
    from tests.test_cli import run

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "två.txt").write_text("Sida ett\fSida två", encoding="utf-8")
    (raw / "tom.txt").write_text("", encoding="utf-8")
    result = run("extract", str(raw), "--out", str(tmp_path / "out"), "--no-cache")
    assert result.returncode == 3, result.stderr  # the empty file is an error row
    pages = store.read_table(tmp_path / "out", "pages")
    assert pages["text"].tolist() == ["Sida ett", "Sida två"]
    assert pages["page"].tolist() == [1, 2]


# page text -> stored exactly (CSV cleaning would shift offsets: no BOM/NUL strip, no ')
VERBATIM = [
    "=SUMMA(A1) står först",
    "\ufeffBOM i början och\u00admjukt bindestreck",
    "NUL\x00mitt i",
    "-1 000 kr",
]


def test_pages_are_verbatim_in_parquet_and_duckdb_and_not_csv(tmp_path):
    rows = [{"doc_id": DOC, "page": i + 1, "text": text, "ocr": False}
            for i, text in enumerate(VERBATIM)]
    tables = {name: schemas.frame(name, []) for name in schemas.TABLES}
    tables["pages"] = schemas.frame("pages", rows)
    out = store.write_tables(tables, tmp_path / "out", {})
    assert store.read_table(out, "pages")["text"].tolist() == VERBATIM
    con = duckdb.connect(str(out / "iop.duckdb"), read_only=True)
    assert [r[0] for r in con.execute("select text from pages order by page").fetchall()] \
        == VERBATIM
    assert not (out / "pages.csv").exists()
    resources = {r["name"]: r for r in json.loads((out / "datapackage.json").read_text())[
        "resources"]}
    assert resources["pages"]["path"] == "pages.parquet"
    assert resources["amounts"]["path"] == "amounts.csv"
