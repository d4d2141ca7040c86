"""Corrected documents as gold files (`iop corrections export-gold DIR`).

Each document with an applied correction becomes one JSON file in the format the project's
gold is written in (../shared/gold/GUIDELINES.md; bench/holdout/tools/make_gold.py writes
the holdout's the same way): its kind, title, memo date, parties, amounts with their sums,
term, notice, follow-up and other periods, obligations, signatories, the flags it must
raise and those it must not (a dismissed flag is a false alarm: absent), and the documents
it proposes, is a draft of or amends. The facts are the corrected tables' own, so an
analyst's review turns into an evaluation case that `make eval` or the shared scorer can
run.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from pipeline import store
from pipeline.corrections.apply import plain

EXPORTED_BY = "iop corrections export-gold"
# The flag codes a gold file speaks of (DESIGN.md); the others are the run's own notes.
GOLD_FLAGS = ("MEMO_AGREEMENT_MISMATCH", "SUM_MISMATCH", "PERIOD_MISMATCH",
              "DURATION_MISMATCH", "PLACEHOLDER", "UNSIGNED", "INVALID_ORG_NUMBER")
_OTHER_PERIODS = ("funding", "allocation", "payment", "indexation")
_TABLES = ("documents", "parties", "amounts", "periods", "obligations", "signatories",
           "flags", "links", "corrections")


class GoldError(Exception):
    """Export refused (a file there that export-gold did not write): one line, exit 2."""


def _rows(df: pd.DataFrame) -> list[dict]:
    return [{k: plain(v) for k, v in row.items()}
            for row in df.astype(object).where(df.notna(), None).to_dict("records")]


def load(tables_dir: Path) -> dict[str, list[dict]]:
    if not (tables_dir / "documents.parquet").exists():
        raise GoldError(f"no tables in {tables_dir}: run iop extract first, or give --tables")
    return {name: _rows(store.read_table(tables_dir, name)) for name in _TABLES}


def corrected_documents(tables: dict[str, list[dict]]) -> list[str]:
    """The doc_ids with at least one applied correction, in source order."""
    applied = {row["applied_doc_id"] for row in tables["corrections"]
               if row["status"] == "applied" and row["applied_doc_id"]}
    return [d["doc_id"] for d in sorted(tables["documents"], key=lambda d: d["source"])
            if d["doc_id"] in applied]


def gold_of(doc_id: str, tables: dict[str, list[dict]]) -> dict:
    """One document's gold, from its (corrected) rows."""
    of = {name: [{k: plain(v) for k, v in r.items()} for r in tables[name]
                 if r.get("doc_id") == doc_id]
          for name in ("parties", "amounts", "periods", "obligations", "signatories")}
    sources = {d["doc_id"]: Path(d["source"]).name for d in tables["documents"] if d["doc_id"]}
    doc = next(d for d in tables["documents"] if d["doc_id"] == doc_id)
    gold: dict = {"source": Path(doc["source"]).name, "kind": doc["kind"]}
    if doc["kind"] == "memo" and doc.get("date"):
        gold["memo_date"] = doc["date"]
    if doc.get("title"):
        gold["title_contains"] = doc["title"]
    renderings = {frozenset((link["doc_id"], link["related_doc_id"]))
                  for link in tables["links"] if link["relation"] == "same_as"}
    for relation in ("proposes", "draft_of", "amends"):
        kept: list[str] = []  # one rendering of each document (same_as links the others)
        for link in tables["links"]:
            other = link["related_doc_id"]
            if link["doc_id"] == doc_id and link["relation"] == relation and \
                    other in sources and not any(frozenset((other, k)) in renderings
                                                 for k in kept):
                kept.append(other)
        targets = [sources[k] for k in kept]
        if targets:
            gold[relation] = targets[0] if len(targets) == 1 else targets
    gold["parties"] = [{"name": p["name"], "org_number": p.get("org_number"),
                        "sector": p["sector"]} for p in of["parties"] if p["role"] == "party"]
    amounts = [a for a in of["amounts"] if not a.get("same_as")]
    gold["amounts"] = [_amount(a) for a in amounts]
    gold["sums"] = _sums(of["amounts"])
    gold.update(_periods(of["periods"]))
    gold["obligations"] = [{k: v for k, v in {
        "party": o.get("party"), "action_contains": o["action"], "quantity": o.get("quantity"),
        "frequency": o.get("frequency")}.items() if v is not None}
        for o in of["obligations"]]
    signatories = of["signatories"]
    if signatories:
        gold["signatories"] = [{"person": s.get("person"), "for": s.get("for_party"),
                                **{k: s[k] for k in ("place", "date", "date_text") if s.get(k)}}
                               for s in signatories]
        signed = [s for s in signatories if s.get("date") or s.get("date_text")]
        if signed:
            last = max(signed, key=lambda s: s.get("date") or "")
            gold["signed"] = {"place": last.get("place"), "date": last.get("date"),
                              "date_text": last.get("date_text")}
    gold.update(_flags(doc_id, tables["flags"]))
    ids = [r["correction_id"] for r in tables["corrections"]
           if r["applied_doc_id"] == doc_id and r["status"] == "applied"]
    gold["corrections"] = ids
    gold["exported_by"] = EXPORTED_BY
    gold["note"] = ("Written from iop's tables with the analysts' corrections applied "
                    f"({', '.join(ids)}); review it before it becomes an evaluation case.")
    return gold


