"""Store: schemas enforced, outputs readable, CSV safe for Excel, publishing atomic."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import schemas, store


def tables(**rows) -> dict[str, pd.DataFrame]:
    return {name: schemas.frame(name, rows.get(name, [])) for name in schemas.TABLES}


DOC = "a" * 64


def test_every_schema_names_the_design_columns():
    required = {
        "documents": {"doc_id", "source", "kind", "title", "pages", "status", "code", "error"},
        "parties": {"doc_id", "name", "org_number", "org_number_valid", "sector", "role"},
        "amounts": {"doc_id", "amount_sek", "payer", "payee", "basis", "in_kind", "role",
                    "period_start", "period_end"},
        "periods": {"doc_id", "kind", "start_date", "end_date", "months"},
        "obligations": {"doc_id", "party", "action", "quantity", "frequency"},
        "signatories": {"doc_id", "person", "for_party", "place", "date", "date_text"},
        "flags": {"code", "severity", "doc_id", "related_doc_id", "message", "evidence"},
        "links": {"doc_id", "related_doc_id", "relation", "score"},
    }
    provenance = {"page", "char_start", "char_end", "quote", "rule_id"}
    for name, cols in required.items():
        assert cols <= set(schemas.columns(name))
        if name in ("parties", "amounts", "periods", "obligations", "signatories"):
            assert provenance <= set(schemas.columns(name))


# (table, a bad row) -> the run fails loudly
BAD_ROWS = [
    ("amounts", {"doc_id": DOC, "amount_sek": 5, "basis": "weekly"}),
    ("amounts", {"doc_id": DOC, "basis": "per_year"}),
    ("parties", {"doc_id": DOC, "name": "X", "sector": "public", "role": "party",
                 "org_number": "2120000449"}),
    ("periods", {"doc_id": DOC, "kind": "term", "start_date": "2023-13-01"}),
    ("documents", {"source": "a.txt", "status": "fine"}),
]


@pytest.mark.parametrize("table,row", BAD_ROWS)
def test_schema_violation_fails_loudly(table, row):
    with pytest.raises(schemas.SchemaError):
        schemas.validate(table, schemas.frame(table, [row]))


def test_outputs_are_readable_and_consistent(tmp_path):
    t = tables(
        documents=[{"doc_id": DOC, "source": "a.txt", "status": "ok", "kind": "agreement"}],
        periods=[{"doc_id": DOC, "kind": "term", "start_date": "2023-04-01",
                  "end_date": "2024-03-31"}],
    )
    out = store.write_tables(t, tmp_path / "out", {})
    periods = pd.read_csv(out / "periods.csv")
    assert periods["start_date"].tolist() == ["2023-04-01"]
    # the contract's names (DESIGN.md, tools/score.py) repeat the dates in the CSV only
    assert (periods["start"].tolist(), periods["end"].tolist()) == (["2023-04-01"], ["2024-03-31"])
    parquet = pq.read_table(out / "periods.parquet").schema
    assert str(parquet.field("start_date").type) == "date32[day]"
    assert "start" not in parquet.names and "end" not in parquet.names
    con = duckdb.connect(str(out / "iop.duckdb"), read_only=True)
    assert con.execute("select count(*) from documents").fetchone() == (1,)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) >= {"documents.csv", "iop.duckdb", "datapackage.json"}


# value written -> value in the CSV cell
CELLS = [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+46 13 20 60 00", "'+46 13 20 60 00"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTAB", "'\tTAB"),
    ("Föreningen\x00 X\ufeff", "Föreningen X"),
    ("vanlig text", "vanlig text"),
]


@pytest.mark.parametrize("value,expected", CELLS)
def test_csv_cells_are_safe(tmp_path, value, expected):
    t = tables(documents=[{"doc_id": DOC, "source": "a.txt", "status": "ok", "title": value}])
    out = store.write_tables(t, tmp_path / "out", {})
    cell = pd.read_csv(out / "documents.csv", keep_default_na=False)["title"][0]
    assert cell == expected
    raw = pq.read_table(out / "documents.parquet").column("title")[0].as_py()
    assert raw == value.replace("\x00", "").replace("\ufeff", "")  # Parquet keeps the value


def test_a_failed_write_leaves_the_previous_outputs(tmp_path, monkeypatch):
    out = tmp_path / "out"
    good = tables(documents=[{"doc_id": DOC, "source": "old.txt", "status": "ok"}])
    store.write_tables(good, out, {})

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_duckdb", disk_full)
    new = tables(documents=[{"doc_id": DOC, "source": "new.txt", "status": "ok"}])
    with pytest.raises(OSError):
        store.write_tables(new, out, {})
    assert pd.read_csv(out / "documents.csv")["source"].tolist() == ["old.txt"]
    assert not list(tmp_path.glob(".out.tmp-*"))  # staging cleaned up
