"""The whitespace tokenizer: tokens and their trailing spaces, one case per line."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import WhitespaceTokenizer, nlp

TOKENIZER = WhitespaceTokenizer(nlp().vocab)


def tokens(text: str) -> list[tuple[str, bool]]:
    return [(t.text, bool(t.whitespace_)) for t in TOKENIZER(text)]


# (text, [(token, followed by one space)])
CASES = [
    # one space after a word is the word's trailing space
    ("Kommunen ska", [("Kommunen", True), ("ska", False)]),
    ("300 500 kr.", [("300", True), ("500", True), ("kr.", False)]),
    # more whitespace: the first space trails the word, the rest is a token
    ("a  b", [("a", True), (" ", False), ("b", False)]),
    ("a \nb", [("a", True), ("\n", False), ("b", False)]),
    # a line break or tab right after a word is a token of its own
    ("a\nb", [("a", False), ("\n", False), ("b", False)]),
    ("a\n b", [("a", False), ("\n ", False), ("b", False)]),
    ("a\tb", [("a", False), ("\t", False), ("b", False)]),
    # whitespace at the start and end
    (" a", [(" ", False), ("a", False)]),
    ("a ", [("a", True)]),
    ("a  ", [("a", True), (" ", False)]),
    ("", []),
    # other spaces are whitespace tokens, not trailing spaces
    ("a\u00a0b", [("a", False), ("\u00a0", False), ("b", False)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_tokens(text: str, expected: list[tuple[str, bool]]) -> None:
    assert tokens(text) == expected


def _one_chunk_at_a_time(text: str) -> list[tuple[str, bool]]:
    """The tokenizer's rule written chunk by chunk (its former implementation)."""
    words: list[str] = []
    spaces: list[bool] = []
    for m in re.finditer(r"\S+|\s+", text):
        chunk = m.group(0)
        after_word = words and not spaces[-1] and not words[-1].isspace()
        if chunk == " " and after_word:
            spaces[-1] = True
        elif chunk[0] == " " and after_word:
            spaces[-1] = True
            words.append(chunk[1:])
            spaces.append(False)
        else:
            words.append(chunk)
            spaces.append(False)
    return list(zip(words, spaces, strict=True))


@given(st.lists(st.sampled_from(["ord", "1", " ", "  ", "\n", "\t", " \n", "\u00a0", "\u2028",
                                 "x ", "."]), max_size=40))
def test_same_tokens_as_chunk_by_chunk(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert tokens(text) == _one_chunk_at_a_time(text)
    assert TOKENIZER(text).text == text
