"""Who is who: one notion of an organisation's identity for the whole pipeline.

A document writes one organisation in many ways: "Svenska kyrkan, Linköpings
Domkyrkopastorat", "Linköpings domkyrkopastorat", "domkyrkopastoratet";
"Stadsmissionen i Västerås" and "Västerås Stadsmission"; "Social- och omsorgsnämnden i
Linköpings kommun" and "Social- och omsorgsnämnden". Resolve (party rows, who pays whom),
the checks (memo against agreement, links) and compare all ask this module, so a flag and
a table cannot disagree on who is who.

- `normalized(name)`: lower case, no punctuation ('Social- och' = 'social och').
- `party_key(name)`: the join key within a document (prefix, place and definite form
  folded), used to merge a document's mentions into parties.
- `words(name)` / `same_organisation(a, b)`: across documents, the stemmed words of one
  name are all among the other's; the same valid org number is the same organisation.
- `sector(name, org_number)`: public / nonprofit / private / unknown.
- `side(name)`: 'public' for the municipal side (kommun, region, nämnd, förvaltning), else
  the organisation's head word.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.lang import table

PUBLIC = "public"

_PUNCTUATION = re.compile(r"[^\wåäöéü ]")
_SPACES = re.compile(r"\s+")
_TOKENS = re.compile(r"[\wåäöÅÄÖ().]+")


@cache
def normalized(name: str) -> str:
    """A join key: lower case, no punctuation, 'Social- och' = 'social och'."""
    key = name.lower().replace("-", " ")
    key = _PUNCTUATION.sub(" ", key)
    return _SPACES.sub(" ", key).strip()


# --- sector --------------------------------------------------------------------------------

@cache
def _sector_words() -> list[tuple[str, tuple[str, ...], re.Pattern | None, frozenset[str]]]:
    data = table("organisations")["sector"]
    out = []
    for label in ("public", "nonprofit", "private"):
        first = frozenset(data[label].get("first_word_only", []))
        words = sorted((w for w in data[label]["words"] if w not in first), key=len,
                       reverse=True)
        regex = re.compile(r"(?<![\wåäö])(?:" + "|".join(map(re.escape, words))
                           + r")(?![\wåäö])") if words else None
        whole = set(data[label].get("whole_word_only", []))
        endings = tuple(e for e in data[label]["endings"] if e not in whole)
        out.append((label, endings, regex, first))
    return out


def _ends(token: str, endings: tuple[str, ...], first_only: frozenset[str], i: int) -> bool:
    """A token ends in one of the endings; a first-word-only word ('region') counts as
    the first token or the end of a compound ('götalandsregionen') only."""
    for e in endings:
        if token.endswith(e):
            base = e[:-2] if e.endswith("en") and e[:-2] in first_only else e
            if base in first_only and token in (base, base + "en") and i > 0:
                continue
            return True
    return False


@cache
def sector(name: str, org_number: str = "") -> str:
    """The sector an organisation's words tell (public, nonprofit, private), else its org
    number's legal form, else 'unknown'."""
    tokens = _TOKENS.findall(name.lower())
    text = " ".join(tokens)
    for label, endings, words, first_only in _sector_words():
        if words is not None and words.search(text):
            return label
        if tokens and tokens[0] in first_only:
            return label
        if any(_ends(t, endings, first_only, i) for i, t in enumerate(tokens)):
            return label
    if org_number:
        return table("organisations")["org_number_group"].get(org_number[0], "unknown")
    return "unknown"


# --- the key within a document ------------------------------------------------------------

@cache
def _parties_data() -> dict:
    return table("parties")


@cache
def definite_forms() -> tuple[tuple[str, str], ...]:
    """Definite forms -> the written name's form, for matching: pastoratet -> pastorat."""
    pairs = []
    for endings in (s["endings"] for s in table("organisations")["sector"].values()):
        for e in endings:
            for suffix in ("et", "en", "n"):
                if e.endswith(suffix) and e[: -len(suffix)] in endings:
                    pairs.append((e, e[: -len(suffix)]))
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


@cache
def _key_res() -> tuple[re.Pattern, re.Pattern]:
    d = _parties_data()
    units = "|".join(d["unit_words"])
    places = "|".join(w.strip("*") for w in d["municipality_words"])
    unit_then_place = re.compile(rf"^(.*?(?:{units}))\s+(?:i\s+)?[\wåäö]+s?\s+(?:{places})$")
    return unit_then_place, re.compile(d["place_after"])


