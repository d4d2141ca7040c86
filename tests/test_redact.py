"""--redact persons, as a function of tables: what is found and replaced, what stays, and
that every offset still points at its quote in the redacted page."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipeline import schemas
from pipeline.redact import check_mode, redact_tables
from pipeline.redact.redaction import personal_number
from pipeline.redact.text import Edit, OffsetMap, apply, merged

DOC, OTHER = "a" * 64, "b" * 64


def span(text: str, needle: str) -> dict:
    start = text.index(needle)
    return {"page": 1, "char_start": start, "char_end": start + len(needle), "quote": needle}


def tables_of(pages: dict[str, str], signatories: list[dict] = (), **rows) -> dict:
    """Frames of the schema tables: the given pages (one per document) and rows."""
    table_rows = {
        "documents": [{"doc_id": d, "source": f"{d[:4]}.txt", "kind": "agreement",
                       "status": "ok", "title": "Överenskommelse", "pages": 1}
                      for d in pages],
        "pages": [{"doc_id": d, "page": 1, "text": t, "ocr": False} for d, t in pages.items()],
        "signatories": list(signatories), **rows}
    return {name: schemas.frame(name, table_rows.get(name, [])) for name in schemas.TABLES}


def redacted_page(text: str, signatories: list[dict] = (), others: dict | None = None) -> str:
    out = redact_tables(tables_of({DOC: text, **(others or {})}, signatories))
    return out["pages"].set_index("doc_id").loc[DOC, "text"]


# --- phone numbers, e-mail addresses, personnummer -----------------------------------------
@pytest.mark.parametrize("phone", [
    "070-123 45 67",
    "070 123 45 67",
    "0701234567",
    "070-1234567",
    "08-123 456 78",
    "08-123 45 67",
    "021-39 10 00",
    "013-20 60 00",
    "(08) 123 45 67",
    "+46 70 123 45 67",
    "+46 (0)70-987 65 43",
    "+46701234567",
    "0046 70 123 45 67",
])
def test_a_phone_number_is_replaced(phone):
    page = redacted_page(f"Frågor: ring {phone} under kontorstid.\n")
    assert phone not in page
    assert page == "Frågor: ring [telefonnummer] under kontorstid.\n"


@pytest.mark.parametrize("text", [
    "organisationsnummer 212000-2080",
    "org.nr 802000-1239",
    "med 300 500 kr per år",
    "från och med 2023-04-01 till och med 2024-03-31",
    "Dnr SN 2024/0412",
    "Box 2037, 580 02 Linköping",
    "Bankgiro 5050-1055",
    "1 725 000:-",
    "20230401",
])
def test_what_is_no_phone_number_stays(text):
    assert redacted_page(f"{text}\n") == f"{text}\n"


@pytest.mark.parametrize("email", [
    "anna.svensson@vasteras.se",
    "info@foreningen-gemenskap.org",
    "karl-erik.af.ekstrom@kommun.se",
    "ANNA@EXAMPLE.COM",
])
def test_an_email_address_is_replaced(email):
    assert redacted_page(f"E-post: {email}.\n") == "E-post: [e-postadress].\n"


@pytest.mark.parametrize("number, personal", [
    ("811218-9876", True),  # a personnummer
    ("8112189876", True),
    ("19811218-9876", True),
    ("811278-9873", True),  # a samordningsnummer (day + 60)
    ("811218-9875", False),  # wrong check digit
    ("212000-2080", False),  # a municipality
    ("802000-1239", False),  # an association
    ("556036-0793", False),  # a company
])
def test_only_a_personnummer_is_personal(number, personal):
    assert personal_number(number) is personal
    page = redacted_page(f"Enskild firma, organisationsnummer {number}.\n")
    assert (number not in page) is personal


def test_a_sole_traders_org_number_is_emptied_and_a_legal_entitys_stays():
    text = ("Parter: Lundgrens Omsorg, org.nr 811218-9876, och Föreningen Hopp, "
            "org.nr 802000-1239.\n")
    parties = [
        {"doc_id": DOC, "name": "Lundgrens Omsorg", "org_number": "811218-9876",
         "org_number_valid": True, "sector": "private", "role": "party",
         **span(text, "811218-9876")},
        {"doc_id": DOC, "name": "Föreningen Hopp", "org_number": "802000-1239",
         "org_number_valid": True, "sector": "nonprofit", "role": "party",
         **span(text, "802000-1239")},
    ]
    out = redact_tables(tables_of({DOC: text}, parties=parties))
    rows = out["parties"]
    assert rows["org_number"].tolist()[0] is pd.NA
    assert rows["org_number"].tolist()[1] == "802000-1239"
    assert rows["quote"].tolist() == ["[personnummer]", "802000-1239"]
    assert rows["name"].tolist() == ["Lundgrens Omsorg", "Föreningen Hopp"]
    schemas.validate("parties", rows)  # still within the table's contract


# --- names -------------------------------------------------------------------------------
@pytest.mark.parametrize("line, label", [
    ("Kontaktperson: Maja Eriksdotter, tel 070-123 45 67.", "Kontaktperson 1"),
    ("Kontaktperson för föreningen är Maja Eriksdotter.", "Kontaktperson 1"),
    ("Kontaktpersoner:\nMaja Eriksdotter", "Kontaktperson 1"),
    ("Handläggare: Maja Eriksdotter", "Handläggare 1"),
    ("Beslutet skickas till:\nMaja Eriksdotter\nFöreningen Hopp", "Mottagare 1"),
    ("Namnförtydligande: Maja Eriksdotter", "Undertecknare 1"),
    ("Justerare: Maja Eriksdotter", "Justerare 1"),
    ("Maja Eriksdotter, Utvecklingsledare Social resursförvaltning", "Utvecklingsledare 1"),
    ("förvaltningschef Maja Eriksdotter har tagit fram underlaget.", "Förvaltningschef 1"),
    ("Vår referens: Maja Eriksdotter, utvecklingssekreterare", "Handläggare 1"),
    ("Vid protokollet        Maja Eriksdotter, sekreterare", "Sekreterare 1"),
    ("Tjänstepersoner: Maja Eriksdotter, ekonom (§ 102)", "Handläggare 1"),
    ("Ledamöter: Karin Nilsson (M), Maja Eriksdotter (SD)", "Ledamot 2"),
    ("Ordföranden Maja Eriksdotter (S) öppnade mötet.", "Ledamot 1"),
    ("Socialförvaltningen\n\nMaja Eriksdotter\nSocialdirektör", "Socialdirektör 1"),
    ("Kalle Ek                    Maja Eriksdotter\nSocialchef          Utvecklingsledare",
     "Utvecklingsledare 1"),
    ("Ordförande                    Justerare\n\nKalle Ek              Maja Eriksdotter",
     "Justerare 1"),
    ("....................\nMaja Eriksdotter", "Undertecknare 1"),
])
def test_a_name_after_a_cue_is_replaced_everywhere(line, label):
    text = f"{line}\n\nUnderlaget har tagits fram av Maja Eriksdotter (MAJA ERIKSDOTTER).\n"
    page = redacted_page(text)
    assert "Maja" not in page and "Eriksdotter" not in page and "ERIKSDOTTER" not in page
    assert page.count(label) == 3


def test_a_signatory_is_labelled_by_the_party_and_replaced_in_every_document():
    text = "Underskrifter\n\nFör Västerås stad\n\nAnna Lindqvist\nSocialdirektör\n"
    memo = "Ärendet har beretts av Anna Lindqvist och Anna  Lindqvists kollegor.\n"
    signatory = {"doc_id": DOC, "person": "Anna Lindqvist", "for_party": "Västerås stad",
                 "rule_id": "signatory.stacked", **span(text, "Anna Lindqvist")}
    out = redact_tables(tables_of({DOC: text, OTHER: memo}, [signatory]))
    pages = out["pages"].set_index("doc_id")["text"]
    assert pages[DOC] == ("Underskrifter\n\nFör Västerås stad\n\nUndertecknare 1 för "
                          "Västerås stad\nSocialdirektör\n")
    assert pages[OTHER] == "Ärendet har beretts av Person 1 och Person 1s kollegor.\n"
    assert out["signatories"]["person"].tolist() == ["Undertecknare 1 för Västerås stad"]


@pytest.mark.parametrize("text", [
    "Linköpings kommun och Föreningen Hopp ingår överenskommelsen.",
    "Kontaktperson: Social Resursförvaltning",
    "Kontaktpersoner är utvecklingsledare vid Linköpings Domkyrkopastorat.",
    "Beslutet skickas till:\nDiakonicentrum\nÅgatan 40",
    "Kontakt: Röda Korset Västerås",
    "Ordförande Svenska Kyrkan",
])
def test_organisations_are_no_persons(text):
    assert redacted_page(f"{text}\n") == f"{text}\n"


@pytest.mark.parametrize("text", [
    "Beslutet skickas till:\nMotala Arbetskooperativ ekonomisk förening\n",
    "Beslutet skickas till:\nHela Människan Gävle\n",
    "Expedieras till: Hela Människan Gävle, Socialnämnden\n",
])
def test_an_organisation_the_archive_names_is_no_person(text):
    """Whether a name shaped like a person's is one: its line goes on to make it an
    organisation's, or the parties table (or a signature line's party) names it."""
    parties = [{"doc_id": OTHER, "name": "Hela Människan Gävle", "sector": "nonprofit",
                "role": "party"}]
    out = redact_tables(tables_of({DOC: text, OTHER: "Avtal.\n"}, parties=parties))
    assert out["pages"].set_index("doc_id").loc[DOC, "text"] == text


def test_a_name_from_an_email_address_is_found_where_it_is_written():
    text = "Anna Tell\nUtvecklingsarbete\nanna.tell@socialresurs.goteborg.se\nAnna Tell leder."
    page = redacted_page(text)
    assert "Tell" not in page and "@" not in page


# --- offsets and quotes ------------------------------------------------------------------
def test_every_offset_points_at_its_quote_in_the_redacted_page():
    text = ("Kontaktperson: Maja Eriksdotter, tel 070-123 45 67.\n"
            "Kommunen bidrar med 200 000 kr per år till Föreningen Hopp.\n"
            "Maja Eriksdotter följer upp. Överenskommelsen gäller 2024-01-01–2024-12-31.\n")
    amount = {"doc_id": DOC, "amount_sek": 200000, "basis": "per_year", "in_kind": False,
              **span(text, "200 000 kr"), "rule_id": "amount.test"}
    period = {"doc_id": DOC, "kind": "term", "start": "2024-01-01", "end": "2024-12-31",
              **span(text, "2024-01-01–2024-12-31"), "rule_id": "period.test"}
    obligation = {"doc_id": DOC, "party": "Föreningen Hopp",
                  "action": "Maja Eriksdotter följer upp",
                  **span(text, "Maja Eriksdotter följer upp"), "rule_id": "obligation.test"}
    evidence = [{"doc_id": DOC, **span(text, "Maja Eriksdotter följer upp"),
                 "table": "obligations", "value": "Maja Eriksdotter"}]
    flag = {"code": "PLACEHOLDER", "severity": "info", "doc_id": DOC,
            "message": "Maja Eriksdotter nämns", "evidence": json.dumps(evidence),
            "rule_id": "x"}
    out = redact_tables(tables_of({DOC: text}, amounts=[amount], periods=[period],
                                  obligations=[obligation], flags=[flag]))
    page = out["pages"]["text"].iloc[0]
    for table in ("amounts", "periods", "obligations"):
        row = out[table].iloc[0]
        assert page[row["char_start"]:row["char_end"]] == row["quote"], table
    assert out["amounts"]["quote"].iloc[0] == "200 000 kr"
    assert out["obligations"]["quote"].iloc[0] == "Kontaktperson 1 följer upp"
    assert out["obligations"]["action"].iloc[0] == "Kontaktperson 1 följer upp"
    item = json.loads(out["flags"]["evidence"].iloc[0])[0]
    assert page[item["char_start"]:item["char_end"]] == item["quote"] == (
        "Kontaktperson 1 följer upp")
    assert item["value"] == "Kontaktperson 1"
    assert out["flags"]["message"].iloc[0] == "Kontaktperson 1 nämns"


@pytest.mark.parametrize("start, end, new_start, new_end", [
    (0, 4, 0, 4),  # before every edit
    (4, 9, 4, 7),  # exactly the first replaced stretch: its replacement
    (5, 7, 4, 7),  # inside it: the whole replacement
    (2, 12, 2, 10),  # across it
    (12, 16, 10, 14),  # between two edits: moved by the first
    (20, 22, 23, 25),  # after both (-2 then +5)
])
def test_offsets_move_with_the_edits(start, end, new_start, new_end):
    text = "abcdEFGHIjklmnopqrSTuvwxyz"
    edits = merged([Edit(18, 20, "1234567"), Edit(4, 9, "XYZ")])
    new = apply(text, edits)
    assert new == "abcdXYZjklmnopqr1234567uvwxyz"
    offsets = OffsetMap(edits)
    assert (offsets.start(start), offsets.end(end)) == (new_start, new_end)


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="persons"):
        check_mode("everyone")
