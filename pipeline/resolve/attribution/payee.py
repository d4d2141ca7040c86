"""Who receives an amount (GUIDELINES: payee).

- payee.none_in_kind: contributions in kind stay in the joint work: no payee.
- payee.none_own: a party's own money to the joint budget, a budget's cost line and a
  payer's split by source of funds (egen budget, statsbidrag): no payee unless named.
- payee.row_party: the row of a table of shares names the receiver ("PRO Falun 210 000 kr").
- payee.named: "till föreningen", "Socialnämnden betalar föreningen", "Föreningen beviljas"
  after the amount in its clause, then before it in its own clause, then in its sentence.
- payee.table_lead: a table's lead names the receiver ("lämnar följande bidrag till
  Brottsofferjouren:"), or the amount that leads into the table does.
- payee.next_sentence: "Bidraget utbetalas till föreningen" right after.
- payee.one_nonprofit: the public side's money goes to the document's one non-profit party
  (GUIDELINES: one public and one non-profit party; also with two public payers).
"""

from __future__ import annotations

from pipeline.resolve.attribution.context import Context, Decision, res
from pipeline.resolve.attribution.layout import Slot
from pipeline.resolve.attribution.payer import leading_amount, recipient_cell
from pipeline.resolve.attribution.refs import PAYEE, named_in_text


def decide_payee(ctx: Context, slot: Slot, d: Decision) -> None:
    if d.in_kind:
        d.payee, d.payee_rule = None, "payee.none_in_kind"
        return
    for rule in (_row, _named, _table_lead, _next_sentence):
        found = rule(ctx, slot, d)
        if found is not None:
            d.payee, d.payee_rule = found
            if d.payee is not d.payer:
                return
            d.payee, d.payee_rule = None, ""
    if _own_money(d):
        d.payee, d.payee_rule = None, "payee.none_own"
        return
    side = ctx.refs.nonprofit_side()
    if side is not None and d.payer is not None and d.payer.sector == "public":
        d.payee, d.payee_rule = side, "payee.one_nonprofit"


def _own_money(d: Decision) -> bool:
    payer_is_nonprofit = d.payer is not None and d.payer.sector == "nonprofit"
    return payer_is_nonprofit or d.own_funds or d.row_kind == "cost" or d.role == "cost_line"


def _row(ctx: Context, slot: Slot, d: Decision):
    cell = recipient_cell(ctx, slot)
    if cell is not None and cell.sector != "public":
        return cell, "payee.row_party"
    if d.row_kind != "party":
        return None
    receivers = [r for r, _ in ctx.classified(*slot.label) if r.body.sector == "nonprofit"]
    if receivers and d.payer is not None and d.payer is not receivers[-1].body:
        return receivers[-1].body, "payee.row_party"
    return None


def _named(ctx: Context, slot: Slot, d: Decision):
    found = [(r, c) for r, c in ctx.sentence_refs(slot) if c == PAYEE]
    if not found:
        return _named_in_text(ctx, slot)
    after = [r for r, _ in found if slot.end <= r.start < slot.after_end]
    if after:
        return after[0].body, "payee.named"
    own = [r for r, _ in found if slot.own_start <= r.start and r.end <= slot.start
           and not _follows_previous(ctx, slot, r.start)]
    if own:
        return own[-1].body, "payee.named"
    earlier = [r for r, _ in found if r.end <= slot.own_start]
    if earlier and _first_in_sentence(ctx, slot):
        return earlier[-1].body, "payee.named"
    if earlier and not _receiver_between(ctx, slot):
        return earlier[-1].body, "payee.named"
    return _named_in_text(ctx, slot)


def _named_in_text(ctx: Context, slot: Slot):
    """'620 000 kronor till Brottsofferjouren Sjuhärad' where the receiver is no known
    party: after the amount in its clause, else before it in its own stretch."""
    for start, end in ((slot.end, slot.after_end), (slot.own_start, slot.start)):
        body = named_in_text(ctx.text, start, end, PAYEE)
        if body is not None:
            return body, "payee.named_in_text"
    if _first_in_sentence(ctx, slot) or not _receiver_between(ctx, slot):
        body = named_in_text(ctx.text, slot.sentence[0], slot.own_start, PAYEE)
        if body is not None:
            return body, "payee.named_in_text"
    return None


def _follows_previous(ctx: Context, slot: Slot, position: int) -> bool:
    """A receiver right after the amount before ('924 000 kronor till Kvinnojouren och
    620 000 kronor ...') is that amount's."""
    if _first_in_sentence(ctx, slot):
        return False
    prev = ctx.layout.slots[slot.index - 1]
    return len(ctx.text[prev.end : position].split()) <= 2


def _first_in_sentence(ctx: Context, slot: Slot) -> bool:
    return slot.first == slot.index


def _receiver_between(ctx: Context, slot: Slot) -> bool:
    """An earlier amount of the sentence already had its own receiver after it ('924 000
    kronor till Kvinnojouren och 620 000 kronor till Brottsofferjouren'): the receiver
    before this amount belongs to that one."""
    i = slot.index - 1
    while i >= max(slot.first, slot.index - 8):
        if ctx.decisions[i].payee_rule == "payee.named":
            prev = ctx.layout.slots[i]
            receivers = [r for r, c in ctx.sentence_refs(slot)
                         if c == PAYEE and prev.end <= r.start < prev.after_end]
            if receivers:
                return True
        i -= 1
    return False


def _table_lead(ctx: Context, slot: Slot, d: Decision):
    if d.row_kind not in ("time", "total"):
        return None
    tbl = ctx.layout.table_of(slot)
    if tbl is None:
        return None
    if tbl.lead:
        found = [r for r, c in ctx.classified(*tbl.lead) if c == PAYEE]
        if found:
            return found[-1].body, "payee.table_lead"
    leading = leading_amount(ctx, tbl.rows[0], tbl.header_start)
    if leading is not None and leading.payee is not None:
        return leading.payee, "payee.table_lead"
    return None


def _next_sentence(ctx: Context, slot: Slot, d: Decision):
    span = ctx.layout.next_sentence(slot)
    if span is None or not res()["anaphora"].match(ctx.text[span[0] : span[1]]):
        return None
    found = [r for r, c in ctx.classified(*span) if c == PAYEE]
    return (found[0].body, "payee.next_sentence") if found else None