def _amount(row: dict) -> dict:
    out = {"amount_sek": int(row["amount_sek"]), "payer": row.get("payer"),
           "payee": row.get("payee"), "basis": row["basis"],
           "in_kind": None if row.get("in_kind") is None else bool(row["in_kind"]),
           "role": row.get("role") or None}
    for name in ("period_start", "period_end", "source_of_funds"):
        if row.get(name):
            out[name] = row[name]
    if row.get("ceiling"):
        out["ceiling"] = True
    return out


def _sums(amounts: list[dict]) -> list[dict]:
    parts: dict[str, list[int]] = defaultdict(list)
    seen: set[tuple] = set()
    for row in amounts:
        if row.get("part_of"):
            same = (row["part_of"], row["amount_sek"], row.get("payer"), row.get("payee"),
                    row.get("period_start"), row.get("in_kind"))
            if same not in seen:  # a restated split counts once
                seen.add(same)
                parts[row["part_of"]].append(int(row["amount_sek"]))
    sums = []
    for row in amounts:
        found = parts.get(row.get("amount_id") or "")
        if found:
            sums.append({"total": int(row["amount_sek"]), "parts": found,
                         "holds": sum(found) == int(row["amount_sek"])})
    return sums


def _periods(periods: list[dict]) -> dict:
    out: dict = {}
    term = next((p for p in periods if p["kind"] == "term"), None)
    if term:
        out["term"] = {"start": term.get("start_date"), "end": term.get("end_date")}
        if term.get("months"):
            out["term"]["stated_duration_months"] = int(term["months"])
    notice = next((p for p in periods if p["kind"] == "notice" and p.get("months")), None)
    if notice:
        out["notice_months"] = int(notice["months"])
    follow = next((p for p in periods if p["kind"] == "follow_up"), None)
    if follow and follow.get("times_per_year"):
        out["follow_up"] = {"text_contains": follow.get("quote") or "",
                            "per_year": follow["times_per_year"]}
    # the gold's keys are `start` and `end`; the table's, start_date and end_date
    others = [{"kind": p["kind"], **{k: p[f"{k}_date"] for k in ("start", "end")
                                     if p.get(f"{k}_date")}}
              for p in periods if p["kind"] in _OTHER_PERIODS
              and (p.get("start_date") or p.get("end_date"))]
    if others:
        out["other_periods"] = others
    return out


def _flags(doc_id: str, flags: list[dict]) -> dict:
    """What must be raised on the document (open or accepted flags, counted as the scorer
    counts them: on the flagged and the related document) and what must not (a code
    with no such flag, or only dismissed ones)."""
    mine = [f for f in flags if doc_id in (f["doc_id"], f.get("related_doc_id"))]
    raised = Counter(f["code"] for f in mine if f.get("decision") != "dismissed")
    out: dict = {"flags": sorted(c for c in raised if c in GOLD_FLAGS)}
    counts = {c: n for c, n in raised.items() if n > 1 and c in GOLD_FLAGS}
    if counts:
        out["flag_counts"] = dict(sorted(counts.items()))
    out["absent_flags"] = [c for c in GOLD_FLAGS if c not in raised]
    return out


def file_name(source: str) -> str:
    return source.replace("/", "__") + ".json"


def export(tables_dir: Path, out: Path) -> list[Path]:
    """Write a gold file per corrected document into `out` (made when absent); a file
    there that export-gold did not write is never replaced (GoldError)."""
    tables = load(tables_dir)
    documents = {d["doc_id"]: d for d in tables["documents"] if d["doc_id"]}
    chosen = corrected_documents(tables)
    planned = [(out / file_name(documents[d]["source"]), gold_of(d, tables)) for d in chosen]
    for path, _gold in planned:
        if path.exists() and not _ours(path):
            raise GoldError(f"{path} was not written by {EXPORTED_BY}; move it, or choose "
                            "another folder")
    out.mkdir(parents=True, exist_ok=True)
    for path, gold in planned:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=out)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(gold, ensure_ascii=False, indent=2) + "\n")
        os.replace(tmp, path)
    return [path for path, _gold in planned]


def _ours(path: Path) -> bool:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("exported_by") == EXPORTED_BY
    except (OSError, ValueError, AttributeError):
        return False
