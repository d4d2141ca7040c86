"""The field diff over hand-made fact rows: each planted change is reported once, correctly."""

from __future__ import annotations

import math

import pytest

from pipeline.compare.fields import fields_diff, name_similarity

DOC = "0" * 64


def amount(value, **kw) -> dict:
    row = {"doc_id": DOC, "amount_sek": value, "payer": None, "payee": None,
           "basis": "unknown", "in_kind": False, "role": "", "source_of_funds": "",
           "ceiling": False, "vat": "", "period_start": None, "period_end": None,
           "page": 1, "char_start": 0, "char_end": 0, "quote": "", "rule_id": ""}
    row.update(kw)
    return row


def period(kind, start=None, end=None, months=None, **kw) -> dict:
    return {"doc_id": DOC, "kind": kind, "start_date": start, "end_date": end, "months": months,
            "times_per_year": None, "page": 1, "char_start": 0, **kw}


def party(name, org_number="", role="party", **kw) -> dict:
    return {"doc_id": DOC, "name": name, "org_number": org_number, "role": role,
            "sector": "unknown", "page": 1, "char_start": 0, **kw}


def obligation(party_name, action, quantity=None, frequency="", **kw) -> dict:
    return {"doc_id": DOC, "party": party_name, "action": action, "quantity": quantity,
            "frequency": frequency, "page": 1, "char_start": 0, **kw}


def signatory(person, for_party, place="Linköping", date_text="2022-11-xx", **kw) -> dict:
    return {"doc_id": DOC, "person": person, "for_party": for_party, "place": place,
            "date": None, "date_text": date_text, "page": 1, "char_start": 0, **kw}


SON = "Social- och omsorgsnämnden"
PASTORAT = "Linköpings Domkyrkopastorat"
AMOUNTS = [
    amount(300500, payer=SON, payee=PASTORAT, basis="per_period",
           period_start="2023-04-01", period_end="2024-03-31", char_start=100),
    amount(160000, payer=PASTORAT, basis="per_year", char_start=200),
]
PERIODS = [period("term", "2023-04-01", "2024-03-31", 12, char_start=300),
           period("notice", months=6, char_start=400)]
PARTIES = [party("Social- och omsorgsnämnden i Linköpings kommun", "212000-0449", char_start=10),
           party("Svenska kyrkan, Linköpings Domkyrkopastorat", "252003-0228", char_start=20)]
OBLIGATIONS = [
    obligation(PASTORAT, "genomföra minst sex stödgrupper BIV/BIS", 6, "per_year",
               char_start=50),
    obligation(PASTORAT, "rekrytera och utbilda gruppledare", char_start=51),
    obligation("Linköpings kommun", "garanteras fyra platser för utbildning av "
               "stödgruppsledare", 4, "per_year", char_start=52),
]
SIGNATORIES = [signatory("Linda Ljungqvist", "social och omsorgsnämnden", char_start=900),
               signatory("Karolina Einehag", PASTORAT, char_start=901)]
BASE = {"amounts": AMOUNTS, "periods": PERIODS, "parties": PARTIES,
        "obligations": OBLIGATIONS, "signatories": SIGNATORIES}


def changed(table: str, rows: list[dict]) -> dict:
    return {**BASE, table: rows}


def replace(rows: list[dict], index: int, **kw) -> list[dict]:
    out = [dict(r) for r in rows]
    out[index].update(kw)
    return out


def messages(old: dict, new: dict, mode: str = "drafts") -> list[str]:
    return [c.message for c in fields_diff(old, new, mode) if c.different]


def test_same_facts_are_no_change():
    assert messages(BASE, BASE) == []


def test_order_of_rows_is_no_change():
    shuffled = {name: list(reversed(rows)) for name, rows in BASE.items()}
    assert messages(BASE, shuffled) == []


def test_the_same_fact_written_twice_is_one_fact():
    twice = changed("amounts", AMOUNTS + [dict(AMOUNTS[1], char_start=250)])
    assert messages(BASE, twice) == []


def test_missing_tables_and_empty_values_from_pandas():
    as_pandas = changed("amounts", [dict(r, period_start=r["period_start"] or math.nan,
                                         payee=r["payee"] or math.nan) for r in AMOUNTS])
    assert messages(BASE, as_pandas) == []
    assert messages({}, {}) == []


