"""The checks on hand-made tables, one case per line, grouped by phenomenon.

Each case gives rows (the builder in pipeline.checks.examples fills ids and provenance) and
the messages the checks must give: exactly those, so a clean case that stays clean is a
case too.
"""

from __future__ import annotations

import json

import pytest

from pipeline import schemas
from pipeline.checks import CHECKS, run_checks
from pipeline.checks.catalogue import CATALOGUE
from pipeline.checks.examples import EXAMPLES, build, doc_id
from pipeline.checks.within import written_tolerance


def messages(tables, code: str | None = None) -> list[str]:
    return [r["message"] for r in run_checks(tables) if code is None or r["code"] == code]


def amount(value: int, **fields) -> dict:
    return {"doc": "d", "amount_sek": value, **fields}


# --- SUM_MISMATCH ------------------------------------------------------------------------
CONTRIBUTIONS = [  # 003: "ekonomisk omfattning" and what each party brings
    amount(4232475, role="total", amount_id="t", basis="per_year"),
    amount(1800000, role="contribution", part_of="t", payer="Omsorgsnämnden"),
    amount(809000, role="contribution", part_of="t", payer="Hjärta till hjärta", in_kind=True),
    amount(1023800, role="contribution", part_of="t", payer="Linköpings stadsmission"),
    amount(599675, role="contribution", part_of="t", payer="Linköpings domkyrkopastorat"),
]
ALLOCATIONS = [  # 003: the nämnd's share divided among the organisations
    amount(1800000, role="contribution", amount_id="c", payer="Omsorgsnämnden"),
    amount(1500000, role="allocation", part_of="c", payee="Linköpings stadsmission"),
    amount(300000, role="allocation", part_of="c", payee="Hjärta till hjärta"),
    amount(0, role="allocation", part_of="c", payee="Linköpings domkyrkopastorat"),
]
MEMO_SPLIT = [  # 002: the cost, its split in the proposal, the split restated later
    amount(100000, role="grant", part_of="k", source_of_funds="budget"),
    amount(200500, role="grant", part_of="k", source_of_funds="state_grant"),
    amount(300500, role="cost", amount_id="k"),
    amount(200500, role="grant", part_of="k", source_of_funds="state_grant"),
    amount(100000, role="grant", part_of="k", source_of_funds="budget"),
]


def changed(rows: list[dict], index: int, **fields) -> list[dict]:
    return [{**row, **fields} if i == index else row for i, row in enumerate(rows)]


