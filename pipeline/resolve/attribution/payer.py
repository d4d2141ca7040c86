"""Who pays an amount (GUIDELINES: payer). Each rule is tried in turn; the first that
names a body decides, and its id goes to the row's payer_rule.

- payer.row_party: a table row that names a paying party ("Region Östergötland 450 tkr").
- payer.own_funds: the organisation's own funds ("Egna medel 40 000").
- payer.table_header / payer.table_lead: a row of a table whose header ("Regionens bidrag
  per år") or lead sentence ("Nämnden lämnar följande bidrag till föreningen:") names
  the payer, or the amount that leads into it ("Bidraget fördelas enligt följande:").
- payer.budget_owner: a budget's cost line is paid by the party whose budget it is.
- payer.subject: the party whose verb or genitive pays, in the amount's own clause, then
  in its sentence ("Regionen bidrar med", "finansieras av nämnden", "Nämndens bidrag",
  "Staden, genom socialnämnden, betalar").
- payer.list_lead: a list item under a line naming the party ("Nämnden ska: - upplåta
  lokalen ...; lokalens värde motsvarar kr 180 000").
- payer.previous_sentence / payer.next_sentence: an amount in a sentence without a party
  ("Insatsen värderas till 110 000 kr") takes the party of the sentence before it, or of
  the sentence after that goes on about it ("Bidraget finansieras inom socialnämndens
  budget").
- payer.administration_for_committee: a förvaltning pays for its nämnd (counts as it).
"""

from __future__ import annotations

from pipeline.identity import normalized, sector
from pipeline.resolve.attribution.cells import has_digits
from pipeline.resolve.attribution.context import Context, Decision, res
from pipeline.resolve.attribution.layout import Slot
from pipeline.resolve.attribution.refs import (
    PARTNER,
    PAYEE,
    PAYER,
    SPEAKER,
    Body,
    Ref,
    named_in_text,
)

_NOT_PAYING = (PAYEE, PARTNER, SPEAKER)


def decide_payer(ctx: Context, slot: Slot, d: Decision) -> None:
    for rule in (_row, _subject, _list_lead, _previous_sentence, _next_sentence):
        found = rule(ctx, slot, d)
        if found is not None:
            body, rule_id = found
            d.payer, d.payer_rule = body, rule_id
            break
    if d.payer is not None and d.payer.kind == "administration":
        committee = _committee_of(ctx)
        if committee is not None:
            d.payer, d.payer_rule = committee, "payer.administration_for_committee"


def paying(found: list[tuple[Ref, str]], before: int) -> Ref | None:
    """The reference before `before` that pays: one whose words say so, nearest first;
    else the nearest one whose words say nothing (a subject)."""
    strong = [r for r, c in found if c == PAYER and r.end <= before]
    if strong:
        return strong[-1]
    neutral = [r for r, c in found if c == "" and r.end <= before]
    return neutral[-1] if neutral else None


def _row(ctx: Context, slot: Slot, d: Decision):
    if slot.label is None:
        return None
    tbl = ctx.layout.table_of(slot)
    label_refs = ctx.classified(*slot.label)
    public = [r for r, _ in label_refs if r.body.sector == "public"]
    nonprofit = [r for r, _ in label_refs if r.body.sector == "nonprofit"]
    recipients = tbl is not None and res()["recipient"].search(_table_words(ctx, slot))
    if recipient_cell(ctx, slot) is not None:
        return _table_payer(ctx, slot)
    if d.row_kind == "party":
        if nonprofit and recipients:
            return _table_payer(ctx, slot)
        if public:
            return public[-1].body, "payer.row_party"
        if nonprofit:
            return nonprofit[-1].body, "payer.row_party"
    if d.row_kind == "own_funds":
        side = ctx.refs.nonprofit_side()
        return (side, "payer.own_funds") if side else None
    if d.row_kind in ("time", "total"):
        return _table_payer(ctx, slot)
    if d.row_kind == "cost" and tbl is not None and res()["budget"].search(tbl.header):
        side = ctx.refs.nonprofit_side()
        return (side, "payer.budget_owner") if side else None
    return None


def _table_words(ctx: Context, slot: Slot) -> str:
    tbl = ctx.layout.table_of(slot)
    if tbl is None:
        return ""
    lead = ctx.text[tbl.lead[0] : tbl.lead[1]] if tbl.lead else ""
    return f"{tbl.header} {lead}"


def _table_payer(ctx: Context, slot: Slot):
    """The payer a table's header or lead sentence names, or the amount leading into it."""
    tbl = ctx.layout.table_of(slot)
    if tbl is None:
        return None
    if slot.cell is not None and slot.cell.header_end > slot.cell.header_start:
        cell = slot.cell  # 'Regionens bidrag per år'
        ref = paying(ctx.classified(cell.header_start, cell.header_end), cell.header_end)
        if ref is not None:
            return ref.body, "payer.table_header"
    first = ctx.layout.slots[tbl.rows[0]]
    header_end = first.label[0] if first.label else first.start
    ref = paying(ctx.classified(tbl.header_start, header_end), header_end)
    if ref is not None:
        return ref.body, "payer.table_header"
    if tbl.lead:
        ref = paying(ctx.classified(*tbl.lead), tbl.lead[1])
        if ref is not None:
            return ref.body, "payer.table_lead"
    leading = leading_amount(ctx, tbl.rows[0], tbl.header_start)
    if leading is not None and leading.payer is not None:
        return leading.payer, "payer.table_lead"
    return None


