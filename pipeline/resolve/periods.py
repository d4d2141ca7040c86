"""Period rows (term, funding, allocation, notice, follow-up, payment, indexation) and
placeholder rows."""

from __future__ import annotations

from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.common import iso, provenance


def complete_term(periods: list[Mention]) -> None:
    """A term written with only its end ('förlängs till och med den 31 mars 2024') takes its
    start from a funding period that ends the same day (a memo's cost period)."""
    for term in (p for p in periods if p.attrs["kind"] == "term"):
        a = term.attrs
        if a["start"] is None and a["end"] is not None:
            for other in periods:
                o = other.attrs
                if o["kind"] in ("funding", "allocation") and o["end"] == a["end"] and o["start"]:
                    a["start"] = o["start"]
                    break


def period_rows(doc_id: str, clean: CleanText, periods: list[Mention]) -> list[dict]:
    complete_term(periods)
    rows = []
    for p in periods:
        a = p.attrs
        rows.append({
            "doc_id": doc_id,
            "kind": a["kind"],
            "start": iso(a["start"]),
            "end": iso(a["end"]),
            "months": a["months"],
            "times_per_year": a["times_per_year"],
            **provenance(clean, p),
        })
    return rows


def placeholder_rows(doc_id: str, clean: CleanText, mentions: list[Mention]) -> list[dict]:
    return [{"doc_id": doc_id, "kind": m.rule_id.rsplit(".", 1)[-1], **provenance(clean, m)}
            for m in mentions]
