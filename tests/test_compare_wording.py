"""The wording diff: layout is not a change; every real edit is reported once, by section."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.compare.render import redline
from pipeline.compare.wording import is_heading, wording_diff
from pipeline.ingest import read_document
from pipeline.normalize import normalize
from pipeline.records import Page
from tests.conftest import RENDERING_PAIRS, SEEDS


def clean(text: str) -> str:
    """What compare sees: the normalized text of a one-page document."""
    return normalize([Page(1, text)]).text


def diff(old: str, new: str):
    return wording_diff(clean(old), clean(new))


def clean_file(path) -> str:
    return normalize(read_document(path, path.name).pages).text


BASE = """Bakgrund

Kommunen och föreningen har samverkat sedan 2017. Verksamheten riktar sig till barn.

Ekonomi

Kommunen betalar 300 500 kr för perioden. Föreningen bidrar med 160 000 kr per år.

Uppföljning

Uppföljning sker två gånger per år. Föreningen lämnar en skriftlig rapport varje höst.
"""


# (old text, new text): the same words laid out differently. No change may be reported.
LAYOUT = [
    ("Kommunen betalar bidraget för perioden.",
     "Kommunen betalar\nbidraget för\nperioden."),  # wrapped lines
    ("Om asyl- och integrationsprocessen.", "Om asyl- och integrations-\nprocessen."),
    ("Social- och omsorgsnämnden ansvarar.", "Social-\noch omsorgsnämnden ansvarar."),
    ("Gäller 2023-04-01 till och med 2024-03-31.",
     "Gäller 2023-04-01 till och med 2024-\n03-31."),  # a date broken at its hyphen
    ("Barn 7-20 år deltar.", "Barn 7-\n20 år deltar."),
    ("Barn 7-20 år deltar.", "Barn 7–20 år deltar."),  # en dash typed by Word
    ("Två   mellanslag  här.", "Två mellanslag här."),
    ("Bidraget är 150 000 kr.", "Bidraget är 150\u00a0000 kr."),  # no-break space
    ('Programmen "Barn i Väntan" och "Barn i Start".',
     "Programmen ”Barn i Väntan” och ”Barn i Start”."),  # quote style
    ("Punkter:\n\n- Lagstiftning kring målgruppen\n- Värdegrund",
     "Punkter:\n\n● Lagstiftning kring målgruppen\n● Värdegrund"),  # bullet style
    ("Punkter:\n\n• Lagstiftning kring målgruppen", "Punkter:\n\nLagstiftning kring målgruppen"),
    ("Föreningen i Malmö.", "Föreningen i Malmo\u0308."),  # decomposed ö from a PDF
    ("Kommunen finansierar verksamheten.", "Kommunen ﬁnansierar verksamheten."),  # ligature
    ("Stycke ett.\n\nStycke två.", "Stycke ett.\nStycke två."),  # paragraph spacing
]


@pytest.mark.parametrize("old,new", LAYOUT)
def test_layout_is_not_a_change(old, new):
    result = diff(old, new)
    assert result.changes == [], [(c.old_text, c.new_text) for c in result.changes]


# (old, new, expected changes as (kind, old_text, new_text, section))
PLANTED = [
    (BASE, BASE.replace("300 500 kr", "350 500 kr"),
     [("replace", "300 500", "350 500", "Ekonomi")]),
    (BASE, BASE.replace("160 000 kr", "1 160 000 kr"),
     [("replace", "160 000", "1 160 000", "Ekonomi")]),
    (BASE, BASE.replace("barn.", "barn och unga."),
     [("insert", "", "och unga", "Bakgrund")]),
    (BASE, BASE.replace(" Föreningen bidrar med 160 000 kr per år.", ""),
     [("delete", "Föreningen bidrar med 160 000 kr per år", "", "Ekonomi")]),
    (BASE, BASE.replace("per år. Föreningen lämnar",
                        "per år. Protokoll förs vid varje möte. Föreningen lämnar"),
     [("insert", "", "Protokoll förs vid varje möte", "Uppföljning")]),
    (BASE, BASE.replace("två gånger", "fyra gånger"),
     [("replace", "två", "fyra", "Uppföljning")]),
    (BASE, BASE.replace("Kommunen och föreningen", "Regionen och stiftelsen"),
     [("replace", "Kommunen och föreningen", "Regionen och stiftelsen", "Bakgrund")]),
    (BASE, BASE.replace("Ekonomi\n", "Ekonomi och ersättning\n"),
     [("insert", "", "och ersättning", "Ekonomi och ersättning")]),
    (BASE, "Överenskommelse om samverkan\n\n" + BASE,
     [("insert", "", "Överenskommelse om samverkan", "Överenskommelse om samverkan")]),
]


# A rewritten phrase that keeps a lone word is one change; across a paragraph it is not.
JOINED = [
    ("Kommunen betalar och föreningen bidrar.", "Regionen finansierar och stiftelsen stödjer.",
     [("replace", "Kommunen betalar och föreningen bidrar",
       "Regionen finansierar och stiftelsen stödjer", "")]),
    ("Betalar.\n\nEkonomi\n\nBetalar.", "Bidrar.\n\nEkonomi\n\nBidrar.",
     [("replace", "Betalar", "Bidrar", ""), ("replace", "Betalar", "Bidrar", "Ekonomi")]),
]


@pytest.mark.parametrize("old,new,expected", PLANTED + JOINED)
def test_planted_change_is_reported_once(old, new, expected):
    result = diff(old, new)
    got = [(c.kind, c.old_text, c.new_text, c.section) for c in result.changes]
    assert got == expected


def test_removed_title_block_is_one_change_before_the_first_heading():
    old = "Överenskommelse\n\nOm samverkan\n\nMellan A och B\n\n" + BASE
    result = diff(old, BASE)
    assert [(c.kind, c.section) for c in result.changes] == [("delete", "")]
    assert result.changes[0].old_text.split("\n\n") == [
        "Överenskommelse", "Om samverkan", "Mellan A och B"]


MOVED = """Bakgrund

