"""Attribution: amount mentions + parties + periods + the clean text -> who pays whom how
much, per what, for which span, as what, and as part of which total (GUIDELINES: amounts).

A pure function of its inputs, in steps that each decide one thing with rules of their
own (ids in the rows: payer_rule, payee_rule, period_rule; see each module):

1. relevance: amounts that are not the partnership's money are left out.
2. layout: sentence, own clause and table row of each amount.
3. in reading order: what kind of table row, in kind / own funds, the written basis,
   the period written for it, the basis it implies, payer, payee, role.
4. part_of: totals and their parts; then a total's payer, payee, basis and period from its
   parts, a part's from its total, and the period of whole-period amounts (the term).
5. same_as: the same money written twice (text and table) points at its first statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipeline.records import Mention
from pipeline.resolve.attribution import payee as payee_rules
from pipeline.resolve.attribution import payer as payer_rules
from pipeline.resolve.attribution import roles, when
from pipeline.resolve.attribution.context import Context, Decision, Span, res
from pipeline.resolve.attribution.layout import Layout
from pipeline.resolve.attribution.refs import Body, References
from pipeline.resolve.attribution.relevance import not_partnership
from pipeline.resolve.parties import Parties

__all__ = ["Attribution", "attribute"]


@dataclass(slots=True)
class Attribution:
    """One amount of the partnership as a row needs it."""

    mention: Mention
    payer: str | None
    payer_rule: str
    payee: str | None
    payee_rule: str
    basis: str
    in_kind: bool | None
    role: str
    period_start: date | None
    period_end: date | None
    period_rule: str
    part_of: int | None  # index into the returned list
    same_as: int | None  # index into the returned list


def attribute(text: str, amounts: list[Mention], parties: Parties,
              periods: list[Mention], term: tuple[date, date | None] | None,
              kind: str) -> list[Attribution]:
    """The amounts that are the partnership's money, attributed (reading order)."""
    if not amounts:
        return []
    layout = Layout.build(text, amounts)
    refs = References.build(text, parties, kind)
    ctx = Context(text, kind, layout, refs, _spans(text, periods), term,
                  [Decision() for _ in amounts])
    for slot, keep in zip(layout.slots, not_partnership(layout, refs, kind), strict=True):
        ctx.decisions[slot.index].keep = keep
    for slot in layout.slots:
        d = ctx.decisions[slot.index]
        if d.keep:
            continue
        d.in_kind = bool(slot.mention.attrs.get("in_kind"))
        d.row_kind = roles.row_kind(ctx, slot, d)
        label = ctx.text[slot.label[0] : slot.label[1]] if slot.label else ""
        own = text[slot.own_start : slot.start]
        d.own_funds = bool(res()["own_funds"].search(label or own))
        written = slot.mention.attrs.get("basis", "unknown")
        d.basis = written
        d.basis_rule = "basis.words" if written != "unknown" else ""
        when.decide_period(ctx, slot, d)
        when.decide_basis(ctx, slot, d)
        payer_rules.decide_payer(ctx, slot, d)
        payee_rules.decide_payee(ctx, slot, d)
        if d.payer is None and not d.in_kind and not d.own_funds and d.row_kind != "cost":
            payer_rules.grant_from_public_side(ctx, slot, d)
            if d.payer is not None and d.payee is None:
                payee_rules.decide_payee(ctx, slot, d)
        roles.decide_role(ctx, slot, d)
        payer_rules.memo_split(ctx, slot, d)
    roles.link_parts(ctx)
    _totals_and_parts(ctx)
    for slot in layout.slots:
        d = ctx.decisions[slot.index]
        if not d.keep:
            when.whole_period(ctx, slot, d)
    _same_money(ctx)
    return _rows(ctx)


def _spans(text: str, periods: list[Mention]) -> list[Span]:
    spans = [Span(p.start, p.end, p.attrs["start"], p.attrs.get("end"))
             for p in periods if p.attrs.get("start") is not None]
    taken = [(s.start, s.end) for s in spans]
    for s in when.year_spans(text):
        if not any(a < s.end and s.start < b for a, b in taken):
            spans.append(s)
    return sorted(spans, key=lambda s: s.start)


