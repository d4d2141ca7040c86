"""Obligations by phenomenon: how other municipalities write duties (cues, lists under a lead
line or a party's heading, wrapped and OCR-read lists), who is bound (role words, aliases,
inverted word order, passive, joint duties), counts and frequencies, and what is no
obligation (background, purpose, money, conditions). One case per line; the organisations
are invented."""

from __future__ import annotations

import pytest

from pipeline.resolve.parties import party_key
from tests.helpers import facts_of_text

HEAD = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
        "Hudiksvalls kommun, genom socialnämnden, org.nr 212000-2486\n\n"
        "Föreningen Ljusglimten, org.nr 802512-3459\n\n"
        "2. Verksamhet\n\nVerksamheten riktar sig till unga vuxna.\n\n")
# two non-profit parties of one kind: 'föreningen' is the one named last
TWO = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
       "Hudiksvalls kommun, org.nr 212000-2486\n\n"
       "Kvinnojouren Tranan, org.nr 802498-7656\n\n"
       "Brottsofferjouren Måsen, org.nr 802476-3107\n\n"
       "2. Verksamhet\n\nVerksamheten riktar sig till brottsutsatta.\n\n")
# a party named without its kind: 'Norrsken' is 'Träffpunkt Norrsken'
NAMED = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
         "Hudiksvalls kommun, org.nr 212000-2486\n\n"
         "Träffpunkt Norrsken, org.nr 802512-3459\n\n"
         "2. Verksamhet\n\nVerksamheten riktar sig till unga vuxna.\n\n")

# a memo proposing the agreement
MEMO = ("Tjänsteskrivelse\n\nDatum: 2024-05-02\n\nIdéburet offentligt partnerskap med "
        "Föreningen Ljusglimten\n\n")

KOMMUN, FORENING = "hudiksvall", "ljusglimten"


def rows_of(text: str, tmp_path) -> list[dict]:
    return facts_of_text(text, tmp_path)[1]["obligations"]


def matching(rows: list[dict], party: str, action: str) -> list[dict]:
    return [r for r in rows if action in r["action"] and party in party_key(r["party"])]


