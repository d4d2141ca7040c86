"""What an amount is (GUIDELINES: role) and which stated total it is a part of.

Roles: `total` (a stated sum: "ekonomiska omfattning", "totalt", a Summa row),
`allocation` (a share of a total: a row of a table of shares or of a payment plan, a
"varav" part, a payer's split by source of funds), `grant` (money paid to the
organisation), `contribution` (what a party puts in, money or kind), `cost` (a budget
line; a memo's cost).

part_of (the amount_id of the total an amount is a part of; the checks compare each total
with the sum of its parts, SUM_MISMATCH):
- part_of.table_total: a table's Summa/Totalt row sums the rows above it back to the
  previous total row of the table ("Summa kostnader" sums the cost lines, "Summa
  finansiering" the financing lines under it).
- part_of.varav: "0,32 mnkr per år, varav socialnämnden 220 000 kr och ... 100 000 kr";
  "Av beloppet betalar socialnämnden 220 000 kr ..." (the sentence after the total).
- part_of.listed: a total whose sentence leads into a list ("fördelas på följande sätt:")
  sums the amounts of the lines under it.
- part_of.total_after: "620 000 kronor 2025, 640 000 kronor 2026 och 660 000 kronor 2027,
  totalt 1 920 000 kronor": the amounts before the total in its sentence.
- part_of.paragraph: the contributions after a stated total in its paragraph.
- part_of.adds_up: a total after its parts, with no word that points at them ("uppgår
  därmed till"): the amounts before it that add up to it exactly.
- part_of.share: a party's allocations to receivers are parts of its one contribution.
- part_of.source_split: a memo's split of its cost by source of funds ("kostnaden
  finansieras med 600 000 kr ur ... budget och 300 000 kr ur statsbidraget").
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.patterns import word_alternation
from pipeline.lang import table
from pipeline.resolve.attribution.context import Context, Decision, res
from pipeline.resolve.attribution.layout import Slot

_MAX_PARTS = 40  # amounts looked at around a total for its parts


@cache
def _res() -> dict[str, re.Pattern]:
    d = table("amount_roles")
    out = {k: re.compile(word_alternation(d[k]), re.I)
           for k in ("total", "contribution", "allocation", "cost", "grant")}
    parts = table("attribution")["parts"]
    out["varav"] = re.compile(word_alternation(parts["varav"]), re.I)
    out["parts_of_previous"] = re.compile(parts["parts_of_previous"], re.I)
    out["listed"] = re.compile(parts["listed"], re.I)
    out["sums_before"] = re.compile(word_alternation(parts["sums_before"]), re.I)
    return out


def row_kind(ctx: Context, slot: Slot, d: Decision) -> str:
    """What a table row's label says it is: total / party / own_funds / time / cost."""
    if slot.label is None:
        return ""
    label = ctx.text[slot.label[0] : slot.label[1]]
    if _res()["total"].search(label):
        return "total"
    if ctx.classified(*slot.label):
        return "party"
    if res()["own_funds"].search(label):
        return "own_funds"
    if ctx.spans_in(*slot.label) or re.search(r"(?:19|20)\d\d", label):
        return "time"
    return "cost"


def decide_role(ctx: Context, slot: Slot, d: Decision) -> None:
    if d.row_kind:
        d.role = {"total": "total", "own_funds": "contribution", "time": "allocation",
                  "cost": "cost"}.get(d.row_kind, "")
        if d.row_kind == "party":
            d.role = "allocation" if d.payee is not None else "contribution"
        return
    local = ctx.text[max(slot.own_start, slot.start - 80) : slot.start]
    sentence_before = ctx.text[slot.sentence[0] : slot.start]
    r = _res()
    if r["total"].search(local) and not r["varav"].search(local):
        d.role = "total"
    elif d.in_kind or d.own_funds:
        d.role = "contribution"
    elif ctx.kind == "memo" and r["cost"].search(local):
        d.role = "cost"
    elif r["allocation"].search(sentence_before) and d.payee is not None:
        d.role = "allocation"
    elif d.payer is not None and d.payer.sector == "nonprofit":
        d.role = "contribution"
    elif r["grant"].search(local) or (d.payee is not None and d.payee.sector == "nonprofit"):
        d.role = "grant"
    elif r["contribution"].search(local):
        d.role = "contribution"


