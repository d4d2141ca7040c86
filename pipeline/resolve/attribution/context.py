"""What every decider of the attribution reads: the layout of the amounts, the references
to organisations, the spans of time the text writes, the term, and the decisions taken so
far (amounts are decided in reading order, so a table's row can lean on the amount that
leads into it)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from pipeline.extract.patterns import word_alternation
from pipeline.extract.sentences import Lists
from pipeline.lang import table
from pipeline.resolve.attribution.layout import Layout, Slot
from pipeline.resolve.attribution.refs import Body, Ref, References, classify


@dataclass(slots=True)
class Span:
    """A span of time the text writes: a period mention or a span of years."""

    start: int  # offsets in the clean text
    end: int
    first: date
    last: date | None


@dataclass(slots=True)
class Decision:
    """What the attribution says about one amount, each value with the rule that set it."""

    keep: str = ""  # '' or the relevance rule that leaves the amount out
    payer: Body | None = None
    payer_rule: str = ""
    payee: Body | None = None
    payee_rule: str = ""
    basis: str = "unknown"
    basis_rule: str = ""
    period: tuple[date, date | None] | None = None
    period_rule: str = ""
    role: str = ""
    in_kind: bool = False
    own_funds: bool = False
    part_of: int | None = None  # slot index of the total
    row_kind: str = ""  # party / own_funds / total / time / cost ('' when not a row)
    mixed: bool = False  # a total of parts in cash and in kind
    same_as: int | None = None


@cache
def _res() -> dict[str, re.Pattern]:
    d = table("attribution")
    m = d["money"]
    return {
        "own_funds": re.compile(word_alternation(m["own_funds"]), re.I),
        "grant": re.compile(word_alternation(m["grant_words"]), re.I),
        "anaphora": re.compile(m["anaphora"], re.I),
        "recipient": re.compile(word_alternation(m["recipient_table"]), re.I),
        "budget": re.compile(word_alternation(m["budget_header"]), re.I),
        "total": re.compile(word_alternation(table("amount_roles")["total"]), re.I),
    }


def res() -> dict[str, re.Pattern]:
    return _res()


@dataclass(slots=True)
class Context:
    text: str
    kind: str
    layout: Layout
    refs: References
    spans: list[Span]
    term: tuple[date, date | None] | None
    decisions: list[Decision]
    part_rules: dict[int, str] = field(default_factory=dict)  # part -> rule of part_of
    totals: set[int] = field(default_factory=set)  # the slots that have parts
    _classified: dict[tuple[int, int], list[tuple[Ref, str]]] = field(default_factory=dict)
    _span_starts: list[int] = field(default_factory=list)
    _lists: Lists | None = None

    @property
    def lists(self) -> Lists:
        """The text's lists, read when an amount first needs its list's lead line."""
        if self._lists is None:
            self._lists = Lists(self.text)
        return self._lists

    def classified(self, start: int, end: int) -> list[tuple[Ref, str]]:
        """The references in text[start:end] with what their words make of them (cached
        per stretch: a sentence is asked once for all its amounts)."""
        key = (start, end)
        found = self._classified.get(key)
        if found is None:
            refs = self.refs.find(start, end)
            found = [(r, classify(self.text, r, start, refs[:i])) for i, r in enumerate(refs)]
            self._classified[key] = found
        return found

    def sentence_refs(self, slot: Slot) -> list[tuple[Ref, str]]:
        return self.classified(*slot.sentence)

    def spans_in(self, start: int, end: int) -> list[Span]:
        """The spans of time written inside text[start:end] (spans sorted by start)."""
        if len(self._span_starts) != len(self.spans):
            self._span_starts = [s.start for s in self.spans]
        i = bisect_left(self._span_starts, start)
        out = []
        while i < len(self.spans) and self.spans[i].start < end:
            if self.spans[i].end <= end:
                out.append(self.spans[i])
            i += 1
        return out
