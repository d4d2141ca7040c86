"""What the report shows, computed from the tables: pure functions, no HTML.

Rows become plain dicts (None for missing values) grouped by document, flags get their
evidence parsed, and the figures of the overview are counted here.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import schemas, store
from pipeline.archive import archive_tables, groups
from pipeline.checks.links import unlinked_memos as _unlinked_memos

FACT_TABLES = ("parties", "amounts", "periods", "obligations", "signatories", "placeholders")
TABLES = ("documents", *FACT_TABLES, "flags", "links", "corrections")
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_DOC_ID = re.compile(r"[0-9a-f]{64}")


class ReportError(Exception):
    """The report cannot be built (no tables): a usage problem, not a bug."""


def load_tables(tables_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables the report shows; the page texts are read by PageTexts. Tables written
    before the archive views existed get them computed here (pipeline.archive)."""
    if not (tables_dir / "documents.parquet").exists():
        raise ReportError(f"no tables in {tables_dir} (documents.parquet is missing): "
                          "run iop extract first")
    tables = {name: store.read_table(tables_dir, name) for name in TABLES}
    if all((tables_dir / f"{name}.parquet").exists() for name in schemas.ARCHIVE_TABLES):
        tables.update({name: store.read_table(tables_dir, name)
                       for name in schemas.ARCHIVE_TABLES})
        return tables
    documents = tables["documents"]
    if documents["group_id"].isna().all():
        documents = documents.assign(group_id=groups.group_ids(documents, tables["links"]))
        tables["documents"] = documents
    tables.update(archive_tables(documents, tables["links"], tables["parties"],
                                 tables["amounts"], tables["periods"]))
    return tables


class PageTexts:
    """The pages table kept as one Arrow table, sorted by document and page.

    Python strings are made for one document at a time: the texts of a large archive
    stay in Arrow's compact buffers instead of a few gigabytes of Python objects.
    """

    def __init__(self, table: pa.Table):
        table = table.sort_by([("doc_id", "ascending"), ("page", "ascending")])
        self.table = table
        self.spans: dict[str, tuple[int, int]] = {}
        ids = table.column("doc_id").to_pylist()
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                self.spans[ids[start]] = (start, i - start)
                start = i

    @classmethod
    def read(cls, tables_dir: Path) -> PageTexts:
        """From pages.parquet; empty when an older extraction has none."""
        path = tables_dir / "pages.parquet"
        if not path.exists():
            return cls(pa.table({"doc_id": pa.array([], pa.string()),
                                 "page": pa.array([], pa.int64()),
                                 "text": pa.array([], pa.string()),
                                 "ocr": pa.array([], pa.bool_())}))
        return cls(pq.read_table(path, columns=["doc_id", "page", "text", "ocr"]))

    def of(self, doc_id: str) -> list[dict]:
        """The document's pages in order: dicts with page, text, ocr."""
        if doc_id not in self.spans:
            return []
        start, length = self.spans[doc_id]
        rows = self.table.slice(start, length).select(["page", "text", "ocr"]).to_pylist()
        for row in rows:
            row["text"] = row["text"] or ""
        return rows

    def text(self, doc_id: str, page: int | None) -> str | None:
        for row in self.of(doc_id):
            if row["page"] == page:
                return row["text"]
        return None


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None (not pd.NA) for missing values."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


