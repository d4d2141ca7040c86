"""Store: validated frames -> CSV + Parquet + one DuckDB file, published atomically.

All outputs of a run are written to a staging directory beside --out, then swapped in
with one atomic rename (renameat2 RENAME_EXCHANGE on Linux): a run killed at any moment
leaves the previous complete set or the new complete set. manifest.json, written last
inside the staging directory, lists every file with its sha256.

The staging directory (`.NAME.tmp-PID`, hidden, beside --out so that the rename is
atomic), the run's spill directory (`.NAME.spill-PID`: the rows it collected, as
Parquet parts, and DuckDB's sort files; see pipeline.collect) and its lock (`.NAME.lock`,
pipeline.outdir) are the only things written outside --out; a run killed before it could
remove them leaves them behind, and the next run removes them.

Publishing replaces only a folder that is absent, empty or an earlier output of the same
command, and removes only what that output's manifest lists (pipeline.outdir).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import outdir, schemas

_ARROW = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
          "boolean": pa.bool_(), "date": pa.date32()}


# A table to write: a whole frame, or a function that yields it in chunks of rows, in order
# (a run's large tables, read back from the rows it spilled; they were validated as they
# were spilled).
Table = pd.DataFrame | Callable[[], Iterable[pd.DataFrame]]


def spill_dir(out: Path) -> Path:
    """A new, empty folder for the run's spilled rows, hidden beside `out` (same disk)."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(out)
    path = out.parent / f".{out.name}.spill-{os.getpid()}"
    remove(path)
    path.mkdir()
    return path