def _totals_and_parts(ctx: Context) -> None:
    """A total is paid and received by whoever pays and receives all its parts (parts from
    different payers: none, unless the text gives it to the one municipality or region
    whose nämnder pay the parts); a part with no payer, payee or basis takes its
    total's."""
    ds = ctx.decisions
    parts_of: dict[int, list[int]] = {}
    for i, d in enumerate(ds):
        if d.part_of is not None and not d.keep:
            parts_of.setdefault(d.part_of, []).append(i)
    for total, parts in parts_of.items():
        t = ds[total]
        members = [ds[i] for i in parts]
        for i in parts:  # a payer's split by source of funds: no receiver unless named
            if ctx.part_rules.get(i) == "part_of.source_split" \
                    and ds[i].payee_rule not in _NAMED_PAYEE:
                ds[i].payee, ds[i].payee_rule = None, "payee.none_split"
        for i, p in zip(parts, members, strict=True):
            if ctx.part_rules.get(i) != "part_of.source_split":
                when.basis_from(t, p, "basis.from_total")
            if p.payer is None and t.payer is not None and not p.in_kind:
                p.payer, p.payer_rule = t.payer, "payer.from_total"
            if p.payee is None and t.payee is not None and not p.in_kind and not p.own_funds \
                    and (p.payer is None or p.payer.sector == "public") \
                    and p.role != "cost" and t.payee_rule != "payee.one_nonprofit":
                p.payee, p.payee_rule = t.payee, "payee.from_total"
        _common(t, members)
        if len({p.basis for p in members}) == 1:
            when.basis_from(members[0], t, "basis.from_parts")
        when.from_parts(ctx, t, members)


# the total's own receiver, named for it in the text ('Bidraget utbetalas till föreningen')
_NAMED_PAYEE = ("payee.named", "payee.named_in_text", "payee.next_sentence")


def _common(t: Decision, members: list[Decision]) -> None:
    payers = {_key(p.payer) for p in members}
    given_to_owner = t.payer is not None and t.payer.kind in ("municipality", "region") \
        and all(p.payer is not None and p.payer.kind == "committee" for p in members)
    if given_to_owner:
        pass  # 'Kommunens kostnad ..., varav socialnämnden ... och ...nämnden ...'
    elif len(payers) == 1 and None not in payers:
        t.payer, t.payer_rule = members[0].payer, "payer.parts"
    else:
        t.payer, t.payer_rule = None, "payer.none_parts_differ"
    payees = {_key(p.payee) for p in members}
    if all(p.payee_rule == "payee.none_split" for p in members):
        pass  # a split by source of funds says nothing of who receives the whole
    elif len(payees) == 1 and None not in payees:
        t.payee, t.payee_rule = members[0].payee, "payee.parts"
    elif t.payee_rule not in _NAMED_PAYEE or len(payees) > 1:
        t.payee, t.payee_rule = None, "payee.none_parts_differ"
    if len(members) >= 2 and t.role in ("", "grant", "contribution"):
        t.role = "total"  # an amount the text splits into parts is a stated sum
    kinds = {p.in_kind for p in members}
    t.mixed = len(kinds) > 1
    if len(kinds) == 1:
        t.in_kind = kinds.pop()


def _key(body: Body | None) -> str | None:
    return None if body is None else body.name.lower()


def _same_money(ctx: Context) -> None:
    """The same value with the same payer, payee, basis and period is one amount written
    twice ('540 tkr per år' in the decision and in the economy section; '100 000 kr' in
    the text and in the budget table): later statements point at the first."""
    first: dict[tuple, int] = {}
    for slot in ctx.layout.slots:
        d = ctx.decisions[slot.index]
        if d.keep:
            continue
        key = (slot.mention.value, _key(d.payer), _key(d.payee), d.basis, d.period,
               d.in_kind)
        if key in first:
            d.same_as = first[key]
        else:
            first[key] = slot.index


def _rows(ctx: Context) -> list[Attribution]:
    index: dict[int, int] = {}
    out: list[Attribution] = []
    for slot in ctx.layout.slots:
        d = ctx.decisions[slot.index]
        if d.keep:
            continue
        index[slot.index] = len(out)
        period = d.period or (None, None)
        out.append(Attribution(
            slot.mention, d.payer.name if d.payer else None, d.payer_rule,
            d.payee.name if d.payee else None, d.payee_rule if d.payee else d.payee_rule,
            d.basis, None if d.mixed else d.in_kind, d.role,
            period[0], period[1], d.period_rule, d.part_of, d.same_as))
    for row in out:
        row.part_of = index.get(row.part_of) if row.part_of is not None else None
        row.same_as = index.get(row.same_as) if row.same_as is not None else None
    return out
