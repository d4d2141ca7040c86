"""Kronor amounts: 300 500 kr, 1 725 tkr, 1,8 mnkr, SEK 650 000, 250 000 SEK, kr 950 000,
1 725 000:-, amounts in words (trehundratjugotusen (320 000) kronor, en miljon kronor, en
halv miljon kronor), millions without "kronor" where the sentence is about money (3,2
miljoner), a bare 300 500 where the sentence says it is a cost, and the rows of a money
table flattened one per line ("Lokalhyra 48 000" under "Budget per år, kronor").

An amount restated in parentheses ("1 560 000 kronor (1,56 mnkr)") is one mention. Counts
of children or places are not amounts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.money_tables import money_rows
from pipeline.extract.numbers import (
    compound_regex,
    compound_value,
    half_words,
    large_words,
)
from pipeline.extract.patterns import (
    Pattern,
    TakenSpans,
    alternation,
    compile_patterns,
    word_alternation,
)
from pipeline.extract.prefilter import Prefiltered
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "amount"
# The groups a pattern's amount is made of: the mention spans them (not a cue before).
_AMOUNT_GROUPS = ("unit", "number", "words")
_WORDS_BACK = 90  # characters read back from a unit for the words of an amount


class AmountRecognizer(MentionComponent):
    """spaCy component: finds amounts in the text and stores them as Mentions."""

    LABEL = LABEL

    def __init__(self) -> None:
        self.data = table("amounts")

    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("amounts", self._fills)

    @cached_property
    def _fills(self) -> dict[str, str]:
        data = self.data
        return {
            "number": data["number"],
            "grouped_number": data["grouped_number"],
            "unit": alternation(data["units"]),
            "prefix_unit": alternation(data["prefix_units"]),
            "word_unit": alternation(data["word_units"]),
            "cost_cue": alternation(data["cost_cues"]),
            "not_money": alternation(data["not_money"]),
            "compound": compound_regex(),
            "large": alternation(large_words()),
            "half": alternation(half_words()),
        }

    @cached_property
    def anchored(self) -> list[tuple[str, Prefiltered, re.Pattern, bool]]:
        """(rule id, the unit's regex, the words before it, needs a money sentence)."""
        out = []
        for spec in self.data["anchored"]:
            anchor, before = spec["anchor"], spec["before"]
            for key, value in self._fills.items():
                anchor = anchor.replace("{" + key + "}", value)
                before = before.replace("{" + key + "}", value)
            out.append((spec["id"], Prefiltered(re.compile(anchor, re.IGNORECASE)),
                        re.compile(before, re.IGNORECASE), bool(spec.get("money_context"))))
        return out

    @cached_property
    def _res(self) -> dict[str, re.Pattern]:
        ctx = self.data["context"]
        out = {
            key: re.compile(alternation(ctx[key]), re.IGNORECASE)
            for key in ("one_off", "ceiling", "vat_excl", "vat_incl")
        }
        for key in ("per_year", "per_month", "per_period"):  # 'årsvis' is not 'halvårsvis'
            out[key] = re.compile(r"(?<![\wåäö])" + alternation(ctx[key]), re.IGNORECASE)
        for key in ("per_year_before", "per_month_before"):
            out[key] = re.compile(word_alternation(ctx[key]) + r"[^,.;]*$", re.IGNORECASE)
        kind = self.data["in_kind"]
        thing = word_alternation(kind["things"])
        for key in ("clause_break", "valued", "cash", "strong", "strong_after"):
            out["kind_" + key] = re.compile(kind[key].replace("{thing}", thing), re.IGNORECASE)
        out["kind_thing"] = re.compile(f"{thing}|{kind['thing_phrases']}", re.IGNORECASE)
        out["money"] = re.compile(r"(?<![\wåäö])" + alternation(self.data["money_words"]),
                                  re.IGNORECASE)
        out["between"] = re.compile(self.data["restatement_between"])
        out["after"] = re.compile(self.data["restatement_after"])
        # a clause ends at punctuation, 'och'/'samt', or a line that starts a new row
        out["clause_end"] = re.compile(r"[,;.](?!\d)| och | samt |\n(?=[A-ZÅÄÖ0-9])")
        out["clause_before"] = re.compile(r"[,;.](?!\d)")
        out["spaces"] = re.compile(r"\s+")
        out["sentence_end"] = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ])|\n")
        out["dotted"] = re.compile(r"\d{1,3}(?:\.\d{3})+")
        return out

    def match(self, text: str) -> list[Mention]:
        found: list[Mention] = []
        taken = TakenSpans()
        self._anchored(text, taken, found)
        for pattern in self.patterns:  # earlier patterns win overlaps
            for m in pattern.finditer(text):
                groups = m.groupdict()
                start = min(m.start(g) for g in _AMOUNT_GROUPS if groups.get(g) is not None)
                end = m.end()
                if taken.overlaps(start, end):
                    continue
                value = self.value_of(groups)
                if value is None:
                    continue
                found.append(Mention(LABEL, start, end, text[start:end], pattern.id, value))
                taken.add(start, end)
        self._table_cells(text, taken, found)
        found.sort(key=lambda m: m.start)
        found = self._merge_restatements(text, found)
        previous_end = 0
        for mention in found:
            mention.attrs.update(self.context(text, mention.start, mention.end, previous_end))
            previous_end = mention.end
        return found

    def _anchored(self, text: str, taken: TakenSpans, found: list[Mention]) -> None:
        """Amounts in words, read back from their unit: 'trehundratjugotusen (320 000)
        kronor', 'en halv miljon kronor', 'fyra miljoner' (where the sentence is about
        money)."""
        for rule, anchor, before, needs_money in self.anchored:
            for a in anchor.finditer(text):
                k = a.start() - 1
                while k >= 0 and text[k] == " ":
                    k -= 1
                if k < 0 or (text[k].isdigit() and rule == self.data["words_rule"]):
                    continue  # '300 500 kr': figures, found by the patterns below
                window_start = max(0, a.start() - _WORDS_BACK)
                m = before.search(text[window_start : a.start()])
                if m is None:
                    continue
                start, end = window_start + m.start(), a.end()
                if taken.overlaps(start, end):
                    continue
                if needs_money and not self._about_money(text, start, end):
                    continue
                groups = {**m.groupdict(), **{k: v for k, v in a.groupdict().items() if v}}
                value = self.value_of(groups)
                if value is None:
                    continue
                found.append(Mention(LABEL, start, end, text[start:end], rule, value))
                taken.add(start, end)

    def _table_cells(self, text: str, taken: TakenSpans, found: list[Mention]) -> None:
        """'Lokalhyra 48 000' under a header 'Budget per år, kronor': amount.table_cell."""
        rule = self.data["money_table"]["table_cell_rule"]
        for row in money_rows(text):
            start, end = row.number_start, row.number_end
            if taken.overlaps(start, end):
                continue
            value = self.value(text[start:end], None)
            if value is None:
                continue
            found.append(Mention(LABEL, start, end, text[start:end], rule,
                                 value * row.header.factor))
            taken.add(start, end)

    def _about_money(self, text: str, start: int, end: int) -> bool:
        window = text[max(0, start - 80) : end + 80]
        return bool(self._res["money"].search(window))

    def _merge_restatements(self, text: str, found: list[Mention]) -> list[Mention]:
        """'1 560 000 kronor (1,56 mnkr)': the parenthesised repeat of the same value is
        part of the first mention, not an amount of its own."""
        out: list[Mention] = []
        for m in found:
            last = out[-1] if out else None
            if last is not None and last.value == m.value \
                    and self._res["between"].match(text[last.end : m.start]):
                close = self._res["after"].match(text, m.end)
                if close:
                    last.end = close.end()
                    last.text = text[last.start : last.end]
                    continue
            out.append(m)
        return out

    def value_of(self, groups: dict) -> int | None:
        """The value a pattern's groups spell: figures, or words, times the unit."""
        if groups.get("number") is not None:
            if groups.get("large"):
                number = self._decimal(groups["number"])
                if number is None:
                    return None
                return self._whole(number * large_words()[groups["large"].lower()])
            return self.value(groups["number"], groups.get("unit"))
        words = groups.get("words")
        if words is None:
            return None
        base = compound_value(words)
        if base is None:
            return None
        amount = Decimal(base)
        half = groups.get("half")
        if half:
            # 'en halv miljon' (the 'en' is the article), 'två och en halv miljon'
            amount = amount + Decimal("0.5") if "och" in half.lower() else Decimal("0.5")
        if groups.get("large"):
            amount *= large_words()[groups["large"].lower()]
        elif half:
            return None  # 'en halv krona' is not an amount we record
        return self._whole(amount * self._unit_factor(groups.get("unit")))

    def _unit_factor(self, unit: str | None) -> int:
        if not unit:
            return 1
        key = self._res["spaces"].sub(" ", unit.lower())
        return self.data["units"].get(key) or self.data["prefix_units"].get(key, 1)

    def value(self, number: str, unit: str | None) -> int | None:
        amount = self._decimal(number)
        return None if amount is None else self._whole(amount * self._unit_factor(unit))

    def _decimal(self, number: str) -> Decimal | None:
        """'1 725 000', '1.725.000', '1,8', '12 500,50' as a number."""
        digits = number.replace(" ", "")
        if self._res["dotted"].fullmatch(digits):
            digits = digits.replace(".", "")
        try:
            return Decimal(digits.replace(",", "."))
        except InvalidOperation:
            return None

    @staticmethod
    def _whole(amount: Decimal) -> int:
        return int(amount.to_integral_value(ROUND_HALF_UP))

    def context(self, text: str, start: int, end: int, previous_end: int = 0) -> dict:
        """What the words right around the amount say: basis, ceiling, in kind, VAT."""
        ctx = self.data["context"]
        res = self._res
        before = text[max(0, previous_end, start - ctx["before"]) : start]
        before = before.rsplit("\n\n", 1)[-1]
        # the amount's own stretch of its sentence (since the amount before it)
        own = text[max(0, previous_end, start - ctx["own_clause"]) : start]
        own = res["sentence_end"].split(own)[-1]
        after = text[end : end + ctx["after"]].split("\n\n", 1)[0]
        after_clause = res["clause_end"].split(after, maxsplit=1)[0]
        last_clause_before = res["clause_before"].split(before)[-1]
        basis = "unknown"
        if res["per_month"].search(after_clause):
            basis = "per_month"
        elif res["per_year"].search(after_clause):
            basis = "per_year"
        elif res["per_period"].search(after_clause):
            basis = "per_period"
        elif res["one_off"].search(after_clause) or res["one_off"].search(last_clause_before):
            basis = "one_off"
        elif res["per_month_before"].search(last_clause_before.rsplit("\n", 1)[-1]):
            basis = "per_month"
        elif res["per_year_before"].search(last_clause_before.rsplit("\n", 1)[-1]):
            basis = "per_year"  # on its own line: a header above says nothing here
        return {
            "basis": basis,
            "ceiling": bool(res["ceiling"].search(last_clause_before[-25:])),
            "in_kind": self._in_kind(own, after_clause),
            "vat": "excl" if res["vat_excl"].search(after) else
                   "incl" if res["vat_incl"].search(after) else "",
        }

    def _in_kind(self, own: str, after_clause: str) -> bool:
        """A contribution in kind: a valuation of an in-kind thing in the amount's own
        clause ('lokaler utan kostnad, värderade till'), or words that say so right before
        or after it ('ideella insatser om', 'i form av personal'); never the value of the
        agreement or a total, a cost, or 'i form av ett verksamhetsbidrag'."""
        res = self._res
        clause = res["kind_clause_break"].split(own)[-1]
        if res["kind_cash"].search(clause):
            return False
        if res["kind_strong"].search(clause) or res["kind_strong_after"].match(after_clause):
            return True
        return bool(res["kind_valued"].search(clause) and res["kind_thing"].search(clause))


@Language.factory("iop_amounts")
def make_amount_recognizer(nlp: Language, name: str) -> AmountRecognizer:
    return AmountRecognizer()