SUMS = [
    ("contributions add up", CONTRIBUTIONS, []),
    ("a contribution changed", changed(CONTRIBUTIONS, 2, amount_sek=859000),
     ["Summan anges till 4 232 475 kr, men delarna 1 800 000 + 859 000 + 1 023 800 + "
      "599 675 kr blir 4 282 475 kr."]),
    ("allocations add up", ALLOCATIONS, []),
    ("an allocation changed", changed(ALLOCATIONS, 2, amount_sek=350000),
     ["Summan anges till 1 800 000 kr, men delarna 1 500 000 + 350 000 + 0 kr blir "
      "1 850 000 kr."]),
    ("nested: contribution divided again, all add up",
     CONTRIBUTIONS + [amount(1500000, part_of="a2", payee="Linköpings stadsmission"),
                      amount(300000, part_of="a2", payee="Hjärta till hjärta")], []),
    ("memo split restated twice, both add up", MEMO_SPLIT, []),
    ("memo split: the first statement changed", changed(MEMO_SPLIT, 0, amount_sek=150000),
     ["Summan anges till 300 500 kr, men delarna 150 000 + 200 500 kr blir 350 500 kr."]),
    ("memo split: the restatement changed", changed(MEMO_SPLIT, 4, amount_sek=150000),
     ["Summan anges till 300 500 kr, men delarna 200 500 + 150 000 kr blir 350 500 kr."]),
    ("the cost changed: the split restated with the same values is flagged once",
     changed(MEMO_SPLIT, 2, amount_sek=350500),
     ["Summan anges till 350 500 kr, men delarna 100 000 + 200 500 kr blir 300 500 kr."]),
    ("amounts not tied to a total are never added",
     [amount(300500, role="cost"), amount(100000), amount(160000)], []),
    ("one part alone ('varav') is no sum",
     [amount(300500, role="cost", amount_id="k"), amount(200500, part_of="k")], []),
    ("a part pointing to no amount",
     [amount(100000, part_of="zz"), amount(200000, part_of="zz")], []),
    ("unnamed parts with different values",
     [amount(500000, role="total", amount_id="t"), amount(200000, part_of="t"),
      amount(300000, part_of="t")], []),
    ("rounded total in mnkr within its precision",
     [amount(1800000, role="total", amount_id="t", quote="1,8 mnkr"),
      amount(1195000, part_of="t", payer="A-föreningen"),
      amount(600000, part_of="t", payer="B-föreningen")], []),
    ("rounded total in mnkr beyond its precision",
     [amount(1800000, role="total", amount_id="t", quote="1,8 mnkr"),
      amount(1300000, part_of="t", payer="A-föreningen"),
      amount(600000, part_of="t", payer="B-föreningen")],
     ["Summan anges till 1 800 000 kr, men delarna 1 300 000 + 600 000 kr blir 1 900 000 kr."]),
    ("tkr parts of a kronor total",
     [amount(1725000, role="total", amount_id="t", quote="1 725 000 kr"),
      amount(1000000, part_of="t", payer="A", quote="1 000 tkr"),
      amount(725000, part_of="t", payer="B", quote="725 tkr")], []),
    ("two periods of one payer are two parts",
     [amount(220000, role="total", amount_id="t"),
      amount(100000, part_of="t", payer="Kommunen", period_start="2023-01-01"),
      amount(120000, part_of="t", payer="Kommunen", period_start="2024-01-01")], []),
]


@pytest.mark.parametrize("name,rows,expected", SUMS, ids=[c[0] for c in SUMS])
def test_sum_mismatch(name, rows, expected):
    assert messages(build(amounts=rows), "SUM_MISMATCH") == expected


@pytest.mark.parametrize("quote,tolerance", [
    ("300 500 kr", 0.5), ("1,8 mnkr", 50000), ("1 725 tkr", 500), ("1,75 Mkr", 5000),
    ("12 500,50 kr", 0.005), ("3,7 miljoner kronor", 50000), ("SEK 650 000", 0.5),
    ("1.725.000 kr", 0.5),
])
def test_written_precision(quote, tolerance):
    assert written_tolerance(quote) == pytest.approx(tolerance)


# --- DURATION_MISMATCH -------------------------------------------------------------------
def term(start, end, months=None, **fields) -> dict:
    return {"doc": "d", "kind": "term", "start_date": start, "end_date": end, "months": months,
            **fields}


DURATIONS = [
    ("one year", [term("2023-04-01", "2024-03-31", 12)], []),
    ("three years", [term("2018-07-01", "2021-06-30", 36)], []),
    ("calendar year", [term("2024-01-01", "2024-12-31", 12)], []),
    ("end written one day late", [term("2023-04-01", "2024-04-01", 12)], []),
    ("six months", [term("2023-07-01", "2023-12-31", 6)], []),
    ("two years stated, one year of dates", [term("2023-04-01", "2024-03-31", 24)],
     ["Löptiden anges till 2 år, men 2023-04-01–2024-03-31 är 1 år."]),
    ("one year stated, three years of dates", [term("2018-07-01", "2021-06-30", 12)],
     ["Löptiden anges till 1 år, men 2018-07-01–2021-06-30 är 3 år."]),
    ("18 months stated, a year of dates", [term("2023-01-01", "2023-12-31", 18)],
     ["Löptiden anges till 18 månader, men 2023-01-01–2023-12-31 är 1 år."]),
    ("duration and dates on separate rows, consistent",
     [term(None, None, 12), term("2023-04-01", "2024-03-31")], []),
    ("duration and dates on separate rows, inconsistent",
     [term(None, None, 36), term("2023-04-01", "2024-03-31")],
     ["Löptiden anges till 3 år, men 2023-04-01–2024-03-31 är 1 år."]),
    ("duration without dates", [term(None, None, 12)], []),
    ("dates without duration", [term("2023-04-01", "2025-03-31")], []),
    ("notice months are no duration",
     [term("2023-04-01", "2024-03-31", 12),
      {"doc": "d", "kind": "notice", "months": 6, "start_date": None, "end_date": None}], []),
]


