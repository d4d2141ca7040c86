"""Fact rows of a whole archive, spilled to disk while the workers report.

The parent never holds the archive's rows: a 10 000-document archive has ~400 000 fact rows
and ~40 000 page texts. The collector keeps each table's rows only until a chunk is full,
validates the chunk against its schema and writes it as a Parquet part file to a spill
folder. It also does, one document at a time, what the whole-archive sort used to do:
identical rows are kept once (identical files give identical facts, so a doc_id seen
before adds nothing), and rows are ordered within their document by (page, char_start,
the row's text); each row gets its table's running number (`_seq`). The final order needs
the documents' order, known only at the end: sorting by (document position, _seq) gives
exactly the order of sorting all rows by (document, page, char_start, row text).

`SortedFacts` does that sort out of core, in DuckDB (one thread, a memory limit, a temp
folder in the spill folder), and hands the rows back a chunk at a time: the tables to the
writer, the few columns linking needs, the rows of a group of documents to the checks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schemas

CHUNK_ROWS = 10_000  # fact rows per part file (a row is ~1 KB while it is a dict)
PAGE_CHUNK_ROWS = 500  # page texts are large rows: fewer per part
READ_ROWS = 20_000  # rows per chunk handed back
DUCKDB_MEMORY = "64MB"  # DuckDB's buffer for the sort; it spills to disk beyond it
SEQ = "_seq"
POSITION = "_pos"

_ARROW = {"string": pa.string(), "date": pa.string(), "integer": pa.int64(),
          "number": pa.float64(), "boolean": pa.bool_()}
_PANDAS = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
           pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
           pa.bool_(): pd.BooleanDtype()}


def spill_schema(table: str) -> pa.Schema:
    """A table's columns as spilled: values exactly as extracted (dates as ISO strings, no
    cell cleaning), plus the row's running number."""
    fields = [pa.field(f["name"], _ARROW[f["type"]]) for f in schemas.schema(table)["fields"]]
    return pa.schema([*fields, pa.field(SEQ, pa.int64())])


