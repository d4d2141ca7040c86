"""The regex prefilter: the prefixes it reads from a pattern, and that its matches are
exactly re's, one case per line, grouped by phenomenon."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import nlp
from pipeline.extract.prefilter import MIN_TEXT, Prefiltered, Prefixes, folded, prefixes
from tests.conftest import SEEDS, SHARED

IC = re.IGNORECASE

# (pattern, flags, the literals a match starts with, or a digit, looked for lower-cased)
PREFIXES = [
    # literals after a lookbehind, ignoring case: lower-cased
    (r"(?<![\wåäö])(?:ska|skall|måste)\s+", IC, ["måste", "ska", "skall"], False, True),
    (r"\bdenna\s+avtal\b|\bdetta\s+avtal\b", IC, ["denna", "detta"], False, True),
    (r"(?i:ab)C", 0, ["abc"], False, True),
    # case-sensitive: looked for as written, in the text itself
    (r"Ab|c", 0, ["Ab", "c"], False, False),
    (r"\[(?:namn|ort)\]", 0, ["[namn]", "[ort]"], False, False),
    # digits: any digit, or the literal digits written (cut where a digit class stands)
    (r"(?<![\d,.])\d{1,3}(?: \d{3})*", IC, [], True, True),
    (r"(?<!\d)(?:19|20)\d{2}", IC, ["19", "20"], False, True),
    (r"(?<![\d-])\d{6}-\d{4}", 0, [], True, False),
    # an optional part: a match may start with it or with what follows
    (r"(?:den\s+)?\d+", IC, ["den"], True, True),
    (r"[0-3]?\d/\d", 0, [], True, False),
    # a class of a few letters is a set of literals; repeats extend a prefix
    (r"[xX]{2,}\s?kr", 0, ["XX", "Xx", "xX", "xx"], False, False),
    (r"(?:ab){2,3}c", 0, ["abab"], False, False),  # after 2 or 3 repeats: unknown
    # capitals, case-sensitive, are few in a text (29 x 29 two-letter prefixes are too many)
    (r"[A-ZÅÄÖ][a-zåäö]+s kommun", 0, list("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÅÖ"), False, False),
    # prefixes are cut at six characters
    (r"organisationsnummer", IC, ["organi"], False, True),
]

NO_PREFIX = [
    (r"(?m)^\s*Parter\s*$", IC),  # starts with any amount of space
    (r"[A-ZÅÄÖ][a-zåäö]+s kommun", IC),  # 29 letters either case: nearly every letter
    (r"\w+", 0),
    (r"x?", 0),  # may match the empty string
    (r"(?:ıd|x)", IC),  # re folds ı with i: lower-casing cannot stand in for it
    (r"µg", IC),  # re folds µ with μ
]


@pytest.mark.parametrize(("source", "flags", "literals", "digit", "fold"), PREFIXES)
def test_prefixes(source: str, flags: int, literals: list[str], digit: bool, fold: bool) -> None:
    assert prefixes(re.compile(source, flags)) == Prefixes(tuple(literals), digit, fold)


@pytest.mark.parametrize(("source", "flags"), NO_PREFIX)
def test_no_prefix(source: str, flags: int) -> None:
    assert prefixes(re.compile(source, flags)) is None


PAD = "Överenskommelsen gäller mellan parterna. " * (MIN_TEXT // 40 + 1)

# (pattern, text): Prefiltered finds exactly what re finds
SAME_MATCHES = [
    # a candidate whose lookbehind fails is skipped, the next one is found
    (r"(?<![\wåäö])ska\s+", PAD + "Uppskattas. Föreningen ska ordna. SKA också"),
    # matches next to each other, and a match inside a failed candidate's span
    (r"(?<!\d)\d{1,3}(?: \d{3})* kr", PAD + "1 000 kr2 000 kr 12 345 678 kr 9"),
    # upper case, Swedish letters, and characters whose case re folds its own way
    (r"(?<![\wåäö])(?:måste|skall)\b", PAD + "MÅSTE Skall måste"),
    (r"(?<![\w])sida\b", PAD + "ſida sida SIDA"),  # long s: re matches it, the fold cannot
    (r"(?<![\w])kid\b", PAD + "kıd KİD kid"),  # dotless ı and dotted İ
    (r"(?<![\w])kelvin\b", PAD + "\u212aelvin Kelvin"),  # the Kelvin sign folds to k
    (r"(?<![\w])σας\b", PAD + "ΣΑΣ σας"),  # final sigma
    # prefixes opening with a letter and with a digit, found in turn
    (r"(?<![\w])(?:den\s+)?\d{1,2}\s+mars", PAD + "den 31 mars, 1 mars och den  2 mars 10 mars"),
    # the text is shorter than MIN_TEXT: the plain regex runs
    (r"(?<![\wåäö])ska\s+", "Föreningen ska ordna"),
]


@pytest.mark.parametrize(("source", "text"), SAME_MATCHES)
def test_same_matches_as_re(source: str, text: str) -> None:
    regex = re.compile(source, IC)
    spans = [m.span() for m in regex.finditer(text)]
    assert spans  # every case has something to find
    assert [m.span() for m in Prefiltered(regex).finditer(text)] == spans
    assert [m.span() for m in Prefiltered(regex).finditer(text, 5, len(text) - 3)] == \
        [m.span() for m in regex.finditer(text, 5, len(text) - 3)]
    first = Prefiltered(regex).search(text)
    assert first is not None and first.span() == spans[0]


# (text, can the lower-cased text stand in for re's case folding?)
FOLDS = [
    ("Föreningen ÅTAR sig", True),
    ("Straße", True),
    ("\u212a", True),  # Kelvin sign -> k
    ("kıd", False),
    ("İstanbul", False),  # lower() gives two characters
    ("ſ", False),
]


@pytest.mark.parametrize(("text", "usable"), FOLDS)
def test_folded(text: str, usable: bool) -> None:
    result = folded(text)
    assert (result is not None) == usable
    if usable:
        assert result == text.lower() and len(result) == len(text)


def _extractor_patterns() -> list[tuple[str, re.Pattern]]:
    found = []
    for name, component in nlp().pipeline:
        for pattern in getattr(component, "patterns", []):
            found.append((f"{name}:{pattern.id}", pattern.regex))
    return found


PATTERNS = _extractor_patterns()
ALPHABET = list("aAsSkKiIıİſΣσςµ åäöÅÄÖé0123456789-.,:/()\n xX") + [
    "ska ", "SKALL ", "måste ", "org.nr ", "organisationsnummer ", "2023-04-01", "1/7 2021",
    " kr", " tkr", " mnkr", ":-", "1 725 000", "31 mars 2024", "Klicka här för att ange text.",
    "[namn]", "ansvarar för ", "bidrar med ", "802000-1234", "verksamhetsåret 2020",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), min_size=50, max_size=400))
def test_extractor_patterns_find_what_re_finds(pieces: list[str]) -> None:
    text = "".join(pieces)
    for _, regex in PATTERNS:
        assert [m.span() for m in Prefiltered(regex).finditer(text)] == \
            [m.span() for m in regex.finditer(text)]


def test_extractor_patterns_on_the_seeds_and_hostile_texts(shared) -> None:
    texts = _texts()
    assert len(texts) > 5
    prefiltered = 0
    for _, regex in PATTERNS:
        scan = Prefiltered(regex)
        prefiltered += scan.prefiltered
        for text in texts:
            assert [(m.span(), m.groups()) for m in scan.finditer(text)] == \
                [(m.span(), m.groups()) for m in regex.finditer(text)]
    assert prefiltered >= len(PATTERNS) - 2  # the prefilter is in use, not bypassed


def _texts() -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(SEEDS.glob("*.txt"))
            + sorted((SHARED / "corpus" / "hostile-texts").glob("*.txt"))]


def test_period_kinds_skipped_only_where_no_cue_can_be(shared) -> None:
    """The periods recognizer tries a sentence's cue lists only where their prefixes are;
    every sentence gets the kind the full search gives."""
    from pipeline.extract.periods import PeriodRecognizer
    from pipeline.extract.sentences import sentences

    recognizer = PeriodRecognizer()
    kinds = 0
    for text in _texts() + ["Avtalet gäller\n" + PAD + "Uppsägning sker. Utbetalning sker."]:
        spans = sentences(text)
        possible = recognizer._possible_kinds(text, spans)
        for (s, e), row in zip(spans, possible, strict=True):
            expected = recognizer.kind_of(text[s:e])
            assert recognizer.kind_of(text[s:e], row) == expected
            kinds += expected is not None
    assert kinds > 20


MENTION_PIECES = ["Röda ", "Korsets ", "förening", "Föreningen", "föreningen", "FÖRENINGEN",
                  " ", "\n", "-", "_", "s ", "Stadsmissionen", "stadsmission", "x", "1",
                  "Linköpings ", "Domkyrkopastorat", "pastoratet", ",", "Nämnden", "barnen"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(MENTION_PIECES), min_size=5, max_size=80))
def test_organisation_mentions_tried_only_around_endings(pieces: list[str]) -> None:
    """Parties try the mention pattern only at the word (or the word before) that holds
    an ending: the same matches as the pattern's finditer."""
    from pipeline.extract.parties import PartyRecognizer

    recognizer = PartyRecognizer()
    text = PAD + "".join(pieces)
    assert [m.span() for m in recognizer._mention_matches(text)] == \
        [m.span() for m in recognizer._res["mention"].finditer(text)]