@pytest.mark.parametrize("name,rows,expected", DURATIONS, ids=[c[0] for c in DURATIONS])
def test_duration_mismatch(name, rows, expected):
    assert messages(build(periods=rows), "DURATION_MISMATCH") == expected


# --- PERIOD_MISMATCH ---------------------------------------------------------------------
def period(kind, start, end) -> dict:
    return {"doc": "d", "kind": kind, "start_date": start, "end_date": end}


TERM = term("2018-07-01", "2021-06-30", 36)
PERIODS = [
    ("allocation periods inside the term",
     [TERM, period("allocation", "2018-07-01", "2019-06-30"),
      period("allocation", "2019-07-01", "2021-06-30")], [], []),
    ("allocation period ends after the term",
     [TERM, period("allocation", "2019-07-01", "2022-06-30")], [],
     ["Perioden 2019-07-01–2022-06-30 för fördelningen ligger utanför avtalstiden "
      "2018-07-01–2021-06-30."]),
    ("funding period starts before the term",
     [TERM, period("funding", "2018-01-01", "2018-12-31")], [],
     ["Perioden 2018-01-01–2018-12-31 för finansieringen ligger utanför avtalstiden "
      "2018-07-01–2021-06-30."]),
    ("an amount's period past the term",
     [term("2023-04-01", "2024-03-31", 12)],
     [amount(300500, period_start="2023-04-01", period_end="2025-03-31")],
     ["Perioden 2023-04-01–2025-03-31 för 300 500 kr ligger utanför avtalstiden "
      "2023-04-01–2024-03-31."]),
    ("the same period as a row and on its amount is flagged once",
     [term("2023-04-01", "2024-03-31", 12), period("funding", "2023-04-01", "2025-03-31")],
     [amount(300500, period_start="2023-04-01", period_end="2025-03-31")],
     ["Perioden 2023-04-01–2025-03-31 för finansieringen ligger utanför avtalstiden "
      "2023-04-01–2024-03-31."]),
    ("an amount's period inside the term",
     [term("2023-04-01", "2024-03-31", 12)],
     [amount(300500, period_start="2023-04-01", period_end="2024-03-31")], []),
    ("indexation and payment periods are not funding",
     [TERM, period("indexation", "2019-01-01", None), period("payment", "2022-07-01", None)],
     [], []),
    ("no term, nothing to compare", [period("funding", "2019-07-01", "2022-06-30")], [], []),
    ("a term with only its end", [term(None, "2024-03-31"),
                                  period("funding", "2023-04-01", "2024-03-31")], [], []),
    ("a memo: the old agreement's end and the new term; the widest counts",
     [term(None, "2023-03-31"), term(None, "2024-03-31"),
      period("funding", "2023-04-01", "2024-03-31")], [], []),
]


@pytest.mark.parametrize("name,periods,amounts,expected", PERIODS, ids=[c[0] for c in PERIODS])
def test_period_mismatch(name, periods, amounts, expected):
    assert messages(build(periods=periods, amounts=amounts), "PERIOD_MISMATCH") == expected


