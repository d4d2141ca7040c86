"""Money across the archive: which amounts count, and how much of each falls in each year.

Every amount row of the archive gets a row in `funding_amounts`: counted, or why not. The
counted ones are spread over calendar years in `funding_detail` (one row per amount and
year), the table every figure of the funding views sums, so each figure can be traced to
its amount rows.

Which amounts count:
- A document counts once: of an agreement's renderings (documents.group_id) only the
  group's own document (`other_rendering`); a version that a later one replaces
  (links.relation draft_of, every rendering of it) not at all (`superseded`); a memo or
  protocol that proposes an agreement in the archive not at all, the agreement counts
  (`memo_of_agreement`); a memo whose agreement is not in the archive counts; anything
  else (news, slides, guidelines) not (`not_agreement`).
- In a document: the same money written again (amounts.same_as: `restated`; two rows with
  the same payer, payee, kind and the same kronor per year, as '45 000 kr per månad' and
  '540 000 kr per år': `same_money`), a budget's cost lines (`cost`), zero amounts
  (`zero`) and a ceiling beside amounts of the same payer (`ceiling_with_amounts`) do not
  count. A total and its parts (amounts.part_of) are not added together: the parts count,
  and the total only for what its parts leave over, month by month (`residual`: the
  1 800 000 kr per year of a three-year agreement whose first year is divided between two
  organisations counts for the other two years as the payer's money to no named payee);
  a total its parts use up is `counted_as_parts`. An amount with neither payer nor payee
  is `no_payer`.
- In-kind contributions (amounts.in_kind) count apart from cash: every figure says which.

How an amount is spread over years (its span: its own period, else its document's term):
- per_year: the yearly amount for each month of the span, a twelfth per month
  (2018-07-01..2021-06-30 at 1 800 000 kr per year: 900 000 in 2018, 1 800 000 in 2019
  and 2020, 900 000 in 2021); an open-ended span counts its first twelve months;
- per_month: the monthly amount for each month of the span;
- per_period and unknown: the amount pro rata over the span's months;
- one_off: the whole amount in the year the span starts.
A month partly covered counts by its share of days. An amount without a span (no period,
no dated term) is counted whole with no year (year NULL). Each amount's yearly figures are
whole kronor that add up to its whole amount (largest remainders).
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from pipeline.archive.organisations import Organisations

Months = dict[tuple[int, int] | None, float]  # (year, month) or None (no year) -> kronor

PARTIAL = "partial"


def _day(value: object) -> date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return date.fromisoformat(str(value)[:10])


def month_shares(start: date, end: date) -> dict[tuple[int, int], float]:
    """Each month of start..end (inclusive) and the share of its days covered."""
    out = {}
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = calendar.monthrange(year, month)[1]
        first = max(start, date(year, month, 1))
        last = min(end, date(year, month, days))
        out[(year, month)] = ((last - first).days + 1) / days
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def spread(amount: float, basis: str, start: date | None, end: date | None
           ) -> tuple[Months, str]:
    """The amount over the months of its span, and the rule that spread it."""
    if start is None:
        if basis == "per_month":
            return {None: amount * 12}, "no_period_one_year"
        return {None: amount}, "no_period"
    rule = basis if basis in ("per_year", "per_month", "one_off") else "pro_rata"
    if end is None or end < start:
        if basis == "one_off":
            return {(start.year, start.month): amount}, rule
        end = add_months(start, 12) - timedelta(days=1)
        rule += "_open_ended_one_year"
    shares = month_shares(start, end)
    if basis == "one_off":
        return {(start.year, start.month): amount}, rule
    if basis == "per_year":
        return {k: amount / 12 * s for k, s in shares.items()}, rule
    if basis == "per_month":
        return {k: amount * s for k, s in shares.items()}, rule
    total = sum(shares.values())
    return {k: amount * s / total for k, s in shares.items()}, rule


def by_year(months: Months) -> dict[int | None, int]:
    """Whole kronor per year that add up to the rounded whole (largest remainders)."""
    years: dict[int | None, float] = defaultdict(float)
    for key, value in months.items():
        years[None if key is None else key[0]] += value
    whole = round(sum(years.values()))
    floors = {y: math.floor(v + 1e-9) for y, v in years.items()}
    left = whole - sum(floors.values())
    order = sorted(years, key=lambda y: (-(years[y] - floors[y]), -1 if y is None else y))
    for y in order[:max(0, left)]:
        floors[y] += 1
    return {y: v for y, v in floors.items() if v}


@dataclass(slots=True)
class Item:
    """One amount row of a counted document on its way to the detail table."""

    row: dict
    payer_id: str | None
    payer_unit: str | None
    payee_id: str | None
    months: Months = field(default_factory=dict)
    rule: str = ""
    reason: str | None = None
    share: str = "amount"  # or "residual": what its counted parts leave over
    children: list[Item] = field(default_factory=list)
    full: Months = field(default_factory=dict)  # its months before its parts are taken


def _term(periods: pd.DataFrame) -> dict[str, tuple[date, date | None]]:
    """Each document's term: the dated term that ends last."""
    terms = periods[(periods["kind"] == "term") & periods["start_date"].notna()]
    out: dict[str, tuple[date, date | None]] = {}
    for doc, start, end in zip(terms["doc_id"], terms["start_date"], terms["end_date"],
                               strict=True):
        span = (_day(start), _day(end))
        best = out.get(doc)
        if best is None or (span[1] or date.max) > (best[1] or date.max) or \
                (best[1] is None and span[1] is None and span[0] < best[0]):
            out[doc] = span  # type: ignore[assignment]
    return out