# (table, new rows, the one message expected)
PLANTED = [
    # amounts
    ("amounts", replace(AMOUNTS, 0, amount_sek=350500),
     "Belopp ändrat: 300 500 kr → 350 500 kr (betalare: Social- och omsorgsnämnden, "
     "mottagare: Linköpings Domkyrkopastorat, period 2023-04-01–2024-03-31, för perioden)"),
    ("amounts", replace(AMOUNTS, 0, period_end="2025-03-31"),
     "Belopp ändrat: period 2023-04-01–2024-03-31 → 2023-04-01–2025-03-31 (belopp: 300 500 "
     "kr, betalare: Social- och omsorgsnämnden, mottagare: Linköpings Domkyrkopastorat, "
     "för perioden)"),
    ("amounts", replace(AMOUNTS, 1, basis="per_period"),
     "Belopp ändrat: grund per år → för perioden (belopp: 160 000 kr, betalare: Linköpings "
     "Domkyrkopastorat)"),
    ("amounts", replace(AMOUNTS, 1, payer="Linköpings kommun"),
     "Belopp ändrat: betalare Linköpings Domkyrkopastorat → Linköpings kommun (belopp: "
     "160 000 kr, per år)"),
    ("amounts", AMOUNTS + [amount(50000, payer=SON, basis="one_off", char_start=500)],
     "Belopp tillagt: 50 000 kr, engångsbelopp, betalare: Social- och omsorgsnämnden"),
    ("amounts", AMOUNTS[:1],
     "Belopp borttaget: 160 000 kr, per år, betalare: Linköpings Domkyrkopastorat"),
    # periods
    ("periods", replace(PERIODS, 0, end_date="2025-03-31", months=24),
     "Avtalstid ändrad: till och med 2024-03-31 → 2025-03-31, längd 12 månader → 24 månader "
     "(från: 2023-04-01)"),
    ("periods", replace(PERIODS, 0, start_date="2023-05-01"),
     "Avtalstid ändrad: från 2023-04-01 → 2023-05-01 (till och med: 2024-03-31, längd: 12 "
     "månader)"),
    ("periods", replace(PERIODS, 1, months=3),
     "Uppsägningstid ändrad: längd 6 månader → 3 månader"),
    ("periods", PERIODS + [period("follow_up", times_per_year=2, char_start=500)],
     "Uppföljning tillagd: gånger per år: 2"),
    ("periods", PERIODS[:1], "Uppsägningstid borttagen: längd: 6 månader"),
    # parties
    ("parties", replace(PARTIES, 1, name="Svenska kyrkan, Linköpings pastorat"),
     "Part har bytt namn: Svenska kyrkan, Linköpings Domkyrkopastorat → Svenska kyrkan, "
     "Linköpings pastorat (org.nr: 252003-0228)"),
    ("parties", replace(PARTIES, 1, name="Linköpings församling"),
     "Part har bytt namn: Svenska kyrkan, Linköpings Domkyrkopastorat → Linköpings "
     "församling (org.nr: 252003-0228)"),
    ("parties", replace(PARTIES, 1, org_number="252003-0229"),
     "Part ändrad: org.nr 252003-0228 → 252003-0229 (namn: Svenska kyrkan, Linköpings "
     "Domkyrkopastorat)"),
    ("parties", PARTIES + [party("Röda Korset Linköping", "802002-8711", char_start=30)],
     "Part tillagd: Röda Korset Linköping, org.nr: 802002-8711"),
    ("parties", PARTIES[:1],
     "Part borttagen: Svenska kyrkan, Linköpings Domkyrkopastorat, org.nr: 252003-0228"),
    # obligations
    ("obligations", replace(OBLIGATIONS, 0, quantity=8),
     "Åtagande ändrat: 6 → 8 (part: Linköpings Domkyrkopastorat, åtagande: genomföra minst "
     "sex stödgrupper BIV/BIS)"),
    ("obligations", replace(OBLIGATIONS, 0, frequency="per_half_year"),
     "Åtagande ändrat: frekvens per år → per halvår (part: Linköpings Domkyrkopastorat, "
     "åtagande: genomföra minst sex stödgrupper BIV/BIS)"),
    ("obligations", replace(OBLIGATIONS, 0, party="Linköpings kommun"),
     "Åtagande ändrat: part Linköpings Domkyrkopastorat → Linköpings kommun (åtagande: "
     "genomföra minst sex stödgrupper BIV/BIS)"),
    ("obligations", replace(OBLIGATIONS, 0, action="genomföra minst åtta stödgrupper BIV/BIS",
                            quantity=8),
     "Åtagande ändrat: 6 → 8 (part: Linköpings Domkyrkopastorat, åtagande: genomföra minst "
     "åtta stödgrupper BIV/BIS)"),
    ("obligations", OBLIGATIONS + [obligation(SON, "bjuda in till uppföljningsmöten",
                                              char_start=60)],
     "Åtagande tillagt: Social- och omsorgsnämnden, bjuda in till uppföljningsmöten"),
    ("obligations", OBLIGATIONS[1:],
     "Åtagande borttaget: Linköpings Domkyrkopastorat, genomföra minst sex stödgrupper "
     "BIV/BIS, antal: 6, per år"),
    # signatories
    ("signatories", replace(SIGNATORIES, 1, person="Anna Andersson"),
     "Undertecknare ändrad: Karolina Einehag → Anna Andersson (för: Linköpings "
     "Domkyrkopastorat)"),
    ("signatories", replace(SIGNATORIES, 0, date="2022-12-01", date_text="2022-12-01"),
     "Undertecknare ändrad: datum – → 2022-12-01, datum (som skrivet) 2022-11-xx → "
     "2022-12-01 (för: social och omsorgsnämnden, namn: Linda Ljungqvist)"),
    ("signatories", replace(SIGNATORIES, 1, for_party="Svenska kyrkan i Linköping"),
     "Undertecknare ändrad: för Linköpings Domkyrkopastorat → Svenska kyrkan i Linköping "
     "(namn: Karolina Einehag)"),
    ("signatories", SIGNATORIES[:1],
     "Undertecknare borttagen: Karolina Einehag, för: Linköpings Domkyrkopastorat, ort: "
     "Linköping, datum (som skrivet): 2022-11-xx"),
]