# --- PLACEHOLDER, UNSIGNED, INVALID_ORG_NUMBER, OCR_LOW_CONFIDENCE -----------------------
PLACEHOLDERS = [
    ("date_xx", "2022-11-xx", "Texten är inte ifylld: ”2022-11-xx” (ett datum som inte är "
     "ifyllt)."),
    ("word_content_control", "Klicka här för att ange text.",
     "Texten är inte ifylld: ”Klicka här för att ange text.” (Words platshållartext)."),
    ("amount_xx", "XX kr", "Texten är inte ifylld: ”XX kr” (ett belopp som inte är ifyllt)."),
    ("brackets", "[Namn]", "Texten är inte ifylld: ”[Namn]” (en tom platshållare)."),
]


@pytest.mark.parametrize("kind,quote,expected", PLACEHOLDERS)
def test_placeholder(kind, quote, expected):
    tables = build(placeholders=[{"doc": "d", "kind": kind, "quote": quote}])
    assert messages(tables) == [expected]


SIGNATURES = [
    ("all signed", [("Linda Ljungqvist", "omsorgsnämnden"),
                    ("Karolina Einehag", "Linköpings Domkyrkopastorat")], []),
    ("three lines without a name", [("Linda Ljungqvist", "omsorgsnämnden"),
                                    ("", "Linköpings stadsmission"),
                                    ("", "Biståndsorganisationen Hjärta till hjärta"),
                                    ("", "Linköpings domkyrkopastorat")],
     ["Ingen har skrivit under för Linköpings stadsmission.",
      "Ingen har skrivit under för Biståndsorganisationen Hjärta till hjärta.",
      "Ingen har skrivit under för Linköpings domkyrkopastorat."]),
    ("a line with neither party nor name", [("", "")],
     ["Ingen har skrivit under för en part."]),
    ("a name of spaces is no name", [("  ", "Föreningen")],
     ["Ingen har skrivit under för Föreningen."]),
]


@pytest.mark.parametrize("name,lines,expected", SIGNATURES, ids=[c[0] for c in SIGNATURES])
def test_unsigned(name, lines, expected):
    rows = [{"doc": "d", "person": p, "for_party": f} for p, f in lines]
    assert messages(build(signatories=rows), "UNSIGNED") == expected


ORG_NUMBERS = [
    ("valid", [("212000-0449", True)], []),
    ("last digit changed", [("212000-0448", False)],
     ["Organisationsnumret 212000-0448 för Föreningen är ogiltigt (kontrollsiffran stämmer "
      "inte)."]),
    ("the same invalid number twice is one flag", [("212000-0448", False),
                                                   ("212000-0448", False)],
     ["Organisationsnumret 212000-0448 för Föreningen är ogiltigt (kontrollsiffran stämmer "
      "inte)."]),
    ("no number", [("", None)], []),
]


@pytest.mark.parametrize("name,numbers,expected", ORG_NUMBERS, ids=[c[0] for c in ORG_NUMBERS])
def test_invalid_org_number(name, numbers, expected):
    rows = [{"doc": "d", "name": "Föreningen", "org_number": n, "org_number_valid": v}
            for n, v in numbers]
    assert messages(build(parties=rows), "INVALID_ORG_NUMBER") == expected


@pytest.mark.parametrize("confidence,pages,expected", [
    (58.2, "1-3", ["Sidorna 1-3 är lästa med OCR med låg säkerhet (58 av 100); kontrollera "
                   "värdena mot originalet."]),
    (91.0, "1-4", []),
    (None, "", []),
])
def test_ocr_low_confidence(confidence, pages, expected):
    tables = build(documents=[{"doc": "d", "ocr_confidence": confidence, "ocr_pages": pages}])
    assert messages(tables, "OCR_LOW_CONFIDENCE") == expected


# --- MEMO_AGREEMENT_MISMATCH -------------------------------------------------------------
PAIR = [{"doc": "avtal", "kind": "agreement"}, {"doc": "memo", "kind": "memo"}]
PROPOSES = [{"doc": "memo", "related_doc_id": doc_id("avtal"), "relation": "proposes",
             "score": 1.0}]


def money(doc, value, **fields) -> dict:
    return {"doc": doc, "amount_sek": value, **fields}


