"""Lists in the clean text: each item knows the line that introduces it. One case per line."""

from __future__ import annotations

import pytest

from pipeline.extract.sentences import Lists

# (text, an item's text, its lead line or None)
LEADS = [
    ("Föreningen åtar sig att\n- hålla öppet\n- anordna måltider", "- anordna måltider",
     "Föreningen åtar sig att"),
    ("Kommunen ska:\n• upplåta lokal\n• utse kontaktperson", "• upplåta lokal", "Kommunen ska:"),
    ("Parterna åtar sig att\n1. träffas\n2. följa upp", "2. följa upp", "Parterna åtar sig att"),
    ("Föreningen åtar sig att\na) hålla öppet", "a) hålla öppet", "Föreningen åtar sig att"),
    # a blank line ends the list and its lead
    ("Föreningen åtar sig att\n- hålla öppet\n\n- ett annat stycke", "- ett annat stycke", None),
    # a second lead starts a second list
    ("A åtar sig att\n- x1\nB åtar sig att\n- y1", "- y1", "B åtar sig att"),
    # a list at the top of the text has no lead
    ("- fritt stående punkt\nText", "- fritt stående punkt", None),
]


@pytest.mark.parametrize("text,item,lead", LEADS)
def test_lead_of(text, item, lead):
    found = Lists(text).lead_of(text.index(item))
    assert (text[found[0]:found[1]] if found else None) == lead


def test_a_line_that_is_no_item_has_no_lead():
    text = "Föreningen åtar sig att\n- hålla öppet\nSlut."
    assert Lists(text).lead_of(text.index("Slut")) is None


def test_items_after_a_lead():
    text = "Föreningen åtar sig att\n- hålla öppet,\n- anordna måltider.\nKommunen ska\n- betala"
    lists = Lists(text)
    items = lists.items_after(text.index("\n"))
    assert [text[s:e] for s, e in items] == ["- hålla öppet,", "- anordna måltider."]
    assert lists.items_after(text.index("Kommunen ska") + len("Kommunen ska")) == \
        [(text.index("- betala"), len(text))]


def test_a_list_of_thousands_of_items():
    text = "Föreningen åtar sig att\n" + "\n".join(f"- uppgift {i}" for i in range(20_000))
    lists = Lists(text)
    assert len(lists.items_after(text.index("\n"))) == 20_000
