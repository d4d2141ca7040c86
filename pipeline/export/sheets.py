"""What the workbook shows: every table and view of a tables folder, as Arrow batches.

The list comes from the folder's DuckDB file (its tables and views, whatever they are),
ordered as pipeline.schemas lists the tables and then as DuckDB lists the rest; a table
whose schema leaves CSV out (`pages`: whole page texts) is left out here too. A table
that has a Parquet file is read from it, in the order the report reads it (its facts'
anchors count rows in that order); a view is read from DuckDB.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schemas

BATCH_ROWS = 10_000
DUCKDB_FILE = "iop.duckdb"
DUCKDB_MEMORY = "256MB"


class SheetsError(Exception):
    """The folder holds no tables to export (a usage problem)."""


@dataclass(slots=True)
class Sheet:
    name: str
    schema: pa.Schema
    rows: int
    description: str
    batches: Callable[[], Iterator[pa.RecordBatch]]


def _schema_info(name: str) -> tuple[bool, str]:
    """(shown as a sheet, description) from the table's schema; a view without one is
    shown with no description."""
    try:
        schema = schemas.schema(name)
    except (OSError, ValueError):
        return True, ""
    return "csv" in schemas.formats(name), str(schema.get("description") or "")


def catalog(tables_dir: Path) -> list[tuple[str, str]]:
    """(name, 'BASE TABLE' or 'VIEW') of the folder's DuckDB file, in the sheets' order."""
    import duckdb

    path = tables_dir / DUCKDB_FILE
    if not path.is_file():
        raise SheetsError(f"no tables in {tables_dir} ({DUCKDB_FILE} is missing): run iop "
                          "extract first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = 'main' ORDER BY table_type, table_name").fetchall()
    finally:
        con.close()
    order = {name: i for i, name in enumerate(schemas.TABLES)}
    return sorted(found, key=lambda item: (order.get(item[0], len(order)),
                                           item[1] != "BASE TABLE", item[0]))


def sheets(tables_dir: Path) -> list[Sheet]:
    """The sheets of the tables folder, each read lazily."""
    out = []
    for name, _kind in catalog(tables_dir):
        shown, description = _schema_info(name)
        if not shown:
            continue
        parquet = tables_dir / f"{name}.parquet"
        if parquet.is_file():
            meta = pq.ParquetFile(parquet)
            out.append(Sheet(name, meta.schema_arrow, meta.metadata.num_rows, description,
                             lambda p=parquet: pq.ParquetFile(p).iter_batches(BATCH_ROWS)))
        else:
            schema, rows = _duckdb_shape(tables_dir, name)
            out.append(Sheet(name, schema, rows, description,
                             lambda n=name: _duckdb_batches(tables_dir, n)))
    return out


def _connect(tables_dir: Path):
    import duckdb

    return duckdb.connect(str(tables_dir / DUCKDB_FILE), read_only=True,
                          config={"threads": 1, "memory_limit": DUCKDB_MEMORY})


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duckdb_shape(tables_dir: Path, name: str) -> tuple[pa.Schema, int]:
    con = _connect(tables_dir)
    try:
        schema = con.sql(f"SELECT * FROM {_quoted(name)} LIMIT 0").to_arrow_table().schema
        rows = con.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]
    finally:
        con.close()
    return schema, int(rows)


def _duckdb_batches(tables_dir: Path, name: str) -> Iterator[pa.RecordBatch]:
    con = _connect(tables_dir)
    try:
        reader = con.sql(f"SELECT * FROM {_quoted(name)}").to_arrow_reader(BATCH_ROWS)
        while True:
            try:
                yield reader.read_next_batch()
            except StopIteration:
                return
    finally:
        con.close()


def manifest(tables_dir: Path) -> dict:
    """The folder's manifest.json (what iop extract wrote there), {} when unreadable."""
    try:
        data = json.loads((tables_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# pandas dtypes that keep what the redaction reads (str cells, None for missing) and come
# back to the same Arrow types
_PANDAS = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(),
           pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
           pa.bool_(): pd.BooleanDtype(), pa.float64(): pd.Float64Dtype()}


def frame(sheet: Sheet) -> pd.DataFrame:
    """A sheet's rows as one frame (to redact them)."""
    return as_frame(pa.Table.from_batches(list(sheet.batches()), schema=sheet.schema))


def as_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as a frame of str (or None) cells and nullable numbers."""
    return table.to_pandas(types_mapper=_PANDAS.get)


def from_frame(sheet: Sheet, df: pd.DataFrame) -> Sheet:
    """The sheet with its rows replaced by the frame's (same columns and types)."""
    table = pa.Table.from_pandas(df, schema=sheet.schema, preserve_index=False)
    return Sheet(sheet.name, sheet.schema, table.num_rows, sheet.description,
                 lambda: iter(table.to_batches(BATCH_ROWS)))
