"""Organisation names: sector from the words they end in, and a canonical form for joining."""

from __future__ import annotations

import re
from functools import cache

from pipeline.lang import table


@cache
def _sector_words() -> list[tuple[str, set[str], set[str], set[str]]]:
    data = table("organisations")["sector"]
    return [(sector, set(data[sector]["endings"]), set(data[sector]["words"]),
             set(data[sector].get("leading", ())))
            for sector in ("public", "nonprofit", "private")]


def sector(name: str, org_number: str = "") -> str:
    tokens = re.findall(r"[\wåäöÅÄÖ().]+", name.lower())
    if org_number and org_number[0] == "2" and name:
        pass  # group 2 holds both municipalities and parishes: the words decide
    for label, endings, words, leading in _sector_words():
        text = " ".join(tokens)
        if tokens and tokens[0] in leading:
            return label
        if any(re.search(rf"(?<![\wåäö]){re.escape(w)}(?![\wåäö])", text) for w in words):
            return label
        if any(t.endswith(e) for t in tokens for e in endings):
            return label
    if org_number:
        return table("organisations")["org_number_group"].get(org_number[0], "unknown")
    return "unknown"


_PUNCTUATION = re.compile(r"[^\wåäöéü ]")
_SPACES = re.compile(r"\s+")


def normalized(name: str) -> str:
    """A join key: lower case, no punctuation, 'Social- och' = 'social och'."""
    key = name.lower().replace("-", " ")
    key = _PUNCTUATION.sub(" ", key)
    return _SPACES.sub(" ", key).strip()
