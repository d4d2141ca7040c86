"""MEMO_AGREEMENT_MISMATCH: a memo against each agreement it proposes (links).

One function per aspect (amounts, term dates, counts in obligations, parties). A value is
a mismatch only when the two documents state comparable values and none of them agree: a
memo that restates its cost in two places, or an agreement that writes the count in words
and digits, is consistent as long as one statement of each side matches. Amounts are
compared like with like: every amount in each form of the same money (per month x 12,
per year x the term, named years added up), by who pays and in what kind; an amount that
equals one of the other side in some form is the same money, and what is left on both
sides, paid by one side in one kind, is the difference reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from pipeline.checks import names
from pipeline.checks.catalogue import FREQUENCIES, flag
from pipeline.checks.values import (
    dates,
    evidence,
    kr,
    months_between_columns,
    rows_of,
    text,
)
from pipeline.lang import table

Tables = dict[str, pd.DataFrame]
CODE = "MEMO_AGREEMENT_MISMATCH"
_PROVENANCE = ["page", "char_start", "char_end", "quote"]


def proposals(tables: Tables) -> pd.DataFrame:
    links = tables["links"]
    pairs = links[text(links, "relation") == "proposes"]
    return pd.DataFrame({"memo": pairs["doc_id"], "agreement": pairs["related_doc_id"]})


def _both_sides(pairs: pd.DataFrame, rows: pd.DataFrame, on: list[str]) -> pd.DataFrame:
    """Every combination of a memo row and an agreement row that share `on` (and a link)."""
    memo = rows.add_prefix("m_").rename(columns={"m_doc_id": "memo"})
    agreement = rows.add_prefix("a_").rename(columns={"a_doc_id": "agreement"})
    merged = pairs.merge(memo, on="memo").merge(
        agreement, left_on=["agreement", *[f"m_{c}" for c in on]],
        right_on=["agreement", *[f"a_{c}" for c in on]])
    return merged.reset_index(drop=True)


def _same(value):
    return value


def _side_evidence(row: dict, doc_id: str, value, table_name: str = "amounts",
                   prefix: str = "") -> dict:
    fields = {c: row[f"{prefix}{c}"] for c in _PROVENANCE}
    return evidence({"doc_id": doc_id, **fields}, table_name, value)


def _mismatch(row: dict, table_name: str, column: str, rule: str, aspect: str,
              value: Callable = _same, say: Callable = _same) -> dict:
    """The flag on the memo of a memo-agreement pair that disagree on `column`: the value
    on each side as evidence (`value` of it) and in the message (`say` of it; the
    agreement's followed by `aspect`, what the value is)."""
    agreement, memo = value(row[f"a_{column}"]), value(row[f"m_{column}"])
    return flag(CODE, row["memo"],
                [_side_evidence(row, row["agreement"], agreement, table_name, "a_"),
                 _side_evidence(row, row["memo"], memo, table_name, "m_")],
                rule, related_doc_id=row["agreement"],
                agreement=f"{say(agreement)} {aspect}".strip(), memo=say(memo))


def _disagreeing(combos: pd.DataFrame, group: list[str], comparable: pd.Series,
                 equal: pd.Series) -> pd.DataFrame:
    """Groups with comparable values of which none are equal: one row each, the most
    telling combination (comparable, preferred by `_rank` if given, earliest in both)."""
    combos = combos.assign(_comparable=comparable, _equal=equal)  # aligned on the index
    agree = combos.groupby(group)["_equal"].transform("any")
    comparable_any = combos.groupby(group)["_comparable"].transform("any")
    wrong = combos[comparable_any & ~agree & combos["_comparable"]]
    preference = ["_rank"] if "_rank" in wrong else []
    wrong = wrong.sort_values([*group, *preference, "a_char_start", "m_char_start"],
                              kind="stable")
    return wrong.drop_duplicates(group)


# --- amounts -----------------------------------------------------------------------------

@cache
def _words() -> dict:
    return table("checks")["messages"]


@dataclass(slots=True)
class Money:
    """One amount of a document with the forms of the same money it can be compared in:
    (unit, kronor) with unit year, month, period (the whole term), one_off or any (the
    text does not say)."""

    row: dict
    forms: frozenset[tuple[str, float]]
    side: str  # who pays: names.side of the payer, 'total' for a total without one, ''
    kind: str  # cash, kind (in kind) or ceiling
    payee: str
    trigger: bool  # an amount whose payer is known (or a total): a difference is reported


def _forms(row: dict, term_months: float | None) -> frozenset[tuple[str, float]]:
    value, basis = float(row["amount_sek"]), row["basis"]
    own = row["own_months"]
    own = None if own != own else own  # NaN: no period of its own
    forms: set[tuple[str, float]] = set()
    if basis == "per_year":
        forms.add(("year", value))
        if term_months:
            forms.add(("period", value * term_months / 12))
    elif basis == "per_month":
        forms |= {("month", value), ("year", value * 12)}
        if term_months:
            forms.add(("period", value * term_months))
    elif basis == "per_period":
        if own is not None and abs(own - 12) <= 0.5:  # a named year: that year's money
            forms.add(("year", value))
        if own is None or (term_months and abs(own - term_months) <= 0.5):
            # the whole term's money; no average per year: a per-year amount has a period
            # form of its own, and an average would equal one named year's allocation
            # (1,2 mnkr for 2025-2026 is not "600 000 kr for 2025" when 2026 has 650 000)
            forms.add(("period", value))
        elif not forms:
            forms.add(("span", value))
    elif basis == "one_off":
        forms.add(("one_off", value))
    else:
        forms.add(("any", value))
    return frozenset(forms)


def _equal(x: Money, y: Money) -> bool:
    """The same figure (whatever span each ties it to: that is a PERIOD_MISMATCH's
    business), or some form of one is the same money as some form of the other (to the
    krona)."""
    if x.row and y.row and x.row["amount_sek"] == y.row["amount_sek"]:
        return True
    return any((ux == uy or "any" in (ux, uy)) and abs(vx - vy) <= 1
               for ux, vx in x.forms for uy, vy in y.forms)


def _comparable(x: frozenset, y: frozenset) -> bool:
    units_x, units_y = {u for u, _ in x}, {u for u, _ in y}
    return bool(units_x & units_y) or "any" in units_x | units_y


def _document_money(rows: list[dict], term_months: float | None) -> list[Money]:
    totals = {r["part_of"] for r in rows if r["part_of"]}
    out = []
    for row in rows:
        payer = row["payer"]
        side = names.side(payer) if payer else ("total" if row["role"] == "total" else "")
        kind = "kind" if row["in_kind"] else "ceiling" if row["ceiling"] else "cash"
        budget_line = row["role"] == "cost" and row["amount_id"] not in totals
        trigger = bool(side) and not budget_line
        out.append(Money(row, _forms(row, term_months), side, kind, row["payee"], trigger))
    # the amounts of named years together: the money of the years they cover
    years = [m for m in out if m.row["basis"] == "per_period" and ("year", float(
        m.row["amount_sek"])) in m.forms and not m.row["part_of"]]
    for key in {(m.side, m.kind) for m in years}:
        group = {(m.row["period_start"], m.row["amount_sek"]) for m in years
                 if (m.side, m.kind) == key}
        if len(group) > 1:
            total = float(sum(v for _, v in group))
            out.append(Money({}, frozenset({("period", total)}), key[0], key[1], "", False))
    return out


def _same_slot(m: Money, a: Money) -> bool:
    payees_fit = not m.payee or not a.payee or names.same_organisation(m.payee, a.payee) or \
        names.side(m.payee) == names.side(a.payee)
    return m.side == a.side and m.kind == a.kind and payees_fit


def _say(money: Money) -> str:
    """'690 000 kr per år från Socialnämnden' in the document's own terms."""
    words, row = _words(), money.row
    said = [words["ceiling"]] if money.kind == "ceiling" else []
    if money.side == "total" and not row["payer"]:
        said.append(words["total"])
    said.append(kr(row["amount_sek"]))
    said.append(words["basis"].get(row["basis"] or "unknown", ""))
    if money.kind == "kind":
        said.append(words["in_kind"])
    if row["payer"]:
        said += [words["payer"], row["payer"]]
    return " ".join(w for w in said if w)


def _amount_rows(tables: Tables, docs: set) -> dict[str, list[dict]]:
    amounts = tables["amounts"]
    amounts = amounts[amounts["doc_id"].isin(docs) & amounts["amount_sek"].notna()]
    frame = pd.DataFrame({
        "doc_id": amounts["doc_id"], "amount_sek": amounts["amount_sek"].astype("int64"),
        "payer": text(amounts, "payer"), "payee": text(amounts, "payee"),
        "basis": text(amounts, "basis"), "role": text(amounts, "role"),
        "part_of": text(amounts, "part_of"), "amount_id": text(amounts, "amount_id"),
        "in_kind": amounts["in_kind"].astype("boolean").fillna(False).astype(bool),
        "ceiling": amounts["ceiling"].astype("boolean").fillna(False).astype(bool),
        "period_start": text(amounts, "period_start"), "period_end": text(amounts, "period_end"),
        "own_months": months_between_columns(dates(amounts, "period_start"),
                                             dates(amounts, "period_end")),
        **{c: amounts[c] for c in _PROVENANCE}})
    grouped: dict[str, list[dict]] = {}
    for row in rows_of(frame):
        grouped.setdefault(row["doc_id"], []).append(row)
    return grouped


def _term_months(tables: Tables, docs: set) -> dict[str, float]:
    """Each document's term in months (its first dated term)."""
    terms = _dated_terms(tables)
    terms = terms[terms["doc_id"].isin(docs) & terms["start_date"].notna() &
                  terms["end_date"].notna()].drop_duplicates("doc_id")
    months = months_between_columns(terms["start_date"], terms["end_date"])
    return dict(zip(terms["doc_id"], months, strict=True))


def amount_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    """Each side's amounts in every form of the same money (per month x 12 = per year; per
    year x the term = for the period); amounts equal in some form are the same money.
    What is left on both sides, paid by the same side in the same kind, and comparable in
    a form, is a difference: one flag per payer side and kind."""
    docs = set(pairs["memo"]) | set(pairs["agreement"])
    rows = _amount_rows(tables, docs)
    months = _term_months(tables, docs)
    out = []
    for memo, agreement in zip(pairs["memo"], pairs["agreement"], strict=True):
        if memo not in rows or agreement not in rows:
            continue
        term = months.get(agreement) or months.get(memo)
        m_money = _document_money(rows[memo], term)
        a_money = _document_money(rows[agreement], term)
        m_left = [m for m in m_money if m.trigger and not any(_equal(m, a) for a in a_money)]
        a_left = [a for a in a_money if a.trigger and not any(_equal(a, m) for m in m_money)]
        # the message pairs like with like: the same basis first
        candidates = sorted(((a, m) for a in a_left for m in m_left),
                            key=lambda p: p[0].row["basis"] != p[1].row["basis"])
        seen = set()
        for a, m in candidates:
            if (a.side, a.kind) in seen or not _same_slot(m, a) or \
                    not _comparable(m.forms, a.forms):
                continue
            seen.add((a.side, a.kind))
            out.append(flag(CODE, memo, [
                _side_evidence(a.row, agreement, int(a.row["amount_sek"])),
                _side_evidence(m.row, memo, int(m.row["amount_sek"]))],
                "check.memo_agreement.amount", related_doc_id=agreement,
                agreement=_say(a), memo=_say(m)))
    return out


# --- term start and end ------------------------------------------------------------------

def _dated_terms(tables: Tables) -> pd.DataFrame:
    periods = tables["periods"]
    terms = periods[text(periods, "kind") == "term"]
    # the written dates as "start"/"end", parsed as start_date/end_date
    terms = terms.rename(columns={"start_date": "start", "end_date": "end"})
    return terms.assign(start_date=dates(terms, "start"), end_date=dates(terms, "end"))


def term_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    """The term's start or end. A memo's term that lies wholly before the agreement's (the
    agreement it replaces, recalled as background) is not the term it proposes."""
    terms = _dated_terms(tables)
    rows = []
    for column in ("start", "end"):
        dated = terms[terms[column].notna()]
        dated = dated.assign(value=text(dated, column), same="term")
        combos = _both_sides(pairs, dated[["doc_id", "value", "same", "start_date",
                                           "end_date", *_PROVENANCE]], ["same"])
        if combos.empty:
            continue
        m_last = combos["m_end_date"].fillna(combos["m_start_date"])
        a_first = combos["a_start_date"].fillna(combos["a_end_date"])
        before = (m_last < a_first).fillna(False).astype(bool)
        combos = combos[~before]
        if combos.empty:
            continue
        equal = combos["m_value"] == combos["a_value"]
        comparable = pd.Series(True, index=combos.index)
        wrong = _disagreeing(combos, ["memo", "agreement"], comparable, equal)
        for row in wrong.to_dict("records"):
            rows.append(_mismatch(row, "periods", "value",
                                  f"check.memo_agreement.term_{column}",
                                  _words()[f"term_{column}"]))
    return rows


# --- counts in obligations ---------------------------------------------------------------

@cache
def _obligation_words() -> tuple[frozenset[str], int]:
    data = table("checks")["obligations"]
    return frozenset(data["generic_words"]), int(data["min_word_length"])


@cache
def counted_words(action: str) -> frozenset[str]:
    """The words that say what is counted: 'genomföra minst sex stödgrupper' -> stödgrupper."""
    generic, shortest = _obligation_words()
    return frozenset(w for w in re.findall(r"[^\W\d_]+", action.lower())
                     if len(w) >= shortest and w not in generic)


def same_thing(a: str, b: str) -> str:
    """The word of `a` that `b` counts too (compounds end in their head), or ''."""
    for x in sorted(counted_words(a)):
        for y in counted_words(b):
            if x.endswith(y) or y.endswith(x):
                return x
    return ""


def count_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    obligations = tables["obligations"]
    counted = obligations[obligations["quantity"].notna()]
    counted = counted.assign(action=text(counted, "action"), party=text(counted, "party"),
                             frequency=text(counted, "frequency"), same="count")
    columns = ["doc_id", "action", "party", "frequency", "quantity", "same", *_PROVENANCE]
    combos = _both_sides(pairs, counted[columns], ["same"])
    if combos.empty:
        return []
    thing = [same_thing(a, m) for a, m in zip(combos["a_action"], combos["m_action"],
                                              strict=True)]
    combos = combos.assign(thing=thing)
    parties_fit = [not m or not a or names.same_organisation(m, a) or
                   names.side(m) == names.side(a) == names.PUBLIC
                   for m, a in zip(combos["m_party"], combos["a_party"], strict=True)]
    frequency_fits = (combos["m_frequency"] == combos["a_frequency"]) | \
        (combos["m_frequency"] == "") | (combos["a_frequency"] == "")
    combos = combos[(combos["thing"] != "") & pd.Series(parties_fit, index=combos.index) &
                    frequency_fits]
    if combos.empty:
        return []
    equal = combos["m_quantity"] == combos["a_quantity"]
    comparable = pd.Series(True, index=combos.index)
    # each memo statement against the agreement statements it is about
    wrong = _disagreeing(combos, ["memo", "agreement", "m_char_start", "m_page"], comparable,
                         equal)
    wrong = wrong.drop_duplicates(["memo", "agreement", "a_char_start", "a_page"])
    rows = []
    for row in wrong.to_dict("records"):
        how_often = FREQUENCIES.get(row["a_frequency"] or row["m_frequency"], "")
        aspect = f"{row['thing']} {how_often}".strip()
        rows.append(_mismatch(row, "obligations", "quantity", "check.memo_agreement.count",
                              aspect, value=int))
    return rows


# --- parties -----------------------------------------------------------------------------

def party_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    """A non-public party of the agreement that the memo replaces by another one. A memo
    that proposes several agreements names all their partners: a partner of another
    agreement it proposes replaces nobody."""
    parties = tables["parties"]
    named = parties[(text(parties, "role") == "party")]
    named = named.assign(name=text(named, "name"))
    named = named[named["name"].map(names.side).isin(["", names.PUBLIC]) == False]  # noqa: E712
    named = named.assign(same="party")
    combos = _both_sides(pairs, named[["doc_id", "name", "same", *_PROVENANCE]], ["same"])
    if combos.empty:
        return []
    combos["match"] = [names.same_organisation(m, a)
                       for m, a in zip(combos["m_name"], combos["a_name"], strict=True)]
    # the memo's partners that are partners of the other agreements it proposes
    others = combos[["memo", "agreement", "a_name"]].drop_duplicates()
    elsewhere = combos[["memo", "agreement", "m_name"]].drop_duplicates().merge(
        others.rename(columns={"agreement": "other"}), on="memo")
    elsewhere = elsewhere[elsewhere["other"] != elsewhere["agreement"]]
    elsewhere = elsewhere[np.array([names.same_organisation(m, a) for m, a in zip(
        elsewhere["m_name"], elsewhere["a_name"], strict=True)], dtype=bool)]
    taken = set(zip(elsewhere["memo"], elsewhere["agreement"], elsewhere["m_name"],
                    strict=True))
    combos = combos[np.array([(m, a, n) not in taken for m, a, n in zip(
        combos["memo"], combos["agreement"], combos["m_name"], strict=True)], dtype=bool)]
    if combos.empty:
        return []
    memo_found = combos.groupby(["memo", "agreement", "m_name"])["match"].transform("any")
    agreement_found = combos.groupby(["memo", "agreement", "a_name"])["match"].transform("any")
    lonely = combos[~memo_found & ~agreement_found]
    lonely = lonely.sort_values(["memo", "agreement", "a_char_start", "m_char_start"])
    lonely = lonely.drop_duplicates(["memo", "agreement", "a_name"])
    lonely = lonely.drop_duplicates(["memo", "agreement", "m_name"])
    return [_mismatch(row, "parties", "name", "check.memo_agreement.party", _words()["party"])
            for row in lonely.to_dict("records")]


def memo_agreement_mismatch(tables: Tables) -> list[dict]:
    pairs = proposals(tables)
    if pairs.empty:
        return []
    return (amount_mismatch(tables, pairs) + term_mismatch(tables, pairs) +
            count_mismatch(tables, pairs) + party_mismatch(tables, pairs))
