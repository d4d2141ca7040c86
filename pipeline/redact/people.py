"""Who the natural persons of a document are, and the role label each is replaced with.

A person is found
- in the signatories table (the name under a signature line),
- after a cue in the text ("Kontaktperson: Anna Svensson", "Beslutet skickas till:" and a
  name on the next line, "Handläggare Anna Svensson"; lang/sv/redact.toml),
- beside a title ("Anna Tell, Utvecklingsledare ...", "förvaltningschef Anna Svensson"),
- as the mailbox of an e-mail address written as first.last, when the document writes
  that name with capitals ("anna.tell@..." and "Anna Tell").
Each name found anywhere in the archive is then replaced wherever it is written, in any
document, in any case and with any white space between its words.

Labels are given per document, in the order the persons are met: signatories first
("Undertecknare 1 för Västerås stad", numbered per party), then the persons after cues and
titles ("Kontaktperson 1", "Utvecklingsledare 1", numbered per role), then names known
from other documents ("Person 1").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from pipeline.identity import sector
from pipeline.redact.patterns import is_title, patterns
from pipeline.redact.text import WORD, name_key


@dataclass(slots=True)
class DocumentPeople:
    """The labels of one document's persons, by name key."""

    labels: dict[tuple[str, ...], str] = field(default_factory=dict)
    counters: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, key: tuple[str, ...], kind: str, role: str = "", party: str = "") -> str:
        if key in self.labels:
            return self.labels[key]
        labels = patterns().labels
        self.counters[(kind, role or party)] += 1
        n = self.counters[(kind, role or party)]
        if kind == "signatory":
            label = (labels["signatory"].format(n=n, party=party) if party
                     else labels["signatory_no_party"].format(n=n))
        elif kind == "role":
            label = labels["role"].format(role=role, n=n)
        else:
            label = labels["person"].format(n=n)
        self.labels[key] = label
        return label


def plausible_name(name: str) -> bool:
    """Two or more words, none of them a title or a word of an organisation's name."""
    p = patterns()
    parts = [m.group() for m in WORD.finditer(name)]
    if len(parts) < 2:
        return False
    for part in parts:
        low = part.casefold()
        if (low in p.not_name_words or low.endswith(p.not_name_endings) or is_title(part)
                or low in p.title_prefixes):
            return False
    return sector(name) == "unknown"


def _not_a_name_word(word: str) -> bool:
    """A title (also in its definite form: 'Ordföranden'), an organisation's word or a
    word of not_name_words."""
    return (is_title(word) or any(is_title(word[:-n]) for n in (1, 2) if len(word) > n + 2)
            or sector(word) != "unknown" or word.casefold() in patterns().not_name_words)


def trimmed(name: str) -> str:
    """A name candidate without the titles or organisation words a greedy match took in
    before or after it ('Ordföranden Per-Olof Andersson' -> 'Per-Olof Andersson',
    'Anna Svensson Utvecklingsledare' -> 'Anna Svensson')."""
    parts = name.split()
    while len(parts) > 2 and _not_a_name_word(parts[0]):
        parts.pop(0)
    while len(parts) > 2 and _not_a_name_word(parts[-1]):
        parts.pop()
    return " ".join(parts)


def _named_on_its_line(text: str, match: re.Match, name: str) -> bool:
    """A name that its line goes on to make an organisation's ('Motala Arbetskooperativ
    ekonomisk förening') is none."""
    start = match.start("name")
    end = text.find("\n", start)
    line = text[start:end if end >= 0 else len(text)].split(",")[0]
    return sector(line) == "unknown" or len(line.split()) == len(name.split())


