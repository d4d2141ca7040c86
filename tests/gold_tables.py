"""Tables built from gold files: what a correct extraction would give the checks.

Each gold file (gold/GUIDELINES.md) becomes rows of the contract's tables: its amounts
(with `part_of` from its `sums`: each total's parts are the first amounts of those values
not yet taken), its term (with `stated_duration_months`), its other periods, its parties,
and the links its `proposes` / `draft_of` / `amends` keys name. The checks then run on
facts that do not depend on today's extraction.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.checks.examples import build

PERIOD_KINDS = {"term", "funding", "allocation", "notice", "follow_up", "payment", "indexation"}


def _amounts(doc: str, gold: dict) -> list[dict]:
    rows = []
    for i, amount in enumerate(gold.get("amounts") or []):
        rows.append({"doc": doc, "amount_sek": int(amount["amount_sek"]),
                     "amount_id": f"a{i + 1}", "payer": amount.get("payer") or "",
                     "payee": amount.get("payee") or "",
                     "basis": amount.get("basis") or "unknown",
                     "in_kind": bool(amount.get("in_kind")),
                     "ceiling": bool(amount.get("ceiling")),
                     "role": amount.get("role") or "",
                     "source_of_funds": amount.get("source_of_funds") or "",
                     "period_start": amount.get("period_start"),
                     "period_end": amount.get("period_end")})
    taken: set[int] = set()
    for stated in gold.get("sums") or []:
        total = next((i for i, r in enumerate(rows) if r["amount_sek"] == stated["total"]
                      and i not in taken and r["role"] == "total"), None)
        if total is None:
            total = next((i for i, r in enumerate(rows) if r["amount_sek"] == stated["total"]
                          and i not in taken), None)
        if total is None:
            continue
        parts: list[int] = []
        for value in stated["parts"]:
            part = next((i for i, r in enumerate(rows) if r["amount_sek"] == value
                         and i not in taken and i != total and i not in parts), None)
            parts.append(part)
        if None in parts:  # a part already in another sum: one part_of cannot say both
            continue
        taken |= {total, *parts}
        for part in parts:
            rows[part]["part_of"] = rows[total]["amount_id"]
    return rows


def _periods(doc: str, gold: dict) -> list[dict]:
    rows = []
    term = gold.get("term") or {}
    if term.get("start") or term.get("end") or term.get("stated_duration_months"):
        rows.append({"doc": doc, "kind": "term", "start_date": term.get("start") or None,
                     "end_date": term.get("end") or None,
                     "months": term.get("stated_duration_months")})
    for other in gold.get("other_periods") or []:
        if other.get("kind") in PERIOD_KINDS and (other.get("start") or other.get("end")):
            rows.append({"doc": doc, "kind": other["kind"], "start_date": other.get("start"),
                         "end_date": other.get("end")})
    return rows


def _parties(doc: str, gold: dict) -> list[dict]:
    return [{"doc": doc, "name": p["name"], "org_number": p.get("org_number") or "",
             "role": "party"} for p in gold.get("parties") or []]


def _targets(value) -> list[str]:
    return [] if not value else [value] if isinstance(value, str) else list(value)


def gold_tables(gold_dir: Path) -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    """The tables of every gold file in `gold_dir` (documents named by their source), and
    the gold files by source."""
    from pipeline.checks.examples import doc_id

    golds = {}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        golds[gold["source"]] = gold
    documents, amounts, periods, parties, links = [], [], [], [], []
    for source, gold in golds.items():
        documents.append({"doc": source, "source": source, "kind": gold.get("kind") or "other",
                          "date": gold.get("memo_date")})
        amounts += _amounts(source, gold)
        periods += _periods(source, gold)
        parties += _parties(source, gold)
        for relation in ("proposes", "draft_of", "amends"):
            for target in _targets(gold.get(relation)):
                if target in golds:
                    links.append({"doc": source, "related_doc_id": doc_id(target),
                                  "relation": relation, "score": 1.0})
    tables = build(documents=documents, amounts=amounts, periods=periods, parties=parties,
                   links=links)
    return tables, golds
