"""Attribution of amounts (pipeline/resolve/attribution/), one case per line, grouped by
phenomenon: who pays, who receives, per what, for which span, which amounts are not the
partnership's money, and which amounts make up a stated total. Organisations, places and
sentences are invented; each phenomenon has near-misses that must not fire."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.process import process
from pipeline.records import Document, Page

# Two parties, as an agreement introduces them; the sentences under test follow.
PARTIES = """ÖVERENSKOMMELSE OM IDÉBURET OFFENTLIGT PARTNERSKAP

1. Parter

Lindö kommun, genom kulturnämnden, organisationsnummer 212000-9999, nedan kallad kommunen.

Föreningen Ljusglimten, organisationsnummer 802481-4416, nedan kallad föreningen.

2. Avtalstid

Överenskommelsen gäller från och med 2025-01-01 till och med 2027-12-31.

3. Ekonomi

"""


@cache
def _facts(text: str) -> dict[str, list[dict]]:
    doc = Document(doc_id="0" * 64, source="t.txt", format="txt", pages=[Page(1, text)])
    return process(doc)[1]


def amounts(body: str, parties: str = PARTIES) -> list[dict]:
    return _facts(parties + body)["amounts"]


def row(body: str, value: int, parties: str = PARTIES) -> dict:
    rows = [r for r in amounts(body, parties) if r["amount_sek"] == value]
    assert rows, [r["amount_sek"] for r in amounts(body, parties)]
    return rows[0]


# --- who pays ------------------------------------------------------------------------------

# (sentences, amount, the payer's name contains)
PAYER = [
    # a generic word for the party that pays
    ("Kommunen bidrar med 400 000 kronor per år.", 400000, "Lindö kommun"),
    ("Föreningen bidrar med egna medel om 50 000 kr per år.", 50000, "Ljusglimten"),
    # the nämnd when the text says a nämnd pays
    ("Kulturnämnden betalar föreningen 38 000 kronor per månad.", 38000, "kulturnämnden"),
    ("Staden, genom kulturnämnden, betalar 500 000 kronor per år till föreningen.", 500000,
     "kulturnämnden"),
    ("Nämndens bidrag till föreningen uppgår till 300 000 kronor per år.", 300000,
     "kulturnämnden"),
    # verb before its subject: 'Av beloppet betalar kulturnämnden ...'
    ("Kommunen bidrar med 300 000 kr per år. Av beloppet betalar kulturnämnden 200 000 kr "
     "och fritidsnämnden 100 000 kr.", 100000, "Fritidsnämnden"),
    # in kind: the one who lends or works
    ("Föreningen bidrar med ideellt arbete som värderas till 80 000 kronor per år.", 80000,
     "Ljusglimten"),
    ("Kulturnämnden åtar sig att upplåta en lokal. Insatsen värderas till 60 000 kr per år.",
     60000, "kulturnämnden"),
    # passive: who lends is the other side of the one it is lent to
    ("Lokalerna upplåts utan kostnad för föreningen. Lokalernas värde beräknas till "
     "96 000 kronor per år.", 96000, "Lindö kommun"),
    # the sentence after goes on about the amount
    ("Föreningen beviljas ett verksamhetsbidrag om 200 tkr per år. Bidraget finansieras "
     "inom kulturnämndens budget.", 200000, "kulturnämnden"),
    # a party no list names, written as the subject that pays
    ("Hembygdsgården Ekbacken bidrar med ideella insatser som värderas till "
     "45 000 kronor per år.", 45000, "Hembygdsgården Ekbacken"),
    # the payer after the amount: 'från kommunen', 'betalas ut av kommunen'
    ("Föreningen erhåller 300 000 kr per år från kommunen.", 300000, "Lindö kommun"),
    ("Bidraget om 500 000 kr per år betalas ut av kommunen kvartalsvis.", 500000,
     "Lindö kommun"),
    # a grant no sentence says who pays: the public side's, to the one non-profit
    ("Ersättningen utgår med 25 000 kronor per månad.", 25000, "Lindö kommun"),
    # a table row names its payer
    ("Finansiering per år\nKulturnämnden 300 tkr\nFöreningen Ljusglimten, egna medel 50 tkr\n"
     "Summa 350 tkr\n", 50000, "Ljusglimten"),
]

# near-misses: the party named is not the payer
NOT_PAYER = [
    # speaks about the money, does not pay it
    ("Förvaltningen föreslår att kulturnämnden betalar 70 000 kr per år.", 70000,
     "förvaltning"),
    # the receiver after a paying verb
    ("Kulturnämnden betalar föreningen 38 000 kronor per månad.", 38000, "Ljusglimten"),
    # the receiver of a passive grant
    ("Föreningen beviljas ett bidrag om 90 000 kr per år.", 90000, "Ljusglimten"),
]


@pytest.mark.parametrize("body,value,payer", PAYER)
def test_payer(body, value, payer):
    assert payer.lower() in (row(body, value)["payer"] or "").lower()


@pytest.mark.parametrize("body,value,name", NOT_PAYER)
def test_not_payer(body, value, name):
    assert name.lower() not in (row(body, value)["payer"] or "").lower()


def test_every_decided_payer_names_its_rule():
    r = row("Kommunen bidrar med 400 000 kronor per år.", 400000)
    assert r["payer_rule"].startswith("payer.")


# --- who receives --------------------------------------------------------------------------

# (sentences, amount, the payee's name contains; None: no payee)
PAYEE = [
    ("Kommunen betalar 400 000 kronor per år till föreningen.", 400000, "Ljusglimten"),
    ("Kulturnämnden betalar föreningen 38 000 kronor per månad.", 38000, "Ljusglimten"),
    ("Föreningen beviljas ett bidrag om 90 000 kr per år.", 90000, "Ljusglimten"),
    # one public and one non-profit party: the non-profit receives the public money
    ("Kommunen bidrar med 400 000 kronor per år.", 400000, "Ljusglimten"),
    # a receiver no list names
    ("Kommunen betalar 20 000 kr till Hembygdsgården Ekbacken.", 20000,
     "Hembygdsgården Ekbacken"),
    ("Föreningen erhåller 300 000 kr per år från kommunen.", 300000, "Ljusglimten"),
    ("Kulturnämnden ersätter föreningen med 150 000 kr per år.", 150000, "Ljusglimten"),
    # in kind, own money: no receiver
    ("Föreningen bidrar med ideellt arbete som värderas till 80 000 kronor per år.", 80000,
     None),
    ("Föreningen bidrar med egna medel om 50 000 kr per år.", 50000, None),
    ("Kommunen upplåter lokaler utan kostnad. Lokalernas värde beräknas till 96 000 kronor "
     "per år.", 96000, None),
]


@pytest.mark.parametrize("body,value,payee", PAYEE)
def test_payee(body, value, payee):
    got = row(body, value)["payee"]
    if payee is None:
        assert not got
    else:
        assert payee.lower() in (got or "").lower()


SEVERAL = """Parter