# --- part_of --------------------------------------------------------------------------------

def link_parts(ctx: Context) -> None:
    slots, ds = ctx.layout.slots, ctx.decisions
    kept = [s.index for s in slots if not ds[s.index].keep]
    for linker in (_table_totals, _varav, _listed, _total_after, _paragraph, _adds_up,
                   _shares, _source_split):
        linker(ctx, kept)


def _set(ctx: Context, part: int, total: int, rule: str) -> None:
    d = ctx.decisions[part]
    if d.part_of is None and part != total:
        d.part_of = total
        ctx.part_rules[part] = rule
        ctx.totals.add(total)


def _table_totals(ctx: Context, kept: list[int]) -> None:
    ds = ctx.decisions
    for tbl in ctx.layout.tables:
        group: list[int] = []
        for i in tbl.rows:
            if ds[i].keep:
                continue
            if ds[i].row_kind == "total":
                if len(group) >= 1:
                    for j in group:
                        _set(ctx, j, i, "part_of.table_total")
                group = []
            else:
                group.append(i)


def _after_in(kept: list[int], n: int, keep_going) -> list[int]:
    """The kept amounts after the n-th while keep_going(index) holds (a bounded walk)."""
    out = []
    for j in kept[n + 1 : n + 1 + _MAX_PARTS]:
        if not keep_going(j):
            break
        out.append(j)
    return out


def _before_in(kept: list[int], n: int, keep_going) -> list[int]:
    out = []
    for j in reversed(kept[max(0, n - _MAX_PARTS) : n]):
        if not keep_going(j):
            break
        out.append(j)
    return out[::-1]


def _varav(ctx: Context, kept: list[int]) -> None:
    """'X kr, varav A kr och B kr'; 'Av beloppet betalar A ... och B ...' after X."""
    slots, ds = ctx.layout.slots, ctx.decisions
    for n, i in enumerate(kept):
        slot = slots[i]
        same = _after_in(kept, n, lambda j, s=slot.sentence: slots[j].sentence == s)
        m = _res()["varav"].search(ctx.text, slot.end,
                                   slots[same[-1]].start if same else slot.after_end)
        if m:
            for j in (j for j in same if slots[j].start > m.start()):
                _part(ds, j, i, "part_of.varav", ctx)
        nxt = ctx.layout.next_sentence(slot)
        if nxt and not same and _res()["parts_of_previous"].match(
                ctx.text[nxt[0] : min(nxt[1], nxt[0] + 80)]):
            parts = _after_in(kept, n, lambda j, s=nxt: slots[j].sentence == s)
            if len(parts) >= 2:
                for j in parts:
                    _part(ds, j, i, "part_of.varav", ctx)


def _part(ds: list[Decision], j: int, i: int, rule: str, ctx: Context) -> None:
    _set(ctx, j, i, rule)
    if ds[j].part_of == i and ds[j].role in ("", "grant", "contribution", "cost"):
        ds[j].role = "allocation"


def _listed(ctx: Context, kept: list[int]) -> None:
    """'... uppgår till 1 350 000 kronor per år och fördelas på följande sätt:' and the
    list lines under it."""
    slots, ds = ctx.layout.slots, ctx.decisions
    for n, i in enumerate(kept):
        if ds[i].role != "total":
            continue
        slot = slots[i]
        if not _res()["listed"].search(ctx.text, slot.end, slot.sentence[1]):
            continue
        block_end = ctx.layout.paragraph_span(min(len(ctx.text), slot.sentence[1] + 2))[1]
        for j in _after_in(kept, n, lambda j, e=block_end: slots[j].start <= e):
            if ds[j].role != "total":
                _set(ctx, j, i, "part_of.listed")


def _total_after(ctx: Context, kept: list[int]) -> None:
    """'620 000 kronor 2025, 640 000 kronor 2026 och 660 000 kronor 2027, totalt
    1 920 000 kronor': the amounts before the total in its sentence."""
    slots, ds = ctx.layout.slots, ctx.decisions
    for n, i in enumerate(kept):
        if ds[i].role != "total" or slots[i].label is not None:
            continue
        if not _res()["total"].search(ctx.text, slots[i].own_start, slots[i].start):
            continue
        same = _before_in(kept, n, lambda j, s=slots[i].sentence: slots[j].sentence == s)
        parts = [j for j in same if ds[j].role != "total" and ds[j].part_of is None]
        if len(parts) >= 2:
            for j in parts:
                _set(ctx, j, i, "part_of.total_after")


