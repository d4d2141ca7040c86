"""The document's own date (documents.date): the day a memo or protocol is dated.

A document names many dates (the agreement's term, meeting days, the law's year); which one
is its own is told by where the date stands: a running header, a 'Datum' label, the memo's
own entry in its list of decision documents. Those cues are data (document_dates.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.extract.dates import DateRecognizer
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention, Page

COLUMNS = ("date", "date_page", "date_char_start", "date_char_end", "date_quote",
           "date_rule_id")


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    where: str
    kinds: frozenset[str]
    before: re.Pattern
    after: re.Pattern
    line: re.Pattern | None


@cache
def cues() -> tuple[Cue, ...]:
    data = table("document_dates")
    words = "|".join(re.escape(w) for w in sorted(data["memo_words"], key=len, reverse=True))

    def compiled(pattern: str) -> re.Pattern:
        return re.compile(pattern.replace("{memo_words}", words))

    return tuple(
        Cue(c["id"], c["where"], frozenset(c["kinds"]), compiled(c["before"]),
            compiled(c["after"]), compiled(c["line"]) if "line" in c else None)
        for c in data["cues"])


def empty_date() -> dict:
    return dict.fromkeys(COLUMNS)


def document_date(clean: CleanText, dates: list[Mention], pages: list[Page], kind: str) -> dict:
    """documents.date and its provenance, or empty columns when no date is the document's."""
    data = table("document_dates")
    for cue in cues():
        if kind not in cue.kinds:
            continue
        if cue.where == "header":
            found = _in_header(cue, pages, data["header_lines"])
            if found:
                return found
            continue
        limit = data["head_chars"] if cue.where == "head" else len(clean.text)
        for mention in dates:
            if mention.start >= limit:
                break
            if _accepts(cue, clean.text, mention):
                p = clean.locate(mention.start, mention.end, cue.id)
                return _row(mention, p.page, p.char_start, p.char_end, p.quote, cue.id)
    return empty_date()


def _accepts(cue: Cue, text: str, mention: Mention) -> bool:
    """Whether the cue accepts the date where it stands. Only a window of context_chars
    around the date is searched: one long line (a 1 MiB text file) stays linear."""
    if mention.value is None or mention.attrs.get("precision") != "day":
        return False
    window = table("document_dates")["context_chars"]
    low, high = max(0, mention.start - window), min(len(text), mention.end + window)
    line_start = text.rfind("\n", low, mention.start) + 1 or low
    above_start = (text.rfind("\n", low, line_start - 1) + 1 or low) if line_start > low else low
    line_end = text.find("\n", mention.end, high)
    line_end = high if line_end == -1 else line_end
    return bool(cue.before.search(text, above_start, mention.start)
                and cue.after.match(text[mention.end:line_end])
                and (cue.line is None or cue.line.search(text, line_start, line_end)))


@cache
def _date_recognizer() -> DateRecognizer:
    """One recognizer per process: building one compiles every date pattern."""
    return DateRecognizer()


def _in_header(cue: Cue, pages: list[Page], lines: int) -> dict | None:
    """The first lines of page 1 as read (offsets are the page's own)."""
    if not pages:
        return None
    page = pages[0]
    limit = min(len(page.text), lines * table("document_dates")["context_chars"])
    end = 0
    for _ in range(lines):
        next_break = page.text.find("\n", end, limit)
        end = limit if next_break == -1 else next_break + 1
    header = page.text[:end]
    for mention in _date_recognizer().match(header):
        if _accepts(cue, header, mention):
            return _row(mention, page.number, mention.start, mention.end, mention.text, cue.id)
    return None


def _row(mention: Mention, page: int, start: int, end: int, quote: str, rule_id: str) -> dict:
    return {"date": mention.value.isoformat(), "date_page": page, "date_char_start": start,
            "date_char_end": end, "date_quote": quote, "date_rule_id": rule_id}
