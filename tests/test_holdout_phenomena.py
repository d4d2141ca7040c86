"""Phenomena of other municipalities' conventions, by kind: joint duties keep 'gemensamt' in
the action, 'åtar sig <adverbial> att', a sports club called 'Klubben', present-tense duties
under a party's duty heading (also when the text layer joins the heading to its first
clause), and an alias in a running-text list of parties. One case per line; the
organisations are invented; near-misses must not fire."""

from __future__ import annotations

import pytest

from pipeline.extract.dates import DateRecognizer
from pipeline.extract.periods import PeriodRecognizer
from pipeline.resolve.parties import party_key
from tests.helpers import facts_of_text

HEAD = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
        "Vetlanda kommun, genom kultur- och fritidsnämnden, org.nr 212000-0670\n\n"
        "Föreningen Bergsljuset, org.nr 802512-3459\n\n"
        "2. Verksamhet\n\nVerksamheten riktar sig till unga vuxna.\n\n")
# a club: the role word 'klubben'
CLUB = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
        "Vetlanda kommun, org.nr 212000-0670\n\n"
        "IK Granhöjden, org.nr 802512-3459\n\n"
        "2. Verksamhet\n\nVerksamheten riktar sig till unga i Östra Vetlanda.\n\n")
CLUB_MEMO = ("Tjänsteskrivelse\n\nDatum: 2025-04-02\n\nIdéburet offentligt partnerskap med "
             "IK Granhöjden\n\nBeskrivning av ärendet\n\n")

KOMMUN, FORENING, KLUBB = "vetlanda", "bergsljuset", "granhöjden"


def facts(text: str, tmp_path) -> dict:
    return facts_of_text(text, tmp_path)[1]


def matching(rows: list[dict], party: str, action: str) -> list[dict]:
    return [r for r in rows if action in r["action"] and party in party_key(r["party"])]


# (text, party key word, action contains, quantity, frequency)
JOINT_MANNER = [
    # 'gemensamt' / 'tillsammans' say how the duty is done: they stay in each party's action
    (HEAD + "Parterna ska gemensamt utvärdera verksamheten två gånger per år.\n", KOMMUN,
     "gemensamt utvärdera verksamheten två gånger per år", 2, "per_year"),
    (HEAD + "Parterna ska gemensamt utvärdera verksamheten två gånger per år.\n", FORENING,
     "gemensamt utvärdera verksamheten två gånger per år", 2, "per_year"),
    (HEAD + "Kommunen och föreningen ska tillsammans ta fram en kommunikationsplan.\n", FORENING,
     "tillsammans ta fram en kommunikationsplan", None, ""),
    (HEAD + "Parterna skall gemensamt anordna ett dialogmöte en gång per år.\n", KOMMUN,
     "gemensamt anordna ett dialogmöte en gång per år", 1, "per_year"),
]

UNDERTAKES = [
    # an adverbial between 'åtar sig' and 'att'
    (HEAD + "Föreningen åtar sig i förslaget att hålla öppet tre kvällar per vecka.\n",
     FORENING, "hålla öppet tre kvällar per vecka", 3, "per_week"),
    (HEAD + "Föreningen åtar sig enligt överenskommelsen att erbjuda läxhjälp.\n", FORENING,
     "erbjuda läxhjälp", None, ""),
    (HEAD + "Kommunen förbinder sig under avtalstiden att utse en kontaktperson.\n", KOMMUN,
     "utse en kontaktperson", None, ""),
    (HEAD + "Föreningen åtar sig inom ramen för partnerskapet att ordna fyra läger per år.\n",
     FORENING, "ordna fyra läger per år", 4, "per_year"),
]

CLUB_ROLE = [
    # 'Klubben' binds the non-profit party, in an agreement and in a memo
    (CLUB + "Klubben ska ha minst tre vuxna ledare på plats vid varje träning.\n", KLUBB,
     "minst tre vuxna ledare", 3, ""),
    (CLUB_MEMO + "Klubben ska ordna ett sommarläger en gång per år.\n", KLUBB,
     "sommarläger en gång per år", 1, "per_year"),
    (CLUB_MEMO + "Klubben åtar sig i förslaget att hålla hallen öppen två kvällar per vecka.\n",
     KLUBB, "hålla hallen öppen två kvällar per vecka", 2, "per_week"),
]

PRESENT_UNDER_DUTY_HEADING = [
    # a present-tense clause under the party's heading is a duty
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen ordnar läxhjälp två eftermiddagar per "
     "vecka.\n3.2 Föreningen ska föra statistik.\n", FORENING,
     "ordnar läxhjälp två eftermiddagar per vecka", 2, "per_week"),
    (CLUB + "4 Klubbens åtaganden\n\n4.1 Klubben leder spontanidrott tre kvällar per vecka.\n",
     KLUBB, "leder spontanidrott tre kvällar per vecka", 3, "per_week"),
    (HEAD + "5 Kommunens åtaganden\n\n5.1 Kommunen anvisar deltagare från socialtjänsten.\n"
     "5.2 Kommunen ska utse en kontaktperson.\n", KOMMUN,
     "anvisar deltagare från socialtjänsten", None, ""),
]

