"""What the words around an amount make of it, one case per line, grouped by phenomenon:
a contribution in kind or cash, background the text only recalls or money it sets now, and
a table of receivers or not. Organisations, places and sentences are invented; each
phenomenon has near-misses that must not fire."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract.amounts import AmountRecognizer
from pipeline.process import process
from pipeline.records import Document, Page


@cache
def _recognizer() -> AmountRecognizer:
    return AmountRecognizer()


def in_kind(text: str, value: int) -> bool:
    found = [m for m in _recognizer().match(text) if m.value == value]
    assert found, [m.value for m in _recognizer().match(text)]
    return found[0].attrs["in_kind"]


# --- in kind: a valuation of premises, work, staff or time in the amount's own clause -------

# (sentence, amount, in kind)
IN_KIND = [
    ("Kommunen upplåter lokaler utan kostnad för föreningen, värderade till 120 000 kronor per år.", 120000, True),  # noqa: E501
    ("Föreningens ideella insatser beräknas motsvara 80 000 kr.", 80000, True),
    ("Vävaregårdens förening bidrar med volontärer, vars arbete värderas till 64 000 kr per år.", 64000, True),  # noqa: E501
    ("Värdet av lokalerna på Sjövägen beräknas till 210 000 kronor för avtalsperioden.", 210000, True),  # noqa: E501
    ("Upplåtelsen av idrottshallen motsvarar ett värde av 45 000 kr per läsår.", 45000, True),
    ("Nämnden ställer personal till förfogande till ett värde av 330 000 kr per år.", 330000, True),  # noqa: E501
    ("Föreningen bidrar med ideell tid om 40 000 kr per år.", 40000, True),
    ("Regionen bidrar med 150 000 kr per år i form av personal.", 150000, True),
    ("Stödpersonernas tid uppskattas till 75 000 kronor per år.", 75000, True),
    ("Klubben bidrar med ideella tränare till ett värde av 90 000 kr per år.", 90000, True),
    ("Kommunen ställer lokaler i Byskolan till förfogande värda 48 000 kr per år.", 48000, True),  # noqa: E501
    ("Kommunen upplåter hallen utan kostnad; hyresvärdet motsvarar 70 000 kronor per år.", 70000, True),  # noqa: E501
    # a list row of contributions: the row's words say in kind
    ("Bygdegårdsföreningen Norrsken, lokaler och ideellt arbete     220 tkr", 220000, True),
]

# near-misses: the value of the agreement, the partnership or a total, a grant "in the
# form of" money, a cost, or a thing in another clause is cash
CASH = [
    ("Överenskommelsens värde uppgår till 400 000 kronor per år.", 400000, False),
    ("Partnerskapets samlade värde uppgår till 450 000 kr.", 450000, False),
    ("Avtalets totala värde beräknas till 1 200 000 kr för hela perioden.", 1200000, False),
    ("Partnerskapets samlade värde, inklusive lokalerna, uppgår därmed till 900 000 kr per år.", 900000, False),  # noqa: E501
    ("Nämnden ger stöd i form av ett verksamhetsbidrag om 400 000 kr.", 400000, False),
    ("Stödet lämnas i form av ekonomiskt stöd om 260 000 kronor per år.", 260000, False),
    ("Ersättningen betalas i form av ett årligt bidrag motsvarande 310 000 kr.", 310000, False),  # noqa: E501
    ("Kostnaden för lokaler beräknas till 96 000 kr per år.", 96000, False),
    ("Nämnden finansierar insatser för unga vuxna motsvarande 300 000 kr per år.", 300000, False),  # noqa: E501
    ("Verksamheten beräknas kosta 520 000 kr per år.", 520000, False),
    ("Föreningen upplåter sina lokaler; nämnden betalar 340 000 kr per år.", 340000, False),
    ("Föreningen upplåter sina lokaler, medan nämnden betalar 340 000 kr per år.", 340000, False),  # noqa: E501
    ("Kulturföreningen Ankaret är en ideell förening och får 250 000 kr per år.", 250000, False),  # noqa: E501
    ("Nämnden betalar 400 000 kr per år till föreningen.", 400000, False),
    ("Ankaret, en ideell förening, beräknas få 250 000 kr per år.", 250000, False),
    ("Kommunen ställer 200 000 kr per år till förfogande för verksamheten.", 200000, False),
]


@pytest.mark.parametrize("text,value,want", IN_KIND + CASH)
def test_in_kind(text, value, want):
    assert in_kind(text, value) is want


# --- background: an amount is recalled only when its own clause says so -------------------

PARTIES = """ÖVERENSKOMMELSE OM IDÉBURET OFFENTLIGT PARTNERSKAP

