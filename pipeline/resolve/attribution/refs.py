"""Who a stretch of text names: the document's parties in any written form, the generic
words that stand for them ("Kommunen", "Regionen", "nämnden", "föreningen", "jouren", a
defined "nedan kallad ABF"), and public bodies the text names without making them parties
("Till individ- och familjenämnden"). Each reference says whether it is a genitive
("Nämndens bidrag"), and what its words around it make of it: payer, payee or partner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pipeline.extract.patterns import word_alternation
from pipeline.extract.prefilter import Prefiltered
from pipeline.identity import (
    body_kind,
    definite_forms,
    normalized,
    party_key,
    same_key,
    sector,
)
from pipeline.lang import table, words
from pipeline.resolve.parties import Parties, Party, municipality_names

PAYER, PAYEE, PARTNER, SPEAKER = "payer", "payee", "partner", "speaker"


@dataclass(frozen=True, slots=True)
class Body:
    """An organisation money can come from or go to."""

    name: str  # as the document writes it where it introduces it
    sector: str  # public / nonprofit / private / unknown
    kind: str  # committee / administration / region / municipality / '' (an organisation)
    party: bool  # a party of the agreement (else mentioned, or only named in the text)


@dataclass(frozen=True, slots=True)
class Ref:
    start: int
    end: int
    body: Body
    genitive: bool
    generic: bool  # a generic word ('kommunen', 'föreningen'), not a name


@cache
def _data() -> dict:
    return table("attribution")


@cache
def _res() -> dict[str, re.Pattern]:
    d = _data()
    r = d["refs"]
    end = r"\s*$"
    return {
        "payee_before": re.compile(word_alternation(r["payee_before"]) + end, re.I),
        "payer_before": re.compile(word_alternation(r["payer_before"]) + end, re.I),
        "partner_before": re.compile(word_alternation(r["partner_before"]) + end, re.I),
        "give_before": re.compile(word_alternation(r["give_verbs"]) + end, re.I),
        "pay_after": re.compile(r"^s?\s*" + word_alternation(r["pay_after"]), re.I),
        "receive_after": re.compile(r"^\s*" + r["receive_gap"]
                                    + word_alternation(r["receive_after"]), re.I),
        "not_body": re.compile(word_alternation(r["not_body_words"]), re.I),
        "named_payee": re.compile(r["named_payee"].replace("{name}", r["proper_name"])),
        "named_payer": re.compile(r["named_payer"].replace("{name}", r["proper_name"])
                                  .replace("{pay}", "|".join(map(re.escape, r["pay_after"])))),
        "speaker_after": re.compile(r"^\s*" + word_alternation(r["speaker_after"]), re.I),
        "modifier": re.compile(r["modifier_between"], re.I),
        "body_heads": Prefiltered(re.compile(d["generic"]["body_heads"], re.I)),
        "body_name": re.compile(d["generic"]["body_name"], re.I),
        "acronym": re.compile(d["generic"]["acronym"]),
    }


def _sector_of(party: Party) -> str:
    found = party.sector_hint or sector(party.name.split(",")[0], party.org_number)
    if found == "unknown":
        found = sector(party.name, party.org_number)
    if found == "unknown" and party.role == "party":
        found = table("parties")["default_party_sector"]
    return found


@dataclass(slots=True)
class References:
    """The references of one document, built once; find() is one regex pass."""

    text: str
    kind: str = ""
    bodies: list[Body] = field(default_factory=list)
    _alias: dict[str, tuple[Body, bool, bool]] = field(default_factory=dict)
    _acronyms: set[str] = field(default_factory=set)
    committee: Body | None = None  # the body 'nämnden' refers to
    _sides: dict[str, Body | None] = field(default_factory=dict)
    _matcher: _AliasMatcher | None = None

    @classmethod
    def build(cls, text: str, parties: Parties, kind: str) -> References:
        refs = cls(text, kind)
        of_party: dict[int, Body] = {}
        headings = _headings()
        for p in parties.parties:
            if normalized(p.name) in headings or _res()["not_body"].search(p.name) \
                    or "|" in p.name or "\t" in p.name:
                continue  # a heading, a contact line or a table row read as a name
            body = Body(p.name, _sector_of(p), body_kind(p.name) if _sector_of(p) == "public"
                        else "", p.role == "party")
            if body.sector == "private":
                continue
            of_party[id(p)] = body
            refs.bodies.append(body)
        generic = set(_generic_words())
        for p in parties.parties:  # 'nedan kallad kommunen' before any generic reading
            body = of_party.get(id(p))
            for alias in p.defined if body is not None else ():
                refs._add(alias, body)
        for p in parties.parties:
            body = of_party.get(id(p))
            if body is None:
                continue
            for alias in p.aliases | _name_aliases(p.name):
                if alias.rstrip("s") not in generic and alias not in generic:
                    refs._add(alias, body)
            acronym = _res()["acronym"].match(p.name)
            if acronym:
                refs._acronyms.add(acronym.group(0).lower())
                refs._add(acronym.group(0).lower(), body)
        refs._named_bodies(text, parties)
        refs._generic(parties, kind)
        refs._kind_tails()
        return refs

    # --- building ------------------------------------------------------------------------

    def _add(self, alias: str, body: Body, generic: bool = False) -> None:
        alias = alias.strip()
        if not alias:
            return
        self._alias.setdefault(alias, (body, False, generic))
        if not alias.endswith("s"):
            self._alias.setdefault(alias + "s", (body, True, generic))

    def _named_bodies(self, text: str, parties: Parties) -> None:
        """Committees the text names ('Individ- och familjenämnden', 'socialnämndens') and
        the municipality or region it is about, where they are not parties already."""
        res = _res()
        for m in res["body_heads"].finditer(text):
            name = res["body_name"].search(text, max(0, m.start() - 60), m.start())
            if name is None or not name.group(0).strip():
                continue
            written = text[name.start() : m.end()]
            nominative = _nominative(written)
            self._add_named(nominative, written)
        for _, _, written in municipality_names(text):
            self._add_named(_title(written), written)

    def _add_named(self, name: str, written: str) -> None:
        key = party_key(name)
        if not key:
            return
        for body in self.bodies:
            if same_key(body.name, name) or party_key(body.name).startswith(key + " "):
                self._add(normalized(written), body)
                return
        body = Body(name, "public", body_kind(name), False)
        self.bodies.append(body)
        self._add(normalized(name), body)
        self._add(normalized(written), body)

    def _generic(self, parties: Parties, kind: str) -> None:
        """'kommunen', 'regionen', 'nämnden', 'föreningen' -> the one body they can mean."""
        g = _data()["generic"]
        public = [b for b in self.bodies if b.sector == "public"]
        for word in g["municipality"]:
            body = self._one_public(public, ("municipality",), parties.municipality)
            if body is not None:
                self._add(word, body, generic=True)
        for word in g["region"]:
            body = self._one_public(public, ("region",), "")
            if body is not None:
                self._add(word, body, generic=True)
        for group in ("committee", "administration"):
            for word in g[group]:
                stem = word[:-2]  # 'nämnden' is a nämnd, not a styrelse
                body = self._one_public(
                    [b for b in public if stem in normalized(b.name)], (group,), "")
                if body is not None:
                    self._add(word, body, generic=True)
                    if group == "committee":
                        self.committee = body
        nonprofit = [b for b in self.bodies if b.sector == "nonprofit"]
        side = self._nonprofit_side(nonprofit)
        names = [(normalized(b.name), b) for b in nonprofit]
        for word in g["nonprofit"]:
            stem = word.split()[-1][:-2]
            holders = [b for name, b in names if stem in name]
            body = (_one(holders) if holders else None) or side
            if body is not None:
                self._add(word, body, generic=True)

    def _kind_tails(self) -> None:
        """'Kvinnojouren Malmö' is also 'jouren' when no other party is a jour."""
        tails = _data()["generic"]["kind_tails"]
        by_tail: dict[str, list[Body]] = {}
        for body in self.bodies:
            if body.sector != "nonprofit":
                continue
            for word in normalized(body.name).split():
                for tail, definite in tails.items():
                    if word.endswith(tail) and len(word) > len(tail):
                        by_tail.setdefault(definite, []).append(body)
                        by_tail.setdefault(word, []).append(body)
                    if word.endswith(tail) and tail != definite and len(word) > len(tail):
                        by_tail.setdefault(word[: -len(tail)] + definite, []).append(body)
        for alias, holders in by_tail.items():
            one = _one(holders)
            if one is not None:
                self._add(alias, one, generic=True)

    @staticmethod
    def _one_public(public: list[Body], kinds: tuple[str, ...], named: str) -> Body | None:
        """The one public body of these kinds: a party first, else any; a municipality
        may also be a party named after it ('Västerås stad, individ- och familjenämnden')."""
        for pool in ([b for b in public if b.party], public):
            found = _one([b for b in pool if b.kind in kinds])
            if found is not None:
                return found
        if "municipality" in kinds and named:
            town = normalized(named)
            found = _one([b for b in public if normalized(b.name).startswith(town)])
            if found is not None:
                return found
        return None

    @staticmethod
    def _nonprofit_side(nonprofit: list[Body]) -> Body | None:
        return _one([b for b in nonprofit if b.party]) or _one(nonprofit)

    # --- the document's sides --------------------------------------------------------------

    def nonprofit_side(self) -> Body | None:
        """The one non-profit party of the document (several: None)."""
        if "nonprofit" not in self._sides:
            self._sides["nonprofit"] = self._nonprofit_side(
                [b for b in self.bodies if b.sector == "nonprofit"])
        return self._sides["nonprofit"]

    def public_side(self) -> Body | None:
        """The public party as the document introduces it: the one public party (its
        committee when one is a party); where no public body is a party, a memo's
        committee (it decides and pays), an agreement's municipality or region (it signs)."""
        if "public" not in self._sides:
            self._sides["public"] = self._public_side()
        return self._sides["public"]

    def _public_side(self) -> Body | None:
        public = [b for b in self.bodies if b.sector == "public"]
        parties = [b for b in public if b.party]
        if parties:
            committees = [b for b in parties if b.kind == "committee"]
            if len(committees) == 1:
                return committees[0]
            owners = {_owner(b.name) for b in parties}
            if len(owners) == 1:
                return parties[0]
            return None
        committee = self.committee or _one([b for b in public if b.kind == "committee"])
        owner = _one([b for b in public if b.kind in ("municipality", "region")])
        first, second = (committee, owner) if self.kind == "memo" else (owner, committee)
        return first or second

    # --- finding ----------------------------------------------------------------------------

    def find(self, start: int, end: int) -> list[Ref]:
        """The references in text[start:end], in reading order, with absolute offsets. A
        municipality right after a committee ('Socialnämnden i Norrköpings kommun') is part
        of the committee's reference."""
        if not self._alias:
            return []
        if self._matcher is None:
            self._matcher = _matcher(tuple(sorted(self._alias)))
        low = self.text[start:end].lower().replace("-", " ")
        out: list[Ref] = []
        for ms, me, alias in self._matcher.find(low):
            body, genitive, generic = self._alias[alias]
            s, e = start + ms, start + me
            if alias.rstrip("s") in self._acronyms and not self.text[s:e].rstrip("s").isupper():
                continue
            if out and body.kind in ("municipality", "region") and out[-1].body.kind in (
                    "committee", "administration") \
                    and _res()["modifier"].match(self.text[out[-1].end : s]):
                last = out[-1]
                out[-1] = Ref(last.start, e, last.body, genitive, last.generic)
                continue
            out.append(Ref(s, e, body, genitive, generic))
        return out


