"""The table contract: Frictionless Table Schemas in schemas/, and a validator for frames.

Validation is vectorised over pandas columns rather than done with the `frictionless`
library, which checks files row by row in Python (too slow for archive-sized tables) and
would pull in a large dependency tree; the schemas stay standard Table Schema JSON so
frictionless (or any Table Schema tool) can validate the written CSVs too.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pandas as pd

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
TABLES = ("documents", "parties", "amounts", "periods", "obligations", "signatories",
          "placeholders", "flags", "links", "pages", "corrections")
# The archive as a whole (pipeline.archive), written after the tables above.
ARCHIVE_TABLES = ("organisations", "organisation_names", "agreements", "funding_amounts",
                  "funding_detail", "funding_by_organisation_year", "funding_by_payer_year",
                  "funding_by_year")


class SchemaError(Exception):
    """A table breaks its schema: a bug in iop, never silently dropped."""


@cache
def schema(table: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{table}.json").read_text(encoding="utf-8"))


def formats(table: str) -> tuple[str, ...]:
    """Where a table is written: csv, parquet, duckdb (a schema may leave CSV out)."""
    return tuple(schema(table).get("x-iop-formats", ("csv", "parquet", "duckdb")))


def verbatim(table: str, field: str) -> bool:
    """A field stored exactly as read (no cell cleaning): the offsets' reference text."""
    return any(f["name"] == field and f.get("x-iop-verbatim") for f in schema(table)["fields"])


def columns(table: str) -> list[str]:
    return [f["name"] for f in schema(table)["fields"]]


def csv_copies(table: str) -> list[tuple[str, str]]:
    """(column, copy) pairs: a column the CSV repeats under another name after the schema's
    columns (`periods.start_date` as `start`: DESIGN.md's contract, read by tools/score.py,
    names the columns `start` and `end`, and `end` is an SQL keyword)."""
    return [(f["name"], f["x-iop-csv-copy"]) for f in schema(table)["fields"]
            if f.get("x-iop-csv-copy")]


_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Rows -> a frame with exactly the schema's columns, in order, with typed columns.

    Dates stay ISO strings (YYYY-MM-DD) in the frame; store writes them as dates.
    """
    fields = schema(table)["fields"]
    df = pd.DataFrame.from_records(rows, columns=[f["name"] for f in fields])
    for f in fields:
        name, kind = f["name"], f["type"]
        if kind == "date":
            df[name] = df[name].astype("string")
        elif kind == "integer":
            df[name] = pd.to_numeric(df[name], errors="raise").astype("Int64")
        else:
            df[name] = df[name].astype(_DTYPES[kind])
    return df


def validate(table: str, df: pd.DataFrame) -> None:
    """Raise SchemaError naming the first broken constraint."""
    fields = schema(table)["fields"]
    names = [f["name"] for f in fields]
    if list(df.columns) != names:
        raise SchemaError(f"{table}: columns {list(df.columns)} != schema {names}")
    for f in fields:
        col = df[f["name"]]
        c = f.get("constraints", {})
        filled = col.dropna()
        if f["type"] == "string":
            filled = filled[filled != ""]
        if c.get("required") and len(filled) != len(col):
            raise SchemaError(f"{table}.{f['name']}: required but {len(col) - len(filled)} empty")
        if "enum" in c:
            bad = set(col.dropna()) - set(c["enum"])
            if bad:
                raise SchemaError(f"{table}.{f['name']}: {sorted(bad)} not in {c['enum']}")
        if "pattern" in c and len(filled):
            ok = filled.str.fullmatch(c["pattern"])
            if not ok.all():
                raise SchemaError(f"{table}.{f['name']}: {filled[~ok].iloc[0]!r} does not match "
                                  f"{c['pattern']}")
        if f["type"] == "date" and len(filled):
            ok = filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
            if not ok.all():
                raise SchemaError(f"{table}.{f['name']}: {filled[~ok].iloc[0]!r} is not a date")
            parsed = pd.to_datetime(filled, format="%Y-%m-%d", errors="coerce")
            if parsed.isna().any():
                raise SchemaError(f"{table}.{f['name']}: {filled[parsed.isna()].iloc[0]!r} is "
                                  "not a real date")


_FORMULA = re.compile(r"^[=+\-@\t\r]")
_BAD_CHARS = re.compile(r"[\x00\ufeff\r]")


def clean_cell(value: str) -> str:
    """No NUL, BOM or CR inside a cell (they break Excel, C tools and some CSV readers)."""
    return _BAD_CHARS.sub("", value)


def starts_formula(value: str) -> bool:
    """Whether a spreadsheet would take the cell for a formula (CWE-1236): the CSVs' rule
    (store.py) and the workbook's (pipeline/export) alike."""
    return bool(_FORMULA.match(value))


def excel_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CWE-1236): a leading ' makes Excel show text."""
    return "'" + value if starts_formula(value) else value
