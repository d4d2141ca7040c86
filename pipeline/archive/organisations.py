"""Organisations as one entity across documents: the `organisations` table and the name
each document writes mapped to its entity (`organisation_names`).

Who is one organisation, in this order:

1. A public body of a municipality or a region is that municipality's or region's
   organisation (the list of Sweden's 290 municipalities and 21 regions in
   lang/sv/municipalities.csv and regions.csv): "Social- och omsorgsnämnden i Linköpings
   kommun", "Omsorgsnämnden, Linköpings kommun" and "Linköpings kommun" are Linköpings
   kommun, the nämnd kept as its `unit`. A nämnd named without its municipality
   ("Socialnämnden") belongs to the municipality the document's other public parties name,
   when they name one.
2. Any other organisation: the same valid organisationsnummer is the same organisation;
   names without a number join the numbered entity with the same name key (two numbers
   under one name stay two organisations).
3. The name key: the stemmed words of the name with its parent prefix dropped and its
   place written first (identity.party_key and identity.words), a place in the genitive
   as the place: "Stadsmissionen i Västerås", "Västerås Stadsmission" and "Västerås
   stadsmissionen" have one key, whatever the word order or inflection.
4. A name that names no place ("Stadsmissionen") in a document about one municipality is
   the organisation of that municipality with that name, when there is one.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache

import pandas as pd

from pipeline import identity
from pipeline.lang import DATA

PUBLIC_KINDS = ("municipality", "region")


@dataclass(frozen=True, slots=True)
class Place:
    """A municipality or a region of the list."""

    organisation_id: str  # kommun:0580, region:05
    kind: str  # municipality, region
    code: str
    name: str  # Linköping, Region Östergötland
    official: str  # Linköpings kommun, Region Östergötland


def _rows(name: str) -> list[dict]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def genitive(name: str) -> str:
    """'Linköping' -> 'Linköpings', 'Västerås' -> 'Västerås', 'Umeå' -> 'Umeå'."""
    return name if name[-1].lower() in "sxzaeiouyåäö" else name + "s"


@cache
def places() -> tuple[dict[str, Place], dict[str, Place]]:
    """(municipalities by every lower-case form of their name, regions by theirs)."""
    municipalities: dict[str, Place] = {}
    for row in _rows("municipalities.csv"):
        place = Place(f"kommun:{row['code']}", "municipality", row["code"], row["name"],
                      f"{genitive(row['name'])} kommun")
        for form in {row["name"], genitive(row["name"]), row["name"] + "s"}:
            municipalities[identity.normalized(form)] = place
    regions: dict[str, Place] = {}
    for row in _rows("regions.csv"):
        place = Place(f"region:{row['code']}", "region", row["code"], row["name"],
                      row["name"])
        for form in [row["name"], *filter(None, row["aliases"].split("|"))]:
            regions[identity.normalized(form)] = place
            county = re.sub(r"^region\s+", "", identity.normalized(form))
            regions["region " + county] = place
    return municipalities, regions


# "X kommun", "X stad", "X-s kommun"; "Region X", "X-regionen"; a body "i X" (a place)
_MUNICIPALITY = re.compile(r"([\wåäö]+(?:[ -][\wåäö]+){0,2}?)\s+(?:kommun|kommunen|stad|staden)\b")
_IN_PLACE = re.compile(r"\bi\s+([\wåäö]+(?:[ -][\wåäö]+){0,2})$")


def _municipality_in(key: str) -> Place | None:
    municipalities, _ = places()
    for m in _MUNICIPALITY.finditer(key):
        words = m.group(1).split()
        for n in range(len(words)):  # the longest tail that is a municipality
            found = municipalities.get(" ".join(words[n:]))
            if found:
                return found
    return None


def _region_in(key: str) -> Place | None:
    """A region named anywhere in the name ('Region Skåne', 'Västra Götalandsregionen')."""
    _, regions = places()
    for form in sorted(regions, key=len, reverse=True):
        if re.search(rf"(?<![\wåäö]){re.escape(form)}(?![\wåäö])", key):
            return regions[form]
    return None


@cache
def public_place(name: str) -> Place | None:
    """The municipality or region a public body's name says it belongs to."""
    key = identity.normalized(name)
    if identity.sector(name) != identity.PUBLIC and not key.startswith("region "):
        return None
    found = _municipality_in(key) or _region_in(key)
    if found:
        return found
    if identity.body_kind(name) in ("committee", "administration"):
        place = _IN_PLACE.search(key)  # "Kultur- och fritidsnämnden i Linköping"
        if place:
            return places()[0].get(place.group(1))
    return None