# (text after the parties, party key word, action contains, quantity, frequency)
LISTS = [
    # a lead line, a blank line, then the items
    (HEAD + "3. Föreningens åtaganden\n\nFöreningen ska\n\n- hålla caféet öppet tre dagar i "
     "veckan,\n- anordna en utflykt varje sommar.\n", FORENING,
     "hålla caféet öppet tre dagar i veckan", 3, "per_week"),
    (HEAD + "3. Föreningens åtaganden\n\nFöreningen ska\n\n- hålla caféet öppet tre dagar i "
     "veckan,\n- anordna en utflykt varje sommar.\n", FORENING,
     "anordna en utflykt varje sommar", None, "per_year"),
    # 'åtar sig följande:' and a numbered list
    (HEAD + "Kommunen åtar sig följande:\n\n1. utse en kontaktperson,\n2. bjuda in till "
     "samverkansmöten två gånger per år.\n", KOMMUN,
     "bjuda in till samverkansmöten två gånger per år", 2, "per_year"),
    # a heading that names the party, and bullets with no lead line
    (HEAD + "4. Kommunens åtaganden\n\n• upplåta en lokal i Stadshuset utan kostnad,\n"
     "• informera socialtjänstens handläggare om verksamheten.\n", KOMMUN,
     "informera socialtjänstens handläggare om verksamheten", None, ""),
    (HEAD + "Åtaganden för föreningen:\n- leda samtalsgrupper för anhöriga varje vecka\n"
     "- redovisa antalet deltagare\n", FORENING, "leda samtalsgrupper för anhöriga varje vecka",
     None, "per_week"),
    # lettered items, one wrapped onto the next line
    (HEAD + "Föreningen förbinder sig att\na) genomföra minst åtta samtalsgrupper per år för\n"
     "anhöriga,\nb) föra statistik över besöken.\n", FORENING,
     "genomföra minst åtta samtalsgrupper per år för anhöriga", 8, "per_year"),
    # bullets as OCR reads them: 'e', '»'
    (HEAD + "Föreningen ska\n\ne erbjuda stödsamtal två kvällar i veckan,\n\n» rekrytera och "
     "introducera volontärer.\n", FORENING, "erbjuda stödsamtal två kvällar i veckan", 2,
     "per_week"),
    (HEAD + "Föreningen ska\n\ne erbjuda stödsamtal två kvällar i veckan,\n\n» rekrytera och "
     "introducera volontärer.\n", FORENING, "rekrytera och introducera volontärer", None, ""),
    # a running footer between 'a)' and 'b)' (a page break)
    (HEAD + "Föreningen ska\n\na) hålla öppet fem dagar i veckan,\n\nHudiksvalls kommun "
     "Sida 2 (3)\n\nb) lämna en verksamhetsberättelse varje år.\n", FORENING,
     "lämna en verksamhetsberättelse varje år", None, "per_year"),
    # two items that OCR read into one line
    (HEAD + "Nämnden ska\na) utse en kontaktperson, b) kalla till uppföljningsmöten.\n",
     KOMMUN, "kalla till uppföljningsmöten", None, ""),
    # items written with a capital and no punctuation (a word processor's bullets)
    (HEAD + "Föreningen ska bland annat:\n- Hålla öppet tre dagar i veckan\n- Föra statistik\n",
     FORENING, "Hålla öppet tre dagar i veckan", 3, "per_week"),
    (HEAD + "Föreningen ska\n\uf0b7 hålla öppet två kvällar i veckan\n\uf0b7 föra statistik\n",
     FORENING, "hålla öppet två kvällar i veckan", 2, "per_week"),
    # a party's heading with a colon and a list with no lead line
    (HEAD + "Föreningens åtaganden:\n\n- driva en stödlinje alla dagar i veckan,\n- utbilda "
     "nya volontärer två gånger per år.\n", FORENING, "utbilda nya volontärer två gånger per år",
     2, "per_year"),
    (HEAD + "4.2 Kommunens ansvar och åtaganden\n\n- anvisa deltagare till verksamheten,\n"
     "- utse en kontaktperson.\n", KOMMUN, "anvisa deltagare till verksamheten", None, ""),
    (HEAD + "Föreningens insatser\n\n- läxhjälp två eftermiddagar i veckan,\n- en sommarkollo "
     "varje år.\n", FORENING, "läxhjälp två eftermiddagar i veckan", 2, "per_week"),
    # a lead whose verb the items complete
    (HEAD + "Kommunen ska tillhandahålla följande:\n• lokaler i Stadshuset\n• handledning "
     "fyra gånger per år\n", KOMMUN, "tillhandahålla handledning fyra gånger per år", 4,
     "per_year"),
    # lettered items joined to the lead line by unwrapping; 't.ex.' is no item
    (HEAD + "Nämnden åtar sig att\na. utse en kontaktperson, t.ex. en socialsekreterare,\n"
     "b. kalla till möten.\n", "socialnämnd", "utse en kontaktperson, t.ex. en "
     "socialsekreterare", None, ""),
    (HEAD + "Nämnden åtar sig att\na. utse en kontaktperson, t.ex. en socialsekreterare,\n"
     "b. kalla till möten.\n", "socialnämnd", "kalla till möten", None, ""),
    # a heading over duties every party shares
    (HEAD + "Gemensamma åtaganden\n\n- följa upp verksamheten två gånger per år.\n", FORENING,
     "följa upp verksamheten två gånger per år", 2, "per_year"),
    (HEAD + "Gemensamma åtaganden\n\n- följa upp verksamheten två gånger per år.\n", KOMMUN,
     "följa upp verksamheten två gånger per år", 2, "per_year"),
]

