"""Kronor amounts: 300 500 kr, 1 725 tkr, 1,8 mnkr, SEK 650 000, 1 725 000:-, and a bare
300 500 where the sentence says it is a cost. Counts of children or places are not amounts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.patterns import Pattern, TakenSpans, alternation, compile_patterns
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "amount"


class AmountRecognizer(MentionComponent):
    """spaCy component: finds amounts in the text and stores them as Mentions."""

    LABEL = LABEL

    def __init__(self) -> None:
        self.data = table("amounts")

    @cached_property
    def patterns(self) -> list[Pattern]:
        data = self.data
        fills = {
            "number": data["number"],
            "grouped_number": data["grouped_number"],
            "unit": alternation(data["units"]),
            "prefix_unit": alternation(data["prefix_units"]),
            "cost_cue": alternation(data["cost_cues"]),
            "not_money": alternation(data["not_money"]),
        }
        return compile_patterns("amounts", fills)

    @cached_property
    def _context(self) -> dict[str, re.Pattern]:
        ctx = self.data["context"]
        return {
            key: re.compile(alternation(ctx[key]), re.IGNORECASE)
            for key in ("per_year", "per_period", "one_off", "ceiling", "in_kind", "vat_excl",
                        "vat_incl")
        }

    def match(self, text: str) -> list[Mention]:
        found: dict[tuple[int, int], Mention] = {}
        taken = TakenSpans()
        for pattern in self.patterns:  # earlier patterns win overlaps
            for m in pattern.finditer(text):
                start = m.start("unit") if "unit" in m.groupdict() and m.group("unit") and \
                    m.start("unit") < m.start("number") else m.start("number")
                end = m.end()
                if taken.overlaps(start, end):
                    continue
                value = self.value(m.group("number"), m.groupdict().get("unit"))
                if value is None:
                    continue
                mention = Mention(LABEL, start, end, text[start:end], pattern.id, value)
                mention.attrs.update(self.context(text, start, end))
                found[(start, end)] = mention
                taken.add(start, end)
        return sorted(found.values(), key=lambda m: m.start)

    def value(self, number: str, unit: str | None) -> int | None:
        factor = 1
        if unit:
            key = re.sub(r"\s+", " ", unit.lower())
            factor = self.data["units"].get(key) or self.data["prefix_units"].get(key, 1)
        digits = number.replace(" ", "")
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", digits):
            digits = digits.replace(".", "")
        digits = digits.replace(",", ".")
        try:
            return int((Decimal(digits) * factor).to_integral_value(ROUND_HALF_UP))
        except InvalidOperation:
            return None

    def context(self, text: str, start: int, end: int) -> dict:
        ctx = self.data["context"]
        before = text[max(0, start - ctx["before"]) : start]
        before = before.rsplit("\n\n", 1)[-1]
        after = text[end : end + ctx["after"]].split("\n\n", 1)[0]
        after_clause = re.split(r"[,;.](?!\d)| och | samt ", after, maxsplit=1)[0]
        c = self._context
        basis = "unknown"
        if c["per_year"].search(after_clause):
            basis = "per_year"
        elif c["per_period"].search(after_clause):
            basis = "per_period"
        last_clause_before = re.split(r"[,;.](?!\d)", before)[-1]
        if basis == "unknown" and (c["one_off"].search(after_clause)
                                   or c["one_off"].search(last_clause_before)):
            basis = "one_off"
        return {
            "basis": basis,
            "ceiling": bool(c["ceiling"].search(last_clause_before[-25:])),
            "in_kind": bool(c["in_kind"].search(last_clause_before)),
            "vat": "excl" if c["vat_excl"].search(after) else
                   "incl" if c["vat_incl"].search(after) else "",
        }


@Language.factory("iop_amounts")
def make_amount_recognizer(nlp: Language, name: str) -> AmountRecognizer:
    return AmountRecognizer()