Lindö kommun, organisationsnummer 212000-9999
Föreningen Ljusglimten, organisationsnummer 802481-4416
Stiftelsen Havsörnen, organisationsnummer 802477-1118

Ekonomi

"""


def test_several_non_profits_get_money_only_when_named():
    body = ("Kommunen avsätter 300 000 kronor per år, varav 100 000 kronor till Föreningen "
            "Ljusglimten och 200 000 kronor till Stiftelsen Havsörnen.")
    rows = {r["amount_sek"]: r for r in amounts(body, SEVERAL)}
    assert not rows[300000]["payee"]
    assert "Ljusglimten" in rows[100000]["payee"]
    assert "Havsörnen" in rows[200000]["payee"]


# --- per what --------------------------------------------------------------------------------

# (sentences, amount, basis)
BASIS = [
    ("Kulturnämnden betalar 36 000 kronor i månaden.", 36000, "per_month"),
    ("Kulturnämnden betalar 36 000 kronor per månad.", 36000, "per_month"),
    ("Kommunen lämnar ett årligt bidrag om SEK 250 000 till föreningen.", 250000, "per_year"),
    ("Kommunen bidrar med totalt 900 000 kronor för hela avtalsperioden.", 900000,
     "per_period"),
    ("Kommunen lämnar följande bidrag:\n\n2025: 300 000 kr 2026: 310 000 kr\n", 310000,
     "per_period"),
    ("För verksamhetsåret 2025 lämnar nämnden ett bidrag om 300 000 kronor.", 300000,
     "per_period"),
    ("Kommunen betalar ett engångsbelopp om 20 000 kr vid start.", 20000, "one_off"),
    ("Kommunen betalar årligen 400 000 kr till föreningen.", 400000, "per_year"),
    ("Kommunen betalar månadsvis 36 000 kronor.", 36000, "per_month"),
    ("Kommunens bidrag för 2026 uppgår till 410 000 kronor.", 410000, "per_period"),
    # a per-year amount with its own span stays per year
    ("Kommunen bidrar med 250 000 kronor per år under perioden 2025-01-01 – 2026-12-31.",
     250000, "per_year"),
    # a budget table flattened one cell per line: the header applies to its rows
    ("Budget per år (kr)\nKostnadsslag\nBelopp\nLokalhyra 48 000:-\nMaterial 12 000:-\n"
     "Summa 60 000:-\n", 48000, "per_year"),
    # a column header: only the amount's own column counts
    ("Finansiär\tBelopp per år\nKommunen\t100 000 kr\nFöreningen\t20 000 kr\n", 100000,
     "per_year"),
    ("Per år\tBelopp\nKommunen\t100 000 kr\nFöreningen\t20 000 kr\n", 100000, "unknown"),
    ("Kommunen bidrar med 100 000 kr.", 100000, "unknown"),
]


@pytest.mark.parametrize("body,value,basis", BASIS)
def test_basis(body, value, basis):
    assert row(body, value)["basis"] == basis


# --- for which span -------------------------------------------------------------------------

# (sentences, amount, period_start, period_end): the term is 2025-01-01..2027-12-31
PERIOD = [
    # a named year is that calendar year
    ("Kommunen lämnar följande bidrag:\n\n2025: 300 000 kr 2026: 310 000 kr\n", 310000,
     "2026-01-01", "2026-12-31"),
    ("Nämndens bidrag föreslås till 300 000 kronor 2025 och 320 000 kronor 2026.", 320000,
     "2026-01-01", "2026-12-31"),
    ("För verksamhetsåret 2025 lämnar nämnden ett bidrag om 300 000 kronor.", 300000,
     "2025-01-01", "2025-12-31"),
    # a span written for it, kept as written even outside the term
    ("Kommunen bidrar med 250 000 kronor per år under perioden 2024-07-01 – 2026-06-30.",
     250000, "2024-07-01", "2026-06-30"),
    ("För förlängningsperioden 2028-01-01 – 2028-12-31 lämnar kommunen ett bidrag om "
     "sexhundratusen kronor (600 000 kr).", 600000, "2028-01-01", "2028-12-31"),
    # whole-period money covers the term
    ("Kommunen bidrar med totalt 900 000 kronor för hela avtalsperioden.", 900000,
     "2025-01-01", "2027-12-31"),
    # a payment table's total covers its rows' span
    ("Bidraget fördelas enligt följande:\n\nPeriod\tBelopp\n2025-01-01 – 2025-12-31\t"
     "100 000 kr\n2026-01-01 – 2026-12-31\t200 000 kr\nSumma\t300 000 kr\n", 300000,
     "2025-01-01", "2026-12-31"),
    # per year: no span unless one is written for it
    ("Kommunen bidrar med 400 000 kronor per år.", 400000, "", ""),
    ("Nämnden godkänner överenskommelsen för åren 2025–2027, att nämndens andel, "
     "220 000 kr per år, finansieras inom budgeten.", 220000, "", ""),
]


@pytest.mark.parametrize("body,value,start,end", PERIOD)
def test_period(body, value, start, end):
    r = row(body, value)
    assert ((r["period_start"] or ""), (r["period_end"] or "")) == (start, end)


# --- not the partnership's money --------------------------------------------------------------

# (sentences, amounts that must be left out, amounts that must stay)
NOT_PARTNERSHIP = [
    # a general rule's threshold
    ("Överenskommelser med ett värde över 500 000 kronor per år beslutas av "
     "kommunstyrelsen.", [500000], []),
    ("Överenskommelser med ett värde från 500 000 kr upp till 5 miljoner kronor per år "
     "beslutas av nämnden.", [500000, 5000000], []),
    # background: the expiring agreement, and the sentence that goes on about it
    ("Den nuvarande överenskommelsen omfattar 400 000 kr per år och löper ut den 31 "
     "december 2024. Kommunen bidrar med 450 000 kr per år.", [400000], [450000]),
    ("Den nuvarande överenskommelsen gäller till 2024-12-31. Enligt den lämnar nämnden "
     "380 000 kronor per år till föreningen.", [380000], []),
    ("Verksamheten har hittills finansierats med föreningsbidrag, senast 95 000 kronor "
     "för 2024.", [95000], []),
    # money beside the partnership
    ("Utöver de idéburna offentliga partnerskapen betalade kommunen 2,1 miljoner kronor i "
     "organisationsbidrag.", [2100000], []),
    # the old amount a change replaces
    ("Bidraget höjs från 300 000 kr till 350 000 kr per år.", [300000], [350000]),
    # near-misses: a ceiling for this partnership, an extension that raises the amount
    ("Tilläggsbidraget uppgår till högst 150 000 kronor per år.", [], [150000]),
    ("Den nuvarande överenskommelsen förlängs och bidraget höjs till 700 000 kr per år.", [],
     [700000]),
    ("Överenskommelsen löper ut 2027-12-31 och omfattar 500 000 kr per år.", [], [500000]),
    ("Kommunen betalar 400 000 kr per år till föreningen, vilket beslutas av kulturnämnden.",
     [], [400000]),
]


@pytest.mark.parametrize("body,out,kept", NOT_PARTNERSHIP)
def test_not_partnership(body, out, kept):
    values = [r["amount_sek"] for r in amounts(body)]
    assert not set(out) & set(values), values
    assert set(kept) <= set(values), values


PROTOCOL = """PROTOKOLL
Kulturnämnden

