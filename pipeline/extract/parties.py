"""Organisations named in a document: the parties (from a 'Parter' section, a 'upprättad
mellan' sentence, a memo's 'partnerskap med X', a list of organisations) and organisations
mentioned in passing. Canonical names are decided later, in resolve.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.organisations import normalized
from pipeline.extract.patterns import alternation, word_alternation
from pipeline.extract.prefilter import Prefiltered
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "organisation"
_I = re.IGNORECASE
_NAME_CHARS = r"[\wåäöÅÄÖéü&.\-]"


class PartyRecognizer(MentionComponent):
    LABEL = LABEL

    def __init__(self) -> None:
        self.data = table("parties")

    @cached_property
    def _res(self) -> dict:
        d = self.data
        return {
            "heading": re.compile(d["heading"], _I),
            # the patterns that scan the whole text skip ahead to their prefixes
            "between": Prefiltered(re.compile(d["between"], _I)),
            "memo_partner": Prefiltered(re.compile(d["memo_partner"], _I)),
            "contact_sentence": Prefiltered(re.compile(d["contact_sentence"], _I)),
            "contact_org": re.compile(d["contact_org"], _I),
            "memo_decider": Prefiltered(re.compile(d["memo_decider"], _I)),
            "memo_decider_nominative": re.compile(d["memo_decider_nominative"]),
            "party_by_verb": Prefiltered(re.compile(d["party_by_verb"])),
            "table_row": re.compile(d["table_row"], re.MULTILINE),
            "list_end": re.compile(d["list_end"], _I),
            "section_heading": re.compile(d["section_heading"]),
            # 'Bakgrund', 'Syfte och mål', 'Stadsmissionens åtaganden': short, no digits
            "section_end": re.compile(
                rf"^[^\S\n]*[\wåäöÅÄÖ-]+(?:\s+[\wåäöÅÄÖ-]+)?\s+"
                rf"{word_alternation(d['section_endings'])}[^\S\n]*:?[^\S\n]*$", _I),
            "section_word": re.compile(
                rf"^[^\S\n]*{word_alternation(d['section_words'])}[^\d,.;:\n]{{0,40}}:?[^\S\n]*$",
                _I),
            "not_party_label": re.compile(rf"^\s*(?:[-–•●*]\s*)?"
                                          rf"{word_alternation(d['not_party_labels'])}"
                                          rf"[^:\n]{{0,40}}:", _I),
            "alias_line": re.compile(d["alias_line"], _I),
            "sector_label": re.compile(
                rf"^\s*(?P<label>{alternation(d['sector_prefixes'])})\s*:?\s*$", _I),
            "form_descriptor": re.compile(d["form_descriptor"]),
            "alias_piece": re.compile(d["alias_piece"], _I),
            "lowercase_body": re.compile(
                rf"^[a-zåäö][\wåäö]*(?:-\s+(?:och|samt)\s+[\wåäö]+)?"
                rf"(?:{alternation(d['lowercase_body_endings'])})$"),
            "prefix": re.compile(rf"^\s*(?:[-–•●*]\s*|\d+[.)]\s*)?"
                                 rf"(?P<prefix>{alternation(d['line_prefixes'])})\s*:\s*", _I),
            "bullet": re.compile(r"^\s*(?:[-–•●*▪]\s*|\d+[.)]\s+|[a-z]\)\s+)"),
            "name_end": re.compile(d["name_end"], _I),
            "sentence_word": re.compile(word_alternation(d["sentence_words"]), _I),
            # 'Polisen', 'Linköpings stadsmission', 'Arbetsmarknads- och socialnämnden'
            "mention": re.compile(
                rf"(?<![\wåäö-])(?:[A-ZÅÄÖ][\wåäö]+s\s+)?"
                rf"(?:[A-ZÅÄÖ][\wåäö]*-[^\S\n]+(?:och|samt|eller)[^\S\n]+[\wåäö-]*"
                rf"|[A-ZÅÄÖ][\wåäö-]*)?"
                rf"(?i:{alternation(d['mention_endings'])})(?![\wåäö])"),
            "mention_ending": Prefiltered(re.compile(alternation(d["mention_endings"]), _I)),
        }

    # -- finding names -------------------------------------------------------------------

    def match(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        found += self._from_sections(text)
        found += self._from_between(text)
        found += self._from_memo(text)
        found += self._from_table_rows(text)
        found += self._from_lists(text, found)
        found += self._contacts(text)
        found += self._mentions(text, found)
        unique: dict[tuple[int, int], Mention] = {}
        for m in found:
            unique.setdefault((m.start, m.end), m)
        return sorted(unique.values(), key=lambda m: m.start)

    def _lines(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        out, pos = [], start
        for line in text[start:end].split("\n"):
            out.append((pos, pos + len(line)))
            pos += len(line) + 1
        return out

    def _from_sections(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        for m in re.finditer(r"(?m)^.*$", text):
            if not self._res["heading"].match(m.group(0)):
                continue
            out += self._party_block(text, m.end() + 1, "party.section")
        return out

    def _from_between(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        for m in self._res["between"].finditer(text):
            line_end = text.find("\n", m.end())
            rest_of_line = text[m.end() : line_end if line_end >= 0 else len(text)]
            if rest_of_line.strip(" :"):
                sentence_end = re.search(r"\.(?:\s|$)|\n", text[m.end():])
                stop = m.end() + (sentence_end.start() if sentence_end else len(text) - m.end())
                cut = self._res["list_end"].search(text, m.end(), stop)
                stop = cut.start() if cut else stop
                out += self._names_in(text, m.end(), stop, "party.between", None)
            else:
                out += self._party_block(text, m.end(), "party.between_list")
        return out

    def _party_block(self, text: str, start: int, rule: str) -> list[Mention]:
        """Party lines after a heading or 'mellan:' until a line that is not a party.

        A sector label on a line of its own ('Offentlig part', 'Idéburna parter') gives the
        sector of the lines under it; contact and address lines are skipped; the next
        section's heading ('2. Bakgrund', 'BAKGRUND') ends the block."""
        out: list[Mention] = []
        after_blank = False
        sector: str | None = None
        for ls, le in self._lines(text, start, min(len(text), start + 2500)):
            line = text[ls:le]
            if not line.strip():
                after_blank = bool(out)
                continue
            if self._res["heading"].match(line):
                continue
            label = self._res["sector_label"].match(line)
            if label:
                sector = self.data["sector_prefixes"].get(
                    re.sub(r"\s+", " ", label.group("label").lower()))
                continue
            if self._res["not_party_label"].match(line) or self._res["alias_line"].match(line):
                continue
            has_number = bool(re.search(r"\d{6}[- ]?\d{4}", line))
            if not has_number and (
                    self._res["section_end"].match(line)
                    or ((self._res["section_heading"].match(line)
                         or self._res["section_word"].match(line))
                        and not self._has_org_word(line))):
                break  # the next section
            if after_blank and not (has_number or self._has_org_word(line)):
                break  # past the parties: the next section's heading ('Ersättning')
            if not has_number and self._is_sentence(line) \
                    and not self._res["prefix"].match(line):
                if out:
                    break  # 'Det åligger föreningen att ...' after the party lines
                continue
            names = self._party_line(text, ls, le, rule, sector)
            if not names:
                if out:
                    break
                if self._looks_like_heading(line):
                    break
                continue
            out += names
        return out

    def _is_sentence(self, line: str) -> bool:
        """A line of running text: several words ending in a full stop, and no party
        line's tail ('..., nedan kallad kommunen.')."""
        stripped = line.strip()
        return (stripped.endswith(".") and len(stripped.split()) > 4
                and not self._res["name_end"].search(stripped))

    @staticmethod
    def _looks_like_heading(line: str) -> bool:
        return len(line) < 60 and not re.search(r"[.,:;]$", line.strip())

    def _party_line(self, text: str, ls: int, le: int, rule: str,
                    sector: str | None = None) -> list[Mention]:
        line = text[ls:le]
        offset = 0
        prefix = self._res["prefix"].match(line)
        if prefix:
            sector = self.data["sector_prefixes"].get(prefix.group("prefix").lower())
            offset = prefix.end()
        else:
            bullet = self._res["bullet"].match(line)
            if bullet:
                offset = bullet.end()
        end = self._res["name_end"].search(line, offset)
        stop = ls + (end.start() if end else len(line))
        if end is None and self._res["sentence_word"].search(line[offset:]):
            return []
        return self._names_in(text, ls + offset, stop, rule, sector)

    def _names_in(self, text: str, start: int, stop: int, rule: str,
                  sector: str | None) -> list[Mention]:
        """Split 'A, B och C' into names; keep 'Svenska kyrkan, X' and 'Nämnden, X kommun'."""
        chunk = text[start:stop]
        pieces: list[tuple[int, int]] = []
        pos = 0
        # split on commas, ' och ' and ' samt ' (not the suspended 'Social- och')
        for sep in re.finditer(r",\s*(?:och\s+|samt\s+)?|(?<!-)\s+(?:och|samt)\s+", chunk):
            pieces.append((pos, sep.start()))
            pos = sep.end()
        pieces.append((pos, len(chunk)))
        merged: list[tuple[int, int]] = []
        for ps, pe in pieces:
            piece = chunk[ps:pe].strip(" .;:*")
            if merged and self._res["alias_piece"].match(piece):
                continue  # 'A, nedan kallad Kommunen, och B': an alias of the name before
            if not piece or (merged and self._res["form_descriptor"].match(piece)):
                continue  # 'X, ideell förening, org.nr ...': the form of the name before
            if merged and self._belongs_to_previous(chunk[merged[-1][0] : merged[-1][1]], piece):
                merged[-1] = (merged[-1][0], pe)
            else:
                merged.append((ps, pe))
        out = []
        for ps, pe in merged:
            cut = self._res["name_end"].search(chunk, ps, pe)
            if cut and cut.start() > ps:
                pe = cut.start()
            raw = chunk[ps:pe]
            lead = len(raw) - len(raw.lstrip(" *"))
            name = raw.strip(" .;:*")
            if rule in ("party.between", "party.memo_partner"):  # running text
                name = self._running_name(name)
            value = name
            if self._res["lowercase_body"].match(name):
                value = name[0].upper() + name[1:]  # 'socialnämnden' in running text
            if not self._is_name(value):
                if rule.startswith("party.between"):
                    continue
                return []
            s = start + ps + lead
            out.append(Mention(LABEL, s, s + len(name), name, rule, value,
                               {"role": "party", "sector_hint": sector}))
        return out

    def _running_name(self, name: str) -> str:
        """A name in running text ends before the sentence goes on: 'Stadsmissionen löper
        ut den 30 juni' is 'Stadsmissionen'; 'Motala Arbetskooperativ ekonomisk förening'
        keeps its words, an organisation word comes last."""
        words = name.split(" ")
        connectors = set(self.data["name_connectors"])

        def carries(word: str) -> bool:
            return word[:1].isupper() or \
                self._has_org_word(word)

        for i in range(1, len(words)):
            w = words[i]
            if w[:1].isupper() or w.lower() in connectors or self._has_org_word(w):
                continue
            if not any(carries(x) for x in words[i + 1 :]):
                kept = words[:i]
                while len(kept) > 1 and kept[-1].lower() in connectors:
                    kept.pop()
                return " ".join(kept)
        return name

    def _belongs_to_previous(self, previous: str, piece: str) -> bool:
        parents, parent_ends, units, municipality_words = _previous_words()
        prev = previous.strip(" .*").lower()
        low = piece.lower()
        if prev in parents or prev.endswith(parent_ends):
            return True
        last_word = prev.rsplit(" ", 1)[-1]
        first_words = low.split()
        if (last_word.endswith(units) and first_words
                and first_words[-1].strip("*") in municipality_words):
            return True
        # 'Lunds kommun, socialnämnden', 'Region Halland, hälso- och sjukvårdsnämnden'
        municipal = last_word.strip("*") in municipality_words or (
            prev.split(" ", 1)[0] in municipality_words and len(prev.split()) == 2)
        return municipal and bool(self._res["lowercase_body"].match(piece.strip(" .;:*")))

    def _is_name(self, name: str) -> bool:
        words = name.split()
        if not words or len(words) > 8 or len(name) > 90:
            return False
        if not re.match(r"[A-ZÅÄÖ0-9\"]", name) and not re.search(r"[A-ZÅÄÖ]", name):
            return False
        if self._res["sentence_word"].search(name):
            return False
        return bool(re.fullmatch(rf"{_NAME_CHARS}+(?:[ ,]+{_NAME_CHARS}+)*", name))

    def _from_memo(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        head = text[:4000]
        head_end = len(head)  # finditer(text, 0, n) is finditer(text[:n]) on the same text
        for m in self._res["memo_decider"].finditer(text, 0, head_end):
            s, e = m.span("name")
            written = text[s:e]
            name = re.sub(r"s$", "", written)
            name = name[0].upper() + name[1:]
            out.append(Mention(LABEL, s, e, written, "party.memo_decider", name,
                               {"role": "party", "sector_hint": "public"}))
        for m in self._res["memo_decider_nominative"].finditer(head):
            s, e = m.span("name")
            out.append(Mention(LABEL, s, e, text[s:e], "party.memo_decider", text[s:e],
                               {"role": "party", "sector_hint": "public"}))
        for m in self._res["memo_partner"].finditer(text, 0, head_end):
            s, e = m.span("names")
            out += [n for n in self._names_in(text, s, e, "party.memo_partner", None)
                    if self._has_org_word(n.text) or self._is_proper_name(n.text)]
        for m in self._res["party_by_verb"].finditer(text, 0, head_end):
            group = "name" if m.group("name") else "name2"
            s, e = m.span(group)
            out.append(Mention(LABEL, s, e, text[s:e], "party.by_verb", text[s:e],
                               {"role": "party", "sector_hint": "public"}))
        return out

    @staticmethod
    def _is_proper_name(name: str) -> bool:
        """Every word capitalised ('Hela Människan Gävle'): a name, not a phrase."""
        words = name.split()
        return len(words) >= 2 and all(w[0].isupper() for w in words)

    @cached_property
    def _org_number_labels(self) -> frozenset[str]:
        return frozenset(normalized(label) for label in table("org_numbers")["labels"])

    def _is_org_number_label(self, name: str) -> bool:
        return normalized(name) in self._org_number_labels

    def _from_table_rows(self, text: str) -> list[Mention]:
        """A register's rows: the organisation in the cell before its org number."""
        out: list[Mention] = []
        if "|" not in text and "\t" not in text:
            return out
        for m in self._res["table_row"].finditer(text):
            s, e = m.span("name")
            name = text[s:e].strip(" *:")
            if (not self._is_name(name) or not re.search(r"[A-Za-zÅÄÖåäö]{2}", name)
                    or self._is_org_number_label(name)):
                continue  # 'Org.nr\t802000-0000' is a label and its number
            s = text.index(name, s)
            out.append(Mention(LABEL, s, s + len(name), name, "party.table_row", name,
                               {"role": "party", "sector_hint": None}))
        return out

    def _has_org_word(self, name: str) -> bool:
        endings = self._org_endings()
        return any(w.endswith(endings) or w.startswith(endings)
                   for w in re.findall(r"[\wåäö]+", name.lower()))

    @cached_property
    def _org_endings_cache(self) -> tuple[str, ...]:
        sectors = table("organisations")["sector"]
        return tuple(e for s in sectors.values() for e in s["endings"])

    def _org_endings(self) -> tuple[str, ...]:
        return self._org_endings_cache

    def _from_lists(self, text: str, found: list[Mention]) -> list[Mention]:
        """A line that is a list of three or more organisation names (slides, summaries)."""
        out: list[Mention] = []
        taken = {(m.start, m.end) for m in found}
        for m in re.finditer(r"(?m)^.{20,400}$", text):
            line = m.group(0)
            if line.count(",") < 2 or re.search(r"\d{3}", line):
                continue
            names = self._names_in(text, m.start(), m.end(), "party.list", None)
            capitalised = [n for n in names if re.match(r"[A-ZÅÄÖ*]", n.text)]
            if len(names) >= 3 and len(capitalised) == len(names):
                out += [n for n in names if (n.start, n.end) not in taken]
        return out

    def _contacts(self, text: str) -> list[Mention]:
        out = []
        for sentence in self._res["contact_sentence"].finditer(text):
            for m in self._res["contact_org"].finditer(text, sentence.start(), sentence.end()):
                s, e = m.span("name")
                name = text[s:e].strip()
                if len(name.split()) <= 8:
                    out.append(Mention(LABEL, s, s + len(name), name, "party.contact",
                                       name[0].upper() + name[1:],
                                       {"role": "contact", "sector_hint": None}))
        return out

    def _mentions(self, text: str, found: list[Mention]) -> list[Mention]:
        """Organisations named in passing. A mention that is the start of a party's name
        ('Kvinno- och tjejjouren' for 'Kvinno- och tjejjouren i Eskilstuna') is that
        party, not another organisation."""
        not_names = set(self.data["not_names"])
        covered = [(m.start, m.end) for m in found]
        starts_of: dict[str, str] = {}  # every leading part of a party's name -> the name
        for m in found:
            if m.attrs["role"] == "party":
                words = normalized(m.value).split()
                for n in range(1, len(words)):
                    starts_of.setdefault(" ".join(words[:n]), m.value)
        out = []
        for m in self._mention_matches(text):
            s, e = m.span()
            name = m.group(0)
            if not re.match(r"[A-ZÅÄÖ]", name) or name.lower() in not_names:
                continue
            if any(cs <= s < ce for cs, ce in covered):
                continue
            whole = starts_of.get(normalized(name))
            out.append(Mention(LABEL, s, e, name, "party.mention", whole or name,
                               {"role": "mentioned", "sector_hint": None}))
        return out

    def _mention_matches(self, text: str) -> Iterator[re.Match]:
        """The mention pattern's finditer(), tried only where a match can start.

        It opens with optional words, so it has no prefix to skip ahead to, but every
        match holds an ending ('föreningen') inside a run of word characters (or '-'), and
        starts at the start of that run or of one of the three words before it ('Röda
        Korsets förening', 'Arbetsmarknads- och socialnämnden'). So the candidates are
        those places for each ending found; the pattern itself decides there, in text
        order, as finditer would.
        """
        regex = self._res["mention"]
        find = self._res["mention_ending"].prefix_search(text)
        if find is None:
            yield from regex.finditer(text)
            return
        starts: set[int] = set()
        at = find(0)
        while at >= 0:
            run = _run_start(text, at)
            starts.add(run)
            for _ in range(3):  # 'Linköpings X- och ynämnden': up to three words before
                before = run
                while before > 0 and text[before - 1].isspace():  # \s is str.isspace
                    before -= 1
                if before == run:
                    break
                run = _run_start(text, before)
                starts.add(run)
            at = find(at + 1)
        pos = 0
        for start in sorted(starts):
            if start < pos:
                continue
            m = regex.match(text, start)
            if m is not None:
                yield m
                pos = m.end()


@cache
def _previous_words() -> tuple[frozenset[str], tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """parties.toml's words for _belongs_to_previous, as sets and endswith() tuples."""
    d = table("parties")
    parents = tuple(d["parent_prefixes"])
    return (frozenset(parents), tuple(" " + p for p in parents), tuple(d["unit_words"]),
            frozenset(d["municipality_words"]))


def _run_start(text: str, end: int) -> int:
    """Where the run of word characters and hyphens that ends at `end` starts."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_-åäö"):
        start -= 1  # [\wåäö-]: \w is str.isalnum() or '_'
    return start


@Language.factory("iop_parties")
def make_party_recognizer(nlp: Language, name: str) -> PartyRecognizer:
    return PartyRecognizer()
