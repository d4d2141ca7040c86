"""Resolve: mentions found in the clean text -> table rows with provenance."""

from __future__ import annotations

import re

from pipeline.extract.organisations import normalized, sector
from pipeline.normalize import CleanText
from pipeline.records import Mention

_NAME_START = re.compile(r"(?:^|[\n:;]|\bmellan\b|\bsamt\b|\d[.)]\s)", re.IGNORECASE)


def provenance(clean: CleanText, mention: Mention) -> dict:
    p = clean.locate(mention.start, mention.end, mention.rule_id)
    return {"page": p.page, "char_start": p.char_start, "char_end": p.char_end,
            "quote": p.quote, "rule_id": p.rule_id}


def amount_rows(doc_id: str, clean: CleanText, mentions: list[Mention]) -> list[dict]:
    rows = []
    for m in mentions:
        rows.append({
            "doc_id": doc_id,
            "amount_sek": m.value,
            "payer": m.attrs.get("payer"),
            "payee": m.attrs.get("payee"),
            "basis": m.attrs.get("basis", "unknown"),
            "in_kind": m.attrs.get("in_kind"),
            "role": m.attrs.get("role", ""),
            "source_of_funds": m.attrs.get("source_of_funds", ""),
            "ceiling": m.attrs.get("ceiling"),
            "vat": m.attrs.get("vat", ""),
            "period_start": m.attrs.get("period_start"),
            "period_end": m.attrs.get("period_end"),
            "amount_id": m.attrs.get("amount_id") or f"a{len(rows) + 1}",
            "part_of": m.attrs.get("part_of", ""),
            **provenance(clean, m),
        })
    return rows


def owner_name(text: str, label_start: int) -> str:
    """The organisation an org number belongs to: the words before its label."""
    window = text[max(0, label_start - 160) : label_start]
    starts = list(_NAME_START.finditer(window))
    name = window[starts[-1].end() :] if starts else window
    name = re.sub(r"\(\s*$", "", name).strip(" ,(\t\n-–•●")
    return name


def party_rows_from_org_numbers(doc_id: str, clean: CleanText,
                                mentions: list[Mention]) -> list[dict]:
    rows = []
    for m in mentions:
        name = owner_name(clean.text, m.attrs.get("label_start", m.start)) or m.value
        rows.append({
            "doc_id": doc_id,
            "name": name,
            "name_normalized": normalized(name),
            "org_number": m.value,
            "org_number_valid": m.attrs["valid"],
            "sector": sector(name, m.value),
            "role": "party",
            **provenance(clean, m),
        })
    return rows