@pytest.mark.parametrize("table,rows,expected", PLANTED,
                         ids=[f"{t}-{i}" for i, (t, _, _) in enumerate(PLANTED)])
def test_planted_change_is_reported_once(table, rows, expected):
    assert messages(BASE, changed(table, rows)) == [expected]


def test_rename_keeps_the_pair_and_says_renamed():
    new = changed("parties", replace(PARTIES, 1, name="Svenska kyrkan, Linköpings pastorat"))
    (change,) = [c for c in fields_diff(BASE, new) if c.different]
    assert change.status == "renamed"
    assert change.old["name"] == "Svenska kyrkan, Linköpings Domkyrkopastorat"
    assert change.new["name"] == "Svenska kyrkan, Linköpings pastorat"


def test_rename_without_org_numbers_is_found_by_name():
    old = {"parties": [party("Linköpings Stadsmission")]}
    new = {"parties": [party("Stadsmissionen i Linköping ideell förening")]}
    statuses = [c.status for c in fields_diff(old, new)]
    assert statuses == ["removed", "added"]  # nothing in common: not a rename
    new = {"parties": [party("Linköpings Stadsmission ideell förening")]}
    assert [c.status for c in fields_diff(old, new)] == ["renamed"]


def test_a_rename_is_reported_once_not_in_every_row_that_names_the_party():
    renamed = "Svenska kyrkan, Linköpings pastorat"

    def rename(rows: list[dict]) -> list[dict]:
        return [{k: renamed if v in (PASTORAT, "Svenska kyrkan, Linköpings Domkyrkopastorat")
                 else v for k, v in row.items()} for row in rows]

    new = {name: rename(rows) for name, rows in BASE.items()}
    assert messages(BASE, new) == [
        "Part har bytt namn: Svenska kyrkan, Linköpings Domkyrkopastorat → Svenska kyrkan, "
        "Linköpings pastorat (org.nr: 252003-0228)"]


def test_a_party_reference_written_another_way_is_the_same_party():
    """The pipeline's join key: 'Svenska kyrkan, X' = 'X', definite form = indefinite."""
    new = changed("amounts", replace(AMOUNTS, 1, payer="Svenska kyrkan, Linköpings "
                                                      "domkyrkopastoratet"))
    assert messages(BASE, new) == []


def test_parties_only_mentioned_are_not_compared():
    new = changed("parties", PARTIES + [party("Migrationsverket", role="mentioned")])
    assert messages(BASE, new) == []


def test_two_amounts_with_unknown_payers_pair_by_value_then_order():
    """Today's extraction leaves payer and period empty: rows still pair sensibly."""
    old = {"amounts": [amount(100000, char_start=1), amount(200000, char_start=2),
                       amount(300000, char_start=3)]}
    new = {"amounts": [amount(100000, char_start=1), amount(250000, char_start=2),
                       amount(300000, char_start=3)]}
    assert messages(old, new) == ["Belopp ändrat: 200 000 kr → 250 000 kr"]