def superseded_groups(documents: pd.DataFrame, links: pd.DataFrame,
                      terms: dict[str, tuple[date, date | None]]) -> dict[str, set[str]]:
    """group_id -> the groups of the later versions that replace it (links draft_of). A
    later agreement whose term does not overlap the earlier's follows it and replaces
    nothing: both terms' money was paid."""
    group = dict(zip(documents["doc_id"], documents["group_id"], strict=True))
    out: dict[str, set[str]] = defaultdict(set)
    drafts = links[links["relation"] == "draft_of"]
    for later, earlier in zip(drafts["doc_id"], drafts["related_doc_id"], strict=True):
        a, b = terms.get(later), terms.get(earlier)
        if a and b and ((a[1] or date.max) < b[0] or (b[1] or date.max) < a[0]):
            continue
        if group.get(earlier) and group.get(later):
            out[group[earlier]].add(group[later])
    return out


def document_status(documents: pd.DataFrame, links: pd.DataFrame,
                    terms: dict[str, tuple[date, date | None]] | None = None
                    ) -> dict[str, str | None]:
    """doc_id -> None (its amounts count) or why a document's amounts do not."""
    superseded = superseded_groups(documents, links, terms or {})
    proposing = set(links.loc[links["relation"] == "proposes", "doc_id"])
    out: dict[str, str | None] = {}
    for doc, kind, status, grp in zip(documents["doc_id"], documents["kind"],
                                      documents["status"], documents["group_id"], strict=True):
        if not isinstance(doc, str) or not doc or doc in out or status == "error":
            continue
        if kind not in ("agreement", "memo"):
            out[doc] = "not_agreement"
        elif kind == "memo" and doc in proposing:
            out[doc] = "memo_of_agreement"
        elif grp in superseded:
            out[doc] = "superseded"
        elif grp != doc:
            out[doc] = "other_rendering"
        else:
            out[doc] = None
    return out


def _subtract(whole: Months, parts: list[Months]) -> Months:
    """What a total leaves over its parts: the kronor its parts do not account for, in the
    months no part covers (a total's first year divided, its other years not), else over
    all its months, in proportion to the total's own months. Nothing when the parts
    account for it all."""
    left = sum(whole.values()) - sum(v for p in parts for v in p.values())
    if left <= 0.5:
        return {}
    covered = {k for p in parts for k, v in p.items() if v}
    uncovered = {k: v for k, v in whole.items() if k not in covered and v > 0}
    base = uncovered if sum(uncovered.values()) > 0 else whole
    weight = sum(base.values())
    return {k: left * v / weight for k, v in base.items()} if weight > 0 else {None: left}


def _money_key(item: Item) -> tuple:
    return (item.payer_id, item.payer_unit, item.payee_id, bool(item.row["in_kind"]),
            tuple(sorted(by_year(item.months).items(), key=lambda kv: (kv[0] is None, kv[0]))))


