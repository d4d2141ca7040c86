"""Who the parties are, as memos, agreements and registers name them: nämnder written as
coordinated compounds, a memo's decision line, partners introduced in running text, a
register's rows; and what is only mentioned. One case per line, grouped by phenomenon;
organisations are invented."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract.organisations import sector
from pipeline.extract.parties import PartyRecognizer
from tests.helpers import facts_of_text


@cache
def _recognizer() -> PartyRecognizer:
    return PartyRecognizer()


def parties_of(text: str) -> set[str]:
    return {m.value for m in _recognizer().match(text) if m.attrs["role"] == "party"}


def roles_of(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _recognizer().match(text):
        if out.get(m.value) != "party":
            out[m.value] = m.attrs["role"]
    return out


# -- a memo's deciding nämnd ---------------------------------------------------------------
# (text, the nämnd named as a party)
DECIDERS = [
    ("Förslag till beslut\n1. Kultur- och fritidsnämnden godkänner förslaget till "
     "överenskommelse.\n", "Kultur- och fritidsnämnden"),
    ("Förslag till beslut\nVård- och omsorgsnämnden beslutar att ingå överenskommelse.\n",
     "Vård- och omsorgsnämnden"),
    ("Förslag till beslut\nSocialnämnden föreslås besluta att godkänna överenskommelsen.\n",
     "Socialnämnden"),
    ("Förslag till beslut\n2) Utbildningsnämnden ingår en överenskommelse om IOP.\n",
     "Utbildningsnämnden"),
    ("Förslag till beslut\nArbetsmarknadsnämnden tecknar överenskommelse med föreningen.\n",
     "Arbetsmarknadsnämnden"),
]


@pytest.mark.parametrize("text,name", DECIDERS)
def test_deciding_nämnd_is_a_party(text, name):
    assert name in parties_of(text)


def test_an_office_that_proposes_is_not_the_nämnd():
    text = ("Förslag till beslut\nKulturförvaltningen föreslår att nämnden ingår en "
            "överenskommelse.\n")
    assert not any("förvaltningen" in p.lower() for p in parties_of(text))


# -- partners named in running text --------------------------------------------------------
# (sentence, the parties it names)
RUNNING_TEXT = [
    ("Nämnden godkänner förslaget till överenskommelse om idéburet offentligt partnerskap "
     "mellan kulturnämnden, fritids- och idrottsnämnden och Föreningen Norrsken för åren "
     "2025–2027.", {"Kulturnämnden", "Fritids- och idrottsnämnden", "Föreningen Norrsken"}),
    ("Förslaget gäller ett partnerskap mellan socialnämnden, Region Halland och Stiftelsen "
     "Ljusglimten om en hälsomottagning.", {"Socialnämnden", "Region Halland",
                                             "Stiftelsen Ljusglimten"}),
    ("Nämnden föreslås ingå överenskommelse om idéburet offentligt partnerskap med Nya Vägar "
     "Luleå för perioden 2025-01-01 -- 2026-12-31.", {"Nya Vägar Luleå"}),
    ("1. ingå överenskommelse om idéburet offentligt partnerskap med Nattvandrarjouren Kalmar "
     "enligt bilaga 1, att gälla tills vidare,", {"Nattvandrarjouren Kalmar"}),
    ("Den nuvarande överenskommelsen mellan socialnämnden och Stiftelsen Ljusglimten löper ut "
     "den 30 juni 2025.", {"Socialnämnden", "Stiftelsen Ljusglimten"}),
]


@pytest.mark.parametrize("sentence,names", RUNNING_TEXT)
def test_parties_in_running_text(sentence, names):
    assert names <= parties_of(sentence)
    # nothing of the sentence after the names is taken for a name
    assert all(len(p.split()) <= 5 for p in parties_of(sentence))


# -- a region or municipality said to be a party -------------------------------------------
# (sentence, party or None)
BY_VERB = [
    ("Förslaget innebär att Region Jämtland Härjedalen för första gången är part och bidrar "
     "till verksamheten.", "Region Jämtland"),
    ("Förteckningen redovisar de överenskommelser som Region Halland har ingått.",
     "Region Halland"),
    ("Verksamheten samverkar med Region Kalmars beroendemottagning, som inte är part i "
     "överenskommelsen.", None),
    ("Region Halland är inte part i överenskommelsen.", None),
]


@pytest.mark.parametrize("sentence,party", BY_VERB)
def test_party_by_verb(sentence, party):
    found = {p for p in parties_of(sentence) if p.startswith("Region")}
    assert found == ({party} if party else set())


# -- the Parter section --------------------------------------------------------------------
PARTER = ("1. Parter\n\nOffentlig part\nOmsorgsnämnden i Växjö kommun, org.nr 212000-0000\n\n"
          "Idéburna parter\nFöreningen Norrsken, org.nr 802000-0000\n"
          "Stiftelsen Ljusglimten, org.nr 802000-0001\n\n"
          "Kontaktperson hos nämnden: Anna Ek, utvecklingsledare.\n\n"
          "Parterna kallas nedan gemensamt för parterna.\n\n2. Bakgrund\n\n"
          "Föreningen har sedan länge bedrivit verksamhet i kommunen.\n")


def test_parter_section_with_sector_labels():
    found = {m.value: m.attrs["sector_hint"] for m in _recognizer().match(PARTER)
             if m.attrs["role"] == "party"}
    assert found == {"Omsorgsnämnden i Växjö kommun": "public",
                     "Föreningen Norrsken": "nonprofit", "Stiftelsen Ljusglimten": "nonprofit"}


# (Parter section, the parties it names)
PARTY_LINES = [
    ("Parter\n\nKarlstads kommun, kulturnämnden, org.nr 212000-0000, nedan kallad kommunen.\n\n"
     "Tjejjouren i Karlstad, ideell förening, org.nr 802000-0000, nedan kallad föreningen.\n\n"
     "2. Bakgrund\n", {"Karlstads kommun, kulturnämnden", "Tjejjouren i Karlstad"}),
    ("Parter\n\nKalmar kommun, genom socialnämnden, nedan kallad kommunen.\n\n"
     "Föreningen Norrsken, org.nr 802000-0000, nedan kallad föreningen.\n\n2. Bakgrund\n",
     {"Föreningen Norrsken"}),
    ("Denna överenskommelse har ingåtts mellan\n\nHalmstads kommun, socialnämnden, "
     "organisationsnummer 212000-0000, och\n\nStiftelsen Ljusglimten, organisationsnummer "
     "802000-0000, nedan kallad stiftelsen.\n\n§ 2 Bakgrund\n",
     {"Halmstads kommun, socialnämnden", "Stiftelsen Ljusglimten"}),
    # an org number with a space and no label after the name: a number, not a party
    ("AVTALSPARTER\n\nMora kommun, fritidsnämnden (nedan Nämnden)\n"
     "Föreningen Gläntan i Dalarnas län, 802000 0000 (nedan Gläntan)\n\nBAKGRUND\n",
     {"Mora kommun, fritidsnämnden", "Föreningen Gläntan i Dalarnas län"}),
    # the short name on a line of its own under the name: no party
    ("Avtalsparter\n\nBodens kommun, fritidsnämnden\nOrganisationsnummer: 212000-0000\n"
     "Nedan kallad Kommunen\n\nFöreningen Gläntan\nOrganisationsnummer: 802000-0000\n"
     "(härefter benämnd Föreningen)\n\nBakgrund\n",
     {"Bodens kommun, fritidsnämnden", "Föreningen Gläntan"}),
    # a sentence after the party lines is no party
    ("Parter\nLuleå kommun, socialnämnden, org.nr 212000-0000\n"
     "Föreningen Norrsken, org.nr 802000-0000\n\n"
     "Det åligger föreningen att redovisa hur medlen använts.\n",
     {"Luleå kommun, socialnämnden", "Föreningen Norrsken"}),
]


@pytest.mark.parametrize("text,names", PARTY_LINES)
def test_party_lines(text, names):
    assert names <= parties_of(text)
    assert not any("åligger" in p or "ideell förening" in p or p[:1].isdigit() or
                   p.lower().startswith(("nedan", "(härefter"))
                   for p in parties_of(text))


@pytest.mark.parametrize("heading", ["2. Bakgrund", "BAKGRUND", "§ 2 Syfte och mål"])
def test_the_next_heading_ends_the_parter_section(heading):
    text = (f"Parter\n\nFöreningen Norrsken, org.nr 802000-0000\n\n{heading}\n\n"
            "Verksamheten har funnits länge.\n")
    assert parties_of(text) == {"Föreningen Norrsken"}


# a PDF's text: no blank line between the party lines and the next heading
@pytest.mark.parametrize("heading", ["Bakgrund", "Syfte och mål", "Föreningens åtaganden",
                                     "Målgrupp"])
def test_a_plain_heading_right_after_the_party_lines_ends_them(heading):
    text = ("Parter\nKalmar kommun, socialnämnden, org.nr 212000-0000, nedan kallad nämnden.\n"
            f"Föreningen Norrsken, org.nr 802000-0000, nedan kallad föreningen.\n{heading}\n"
            "Verksamheten har funnits länge.\n")
    assert parties_of(text) == {"Kalmar kommun, socialnämnden", "Föreningen Norrsken"}


# -- a register of agreements --------------------------------------------------------------
REGISTER = ("| Nr | Idéburen organisation | Org.nr | Ansvarig nämnd | Belopp |\n"
            "|---|---|---|---|---|\n"
            "| 1 | Föreningen Norrsken | 802000-0000 | Kulturnämnden | 100 000 kr |\n"
            "| 2 | RFSU Halmstad | 894000-0000 | Socialnämnden | 200 000 kr |\n")


def test_an_org_number_label_in_a_table_is_no_party():
    text = "Organisation\tFöreningen Norrsken\nOrg.nr\t802000-0000\n"
    assert "Org.nr" not in parties_of(text)


def test_register_rows_name_their_organisations():
    assert {"Föreningen Norrsken", "RFSU Halmstad"} <= parties_of(REGISTER)
    assert "Kulturnämnden" not in parties_of(REGISTER)


# -- mentioned, not parties ----------------------------------------------------------------
def test_a_short_form_of_a_party_is_that_party():
    text = ("Parter\nKvinno- och tjejjouren i Luleå, org.nr 802000-0000\n\n"
            "Bakgrund\nKvinno- och tjejjouren har funnits sedan 1985.\n")
    roles = roles_of(text)
    assert roles.get("Kvinno- och tjejjouren i Luleå") == "party"
    assert "Kvinno- och tjejjouren" not in roles


@pytest.mark.parametrize("name", ["Polisen", "Försäkringsverket", "Socialstyrelsen"])
def test_authorities_in_passing_are_mentioned(name):
    text = (f"Förslag till beslut\nSocialnämnden beslutar att ingå IOP med Föreningen "
            f"Norrsken.\n\nÄrendet\nFöreningen samverkar med {name} och med skolorna.\n")
    assert name not in parties_of(text)


# -- sector of a name ----------------------------------------------------------------------
SECTORS = [
    ("Region Halland", "public"),
    ("Västra Götalandsregionen", "public"),
    ("Halmstads kommun", "public"),
    ("Göteborgs Stad", "public"),
    ("Hälso- och sjukvårdsnämnden i Region Halland", "public"),
    ("Fontänhuset Karlstad", "unknown"),  # a town ending in -stad is no stad
    ("Klubbhuset Halmstad", "unknown"),
    ("Bris region Syd", "unknown"),  # a region of an association is no region
    ("Brottsofferjouren Kalmar", "nonprofit"),
    ("Kvinno- och tjejjouren i Luleå", "nonprofit"),
]


@pytest.mark.parametrize("name,expected", SECTORS)
def test_sector_of_a_name(name, expected):
    assert sector(name) == expected


def test_a_party_whose_words_tell_no_sector_is_nonprofit(tmp_path):
    text = ("Tjänsteskrivelse\n\nFörslag till beslut\nSocialnämnden beslutar att ingå "
            "överenskommelse om idéburet offentligt partnerskap med Fontänhuset Karlstad.\n")
    _, tables = facts_of_text(text, tmp_path)
    rows = {r["name"]: r["sector"] for r in tables["parties"] if r["role"] == "party"}
    assert rows.get("Fontänhuset Karlstad") == "nonprofit"
    assert rows.get("Socialnämnden") == "public"
