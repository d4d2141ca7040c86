"""Written forms of amounts (the recognizer, pipeline/extract/amounts.py): in words, in
millions without "kronor", with the unit before or after, restated in parentheses, and the
rows of a money table flattened one per line. One case per line; near-misses that are not
amounts."""

from __future__ import annotations

import pytest

from pipeline.extract.amounts import AmountRecognizer
from pipeline.extract.numbers import compound_value

R = AmountRecognizer()


def found(text: str) -> list[tuple[int, str]]:
    return [(m.value, m.rule_id) for m in R.match(text)]


def values(text: str) -> list[int]:
    return [m.value for m in R.match(text)]


# (a Swedish number word, its value)
NUMBER_WORDS = [
    ("trehundratjugotusen", 320000),
    ("etthundraåttiotusen", 180000),
    ("tjugofemtusen", 25000),
    ("sexhundrafyrtiotusen", 640000),
    ("niohundranittioniotusen", 999000),
    ("femtiotvå", 52),
    ("tusen", 1000),
    ("hundratusen", 100000),
    ("tolv", 12),
    # not number words
    ("tusentals", None),
    ("sexton­åring", None),
    ("entusiast", None),
]


@pytest.mark.parametrize("word,value", NUMBER_WORDS)
def test_number_words(word, value):
    assert compound_value(word) == value


# (text, amounts in whole kronor)
IN_WORDS = [
    ("Kommunen bidrar med trehundratjugotusen (320 000) kronor per år.", [320000]),
    ("ett engångsbelopp om tjugofemtusen kronor (25 000 kr) för inventarier", [25000]),
    ("ideella insatser värda etthundraåttiotusen kronor per år", [180000]),
    ("högst en miljon kronor per kalenderår", [1000000]),
    ("värderas till en halv miljon kronor per år", [500000]),
    ("en och en halv miljon kronor för perioden", [1500000]),
    ("fyra miljoner kronor", [4000000]),
    # near-misses: counts and durations in words are not money
    ("sex (6) månaders uppsägningstid", []),
    ("minst tre (3) volontärer vid varje tillfälle", []),
    ("två kvällar i veckan", []),
]

MILLIONS = [
    # where the sentence is about money, 'miljoner' needs no 'kronor'
    ("Nämnden avsätter fyra miljoner till verksamheten.", [4000000]),
    ("Budgeten är 3,2 miljoner för 2025.", [3200000]),
    ("Regionen betalade ut 2,1 miljoner i bidrag.", [2100000]),
    # near-misses: millions of something else
    ("Staden har 3,2 miljoner besökare om året.", []),
    ("Sverige har över tio miljoner invånare.", []),
]

UNITS = [
    ("Regionen lämnar ett bidrag om SEK 250 000 till föreningen.", [250000]),
    ("Föreningens insatser värderas till 250 000 SEK per år.", [250000]),
    ("lokalens värde motsvarar kr 180 000 per år", [180000]),
    ("Bidraget är 640 000:- per år.", [640000]),
]

# an amount restated in parentheses is one amount
RESTATED = [
    ("uppgår till 1 560 000 kronor (1,56 mnkr) för hela perioden", [1560000]),
    ("bidrar med 1 300 000 kronor (1,3 mnkr) per år", [1300000]),
    # near-miss: a different value in parentheses is a second amount
    ("bidrar med 100 000 kr (200 000 kr för två år)", [100000, 200000]),
]


@pytest.mark.parametrize("text,expected", IN_WORDS + MILLIONS + UNITS + RESTATED)
def test_written_forms(text, expected):
    assert values(text) == expected


def test_a_restated_amount_quotes_both_forms():
    [mention] = R.match("uppgår till 1 560 000 kronor (1,56 mnkr) för hela perioden")
    assert mention.text == "1 560 000 kronor (1,56 mnkr)"


# (text, amounts): rows of a money table flattened one per line
TABLE_CELLS = [
    ("Budget per år för projektet, kronor\n\nIntäkter\nKommunens bidrag 250 000\n"
     "Egna medel 40 000\nSumma intäkter 290 000\n", [250000, 40000, 290000]),
    ("Budget (tkr)\nLokalhyra 1 200\nPersonal 2 400\n", [1200000, 2400000]),
    # near-misses: a table of counts, a phone number, a postal code
    ("Nyckeltal 2024 2023\nBesök totalt 14 380 12 950\nUnika besökare 612 540\n", []),
    ("Budget per år, kronor\nTelefon 040-34 10 00\nPostadress 205 80 Malmö\n", []),
    # a table closes at a line of prose
    ("Budget per år, kronor\nLokalhyra 48 000\nFöreningen har 12 000 medlemmar i hela "
     "landet och växer stadigt varje år.\nAntal besök 14 000\n", [48000]),
]


@pytest.mark.parametrize("text,expected", TABLE_CELLS)
def test_money_table_cells(text, expected):
    assert values(text) == expected


# (text, attribute, value)
ATTRIBUTES = [
    ("Kommunen betalar 36 000 kronor i månaden.", "basis", "per_month"),
    ("Kommunen betalar 36 000 kronor per månad.", "basis", "per_month"),
    ("Regionen lämnar ett årligt bidrag om 250 000 kr.", "basis", "per_year"),
    ("Utöver det årliga bidraget betalas 50 000 kr ut som ett engångsbelopp.", "basis",
     "one_off"),
    ("Föreningen bidrar med 900 000 kr för hela avtalsperioden.", "basis", "per_period"),
    ("Föreningen bidrar med ideellt ledarskap, vars värde beräknas till 90 000 kr.",
     "in_kind", True),
    ("Lokalernas värde beräknas till 186 000 kronor per år.", "in_kind", True),
    ("Nämnden bidrar med personal i form av en samordnare på halvtid, vilket motsvarar "
     "110 000 kr per år.", "in_kind", True),
    # near-misses: an organisation's form is no contribution in kind
    ("Bidraget till den ideella föreningen är 500 000 kr.", "in_kind", False),
    ("Kommunen betalar 400 000 kr per år.", "in_kind", False),
    ("Tilläggsbidraget uppgår till högst 150 000 kronor per år.", "ceiling", True),
]


@pytest.mark.parametrize("text,attribute,value", ATTRIBUTES)
def test_attributes(text, attribute, value):
    [mention] = R.match(text)
    assert mention.attrs[attribute] == value


def test_every_form_names_its_rule():
    text = ("trehundratjugotusen (320 000) kronor, fyra miljoner till bidrag, kr 180 000.\n"
            "Budget per år, kronor\nLokalhyra 48 000\n")
    assert {rule for _, rule in found(text)} == {
        "amount.words", "amount.millions", "amount.prefix_unit", "amount.table_cell"}
