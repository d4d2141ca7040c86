"""Small helpers shared by the resolvers."""

from __future__ import annotations

from pipeline.normalize import CleanText
from pipeline.records import Mention


def provenance(clean: CleanText, mention: Mention | None = None, start: int = 0, end: int = 0,
               rule_id: str = "") -> dict:
    if mention is not None:
        start, end, rule_id = mention.start, mention.end, mention.rule_id
    p = clean.locate(start, end, rule_id)
    return {"page": p.page, "char_start": p.char_start, "char_end": p.char_end,
            "quote": p.quote, "rule_id": p.rule_id}


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None