def classify(text: str, ref: Ref, floor: int, earlier: list[Ref]) -> str:
    """What the words around a reference make of it: PAYER ('Regionen bidrar med',
    'finansieras av nämnden', 'Nämndens bidrag'), PAYEE ('till föreningen', 'Föreningen
    beviljas', 'betalar föreningen'), PARTNER ('partnerskap med jouren') or '' (a subject
    with no verb of money, usually the payer). `floor` is where the sentence starts;
    `earlier` the references before this one in it."""
    res = _res()
    window = _data()["refs"]["window"]
    before = text[max(floor, ref.start - window) : ref.start]
    after = text[ref.end : ref.end + window]
    # the longest cue right before wins: 'utan kostnad för föreningen' over 'kostnad för'
    cues = [(m.start(), kind) for kind, m in (
        (PAYEE, res["payee_before"].search(before)), (PAYER, res["payer_before"].search(before)),
        (PARTNER, res["partner_before"].search(before)),
        ("give", res["give_before"].search(before))) if m is not None]
    if cues:
        start, kind = min(cues)
        if kind != "give":
            return kind
        # 'Socialnämnden betalar föreningen' (object) / 'Av beloppet betalar socialnämnden'
        verb_start = ref.start - len(before) + start
        subject = any(r.end <= verb_start for r in earlier)
        return PAYEE if subject else PAYER
    if ref.genitive:
        return PAYER
    if res["receive_after"].match(after):
        return PAYEE
    if res["pay_after"].match(after):
        return PAYER
    if res["speaker_after"].match(after):
        return SPEAKER
    return ""


