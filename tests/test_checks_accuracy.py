"""Checks and links on the facts the table contract describes (gold/GUIDELINES.md), one
case per line, grouped by phenomenon; invented organisations. Then the checks on tables
built from the dev corpus's gold files, and the links of the dev corpus against the links
its gold files name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks import link_documents, run_checks
from pipeline.checks.examples import build, doc_id
from pipeline.signature import columns as signature_columns
from pipeline.signature import dnr, org_numbers, version_marks
from tests.conftest import SHARED
from tests.gold_tables import gold_tables

PAIR = [{"doc": "avtal", "kind": "agreement"}, {"doc": "memo", "kind": "memo"}]
PROPOSES = [{"doc": "memo", "related_doc_id": doc_id("avtal"), "relation": "proposes",
             "score": 1.0}]
NAMND = "Fritidsnämnden"
KOMMUN = "Hjo kommun"
KLUBB = "Idrottsklubben Örnen"
JOUR = "Tjejjouren Lärkan"


def kr(doc: str, value: int, basis: str = "per_year", payer: str = NAMND, **fields) -> dict:
    return {"doc": doc, "amount_sek": value, "basis": basis, "payer": payer, **fields}


def term(doc: str, start: str | None, end: str | None, months: int | None = None,
         **fields) -> dict:
    return {"doc": doc, "kind": "term", "start_date": start, "end_date": end, "months": months,
            **fields}


THREE_YEARS = [term("avtal", "2025-01-01", "2027-12-31")]
TWO_YEARS = [term("avtal", "2024-04-01", "2026-03-31")]
TWO_CALENDAR_YEARS = [term("avtal", "2025-01-01", "2026-12-31")]


def mismatches(amounts=(), periods=(), parties=(), documents=PAIR, links=PROPOSES,
               code="MEMO_AGREEMENT_MISMATCH") -> list[str]:
    tables = build(documents=list(documents), amounts=list(amounts), periods=list(periods),
                   parties=list(parties), links=list(links))
    return [r["message"] for r in run_checks(tables) if r["code"] == code]


# --- MEMO_AGREEMENT_MISMATCH: the same money in another form is no difference -------------
LIKE_WITH_LIKE = [
    ("per month in the agreement, per year in the memo",
     [kr("avtal", 45000, "per_month"), kr("memo", 540000)], TWO_YEARS, []),
    ("per year for three years = the memo's total for the period",
     [kr("avtal", 500000), kr("memo", 1500000, "per_period")], THREE_YEARS, []),
    ("per month over a two-year term = the memo's total",
     [kr("avtal", 30000, "per_month"), kr("memo", 720000, "per_period")], TWO_YEARS, []),
    ("named years add up to the memo's total",
     [kr("avtal", 400000, "per_period", period_start="2025-01-01", period_end="2025-12-31"),
      kr("avtal", 420000, "per_period", period_start="2026-01-01", period_end="2026-12-31"),
      kr("avtal", 440000, "per_period", period_start="2027-01-01", period_end="2027-12-31"),
      kr("memo", 1260000, "per_period", role="total")], THREE_YEARS, []),
    ("named years not adding up to the memo's total: a year equal to its average is no match",
     [kr("avtal", 600000, "per_period", period_start="2025-01-01", period_end="2025-12-31"),
      kr("avtal", 650000, "per_period", period_start="2026-01-01", period_end="2026-12-31"),
      kr("avtal", 1250000, "per_period", role="total"),
      kr("memo", 1200000, "per_period", role="total")], TWO_CALENDAR_YEARS,
     ["Avtalet anger 1 250 000 kr för perioden från Fritidsnämnden, beslutsförslaget "
      "1 200 000 kr för perioden från Fritidsnämnden."]),
    ("the memo's total for the period is not the agreement's three years",
     [kr("avtal", 500000), kr("memo", 1400000, "per_period")], THREE_YEARS,
     ["Avtalet anger 500 000 kr per år från Fritidsnämnden, beslutsförslaget 1 400 000 kr "
      "för perioden från Fritidsnämnden."]),
    ("per month against per month, differing",
     [kr("avtal", 38000, "per_month"), kr("memo", 36000, "per_month")], TWO_YEARS,
     ["Avtalet anger 38 000 kr per månad från Fritidsnämnden, beslutsförslaget 36 000 kr "
      "per månad från Fritidsnämnden."]),
    ("per year against per month x 12, differing",
     [kr("avtal", 45000, "per_month"), kr("memo", 500000)], TWO_YEARS,
     ["Avtalet anger 45 000 kr per månad från Fritidsnämnden, beslutsförslaget 500 000 kr "
      "per år från Fritidsnämnden."]),
    ("the municipality and its nämnd are one side: the message names both payers",
     [kr("avtal", 690000, payer=KOMMUN), kr("memo", 640000)], THREE_YEARS,
     ["Avtalet anger 690 000 kr per år från Hjo kommun, beslutsförslaget 640 000 kr per år "
      "från Fritidsnämnden."]),
    ("a ceiling is compared with a ceiling, the grant with the grant",
     [kr("avtal", 1050000), kr("avtal", 150000, ceiling=True),
      kr("memo", 1100000), kr("memo", 150000, ceiling=True)], THREE_YEARS,
     ["Avtalet anger 1 050 000 kr per år från Fritidsnämnden, beslutsförslaget 1 100 000 kr "
      "per år från Fritidsnämnden."]),
    ("in kind is compared with in kind",
     [kr("avtal", 690000), kr("avtal", 186000, payer=KOMMUN, in_kind=True),
      kr("memo", 640000), kr("memo", 186000, payer=KOMMUN, in_kind=True)], THREE_YEARS,
     ["Avtalet anger 690 000 kr per år från Fritidsnämnden, beslutsförslaget 640 000 kr per "
      "år från Fritidsnämnden."]),
    ("the partner's own funds differ",
     [kr("avtal", 100000, payer=KLUBB), kr("memo", 120000, payer=KLUBB)], THREE_YEARS,
     ["Avtalet anger 100 000 kr per år från Idrottsklubben Örnen, beslutsförslaget 120 000 kr "
      "per år från Idrottsklubben Örnen."]),
    ("per year against a total with no term to count over: not compared",
     [kr("avtal", 500000), kr("memo", 1400000, "per_period")], [], []),
    ("a one-off against a yearly grant: not compared",
     [kr("avtal", 25000, "one_off"), kr("memo", 30000)], TWO_YEARS, []),
    ("an amount whose payer the memo does not say answers, never accuses",
     [kr("avtal", 690000), kr("memo", 1600000, payer="")], THREE_YEARS, []),
    ("the memo's funding split (parts of its total) is not the agreement's grant",
     [kr("avtal", 950000),
      kr("memo", 950000, role="total", amount_id="t"),
      kr("memo", 600000, part_of="t", source_of_funds="budget"),
      kr("memo", 300000, part_of="t", source_of_funds="state_grant")], TWO_YEARS, []),
    ("a memo's amount for another agreement's partner is not compared",
     [kr("avtal", 620000, payee=JOUR),
      kr("memo", 924000, payee=KLUBB), kr("memo", 620000, payee=JOUR)], THREE_YEARS, []),
    ("a budget line of the agreement is not a grant",
     [kr("avtal", 690000), kr("avtal", 412000, payer=KLUBB, role="cost"),
      kr("memo", 690000), kr("memo", 100000, payer=KLUBB)], THREE_YEARS, []),
]


@pytest.mark.parametrize("name,amounts,periods,expected", LIKE_WITH_LIKE,
                         ids=[c[0] for c in LIKE_WITH_LIKE])
def test_memo_agreement_like_with_like(name, amounts, periods, expected):
    assert mismatches(amounts, periods) == expected


TERMS = [
    ("the memo recalls the agreement it replaces, wholly before",
     [term("avtal", "2025-01-01", "2027-12-31"), term("memo", "2022-01-01", "2024-12-31")], []),
    ("the memo names only the old agreement's end",
     [term("avtal", "2024-01-01", "2026-12-31"), term("memo", None, "2023-12-31")], []),
    ("the memo's start three months early",
     [term("avtal", "2024-04-01", "2026-03-31"), term("memo", "2024-01-01", "2026-03-31")],
     ["Avtalet anger 2024-04-01 som startdatum, beslutsförslaget 2024-01-01."]),
]


@pytest.mark.parametrize("name,periods,expected", TERMS, ids=[c[0] for c in TERMS])
def test_memo_agreement_terms(name, periods, expected):
    assert mismatches(periods=periods) == expected


TWO_AGREEMENTS = [*PAIR, {"doc": "avtal2", "kind": "agreement"}]
BOTH = [*PROPOSES, {**PROPOSES[0], "related_doc_id": doc_id("avtal2")}]


@pytest.mark.parametrize("name,parties,expected", [
    ("a memo proposing two agreements names both partners",
     [{"doc": "avtal", "name": KLUBB}, {"doc": "avtal2", "name": JOUR},
      {"doc": "memo", "name": KLUBB}], []),
    ("a memo naming a third organisation",
     [{"doc": "avtal", "name": KLUBB}, {"doc": "avtal2", "name": JOUR},
      {"doc": "memo", "name": "Scoutkåren Falken"}],
     ["Avtalet anger Idrottsklubben Örnen som part, beslutsförslaget Scoutkåren Falken.",
      "Avtalet anger Tjejjouren Lärkan som part, beslutsförslaget Scoutkåren Falken."]),
])
def test_memo_proposing_two_agreements(name, parties, expected):
    assert sorted(mismatches(parties=parties, documents=TWO_AGREEMENTS, links=BOTH)) == expected


# --- SUM_MISMATCH ------------------------------------------------------------------------
def part(value: int, basis: str = "per_year", **fields) -> dict:
    return {"doc": "avtal", "amount_sek": value, "basis": basis, "part_of": "t", **fields}


def total(value: int, basis: str = "per_year", **fields) -> dict:
    return {"doc": "avtal", "amount_sek": value, "basis": basis, "amount_id": "t",
            "role": "total", **fields}


SUMS = [
    ("three equal yearly allocations are three parts",
     [total(2700000, "per_period"), part(900000, "per_period"), part(900000, "per_period"),
      part(900000, "per_period")], []),
    ("allocation rows with one payer, equal values among them",
     [total(2750000, "per_period"), part(750000, "per_period", payer=NAMND),
      part(1000000, "per_period", payer=NAMND), part(1000000, "per_period", payer=NAMND)], []),
    ("cash and in-kind parts add up",
     [total(1350000), part(600000, payer=KOMMUN), part(450000, payer="Region Norrbotten"),
      part(300000, payer=KLUBB, in_kind=True)], []),
    ("cash and in-kind parts do not add up",
     [total(1400000), part(600000, payer=KOMMUN), part(450000, payer="Region Norrbotten"),
      part(300000, payer=KLUBB, in_kind=True)],
     ["Summan anges till 1 400 000 kr, men delarna 600 000 + 450 000 + 300 000 kr blir "
      "1 350 000 kr."]),
    ("a memo's own split against its own total",
     [total(950000, role="cost"), part(600000, payer=NAMND, source_of_funds="budget"),
      part(300000, payer=NAMND, source_of_funds="state_grant")],
     ["Summan anges till 950 000 kr, men delarna 600 000 + 300 000 kr blir 900 000 kr."]),
    ("budget lines against their Summa row",
     [total(655000, "unknown"), part(412000, "unknown"), part(96000, "unknown"),
      part(38000, "unknown"), part(54000, "unknown"), part(40000, "unknown")],
     ["Summan anges till 655 000 kr, men delarna 412 000 + 96 000 + 38 000 + 54 000 + "
      "40 000 kr blir 640 000 kr."]),
    ("yearly parts of a total for a three-year term",
     [{"doc": "avtal", "kind": "term", "start_date": "2025-01-01", "end_date": "2027-12-31"},
      total(3000000, "per_period"), part(600000, payer=NAMND), part(400000, payer=KLUBB)],
     []),
    ("a monthly part of a yearly total",
     [total(640000), part(45000, "per_month", payer=NAMND), part(100000, payer=KLUBB)], []),
    ("yearly parts of a total for a term nobody dated: not counted over",
     [total(3000000, "per_period"), part(600000, payer=NAMND), part(400000, payer=KLUBB)],
     []),
    ("a split restated whole, one statement changed",
     [total(300000, role="cost"), part(100000, source_of_funds="budget"),
      part(200000, source_of_funds="state_grant"), part(100000, source_of_funds="budget"),
      part(250000, source_of_funds="state_grant")],
     ["Summan anges till 300 000 kr, men delarna 100 000 + 250 000 kr blir 350 000 kr."]),
]


@pytest.mark.parametrize("name,rows,expected", SUMS, ids=[c[0] for c in SUMS])
def test_sums(name, rows, expected):
    periods = [r for r in rows if "kind" in r]
    amounts = [r for r in rows if "kind" not in r]
    tables = build(amounts=amounts, periods=periods)
    assert [r["message"] for r in run_checks(tables) if r["code"] == "SUM_MISMATCH"] == \
        expected


# --- DURATION_MISMATCH and PERIOD_MISMATCH -----------------------------------------------
def periods_of(*rows) -> list[dict]:
    return [{"doc": "avtal", **row} for row in rows]


DURATIONS = [
    ("an extension option's length is no duration",
     periods_of({"kind": "term", "start_date": "2024-04-01", "end_date": "2026-03-31",
                 "months": 24},
                {"kind": "term", "months": 12, "quote": "möjlighet till förlängning i ett år"}),
     []),
    ("an amendment: the extension is the gap between the old and the new end",
     periods_of({"kind": "term", "start_date": "2024-02-01", "end_date": "2026-01-31"},
                {"kind": "term", "start_date": "2024-02-01", "end_date": "2027-01-31"},
                {"kind": "term", "months": 12, "quote": "tolv månader"}), []),
    ("a length fitting neither the term nor an extension",
     periods_of({"kind": "term", "start_date": "2024-02-01", "end_date": "2026-01-31"},
                {"kind": "term", "start_date": "2024-02-01", "end_date": "2027-01-31"},
                {"kind": "term", "months": 18, "quote": "arton månader"}),
     ["Löptiden anges till 18 månader, men 2024-02-01–2026-01-31 är 2 år."]),
    ("'tvåårig' for three years of dates",
     periods_of({"kind": "term", "start_date": "2025-01-01", "end_date": "2027-12-31", "months": 24,
                 "quote": "tvåårig"}),
     ["Löptiden anges till 2 år, men 2025-01-01–2027-12-31 är 3 år."]),
]


@pytest.mark.parametrize("name,periods,expected", DURATIONS, ids=[c[0] for c in DURATIONS])
def test_durations(name, periods, expected):
    assert mismatches(periods=periods, documents=[], links=[],
                      code="DURATION_MISMATCH") == expected


PERIODS = [
    ("a final report due after the term is no funding period",
     periods_of({"kind": "term", "start_date": "2024-01-01", "end_date": "2026-12-31"},
                {"kind": "follow_up", "start_date": "2027-03-31", "end_date": "2027-03-31"}),
     [], []),
    ("an amended term covers the extension year's money",
     periods_of({"kind": "term", "start_date": "2024-02-01", "end_date": "2026-01-31"},
                {"kind": "term", "start_date": "2024-02-01", "end_date": "2027-01-31"}),
     [kr("avtal", 660000, period_start="2026-02-01", period_end="2027-01-31")], []),
    ("an extension option does not move the end",
     periods_of({"kind": "term", "start_date": "2024-04-01", "end_date": "2026-03-31"},
                {"kind": "term", "start_date": "2024-04-01", "end_date": "2027-03-31",
                 "quote": "med möjlighet till förlängning i ett år"},
                {"kind": "funding", "start_date": "2024-04-01", "end_date": "2027-03-31"}), [],
     ["Perioden 2024-04-01–2027-03-31 för finansieringen ligger utanför avtalstiden "
      "2024-04-01–2026-03-31."]),
    ("funding that runs a year past the term",
     periods_of({"kind": "term", "start_date": "2025-01-01", "end_date": "2026-12-31"},
                {"kind": "funding", "start_date": "2025-01-01", "end_date": "2027-12-31"}), [],
     ["Perioden 2025-01-01–2027-12-31 för finansieringen ligger utanför avtalstiden "
      "2025-01-01–2026-12-31."]),
]


@pytest.mark.parametrize("name,periods,amounts,expected", PERIODS, ids=[c[0] for c in PERIODS])
def test_periods(name, periods, amounts, expected):
    assert mismatches(amounts, periods, documents=[], links=[],
                      code="PERIOD_MISMATCH") == expected


# --- linking keys read from the text -----------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("Dnr SN 2024/0412", "SN:2024:412"),
    ("Diarienummer: KFN-2023-10457", "KFN:2023:10457"),
    ("Vårt dnr: 2023/118", ":2023:118"),
    ("Dnr 118/2023", ":2023:118"),
    ("Ärendenummer BUN 2025.77", "BUN:2025:77"),
    ("§ 12 Dnr KS 2024/12 … § 13 Dnr KS 2024/31", "KS:2024:12 KS:2024:31"),
    ("Dnr Kfn 2025/318", "KFN:2025:318"),
    ("Dnr kommunen: Bun 2024:87        Dnr regionen: RS 2024/2215", "BUN:2024:87 RS:2024:2215"),
    ("Diarienummer Soc-2023-0412", "SOC:2023:412"),
    ("dnr saknas", ""),
    ("Dnr enligt bilaga 2024", ""),
    ("Tel 0498-26 90 00", ""),
])
def test_diarienummer(text, expected):
    assert dnr(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("org.nr 802411-7734 och 212000-1124", "802411-7734 212000-1124"),
    ("Organisationsnummer 8024117734", "802411-7734"),
    ("organisationsnummer 232100 0040", "232100-0040"),
    ("personnummer 19800101-1234, tel 0411-577210", ""),
    ("telefon 0701234567", ""),
])
def test_org_numbers_in_text(text, expected):
    assert org_numbers(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("UTKAST 2024-10-15 – ej för underskrift\n\nÖverenskommelse om IOP", "draft"),
    ("TILLÄGGSÖVERENSKOMMELSE NR 1\ntill överenskommelse om idéburet", "amendment"),
    ("Förlängning av överenskommelsen med Stadsmissionen", "amendment"),
    ("TILLÄGG NR 2 – FÖRLÄNGNING\ntill överenskommelse om stödgrupper", "amendment"),
    ("Avtal om IOP – förlängning 2026", "amendment"),
    ("Överenskommelsen kan förlängas med ett år (förlängning ska begäras skriftligt)", ""),
    ("Överenskommelse om idéburet offentligt partnerskap", ""),
    ("Överenskommelse … " + "text " * 400 + "ett utkast nämns sent", ""),
])
def test_version_marks(text, expected):
    assert version_marks(text) == expected


# --- links on evidence of several kinds ----------------------------------------------------
def doc(name: str, kind: str, text: str, source: str = "") -> dict:
    return {"doc": name, "kind": kind, "source": source or f"{name}.txt",
            **signature_columns(text)}


def words(seed: int, n: int = 300) -> str:
    import random

    rng = random.Random(seed)
    pool = ("verksamhet stöd grupper samverkan ungdomar kvällar lokaler uppföljning "
            "ansvar dialog tillit ledare träning läger målgrupp").split()
    return " ".join(rng.choice(pool) for _ in range(n))


KLUBB_AGREEMENT = ("Hjo kommun Dnr FN 2024/88\nÖverenskommelse om idéburet offentligt "
                   "partnerskap\nFritidsnämnden, org.nr 212000-1785, och Idrottsklubben "
                   "Örnen, org.nr 802411-7734. " + words(1))
KLUBB_MEMO = "Tjänsteskrivelse Dnr FN 2024/88\nFörslag till beslut. " + words(2)
OTHER_MEMO = "Tjänsteskrivelse Dnr FN 2024/95\nFörslag till beslut. " + words(3)
KLUBB_AMENDMENT = ("Hjo kommun Dnr FN 2024/88\nTILLÄGGSÖVERENSKOMMELSE\nFritidsnämnden, "
                   "org.nr 212000-1785, och Idrottsklubben Örnen, org.nr 802411-7734. "
                   + words(4))
OTHER_TOWN = ("Dnr FN 2024/88\nÖverenskommelse\nKultur- och fritidsnämnden, org.nr "
              "212000-2999, och Idrottsklubben Örnen. " + words(5))


def klubb(name: str, who: str = KLUBB) -> dict:
    return {"doc": name, "name": who, "role": "party"}


LINK_CASES = [
    ("the diarienummer and an amount: the memo proposes the agreement",
     dict(documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", KLUBB_MEMO)],
          parties=[klubb("a")], amounts=[{"doc": "a", "amount_sek": 640000},
                                         {"doc": "m", "amount_sek": 640000}]),
     {("m", "a", "proposes")}),
    ("the same municipality, another matter: another dnr, another partner",
     dict(documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", OTHER_MEMO)],
          parties=[klubb("a"), klubb("m", JOUR)],
          periods=[term("a", "2024-01-01", "2025-12-31"), term("m", "2024-07-01", "2026-06-30")]),
     set()),
    ("a year's amount in the memo, a month's in the agreement, same partner",
     dict(documents=[doc("a", "agreement", words(6)), doc("m", "memo", words(7))],
          parties=[klubb("a"), klubb("m")],
          periods=[term("a", "2024-04-01", "2026-03-31")],
          amounts=[{"doc": "a", "amount_sek": 47500, "basis": "per_month"},
                   {"doc": "m", "amount_sek": 570000, "basis": "per_year"}]),
     {("m", "a", "proposes")}),
    ("an amendment amends the agreement; the first decision does not propose it",
     dict(documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", KLUBB_MEMO),
                     doc("t", "agreement", KLUBB_AMENDMENT)],
          parties=[klubb("a"), klubb("t"), klubb("m")],
          amounts=[{"doc": "a", "amount_sek": 640000}, {"doc": "m", "amount_sek": 640000},
                   {"doc": "t", "amount_sek": 660000}]),
     {("m", "a", "proposes"), ("t", "a", "amends")}),
    ("another municipality's agreement with a namesake club and the same dnr",
     dict(documents=[doc("a", "agreement", KLUBB_AGREEMENT),
                     doc("b", "agreement", OTHER_TOWN + " TILLÄGGSÖVERENSKOMMELSE")],
          parties=[klubb("a"), klubb("b")]), set()),
    ("one memo, two agreements with two partners",
     dict(documents=[doc("a", "agreement", words(8)), doc("b", "agreement", words(9)),
                     doc("m", "memo", "Dnr KS 2025/3. " + words(10))],
          parties=[klubb("a"), klubb("b", JOUR), klubb("m"), klubb("m", JOUR)],
          periods=[term("a", "2025-01-01", "2027-12-31"), term("b", "2025-01-01", None),
                   term("m", "2025-01-01", "2027-12-31")],
          amounts=[{"doc": "a", "amount_sek": 1920000}, {"doc": "b", "amount_sek": 924000},
                   {"doc": "m", "amount_sek": 1920000}, {"doc": "m", "amount_sek": 924000}]),
     {("m", "a", "proposes"), ("m", "b", "proposes")}),
    ("another partner, the same rare amount and term: a template reused, not a proposal",
     dict(documents=[doc("a", "agreement", words(12)), doc("m", "memo", words(13))],
          parties=[klubb("a"), klubb("m", JOUR)],
          periods=[term("a", "2025-01-01", "2027-12-31"), term("m", "2025-01-01", "2027-12-31")],
          amounts=[{"doc": "a", "amount_sek": 310000}, {"doc": "m", "amount_sek": 310000}]),
     set()),
    ("the partner's name written another way, sharing its own word, is no veto",
     dict(documents=[doc("a", "agreement", words(16)), doc("m", "memo", words(17))],
          parties=[klubb("a", "Kvinno- och tjejjouren Vindros i Kiruna"),
                   klubb("m", "Kvinnojouren Vindros")],
          periods=[term("a", "2025-01-01", "2027-12-31"), term("m", "2025-01-01", "2027-12-31")],
          amounts=[{"doc": "a", "amount_sek": 310000}, {"doc": "m", "amount_sek": 310000},
                   {"doc": "a", "amount_sek": 455000}, {"doc": "m", "amount_sek": 455000}]),
     {("m", "a", "proposes")}),
    ("the same short name mentioned in passing is no partner",
     dict(documents=[doc("a", "agreement", words(14)), doc("m", "memo", words(15))],
          parties=[klubb("a"), {"doc": "a", "name": "Jouren", "role": "mentioned"},
                   klubb("m", JOUR), {"doc": "m", "name": "Jouren", "role": "mentioned"}],
          periods=[term("a", "2024-01-01", "2025-12-31"), term("m", "2024-01-01", "2025-12-31")]),
     set()),
    ("the same text as PDF and as DOCX: same_as",
     dict(documents=[{**doc("a", "agreement", KLUBB_AGREEMENT), "format": "docx"},
                     {**doc("p", "agreement", KLUBB_AGREEMENT), "format": "pdf"}],
          parties=[klubb("a"), klubb("p")]), {("a", "p", "same_as")}),
    ("an UTKAST and the final text: the final is draft_of the draft",
     dict(documents=[doc("a", "agreement", KLUBB_AGREEMENT, "a.txt"),
                     doc("u", "agreement", "UTKAST\n" + KLUBB_AGREEMENT[:-40], "u.txt")],
          parties=[klubb("a"), klubb("u")]), {("a", "u", "draft_of")}),
]


@pytest.mark.parametrize("name,rows,expected", LINK_CASES, ids=[c[0] for c in LINK_CASES])
def test_links_on_evidence(name, rows, expected):
    names = {doc_id(r["doc"]): r["doc"] for r in rows["documents"]}
    found = {(names[r["doc_id"]], names[r["related_doc_id"]], r["relation"])
             for r in link_documents(build(**rows))}
    assert found == expected


def test_link_rows_say_their_evidence():
    rows = LINK_CASES[0][1]
    [link] = link_documents(build(**rows))
    assert link["evidence"] == "dnr FN:2024:88; amount 640000"


# --- the checks on the gold files' facts ---------------------------------------------------
MINE = {"SUM_MISMATCH", "MEMO_AGREEMENT_MISMATCH", "DURATION_MISMATCH", "PERIOD_MISMATCH"}
GOLD_DIRS = [SHARED / "corpus" / "dev" / "gold", SHARED / "corpus" / "dev" / "gold-renderings"]


@pytest.fixture(scope="module", params=GOLD_DIRS, ids=lambda p: p.name)
def gold_flags(request):
    tables, golds = gold_tables(request.param)
    name = {doc_id(s): s for s in golds}
    found: dict[str, set[str]] = {s: set() for s in golds}
    for row in run_checks(tables):
        found[name[row["doc_id"]]].add(row["code"])
        if row["related_doc_id"]:
            found[name[row["related_doc_id"]]].add(row["code"])
    return golds, found


def test_checks_on_the_gold_facts_raise_the_planted_flags_and_no_other(gold_flags, shared):
    golds, found = gold_flags
    missing = {(s, c) for s, g in golds.items() for c in set(g.get("flags") or []) & MINE
               if c not in found[s]}
    false = {(s, c) for s, g in golds.items() for c in set(g.get("absent_flags") or []) & MINE
             if c in found[s]}
    assert (missing, false) == (set(), set())
    assert sum(len(set(g.get("flags") or []) & MINE) for g in golds.values()) >= 8


# --- the dev corpus's links against its gold files ----------------------------------------
def test_dev_corpus_links_as_the_gold_files_say(tmp_path, shared):
    import importlib.util

    from pipeline.run import extract_archive

    spec = importlib.util.spec_from_file_location(
        "links_gold", Path(__file__).parent.parent / "bench" / "links_gold.py")
    links_gold = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(links_gold)
    docs = SHARED / "corpus" / "dev" / "docs"
    summary = extract_archive([docs], tmp_path / "out")
    result = links_gold.count(Path(summary.out), [SHARED / "corpus" / "dev" / "gold"])
    wrong = {relation: (parts["missing"], parts["extra"]) for relation, parts in result.items()
             if parts["missing"] or parts["extra"]}
    assert wrong == {}
    assert len(result["proposes"]["right"]) >= 13 and len(result["draft_of"]["right"]) >= 2
    assert len(result["amends"]["right"]) >= 1


# --- memos left unlinked, for the report -------------------------------------------------
UNLINKED = [
    ("a memo sharing nothing", dict(
        documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", words(11))]),
     [("m", "", "no_candidate")]),
    ("a memo sharing only a round amount and the years", dict(
        documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", OTHER_MEMO)],
        parties=[klubb("a"), klubb("m", JOUR)],
        periods=[term("a", "2024-01-01", "2025-12-31"), term("m", "2024-01-01", "2025-12-31")],
        amounts=[{"doc": "a", "amount_sek": 300000}, {"doc": "m", "amount_sek": 300000}]),
     [("m", "a", "other_partner")]),
    ("a memo of the first decision and only the amendment in the archive", dict(
        documents=[doc("t", "agreement", KLUBB_AMENDMENT), doc("m", "memo", KLUBB_MEMO)],
        parties=[klubb("t"), klubb("m")]),
     [("m", "t", "amendment")]),
    ("a linked memo is not listed", dict(
        documents=[doc("a", "agreement", KLUBB_AGREEMENT), doc("m", "memo", KLUBB_MEMO)],
        parties=[klubb("a"), klubb("m")]), []),
]


@pytest.mark.parametrize("name,rows,expected", UNLINKED, ids=[c[0] for c in UNLINKED])
def test_unlinked_memos_with_their_best_candidate(name, rows, expected):
    from pipeline.report import model

    names = {doc_id(r["doc"]): r["doc"] for r in rows["documents"]}
    names[""] = ""
    found = [(names[u.doc_id], names[u.candidate_doc_id], u.reason)
             for u in model.unlinked_memos(build(**rows))]
    assert found == expected
