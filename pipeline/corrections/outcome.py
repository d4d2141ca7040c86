"""What became of a run's corrections: the corrections table, and a warning on the
document of each correction that could not be applied (status warning, code
CORRECTION_ORPHANED or CORRECTION_CONFLICT), so the run lists it and exits 3."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from pipeline import codes
from pipeline.corrections.model import Outcome

UNAPPLIED = ("orphaned", "conflict")
CODE = {"orphaned": "CORRECTION_ORPHANED", "conflict": "CORRECTION_CONFLICT"}


def counts(outcomes: list[Outcome]) -> dict[str, int]:
    """Corrections per status (applied, orphaned, conflict, superseded)."""
    return dict(Counter(o.status for o in outcomes))


def unapplied(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status in UNAPPLIED]


def mark_documents(documents: pd.DataFrame, outcomes: list[Outcome]) -> pd.DataFrame:
    """The documents frame with a warning on each document (found by doc_id, or by the
    source the correction names) that has a correction not applied."""
    problems = unapplied(outcomes)
    if not problems:
        return documents
    documents = documents.copy()
    ids = documents["doc_id"].fillna("")
    for outcome in problems:
        c = outcome.correction
        hit = ids == c.doc_id
        if not hit.any():
            hit = (documents["source"] == c.source) & (ids != "")
        if not hit.any():
            continue
        index = hit[hit].index[0]
        note = codes.message(CODE[outcome.status],
                             f"{c.id} in {c.where}: {outcome.message}")
        if documents.at[index, "status"] != "error":
            documents.at[index, "status"] = "warning"
        code = documents.at[index, "code"]
        if pd.isna(code) or not code:
            documents.at[index, "code"] = CODE[outcome.status]
        error = documents.at[index, "error"]
        documents.at[index, "error"] = f"{error}; {note}" if not pd.isna(error) and error \
            else note
    return documents