NAMND = "Social- och omsorgsnämnden"
PASTORAT = "Linköpings domkyrkopastorat"
AGREEMENT_MONEY = [
    money("avtal", 300500, payer=NAMND, payee="Svenska kyrkan, Linköpings Domkyrkopastorat",
          basis="per_period", role="contribution"),
    money("avtal", 160000, payer="Svenska kyrkan, Linköpings Domkyrkopastorat",
          basis="per_year", role="contribution"),
]
MEMO_MONEY = [
    money("memo", 100000, payer=NAMND, part_of="k", source_of_funds="budget"),
    money("memo", 200500, payer=NAMND, part_of="k", source_of_funds="state_grant"),
    money("memo", 300500, payer="Linköpings kommun", basis="per_period", role="cost",
          amount_id="k"),
    money("memo", 160000, payer=PASTORAT),
]
AMOUNT_CASES = [
    ("the seeds: the same amounts", AGREEMENT_MONEY, MEMO_MONEY, []),
    ("the agreement's amount changed", changed(AGREEMENT_MONEY, 0, amount_sek=350500),
     MEMO_MONEY, ["Avtalet anger 350 500 kr för perioden från Social- och omsorgsnämnden, "
                  "beslutsförslaget 300 500 kr för perioden från Linköpings kommun."]),
    ("the memo's cost changed", AGREEMENT_MONEY, changed(MEMO_MONEY, 2, amount_sek=350500),
     ["Avtalet anger 300 500 kr för perioden från Social- och omsorgsnämnden, "
      "beslutsförslaget 350 500 kr för perioden från Linköpings kommun."]),
    ("the parish's contribution changed", changed(AGREEMENT_MONEY, 1, amount_sek=180000),
     MEMO_MONEY, ["Avtalet anger 180 000 kr per år från Svenska kyrkan, Linköpings "
                  "Domkyrkopastorat, beslutsförslaget 160 000 kr från Linköpings "
                  "domkyrkopastorat."]),
    ("different bases are not compared",
     [money("avtal", 300000, payer=NAMND, basis="per_year")],
     [money("memo", 900000, payer=NAMND, basis="per_period")], []),
    ("a party only one side pays for", [money("avtal", 50000, payer="Röda Korset")],
     MEMO_MONEY, []),
    ("one equal statement is enough",
     [money("avtal", 300500, payer=NAMND), money("avtal", 350500, payer=NAMND)],
     [money("memo", 300500, payer=NAMND)], []),
    ("stated totals differ",
     [money("avtal", 4232475, role="total", basis="per_year")],
     [money("memo", 4323475, role="total", basis="per_year")],
     ["Avtalet anger totalt 4 232 475 kr per år, beslutsförslaget totalt 4 323 475 kr "
      "per år."]),
    ("allocations to a party differ",
     [money("avtal", 1500000, payer="Omsorgsnämnden", payee="Linköpings stadsmission",
            role="allocation")],
     [money("memo", 1400000, payer="Omsorgsnämnden", payee="Linköpings Stadsmission",
            role="allocation")],
     ["Avtalet anger 1 500 000 kr från Omsorgsnämnden, beslutsförslaget 1 400 000 kr från "
      "Omsorgsnämnden."]),
]


@pytest.mark.parametrize("name,agreement,memo,expected", AMOUNT_CASES,
                         ids=[c[0] for c in AMOUNT_CASES])
def test_memo_agreement_amounts(name, agreement, memo, expected):
    tables = build(documents=PAIR, amounts=agreement + memo, links=PROPOSES)
    assert messages(tables, "MEMO_AGREEMENT_MISMATCH") == expected


def test_unlinked_documents_are_not_compared():
    tables = build(documents=PAIR, amounts=changed(AGREEMENT_MONEY, 0, amount_sek=350500)
                   + MEMO_MONEY)
    assert messages(tables) == []


