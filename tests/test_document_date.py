"""documents.date: the day a memo or protocol is dated, told apart from the other dates it
names by where the date stands. One case per line, grouped by phenomenon; each text is a
small memo in another municipality's conventions."""

from __future__ import annotations

import pytest

from tests.helpers import facts_of_text

BODY = ("Förslag till beslut\n"
        "Socialnämnden beslutar att ingå IOP med Föreningen Läxhjälpen under perioden "
        "2021-07-01 – 2022-06-30.\n\n"
        "Ärendet\nFöreningen har sedan 2019 bedrivit läxhjälp i stadsdelen.\n")

# (phenomenon, text before the body, text after the body, expected date, expected cue)
CASES = [
    # a running header on page 1
    ("header", "Norrköpings kommun · Tjänsteskrivelse 2021-03-04\n\n", "",
     "2021-03-04", "document_date.header"),
    ("header, date first", "2021-03-04  Tjänsteutlåtande  Dnr SN 2021/12\n\n", "",
     "2021-03-04", "document_date.header"),
    # a label
    ("label with colon", "Tjänsteskrivelse\nSocialförvaltningen\nDatum: 2021-03-04\n\n", "",
     "2021-03-04", "document_date.label"),
    ("label, columns after", "Tjänsteskrivelse\nSocialförvaltningen\n"
     "Datum 2021-03-04   Diarienummer SN 2021/12\n\n", "", "2021-03-04", "document_date.label"),
    ("label above the date", "Tjänsteskrivelse\nSocialförvaltningen\nDatum\n2021-03-04\n\n", "",
     "2021-03-04", "document_date.label"),
    ("label, date in words", "Tjänsteskrivelse\nSocialförvaltningen\nDatum: 4 mars 2021\n\n", "",
     "2021-03-04", "document_date.label"),
    ("protocol meeting day", "Protokollsutdrag\nSocialnämnden\n"
     "Sammanträdesdatum 2021-05-20\n\n", "", "2021-05-20", "document_date.label"),
    ("label in a column of a header table",
     "Tjänsteskrivelse\nSocialförvaltningen     Datum 2021-03-04\n\n", "",
     "2021-03-04", "document_date.label"),
    # the memo's own line, e.g. its entry among the decision documents
    ("own entry under Beslutsunderlag", "Tjänsteskrivelse\n\n",
     "\nBeslutsunderlag\nTjänsteskrivelse – Läxhjälp i stadsdelen, 2021-03-04\n"
     "Överenskommelse daterad 2021-02-01\n", "2021-03-04", "document_date.kind_line"),
    ("own entry, bullet", "Tjänsteskrivelse\n\n",
     "\nBeslutsunderlag\n- Tjänsteskrivelse 2021-03-04\n- Förslag till överenskommelse\n",
     "2021-03-04", "document_date.kind_line"),
    ("name above the date", "TJÄNSTESKRIVELSE\n2021-03-04\nDnr SN 2021/12\n\n", "",
     "2021-03-04", "document_date.kind_line"),
]

# (phenomenon, text before the body, text after the body): no date is the memo's own
NO_DATE = [
    ("only the period", "Tjänsteskrivelse\n\n", ""),
    ("a month, not a day", "Tjänsteskrivelse\nDatum: mars 2021\n\n", ""),
    ("a placeholder", "Tjänsteskrivelse\nDatum: 2021-03-xx\n\n", ""),
    ("another document's date", "Tjänsteskrivelse\n\n",
     "\nBeslutsunderlag\nÖverenskommelse daterad 2021-02-01\n"),
    ("a label in running text", "Tjänsteskrivelse\n\n",
     "\nUppföljning sker senast det datum 2022-03-01 som nämnden beslutar.\n"),
]


@pytest.mark.parametrize("phenomenon,before,after,expected,cue", CASES,
                         ids=[c[0] for c in CASES])
def test_memo_date(phenomenon, before, after, expected, cue, tmp_path):
    text = before + BODY + after
    row, _ = facts_of_text(text, tmp_path)
    assert row["kind"] == "memo"
    assert (row["date"], row["date_rule_id"]) == (expected, cue)
    # provenance reads back to the quote in the source (a text file is one page)
    assert row["date_page"] == 1
    assert text[row["date_char_start"]:row["date_char_end"]] == row["date_quote"]


@pytest.mark.parametrize("phenomenon,before,after", NO_DATE, ids=[c[0] for c in NO_DATE])
def test_no_memo_date(phenomenon, before, after, tmp_path):
    row, _ = facts_of_text(before + BODY + after, tmp_path)
    assert row["kind"] == "memo"
    assert row["date"] is None and row["date_quote"] is None


def test_an_agreement_is_not_dated_by_the_memo_it_names(tmp_path):
    text = ("Överenskommelse om idéburet offentligt partnerskap\n\n"
            "§ 1 Parter\nSocialnämnden i Norrköpings kommun, org.nr 212000-0449\n"
            "Föreningen Läxhjälpen, org.nr 802479-8996\n\n"
            "§ 2 Bakgrund\nTjänsteskrivelse 2021-03-04 ligger till grund för överenskommelsen.\n\n"
            "§ 3 Giltighet\nÖverenskommelsen gäller fr.o.m. 2021-07-01 t.o.m. 2022-06-30.\n")
    row, _ = facts_of_text(text, tmp_path)
    assert row["kind"] == "agreement"
    assert row["date"] is None