def leading_amount(ctx: Context, first_row: int, header_start: int) -> Decision | None:
    """The amount just above a table ('högst 900 000 kr per kalenderår till
    Stadsmissionen. Bidraget fördelas enligt följande:')."""
    i = first_row - 1
    while i >= 0:
        slot = ctx.layout.slots[i]
        d = ctx.decisions[i]
        if header_start - slot.end > 600:
            return None
        if not d.keep and slot.label is None:
            return d
        i -= 1
    return None


def _subject(ctx: Context, slot: Slot, d: Decision):
    found = ctx.sentence_refs(slot)
    if not found:
        body = named_in_text(ctx.text, slot.sentence[0], slot.start, PAYER)
        return (body, "payer.named_in_text") if body is not None else None
    own = [(r, c) for r, c in found if r.start >= slot.own_start]
    ref = paying(own, slot.start)
    if ref is None:
        # 'betalas av nämnden', 'finansieras inom nämndens budget' after it, in its clause
        after = [r for r, c in found if slot.end <= r.start < slot.after_end and c == PAYER]
        ref = after[0] if after else None
    if ref is None:
        ref = paying(found, slot.own_start)
    return (ref.body, "payer.subject") if ref is not None else None


def _list_lead(ctx: Context, slot: Slot, d: Decision):
    lead = ctx.lists.lead_of(slot.start) or ctx.layout.list_lead(slot)
    if lead is None:
        return None
    ref = paying(ctx.classified(*lead), lead[1])
    return (ref.body, "payer.list_lead") if ref is not None else None


def _previous_sentence(ctx: Context, slot: Slot, d: Decision):
    """'Arbetsmarknadsnämnden bidrar med personal ... Insatsen värderas till 110 000 kr.'"""
    if ctx.sentence_refs(slot):
        return None
    span = ctx.layout.previous_sentence(slot)
    if span is None:
        return None
    ref = paying(ctx.classified(*span), span[1])
    if ref is not None:
        return ref.body, "payer.previous_sentence"
    # 'Lokalerna upplåts utan kostnad för föreningen.': the other side lends them
    receivers = [r for r, c in ctx.classified(*span) if c == PAYEE]
    if receivers and receivers[-1].body.sector == "nonprofit":
        side = ctx.refs.public_side()
        if side is not None:
            return side, "payer.other_side"
    return None


def _next_sentence(ctx: Context, slot: Slot, d: Decision):
    """'Föreningen beviljas 640 tkr per år. Bidraget finansieras inom socialnämndens
    budget.'"""
    span = ctx.layout.next_sentence(slot)
    if span is None or not res()["anaphora"].match(ctx.text[span[0] : span[1]]):
        return None
    found = ctx.classified(*span)
    strong = [r for r, c in found if c == PAYER]
    return (strong[0].body, "payer.next_sentence") if strong else None


def grant_from_public_side(ctx: Context, slot: Slot, d: Decision) -> None:
    """Money a non-profit receives comes from the public side (payer.other_side); so
    does a grant no sentence says who pays, where the document has one public and one
    non-profit side ('Ersättningen utgår med 25 000 kronor per månad';
    payer.grant_to_nonprofit)."""
    side = ctx.refs.public_side()
    if side is None:
        return
    if d.payee is not None:
        if d.payee.sector == "nonprofit":
            d.payer, d.payer_rule = side, "payer.other_side"
        return
    words = ctx.text[max(slot.sentence[0], slot.start - 120) : slot.after_end]
    if ctx.refs.nonprofit_side() is not None and res()["grant"].search(words):
        d.payer, d.payer_rule = side, "payer.grant_to_nonprofit"


def _committee_of(ctx: Context) -> Body | None:
    """The nämnd of the document: the one 'nämnden' refers to."""
    return ctx.refs.committee


def memo_split(ctx: Context, slot: Slot, d: Decision) -> None:
    """A memo's split of the cost by source of funds ('budgetmedel med 100 000 kr',
    '200 500 kr från statliga medel') is the deciding nämnd's money (payer.memo_split);
    a memo's cost with no payer named is the public side's (payer.memo_cost)."""
    if ctx.kind != "memo":
        return
    if slot.mention.attrs.get("source_of_funds"):
        committee = _committee_of(ctx)
        above_or_below = d.payer is None or d.payer.kind in (
            "municipality", "region", "administration")
        if committee is not None and above_or_below:
            d.payer, d.payer_rule = committee, "payer.memo_split"
    elif d.payer is None and d.role == "cost":
        side = ctx.refs.public_side()
        if side is not None:
            d.payer, d.payer_rule = side, "payer.memo_cost"


def recipient_cell(ctx: Context, slot: Slot) -> Body | None:
    """In a delimited table, the row's cell under a receiver's column ('Idéburen
    organisation', 'Mottagare'): the body it names, as written there."""
    for cell in slot.row_cells:
        if cell.start >= slot.start or not res()["recipient"].search(cell.header):
            continue
        written = ctx.text[cell.start : cell.end].strip()
        if not written or has_digits(written):
            continue
        refs = ctx.refs.find(cell.start, cell.end)
        whole = [r for r in refs if normalized(ctx.text[r.start : r.end]) == normalized(written)]
        if whole:
            return whole[0].body
        found = sector(written)
        return Body(written, "nonprofit" if found == "unknown" else found, "", False)
    return None