def test_a_memo_against_two_versions_flags_only_the_differing_one():
    versions = PAIR + [{"doc": "avtal2", "kind": "agreement"}]
    links = PROPOSES + [{**PROPOSES[0], "related_doc_id": doc_id("avtal2")}]
    other = [{**row, "doc": "avtal2"} for row in changed(AGREEMENT_MONEY, 0, amount_sek=350500)]
    tables = build(documents=versions, amounts=AGREEMENT_MONEY + other + MEMO_MONEY, links=links)
    flags = run_checks(tables)
    assert [(f["code"], f["doc_id"], f["related_doc_id"]) for f in flags] == [
        ("MEMO_AGREEMENT_MISMATCH", doc_id("memo"), doc_id("avtal2"))]


def test_cross_document_evidence_quotes_both_sides():
    tables = build(documents=PAIR, amounts=changed(AGREEMENT_MONEY, 0, amount_sek=350500,
                                                   quote="350 500 kr för perioden")
                   + MEMO_MONEY, links=PROPOSES)
    [row] = run_checks(tables)
    quotes = json.loads(row["evidence"])
    assert [(q["doc_id"], q["value"], q["quote"]) for q in quotes] == [
        (doc_id("avtal"), 350500, "350 500 kr för perioden"),
        (doc_id("memo"), 300500, "300 500 kr")]
    assert all(q["page"] == 1 and q["char_end"] > q["char_start"] for q in quotes)


def terms(doc, *rows) -> list[dict]:
    return [{"doc": doc, "kind": "term", "start_date": s, "end_date": e} for s, e in rows]


TERM_CASES = [
    ("same term", terms("avtal", ("2023-04-01", "2024-03-31")),
     terms("memo", (None, "2024-03-31")), []),
    ("the memo's end moved", terms("avtal", ("2023-04-01", "2024-03-31")),
     terms("memo", (None, "2024-06-30")),
     ["Avtalet anger 2024-03-31 som slutdatum, beslutsförslaget 2024-06-30."]),
    ("the agreement's start moved", terms("avtal", ("2023-05-01", "2024-03-31")),
     terms("memo", ("2023-04-01", "2024-03-31")),
     ["Avtalet anger 2023-05-01 som startdatum, beslutsförslaget 2023-04-01."]),
    ("the memo also names the old agreement's end",
     terms("avtal", ("2023-04-01", "2024-03-31")),
     terms("memo", (None, "2023-03-31"), (None, "2024-03-31")), []),
    ("a memo without a term", terms("avtal", ("2023-04-01", "2024-03-31")), [], []),
]


@pytest.mark.parametrize("name,agreement,memo,expected", TERM_CASES,
                         ids=[c[0] for c in TERM_CASES])
def test_memo_agreement_terms(name, agreement, memo, expected):
    tables = build(documents=PAIR, periods=agreement + memo, links=PROPOSES)
    assert messages(tables, "MEMO_AGREEMENT_MISMATCH") == expected


def duty(doc, party, action, quantity, frequency="per_year") -> dict:
    return {"doc": doc, "party": party, "action": action, "quantity": quantity,
            "frequency": frequency}


AGREEMENT_DUTIES = [
    duty("avtal", "Linköpings Domkyrkopastorat", "genomföra minst sex stödgrupper BIV/BIS", 6),
    duty("avtal", "Linköpings kommun", "platser för utbildning av stödgruppsledare", 4),
]
MEMO_DUTIES = [
    duty("memo", "Domkyrkopastoratet", "hålla minst 6 grupper", 6),
    duty("memo", PASTORAT, "bedriva verksamheten med minst sex grupper", 6),
]
COUNT_CASES = [
    ("6 and sex, grupper and stödgrupper", AGREEMENT_DUTIES, MEMO_DUTIES, []),
    ("the agreement's count in words changed", changed(AGREEMENT_DUTIES, 0, quantity=5),
     MEMO_DUTIES, ["Avtalet anger 5 stödgrupper per år, beslutsförslaget 6."]),
    ("the memo's first count changed", AGREEMENT_DUTIES, changed(MEMO_DUTIES, 0, quantity=8),
     ["Avtalet anger 6 stödgrupper per år, beslutsförslaget 8."]),
    ("other things counted are not compared",
     [duty("avtal", "Linköpings kommun", "platser för utbildning av stödgruppsledare", 4)],
     MEMO_DUTIES, []),
    ("another frequency is another obligation",
     [duty("avtal", PASTORAT, "genomföra stödgrupper", 2, "per_week")], MEMO_DUTIES, []),
    ("another party's obligation",
     [duty("avtal", "Linköpings stadsmission", "genomföra stödgrupper", 3)], MEMO_DUTIES, []),
    ("counting words alone do not match",
     [duty("avtal", "", "träffas 14 gånger", 14, "")],
     [duty("memo", "", "uppföljning 2 gånger", 2, "")], []),
]