# Regexes written so that re can skip ahead (the boundary checked after the first letter)
ALIAS_PIECES = ["Linköpings ", "kommun", "kommunen", "Stad", "stad", " ", "\n", "föreningen",
                "s", "x", "_", "å", "Å", "ab", "a", "1 2", "x.y", ".", "Ös ", "-", "Region ",
                "Östergötland", "Umeå "]
ALIASES = ("linköpings kommun", "kommunen", "kommun", "föreningen", "föreningens", "a", "ab",
           "1 2", "x.y")


@given(st.lists(st.sampled_from(ALIAS_PIECES), max_size=60))
def test_party_regexes_find_what_their_plain_forms_find(pieces: list[str]) -> None:
    from pipeline.resolve.parties import _alias_regex, _municipality_re

    text = "".join(pieces)
    plain_alias = re.compile(
        r"(?<![\wåäö])(?:" + "|".join(map(re.escape, ALIASES)) + r")(?![\wåäö])")
    low = text.lower()
    assert [m.span() for m in _alias_regex(ALIASES).finditer(low)] == \
        [m.span() for m in plain_alias.finditer(low)]
    town = _municipality_re()
    assert town.prefiltered
    long_text = PAD + text  # long enough for the prefilter
    assert [(m.span(), m.groups()) for m in town.finditer(long_text)] == \
        [(m.span(), m.groups()) for m in town.regex.finditer(long_text)]