def remove(path: Path) -> None:
    """Remove one of the run's own hidden entries, a folder or a file."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def write_tables(tables: dict[str, Table], out: Path, meta: dict,
                 views: tuple[str, ...] = (), statements: list[str] | tuple = (),
                 extras: Callable[[Path], None] | None = None) -> Path:
    """Validate every table, write them all, and publish the set atomically at `out`.

    In iop.duckdb the tables named in `views` are not loaded: `statements` (run after the
    tables are loaded) create them as views, with the SQL that computed their rows.
    `extras`, given the staging folder once the tables are written there, writes more
    files into it (iop extract's workbook); they are listed in the manifest and
    published with the tables."""
    for name, df in tables.items():
        if isinstance(df, pd.DataFrame):
            schemas.validate(name, df)
    out = out.resolve()
    outdir.owned_entries(out, outdir.EXTRACT_OUT)  # refused before anything is written
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    remove_stale_staging(out)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    remove(staging)
    staging.mkdir()
    try:
        (staging / EXCEL_DIR).mkdir()
        for name, df in tables.items():
            if "csv" in schemas.formats(name):
                _write_csv(name, _chunks(name, df, CSV_CHUNK_ROWS), staging / f"{name}.csv",
                           staging / EXCEL_DIR / f"{name}.csv")
            _write_parquet(name, _chunks(name, df, PARQUET_CHUNK_ROWS),
                           staging / f"{name}.parquet")
        _write_duckdb(tables, staging / "iop.duckdb", views, statements)
        _write_datapackage(tables, staging / "datapackage.json")
        if extras is not None:
            extras(staging)
        _write_manifest(staging, meta)
        _fsync_dir(staging / EXCEL_DIR)
        _fsync_dir(staging)
        publish(staging, out, outdir.EXTRACT_OUT)
    finally:
        remove(staging)
    return out


CSV_CHUNK_ROWS = 20_000  # pandas turns the rows it formats into Python objects: few at a time


def _chunks(name: str, table: Table, rows: int) -> Iterator[pd.DataFrame]:
    """The table's rows, a chunk at a time; at least one chunk (an empty table has a header)."""
    if isinstance(table, pd.DataFrame):
        for start in range(0, max(len(table), 1), rows):
            yield table.iloc[start : start + rows]
        return
    empty = True
    for chunk in table():
        for start in range(0, len(chunk), rows):
            empty = False
            yield chunk.iloc[start : start + rows]
    if empty:
        yield schemas.frame(name, [])


# The CSVs for a Swedish Excel: a double click opens them right. Excel reads a CSV in the
# system's code page unless it starts with a byte order mark, splits columns on the
# system's list separator (';' where the decimal sign is ',', as in Sweden) and reads
# '0.75' as text there. The main CSVs stay plain UTF-8 with ',' (DESIGN.md's contract,
# what tools read): these are a copy of them in the other dialect.
EXCEL_DIR = "excel"
EXCEL_CSV = {"sep": ";", "decimal": ",", "lineterminator": "\r\n"}


def _write_csv(name: str, chunks: Iterable[pd.DataFrame], path: Path, excel: Path) -> None:
    """`path`: UTF-8, ',' and '.', the contract's copies of renamed columns at the end;
    `excel`: the same rows for a Swedish Excel (EXCEL_CSV, UTF-8 with a BOM)."""
    copies = schemas.csv_copies(name)
    with open(path, "w", encoding="utf-8", newline="") as handle, \
            open(excel, "w", encoding="utf-8-sig", newline="") as sheet:
        for number, chunk in enumerate(chunks):
            safe = chunk.copy(deep=False)
            for column in safe.columns:
                if safe[column].dtype == "string":
                    safe[column] = _excel_safe(_clean_cells(safe[column]))
            safe.to_csv(sheet, index=False, header=number == 0, **EXCEL_CSV)
            for column, copy in copies:
                safe[copy] = safe[column]
            safe.to_csv(handle, index=False, header=number == 0, lineterminator="\n")
        for done in (handle, sheet):
            done.flush()
            os.fsync(done.fileno())


# schemas.clean_cell and schemas.excel_safe over whole columns: string methods on Arrow
# strings run in C++, where a Python call per cell took most of the write stage and held a
# Python string per cell (a 10 000-document archive has ~400 000 fact rows).
_BAD_CHARS = ("\x00", "\ufeff", "\r")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _clean_cells(col: pd.Series) -> pd.Series:
    for char in _BAD_CHARS:
        col = col.str.replace(char, "", regex=False)
    return col


def _excel_safe(col: pd.Series) -> pd.Series:
    formula = col.str.startswith(_FORMULA_STARTS).fillna(False).astype(bool)
    return col.where(~formula, "'" + col)


def _arrow_table(name: str, df: pd.DataFrame) -> pa.Table:
    fields = schemas.schema(name)["fields"]
    arrays, arrow_fields = [], []
    for f in fields:
        col = df[f["name"]]
        if f["type"] == "date":
            values = pd.to_datetime(col, format="%Y-%m-%d", errors="raise")
            array = pa.array(values, from_pandas=True).cast(pa.date32())
        elif f["type"] == "string" and schemas.verbatim(name, f["name"]):
            array = pa.array(col.astype("string"), type=pa.string(), from_pandas=True)
        elif f["type"] == "string":
            # a missing value is NULL, never '' ("where part_of is null" finds them all)
            cleaned = _clean_cells(col.astype("string"))
            array = pa.array(cleaned.mask((cleaned == "").fillna(False).astype(bool)),
                             type=pa.string(), from_pandas=True)
        else:
            array = pa.array(col, type=_ARROW[f["type"]], from_pandas=True)
        arrays.append(array)
        arrow_fields.append(pa.field(f["name"], _ARROW[f["type"]],
                                     metadata={"description": f.get("description", "")}))
    return pa.Table.from_arrays(arrays, schema=pa.schema(arrow_fields))


PARQUET_CHUNK_ROWS = 50_000  # one row group per chunk: memory stays flat as tables grow


def _write_parquet(name: str, chunks: Iterable[pd.DataFrame], path: Path) -> None:
    schema = _arrow_table(name, schemas.frame(name, [])).schema
    with pq.ParquetWriter(path, schema) as writer:
        for chunk in chunks:
            writer.write_table(_arrow_table(name, chunk))


DUCKDB_MEMORY = "64MB"  # the DuckDB file is loaded from the Parquet files, streamed


def _write_duckdb(tables: dict[str, Table], path: Path, views: tuple[str, ...] = (),
                  statements: list[str] | tuple = ()) -> None:
    import duckdb

    # One thread and a memory limit: DuckDB then streams each Parquet file into its
    # tables (spilling to disk if it must) instead of buffering whole tables per thread.
    con = duckdb.connect(str(path), config={"threads": 1, "memory_limit": DUCKDB_MEMORY})
    try:
        for name in tables:
            if name in views:
                continue
            parquet = path.parent / f"{name}.parquet"
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet(?)", [str(parquet)])
        for statement in statements:
            con.execute(statement)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _csv_schema(name: str) -> dict:
    """The table's schema as its CSV has it: the copies of renamed columns at the end."""
    schema = {k: v for k, v in schemas.schema(name).items() if k != "$schema"}
    fields = {f["name"]: f for f in schema["fields"]}
    copies = [{**{k: v for k, v in fields[column].items() if not k.startswith("x-iop")},
               "name": copy, "description": f"the same as {column}"}
              for column, copy in schemas.csv_copies(name)]
    return {**schema, "fields": [*schema["fields"], *copies]}


def _write_datapackage(tables: dict[str, Table], path: Path) -> None:
    resources = []
    for name in tables:
        if "csv" in schemas.formats(name):
            resources.append({"name": name, "path": f"{name}.csv", "format": "csv",
                              "encoding": "utf-8", "schema": _csv_schema(name)})
        else:
            resources.append({"name": name, "path": f"{name}.parquet", "format": "parquet",
                              "schema": {k: v for k, v in schemas.schema(name).items()
                                         if k != "$schema"}})
    package = {
        "name": "iop-extracted",
        "title": "Facts extracted from IOP agreements and memos",
        "description": f"The CSVs for a Swedish Excel are in {EXCEL_DIR}/: UTF-8 with a byte "
                       "order mark, ';' between columns, ',' as the decimal sign.",
        "resources": resources,
    }
    path.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sha256_synced(path: Path) -> str:
    """The file's sha256, after forcing it to disk (Parquet and DuckDB do not fsync)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_manifest(staging: Path, meta: dict) -> None:
    files = {p.relative_to(staging).as_posix(): {"sha256": _sha256_synced(p),
                                                 "bytes": p.stat().st_size}
             for p in sorted(staging.rglob("*")) if p.is_file()}
    folders = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*")
                     if p.is_dir())
    manifest = {"tool": outdir.EXTRACT,
                "written": datetime.now(UTC).isoformat(timespec="seconds"), **meta,
                "folders": folders, "files": files}
    path = staging / "manifest.json"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False when the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def publish(staging: Path, out: Path, owner: outdir.Owner) -> None:
    """Swap a complete staging directory in at `out` (atomic on Linux; used by report too).

    `out` must be absent, empty or `owner`'s earlier output (checked again here, just
    before the swap); of the earlier output only what its manifest lists is removed."""
    old_entries = outdir.owned_entries(out, owner)
    if not out.exists():
        os.rename(staging, out)
    elif _exchange(staging, out):
        outdir.remove_listed(staging, old_entries, out)  # staging now holds the old set
    else:
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.rename(out, old)
        os.rename(staging, out)
        outdir.remove_listed(old, old_entries, out)
    _fsync_dir(out.parent)


def remove_stale_staging(out: Path) -> None:
    """Staging, spill and swapped-out directories of runs that were killed (their process
    is gone; recover() has put a swapped-out set back if `out` was missing)."""
    stale = [*out.parent.glob(f".{out.name}.tmp-*"), *out.parent.glob(f".{out.name}.spill-*"),
             *(out.parent.glob(f".{out.name}.old-*") if out.exists() else ())]
    for path in stale:
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not outdir.alive(int(pid)):
            remove(path)



def recover(out: Path) -> None:
    """After a crash in the non-atomic fallback: put the old set back if out is missing."""
    if out.exists():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if olds:
        os.rename(olds[-1], out)


def read_table(tables_dir: Path, name: str) -> pd.DataFrame:
    """Read a written table back with its schema types (for checks, compare, report)."""
    path = tables_dir / f"{name}.parquet"
    if not path.exists():
        return schemas.frame(name, [])
    df = pq.read_table(path).to_pandas()
    for f in schemas.schema(name)["fields"]:
        if f["type"] == "date":
            df[f["name"]] = df[f["name"]].map(
                lambda v: None if v is None or pd.isna(v) else v.isoformat()).astype("string")
    return schemas.frame(name, df.to_dict("records"))
