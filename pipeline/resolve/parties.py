"""Canonical parties of one document: one row per organisation, whatever form it is
written in ("domkyrkopastoratet", "Linköpings Domkyrkopastorat" and "Svenska kyrkan,
Linköpings Domkyrkopastorat" are one party), with its org number and sector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.extract.prefilter import Prefiltered
from pipeline.identity import definite_forms as _stems
from pipeline.identity import normalized, party_key, sector
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention
from pipeline.resolve.common import provenance

_NAME_START = re.compile(r"(?:^|[\n:;]|\bmellan\b|\bsamt\b|(?<!-)\s+och\s|\d[.)]\s)",
                         re.IGNORECASE)


@cache
def _data() -> dict:
    return table("parties")


def owner_name(text: str, label_start: int) -> str:
    """The organisation an org number belongs to: the words before its label."""
    window = text[max(0, label_start - 160) : label_start]
    starts = list(_NAME_START.finditer(window))
    name = window[starts[-1].end() :] if starts else window
    name = re.sub(r"\(\s*$", "", name).strip(" ,(\t\n-–•●*")
    return _descriptor_tail().sub("", name)  # 'Föreningen X, ideell förening' is X


@cache
def _descriptor_tail() -> re.Pattern:
    return re.compile(_data()["form_descriptor_tail"], re.IGNORECASE)


@dataclass(slots=True)
class Party:
    name: str
    key: str
    role: str
    mention: Mention
    sector_hint: str | None = None
    org_number: str = ""
    org_valid: bool | None = None
    org_mention: Mention | None = None
    aliases: set[str] = field(default_factory=set)
    defined: set[str] = field(default_factory=set)  # 'nedan kallad X': X, as written


@dataclass(slots=True)
class Parties:
    parties: list[Party]
    municipality: str
    kind: str
    _alias_re: re.Pattern | None = None
    _alias_of: dict[str, Party] = field(default_factory=dict)
    _found_in: dict[str, list[tuple[int, int, Party]]] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, mentions: dict[str, list[Mention]], kind: str) -> Parties:
        found: list[Party] = []
        orgs = mentions.get("organisation", [])
        rank = {"party": 0, "contact": 1, "mentioned": 2}
        for m in sorted(orgs, key=lambda m: (rank.get(m.attrs["role"], 3), m.start)):
            key = party_key(m.value)
            if not key:
                continue
            match = _find(found, key)
            if match is None:
                found.append(Party(m.value, key, m.attrs["role"], m, m.attrs.get("sector_hint")))
            else:
                if m.attrs.get("sector_hint") and not match.sector_hint:
                    match.sector_hint = m.attrs["sector_hint"]
                if rank.get(m.attrs["role"], 3) < rank.get(match.role, 3):
                    match.role, match.name, match.mention = "party", m.value, m
                elif m.attrs["role"] == "party" and len(m.value) > len(match.name) \
                        and key == match.key:
                    match.name = m.value  # keep the fullest written form
        for m in mentions.get("org_number", []):
            name = owner_name(text, m.attrs.get("label_start", m.start))
            key = party_key(name) if name else ""
            match = _find(found, key) if key else None
            if match is None:
                match = Party(name or m.value, key or m.value, "party", m)
                found.append(match)
            if not match.org_number:
                match.org_number, match.org_valid, match.org_mention = m.value, m.attrs["valid"], m
        # 'Lunds kommun' mentioned is the party 'Lunds kommun, socialnämnden', not another
        party_keys = [p.key for p in found if p.role == "party"]
        found = [p for p in found if p.role != "mentioned"
                 or not any(k.startswith(p.key + " ") for k in party_keys)]
        municipality = _municipality(text, found)
        parties = cls(found, municipality, kind)
        for p in found:
            p.aliases = parties._aliases(p)
        _defined_aliases(text, found)
        return parties

    def _aliases(self, party: Party) -> set[str]:
        """Lower-case forms that refer to the party in running text."""
        key = party.key
        out = {normalized(party.name), key}
        words = key.split()
        if words and not (len(words) >= 3 and words[-2] in _data()["head_alias_blockers"]):
            head = words[-1]
            if len(head) >= 6:
                out.add(head)
                for definite, indefinite in _stems():
                    if head.endswith(indefinite) and not head.endswith(definite):
                        out.add(head[: -len(indefinite)] + definite)
        out |= {a + "s" for a in list(out)}
        if party is self._municipal_party():
            out |= set(_data()["generic_references"])
        for word in _data()["generic_party_words"]:
            holders = [p for p in self.parties if word[:-2] in normalized(p.name)
                       and p.role == "party"]
            if holders == [party]:
                out |= {word, word + "s"}
        return {a for a in out if a}

    def _municipal_party(self) -> Party | None:
        """The party 'kommunen' refers to: the municipality itself, else the one public
        party named after it ('Norrköpings kommun genom socialnämnden')."""
        if not self.municipality:
            return None
        town = normalized(self.municipality)
        exact = [p for p in self.parties if normalized(p.name) == town]
        if exact:
            return exact[0]
        named = [p for p in self.parties
                 if p.role == "party" and normalized(p.name).startswith(town)]
        return named[0] if len(named) == 1 else None

    def find_in(self, text: str) -> list[tuple[int, int, Party]]:
        """Every reference to a party in text (any written form), as (start, end, party).

        One regex of all aliases, longest first, so the fullest form wins an overlap.
        """
        if self._alias_re is None:
            for p in self.parties:
                for alias in p.aliases:
                    self._alias_of.setdefault(alias, p)
            if not self._alias_of:
                return []
            ordered = sorted(self._alias_of, key=len, reverse=True)
            self._alias_re = _alias_regex(tuple(ordered))
        found = self._found_in.get(text)
        if found is None:  # one phrase is asked about many times (per cue, per subject)
            low = text.lower().replace("-", " ")
            found = [(m.start(), m.end(), self._alias_of[m.group(0)])
                     for m in self._alias_re.finditer(low)]
            self._found_in[text] = found
        return list(found)

    def by_key(self, name: str) -> Party | None:
        return _find(self.parties, party_key(name))

    def display(self, party: Party | None) -> str | None:
        return party.name if party else None

    def sector_of(self, p: Party) -> str:
        """public / nonprofit / private: the hint its line gave, else its words (the name
        before a comma first), else its org number; an IOP's party whose words tell
        nothing is non-profit (a company cannot be a party)."""
        sec = p.sector_hint or sector(p.name.split(",")[0], p.org_number)
        if sec == "unknown":
            sec = sector(p.name, p.org_number)
        if sec == "unknown" and p.role == "party" and self.kind in ("agreement", "memo", "other"):
            sec = _data()["default_party_sector"]
        return sec

    def rows(self, doc_id: str, clean: CleanText) -> list[dict]:
        rows = []
        for p in self.parties:
            sec = self.sector_of(p)
            mention = p.mention if p.mention.label == "organisation" else p.org_mention
            rows.append({
                "doc_id": doc_id,
                "name": p.name,
                "name_normalized": p.key,
                "org_number": p.org_number,
                "org_number_valid": p.org_valid if p.org_number else None,
                "sector": sec,
                "role": p.role,
                **provenance(clean, mention),
            })
        return rows


@lru_cache(maxsize=256)  # the same parties recur across an archive's documents
def _alias_regex(ordered: tuple[str, ...]) -> re.Pattern:
    """(?<![\\wåäö])(?:alias|...)(?![\\wåäö]), written so that re can skip ahead to the
    aliases' first letters: the aliases are grouped by their first letter, which checks the
    character before it once read ((?<![\\wåäö][\\s\\S]): no word character, then this
    letter) instead of a lookbehind in front that re must try at every character. Within a
    group the aliases keep their order (longest first), so the same alias wins."""
    groups: dict[str, list[str]] = {}
    for alias in ordered:
        groups.setdefault(alias[0], []).append(alias[1:])
    return re.compile("(?:" + "|".join(
        re.escape(first) + r"(?<![\wåäö][\s\S])(?:" + "|".join(map(re.escape, rests)) + ")"
        for first, rests in groups.items()) + r")(?![\wåäö])")


def _find(parties: list[Party], key: str) -> Party | None:
    if not key:
        return None
    for p in parties:
        if p.key == key:
            return p
    candidates = [p for p in parties
                  if p.key.endswith(" " + key) or key.endswith(" " + p.key)]
    return candidates[0] if len(candidates) == 1 else None


def _defined_aliases(text: str, parties: list[Party]) -> None:
    """'Föreningen Fixarna i Lund (nedan kallad FiL)': FiL refers to that party; the alias
    belongs to the party named last before it on its line."""
    for regex in _alias_defined_res():
        _defined_by(regex, text, parties)


def _defined_by(regex: re.Pattern, text: str, parties: list[Party]) -> None:
    for m in regex.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        named = [(q.end, p) for p in parties
                 for q in (p.mention, p.org_mention) if q is not None
                 and line_start <= q.start and q.end <= m.start()]
        if named:
            alias = normalized(m.group("alias")).strip()
            if alias:
                party = max(named, key=lambda x: x[0])[1]
                party.aliases |= {alias, alias + "s"}
                party.defined.add(alias)


@cache
def _alias_defined_res() -> tuple[re.Pattern, ...]:
    """'(nedan kallad FiL)' and ', nedan kallad ABF.' (parties.toml: alias_defined*)."""
    return tuple(re.compile(_data()[key], re.IGNORECASE)
                 for key in ("alias_defined", "alias_defined_comma"))


def _municipality(text: str, parties: list[Party]) -> str:
    """The municipality the document is about: the most frequent 'Linköpings kommun',
    'Umeå kommun', 'Malmö stad' or 'Region Östergötland' (parties.toml: municipality)."""
    counts: dict[str, int] = {}
    for _, _, name in municipality_names(text):
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get) if counts else ""


@lru_cache(maxsize=2)  # the parties and the attribution of amounts ask for the same text
def municipality_names(text: str) -> tuple[tuple[int, int, str], ...]:
    """Every 'Linköpings kommun', 'Malmö stad', 'Region Östergötland' of the text, as
    (start, end, name as written)."""
    not_towns = _data()["not_towns"]
    return tuple((m.start(), m.end(), m.group(0)) for m in _municipality_re().finditer(text)
                 if m.group("town") not in not_towns)


@cache
def _municipality_re() -> Prefiltered:
    return Prefiltered(re.compile(_data()["municipality"]))  # skips ahead to capitals
