"""Amount rows: the recognizer's mentions attributed (pipeline/resolve/attribution/) and
written with their provenance. Who pays whom, per what, for which span, as what and as
part of which total is decided there; here the rows are assembled."""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from pipeline.extract.patterns import alternation
from pipeline.extract.sentences import sentence_of, sentences
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.attribution import attribute
from pipeline.resolve.common import iso, provenance
from pipeline.resolve.parties import Parties

_I = re.IGNORECASE


@cache
def _cues() -> dict[str, re.Pattern]:
    d = table("amount_roles")
    out = {}
    for source, words in d["source_of_funds"].items():
        out[f"source:{source}"] = re.compile(rf"(?<![\wåäö]){alternation(words)}(?![\wåäö])", _I)
    out["item_start"] = re.compile(d["regex"]["item_start"], _I)
    return out


def term_of(periods: list[Mention]) -> tuple[date, date | None] | None:
    """The agreement's term: the first term period with a start (as the periods table
    gives it first)."""
    for p in periods:
        if p.attrs.get("kind") == "term" and p.attrs.get("start") is not None:
            return p.attrs["start"], p.attrs.get("end")
    return None


def amount_rows(doc_id: str, clean: CleanText, mentions: dict[str, list[Mention]],
                parties: Parties, kind: str) -> list[dict]:
    text = clean.text
    amounts = mentions.get("amount", [])
    periods = mentions.get("period", [])
    spans = sentences(text)
    for index, m in enumerate(amounts):
        previous_end = amounts[index - 1].end if index else 0
        following = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        s, e = sentence_of(spans, m.start)
        m.attrs["source_of_funds"] = _source_of_funds(text, m, max(s, previous_end),
                                                      following, e)
    attributed = attribute(text, amounts, parties, periods, term_of(periods), kind)
    rows = []
    for n, a in enumerate(attributed):
        m = a.mention
        rows.append({
            "doc_id": doc_id, "amount_sek": m.value, "payer": a.payer, "payee": a.payee,
            "basis": a.basis, "in_kind": a.in_kind, "role": a.role,
            "source_of_funds": m.attrs.get("source_of_funds", ""),
            "ceiling": m.attrs.get("ceiling"), "vat": m.attrs.get("vat", ""),
            "period_start": iso(a.period_start), "period_end": iso(a.period_end),
            "amount_id": f"a{n + 1}",
            "part_of": f"a{a.part_of + 1}" if a.part_of is not None else "",
            "same_as": f"a{a.same_as + 1}" if a.same_as is not None else "",
            "payer_rule": a.payer_rule, "payee_rule": a.payee_rule,
            "period_rule": a.period_rule,
            **provenance(clean, m),
        })
    return rows


def _source_of_funds(text: str, m: Mention, previous_end: int, next_start: int,
                     sentence_end: int) -> str:
    """'budgetmedel med 100 000 kr' (before) or '200 500 kr från statliga medel' (after).

    Before the amount, only its own list item counts (after the last ' och ' or comma).
    """
    cues = _cues()
    before = cues["item_start"].split(text[previous_end : m.start])[-1]
    stop = min(sentence_end, m.end + 80, next_start)
    after = text[m.end : stop]
    for window in (before, after):
        for source in ("state_grant", "budget"):
            if cues[f"source:{source}"].search(window):
                return source
    return ""