# (text, words that must not be in any action)
NOT_DUTIES = [
    # a fact, a right or a possibility, not a duty
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen är medlem i ett riksförbund.\n"
     "3.2 Föreningen ska föra statistik.\n", "medlem i ett riksförbund"),
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen får använda lokalen kvällstid.\n"
     "3.2 Föreningen ska föra statistik.\n", "använda lokalen"),
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen har rätt att säga upp avtalet.\n"
     "3.2 Föreningen ska föra statistik.\n", "rätt att säga upp"),
    # present tense outside a duty heading: an account, not a duty
    (HEAD + "3 Bakgrund\n\n3.1 Föreningen ordnar läxhjälp sedan 2019.\n", "läxhjälp"),
    (HEAD + "3 Ekonomi\n\n3.1 Föreningen redogör kort för sin ekonomi.\n", "redogör kort"),
    # what is done today, and an organisation that is no party
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen ska föra statistik.\n\nFöreningen "
     "driver redan ett café i Stadsparken.\n", "driver redan"),
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen ska föra statistik.\n\n"
     "Polismyndigheten lämnar information om verksamheten.\n", "information om verksamheten"),
    # a sentence whose subject is no party
    (HEAD + "3 Föreningens åtaganden\n\n3.1 Föreningen ska föra statistik. Hyresvärdet "
     "motsvarar 90 000 kr per år.\n", "motsvarar"),
    # an adverb of discourse is still cut off the action
    (HEAD + "Föreningen ska därutöver lämna en rapport.\n", "därutöver"),
]


@pytest.mark.parametrize("text,party,action,quantity,frequency", JOINT_MANNER)
def test_joint_manner_stays_in_action(text, party, action, quantity, frequency, tmp_path):
    rows = facts(text, tmp_path)["obligations"]
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,party,action,quantity,frequency", UNDERTAKES)
def test_undertakes_with_adverbial(text, party, action, quantity, frequency, tmp_path):
    rows = facts(text, tmp_path)["obligations"]
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert not match[0]["action"].startswith(("i ", "enligt ", "under ", "inom "))
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,party,action,quantity,frequency", CLUB_ROLE)
def test_club_role_word(text, party, action, quantity, frequency, tmp_path):
    rows = facts(text, tmp_path)["obligations"]
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,party,action,quantity,frequency", PRESENT_UNDER_DUTY_HEADING)
def test_present_tense_under_duty_heading(text, party, action, quantity, frequency, tmp_path):
    rows = facts(text, tmp_path)["obligations"]
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)
    assert match[0]["action"] in " ".join(match[0]["quote"].split())


@pytest.mark.parametrize("text,words", NOT_DUTIES)
def test_not_duties(text, words, tmp_path):
    rows = facts(text, tmp_path)["obligations"]
    bad = [r["action"] for r in rows if words in r["action"]]
    assert not bad, bad


# (text, a name that must be a party, words no party's name may start with)
RUNNING_TEXT_PARTIES = [
    ("Denna överenskommelse har träffats mellan Eksjö kommun, nedan kallad Kommunen, och "
     "Föreningen Ekbacken, org nr 8025123459, nedan kallad Föreningen.\n", "ekbacken", "nedan"),
    ("Överenskommelsen har ingåtts mellan Tranås kommun, härefter kallad Kommunen, och "
     "IK Sommarn, nedan benämnd Klubben.\n", "sommarn", "härefter"),
    ("Överenskommelsen har ingåtts mellan Tranås kommun, härefter kallad Kommunen, och "
     "IK Sommarn, nedan benämnd Klubben.\n", "sommarn", "nedan"),
]


@pytest.mark.parametrize("text,party,bad_start", RUNNING_TEXT_PARTIES)
def test_alias_in_running_text_is_no_party(text, party, bad_start, tmp_path):
    names = [r["name"] for r in facts(text, tmp_path)["parties"]]
    assert any(party in party_key(n) for n in names), names
    assert not [n for n in names if n.lower().startswith(bad_start)], names


# --- amounts of an amendment -----------------------------------------------------------------

AMENDMENT = ("TILLÄGG NR 2 – FÖRLÄNGNING\ntill överenskommelse om idéburet offentligt "
             "partnerskap\n\nParter\n\nTierps kommun, genom socialnämnden (Kommunen)\n"
             "Föreningen Ankarljuset, 802481-4416 (Föreningen)\n\n"
             "1. Förlängning\n\nÖverenskommelsen förlängs och gäller därmed från och med "
             "1 januari 2025 till och med 31 december 2027.\n\n2. Ekonomi\n\n")


def amendment_amounts(body: str, tmp_path) -> list[dict]:
    return facts(AMENDMENT + body, tmp_path)["amounts"]


