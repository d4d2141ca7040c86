"""Signature blocks of agreements, by layout: who signs (or leaves a line empty) for whom,
where and when. Each case is a block as a writer in any municipality would lay it out,
under a short agreement; a row with an empty person is an UNSIGNED line."""

from __future__ import annotations

import pytest

from pipeline.extract import extract
from pipeline.normalize import normalize
from pipeline.records import Page, Word
from pipeline.resolve.parties import Parties
from pipeline.resolve.signatories import _name, _title, signatory_rows

BODY = """Överenskommelse om idéburet offentligt partnerskap

1. Parter
Lerums kommun, genom socialnämnden, org.nr 212000-1462
Föreningen Grannstöd i Lerum, org.nr 802480-1121

2. Ekonomi
Socialnämnden bidrar med 200 000 kr per år till föreningen. Föreningen ska hålla
mötesplatsen öppen tre dagar i veckan och redovisa antalet besökare två gånger per år.

3. Avtalstid
Överenskommelsen gäller från och med 2025-01-01 till och med 2026-12-31.

"""


def rows(block: str, pages: list[Page] | None = None, body: str = BODY) -> list[dict]:
    pages = pages or [Page(1, body + block)]
    clean = normalize(pages)
    mentions = extract(clean.text)
    parties = Parties.build(clean.text, mentions, "agreement")
    return signatory_rows("d", clean, pages, mentions.get("date", []), parties)


def who(block: str, pages: list[Page] | None = None) -> list[tuple[str, str]]:
    return [(r["person"], r["for_party"]) for r in rows(block, pages)]


