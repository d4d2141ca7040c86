# ruff: noqa: E501  (one case per line, as the tables are read)
"""Whose period a date range is: this agreement's, or another agreement's recalled in the
text (the one being replaced, a lease). Judged by the clause that holds the range, not the
whole sentence; a duty ('ska') under the running agreement is this agreement's. One case
per line, grouped by phenomenon; organisations are invented."""

from __future__ import annotations

import pytest

from tests.helpers import facts_of_text
from tests.test_terms import periods_of


def terms_of(text: str) -> list[tuple]:
    return [(str(a["start"]) if a["start"] else None, str(a["end"]) if a["end"] else None)
            for a in periods_of(text) if a["kind"] == "term"]


# -- a past-tense clause dates the old agreement; the present clause is this one's ---------
# (sentence, start, end)
PRESENT_AND_PAST = [
    ("Överenskommelsen gäller från och med 2025-01-01 till och med 2026-12-31 och ersätter den överenskommelse som gällde 2022-01-01 – 2024-12-31.", "2025-01-01", "2026-12-31"),
    ("Avtalet gäller 2025-07-01 – 2027-06-30; det föregående avtalet löpte 2023-07-01 – 2025-06-30.", "2025-07-01", "2027-06-30"),
    ("Partnerskapet med Föreningen Lövsalen ska gälla 2026-01-01 – 2027-12-31, och tidigare år hade föreningen ett mindre bidrag.", "2026-01-01", "2027-12-31"),
    ("Överenskommelsen föreslås gälla 2025-03-01 – 2027-02-28 och avlöser det avtal som upphörde 2024-12-31.", "2025-03-01", "2027-02-28"),
    ("Den överenskommelse som gällde 2021-01-01 – 2024-12-31 ersätts av en ny som gäller 2025-01-01 – 2026-12-31.", "2025-01-01", "2026-12-31"),
    ("Överenskommelsen gäller för perioden 2025–2026 och ersätter det avtal som löpte under perioden 2022–2024.", "2025-01-01", "2026-12-31"),
    ("Den förra överenskommelsen gällde för åren 2021–2023 medan den nya föreslås gälla för åren 2024–2026.", "2024-01-01", "2026-12-31"),
    ("Den nuvarande överenskommelsen gäller till och med 2024-12-31, och förvaltningen föreslår att en ny överenskommelse ska gälla 2025-01-01 – 2026-12-31.", "2025-01-01", "2026-12-31"),
    ("Överenskommelsen, som gäller 2025-04-01 – 2027-03-31, ersätter den som har gällt sedan 2022.", "2025-04-01", "2027-03-31"),
]


@pytest.mark.parametrize("sentence,start,end", PRESENT_AND_PAST)
def test_the_present_clause_keeps_its_term(sentence, start, end):
    assert terms_of(sentence) == [(start, end)]


# -- another agreement's dates, recalled: no term -------------------------------------------
BACKGROUND = [
    "Föreningen hade ett avtal med nämnden 2021–2023.",
    "Den nuvarande överenskommelsen löper ut 2024-12-31.",
    "Den nuvarande överenskommelsen gäller 2022-01-01 – 2024-12-31.",
    "Det förra avtalet med Stiftelsen Bergslyckan gällde 2020-01-01 – 2022-12-31.",
    "Kommunen och Föreningen Vildrosen har haft ett partnerskap för perioden 2021-01-01 – 2023-12-31.",
    "Den tidigare överenskommelsen, som gäller till och med 2024-06-30, löper ut vid halvårsskiftet.",
    "Nämnden har sedan tidigare en överenskommelse med föreningen, och den överenskommelsen löpte 2022-01-01 – 2024-12-31.",
    "Den nuvarande överenskommelsen med Föreningen Lövsalen, som tecknades 2022, gäller till och med 2024-12-31.",
    "Verksamheten bedrivs i dag enligt den utgående överenskommelsen som gäller 2023-01-01 – 2024-12-31.",
]


@pytest.mark.parametrize("sentence", BACKGROUND)
def test_another_agreements_dates_are_no_term(sentence):
    assert terms_of(sentence) == []


# -- 'löpande', 'pågående': this agreement's running period ---------------------------------
# (sentence, kind, times per year)
RUNNING_PERIOD = [
    ("Under löpande avtalsperiod ska parterna träffas fyra gånger per år för uppföljning.", "follow_up", 4),
    ("Under pågående avtalstid ska verksamheten följas upp två gånger per år.", "follow_up", 2),
    ("Under den nu löpande överenskommelsen sker utbetalning av bidraget varje kvartal.", "payment", 4),
    ("Under den nuvarande avtalsperioden ska föreningen och förvaltningen hålla dialogmöten två gånger per år.", "follow_up", 2),
    ("Inom ramen för pågående partnerskap ska uppföljning ske en gång per halvår.", "follow_up", 2),
]