CUES = [
    (HEAD + "Föreningen åtar sig att driva en stödlinje fyra kvällar i veckan.\n", FORENING,
     "driva en stödlinje fyra kvällar i veckan", 4, "per_week"),
    (HEAD + "Det åligger föreningen att lämna en slutrapport.\n", FORENING,
     "lämna en slutrapport", None, "once"),
    # a nämnd written as such stays the nämnd (as gold writes it)
    (HEAD + "Socialnämnden svarar för att bevilja placeringar i boendet.\n", "socialnämnd",
     "bevilja placeringar i boendet", None, ""),
    # a present-tense duty in an agreement: the verb is part of the action
    (HEAD + "Kommunen tillhandahåller en lokal för verksamheten.\n", KOMMUN,
     "tillhandahåller en lokal för verksamheten", None, ""),
    (HEAD + "Föreningen bidrar med frivilliga ledare vid varje träff.\n", FORENING,
     "bidrar med frivilliga ledare vid varje träff", None, ""),
    # the future of a proposal, an assignment, a guarantee, a present-tense assurance
    (HEAD + "Enligt förslaget kommer föreningen att erbjuda läxhjälp två dagar i veckan.\n",
     FORENING, "erbjuda läxhjälp två dagar i veckan", 2, "per_week"),
    (HEAD + "Föreningen har i uppdrag att driva mötesplatsen.\n", FORENING,
     "driva mötesplatsen", None, ""),
    (HEAD + "Kommunen garanterar att lokalen är tillgänglig fem dagar i veckan.\n", KOMMUN,
     "lokalen är tillgänglig fem dagar i veckan", 5, "per_week"),
    (HEAD + "Föreningen säkerställer att varje volontär har lämnat utdrag ur "
     "belastningsregistret.\n", FORENING, "varje volontär har lämnat utdrag", None, ""),
    # the subject after the verb (a fronted adverbial)
    (HEAD + "Enligt överenskommelsen ska föreningen ta emot minst 30 deltagare per termin.\n",
     FORENING, "ta emot minst 30 deltagare per termin", 30, "per_half_year"),
    (HEAD + "Därutöver åtar sig kommunen att bekosta tolkar vid behov.\n", KOMMUN,
     "bekosta tolkar vid behov", None, ""),
    # a passive duty with its agent
    (HEAD + "Stödsamtal ska erbjudas av föreningen minst två gånger i månaden.\n", FORENING,
     "minst två gånger i månaden", 2, "per_month"),
    # an adverbial inside the cue stays with it
    (HEAD + "Föreningen bidrar, genom denna överenskommelse, att ordna mötesplatser.\n",
     FORENING, "ordna mötesplatser", None, ""),
    # two parties as one subject: a row for each
    (HEAD + "Kommunen och föreningen ska gemensamt ta fram en kommunikationsplan.\n", KOMMUN,
     "ta fram en kommunikationsplan", None, ""),
    (HEAD + "Kommunen och föreningen ska gemensamt ta fram en kommunikationsplan.\n", FORENING,
     "ta fram en kommunikationsplan", None, ""),
    # two counted actions in one clause are two rows with their own counts
    (HEAD + "Föreningen ska hålla öppet två dagar i veckan och erbjuda läxhjälp tre "
     "eftermiddagar i veckan.\n", FORENING, "erbjuda läxhjälp tre eftermiddagar i veckan", 3,
     "per_week"),
    (HEAD + "Föreningen ska hålla öppet två dagar i veckan och erbjuda läxhjälp tre "
     "eftermiddagar i veckan.\n", FORENING, "hålla öppet två dagar i veckan", 2, "per_week"),
    # a numbered clause
    (HEAD + "3.2 Föreningen ska ordna en sommarvecka för barn en gång per år.\n", FORENING,
     "ordna en sommarvecka för barn en gång per år", 1, "per_year"),
    # a second cue joined by 'och' keeps the subject
    (HEAD + "Föreningen ska rekrytera volontärer och ansvara för att de får handledning.\n",
     FORENING, "de får handledning", None, ""),
    # 'föreningen' with two associations: the one named last before it
    (TWO + "Kvinnojouren Tranan driver ett skyddat boende. Enligt förslaget åtar sig "
     "föreningen att tillhandahålla fem platser.\n", "tranan", "tillhandahålla fem platser", 5,
     ""),
    (TWO + "Brottsofferjouren Måsen ger stöd till brottsutsatta. Enligt förslaget åtar sig "
     "föreningen att utbilda tio stödpersoner per år.\n", "måsen",
     "utbilda tio stödpersoner per år", 10, "per_year"),
    # a word of the name stands for the party
    (NAMED + "Norrsken ska hålla öppet tre kvällar i veckan.\n", "norrsken",
     "hålla öppet tre kvällar i veckan", 3, "per_week"),
    # the memo's account of the proposal, after its decision
    (MEMO + "Förslag till beslut\n\n1. Socialnämnden godkänner överenskommelsen.\n\n"
     "Ärendet\n\nEnligt förslaget åtar sig föreningen att hålla öppet tre dagar i veckan.\n",
     FORENING, "hålla öppet tre dagar i veckan", 3, "per_week"),
    # a subject with a relative clause is still the subject
    (HEAD + "Föreningen ska driva ett boende. Kvinnor som bor i boendet ska erbjudas "
     "samtalsstöd.\n", FORENING, "erbjudas samtalsstöd", None, ""),
    # a subject with no party of its own, in the sentence after the party's duty
    (HEAD + "Föreningen ska hålla öppet varje lördag. Vid varje tillfälle ska minst två "
     "ledare finnas på plats.\n", FORENING, "minst två ledare finnas på plats", 2, ""),
]

