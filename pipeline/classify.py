"""Classify a document as agreement, memo or other, and find its title.

Scores weighted signals from lang/sv/document_kinds.toml; `001_...` (an agreement that
lost its title page) is still an agreement because its body names the parties and the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.extract.prefilter import Prefiltered
from pipeline.lang import table, words


@dataclass(frozen=True, slots=True)
class Kind:
    kind: str
    scores: dict[str, int]
    signals: tuple[str, ...]


@cache
def _signals() -> dict[str, list[tuple[str, Prefiltered, int, bool]]]:
    data = table("document_kinds")
    return {
        kind: [
            (s["id"], Prefiltered(re.compile(s["regex"], re.IGNORECASE)), s["weight"],
             s.get("head", False))
            for s in data[kind]
        ]
        for kind in ("agreement", "memo", "other")
    }


def classify(text: str) -> Kind:
    data = table("document_kinds")
    head_end = min(len(text), data["head_chars"])
    scores = {"agreement": 0, "memo": 0}
    fired: list[str] = []
    for kind in scores:
        for signal_id, regex, weight, head_only in _signals()[kind]:
            # search(text, 0, n) reads the text as if it ended at n: it is search(text[:n])
            if regex.search(text, 0, head_end if head_only else len(text)):
                scores[kind] += weight
                fired.append(signal_id)
    best = max(scores, key=lambda k: (scores[k], k == "memo"))
    kind = best if scores[best] >= data["threshold"] else "other"
    # A memo's proposal at the top beats the agreement words it quotes further down.
    if kind == "agreement" and any(s.startswith("kind.memo.proposal") for s in fired):
        kind = "memo"
    return Kind(kind, scores, tuple(fired))


def names_itself_other(text: str) -> bool:
    """Does the document name itself a guideline, register, report or news at the top
    ([[other]] signals)? Such a document holds no agreement's own periods."""
    head_end = min(len(text), table("document_kinds")["head_chars"])
    return any(regex.search(text, 0, head_end if head_only else len(text))
               for _, regex, _, head_only in _signals()["other"])


@cache
def _generic_headings() -> set[str]:
    return {w.lower() for w in words("generic_headings")}


@cache
def _placeholders() -> list[re.Pattern]:
    return [re.compile(p, re.IGNORECASE) for p in table("placeholders")["title_skip"]]


def title(text: str) -> str:
    """The first real line (and the next when it ends in 'avseende', 'om'...).

    Not a placeholder, not a generic section heading: a text that starts with
    "Bakgrund" has lost its title page, and its title is empty.
    """
    span = title_span(text)
    return span[0] if span else ""


def title_span(text: str) -> tuple[str, int, int] | None:
    """The title and the span of the clean text it was read from (for its provenance)."""
    lines = []
    position = 0
    for raw in text.split("\n"):
        stripped = raw.strip(" -–•●*#")
        if stripped:
            start = position + raw.index(stripped)
            lines.append((stripped, start, start + len(stripped)))
        position += len(raw) + 1
    continuations = set(words("title_continuations"))
    for index, (line, start, end) in enumerate(lines):
        if len(line) < 4 or any(p.search(line) for p in _placeholders()):
            continue
        if line.lower().rstrip(":") in _generic_headings():
            return None
        last_word = line.rsplit(" ", 1)[-1].lower()
        if last_word in continuations and index + 1 < len(lines):
            line = f"{line} {lines[index + 1][0]}"
            end = lines[index + 1][2]
        return line[:200], start, end
    return None