def test_changes_are_listed_in_document_order():
    new = {**BASE, "amounts": [*AMOUNTS[1:], amount(50000, basis="one_off", char_start=500)]}
    got = [(c.status, (c.old or c.new)["amount_sek"]) for c in fields_diff(BASE, new)
           if c.different]
    # 300 500 stood first in the old document; 50 000 comes last in the new one
    assert got == [("removed", 300500), ("added", 50000)]
    new = {**BASE, "amounts": [AMOUNTS[0], amount(50000, basis="one_off", char_start=150)]}
    got = [(c.status, (c.old or c.new)["amount_sek"]) for c in fields_diff(BASE, new)
           if c.different]
    # a removed row goes right after the pair that preceded it in the old document
    assert got == [("removed", 160000), ("added", 50000)]


# --- memo against agreement ---------------------------------------------------------------

MEMO = {
    "amounts": [
        amount(100000, payer=SON, source_of_funds="budget", char_start=10),
        amount(200500, payer=SON, source_of_funds="state_grant", char_start=20),
        amount(300500, payer="Linköpings kommun", basis="per_period",
               period_start="2023-04-01", period_end="2024-03-31", char_start=30),
        amount(160000, payer="Linköpings domkyrkopastorat", char_start=40),
    ],
    "periods": [period("term", "2023-04-01", "2024-03-31")],
    "parties": [party(SON), party("Linköpings domkyrkopastorat")],
    "obligations": [obligation("Linköpings domkyrkopastorat", "hålla minst 6 grupper", 6,
                               "per_year")],
    "signatories": [signatory("Linda Ljungqvist", "Social- och omsorgsförvaltningen")],
}


def side_by_side(memo: dict, agreement: dict) -> list[tuple[str, str, str, str]]:
    return [(c.label, c.status, c.old_summary.split(",")[0], c.new_summary.split(",")[0])
            for c in fields_diff(memo, agreement, "memo_agreement")]


def test_memo_against_agreement_lists_both_sides_facts():
    assert side_by_side(MEMO, BASE) == [
        ("Belopp", "removed", "100 000 kr", ""),
        ("Belopp", "removed", "200 500 kr", ""),
        ("Belopp", "equal", "300 500 kr", "300 500 kr"),
        ("Belopp", "equal", "160 000 kr", "160 000 kr"),
        ("Avtalstid", "equal", "från: 2023-04-01", "från: 2023-04-01"),
        ("Uppsägningstid", "added", "", "längd: 6 månader"),
        ("Part", "equal", "Social- och omsorgsnämnden", "Social- och omsorgsnämnden i "
         "Linköpings kommun"),
        ("Part", "equal", "Linköpings domkyrkopastorat", "Svenska kyrkan"),
        ("Åtagande", "equal", "Linköpings domkyrkopastorat", "Linköpings Domkyrkopastorat"),
        ("Åtagande", "added", "", "Linköpings kommun"),  # counted: "fyra platser"
    ]  # obligations without a count are left out: a memo restates counts, not every duty


# (what the agreement says differently, the memo fact, expected status and changed columns)
MEMO_DIFFERENCES = [
    ("amounts", replace(AMOUNTS, 0, amount_sek=350500), ("changed", ["amount_sek"])),
    ("periods", replace(PERIODS, 0, end_date="2025-03-31"), ("changed", ["end_date"])),
    ("obligations", replace(OBLIGATIONS, 0, quantity=8), ("changed", ["quantity"])),
]


@pytest.mark.parametrize("table,rows,expected", MEMO_DIFFERENCES)
def test_memo_against_agreement_finds_the_different_fact(table, rows, expected):
    agreement = changed(table, rows)
    different = [(c.status, c.changed) for c in fields_diff(MEMO, agreement, "memo_agreement")
                 if c.status == "changed"]
    assert different == [expected]


def test_memo_mode_does_not_compare_signatories():
    assert all(c.table != "signatories" for c in fields_diff(MEMO, BASE, "memo_agreement"))


NAMES = [
    ("linköpings domkyrkopastorat", "svenska kyrkan linköpings domkyrkopastorat", 1.0),
    ("linköpings kommun", "social och omsorgsnämnden", 0.0),
    ("svenska kyrkan linköpings domkyrkopastorat", "svenska kyrkan linköpings pastorat", 0.6),
    ("", "linköpings kommun", 0.0),
]


@pytest.mark.parametrize("a,b,expected", NAMES)
def test_name_similarity(a, b, expected):
    assert name_similarity(a, b) == pytest.approx(expected)


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        fields_diff(BASE, BASE, "sideways")
