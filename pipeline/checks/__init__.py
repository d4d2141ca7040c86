"""Checks: pure functions from tables to flag rows, and the links they need.

`link_documents` links memos to the agreements they propose and drafts to each other;
`run_checks` runs every check in CHECKS over the tables (the links among them) and returns
the flags rows in document order; a run checks a group of documents at a time (flag_rows)
and sorts all flags once (in_order). The codes, their severity and Swedish
messages are in checks/catalogue.py (docs/checks.md, `iop checks`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd

from pipeline.checks import across, within
from pipeline.checks.links import link_documents

__all__ = ["CHECKS", "flag_rows", "in_order", "link_documents", "run_checks"]

Tables = dict[str, pd.DataFrame]

# code -> the check that raises it
CHECKS: dict[str, Callable[[Tables], list[dict]]] = {
    "SUM_MISMATCH": within.sum_mismatch,
    "MEMO_AGREEMENT_MISMATCH": across.memo_agreement_mismatch,
    "DURATION_MISMATCH": within.duration_mismatch,
    "PERIOD_MISMATCH": within.period_mismatch,
    "PLACEHOLDER": within.placeholder,
    "UNSIGNED": within.unsigned,
    "INVALID_ORG_NUMBER": within.invalid_org_number,
    "OCR_LOW_CONFIDENCE": within.ocr_low_confidence,
}


def run_checks(tables: Tables) -> list[dict]:
    return in_order(flag_rows(tables), tables["documents"])


def flag_rows(tables: Tables) -> list[dict]:
    """Every check's rows, check after check (in_order sorts them)."""
    return [row for check in CHECKS.values() for row in check(tables)]


def in_order(rows: list[dict], documents: pd.DataFrame) -> list[dict]:
    """Flags rows in document order (then the related document, the check, the place)."""
    order = {d: i for i, d in enumerate(documents.sort_values("source")["doc_id"])}
    codes = {code: i for i, code in enumerate(CHECKS)}

    def position(row: dict) -> tuple:
        first = json.loads(row["evidence"])[0] if row["evidence"] else {}
        return (order.get(row["doc_id"], len(order)), order.get(row["related_doc_id"], -1),
                codes[row["code"]], first.get("page") or 0, first.get("char_start") or 0,
                row["message"])

    return sorted(rows, key=position)