@cache
def party_key(name: str) -> str:
    """The join key of an organisation name within a document.

    Lower case, no punctuation; no parent prefix ('Svenska kyrkan, '); no municipality
    after a committee ('Omsorgsnämnden, Linköpings kommun', '... i Linköpings kommun');
    definite forms as indefinite ('domkyrkopastoratet' -> 'domkyrkopastorat'); the place
    first ('Stadsmissionen i Västerås' -> 'västerås stadsmission').
    """
    d = _parties_data()
    key = normalized(name)
    for prefix in sorted(d["parent_prefixes"], key=len, reverse=True):
        if key.startswith(prefix + " ") and len(key) > len(prefix) + 3:
            key = key[len(prefix) + 1 :]
            break
    unit_then_place, place_after = _key_res()
    key = unit_then_place.sub(r"\1", key)
    inverted = place_after.match(key)
    if inverted and any(inverted["org"].endswith(e) for e, _ in definite_forms()):
        place = inverted["place"]
        key = f"{place if place.endswith(('s', 'x', 'z')) else place + 's'} {inverted['org']}"
    words = key.split()
    if words:
        last = words[-1]
        for definite, indefinite in definite_forms():
            if last.endswith(definite):
                words[-1] = last[: -len(definite)] + indefinite
                break
    return " ".join(words)


def same_key(a: str, b: str) -> bool:
    """Within a document: equal keys, or one key is the other's tail ('linköpings
    domkyrkopastorat' ~ 'domkyrkopastorat')."""
    ka, kb = party_key(a), party_key(b)
    if not ka or not kb:
        return False
    return ka == kb or ka.endswith(" " + kb) or kb.endswith(" " + ka)


# --- across documents ----------------------------------------------------------------------

@cache
def _identity_data() -> tuple[frozenset[str], tuple[str, ...], int]:
    data = table("organisations")["identity"]
    endings = tuple(sorted(data["stem_endings"], key=len, reverse=True))
    return frozenset(data["name_filler"]), endings, int(data["stem_min_length"])


@cache
def stem(word: str) -> str:
    """One stem for the forms of a word: 'stadsmissionen' and 'stadsmission' give
    'stadsmissio', 'domkyrkopastoratet' and 'domkyrkopastorat' give 'domkyrkopastorat'."""
    _, endings, min_length = _identity_data()
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
    """The stemmed words of a name that tell which organisation it is."""
    filler, _, _ = _identity_data()
    return frozenset(stem(w) for w in normalized(name).split() if w not in filler)


@cache
def head(name: str) -> str:
    """The organisation word a name ends in ('domkyrkopastorat'): a blocking key."""
    filler, _, _ = _identity_data()
    tokens = [w for w in normalized(name).split() if w not in filler]
    return stem(tokens[-1]) if tokens else ""


def org_digits(org_number: str) -> str:
    return "".join(ch for ch in org_number or "" if ch.isdigit())


def same_organisation(a: str, b: str, org_a: str = "", org_b: str = "") -> bool:
    """Two names (and, when both are known, org numbers) are one organisation: equal
    org numbers decide; else the words of one name are all among the other's."""
    da, db = org_digits(org_a), org_digits(org_b)
    if len(da) == 10 and len(db) == 10:
        return da == db
    wa, wb = words(a), words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


@cache
def side(name: str) -> str:
    """'public' for the municipal side, else the organisation's head word."""
    if not name:
        return ""
    return PUBLIC if sector(name) == "public" else head(name)


# --- kinds of public body ------------------------------------------------------------------

@cache
def _body_kinds() -> tuple[tuple[str, re.Pattern], ...]:
    data = table("organisations")["body_kinds"]
    return tuple((kind, re.compile(r"(?<![\wåäö])[\wåäö]*(?:" + "|".join(
        map(re.escape, sorted(endings, key=len, reverse=True))) + r")(?![\wåäö])"))
        for kind, endings in data.items())


@cache
def body_kind(name: str) -> str:
    """'committee' (a nämnd, styrelse), 'administration' (förvaltning), 'region',
    'municipality' (kommun, stad), or '' for anything else. The last such word of the name
    decides: 'Malmö stad, arbetsmarknadsnämnden' is a committee."""
    low = party_key(name)  # 'Omsorgsnämnden i Falu kommun' is a committee
    best, where = "", -1
    for kind, regex in _body_kinds():
        for m in regex.finditer(low):
            if m.start() > where:
                best, where = kind, m.start()
    return best