def document_items(rows: list[dict], span: tuple[date, date | None] | None,
                   orgs: Organisations) -> list[Item]:
    """The amount rows of one counted document, each with its months and reason."""
    items = []
    for row in rows:
        payer, unit = orgs.resolve(row["doc_id"], row["payer"])
        payee, _ = orgs.resolve(row["doc_id"], row["payee"])
        item = Item(row, payer, unit, payee)
        own = (_day(row["period_start"]), _day(row["period_end"]))
        start, end = own
        if start is None and end is not None and span is not None:
            start = span[0]
        if start is None and end is None and span is not None:
            start, end = span
        elif start is not None and end is None and own[0] is not None and span is not None \
                and row["basis"] != "one_off":
            end = span[1] if span[1] and span[1] >= start else None
        item.months, item.rule = spread(float(row["amount_sek"] or 0), row["basis"] or "",
                                        start, end)
        if row["same_as"]:
            item.reason = "restated"
        elif row["role"] == "cost":
            item.reason = "cost"
        elif not row["amount_sek"]:
            item.reason = "zero"
        items.append(item)
    by_id = {item.row["amount_id"]: item for item in items if item.row["amount_id"]}
    for item in items:
        parent = by_id.get(item.row["part_of"] or "")
        if parent is not None and parent is not item and item.reason is None:
            parent.children.append(item)
    # the same money in two forms: the first counts
    seen: dict[tuple, Item] = {}
    for item in items:
        if item.reason is not None or item.children:
            continue
        key = _money_key(item)
        first = seen.get(key)
        if first is not None and first.row["part_of"] != item.row["amount_id"] and \
                item.row["part_of"] != first.row["amount_id"]:
            item.reason = "same_money"
            parent = by_id.get(item.row["part_of"] or "")
            if parent is not None and item in parent.children:
                parent.children.remove(item)
        else:
            seen[key] = item
    # a ceiling beside counted amounts of the same payer says how much at most
    paying = {(i.payer_id, bool(i.row["in_kind"])) for i in items
              if i.reason is None and not i.row["ceiling"] and i.row["role"] != "total"}
    for item in items:
        if item.reason is None and item.row["ceiling"] and \
                (item.payer_id, bool(item.row["in_kind"])) in paying:
            item.reason = "ceiling_with_amounts"
    # totals: what their parts leave over, innermost first
    def settle(item: Item, depth: int = 0) -> None:
        if depth > 20:
            return
        for child in item.children:
            settle(child, depth + 1)
        if item.children and item.reason is None:
            item.months = _subtract(item.months, [c.full for c in item.children])
            item.share = "residual"
            if not item.months:
                item.reason = "counted_as_parts"

    for item in items:
        item.full = dict(item.months)
    for item in items:
        if not item.row["part_of"] or by_id.get(item.row["part_of"]) is None:
            settle(item)
    for item in items:
        if item.reason is None and item.payer_id is None and item.payee_id is None:
            item.reason = "no_payer"
    return items