§ 40 Budgetuppföljning

Förvaltningen prognostiserar ett underskott om 3,2 mnkr för helåret.

§ 41 Idéburet offentligt partnerskap med Föreningen Ljusglimten

Kulturnämnden beslutar att ingå överenskommelse med Föreningen Ljusglimten och att
bevilja 300 000 kronor per år.

§ 42 Hyresavtal

Årshyran uppgår till 180 000 kr.
"""


def test_amounts_of_another_item_of_a_protocol_are_left_out():
    doc = Document(doc_id="1" * 64, source="p.txt", format="txt", pages=[Page(1, PROTOCOL)])
    values = [r["amount_sek"] for r in process(doc)[1]["amounts"]]
    assert values == [300000]


# --- totals and their parts -------------------------------------------------------------------

# (sentences, the total, its parts): part_of of each part is the total's amount_id
PARTS = [
    # a table's Summa row sums the rows above it
    ("Budget per år (kr)\nLokalhyra 48 000:-\nMaterial 12 000:-\nSumma 60 000:-\n", 60000,
     [48000, 12000]),
    # even where they do not add up (the checks flag it)
    ("Budget per år (kr)\nLokalhyra 48 000:-\nMaterial 12 000:-\nSumma 65 000:-\n", 65000,
     [48000, 12000]),
    ("Kommunens kostnad beräknas till 0,3 mnkr per år, varav kulturnämnden svarar för "
     "200 000 kr och fritidsnämnden för 100 000 kr.", 300000, [200000, 100000]),
    ("Kommunen bidrar med 300 000 kr per år. Av beloppet betalar kulturnämnden 200 000 kr "
     "och fritidsnämnden 100 000 kr.", 300000, [200000, 100000]),
    ("Partnerskapets ekonomiska omfattning uppgår till 500 000 kronor per år och fördelas "
     "på följande sätt:\n– Kommunen bidrar med 400 000 kronor per år.\n– Föreningen bidrar "
     "med ideellt arbete som värderas till 100 000 kronor per år.\n", 500000,
     [400000, 100000]),
    ("Bidraget föreslås till 100 000 kronor 2025, 110 000 kronor 2026 och 120 000 kronor "
     "2027, totalt 330 000 kronor för avtalsperioden.", 330000, [100000, 110000, 120000]),
    # a total after its parts with no pointing word: only parts that add up to it
    ("Kommunen bidrar med 300 000 kr per år. Föreningen bidrar med ideellt arbete som "
     "värderas till 50 000 kr per år. Partnerskapets samlade värde uppgår därmed till "
     "350 000 kr per år.", 350000, [300000, 50000]),
]


@pytest.mark.parametrize("body,total,parts", PARTS)
def test_parts_of_a_total(body, total, parts):
    rows = amounts(body)
    [t] = [r for r in rows if r["amount_sek"] == total]
    assert sorted(r["amount_sek"] for r in rows if r["part_of"] == t["amount_id"]) == \
        sorted(parts)


# near-misses: amounts that are no parts
NO_PARTS = [
    # one amount and its period sum is no split
    "Kommunen bidrar med 100 000 kr per år, totalt 300 000 kr för hela avtalsperioden.",
    # amounts before a total that do not add up to it, with no word pointing at them
    "Kommunen bidrar med 300 000 kr per år. Föreningen bidrar med egna medel om 20 000 kr "
    "per år. Partnerskapets samlade värde uppgår till 400 000 kr per år.",
]


@pytest.mark.parametrize("body", NO_PARTS)
def test_no_parts(body):
    assert not any(r["part_of"] for r in amounts(body))


def test_a_total_of_parts_from_different_payers_has_no_payer():
    body = ("Budget per år\nKulturnämnden 300 000 kr\nFöreningen Ljusglimten, egna medel "
            "50 000 kr\nSumma 350 000 kr\n")
    assert not row(body, 350000)["payer"]


def test_the_same_money_written_twice_points_at_its_first_statement():
    body = ("Föreningen bidrar med egna medel om 50 000 kr per år.\n\nBudget per år (kr)\n"
            "Kulturnämnden 300 000:-\nFöreningen Ljusglimten, egna medel 50 000:-\n"
            "Summa 350 000:-\n")
    first, second = [r for r in amounts(body) if r["amount_sek"] == 50000]
    assert (first["same_as"], second["same_as"]) == ("", first["amount_id"])
