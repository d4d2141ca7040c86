"""Text-layer quality: the character counts behind is_garbled() and text_layer_problem(),
counted in C, must be exactly the counts of str.isspace/isalnum/isalpha, one character
at a time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest.ocr import MIN_LETTERS, _has_letters, text_layer_problem
from pipeline.ingest.quality import is_garbled, visible_chars, word_char_ratio

# Letters, digits, other numerals (Ⅷ ² ½ 五 ٣ are numeric, some also letters), spaces of
# every kind, controls, the underscore, (cid:..) runs and mojibake.
ALPHABET = list("aåÅ1 \n\t\f\r\x00\x01\x0b\x1f\x7f_ⅧⅫ²½五٣\u00a0\u2028\u3000.,-Ã¶\ufffd\ue000\x85")
ALPHABET += ["(cid:12)", "Överenskommelsen ", "kr "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=200))
def test_counts_are_those_of_one_character_at_a_time(pieces: list[str]) -> None:
    text = "".join(pieces)
    visible = [c for c in text if not c.isspace()]
    assert visible_chars(text) == len(visible)
    assert word_char_ratio(text) == (
        sum(c.isalnum() for c in visible) / len(visible) if visible else 1.0)
    letters = sum(c.isalpha() for c in text)
    assert _has_letters(text, MIN_LETTERS) == (letters >= MIN_LETTERS)
    assert _has_letters(text, 1) == (letters >= 1)


# (text, garbled)
GARBLED = [
    ("x\n" * 60, True),  # one glyph per line
    ("x\n" * 40, False),  # too few lines to tell
    ("Föreningen ska\n" * 60, False),
    ("\x01\x02 text med kontrolltecken \x03\x04", True),
    ("Överenskommelse om idéburet offentligt partnerskap", False),
    ("ⅧⅫ ²½ 五٣ Ⅷ Ⅻ ² ½ 五 ٣ ⅧⅫ", False),  # numerals count as word characters
]


@pytest.mark.parametrize(("text", "garbled"), GARBLED)
def test_is_garbled(text: str, garbled: bool) -> None:
    assert is_garbled(text) is garbled


# Roman numerals are numeric but not letters: 45 of them are not 40 letters.
def test_numerals_are_not_letters() -> None:
    assert text_layer_problem("Ⅷ" * 45) == "sparse"
    assert text_layer_problem("Ⅷ" * 45 + "a" * 40) == ""
