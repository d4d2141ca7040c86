"""Normalize: layout undone, offsets kept. One case per line, grouped by phenomenon."""

from __future__ import annotations

import pytest

from pipeline.normalize import normalize
from pipeline.records import Page


def clean(*pages: str) -> str:
    return normalize([Page(i + 1, t) for i, t in enumerate(pages)]).text


# (source text, a fragment the clean text must contain)
JOINS = [
    # hyphenated line breaks
    ("om asyl- och integrations- \nprocessen", "integrationsprocessen"),
    ("om asyl- och integrations-\nprocessen", "integrationsprocessen"),
    ("Social- \noch omsorgsnämnden", "Social- och omsorgsnämnden"),
    ("Kultur- \neller fritidsnämnden", "Kultur- eller fritidsnämnden"),
    ("BIV/BIS-\ngrupperna", "BIV/BIS-grupperna"),
    # dates and ranges broken at a hyphen
    ("till och med 2024-\n03-31. Om", "2024-03-31"),
    ("i åldern 7-\n20 år", "7-20 år"),
    # wrapped lines inside a sentence
    ("finansieras med 300 500 \nkr för perioden", "300 500 kr för perioden"),
    ("organisationsnummer \n212000-0449 (offentlig sektor)", "organisationsnummer 212000-0449"),
    # runs of spaces and odd spaces
    ("ideburna sektorn.  Idéburet", "sektorn. Idéburet"),
    ("150\u00a0000\u202fkr", "150 000 kr"),
    ("över\u00adenskommelse", "överenskommelse"),
    ("zero\u200bwidth", "zerowidth"),
]

KEPT_APART = [
    # a heading stays on its own line
    ("Ekonomi\nÖverenskommelsen finansieras av nämnden med 100 kr per år och mer text här.",
     "Ekonomi\nÖverenskommelsen"),
    # a list item starts its own line
    ("utgår från:\n● Linköpings kommuns överenskommelse", "utgår från:\n● Linköpings"),
    # paragraphs stay paragraphs
    ("Första stycket slutar här.\n\nAndra stycket.", "här.\n\nAndra"),
    # a '1 § Parter' heading is no run-on of the line before it
    ("Mötesplats för äldre i Ersboda\n\n1 § Parter\nUmeå kommun", "Ersboda\n\n1 § Parter"),
    # a party line with its org number ends there, however wide it is
    ("Umeå kommun, äldrenämnden, Org. nr: 212000-2627 (nedan kallad kommunen)\n"
     "Föreningen Gemenskap i Ersboda, Org. nr: 802477-1118 (nedan kallad föreningen)\n"
     "Partnerskapet syftar till att minska ofrivillig ensamhet bland äldre i Ersboda.",
     "kommunen)\nFöreningen Gemenskap"),
]

# a table's rows (tab-separated cells) stay rows
TABLE_ROWS = [
    ("Finansiär\tBelopp per år\nKommunen\t100 000 kr", "per år\nKommunen"),
    ("År\tBidrag\n2024\t450 000 kr\n2025\t475 000 kr", "450 000 kr\n2025"),
]

# (source text, a fragment the clean text must contain): a party line that carries on
PARTY_LINE_RUNS_ON = [
    ("Parterna är Umeå kommun, org.nr 212000-2627, och\nFöreningen Gemenskap i Ersboda.",
     "och Föreningen Gemenskap"),
    ("Överenskommelsen är upprättad mellan Umeå kommun, org.nr 212000-2627,\n"
     "Föreningen Gemenskap i Ersboda.", "2627, Föreningen"),
]


@pytest.mark.parametrize("source,fragment",
                         JOINS + KEPT_APART + TABLE_ROWS + PARTY_LINE_RUNS_ON)
def test_normalize(source, fragment):
    assert fragment in clean(source)


def test_page_headers_and_footers_are_removed():
    topics = {1: "bakgrunden", 2: "ekonomin", 3: "uppföljningen"}
    pages = [f"Linköpings kommun · Social- och omsorgsförvaltningen\nDen här sidan handlar om "
             f"{topics[n]}.\n"
             + "\n".join(f"Brödtext om {topics[n]}, rad {w}." for w in "abcdefghij")
             + f"\nSista raden om {topics[n]}.\nSida {n} av 3" for n in (1, 2, 3)]
    text = clean(*pages)
    assert "omsorgsförvaltningen" not in text
    assert "Sida" not in text
    assert "Den här sidan handlar om uppföljningen." in text
    assert "Sista raden om ekonomin." in text


def test_a_sentence_runs_on_across_a_page_break():
    text = clean("Vid uppföljning ska deltagarnas", "återkoppling följas.")
    assert "deltagarnas återkoppling" in text


def test_offsets_point_into_the_right_page():
    result = normalize([Page(1, "Första sidan.\n"), Page(2, "Andra sidan har 300 500 \nkr här.")])
    start = result.text.index("300 500 kr")
    p = result.locate(start, start + len("300 500 kr"))
    assert p.page == 2
    assert "Andra sidan har 300 500 \nkr här."[p.char_start : p.char_end] == "300 500 \nkr"


def test_a_numbered_list_item_is_not_a_run_on():
    text = clean("Förslag till nämndens beslut\n\n1. Nuvarande partnerskap förlängs.")
    assert "beslut\n\n1. Nuvarande" in text  # not 'beslut 1. Nuvarande'