@cache
def unit(name: str, place: Place | None) -> str | None:
    """The nämnd or förvaltning a public body's name names, without its municipality:
    'Omsorgsnämnden, Linköpings kommun' -> 'Omsorgsnämnden'."""
    text = name
    if place is not None:
        forms = sorted({place.name, genitive(place.name), place.official}, key=len, reverse=True)
        for form in forms:
            text = re.sub(rf"(?i)(?:,\s*|\s+i\s+)?{re.escape(form)}(?:\s+(?:kommun|stad))?"
                          r"(?:\s*,\s*)?", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,")
    if not text or identity.body_kind(text) not in ("committee", "administration"):
        return None
    return text[0].upper() + text[1:]


@cache
def _place_words() -> dict[str, str]:
    """A municipality's name as a word of a name, in any form -> its base form."""
    out = {}
    for form, place in places()[0].items():
        if " " not in form:
            out[form] = identity.normalized(place.name)
    return out


@cache
def name_key(name: str) -> str:
    """The key of a non-public organisation's name: its words, order and inflection aside."""
    key = identity.party_key(name)
    words = sorted({_place_words().get(w, identity.stem(w)) for w in key.split()
                    if w not in _filler()})
    return " ".join(words)


@cache
def _filler() -> frozenset[str]:
    return identity._identity_data()[0]


def _has_place(key: str) -> bool:
    return any(w in _place_words().values() for w in key.split())


def _digits(org_number: object) -> str:
    digits = identity.org_digits(org_number if isinstance(org_number, str) else "")
    return digits if len(digits) == 10 else ""


@dataclass(slots=True)
class Mention:
    doc_id: str
    source: str
    name: str
    org_number: str  # 10 digits or ''
    role: str  # party, payer, payee, ...


def document_places(parties: pd.DataFrame) -> dict[str, Place]:
    """The municipality or region each document's public parties name (one only)."""
    found: dict[str, Counter] = defaultdict(Counter)
    for doc, name in zip(parties["doc_id"], parties["name"], strict=True):
        if isinstance(name, str) and name:
            place = public_place(name)
            if place is not None:
                found[doc][place] += 1
    return {doc: counts.most_common(1)[0][0] for doc, counts in found.items()
            if len(counts) == 1}


class Organisations:
    """Every organisation of the archive; `resolve(doc_id, name)` -> (id, unit)."""

    def __init__(self, mentions: list[Mention], doc_places: dict[str, Place]):
        self.doc_places = doc_places
        self.entity: dict[tuple[str, str], str] = {}  # (doc_id, name) -> organisation_id
        self.units: dict[tuple[str, str], str | None] = {}
        self.place_of: dict[str, Place] = {}
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            while parent.get(x, x) != x:
                x = parent[x]
            return x

        def union(a: str, b: str) -> None:
            # an entity is named by an org number rather than a name key
            ra, rb = sorted((root(a), root(b)), key=lambda x: (not x.startswith("org:"), x))
            if ra != rb:
                parent[rb] = ra
                parent.setdefault(ra, ra)

        private: list[tuple[Mention, str]] = []  # (mention, its key)
        numbers_of_key: dict[str, Counter] = defaultdict(Counter)
        for m in mentions:
            place = public_place(m.name)
            if place is None and identity.sector(m.name, m.org_number) == identity.PUBLIC \
                    and identity.body_kind(m.name) in ("committee", "administration"):
                place = doc_places.get(m.doc_id)
            if place is not None:
                self.entity[(m.doc_id, m.name)] = place.organisation_id
                self.units[(m.doc_id, m.name)] = unit(m.name, place)
                self.place_of[place.organisation_id] = place
                continue
            key = name_key(m.name)
            if not key:
                continue
            private.append((m, key))
            if m.org_number:
                numbers_of_key[key][m.org_number] += 1
        # 2. numbers, then 3. keys: a key with one number joins it; unnumbered mentions
        # of a key with several numbers join its most frequent one
        node_of: dict[int, str] = {}
        for i, (m, key) in enumerate(private):
            numbers = numbers_of_key.get(key)
            if m.org_number:
                node = f"org:{m.org_number[:6]}-{m.org_number[6:]}"
            elif numbers:
                best = sorted(numbers.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                node = f"org:{best[:6]}-{best[6:]}"
            else:
                node = f"name:{key}"
            node_of[i] = node
            parent.setdefault(node, node)
            if not m.org_number and not numbers:
                continue
            if len(numbers or ()) == 1:
                union(node, f"name:{key}")
        # 4. a name without a place in a document about one municipality
        keys = {f"name:{key}" for _, key in private}
        for i, (m, key) in enumerate(private):
            place = doc_places.get(m.doc_id)
            if place is None or _has_place(key):
                continue
            placed = " ".join(sorted({*key.split(), identity.normalized(place.name)}))
            if f"name:{placed}" in keys:
                union(node_of[i], f"name:{placed}")
        for i, (m, _key) in enumerate(private):
            self.entity[(m.doc_id, m.name)] = node_of[i]
            self.units[(m.doc_id, m.name)] = None
        self._root = {node: root(node) for node in parent}
        self.mentions = mentions
        self.display_names: dict[str, str] = {}  # organisation_id -> name, by tables()

    def resolve(self, doc_id: str, name: object) -> tuple[str | None, str | None]:
        if not isinstance(name, str) or not name:
            return None, None
        node = self.entity.get((doc_id, name))
        if node is None:
            return None, None
        return self._root.get(node, node), self.units.get((doc_id, name))

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(organisations, organisation_names)."""
        names: dict[str, Counter] = defaultdict(Counter)
        numbers: dict[str, set[str]] = defaultdict(set)
        docs: dict[str, set[str]] = defaultdict(set)
        sectors: dict[str, Counter] = defaultdict(Counter)
        rows = []
        seen: set[tuple[str, str, str]] = set()
        for m in self.mentions:
            org, unit_name = self.resolve(m.doc_id, m.name)
            if org is None:
                continue
            names[org][m.name] += 1
            docs[org].add(m.doc_id)
            # a municipality's or region's number is a public body's (group 2): a number
            # read beside its name in a garbled line is another party's
            if m.org_number and (org not in self.place_of or m.org_number.startswith("2")):
                numbers[org].add(f"{m.org_number[:6]}-{m.org_number[6:]}")
            sectors[org][identity.sector(m.name, m.org_number)] += 1
            if (m.doc_id, m.name, m.role) not in seen:
                seen.add((m.doc_id, m.name, m.role))
                rows.append({"doc_id": m.doc_id, "source": m.source, "name": m.name,
                             "role": m.role, "organisation_id": org, "unit": unit_name})
        organisations = []
        for org in sorted(names):
            place = self.place_of.get(org)
            written = names[org]
            if place is not None:
                # the municipality as its documents name it, else as the list names it
                plain = [n for n in written if public_place(n) == place
                         and identity.body_kind(n) in ("municipality", "region")]
                name = max(plain, key=lambda n: (written[n], -len(n), n)) if plain \
                    else place.official
                kind, code = place.kind, place.code
            else:
                name = max(written, key=lambda n: (written[n], len(n), n))
                sector = sectors[org].most_common(1)[0][0]
                kind, code = sector, None
            self.display_names[org] = name
            organisations.append({
                "organisation_id": org, "name": name, "kind": kind,
                "org_number": " ".join(sorted(numbers[org])) or None,
                "place_code": code,
                "names": " | ".join(sorted(written)),
                "documents": len(docs[org])})
        return (pd.DataFrame(organisations), pd.DataFrame(rows))


def mentions_of(documents: pd.DataFrame, parties: pd.DataFrame, amounts: pd.DataFrame
                ) -> list[Mention]:
    """Every organisation name the documents write: parties (with their org numbers) and
    the payers and payees of amounts (with the number of the party of that name)."""
    sources = dict(zip(documents["doc_id"], documents["source"], strict=True))
    out: list[Mention] = []
    number_of: dict[tuple[str, str], str] = {}
    for doc, name, number, role in zip(parties["doc_id"], parties["name"],
                                       parties["org_number"], parties["role"], strict=True):
        if not isinstance(name, str) or not name:
            continue
        digits = _digits(number)
        if digits:
            number_of.setdefault((doc, name), digits)
        out.append(Mention(doc, sources.get(doc, ""), name, digits,
                           role if isinstance(role, str) and role else "party"))
    by_doc: dict[str, list[str]] = defaultdict(list)
    for (doc, name) in number_of:
        by_doc[doc].append(name)
    for column in ("payer", "payee"):
        for doc, name in zip(amounts["doc_id"], amounts[column], strict=True):
            if not isinstance(name, str) or not name:
                continue
            digits = number_of.get((doc, name), "")
            if not digits:  # the party this name stands for in the document
                same = [p for p in by_doc.get(doc, []) if identity.same_key(p, name)]
                digits = number_of[(doc, same[0])] if len(same) == 1 else ""
            out.append(Mention(doc, sources.get(doc, ""), name, digits, column))
    return out


def organisations(documents: pd.DataFrame, parties: pd.DataFrame, amounts: pd.DataFrame
                  ) -> Organisations:
    return Organisations(mentions_of(documents, parties, amounts), document_places(parties))
