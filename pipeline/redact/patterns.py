"""The data of `--redact persons`, compiled once: lang/sv/redact.toml and the title words
of lang/sv/signature_titles.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.lang import table


@dataclass(frozen=True)
class Cue:
    role: str
    pattern: re.Pattern  # the cue, the gap after it, then the name (group "name")


@dataclass(frozen=True)
class Patterns:
    cues: tuple[Cue, ...]
    title_after_name: re.Pattern
    title_before_name: re.Pattern
    politician: re.Pattern
    politician_role: str
    under_rule: re.Pattern
    column_gap: re.Pattern
    whole_name: re.Pattern  # a cell that is a name and nothing else
    title_words: tuple[str, ...]
    title_endings: tuple[str, ...]
    title_prefixes: tuple[str, ...]
    not_name_words: frozenset[str]
    not_name_endings: tuple[str, ...]
    phones: tuple[re.Pattern, ...]
    phone_digits: tuple[int, int]
    email: re.Pattern
    personnummer: re.Pattern
    labels: dict[str, str]


@cache
def patterns() -> Patterns:
    data, titles = table("redact"), table("signature_titles")
    name = data["name"]
    gap = data["cue_gap"]
    cues = tuple(
        Cue(cue["role"], re.compile(
            rf"(?<![\wåäöÅÄÖ])(?i:{cue['cue']})(?![\wåäöÅÄÖ]){gap}{name}"))
        for cue in data["cues"])
    return Patterns(
        cues=cues,
        title_after_name=re.compile(data["title_after_name"].replace("{name}", name)),
        title_before_name=re.compile(data["title_before_name"].replace("{name}", name)),
        politician=re.compile(data["politician"].replace("{name}", name)),
        politician_role=data["politician_role"],
        under_rule=re.compile(data["under_rule"].replace("{name}", name)),
        column_gap=re.compile(data["column_gap"]),
        whole_name=re.compile(rf"[*_]*{name}[*_]*"),
        title_words=tuple(w.casefold() for w in titles["words"]),
        title_endings=tuple(w.casefold() for w in [*titles["endings"],
                                                    *data["more_title_endings"]]),
        title_prefixes=tuple(w.casefold() for w in titles["prefixes"]),
        not_name_words=frozenset(w.casefold() for w in data["not_name_words"]),
        not_name_endings=tuple(w.casefold() for w in data["not_name_endings"]),
        phones=tuple(re.compile(p) for p in data["phones"]),
        phone_digits=tuple(data["phone_digits"]),
        email=re.compile(data["email"]),
        personnummer=re.compile(data["personnummer"]),
        labels=dict(data["labels"]),
    )


def is_title(word: str) -> bool:
    """A word that names an office (signature_titles.toml): 'Utvecklingsledare', 'VD'."""
    low = word.casefold().strip(".,:*_")
    p = patterns()
    return bool(low) and (low in p.title_words or low.endswith(p.title_endings))