# a municipality and a region as parties: 'regionen' is the region, 'kommunen' the municipality
BOTH = ("Överenskommelse om idéburet offentligt partnerskap\n\n1. Parter\n\n"
        "Hudiksvalls kommun, org.nr 212000-2486\n\nRegion Gävleborg, org.nr 232100-0198\n\n"
        "Föreningen Ljusglimten, org.nr 802512-3459\n\n"
        "2. Verksamhet\n\nVerksamheten riktar sig till unga vuxna.\n\n")

ROLE_WORDS = [
    (BOTH + "Regionen ska\n\n- ställa en sjuksköterska till förfogande en dag per vecka.\n",
     "region gävleborg", "ställa en sjuksköterska till förfogande", 1, "per_week"),
    (BOTH + "Kommunen ska\n\n- upplåta en lokal.\n", "hudiksvall", "upplåta en lokal", None, ""),
    (BOTH + "Enligt överenskommelsen ska regionen bjuda in till nätverksträffar.\n",
     "region gävleborg", "bjuda in till nätverksträffar", None, ""),
]

# (the action, quantity, frequency) after 'Föreningen ska '
COUNTS = [
    ("anordna träffar en gång per månad", 1, "per_month"),
    ("ha en samordnare på plats en dag per vecka", 1, "per_week"),
    ("utse en kontaktperson", None, ""),  # the article is no count
    ("ta emot sex (6) praktikanter per år", 6, "per_year"),
    ("hålla öppet vardagar kl. 9–15", None, ""),
    ("hålla öppet mellan klockan 9 och 21", None, ""),
    ("lämna en rapport senast den 31 januari varje år", None, "per_year"),
    ("hålla till på Storgatan 12 tre kvällar i veckan", 3, "per_week"),
    ("avsätta 20 procent av en tjänst för samordning", None, ""),
    ("genomföra två informationsträffar per termin", 2, "per_half_year"),
    ("erbjuda 1 200 samtal per år", 1200, "per_year"),
    ("lämna en slutrapport senast 2026-03-31", None, "once"),
    ("kalla till det årliga dialogmötet", None, "per_year"),
    ("ställa en lärare till förfogande två dagar per vecka", 2, "per_week"),
    ("bemanna jouren med en anställd och en volontär en kväll i veckan", 1, "per_week"),
]

