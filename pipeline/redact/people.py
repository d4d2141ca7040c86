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

from collections import defaultdict
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


def trimmed(name: str) -> str:
    """A name candidate without the title or organisation words a greedy match took in
    after it ('Anna Svensson Utvecklingsledare' -> 'Anna Svensson')."""
    parts = name.split()
    while len(parts) > 2 and (is_title(parts[-1]) or sector(parts[-1]) != "unknown"
                              or parts[-1].casefold() in patterns().not_name_words):
        parts.pop()
    return " ".join(parts)


def in_text(text: str) -> list[tuple[int, str, str]]:
    """(position, name, role) of the persons the text names after a cue or beside a title,
    in order."""
    p = patterns()
    found = []
    for cue in p.cues:
        for match in cue.pattern.finditer(text):
            name = trimmed(match.group("name"))
            if plausible_name(name):
                found.append((match.start("name"), name, cue.role))
    for pattern in (p.title_after_name, p.title_before_name):
        for match in pattern.finditer(text):
            title = match.group("title")
            if not is_title(title):
                continue
            name = trimmed(match.group("name"))
            if plausible_name(name):
                found.append((match.start("name"), name, title[:1].upper() + title[1:].lower()))
    for match in p.email.finditer(text):
        mailbox = match.group().split("@", 1)[0]
        parts = [part for part in mailbox.split(".") if part]
        if 2 <= len(parts) <= 3 and all(part.isalpha() and len(part) > 1 for part in parts):
            written = " ".join(part[:1].upper() + part[1:] for part in parts)
            index = text.find(written)
            if index >= 0 and plausible_name(written):
                found.append((index, written, ""))
    found.sort(key=lambda item: item[0])
    return found


def keyed(name: str) -> tuple[str, ...] | None:
    """The key a name is searched by, None for a name of one word (it is replaced where a
    table says it stands, never searched for in the text)."""
    key = name_key(name)
    return key if len(key) >= 2 else None