def funding(documents: pd.DataFrame, links: pd.DataFrame, amounts: pd.DataFrame,
            periods: pd.DataFrame, orgs: Organisations) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(funding_amounts, funding_detail)."""
    terms = _term(periods)
    status = document_status(documents, links, terms)
    sources = dict(zip(documents["doc_id"], documents["source"], strict=True))
    group = dict(zip(documents["doc_id"], documents["group_id"], strict=True))
    records = amounts.astype(object).where(amounts.notna(), None).to_dict("records")
    per_doc: dict[str, list[dict]] = defaultdict(list)
    for row in records:
        per_doc[row["doc_id"]].append(row)
    listed, detail = [], []
    for doc, rows in per_doc.items():
        why = status.get(doc, "not_agreement")
        items = document_items(rows, terms.get(doc), orgs) if why is None else [
            Item(row, *orgs.resolve(doc, row["payer"]), orgs.resolve(doc, row["payee"])[0])
            for row in rows]
        for item in items:
            row = item.row
            reason = why or item.reason
            listed.append({
                "doc_id": doc, "source": sources.get(doc), "amount_id": row["amount_id"],
                "amount_sek": row["amount_sek"], "in_kind": bool(row["in_kind"]),
                "counted": reason is None, "reason": reason,
                "share": item.share if reason is None else None,
                "spread": item.rule or None if reason is None else None,
                "payer_id": item.payer_id, "payer_unit": item.payer_unit,
                "payee_id": item.payee_id})
            if reason is not None:
                continue
            for year, sek in sorted(by_year(item.months).items(),
                                    key=lambda kv: (kv[0] is None, kv[0])):
                detail.append({
                    "agreement_id": group.get(doc), "doc_id": doc, "source": sources.get(doc),
                    "amount_id": row["amount_id"], "year": year, "sek": sek,
                    "in_kind": bool(row["in_kind"]), "payer_id": item.payer_id,
                    "payer": row["payer"], "payer_unit": item.payer_unit,
                    "payee_id": item.payee_id, "payee": row["payee"],
                    "basis": row["basis"], "spread": item.rule, "share": item.share,
                    "amount_sek": row["amount_sek"]})
    return pd.DataFrame(listed), pd.DataFrame(detail)


def agreements(documents: pd.DataFrame, links: pd.DataFrame, parties: pd.DataFrame,
               periods: pd.DataFrame, detail: pd.DataFrame, orgs: Organisations
               ) -> pd.DataFrame:
    """One row per agreement (its renderings as one): who, when, how much, and whether a
    later version replaced it."""
    docs = documents[(documents["kind"] == "agreement") & documents["group_id"].notna()]
    group = dict(zip(docs["doc_id"], docs["group_id"], strict=True))
    sources = dict(zip(documents["doc_id"], documents["source"], strict=True))
    titles = dict(zip(documents["doc_id"], documents["title"], strict=True))
    terms = _term(periods)
    later = superseded_groups(documents, links, terms)
    proposed: dict[str, set[str]] = defaultdict(set)
    amended: dict[str, set[str]] = defaultdict(set)
    for a, b, relation in links[["doc_id", "related_doc_id", "relation"]].itertuples(
            index=False):
        if relation == "proposes" and b in group:
            proposed[group[b]].add(sources.get(a, ""))
        if relation == "amends" and a in group and b in group:
            amended[group[a]].add(sources.get(group[b], ""))
    members: dict[str, list[str]] = defaultdict(list)
    for doc, grp in group.items():
        members[grp].append(doc)
    partners: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    party_rows = parties[parties["role"].fillna("party").isin(["party", ""])]
    for doc, name in zip(party_rows["doc_id"], party_rows["name"], strict=True):
        if doc in members:
            org, _ = orgs.resolve(doc, name)
            if org is not None:
                side = "public" if org.startswith(("kommun:", "region:")) or \
                    orgs.place_of.get(org) else "partner"
                if org not in partners[doc][side]:
                    partners[doc][side].append(org)
    names = orgs.display_names
    paying: dict[str, list[str]] = defaultdict(list)
    for grp, payer, payee in zip(detail["agreement_id"], detail["payer_id"], detail["payee_id"],
                                 strict=True) if len(detail) else ():
        for org in (payer, payee):
            if isinstance(org, str) and org not in paying[grp]:
                paying[grp].append(org)
    cash = detail[~detail["in_kind"]].groupby("agreement_id")["sek"].sum() \
        if len(detail) else pd.Series(dtype=int)
    kind = detail[detail["in_kind"]].groupby("agreement_id")["sek"].sum() \
        if len(detail) else pd.Series(dtype=int)
    rows = []
    for grp, docs_of in members.items():
        span = terms.get(grp) or next((terms[d] for d in sorted(docs_of) if d in terms), None)
        who = {side: list(ids) for side, ids in (
            partners.get(grp) or next((partners[d] for d in sorted(docs_of) if d in partners),
                                      {})).items()}
        for org in paying.get(grp, ()):  # who pays or is paid is in the agreement too
            side = "public" if org in orgs.place_of else "partner"
            if org not in who.setdefault(side, []):
                who[side].append(org)
        rows.append({
            "agreement_id": grp, "source": sources.get(grp),
            "title": titles[grp] if isinstance(titles.get(grp), str) and titles[grp] else None,
            "renderings": " | ".join(sorted(sources[d] for d in docs_of)),
            "status": "superseded" if later.get(grp) else "current",
            "superseded_by": " | ".join(sorted(sources.get(g, "") for g in later[grp]))
            if later.get(grp) else None,
            "start_date": span[0].isoformat() if span else None,
            "end_date": span[1].isoformat() if span and span[1] else None,
            "partner_ids": " | ".join(who.get("partner", [])) or None,
            "partners": " | ".join(names.get(o, o) for o in who.get("partner", [])) or None,
            "public_ids": " | ".join(who.get("public", [])) or None,
            "public_parties": " | ".join(names.get(o, o) for o in who.get("public", []))
            or None,
            "cash_sek": int(cash.get(grp, 0)) if grp in cash.index else None,
            "in_kind_sek": int(kind.get(grp, 0)) if grp in kind.index else None,
            "proposed_by": " | ".join(sorted(proposed[grp])) or None,
            "amends": " | ".join(sorted(amended[grp])) or None,
        })
    return pd.DataFrame(rows).sort_values("source").reset_index(drop=True) if rows else \
        pd.DataFrame(rows)