Första stycket handlar om bakgrunden till partnerskapet och dess historia.

Andra stycket beskriver hur parterna ska samverka kring målgruppen i staden.

Ekonomi

Tredje stycket säger vad kommunen betalar.
"""


def test_moved_paragraph_is_one_move_not_a_delete_and_an_insert():
    paragraph = "Andra stycket beskriver hur parterna ska samverka kring målgruppen i staden."
    new = MOVED.replace(paragraph + "\n\n", "") + "\n" + paragraph + "\n"
    result = diff(MOVED, new)
    assert [(c.kind, c.new_text, c.from_section, c.section) for c in result.changes] == [
        ("move", paragraph.rstrip("."), "Bakgrund", "Ekonomi")]
    tags = [op.tag for op in result.ops]
    assert tags.count("moved_from") == 1 and tags.count("change") == 1


def test_moved_paragraph_with_a_small_edit_is_still_a_move():
    paragraph = ("Andra stycket beskriver hur parterna ska samverka kring målgruppen i staden "
                 "och hur de följer upp arbetet tillsammans varje år.")
    old = MOVED.replace("Andra stycket beskriver hur parterna ska samverka kring målgruppen i "
                        "staden.", paragraph)
    edited = paragraph.replace("varje år", "varje halvår")
    new = old.replace(paragraph + "\n\n", "") + "\n" + edited + "\n"
    result = diff(old, new)
    assert [c.kind for c in result.changes] == ["move"]


def test_short_repeated_phrase_elsewhere_is_not_a_move():
    old = "Bakgrund\n\nParterna ska samverka. Kommunen betalar.\n"
    new = "Bakgrund\n\nKommunen betalar. Parterna ska samverka.\n"
    result = diff(old, new)
    assert "move" not in [c.kind for c in result.changes]
    assert result.changes  # a reordering of short sentences is still a change


# Headings: the one rule, one case per line.
HEADINGS = [
    ("Bakgrund", True),
    ("Bakgrund till överenskommelsen", True),
    ("Gemensamt ansvar:", True),
    ("3. Ekonomi", True),
    ("3.2 Ersättning och betalning", True),
    ("§ 4 Parter", True),
    ("Målsättning, syfte och målgrupp", True),
    ("Överenskommelsen utgår från:", False),  # a lead-in sentence, not a heading
    ("Överenskommelsen gäller ett år.", False),
    ("- Lagstiftning kring målgruppen", False),
    ("• Lagstiftning kring målgruppen", False),
    ("och deras föräldrar", False),
    ("12 500", False),
    ("", False),
    ("Partnerskapet syftar till att ge psykosocialt stöd för att stärka nyanlända barn "
     "och unga i sin identitet", False),  # too long
]


@pytest.mark.parametrize("line,expected", HEADINGS)
def test_heading_rule(line, expected):
    assert is_heading(line) is expected


SIGNED = "Ekonomi\n\nKommunen betalar.\n\nUnderskrifter\n\n"


# Signature blocks: the same words in another order is no change; another name is.
SIGNATURES = [
    ("För A-nämnden För B-föreningen\n\nAnna Andersson Bo Berg",
     "För A-nämnden\nAnna Andersson\n\nFör B-föreningen\nBo Berg", []),
    ("För A-nämnden För B-föreningen\n____ ____\nAnna Andersson Bo Berg",
     "För A-nämnden\n\nB-föreningen\n\nAnna Andersson\n\nFör\n\nBo Berg", []),
    ("För A-nämnden\nAnna Andersson\n\nFör B-föreningen\nBo Berg",
     "För A-nämnden\nAnna Andersson\n\nFör B-föreningen\nBo Ek",
     [("signatures", ["Berg"], ["Ek"])]),
]


@pytest.mark.parametrize("old,new,expected", SIGNATURES)
def test_signature_block_is_compared_as_words(old, new, expected):
    result = diff(SIGNED + old, SIGNED + new)
    got = [(c.kind, c.removed_words, c.added_words) for c in result.changes]
    assert got == expected
    for change in result.changes:
        assert change.section == "Underskrifter"


def test_headings_inside_the_signature_block_do_not_open_sections():
    result = diff(SIGNED + "För A-nämnden\n\nAnna Andersson", SIGNED + "För A-nämnden\n\nAnna Ek")
    assert result.new.headings == ["Ekonomi", "Underskrifter"]


def test_an_appendix_after_the_signatures_is_compared_in_order_again():
    old = SIGNED + "För A\n\nAnna\n\nBilaga 1\n\nTabell över grupper och platser."
    new = SIGNED + "För A\n\nAnna\n\nBilaga 1\n\nTabell över platser och grupper."
    result = diff(old, new)
    assert result.new.headings[-1] == "Bilaga 1"
    assert [c.section for c in result.changes] == ["Bilaga 1"]


def test_a_sentence_in_the_signature_block_stays_in_it():
    copies = ("Överenskommelsen har upprättats i två likalydande exemplar varav parterna "
              "tagit var sitt.\n\n")
    old = SIGNED + copies + "För A-nämnden För B-föreningen\n\nAnna Andersson Bo Berg"
    new = SIGNED + copies + "För A-nämnden\nAnna Andersson\n\nFör B-föreningen\nBo Berg"
    assert diff(old, new).changes == []


def test_running_text_after_the_signatures_is_compared_in_order():
    """A file that goes on after its signature block (two documents in one PDF)."""
    rest = ("Bakgrund\n\nKommunen och föreningen har samverkat sedan 2017 kring barn och "
            "unga i staden.\n\nVerksamheten riktar sig till barn och unga i åldern 7-20 år "
            "och deras föräldrar.")
    old = SIGNED + "För A-nämnden För B\n\nAnna Bo\n\n" + rest
    new = SIGNED + "För A-nämnden\nAnna\n\nFör B\nBo\n\n" + rest.replace("2017", "2018")
    result = diff(old, new)
    assert [(c.kind, c.old_text, c.new_text, c.section) for c in result.changes] == [
        ("replace", "2017", "2018", "Bakgrund")]


def test_context_is_taken_from_the_same_paragraph():
    result = diff(BASE, BASE.replace("300 500 kr", "350 500 kr"))
    change = result.changes[0]
    assert change.before == "Kommunen betalar "
    assert change.after.startswith(" kr för perioden")
    assert "\n" not in change.before + change.after


# --- the seeds and their renderings --------------------------------------------------------


def test_seed_000_vs_001_two_word_changes_and_the_title_block(shared):
    """001 is 000 taken from a PDF: wrapped lines, hyphenation, a two-column signature block."""
    result = wording_diff(clean_file(SEEDS / "000_d3bc919bb2a10656.txt"),
                          clean_file(SEEDS / "001_088b6c7d61ba9907.txt"))
    got = [(c.kind, c.old_text, c.new_text, c.section) for c in result.changes]
    assert got == [
        ("delete", "Idéburet Offentligt Partnerskap avseende\n\nBarn i Väntan/Barn i Start "
                   "(BIV/BIS)\n\nLinköpings kommun och Linköpings Domkyrkopastorat", "", ""),
        ("replace", "inget", "inger", "Barn i Väntan/Barn i Start (BIV/BIS)"),
        ("replace", "gruppleddare", "gruppledare", "Ekonomi"),
    ]
    inget, gruppleddare = result.changes[1], result.changes[2]
    assert inget.after == " framtidshopp"
    assert gruppleddare.before.endswith("utbildningsplatserna för ")


@pytest.mark.parametrize("old,new", RENDERING_PAIRS, ids=lambda p: p.name)
def test_renderings_of_one_document_have_the_same_wording(old, new, shared):
    result = wording_diff(clean_file(old), clean_file(new))
    assert result.changes == [], [(c.old_text, c.new_text) for c in result.changes]


# Numbers are shown whole, however few of their digit groups changed.
NUMBERS = [
    ("Bidraget är 1 500 000 kr.", "Bidraget är 1 600 000 kr.", ("1 500 000", "1 600 000")),
    ("Bidraget är 1 500 000 kr.", "Bidraget är 1 500 001 kr.", ("1 500 000", "1 500 001")),
    ("Bidraget är 500 000 kr.", "Bidraget är 1 500 000 kr.", ("500 000", "1 500 000")),
    ("Bidraget är 12 500 kr.", "Bidraget är 12 000 kr.", ("12 500", "12 000")),
    ("Gäller 2023-04-01 till 2024-03-31.", "Gäller 2023-04-01 till 2025-03-31.",
     ("2024-03-31", "2025-03-31")),
    ("Minst 6 grupper per år, 300 000 kr.", "Minst 8 grupper per år, 300 000 kr.",
     ("6", "8")),  # a count is not glued to a later amount
]


@pytest.mark.parametrize("old,new,expected", NUMBERS)
def test_changed_numbers_are_shown_whole(old, new, expected):
    assert [(c.old_text, c.new_text) for c in diff(old, new).changes] == [expected]


words = st.lists(st.sampled_from(["och", "att", "kommunen", "betalar", "300", "500", "kr",
                                  "Ekonomi", "föreningen", "per", "år", "i", "Linköping"]),
                 max_size=40)


@settings(max_examples=200, deadline=None)
@given(words, words)
def test_ops_cover_both_texts_in_order(old_words, new_words):
    """Whatever the edit, the ops walk both token sequences exactly once, in order."""
    result = wording_diff(" ".join(old_words), " ".join(new_words))
    old_seen: list[str] = []
    new_seen: list[str] = []
    for op in result.ops:
        i1, i2 = op.old_range
        j1, j2 = op.new_range
        if op.tag == "equal":
            assert [t.norm for t in result.old.tokens[i1:i2]] == \
                [t.norm for t in result.new.tokens[j1:j2]]
        old_seen += [t.norm for t in result.old.tokens[i1:i2]]
        if op.tag != "moved_from":
            new_seen += [t.norm for t in result.new.tokens[j1:j2]]
    assert old_seen == old_words
    assert new_seen == new_words
    assert result.equal == (old_words == new_words)


# Degenerate texts: nothing to compare, only punctuation, only a signature heading.
EDGES = [
    ("", "", []),
    ("...", "– – –", []),
    ("", "Bakgrund\n\nNy text.", [("insert", "", "Bakgrund\n\nNy text")]),
    ("Bakgrund\n\nGammal text.", "", [("delete", "Bakgrund\n\nGammal text", "")]),
    ("Underskrifter", "Underskrifter", []),
    ("Underskrifter\n\nAnna", "Underskrifter", [("signatures", "Anna", "")]),
]


@pytest.mark.parametrize("old,new,expected", EDGES)
def test_degenerate_texts(old, new, expected):
    result = diff(old, new)
    assert [(c.kind, c.old_text, c.new_text) for c in result.changes] == expected
    assert redline(result) is not None  # renders without error
