"""Fact rows of a whole archive, spilled to disk while the workers report.

The parent never holds the archive's rows: a 10 000-document archive has ~400 000 fact rows
and ~40 000 page texts. The collector keeps each table's rows only until a chunk is full,
validates the chunk against its schema and writes it as a Parquet part file to a spill
folder. It also does, one document at a time, what the whole-archive sort used to do:
identical rows are kept once (identical files give identical facts, so a doc_id seen
before adds nothing), and rows are ordered within their document by (page, char_start,
the row's text). A document's rows go to one part, together; the collector remembers where
(an index entry per document and table). The final order needs the documents' order, known
only at the end: reading the documents' rows in that order gives exactly the order of
sorting all rows by (document, page, char_start, row text).

`SortedFacts` reads them back so, a chunk at a time: the tables to the writer, the few
columns linking needs, the rows of a group of documents to the checks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schemas

CHUNK_ROWS = 10_000  # fact rows per part file (a row is ~1 KB while it is a dict)
PAGE_CHUNK_ROWS = 500  # page texts are large rows: fewer per part (and per chunk read)
READ_ROWS = 20_000  # rows per chunk handed back
PARTS_KEPT = 4  # parts kept after reading (per table and columns)

_ARROW = {"string": pa.string(), "date": pa.string(), "integer": pa.int64(),
          "number": pa.float64(), "boolean": pa.bool_()}
_PANDAS = {pa.string(): pd.StringDtype(), pa.large_string(): pd.StringDtype(),
           pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(),
           pa.bool_(): pd.BooleanDtype()}


def spill_schema(table: str) -> pa.Schema:
    """A table's columns as spilled: values exactly as extracted (dates as ISO strings, no
    cell cleaning)."""
    return pa.schema([pa.field(f["name"], _ARROW[f["type"]])
                      for f in schemas.schema(table)["fields"]])


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
        # where each document's rows are: (doc_id, part number, first row, rows) per table
        self.index: dict[str, list[tuple[str, int, int, int]]] = {name: [] for name in tables}
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
            if not rows:
                continue
            rows.sort(key=lambda r: (r.get("page") or 0, r.get("char_start") or 0, str(r)))
            pending = self.pending[name]
            self.index[name].append((doc_id, len(self.parts[name]), len(pending), len(rows)))
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
        part = self.spill_dir / f"{name}-{len(self.parts[name]):06d}.parquet"
        pq.write_table(pa.Table.from_pandas(df, schema=spill_schema(name), preserve_index=False),
                       part)
        self.parts[name].append(part)
        self.pending[name] = []

    def finish(self, order: dict[str, int]) -> SortedFacts:
        """Every row written out; the rows in the documents' `order` (doc_id -> position)."""
        for name in self.tables:
            self._flush(name)
        return SortedFacts(self.parts, self.index, order)


class SortedFacts:
    """The collected tables in their final order, read back a chunk at a time.

    Each document's rows lie together in one part (a part is spilled between documents),
    so the final order is the documents' order: a chunk is gathered from the parts its
    documents are in. Workers report roughly in the order files were sent, so consecutive
    documents mostly share a part; the last parts read are kept (PARTS_KEPT) and each is
    read once in the usual case. (DuckDB's ORDER BY was tried first: with a memory limit
    that keeps the parent flat it runs out of memory sorting the page texts.)
    """

    def __init__(self, parts: dict[str, list[Path]],
                 index: dict[str, list[tuple[str, int, int, int]]], order: dict[str, int]):
        self.tables = tuple(parts)
        self.parts = parts
        # a stable sort by position keeps each document's rows in arrival order: the order
        # of sorting all rows by (position, arrival)
        self.index = {name: sorted(entries, key=lambda e: order.get(e[0], 0))
                      for name, entries in index.items()}
        self.counts = {name: sum(e[3] for e in entries) for name, entries in index.items()}
        self._kept: OrderedDict[tuple, pa.Table] = OrderedDict()
        self.part_reads = 0  # parts read from disk (tests, benchmarks)

    def close(self) -> None:
        self._kept.clear()

    def _part(self, name: str, number: int, columns: tuple[str, ...]) -> pa.Table:
        key = (name, number, columns)
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        table = pq.read_table(self.parts[name][number], columns=list(columns))
        self.part_reads += 1
        self._kept[key] = table
        while len(self._kept) > PARTS_KEPT:
            self._kept.popitem(last=False)
        return table

    def _gather(self, name: str, entries: list[tuple[str, int, int, int]],
                columns: tuple[str, ...]) -> Iterator[pd.DataFrame]:
        """The rows of `entries` (in their order), about READ_ROWS at a time."""
        size = READ_ROWS if name != "pages" else PAGE_CHUNK_ROWS
        batch: list[tuple[str, int, int, int]] = []
        rows = 0
        for entry in entries:
            batch.append(entry)
            rows += entry[3]
            if rows >= size:
                yield self._read(name, batch, columns)
                batch, rows = [], 0
        if batch:
            yield self._read(name, batch, columns)

    def _read(self, name: str, entries: list[tuple[str, int, int, int]],
              columns: tuple[str, ...]) -> pd.DataFrame:
        """One chunk: each part it needs is read once and only its rows are copied out, so
        a chunk whose documents are spread over every part holds at most PARTS_KEPT parts."""
        by_part: dict[int, list[int]] = {}
        for i, (_doc, number, _start, _rows) in enumerate(entries):
            by_part.setdefault(number, []).append(i)
        taken, offsets, offset = [], [0] * len(entries), 0
        for number, members in by_part.items():
            rows = np.concatenate([np.arange(entries[i][2], entries[i][2] + entries[i][3])
                                   for i in members])
            taken.append(self._part(name, number, columns).take(pa.array(rows)))
            for i in members:
                offsets[i] = offset
                offset += entries[i][3]
        table = pa.concat_tables(taken)
        if len(taken) > 1:  # back to the entries' order
            table = table.take(pa.array(np.concatenate(
                [np.arange(offsets[i], offsets[i] + e[3]) for i, e in enumerate(entries)])))
        return to_frame(table)

    def chunks(self, name: str) -> Iterator[pd.DataFrame]:
        """The whole table in order, a chunk at a time (nothing for an empty table)."""
        yield from self._gather(name, self.index[name], tuple(schemas.columns(name)))

    def frame(self, name: str, columns: list[str] | None = None,
              docs: Iterable[str] | None = None) -> pd.DataFrame:
        """`columns` of the table (all by default), of the documents `docs` (all by
        default), in order: for the work that needs a few columns, or a few documents."""
        columns = columns or schemas.columns(name)
        entries = self.index.get(name, [])
        if docs is not None:
            wanted = set(docs)
            entries = [e for e in entries if e[0] in wanted]
        frames = list(self._gather(name, entries, tuple(columns))) if entries else []
        if not frames:
            return schemas.frame(name, [])[columns]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _unique(rows: list[dict]) -> list[dict]:
    seen: set = set()
    out = []
    for row in rows:
        key = tuple(sorted((k, str(v)) for k, v in row.items()))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