# (text, words that no obligation's action may hold)
NOT_OBLIGATIONS = [
    # an agreement's background and purpose describe, they bind nobody
    (HEAD + "3. Bakgrund\n\nFöreningen ska enligt sina stadgar verka för gemenskap.\n\n"
     "4. Ekonomi\n\n", "verka för gemenskap"),
    (HEAD + "Syfte\n\nSyftet är att föreningen ska nå fler unga.\n", "nå fler unga"),
    # money is an amount, not an obligation
    (HEAD + "Kommunen ska bidra med 250 000 kronor per år till föreningen.\n", "250 000"),
    (HEAD + "Kommunen bidrar med tvåhundratusen kronor per år.\n", "tvåhundratusen"),
    (HEAD + "Föreningen bidrar med ideellt arbete som värderas till 40 000 kronor per år.\n",
     "ideellt arbete"),
    # paying out and paying back
    (HEAD + "Kommunen ska betala ut bidraget kvartalsvis i förskott.\n", "betala ut"),
    (HEAD + "Föreningen ska återbetala medel som inte har använts.\n", "återbetala"),
    # repayment and conditions of payment
    (HEAD + "Medel som inte har använts ska återbetalas till kommunen.\n", "återbetalas"),
    (HEAD + "Bidraget betalas ut under förutsättning att föreningen ska lämna en budget.\n",
     "lämna en budget"),
    # an aim in an agreement
    (HEAD + "Parterna vill utveckla samarbetet.\n", "utveckla samarbetet"),
    # a 'ska' in a relative clause belongs to the action, it is no duty of its own
    (HEAD + "Föreningen ska tillhandahålla lokaler som ska vara tillgängliga för rullstol.\n",
     "^vara tillgängliga"),
    # a relative clause with a subject of its own: the duty's object stands before it
    (HEAD + "Den värdegrund som parterna förväntas dela beskrivs i bilaga 2.\n", "dela"),
    # 'kommer' before a subject that is no party binds nobody
    (HEAD + "Föreningen ska hålla öppet. Med denna kunskap kommer man sedan att ge förslag "
     "på lösningar.\n", "ge förslag"),
    # a coordinated word is no action of its own
    (HEAD + "Föreningen ska ge förslag på lösningar på individ-, grupp-, och samhällsnivå.\n",
     "^samhällsnivå"),
    # 'kommer' without 'att' is no future of a duty
    (HEAD + "Parterna kommer överens om ändringar skriftligen.\n", "överens"),
    # the agreement itself and its follow-up are no party
    (HEAD + "Överenskommelsen ska följas upp en gång per år.\n", "följas upp"),
    (HEAD + "Uppsägningen ska vara skriftlig.\n", "vara skriftlig"),
    # a noun subject that is no party, in an active clause
    (HEAD + "Föreningen ska lämna en slutrapport. Slutrapporten ska innehålla statistik.\n",
     "innehålla statistik"),
    # a lead line with no list below it
    (HEAD + "Föreningen ska\n\nVerksamheten beskrivs i bilaga 1.\n", "beskrivs"),
    # a memo's decision: its points are the committee's, not the partnership's
    (MEMO + "Förslag till beslut\n\n1. Socialnämnden godkänner överenskommelsen.\n"
     "2. Förvaltningen ska återrapportera till nämnden i december.\n\nÄrendet\n\n"
     "Enligt förslaget åtar sig föreningen att hålla öppet.\n", "återrapportera"),
    ("Tjänsteskrivelse\n\nSocialnämnden beslutar att godkänna överenskommelsen med "
     "Föreningen Ljusglimten.\n", "godkänna"),
    # 'och' is no name: a subject found only by a word of a party's name must be a name
    (HEAD + "Tid och plats ska bestämmas senare.\n", "bestämmas"),
]


@pytest.mark.parametrize("text,party,action,quantity,frequency", LISTS)
def test_lists(text, party, action, quantity, frequency, tmp_path):
    rows = rows_of(text, tmp_path)
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,party,action,quantity,frequency", CUES)
def test_cues_and_subjects(text, party, action, quantity, frequency, tmp_path):
    rows = rows_of(text, tmp_path)
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,party,action,quantity,frequency", ROLE_WORDS)
def test_role_words(text, party, action, quantity, frequency, tmp_path):
    rows = rows_of(text, tmp_path)
    match = matching(rows, party, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("action,quantity,frequency", COUNTS)
def test_counts_and_frequencies(action, quantity, frequency, tmp_path):
    rows = rows_of(HEAD + f"Föreningen ska {action}.\n", tmp_path)
    match = matching(rows, FORENING, action)
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize("text,words", NOT_OBLIGATIONS)
def test_not_obligations(text, words, tmp_path):
    rows = rows_of(text, tmp_path)
    if words.startswith("^"):
        bad = [r["action"] for r in rows if r["action"].startswith(words[1:])]
    else:
        bad = [r["action"] for r in rows if words in r["action"]]
    assert not bad, bad
    assert all(len(r["action"].split()) >= 2 for r in rows), [r["action"] for r in rows]


def test_list_items_are_not_read_twice(tmp_path):
    """A lead line under a party's heading: each item is one row, not one per route."""
    rows = rows_of(HEAD + "3. Föreningens åtaganden\n\nFöreningen ska\n\n- hålla öppet,\n"
                   "- föra statistik.\n", tmp_path)
    assert sorted(r["action"] for r in rows) == ["föra statistik", "hålla öppet"]


def test_every_row_points_at_its_words(tmp_path):
    text = HEAD + "Föreningen ska\n\n- hålla caféet öppet tre dagar i veckan.\n"
    rows = rows_of(text, tmp_path)
    assert rows
    for r in rows:
        assert r["rule_id"].startswith("obligation.")
        assert r["action"] in " ".join(r["quote"].split())
