"""Who pays whom how much, in which role, for which period, and which amounts make up a
stated total (part_of)."""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.patterns import alternation
from pipeline.extract.prefilter import Prefiltered
from pipeline.extract.sentences import Lists, sentence_of, sentences
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.common import iso, provenance
from pipeline.resolve.parties import Parties, Party

_I = re.IGNORECASE


@cache
def _cues() -> dict[str, re.Pattern]:
    d = table("amount_roles")
    out = {k: re.compile(rf"(?<![\wåäö]){alternation(d[k])}(?![\wåäö])", _I)
           for k in ("total", "contribution", "allocation", "cost", "grant")}
    for source, words in d["source_of_funds"].items():
        out[f"source:{source}"] = re.compile(rf"(?<![\wåäö]){alternation(words)}(?![\wåäö])", _I)
    for name, regex in d["regex"].items():
        out[name] = re.compile(regex, _I)
    context = table("amounts")["context"]
    for basis in ("per_year", "per_period"):
        out[f"basis:{basis}"] = re.compile(
            rf"(?<![\wåäö]){alternation(context[basis])}(?![\wåäö])", _I)
    return out


def _column_basis(text: str, m: Mention) -> str | None:
    """The basis a table's column header states for the amounts under it ('Belopp per
    år'): a table row is a line of tab-separated cells (DOCX tables, PDF columns)."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.start)
    line_end = len(text) if line_end == -1 else line_end
    if "\t" not in text[line_start:line_end]:
        return None
    column = text.count("\t", line_start, m.start)
    header = None
    position = line_start
    while position > 0:  # up over the table's rows (blank lines between them allowed)
        previous_start = text.rfind("\n", 0, position - 1) + 1
        row = text[previous_start:position - 1]
        if "\t" in row:
            header = row
        elif row.strip():
            break
        position = previous_start
    if header is None:
        return None
    cells = header.split("\t")
    if column >= len(cells):
        return None
    for basis in ("per_year", "per_period"):
        if _cues()[f"basis:{basis}"].search(cells[column]):
            return basis
    return None


def amount_rows(doc_id: str, clean: CleanText, mentions: dict[str, list[Mention]],
                parties: Parties, kind: str) -> list[dict]:
    text = clean.text
    amounts = mentions.get("amount", [])
    periods = [p for p in mentions.get("period", [])
               if p.attrs["kind"] in ("funding", "allocation", "term") and p.attrs["start"]]
    spans = sentences(text)
    lists = Lists(text)
    cues = _cues()
    payments = _payment_routes(text, spans, parties)
    decider = next((p for p in parties.parties if p.mention.rule_id == "party.memo_decider"), None)
    # Per-sentence facts are computed once: a ledger-like text with thousands of amounts in
    # one 'sentence' must stay linear.
    sentence_info: dict[tuple[int, int], dict] = {}
    periods_by_sentence: dict[tuple[int, int], list[Mention]] = {}
    for p in periods:
        if p.attrs["kind"] != "term":
            periods_by_sentence.setdefault(sentence_of(spans, p.start), []).append(p)

    for index, m in enumerate(amounts):
        a = m.attrs
        a["amount_id"] = f"a{index + 1}"
        s, e = sentence_of(spans, m.start)
        info = sentence_info.get((s, e))
        if info is None:
            sentence = text[s:e]
            info = sentence_info[(s, e)] = {
                "first_amount": m.start,
                "allocation": bool(cues["allocation"].search(sentence)),
                "refs": parties.find_in(sentence),
            }
        refs_sentence = info["refs"]
        previous = amounts[index - 1] if index else None
        previous_end = previous.end if previous is not None and previous.end >= s else s
        following = amounts[index + 1].start if index + 1 < len(amounts) else len(text)
        before = text[previous_end : m.start]
        after = text[m.end : min(e, m.end + 80)]
        after_clause = cues["clause_end"].split(after, maxsplit=1)[0]
        refs_before = parties.find_in(before)
        payer: Party | None = None
        payee: Party | None = None
        if info["allocation"]:
            first_amount = info["first_amount"]
            head = [r for r in refs_sentence if s + r[1] <= first_amount]
            payer = head[0][2] if head else None
            to = cues["payee"].match(after)
            if to:
                refs_after = parties.find_in(after[to.end():])
                if refs_after and refs_after[0][0] == 0:
                    payee = refs_after[0][2]
            a["role"] = "allocation"
        else:
            if refs_before:
                payer = refs_before[-1][2]
            elif refs_sentence and refs_sentence[0][0] + s < m.start:
                earlier = [r for r in refs_sentence if r[0] + s < m.start]
                payer = earlier[-1][2]
            local = text[max(s, m.start - 80) : m.start]
            if cues["total"].search(local) and not refs_before:
                a["role"] = "total"
                payer = None
            elif kind == "memo" and cues["cost"].search(local):
                a["role"] = "cost"
            elif a.get("in_kind") or cues["contribution"].search(before + after_clause) or (
                    payer is not None
                    and cues["contribution"].search(text[max(s, m.start - 300) : m.start])):
                a["role"] = "contribution"
            elif cues["grant"].search(local):
                a["role"] = "grant"
            to = cues["payee"].match(after)
            if to:
                refs_after = parties.find_in(after[to.end():])
                if refs_after and refs_after[0][0] == 0:
                    payee = refs_after[0][2]
        if payer is None and a.get("role") in ("contribution", "grant", ""):
            lead = lists.lead_of(m.start)  # '- lokal värderad till 96 000 kr' under 'Kommunen
            refs_lead = parties.find_in(text[lead[0]:lead[1]]) if lead else []  # åtar sig att'
            if refs_lead:
                payer = refs_lead[0][2]
        if a.get("basis", "unknown") == "unknown":
            a["basis"] = _column_basis(text, m) or "unknown"
        a["source_of_funds"] = _source_of_funds(text, m, previous_end, following, e)
        if kind == "memo" and a["source_of_funds"] and decider:
            payer = decider  # the deciding committee spends its budget and the grant
        if payer is None and a.get("role") == "cost":
            if parties.municipality:
                payer = parties.by_key(parties.municipality) or _named(parties.municipality)
            else:
                payer = decider
        if payee is None and payer is not None and a.get("role") in ("contribution", "grant", ""):
            payee = payments.get(payer.key)
        a["payer"] = payer.name if isinstance(payer, Party) else payer
        a["payee"] = payee.name if payee else None
        if a.get("role") == "total":
            a["in_kind"] = None
        period = _period_for(m, periods_by_sentence.get((s, e), []), info["first_amount"])
        if period is not None:
            a["period_start"] = iso(period.attrs["start"])
            a["period_end"] = iso(period.attrs["end"])
            if a["basis"] == "unknown" and period.attrs["kind"] != "term":
                a["basis"] = "per_period"
    _link_parts(text, amounts, spans)
    rows = []
    for m in amounts:
        a = m.attrs
        rows.append({
            "doc_id": doc_id, "amount_sek": m.value, "payer": a.get("payer"),
            "payee": a.get("payee"), "basis": a.get("basis", "unknown"),
            "in_kind": a.get("in_kind"), "role": a.get("role", ""),
            "source_of_funds": a.get("source_of_funds", ""), "ceiling": a.get("ceiling"),
            "vat": a.get("vat", ""), "period_start": a.get("period_start"),
            "period_end": a.get("period_end"), "amount_id": a["amount_id"],
            "part_of": a.get("part_of", ""), **provenance(clean, m),
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


class _named(str):
    """A payer known only by name (the municipality of a memo's 'kommunens del')."""

    @property
    def name(self) -> str:
        return str(self)


@cache
def _payment_sentence_prefilter() -> Prefiltered:
    return Prefiltered(_cues()["payment_sentence"])


def _payment_routes(text: str, spans, parties: Parties) -> dict[str, Party]:
    """'Utbetalning sker från X till Y': payer key -> payee."""
    routes: dict[str, Party] = {}
    # A payment sentence holds one of the cue's prefixes: only those sentences are searched.
    find = _payment_sentence_prefilter().prefix_search(text)
    for s, e in spans:
        if find is not None and not s <= find(s) < e:
            continue
        sentence = text[s:e]
        if not _cues()["payment_sentence"].search(sentence):
            continue
        m = _cues()["payment_route"].search(sentence)
        if not m:
            continue
        src = parties.find_in(m.group("a"))
        dst = parties.find_in(m.group("b"))
        if src and dst and src[0][2] is not dst[0][2]:
            routes[src[0][2].key] = dst[0][2]
    return routes


def _period_for(m: Mention, in_sentence: list[Mention], first_amount: int) -> Mention | None:
    """The funding/allocation period written with the amount: right after it in its clause,
    or for allocations the period the sentence opens with."""
    for p in in_sentence:
        if 0 <= p.start - m.end <= 45:
            return p
    if m.attrs.get("role") == "allocation":
        opening = [p for p in in_sentence if p.end <= first_amount]
        if opening:
            return opening[-1]
    return None


def _parts_before(text: str, earlier: list[Mention], total: Mention) -> list[Mention]:
    """A total stated after its parts ('Kommunen bidrar med 450 tkr ... Föreningen med 120
    tkr ... Den totala omfattningen är 666 tkr', or a table's 'Summa' row): the
    contributions (or amounts of no role yet) before it in its paragraph, else in the whole
    document, on the same basis, but only when they add up to it. A total after its parts
    may also be a period's sum of one yearly amount, so parts that do not add up are left
    unlinked rather than flagged."""
    def candidates(since: int) -> list[Mention]:
        return [m for m in earlier if m.start >= since
                and (m.attrs.get("role") or "") in ("contribution", "")
                and not m.attrs.get("part_of")
                and m.attrs.get("basis") == total.attrs.get("basis")]

    paragraph_start = text.rfind("\n\n", 0, total.start) + 1
    for since in (paragraph_start, 0):
        parts = candidates(since)
        if len(parts) >= 2 and sum(m.value for m in parts) == total.value:
            for m in parts:
                m.attrs["role"] = "contribution"
            return parts
    return []


def _link_parts(text: str, amounts: list[Mention], spans) -> None:
    """part_of: contributions after a stated total in its paragraph; allocations of a
    party's share; a memo's funding split (amounts with a source of funds) of its cost."""
    for index, total in enumerate(amounts):
        if total.attrs.get("role") != "total":
            continue
        paragraph_end = text.find("\n", total.end)
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        parts = []
        for m in amounts[index + 1 :]:
            if m.start > paragraph_end:
                break
            if m.attrs.get("role") == "contribution":
                parts.append(m)
        if not parts:
            parts = _parts_before(text, amounts[:index], total)
        for m in parts:
            m.attrs["part_of"] = total.attrs["amount_id"]
    cash_by_payer: dict[str, list[Mention]] = {}
    for m in amounts:
        if m.attrs.get("role") == "contribution" and m.attrs.get("payer") \
                and not m.attrs.get("in_kind"):
            cash_by_payer.setdefault(m.attrs["payer"], []).append(m)
    for alloc in (m for m in amounts if m.attrs.get("role") == "allocation"):
        shares = cash_by_payer.get(alloc.attrs.get("payer") or "", [])
        if len(shares) == 1:
            alloc.attrs["part_of"] = shares[0].attrs["amount_id"]
    costs = [m for m in amounts if m.attrs.get("role") == "cost"]
    if len(costs) == 1:
        for m in amounts:
            if m.attrs.get("source_of_funds") and m is not costs[0]:
                m.attrs["part_of"] = costs[0].attrs["amount_id"]
                m.attrs["role"] = m.attrs.get("role") or "contribution"