# (body, amount, period_start, period_end, basis)
ANNOUNCED_SPAN = [
    # a lead ending in a colon names the span of the paragraph after it
    ("För perioden 2027-01-01 – 2027-12-31 gäller följande:\n\nKommunen betalar 510 000 kr "
     "för förlängningsperioden.\n", 510000, "2027-01-01", "2027-12-31", "per_period"),
    ("Under perioden 2027-01-01 – 2027-12-31 gäller följande i stället för § 5:\n\nKommunen "
     "betalar 510 000 kr till Föreningen.\n", 510000, "2027-01-01", "2027-12-31", "per_period"),
    ("För perioden 2027-01-01 – 2027-12-31 gäller följande:\nKommunen betalar 510 000 kr "
     "för förlängningsperioden.\n", 510000, "2027-01-01", "2027-12-31", "per_period"),
]

# (body, amount, period_start that must not be given)
NOT_ANNOUNCED = [
    # a lead with no span, or a span that does not open a lead ending in a colon
    ("Följande gäller från och med 2027-01-01:\n\nKommunen betalar 510 000 kr per år.\n",
     510000, "2027-01-01"),
    ("Avtalet löper till 2027-12-31 enligt bilaga 1.\n\nKommunen betalar 510 000 kr per år.\n",
     510000, "2027-01-01"),
]


@pytest.mark.parametrize("body,amount,start,end,basis", ANNOUNCED_SPAN)
def test_announced_span(body, amount, start, end, basis, tmp_path):
    rows = [r for r in amendment_amounts(body, tmp_path) if r["amount_sek"] == amount]
    assert rows, amendment_amounts(body, tmp_path)
    assert (str(rows[0]["period_start"]), str(rows[0]["period_end"]), rows[0]["basis"]) == (
        start, end, basis)


@pytest.mark.parametrize("body,amount,start", NOT_ANNOUNCED)
def test_not_announced(body, amount, start, tmp_path):
    rows = [r for r in amendment_amounts(body, tmp_path) if r["amount_sek"] == amount]
    assert rows
    assert str(rows[0]["period_start"]) != start, rows[0]


# (body, the replaced amount, the new amount)
REPLACED = [
    ("Kommunen betalar 510 000 kr per år. Beloppet ersätter det tidigare beloppet om "
     "450 000 kr per år.\n", 450000, 510000),
    ("Kommunen betalar 510 000 kr per år i stället för det hittillsvarande bidraget på "
     "450 000 kr.\n", 450000, 510000),
    ("Kommunens bidrag höjs till 510 000 kr per år. Det ersätter den tidigare ersättningen "
     "om 450 000 kronor.\n", 450000, 510000),
]

# a previous amount that nothing replaces stays (it may be background by another rule)
NOT_REPLACED = [
    ("Kommunen betalar 510 000 kr per år och det tidigare beloppet om 450 000 kr betalas "
     "ut i januari.\n", 450000),
]


@pytest.mark.parametrize("body,old,new", REPLACED)
def test_replaced_amount_is_no_amount(body, old, new, tmp_path):
    got = [r["amount_sek"] for r in amendment_amounts(body, tmp_path)]
    assert new in got and old not in got, got


@pytest.mark.parametrize("body,amount", NOT_REPLACED)
def test_amount_not_replaced_stays(body, amount, tmp_path):
    got = [r["amount_sek"] for r in amendment_amounts(body, tmp_path)]
    assert amount in got, got


# --- the term as a pair of verbs ---------------------------------------------------------------

def terms_of(text: str) -> list[tuple]:
    dates, periods = DateRecognizer(), PeriodRecognizer()
    return [(str(a["start"]) if a["start"] else None, str(a["end"]) if a["end"] else None)
            for a in (m.attrs for m in periods.match(text, dates.match(text)))
            if a["kind"] == "term"]


# (sentence, start, end)
TERM_VERB_PAIRS = [
    ("Förvaltningen föreslår ett treårigt partnerskap som börjar den 1 mars 2025 och upphör "
     "den 28 februari 2028.", "2025-03-01", "2028-02-28"),
    ("Förvaltningen föreslår ett tvåårigt partnerskap som inleds den 1 juli 2025 och avslutas "
     "den 30 juni 2027.", "2025-07-01", "2027-06-30"),
    ("Förvaltningen föreslår ett partnerskap som startar den 1 januari 2026 och slutar den "
     "31 december 2026.", "2026-01-01", "2026-12-31"),
    ("Förvaltningen föreslår ett partnerskap som påbörjas den 1 april 2025 och löper ut den "
     "31 mars 2026.", "2025-04-01", "2026-03-31"),
]

# a bare 'upphör' after no start: an end alone is no term range
NOT_TERM_RANGES = [
    ("Den nuvarande överenskommelsen upphör den 31 december 2024.", "2024-12-31"),
]


@pytest.mark.parametrize("text,start,end", TERM_VERB_PAIRS)
def test_term_as_verb_pair(text, start, end):
    assert (start, end) in terms_of(text), terms_of(text)


@pytest.mark.parametrize("text,end", NOT_TERM_RANGES)
def test_bare_end_is_no_term(text, end):
    assert not [t for t in terms_of(text) if t[1] == end], terms_of(text)
