"""Is it the same organisation? Names are written differently in a memo and an agreement:
"Linköpings domkyrkopastorat" vs "Svenska kyrkan, Linköpings Domkyrkopastorat",
"Domkyrkopastoratet", "Social- och omsorgsnämnden i Linköpings kommun".

Two names are the same organisation when the words of one (stemmed, filler dropped) are all
among the words of the other. The municipal side has many names for one party (kommunen,
nämnden, förvaltningen), so checks compare public parties as one side ("public").
"""

from __future__ import annotations

from functools import cache

from pipeline.extract.organisations import normalized, sector
from pipeline.lang import table

PUBLIC = "public"


@cache
def _data() -> tuple[frozenset[str], tuple[str, ...], int]:
    data = table("checks")
    endings = tuple(sorted(data["stem_endings"], key=len, reverse=True))
    return frozenset(data["name_filler"]), endings, int(data["stem_min_length"])


@cache
def stem(word: str) -> str:
    """One stem for the forms of a word: 'stadsmissionen' and 'stadsmission' give
    'stadsmissio', 'domkyrkopastoratet' and 'domkyrkopastorat' give 'domkyrkopastorat'."""
    _, endings, min_length = _data()
    stripped = True
    while stripped:
        stripped = False
        for ending in endings:
            if word.endswith(ending) and len(word) - len(ending) >= min_length:
                word, stripped = word[: -len(ending)], True
                break
    return word


@cache
def words(name: str) -> frozenset[str]:
    filler, _, _ = _data()
    return frozenset(stem(w) for w in normalized(name).split() if w not in filler)


@cache
def head(name: str) -> str:
    """The organisation word a name ends in ('domkyrkopastorat'): a blocking key."""
    filler, _, _ = _data()
    tokens = [w for w in normalized(name).split() if w not in filler]
    return stem(tokens[-1]) if tokens else ""


def same_organisation(a: str, b: str) -> bool:
    wa, wb = words(a), words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


@cache
def side(name: str) -> str:
    """'public' for the municipal side, else the organisation's head word."""
    if not name:
        return ""
    return PUBLIC if sector(name) == "public" else head(name)