def _paragraph(ctx: Context, kept: list[int]) -> None:
    """A stated total and the contributions after it in its paragraph ('Överenskommelsens
    ekonomiska omfattning är 4 232 475 kr per år. ... Omsorgsnämnden bidrar med ...')."""
    slots, ds = ctx.layout.slots, ctx.decisions
    for n, i in enumerate(kept):
        if ds[i].role != "total" or slots[i].label is not None or i in ctx.totals:
            continue
        end = ctx.layout.line_end(slots[i].end)
        parts = [j for j in _after_in(kept, n, lambda j, e=end: slots[j].start <= e)
                 if ds[j].role in ("contribution", "grant") and ds[j].part_of is None]
        if len(parts) >= 2:
            for j in parts:
                _set(ctx, j, i, "part_of.paragraph")


def _adds_up(ctx: Context, kept: list[int]) -> None:
    """A total after its parts with no word pointing at them: the amounts before it (in
    its paragraph, else the document) of its basis that add up to it exactly."""
    slots, ds = ctx.layout.slots, ctx.decisions
    for n, i in enumerate(kept):
        if ds[i].role != "total" or slots[i].label is not None or i in ctx.totals:
            continue
        paragraph_start = ctx.layout.paragraph_span(slots[i].start)[0]
        value = slots[i].mention.value
        for since in (paragraph_start, 0):
            before = _before_in(kept, n, lambda j, s=since: slots[j].start >= s)
            parts = [j for j in before if ds[j].role in ("contribution", "grant", "")
                     and ds[j].part_of is None and ds[j].basis == ds[i].basis]
            if len(parts) >= 2 and sum(slots[j].mention.value for j in parts) == value:
                for j in parts:
                    _set(ctx, j, i, "part_of.adds_up")
                    ds[j].role = ds[j].role or "contribution"
                break


def _shares(ctx: Context, kept: list[int]) -> None:
    """A party's allocations to receivers are parts of its one cash contribution."""
    ds = ctx.decisions
    cash: dict[int, list[int]] = {}
    for i in kept:
        d = ds[i]
        if d.role in ("contribution", "grant") and d.payer is not None and not d.in_kind:
            cash.setdefault(id(d.payer), []).append(i)
    for i in kept:
        d = ds[i]
        if d.role == "allocation" and d.part_of is None and d.payer is not None \
                and ctx.layout.slots[i].label is None:
            shares = cash.get(id(d.payer), [])
            if len(shares) == 1:
                _set(ctx, i, shares[0], "part_of.share")


def _source_split(ctx: Context, kept: list[int]) -> None:
    """A memo's split of its cost by source of funds: the parts of the amount the split's
    sentence goes on about, else of the memo's one cost."""
    slots, ds = ctx.layout.slots, ctx.decisions
    costs = [i for i in kept if ds[i].role in ("cost", "total") and slots[i].label is None]
    for n, i in enumerate(kept):
        source = slots[i].mention.attrs.get("source_of_funds")
        if not source or ds[i].part_of is not None:
            continue
        referred = _referred(ctx, kept, n)
        if referred is not None:
            _set(ctx, i, referred, "part_of.source_split")
        elif len(costs) == 1 and costs[0] != i:
            _set(ctx, i, costs[0], "part_of.source_split")
        else:
            continue
        ds[i].role = "allocation" if ds[i].role in ("", "cost", "grant") else ds[i].role


def _referred(ctx: Context, kept: list[int], n: int) -> int | None:
    """'Kostnaden finansieras med ...' right after 'Nämndens kostnad ... 950 000 kronor':
    the last amount of the sentence before, when the split's sentence opens with a word
    that refers back to it."""
    slots = ctx.layout.slots
    slot = slots[kept[n]]
    sentence = ctx.text[slot.sentence[0] : slot.start]
    if not _refers_back(sentence):
        return None
    for j in reversed(kept[:n]):
        if slots[j].sentence != slot.sentence:
            prev = ctx.layout.previous_sentence(slot)
            return j if prev is not None and slots[j].sentence == prev else None
    return None


def _refers_back(sentence: str) -> bool:
    return bool(_res()["sums_before"].search(sentence))


