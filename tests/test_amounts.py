"""The amount recognizer, one case per line, grouped by phenomenon."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract.amounts import AmountRecognizer

R = AmountRecognizer()


def values(text: str) -> list[int]:
    return [m.value for m in R.match(text)]


# (text, expected amounts in whole kronor)
WRITTEN_FORMS = [
    ("Bidraget är 300 500 kr för perioden.", [300500]),
    ("Bidraget är 1 725 000 kronor.", [1725000]),
    ("Bidraget är 1 725 000:- per år.", [1725000]),
    ("Bidraget är 1 725 tkr.", [1725000]),
    ("Bidraget är 1,8 mnkr.", [1800000]),
    ("Bidraget är 1,8 Mkr.", [1800000]),
    ("Bidraget är 3,7 miljoner kronor.", [3700000]),
    ("Ersättning SEK 650 000 utgår.", [650000]),
    ("Ersättning 650 000 SEK utgår.", [650000]),
    ("Totalt 1.725.000 kr.", [1725000]),
    ("Totalt 1725000 kr.", [1725000]),
    ("Arvodet är 12 500,50 kr.", [12501]),
    ("0 kr till föreningen", [0]),
    ("Beloppet 4 232 475 kr per år.", [4232475]),
    ("Beloppet 50 000 svenska kronor.", [50000]),
]

SPACES = [
    ("Bidraget är 150\u00a0000 kr.", [150000]),  # no-break space
    ("Bidraget är 450\u202f000 kr.", [450000]),  # narrow no-break space (normalize turns it
    # into a space; the recognizer alone sees it here, so it must read as a separator)
]

CONTEXT_ONLY = [
    ("Kostnaden för kommunens del beräknas till 300 500 för perioden april 2023.", [300500]),
    ("Kostnaden uppgår till 1 200 000 för år 2024.", [1200000]),
    ("Kostnaden beräknas till 2 800 barn per år.", []),  # a count, not money
]

NOT_AMOUNTS = [
    ("Göteborg tar emot ca 2 800 ensamkommande barn under 2015.", []),
    ("Antalet boendeplatser ökade från 95 till 410.", []),
    ("organisationsnummer 212000-0449", []),
    ("för perioden 20230401 -20240331", []),
    ("i åldern 7-20 år", []),
    ("Grupperna träffas vid 14 tillfällen.", []),
    ("Kostnaden beräknas till 30 procent av budgeten.", []),
    ("Överenskommelsen gäller från 2023-04-01.", []),
    ("Kommunen budgeterar år 2024 för detta.", []),
]

SEVERAL = [
    ("med 1 500 000 kr till A, 300 000 kr till B och 0 kr till C", [1500000, 300000, 0]),
    ("Totalt 2019 500 000 kr", [500000]),  # a year before the amount is not part of it
]


@pytest.mark.parametrize("text,expected", WRITTEN_FORMS + CONTEXT_ONLY + NOT_AMOUNTS + SEVERAL)
def test_amounts(text, expected):
    assert values(text) == expected


@pytest.mark.parametrize("text,expected", SPACES)
def test_amounts_with_unicode_spaces_after_normalize(text, expected):
    from pipeline.normalize import normalize
    from pipeline.records import Page

    clean = normalize([Page(1, text)]).text
    assert values(clean) == expected


# (text, attribute, expected value)
ATTRIBUTES = [
    ("med 160 000 kr per år", "basis", "per_year"),
    ("med 160 000 kr/år", "basis", "per_year"),
    ("med 300 500 kr för perioden 20230401-20240331", "basis", "per_period"),
    ("med 300 500 kr.", "basis", "unknown"),
    ("ett engångsbelopp om 50 000 kr vid start", "basis", "one_off"),
    ("50 000 kr som engångsbidrag", "basis", "one_off"),
    ("450 000 kr i startbidrag", "basis", "one_off"),
    ("ett engångsbelopp om 50 000 kr per år", "basis", "per_year"),
    ("med insatser till ett värde av 809 000 kr", "in_kind", True),
    ("lokal utan kostnad, värderad till 96 000 kr", "in_kind", True),
    ("ideellt arbete värderat till 120 tkr", "in_kind", True),
    ("ideella insatser motsvarande 150 000 kr", "in_kind", True),
    ("med 809 000 kr", "in_kind", False),
    ("med högst 500 000 kr", "ceiling", True),
    ("med upp till 500 000 kr", "ceiling", True),
    ("med 500 000 kr", "ceiling", False),
    ("ersättning 500 000 kr exkl. moms", "vat", "excl"),
    ("ersättning 500 000 kr inklusive moms", "vat", "incl"),
]


@pytest.mark.parametrize("text,attribute,expected", ATTRIBUTES)
def test_amount_attributes(text, attribute, expected):
    [mention] = R.match(text)
    assert mention.attrs[attribute] == expected


def swedish(n: int) -> str:
    """Format an integer the Swedish way: 1 725 000."""
    return f"{n:,}".replace(",", " ")


@given(st.integers(min_value=0, max_value=10**10))
def test_roundtrip_swedish_notation(n):
    assert values(f"Bidraget är {swedish(n)} kr.") == [n]


@given(st.integers(min_value=1, max_value=10**7))
def test_roundtrip_tkr(n):
    assert values(f"Bidraget är {swedish(n)} tkr.") == [n * 1000]


def test_every_mention_names_its_rule():
    text = "300 500 kr, SEK 650 000, 1 725 000:- och kostnaden beräknas till 9 000"
    for mention in R.match(text):
        assert mention.rule_id.startswith("amount.")


def test_a_ledger_of_amounts_resolves_in_linear_time(tmp_path):
    """Thousands of amounts in one 'sentence' (a ledger pasted as text) are all resolved;
    the resolver once compared every amount with every other and timed out."""
    from tests.helpers import facts_of_text

    amounts = facts_of_text("Utbetalt: " + "1 000 kr, " * 3000, tmp_path)[1]["amounts"]
    assert len(amounts) == 3000
    assert {a["amount_sek"] for a in amounts} == {1000}
