"""MEMO_AGREEMENT_MISMATCH: a memo against each agreement it proposes (links).

One function per aspect (amounts, term dates, counts in obligations, parties). Each joins
the linked pairs to both documents' rows at once. A value is a mismatch only when the two
documents state comparable values and none of them agree: a memo that restates its cost
in two places, or an agreement that writes the count in words and digits, is consistent
as long as one statement of each side matches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

import pandas as pd

from pipeline.checks import names
from pipeline.checks.catalogue import FREQUENCIES, flag
from pipeline.checks.values import evidence, kr, text
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


def _side_evidence(row: dict, prefix: str, doc_key: str, table_name: str, value) -> dict:
    fields = {c: row[f"{prefix}{c}"] for c in _PROVENANCE}
    return evidence({"doc_id": row[doc_key], **fields}, table_name, value)


def _mismatch(row: dict, table_name: str, column: str, rule: str, aspect: str,
              value: Callable = _same, say: Callable = _same) -> dict:
    """The flag on the memo of a memo-agreement pair that disagree on `column`: the value
    on each side as evidence (`value` of it) and in the message (`say` of it)."""
    agreement, memo = value(row[f"a_{column}"]), value(row[f"m_{column}"])
    return flag(CODE, row["memo"],
                [_side_evidence(row, "a_", "agreement", table_name, agreement),
                 _side_evidence(row, "m_", "memo", table_name, memo)],
                rule, related_doc_id=row["agreement"], agreement=say(agreement),
                aspect=aspect, memo=say(memo))


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

def _money(tables: Tables) -> pd.DataFrame:
    """Amounts by who pays (or receives): public parties are one side; a stated total is
    the side 'total'."""
    amounts = tables["amounts"]
    base = amounts.assign(top=text(amounts, "part_of") == "", basis=text(amounts, "basis"))
    role = text(amounts, "role")
    paid = base.assign(party=text(amounts, "payer"), flow="från")
    received = base.assign(party=text(amounts, "payee"), flow="till")
    total = base[role == "total"].assign(party="", flow="total")
    both = pd.concat([paid, received], ignore_index=True)
    both = both[both["party"] != ""]
    both = both.assign(side=both["party"].map(names.side))
    total = total.assign(side="total")
    columns = ["doc_id", "side", "flow", "party", "amount_sek", "basis", "top", "role",
               *_PROVENANCE]
    return pd.concat([both[columns], total[columns]], ignore_index=True)


def amount_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    combos = _both_sides(pairs, _money(tables), ["side", "flow"])
    if combos.empty:
        return []
    unknown = ("", "unknown")
    comparable = (combos["m_basis"] == combos["a_basis"]) | combos["m_basis"].isin(unknown) | \
        combos["a_basis"].isin(unknown)
    equal = combos["m_amount_sek"] == combos["a_amount_sek"]
    # the message names top-level amounts rather than parts of a split
    combos = combos.assign(_rank=~(combos["m_top"] & combos["a_top"]))
    wrong = _disagreeing(combos, ["memo", "agreement", "m_side", "m_flow"], comparable, equal)
    wrong = wrong.drop_duplicates(["memo", "agreement", "a_char_start", "a_page"])
    wrong = wrong.drop_duplicates(["memo", "agreement", "m_char_start", "m_page"])
    rows = []
    for row in wrong.to_dict("records"):
        aspect = "som total" if row["a_flow"] == "total" else f"{row['a_flow']} {row['a_party']}"
        rows.append(_mismatch(row, "amounts", "amount_sek", "check.memo_agreement.amount",
                              aspect, value=int, say=kr))
    return rows


# --- term start and end ------------------------------------------------------------------

def term_mismatch(tables: Tables, pairs: pd.DataFrame) -> list[dict]:
    periods = tables["periods"]
    terms = periods[text(periods, "kind") == "term"]
    rows = []
    for column, aspect in (("start", "som startdatum"), ("end", "som slutdatum")):
        dated = terms[terms[column].notna()]
        dated = dated.assign(value=text(dated, column), same="term")
        combos = _both_sides(pairs, dated[["doc_id", "value", "same", *_PROVENANCE]], ["same"])
        if combos.empty:
            continue
        equal = combos["m_value"] == combos["a_value"]
        comparable = pd.Series(True, index=combos.index)
        wrong = _disagreeing(combos, ["memo", "agreement"], comparable, equal)
        for row in wrong.to_dict("records"):
            rows.append(_mismatch(row, "periods", "value",
                                  f"check.memo_agreement.term_{column}", aspect))
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
    """A non-public party of the agreement that the memo replaces by another one."""
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
    memo_found = combos.groupby(["memo", "agreement", "m_name"])["match"].transform("any")
    agreement_found = combos.groupby(["memo", "agreement", "a_name"])["match"].transform("any")
    lonely = combos[~memo_found & ~agreement_found]
    lonely = lonely.sort_values(["memo", "agreement", "a_char_start", "m_char_start"])
    lonely = lonely.drop_duplicates(["memo", "agreement", "a_name"])
    lonely = lonely.drop_duplicates(["memo", "agreement", "m_name"])
    return [_mismatch(row, "parties", "name", "check.memo_agreement.party", "som part")
            for row in lonely.to_dict("records")]


def memo_agreement_mismatch(tables: Tables) -> list[dict]:
    pairs = proposals(tables)
    if pairs.empty:
        return []
    return (amount_mismatch(tables, pairs) + term_mismatch(tables, pairs) +
            count_mismatch(tables, pairs) + party_mismatch(tables, pairs))
