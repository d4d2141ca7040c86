"""Period rows (term, funding, allocation, notice, follow-up, payment, indexation) and
placeholder rows.

The periods are the agreement's: a document that is no agreement and proposes none (a
guideline, a register, a report) has none of its own; a memo's term is the one it proposes
(a lease's or another contract's term told in passing does not compete with it), and a memo
that proposes agreements with different terms records no term; the same period written
twice is one row.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from pipeline.classify import names_itself_other
from pipeline.extract.patterns import word_alternation
from pipeline.lang import table
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


def agreement_terms(periods: list[Mention]) -> list[Mention]:
    """The term mentions that say something new, in text order.

    The same dates written twice are one term (the one that also states the duration);
    a start alone ('gäller från och med 2024-01-01') or an end alone is part of a term with
    the same start or end; a stated duration alone ('treårig') once per length.
    """
    terms = [p for p in periods if p.attrs["kind"] == "term"]
    dated = [t for t in terms if t.attrs["start"] or t.attrs["end"]]
    full = [t for t in dated if t.attrs["start"] and (t.attrs["end"] or t.attrs.get("open_ended"))]
    kept: list[Mention] = []
    seen: dict[tuple, Mention] = {}
    lengths: set[int] = set()
    for t in terms:
        a = t.attrs
        if not (a["start"] or a["end"]):
            if a["months"] not in lengths:
                lengths.add(a["months"])
                kept.append(t)
            continue
        if t not in full and any(
                (a["start"] and f.attrs["start"] == a["start"])
                or (a["end"] and f.attrs["end"] == a["end"]) for f in full):
            continue
        key = (a["start"], a["end"])
        if key in seen:
            if seen[key].attrs["months"] is None and a["months"] is not None:
                kept[kept.index(seen[key])] = t
                seen[key] = t
            continue
        seen[key] = t
        kept.append(t)
    return kept


@cache
def _protocol_res() -> tuple[re.Pattern, re.Pattern]:
    data = table("periods")
    return (re.compile(data["protocol_paragraph"]),
            re.compile(word_alternation(data["partnership_words"]), re.IGNORECASE))


def other_matters(text: str) -> list[tuple[int, int]]:
    """The paragraphs of a protocol (two or more '§ 61' headings) that do not speak of the
    partnership: another matter of the same meeting."""
    paragraph, partnership = _protocol_res()
    heads = [m.start() for m in paragraph.finditer(text)]
    if len(heads) < 2:
        return []
    spans = zip(heads, heads[1:] + [len(text)], strict=True)
    return [(s, e) for s, e in spans if not partnership.search(text, s, e)]


def _outside(spans: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    """Is `position` in none of the (sorted, disjoint) spans (`starts`: their starts)?"""
    i = bisect_right(starts, position) - 1
    return not (i >= 0 and position < spans[i][1])


def _distinct_terms(terms: list[Mention]) -> int:
    return len({(t.attrs["start"], t.attrs["end"]) for t in terms
                if t.attrs["start"] or t.attrs["end"]})


def memo_terms(terms: list[Mention]) -> list[Mention]:
    """A memo's terms: those of its proposal sentences where it has any (a term told in
    passing with other dates is left out); none where two proposals differ, or where it has
    no proposal term and its terms differ."""
    proposed = [t for t in terms if t.attrs.get("proposal")
                and (t.attrs["start"] or t.attrs["end"])]
    if not proposed:
        return [] if _distinct_terms(terms) > 1 else terms
    if _distinct_terms(proposed) > 1:
        return []  # proposes agreements with different terms
    keys = {(t.attrs["start"], t.attrs["end"]) for t in proposed}
    return [t for t in terms if t.attrs.get("proposal")
            or not (t.attrs["start"] or t.attrs["end"])
            or (t.attrs["start"], t.attrs["end"]) in keys]


def period_rows(doc_id: str, clean: CleanText, periods: list[Mention],
                kind: str = "agreement") -> list[dict]:
    if kind == "other" and names_itself_other(clean.text):
        return []  # a guideline's validity and rules, a register's rows: no agreement's
    if kind == "memo":
        matters = other_matters(clean.text)
        starts = [s for s, _ in matters]
        periods = [p for p in periods if _outside(matters, starts, p.start)]
    complete_term(periods)
    terms = agreement_terms(periods)
    if kind == "memo":
        terms = memo_terms(terms)
    chosen = [p for p in periods if p.attrs["kind"] != "term" or p in terms]
    rows = []
    seen: set[tuple] = set()
    for p in chosen:
        a = p.attrs
        key = (a["kind"], a["start"], a["end"], a["months"], a["times_per_year"])
        if key in seen:
            continue  # the same period written twice ('Uppsägningstid: Tre månader' and § 9)
        seen.add(key)
        rows.append({
            "doc_id": doc_id,
            "kind": a["kind"],
            "start_date": iso(a["start"]),
            "end_date": iso(a["end"]),
            "months": a["months"],
            "times_per_year": a["times_per_year"],
            **provenance(clean, p),
        })
    return rows


def placeholder_rows(doc_id: str, clean: CleanText, mentions: list[Mention]) -> list[dict]:
    return [{"doc_id": doc_id, "kind": m.rule_id.rsplit(".", 1)[-1], **provenance(clean, m)}
            for m in mentions]