def by_doc(df: pd.DataFrame) -> dict[str, list[dict]]:
    """Rows grouped by doc_id, each group in table order."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in records(df):
        grouped[row["doc_id"]].append(row)
    return grouped


def is_doc_id(value: object) -> bool:
    return isinstance(value, str) and bool(_DOC_ID.fullmatch(value))


def evidence_anchor(page: int | None, start: int | None, end: int | None) -> str:
    if page is None or start is None or end is None:
        return ""
    return f"ev-{page}-{start}-{end}"


def fact_anchor(table: str, index: int) -> str:
    return f"f-{table}-{index}"


def _int(value: object) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


@dataclass(slots=True)
class Evidence:
    doc_id: str
    page: int | None
    char_start: int | None
    char_end: int | None
    quote: str
    table: str
    value: object
    anchor: str


@dataclass(slots=True)
class Flag:
    code: str
    severity: str
    doc_id: str
    related_doc_id: str
    message: str
    rule_id: str
    evidence: list[Evidence] = field(default_factory=list)
    decision: str = ""  # accepted, dismissed (an analyst's review), or "" (open)
    decision_reason: str = ""
    correction_id: str = ""

    @property
    def target(self) -> Evidence | None:
        """The evidence in the flagged document to open first (any evidence otherwise)."""
        located = [e for e in self.evidence if e.anchor and is_doc_id(e.doc_id)]
        own = [e for e in located if e.doc_id == self.doc_id]
        return (own or located or [None])[0]


def parse_evidence(text: str | None, default_doc: str) -> list[Evidence]:
    """The flags.evidence JSON list; anything malformed gives what could be read."""
    try:
        items = json.loads(text) if text else []
    except json.JSONDecodeError:
        return [Evidence(default_doc, None, None, None, str(text), "", None, "")]
    if isinstance(items, dict):
        items = [items]
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        page, start, end = (_int(item.get(k)) for k in ("page", "char_start", "char_end"))
        doc_id = item.get("doc_id") if is_doc_id(item.get("doc_id")) else default_doc
        out.append(Evidence(doc_id, page, start, end, str(item.get("quote") or ""),
                            str(item.get("table") or ""), item.get("value"),
                            evidence_anchor(page, start, end)))
    return out


def flags(df: pd.DataFrame, sources: dict[str, str]) -> list[Flag]:
    """Flags with parsed evidence, most severe first, then by code and document."""
    out = [
        Flag(row["code"], row["severity"], row["doc_id"], row["related_doc_id"] or "",
             row["message"], row["rule_id"] or "",
             parse_evidence(row["evidence"], row["doc_id"]), row.get("decision") or "",
             row.get("decision_reason") or "", row.get("correction_id") or "")
        for row in records(df)
    ]
    out.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.code,
                            sources.get(f.doc_id, ""), f.message))
    return out


def crosstab(rows: list[tuple[str, str]]) -> tuple[list[str], list[str], dict]:
    """Counts of (row key, column key) pairs, with the sorted keys of both."""
    counts = Counter(rows)
    return (sorted({r for r, _ in counts}), sorted({c for _, c in counts}), dict(counts))


def _same_amount(row: dict) -> tuple:
    """What makes two amount rows of a document the same money (a restated split)."""
    return (row["doc_id"], row["amount_sek"], row["payer"], row["payee"], row["role"],
            row["period_start"], row["period_end"])


@dataclass(slots=True)
class SumGroup:
    """A stated amount and the amounts that the text says make it up (amounts.part_of)."""

    total: dict
    total_index: int
    parts: list[tuple[int, dict]]  # (row index in the document, row); restatements once

    @property
    def parts_sum(self) -> int:
        return sum(int(row["amount_sek"]) for _, row in self.parts)


def sum_groups(amounts: list[dict]) -> list[SumGroup]:
    """Every amount that others are part of, with its parts (a restated split once)."""
    parts_of: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for index, row in enumerate(amounts):
        if row["part_of"]:
            parts_of[row["part_of"]].append((index, row))
    groups = []
    for index, total in enumerate(amounts):
        parts, seen = [], set()
        for i, row in parts_of.get(total["amount_id"] or "", []):
            if _same_amount(row) not in seen:
                seen.add(_same_amount(row))
                parts.append((i, row))
        if parts:
            groups.append(SumGroup(total, index, parts))
    return groups


@dataclass(slots=True)
class UnlinkedMemo:
    """A memo that proposes no agreement: the agreement that came closest, the evidence
    the two share (links.evidence's form), its score and why it was not linked (a key of
    the labels' `unlinked` table)."""

    doc_id: str
    candidate_doc_id: str
    score: int | None
    evidence: str
    reason: str


def unlinked_memos(tables: dict[str, pd.DataFrame]) -> list[UnlinkedMemo]:
    """Memos left unlinked, in source order, with their best candidate (the linking rules
    of pipeline/checks/links.py run again on the tables)."""
    needed = ("documents", "parties", "amounts", "periods")
    if any(name not in tables for name in needed) or tables["documents"].empty:
        return []
    return [UnlinkedMemo(row["doc_id"], row["candidate_doc_id"], row["score"],
                         row["evidence"], row["reason"])
            for row in _unlinked_memos({name: tables[name] for name in needed})]