def in_text(text: str, organisations: frozenset[tuple[str, ...]] = frozenset()
            ) -> list[tuple[int, str, str]]:
    """(position, name, role) of the persons the text names after a cue or beside a title,
    in order. A name that is (part of) an organisation's name the archive knows (its
    words, in order, among `organisations`) is none."""
    p = patterns()
    found = []

    def person(match: re.Match) -> str | None:
        name = trimmed(match.group("name"))
        if (plausible_name(name) and _named_on_its_line(text, match, name)
                and name_key(name) not in organisations):
            return name
        return None

    for cue in p.cues:
        for match in cue.pattern.finditer(text):
            name = person(match)
            if name:
                found.append((match.start("name"), name, cue.role))
    for pattern in (p.title_after_name, p.title_before_name):
        for match in pattern.finditer(text):
            title = match.group("title")
            name = person(match) if is_title(title) else None
            if name:
                found.append((match.start("name"), name, _role(title)))
    for match in p.politician.finditer(text) if ")" in text else ():
        name = person(match)
        if name:
            found.append((match.start("name"), name, p.politician_role))
    for match in p.under_rule.finditer(text):
        name = person(match)
        if name:
            found.append((match.start("name"), name, "Undertecknare"))
    for position, name, title in _stacked(text):
        if name_key(name) not in organisations:
            found.append((position, name, _role(title)))
    for match in p.email.finditer(text):
        mailbox = match.group().split("@", 1)[0]
        parts = [part for part in mailbox.split(".") if part]
        if 2 <= len(parts) <= 3 and all(part.isalpha() and len(part) > 1 for part in parts):
            written = " ".join(part[:1].upper() + part[1:] for part in parts)
            index = text.find(written)
            if (index >= 0 and plausible_name(written)
                    and name_key(written) not in organisations):
                found.append((index, written, ""))
    found.sort(key=lambda item: item[0])
    return found


def _role(title: str) -> str:
    title = title.strip(",.:;*_()")
    return title[:1].upper() + title[1:].lower()


def _cells(line: str, offset: int) -> list[tuple[int, str]]:
    """(position, text) of a line's cells: columns two spaces or more (or a tab) apart."""
    out, start = [], 0
    for gap in patterns().column_gap.finditer(line):
        if line[start:gap.start()].strip():
            out.append((offset + start, line[start:gap.start()].strip()))
        start = gap.end()
    if line[start:].strip():
        out.append((offset + start + len(line[start:]) - len(line[start:].lstrip()),
                    line[start:].strip()))
    return out


def _stacked(text: str) -> list[tuple[int, str, str]]:
    """(position, name, title) of names in a line of names with a line of titles just
    under or over it (one blank line between at most): memos' and protocols' signature
    blocks, one column per person."""
    p = patterns()
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, line))
        offset += len(line) + 1
    found = []
    for index, (offset, line) in enumerate(lines):
        cells = _cells(line, offset)
        names = [(pos, cell) for pos, cell in cells
                 if p.whole_name.fullmatch(cell) and plausible_name(cell.strip("*_"))]
        if not names or len(names) != len(cells):
            continue
        for step in (1, 2, -1, -2):
            other = index + step
            if not 0 <= other < len(lines):
                continue
            if abs(step) == 2 and lines[index + step // 2][1].strip():
                continue  # not a blank line between
            titles = [cell for _, cell in _cells(lines[other][1], lines[other][0])]
            if titles and all(is_title(cell.split()[0].strip(",.:;")) for cell in titles):
                for column, (pos, cell) in enumerate(names):
                    title = titles[column] if len(titles) == len(names) else titles[0]
                    found.append((pos, cell.strip("*_"), title.split()[0]))
                break
    return found


def keyed(name: str) -> tuple[str, ...] | None:
    """The key a name is searched by, None for a name of one word (it is replaced where a
    table says it stands, never searched for in the text)."""
    key = name_key(name)
    return key if len(key) >= 2 else None


def organisation_keys(names: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Every run of two to six words, in order, of the organisations' names: a person
    candidate with such a key is part of an organisation's name."""
    keys = set()
    for name in names:
        words_ = name_key(name)
        for n in range(2, min(len(words_), 6) + 1):
            for i in range(len(words_) - n + 1):
                keys.add(words_[i:i + n])
    return frozenset(keys)