# --- stacked blocks: "För X", the name, the title ------------------------------------------
STACKED = [
    ("one signer per party",
     "Underskrifter\n\nLerum den 3 december 2024\n\nFör Lerums kommun, socialnämnden\n\n"
     "Sara Lindholm\nOrdförande\n\nFör Föreningen Grannstöd i Lerum\n\nJohan Ek\nOrdförande\n",
     [("Sara Lindholm", "Lerums kommun, socialnämnden"),
      ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("two signers for the association (ordförande and kassör)",
     "Underskrifter\n\nFör Lerums kommun\nSara Lindholm\nOrdförande, socialnämnden\n\n"
     "För Föreningen Grannstöd i Lerum\nJohan Ek\nOrdförande\n\nMaja Strand\nKassör\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum"),
      ("Maja Strand", "Föreningen Grannstöd i Lerum")]),
    ("name and title on one line after a comma",
     "§ 9 Underskrifter\n\nFör socialnämnden\nSara Lindholm, ordförande\n\n"
     "För föreningen\nJohan Ek, styrelseordförande\n",
     [("Sara Lindholm", "socialnämnden"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("the title above the name",
     "Underskrifter\n\nFör Lerums kommun\nKommundirektör\nLena Ås\n\n"
     "För Föreningen Grannstöd i Lerum\nGeneralsekreterare\nJohan Ek\n",
     [("Lena Ås", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("party lines without 'För'",
     "Underskrifter\n\nLerum den 3 december 2024\n\nSocialnämnden, Lerums kommun\n\n"
     "Sara Lindholm\nordförande\n\nFöreningen Grannstöd i Lerum\n\nJohan Ek\nordförande\n",
     [("Sara Lindholm", "Socialnämnden, Lerums kommun"),
      ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("the nämnd on the line under its municipality",
     "Underskrifter\n\nFör Lerums kommun\nSocialnämnden\n\nSara Lindholm\n\n"
     "För Föreningen Grannstöd i Lerum\n\nJohan Ek\n",
     [("Sara Lindholm", "Lerums kommun, Socialnämnden"),
      ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("signed electronically",
     "Underskrifter\n\nFör Lerums kommun, socialnämnden\n"
     "Signerat digitalt av Sara Lindholm, ordförande, 2024-12-03\n\n"
     "För Föreningen Grannstöd i Lerum\nElektroniskt signerad av Johan Ek 2024-12-05\n",
     [("Sara Lindholm", "Lerums kommun, socialnämnden"),
      ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("no heading: the last lines of the agreement",
     "Lerum 2024-12-03\n\nFör Lerums kommun\nSara Lindholm\n\n"
     "För Föreningen Grannstöd i Lerum\nJohan Ek\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", STACKED, ids=[c[0] for c in STACKED])
def test_stacked(name, block, expected):
    assert who(block) == expected


# --- two columns, as a word processor or a text file lays them out ---------------------------
COLUMNS = [
    ("runs of spaces",
     "Underskrifter\n\nFör Lerums kommun                    För Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm                        Johan Ek\nOrdförande                           "
     "Ordförande\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("tabs",
     "Underskrifter\n\nFör Lerums kommun\tFör Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm\tJohan Ek\nOrdförande\tKassör\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("three names under two parties: the positions decide",
     "Underskrifter\n\nFör Lerums kommun                       För Föreningen Grannstöd i Lerum\n"
     "\nSara Lindholm      Lena Ås             Johan Ek\n"
     "Ordförande         Förvaltningschef    Ordförande\n",
     [("Sara Lindholm", "Lerums kommun"), ("Lena Ås", "Lerums kommun"),
      ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a party's name on two lines in its column",
     "Underskrifter\n\nFör Lerums kommun              För Föreningen Grannstöd i\n"
     "                               Lerum\n\nSara Lindholm                  Johan Ek\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a table with a date column",
     "Underskrifter\n\n| Underskrift | Datum |\n|---|---|\n| För Lerums kommun | |\n"
     "| Sara Lindholm, ordförande | Lerum 2024-12-03 |\n| För Föreningen Grannstöd i Lerum | |\n"
     "| Johan Ek, ordförande | Lerum 2024-12-05 |\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("three parties: two columns, then one",
     "Underskrifter\n\nFör Lerums kommun                För Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm, ordförande        Johan Ek, ordförande\n\n\n"
     "För Stiftelsen Hemgården\n\nPer-Anders Vik, direktor\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum"),
      ("Per-Anders Vik", "Stiftelsen Hemgården")]),
]


@pytest.mark.parametrize("name,block,expected", COLUMNS, ids=[c[0] for c in COLUMNS])
def test_columns(name, block, expected):
    assert who(block) == expected


# --- two columns flattened by a PDF extractor: one space between the columns ---------------
FLATTENED = [
    ("party lines, names and titles",
     "Underskrifter\nLerum 2024-12-03\nFör Lerums kommun För Föreningen Grannstöd i Lerum\n"
     "Sara Lindholm Johan Ek\nOrdförande Kassör\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("names with titles after commas",
     "Underskrifter\nFör Lerums kommun För Föreningen Grannstöd i Lerum\n"
     "Sara Lindholm, ordförande Johan Ek, kassör\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a title-only column beside a name",
     "Underskrifter\nFör Lerums kommun För Föreningen Grannstöd i Lerum\n"
     "________________ ________________\nOrdförande Johan Ek, kassör\n",
     [("", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("hyphenated titles",
     "Underskrifter\nFör Lerums kommun För Föreningen Grannstöd i Lerum\n"
     "Lena Ås Johan Ek\nHälso- och sjukvårdsdirektör Ordförande\n",
     [("Lena Ås", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", FLATTENED, ids=[c[0] for c in FLATTENED])
def test_flattened(name, block, expected):
    assert who(block) == expected


# --- signature lines, labels and lines left empty (UNSIGNED) ---------------------------------
LINES = [
    ("'Ort och datum' and Namnförtydligande per party",
     "Underskrifter\n\nOrt och datum: Lerum 2024-12-03\n\nFör Lerums kommun\n\n"
     "_______________________\nUnderskrift\n\nNamnförtydligande: Sara Lindholm, ordförande\n\n"
     "Ort och datum: Lerum 2024-12-05\n\nFör Föreningen Grannstöd i Lerum\n\n"
     "_______________________\nUnderskrift\n\nNamnförtydligande: Johan Ek\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("dotted lines with printed names",
     "Underskrifter\n\nFör Lerums kommun\n\n.................................\nSara Lindholm\n\n"
     "För Föreningen Grannstöd i Lerum\n\n.................................\nJohan Ek\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a second line whose Namnförtydligande is empty",
     "Underskrifter\n\nFör Lerums kommun\n\n.............................\nSara Lindholm\n\n"
     "För Föreningen Grannstöd i Lerum\n\n.............................\nJohan Ek, ordförande\n\n"
     ".............................\nNamnförtydligande:\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum"),
      ("", "Föreningen Grannstöd i Lerum")]),
    ("Namnteckning and Namnförtydligande left blank: one empty line per party",
     "Underskrifter\n\nOrt och datum ____________________\n\nFör Lerums kommun\n\n"
     "______________________\nNamnteckning\n______________________\nNamnförtydligande\n\n"
     "Ort och datum ____________________\n\nFör Föreningen Grannstöd i Lerum\n\n"
     "______________________\nNamnteckning\n______________________\nNamnförtydligande\n",
     [("", "Lerums kommun"), ("", "Föreningen Grannstöd i Lerum")]),
    ("a block with only a title and no name",
     "Underskrifter\n\nFör Lerums kommun\n\n____________________\nSara Lindholm, ordförande\n\n"
     "För Föreningen Grannstöd i Lerum\n\n____________________\nOrdförande\n",
     [("Sara Lindholm", "Lerums kommun"), ("", "Föreningen Grannstöd i Lerum")]),
    ("a party with nothing under it",
     "Underskrifter\n\nFör Lerums kommun\nSara Lindholm\n\nFör Föreningen Grannstöd i Lerum\n",
     [("Sara Lindholm", "Lerums kommun"), ("", "Föreningen Grannstöd i Lerum")]),
    ("the name printed above its line",
     "Underskrifter\n\nFör Lerums kommun\n\nSara Lindholm\n____________________\nUnderskrift\n\n"
     "För Föreningen Grannstöd i Lerum\n\nJohan Ek\n____________________\nUnderskrift\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", LINES, ids=[c[0] for c in LINES])
def test_signature_lines(name, block, expected):
    assert who(block) == expected


# --- names: capitalised words, hyphens and particles; never an organisation or a title --------
NAMES = [
    ("Sara Lindholm", ("Sara Lindholm", None)),
    ("Per-Olof Åkerlund", ("Per-Olof Åkerlund", None)),
    ("Karin af Sillén", ("Karin af Sillén", None)),
    ("Olof von Essen, ordförande", ("Olof von Essen", "ordförande")),
    ("Anna-Lena Berg-Holm, kassör", ("Anna-Lena Berg-Holm", "kassör")),
    ("Maja Strand ordförande", ("Maja Strand", "ordförande")),
    ("Eva Lund (S), ordförande i socialnämnden", ("Eva Lund", "ordförande i socialnämnden")),
    # near misses: not a person
    ("Föreningen Grannstöd", None),
    ("Lerums kommun", None),
    ("Region Halland", None),
    ("Brottsofferjouren Halland", None),
    ("Ordförande", None),
    ("Hälso- och sjukvårdsdirektör", None),
    ("Lerum den 3 december 2024", None),
    ("Sida 3 av 4", None),
    ("Namnförtydligande", None),
    ("PRO Lerum", None),
    ("Sara", None),
    ("Överenskommelse IOP", None),
]


@pytest.mark.parametrize("text,expected", NAMES)
def test_name_shape(text, expected):
    assert _name(text) == expected


TITLES = [
    ("Ordförande", True), ("vice ordförande", True), ("Kretsordförande", True),
    ("Förvaltningschef", True), ("Verksamhetschef, socialförvaltningen", True),
    ("Generalsekreterare", True), ("Kommundirektör", True), ("Kyrkoherde", True),
    ("Hälso- och sjukvårdsdirektör", True), ("Kommunstyrelsens ordförande", True),
    ("Tf. socialchef", True), ("Verkställande direktör", True),
    ("Sara Lindholm", False), ("Socialnämnden", False), ("Föreningen Grannstöd", False),
    ("Lerum 2024-12-03", False),
]


@pytest.mark.parametrize("text,expected", TITLES)
def test_title_shape(text, expected):
    assert (_title(text) is not None) == expected


# --- places and dates -------------------------------------------------------------------
DATES = [
    ("one place and date for both",
     "Underskrifter\n\nLerum den 3 december 2024\n\nFör Lerums kommun\nSara Lindholm\n\n"
     "För Föreningen Grannstöd i Lerum\nJohan Ek\n",
     [("Lerum", "2024-12-03"), ("Lerum", "2024-12-03")]),
    ("a date per party above each",
     "Underskrifter\n\nLerum den 3 december 2024\nFör Lerums kommun\nSara Lindholm\n\n"
     "Göteborg den 5 december 2024\nFör Föreningen Grannstöd i Lerum\nJohan Ek\n",
     [("Lerum", "2024-12-03"), ("Göteborg", "2024-12-05")]),
    ("a date per column",
     "Underskrifter\n\nLerum 2024-12-03                Lerum 2024-12-05\n"
     "För Lerums kommun               För Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm                   Johan Ek\n",
     [("Lerum", "2024-12-03"), ("Lerum", "2024-12-05")]),
    ("two dates flattened onto one line",
     "Underskrifter\nLerum 2024-12-03 Lerum 2024-12-05\n"
     "För Lerums kommun För Föreningen Grannstöd i Lerum\nSara Lindholm Johan Ek\n",
     [("Lerum", "2024-12-03"), ("Lerum", "2024-12-05")]),
    ("a date left open",
     "Underskrifter\n\nLerum 2024-12-xx\n\nFör Lerums kommun\nSara Lindholm\n",
     [("Lerum", None)]),
    ("dates of electronic signatures",
     "Underskrifter\n\nFör Lerums kommun\nSignerat elektroniskt av Sara Lindholm, 2024-12-03\n"
     "\nFör Föreningen Grannstöd i Lerum\nSignerat elektroniskt av Johan Ek, 2024-12-05\n",
     [("", "2024-12-03"), ("", "2024-12-05")]),
]


@pytest.mark.parametrize("name,block,expected", DATES, ids=[c[0] for c in DATES])
def test_places_and_dates(name, block, expected):
    assert [(r["place"], r["date"]) for r in rows(block)] == expected


# --- what is not a signature line ---------------------------------------------------------
NOT_SIGNATURES = [
    ("a protocol's justering footer", "Justerandes sign          Utdragsbestyrkande\n\n"
     "Sida 3 av 3\n"),
    ("'För att' opens a sentence",
     "För att följa upp verksamheten träffas parterna två gånger per år.\n"),
    ("no signature block at all", "4. Uppföljning\nÖverenskommelsen följs upp årligen.\n"),
]


@pytest.mark.parametrize("name,block", NOT_SIGNATURES, ids=[c[0] for c in NOT_SIGNATURES])
def test_not_signatures(name, block):
    assert who(block) == []


PAGE_FURNITURE = [
    ("a running header inside the block",
     "Underskrifter\n\nLerums kommun                                 ÖVERENSKOMMELSE\n"
     "Socialförvaltningen                                    3 (3)\n\n"
     "För Lerums kommun                För Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm                    Johan Ek\n\n"
     "Postadress: Lerums kommun, 443 80 Lerum   Telefon: 0302-52 10 00\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("the block ends where an annex begins",
     "Underskrifter\n\nFör Lerums kommun\nSara Lindholm\n\nFör Föreningen Grannstöd i Lerum\n"
     "Johan Ek\n\nBilaga 1 Budget\n\nFör Lerums kommun\nPersonal 120 000\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", PAGE_FURNITURE,
                         ids=[c[0] for c in PAGE_FURNITURE])
def test_page_furniture(name, block, expected):
    assert who(block) == expected


# --- a PDF's text runs with their boxes give the rows the text gives ------------------------

def _pdf_page(lines: list[list[tuple[float, str]]], number: int = 1) -> Page:
    """A text-layer page: each line's runs at their x; the text joins them with a space, as
    PDFium's text does."""
    words, text = [], []
    for i, line in enumerate(lines):
        top = 100.0 + 20 * i
        for x, run in line:
            words.append(Word(run, x, top, x + 5.5 * len(run), top + 10))
        text.append(" ".join(run for _, run in line))
    return Page(number, "\n".join(text), words=words)


def test_two_column_block_from_boxes_gives_the_rows_of_text():
    body = [[(60, ln)] for ln in BODY.strip().split("\n") if ln.strip()]
    block = [[(60, "Underskrifter")], [(60, "Lerum 2024-12-03")],
             [(60, "För Lerums kommun"), (320, "För Föreningen Grannstöd i Lerum")],
             [(60, "____________________"), (320, "____________________")],
             [(60, "Sara Lindholm"), (320, "Johan Ek")],
             [(60, "Ordförande"), (320, "Ordförande")]]
    from_boxes = rows("", [_pdf_page(body + block)])
    text = ("Underskrifter\nLerum 2024-12-03\n\nFör Lerums kommun                För Föreningen "
            "Grannstöd i Lerum\n____________________             ____________________\n"
            "Sara Lindholm                    Johan Ek\nOrdförande                       "
            "Ordförande\n")
    from_text = rows(text)
    keys = ("person", "for_party", "place", "date")
    assert [tuple(r[k] for k in keys) for r in from_boxes] == \
        [tuple(r[k] for k in keys) for r in from_text] == [
            ("Sara Lindholm", "Lerums kommun", "Lerum", "2024-12-03"),
            ("Johan Ek", "Föreningen Grannstöd i Lerum", "Lerum", "2024-12-03")]


def test_boxes_place_three_names_under_two_parties():
    body = [[(60, ln)] for ln in BODY.strip().split("\n") if ln.strip()]
    block = [[(60, "Underskrifter")],
             [(60, "För Lerums kommun"), (320, "För Föreningen Grannstöd i Lerum")],
             [(60, "Sara Lindholm"), (190, "Lena Ås"), (320, "Johan Ek")]]
    assert who("", [_pdf_page(body + block)]) == [
        ("Sara Lindholm", "Lerums kommun"), ("Lena Ås", "Lerums kommun"),
        ("Johan Ek", "Föreningen Grannstöd i Lerum")]


def test_provenance_points_at_the_name_in_the_page():
    block = "Underskrifter\n\nFör Lerums kommun\n\nSara Lindholm, ordförande\n"
    page = Page(1, BODY + block)
    row = rows("", [page])[0]
    assert page.text[row["char_start"]:row["char_end"]] == "Sara Lindholm" == row["quote"]
    assert row["rule_id"].startswith("signatory.")


MORE_LAYOUTS = [
    ("the party under the names",
     "Underskrifter\n\n____________________          ____________________\n"
     "Sara Lindholm                 Johan Ek\n"
     "Lerums kommun                 Föreningen Grannstöd i Lerum\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("'För X' under the names",
     "Underskrifter\n\n____________________          ____________________\n"
     "Sara Lindholm                 Johan Ek\n"
     "För Lerums kommun             För Föreningen Grannstöd i Lerum\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("the org number after the party",
     "Underskrifter\n\nFör Föreningen Grannstöd i Lerum, org.nr 802480-1121\nJohan Ek\n",
     [("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a 'Namn:' and 'Befattning:' form",
     "Underskrifter\n\nFör Lerums kommun\nUnderskrift: ____________________\n"
     "Namn: Sara Lindholm\nBefattning: Ordförande\n\nFör Föreningen Grannstöd i Lerum\n"
     "Underskrift: ____________________\nNamn: ____________________\n"
     "Befattning: ____________________\n",
     [("Sara Lindholm", "Lerums kommun"), ("", "Föreningen Grannstöd i Lerum")]),
    ("signed by, without 'digitalt'",
     "Underskrifter\n\nFör Lerums kommun\nSignerat av: Sara Lindholm 2024-12-03\n",
     [("Sara Lindholm", "Lerums kommun")]),
]


@pytest.mark.parametrize("name,block,expected", MORE_LAYOUTS, ids=[c[0] for c in MORE_LAYOUTS])
def test_more_layouts(name, block, expected):
    assert who(block) == expected


MORE_DATES = [
    ("a date under each signer",
     "Underskrifter\n\nFör Lerums kommun\nSara Lindholm\nLerum 2024-12-03\n\n\n"
     "För Föreningen Grannstöd i Lerum\nJohan Ek\nGöteborg 2024-12-05\n",
     [("Lerum", "2024-12-03"), ("Göteborg", "2024-12-05")]),
    ("place and date on lines of their own",
     "Underskrifter\n\nOrt: Lerum\nDatum: 2024-12-03\n\nFör Lerums kommun\nSara Lindholm\n",
     [("Lerum", "2024-12-03")]),
]


@pytest.mark.parametrize("name,block,expected", MORE_DATES, ids=[c[0] for c in MORE_DATES])
def test_more_dates(name, block, expected):
    assert [(r["place"], r["date"]) for r in rows(block)] == expected


NEAR_MISSES = [
    ("lists of duties under 'För X' at the end, no signature block",
     "4. Åtaganden\nFör föreningen:\n- hålla öppet tre dagar i veckan\n- redovisa antal "
     "besökare\nFör kommunen:\n- betala bidraget i förskott\n", []),
    ("contact persons after the block are not signatories",
     "Underskrifter\n\nFör Lerums kommun\nSara Lindholm\n\nFör Föreningen Grannstöd i Lerum\n"
     "Johan Ek\n\nKontaktpersoner\nLisa Holm\nOlle Berg\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("the name after a colon on the signer line",
     "Underskrifter\n\nFör Lerums kommun: Sara Lindholm\nFör Föreningen Grannstöd i Lerum: "
     "Johan Ek\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", NEAR_MISSES, ids=[c[0] for c in NEAR_MISSES])
def test_near_misses(name, block, expected):
    assert who(block) == expected


LABELLED = [
    ("the name typed on the line, the label under it",
     "Underskrifter\n\nFör Lerums kommun                    För Föreningen Grannstöd i Lerum\n\n"
     "Sara Lindholm                        Johan Ek\n"
     "______________________               ______________________\n"
     "Namnförtydligande                    Namnförtydligande\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
    ("a unit under a municipality written in capitals",
     "Underskrifter\n\nLERUMS KOMMUN                      STIFTELSEN HEMGÅRDEN\n"
     "Socialnämnden\n\n_____________________              _____________________\n"
     "Sara Lindholm                      Johan Ek\n",
     [("Sara Lindholm", "LERUMS KOMMUN, Socialnämnden"), ("Johan Ek", "STIFTELSEN HEMGÅRDEN")]),
    ("e-signatures naming their party in brackets",
     "Underskrifter\n\nÖverenskommelsen har signerats digitalt.\n\n"
     "Signerad av: Sara Lindholm (Lerums kommun) 2024-12-03\n"
     "Signerad av: Johan Ek (Föreningen Grannstöd i Lerum) 2024-12-05\n",
     [("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Föreningen Grannstöd i Lerum")]),
]


@pytest.mark.parametrize("name,block,expected", LABELLED, ids=[c[0] for c in LABELLED])
def test_labelled(name, block, expected):
    assert who(block) == expected


def test_a_party_named_like_a_person_is_read_as_the_party():
    """'Bryggan Lerum' has the shape of a name; the document names it as a party."""
    body = BODY.replace("Föreningen Grannstöd i Lerum, org.nr", "Bryggan Lerum, org.nr")
    block = ("Underskrifter\n\nLerums kommun\n\nSara Lindholm\nOrdförande\n\n"
             "Bryggan Lerum\n\nJohan Ek\nOrdförande\n")
    assert [(r["person"], r["for_party"]) for r in rows(block, body=body)] == [
        ("Sara Lindholm", "Lerums kommun"), ("Johan Ek", "Bryggan Lerum")]


def _ocr_page(lines: list[list[tuple[float, str]]], number: int = 1) -> Page:
    """An OCR page: runs carry their offset in the page's text (one space between runs)."""
    words, text, at = [], [], 0
    for i, line in enumerate(lines):
        top, parts = 100.0 + 20 * i, []
        for x, run in line:
            words.append(Word(run, x, top, x + 5.5 * len(run), top + 10, conf=95.0,
                              char_start=at + sum(len(p) + 1 for p in parts)))
            parts.append(run)
        joined = " ".join(parts)
        text.append(joined)
        at += len(joined) + 1
    return Page(number, "\n".join(text), ocr=True, words=words)


def test_scanned_columns_that_drift_are_read_by_their_order():
    """A scan's right column drifts left on some lines: one cell per party on a line is
    read by its order, and a name's second line goes to the party cut short."""
    body = [[(60, ln)] for ln in BODY.strip().split("\n") if ln.strip()]
    block = [[(60, "Underskrifter")],
             [(60, "Lerum 2024-12-03"), (290, "Lerum 2024-12-05")],
             [(60, "För Lerums kommun"), (330, "För Föreningen Grannstöd i")],
             [(60, "Lerum")],
             [(60, "Sara Lindholm"), (240, "Johan Ek")],
             [(60, "Ordförande"), (280, "Kassör")]]
    assert [(r["person"], r["for_party"], r["date"])
            for r in rows("", [_ocr_page(body + block)])] == [
        ("Sara Lindholm", "Lerums kommun", "2024-12-03"),
        ("Johan Ek", "Föreningen Grannstöd i Lerum", "2024-12-05")]


def test_a_heading_joined_to_the_page_header_still_opens_the_block():
    block = ("Lerums kommun Dnr SN 2024/118 9 Underskrifter\n\nLerum 2024-12-03\n"
             "För Lerums kommun\nSara Lindholm\n")
    assert [(r["person"], r["place"], r["date"]) for r in rows(block)] == [
        ("Sara Lindholm", "Lerum", "2024-12-03")]