@pytest.mark.parametrize("name,agreement,memo,expected", COUNT_CASES,
                         ids=[c[0] for c in COUNT_CASES])
def test_memo_agreement_counts(name, agreement, memo, expected):
    tables = build(documents=PAIR, obligations=agreement + memo, links=PROPOSES)
    assert messages(tables, "MEMO_AGREEMENT_MISMATCH") == expected


def party(doc, name, **fields) -> dict:
    return {"doc": doc, "name": name, "role": "party", **fields}


PARTY_CASES = [
    ("the same parish, named differently",
     [party("avtal", "Social- och omsorgsnämnden i Linköpings kommun"),
      party("avtal", "Svenska kyrkan, Linköpings Domkyrkopastorat")],
     [party("memo", NAMND), party("memo", "Domkyrkopastoratet")], []),
    ("another organisation in the memo",
     [party("avtal", "Svenska kyrkan, Linköpings Domkyrkopastorat")],
     [party("memo", "Linköpings stadsmission")],
     ["Avtalet anger Svenska kyrkan, Linköpings Domkyrkopastorat som part, beslutsförslaget "
      "Linköpings stadsmission."]),
    ("the memo names fewer parties",
     [party("avtal", "Linköpings stadsmission"), party("avtal", PASTORAT)],
     [party("memo", PASTORAT)], []),
    ("mentioned organisations are not parties",
     [party("avtal", PASTORAT)],
     [party("memo", PASTORAT), party("memo", "Röda Korset", role="mentioned")], []),
]


@pytest.mark.parametrize("name,agreement,memo,expected", PARTY_CASES,
                         ids=[c[0] for c in PARTY_CASES])
def test_memo_agreement_parties(name, agreement, memo, expected):
    tables = build(documents=PAIR, parties=agreement + memo, links=PROPOSES)
    assert messages(tables, "MEMO_AGREEMENT_MISMATCH") == expected


# --- the catalogue -----------------------------------------------------------------------
@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_catalogue_example_is_what_the_check_says(code):
    """The documented example message is the check's output on the example tables."""
    flags = CHECKS[code](EXAMPLES[code]())
    assert [f["message"] for f in flags] == [CATALOGUE[code].example]
    assert all(f["code"] == code and f["severity"] == CATALOGUE[code].severity for f in flags)


def test_every_code_has_a_check_and_an_example():
    assert set(CATALOGUE) == set(CHECKS) == set(EXAMPLES)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_flags_fit_the_schema_and_quote_their_evidence(code):
    rows = run_checks(EXAMPLES[code]())
    frame = schemas.frame("flags", rows)
    schemas.validate("flags", frame)
    for row in rows:
        assert row["message"].endswith(".") and row["message"].count(". ") == 0
        quotes = json.loads(row["evidence"])
        assert quotes and all({"doc_id", "page", "char_start", "char_end", "quote", "table",
                               "value"} <= set(q) for q in quotes)
        cross = bool(row["related_doc_id"])
        assert {q["doc_id"] for q in quotes} == (
            {row["doc_id"], row["related_doc_id"]} if cross else {row["doc_id"]})


def test_no_tables_no_flags():
    assert run_checks(build()) == []