@pytest.mark.parametrize("sentence,kind,times", RUNNING_PERIOD)
def test_the_running_period_is_this_agreements(sentence, kind, times):
    assert [a["times_per_year"] for a in periods_of(sentence) if a["kind"] == kind] == [times]


# near misses: the former agreement's follow-up, told without a duty
FORMER_FOLLOW_UP = [
    "Under den tidigare avtalsperioden hölls uppföljningsmöten två gånger per år.",
    "Föreningen hade under 2023 uppföljningsmöten med förvaltningen fyra gånger per år.",
]


@pytest.mark.parametrize("sentence", FORMER_FOLLOW_UP)
def test_the_former_agreements_follow_up_is_background(sentence):
    assert [a for a in periods_of(sentence) if a["kind"] == "follow_up"] == []


# -- a sentence that names an agreement: the proposal's, or another contract ----------------
AGREEMENT_NAMED = [
    ("Nämnden beslutar att godkänna överenskommelsen med Föreningen Tallkotten för perioden 2025-01-01 – 2026-12-31.", [("2025-01-01", "2026-12-31")]),
    ("Förvaltningen föreslår att nämnden tecknar ett avtal om IOP med Stiftelsen Havsörn för åren 2026–2028.", [("2026-01-01", "2028-12-31")]),
    ("Överenskommelsen med Föreningen Tallkotten löper 2025-09-01 – 2027-08-31.", [("2025-09-01", "2027-08-31")]),
    # another contract: a lease, a framework agreement
    ("Föreningen hyr lokaler av kommunen enligt ett avtal som löper 2023-07-01 – 2026-06-30.", []),
    ("Föreningen har ett hyresavtal med det kommunala bostadsbolaget för perioden 2024-01-01 – 2028-12-31.", []),
    ("Kommunen har ett ramavtal om städning med ett bolag för perioden 2024–2027.", []),
    ("Hyresavtalet för träffpunkten gäller 2023-10-01 – 2026-09-30.", []),
]


@pytest.mark.parametrize("sentence,terms", AGREEMENT_NAMED)
def test_an_agreement_named_term(sentence, terms):
    assert terms_of(sentence) == terms


# -- a memo: a lease's term does not compete with the proposal's ------------------------------
MEMO = ("Tjänsteskrivelse\nDatum: 2024-09-15\n\nFörslag till beslut\n"
        "Fritidsnämnden beslutar att ingå en överenskommelse om idéburet offentligt "
        "partnerskap med Föreningen Tallkotten.\n\nÄrendet\n{body}\n")


def _memo_terms(body: str, tmp_path) -> list[tuple]:
    row, tables = facts_of_text(MEMO.format(body=body), tmp_path)
    assert row["kind"] == "memo"
    return [(r["start_date"], r["end_date"]) for r in tables["periods"] if r["kind"] == "term"]


# (body, terms)
MEMOS = [
    ("Överenskommelsen föreslås gälla 2025-01-01 – 2027-12-31.", [("2025-01-01", "2027-12-31")]),
    ("Överenskommelsen föreslås gälla 2025-01-01 – 2027-12-31. Föreningen hyr lokaler av kommunen enligt ett avtal som löper 2023-07-01 – 2026-06-30.", [("2025-01-01", "2027-12-31")]),
    ("Överenskommelsen föreslås gälla 2025-01-01 – 2027-12-31. Föreningens avtal med regionen gäller 2024-01-01 – 2025-12-31.", [("2025-01-01", "2027-12-31")]),
    ("Överenskommelsen föreslås gälla 2025-01-01 – 2027-12-31 och ersätter den som gällde 2022-01-01 – 2024-12-31.", [("2025-01-01", "2027-12-31")]),
    # two proposals with different terms: none is recorded
    ("Nämnden föreslås ingå en överenskommelse för 2025-01-01 – 2026-12-31 med Föreningen Tallkotten. Nämnden föreslås också ingå en överenskommelse för 2025-01-01 – 2027-12-31 med Stiftelsen Havsörn.", []),
]


@pytest.mark.parametrize("body,terms", MEMOS)
def test_a_memos_term(body, terms, tmp_path):
    assert _memo_terms(body, tmp_path) == terms