1. Parter

Åsby kommun, genom fritidsnämnden, organisationsnummer 212000-9998, nedan kallad kommunen.

Föreningen Tornseglaren, organisationsnummer 802481-5522, nedan kallad föreningen.

2. Avtalstid

Överenskommelsen gäller från och med 2025-01-01 till och med 2026-12-31.

3. Ekonomi

"""


@cache
def _amounts(body: str) -> tuple[dict, ...]:
    doc = Document(doc_id="2" * 64, source="t.txt", format="txt",
                   pages=[Page(1, PARTIES + body)])
    return tuple(process(doc)[1]["amounts"])


def values(body: str) -> list[int]:
    return [r["amount_sek"] for r in _amounts(body)]


# (sentences, amounts left out as background, amounts kept)
BACKGROUND = [
    # the past and the proposal in one sentence: each amount by its own clause
    ("Föreningen erhöll 200 000 kr 2024 och föreslås nu få 250 000 kr per år 2025–2026.", [200000], [250000]),  # noqa: E501
    ("Ett bidrag om 180 000 kr beviljades för 2024, och nämnden ska bevilja 210 000 kr per år framöver.", [180000], [210000]),  # noqa: E501
    ("Bidraget, som 2024 uppgick till 150 000 kr, höjs till 190 000 kr per år.", [150000], [190000]),  # noqa: E501
    ("Förra året betalades 90 000 kr ut; nu föreslås 120 000 kr per år.", [90000], [120000]),  # noqa: E501
    ("Den tidigare överenskommelsen omfattade 300 000 kr per år, medan den nya omfattar 340 000 kr per år.", [300000], [340000]),  # noqa: E501
    # background that must stay dropped
    ("Föreningen erhöll 170 000 kr 2023 och 175 000 kr 2024.", [170000, 175000], []),
    ("Verksamheten omfattade 2024 totalt 610 000 kronor.", [610000], []),
    ("Under 2023 beviljades föreningen, efter ansökan, 88 000 kr i föreningsbidrag.", [88000], []),  # noqa: E501
    ("Den nuvarande överenskommelsen omfattar 400 000 kr per år och löper ut 2024-12-31.", [400000], []),  # noqa: E501
    # near-misses: the present tense sets money now
    ("För 2025 beviljas 300 000 kr.", [], [300000]),
    ("Kommunen betalar 275 000 kr per år till föreningen.", [], [275000]),
    ("Föreningen erhåller 260 000 kr per år under avtalstiden.", [], [260000]),
]


@pytest.mark.parametrize("body,out,kept", BACKGROUND)
def test_background(body, out, kept):
    found = values(body)
    assert not set(out) & set(found), found
    assert set(kept) <= set(found), found


# --- a table of receivers: bare "förening", "organisation", "mottagare" are running text ---

ROWS = """
Åsby kommun                          400 000 kr
Föreningen Tornseglaren              150 000 kr
"""

# (the sentence above the table, the payer of the association's row)
RECEIVER_TABLE = [
    # ordinary words in the lead sentence: a table of what each party puts in
    ("Kommunen bidrar, liksom varje förening i partnerskapet, per år enligt följande:", "Föreningen Tornseglaren"),  # noqa: E501
    ("Kommunen bidrar, liksom varje organisation i partnerskapet, per år enligt följande:", "Föreningen Tornseglaren"),  # noqa: E501
    ("Kommunen bidrar, liksom varje mottagare av rapporterna, per år enligt följande:", "Föreningen Tornseglaren"),  # noqa: E501
    # a table of shares to receivers: the municipality pays every row
    ("Kommunens bidrag fördelas per år enligt följande:", "Åsby kommun"),
]


@pytest.mark.parametrize("lead,payer", RECEIVER_TABLE)
def test_receiver_table(lead, payer):
    rows = [r for r in _amounts(lead + "\n" + ROWS) if r["amount_sek"] == 150000]
    assert rows and (rows[0]["payer"] or "").startswith(payer), rows
