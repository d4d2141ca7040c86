"""Resolve: mentions found in the clean text -> the document's facts as table rows.

Decides canonical party names, who pays whom, which period an amount covers, which
amounts make up a stated total. Every row keeps its provenance (see provenance()).
"""

from __future__ import annotations

from pipeline.normalize import CleanText
from pipeline.records import Mention, Page
from pipeline.resolve.amounts import amount_rows
from pipeline.resolve.common import provenance
from pipeline.resolve.obligations import obligation_rows
from pipeline.resolve.parties import Parties
from pipeline.resolve.periods import period_rows, placeholder_rows
from pipeline.resolve.signatories import signatory_rows

__all__ = ["resolve", "provenance"]


def resolve(doc_id: str, clean: CleanText, mentions: dict[str, list[Mention]],
            kind: str, pages: list[Page]) -> dict[str, list[dict]]:
    parties = Parties.build(clean.text, mentions, kind)
    periods = period_rows(doc_id, clean, mentions.get("period", []))
    tables = {
        "parties": parties.rows(doc_id, clean),
        "periods": periods,
        "amounts": amount_rows(doc_id, clean, mentions, parties, kind),
        "obligations": obligation_rows(doc_id, clean, mentions, parties),
        "signatories": signatory_rows(doc_id, clean, pages, mentions.get("date", []), parties)
        if kind == "agreement" else [],
        "placeholders": placeholder_rows(doc_id, clean, mentions.get("placeholder", [])),
    }
    return tables