def to_frame(batch: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """Spilled columns back as the typed columns of schemas.frame()."""
    return batch.to_pandas(types_mapper=_PANDAS.get)


class FactCollector:
    def __init__(self, tables: tuple[str, ...], spill_dir: Path,
                 chunk_rows: int | None = None, page_chunk_rows: int | None = None):
        self.tables = tables
        self.spill_dir = spill_dir
        self.chunk_rows = {name: (page_chunk_rows or PAGE_CHUNK_ROWS) if name == "pages"
                           else (chunk_rows or CHUNK_ROWS) for name in tables}
        self.pending: dict[str, list[dict]] = {name: [] for name in tables}
        self.parts: dict[str, list[Path]] = {name: [] for name in tables}
        self.counts: dict[str, int] = {name: 0 for name in tables}  # rows kept per table
        self.documents: set[str] = set()
        self.most_held = 0  # the most rows held between two documents (tests: bounded)

    @classmethod
    def from_rows(cls, tables: tuple[str, ...], facts: dict[str, list[dict]], spill_dir: Path,
                  **chunks: int) -> FactCollector:
        """A collector of rows given per table for many documents (assemble()'s callers
        that hold them already)."""
        by_document: dict[str, dict[str, list[dict]]] = {}
        for name in tables:
            for row in facts.get(name, []):
                by_document.setdefault(row["doc_id"], {}).setdefault(name, []).append(row)
        collector = cls(tables, spill_dir, **chunks)
        for doc_id, rows in by_document.items():
            collector.add(doc_id, rows)
        return collector

    def add(self, doc_id: str, facts: dict[str, list[dict]]) -> None:
        """The fact rows of one document (all carry its doc_id)."""
        if not any(facts.get(name) for name in self.tables):
            return
        if doc_id in self.documents:
            return  # a duplicate file: its rows are those already kept
        self.documents.add(doc_id)
        for name in self.tables:
            rows = _unique(facts.get(name, []))
            rows.sort(key=lambda r: (r.get("page") or 0, r.get("char_start") or 0, str(r)))
            pending = self.pending[name]
            pending.extend(rows)
            if len(pending) >= self.chunk_rows[name]:
                self._flush(name)
        self.most_held = max(self.most_held, self.held_rows())

    def held_rows(self) -> int:
        return sum(len(rows) for rows in self.pending.values())

    def _flush(self, name: str) -> None:
        rows = self.pending[name]
        if not rows:
            return
        df = schemas.frame(name, rows)
        schemas.validate(name, df)
        start = self.counts[name]
        df[SEQ] = pd.array(range(start, start + len(df)), dtype="Int64")
        part = self.spill_dir / f"{name}-{len(self.parts[name]):06d}.parquet"
        pq.write_table(pa.Table.from_pandas(df, schema=spill_schema(name), preserve_index=False),
                       part)
        self.parts[name].append(part)
        self.counts[name] += len(df)
        self.pending[name] = []

    def finish(self, order: dict[str, int]) -> SortedFacts:
        """Every row written out; the rows in the documents' `order` (doc_id -> position)."""
        for name in self.tables:
            self._flush(name)
        return SortedFacts(self.spill_dir, self.parts, dict(self.counts), order)


class SortedFacts:
    """The collected tables in their final order, read through DuckDB a chunk at a time.

    The fact tables are sorted once into a DuckDB file in the spill folder (the checks read
    them again, a group of documents at a time); the pages table, written and never checked,
    is sorted as it is written.
    """

    def __init__(self, spill_dir: Path, parts: dict[str, list[Path]], counts: dict[str, int],
                 order: dict[str, int]):
        self.tables = tuple(parts)
        self.counts = counts
        self.con = duckdb.connect(str(spill_dir / "sorted.duckdb"), config={
            "threads": 1, "memory_limit": DUCKDB_MEMORY,
            "temp_directory": str(spill_dir / "duckdb.tmp"), "preserve_insertion_order": True})
        positions = pa.table({"doc_id": pa.array(list(order), pa.string()),
                              "position": pa.array(list(order.values()), pa.int64())})
        self.con.register("positions_arrow", positions)
        self.con.execute("CREATE TABLE positions AS SELECT * FROM positions_arrow")
        self.con.unregister("positions_arrow")
        self.source: dict[str, str] = {}
        for name, files in parts.items():
            if not files:
                continue
            ranked = (f"SELECT t.*, coalesce(p.position, 0) AS {POSITION} FROM "
                      f"read_parquet({[str(f) for f in files]!r}) t "
                      "LEFT JOIN positions p ON t.doc_id = p.doc_id")
            if name == "pages":
                self.source[name] = f"({ranked})"
            else:
                self.con.execute(f"CREATE TABLE {name} AS {ranked} ORDER BY {POSITION}, {SEQ}")
                self.source[name] = name

    def close(self) -> None:
        self.con.close()

    def _query(self, name: str, columns: Iterable[str] | None, docs: Iterable[str] | None
               ) -> pa.RecordBatchReader | None:
        if name not in self.source:
            return None
        wanted = ", ".join(f'"{c}"' for c in columns) if columns else \
            ", ".join(f'"{c}"' for c in schemas.columns(name))
        where = ""
        if docs is not None:
            self.con.register("wanted", pa.table({"doc_id": pa.array(list(docs), pa.string())}))
            where = "WHERE doc_id IN (SELECT doc_id FROM wanted)"
        return self.con.sql(f"SELECT {wanted} FROM {self.source[name]} {where} "
                            f"ORDER BY {POSITION}, {SEQ}").to_arrow_reader(READ_ROWS)

    def chunks(self, name: str) -> Iterator[pd.DataFrame]:
        """The whole table in order, READ_ROWS rows at a time (nothing for an empty table)."""
        reader = self._query(name, None, None)
        for batch in reader or ():
            if batch.num_rows:
                yield to_frame(batch)

    def frame(self, name: str, columns: list[str] | None = None,
              docs: Iterable[str] | None = None) -> pd.DataFrame:
        """`columns` of the table (all by default), of the documents `docs` (all by
        default), in order: for the work that needs a few columns, or a few documents."""
        columns = columns or schemas.columns(name)
        reader = self._query(name, columns, docs)
        if reader is None:
            return schemas.frame(name, [])[columns]
        return to_frame(reader.read_all()).reset_index(drop=True)


def _unique(rows: list[dict]) -> list[dict]:
    seen: set = set()
    out = []
    for row in rows:
        key = tuple(sorted((k, str(v)) for k, v in row.items()))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