@cache
def _headings() -> frozenset[str]:
    return frozenset(normalized(w) for w in words("generic_headings"))


def _name_aliases(name: str) -> set[str]:
    """The name before a comma ('Norrköpings Stadsmission, ideell förening') and its key
    and last word, definite forms too ('stadsmissionen')."""
    first = name.split(",")[0].strip()
    if not first or first == name:
        return set()
    out = {normalized(first), party_key(first)}
    key_words = party_key(first).split()
    if key_words and len(key_words[-1]) >= 6:
        head = key_words[-1]
        out.add(head)
        for definite, indefinite in definite_forms():
            if head.endswith(indefinite) and not head.endswith(definite):
                out.add(head[: -len(indefinite)] + definite)
    return {a for a in out if a}


@cache
def _generic_words() -> tuple[str, ...]:
    g = _data()["generic"]
    return (*g["municipality"], *g["region"], *g["committee"], *g["administration"],
            *g["nonprofit"], *table("parties")["generic_references"])


_WORD_CHAR = re.compile(r"[\wåäö]")


class _AliasMatcher:
    """Whole-word occurrences of a document's aliases in a stretch of text: one
    Aho-Corasick pass (a regex of the aliases cost a few milliseconds to compile per
    document). Runs of spaces match one space ('barn- och utbildningsnämnden' reads 'barn
    och ...' once its hyphen is a space); leftmost first, then longest."""

    def __init__(self, aliases: tuple[str, ...]) -> None:
        import ahocorasick_rs

        self.aliases = aliases
        self.automaton = ahocorasick_rs.AhoCorasick(list(aliases))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, alias) in text (already lower case, hyphens as spaces)."""
        squeezed, where = _squeeze(text)
        hits = self.automaton.find_matches_as_indexes(squeezed, overlapping=True)
        hits.sort(key=lambda h: (h[1], h[1] - h[2]))
        out, taken = [], -1
        for index, s, e in hits:
            if s < taken:
                continue
            if (s and _WORD_CHAR.match(squeezed, s - 1)) or _WORD_CHAR.match(squeezed, e):
                continue
            out.append((where[s], where[e - 1] + 1, self.aliases[index]))
            taken = e
        return out


_WHITE_RUN = re.compile(r"\s{2,}|[^\S ]")


def _squeeze(text: str) -> tuple[str, list[int] | range]:
    """The text with every run of white space as one space, and where each character
    came from (most stretches have none to squeeze)."""
    runs = list(_WHITE_RUN.finditer(text))
    if not runs:
        return text, range(len(text))
    parts: list[str] = []
    where: list[int] = []
    position = 0
    for m in runs:
        parts.append(text[position : m.start()])
        where.extend(range(position, m.start()))
        parts.append(" ")
        where.append(m.start())
        position = m.end()
    parts.append(text[position:])
    where.extend(range(position, len(text)))
    return "".join(parts), where


@lru_cache(maxsize=256)
def _matcher(aliases: tuple[str, ...]) -> _AliasMatcher:
    return _AliasMatcher(aliases)


def _one(bodies: list[Body]) -> Body | None:
    """The one body among these, counting names that extend one another ('ABF Sydvästra
    Skåne' and 'ABF Sydvästra Skåne enligt bilaga') as one."""
    keys: list[tuple[str, Body]] = []
    for b in bodies:
        key = party_key(b.name)
        if not any(k == key or key.startswith(k + " ") or k.startswith(key + " ")
                   or key.endswith(" " + k) or k.endswith(" " + key) for k, _ in keys):
            keys.append((key, b))
    return keys[0][1] if len(keys) == 1 else None


def _owner(name: str) -> str:
    """'Västerås stad, individ- och familjenämnden' and 'Västerås stad' belong to one
    municipality: the first word of the key of a public body names it."""
    words = party_key(name).split()
    return words[0] if words else ""


def _nominative(written: str) -> str:
    """'socialnämndens' -> 'Socialnämnden', 'Individ- och familjenämnden' as written."""
    name = written
    low = name.lower()
    if low.endswith(("ens", "ets")):
        name = name[:-1]
    elif low.endswith(("nämnds", "styrelses")):
        name = name[:-1]
    return name[:1].upper() + name[1:]


def _title(name: str) -> str:
    """'GÄVLE KOMMUN' -> 'Gävle kommun'; 'Malmö stad' as written."""
    if name.isupper():
        words = name.split()
        return " ".join([words[0].capitalize(), *(w.lower() for w in words[1:])])
    return name


def named_in_text(text: str, start: int, end: int, role: str) -> Body | None:
    """An organisation the text names as receiver ('till Brottsofferjouren Sjuhärad') or
    payer ('Hela Människan Gävle bidrar med') that is no known party: a body as written.
    Two capitalised words or more, or one whose ending tells an organisation."""
    regex = _res()["named_payee" if role == PAYEE else "named_payer"]
    found = regex.search(text, start, end) if role == PAYEE else regex.match(text[start:end])
    if found is None:
        return None
    name = found.group("name").strip()
    kind = sector(name)
    if len(name.split()) < 2 and kind == "unknown":
        return None
    if normalized(name) in _headings():
        return None
    return Body(name, "nonprofit" if kind == "unknown" else kind, body_kind(name)
                if kind == "public" else "", False)
