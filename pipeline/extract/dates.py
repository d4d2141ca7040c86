"""Dates: ISO, compact (20230401), '31 mars 2024', '1/7 2021', 'april 2023', 'verksamhetsåret
2020', and placeholders such as '2022-11-xx' (kept as text, no date).

Our patterns find the spans; textual ones are parsed by dateparser (Swedish), never
search_dates over whole texts (it reads 'är en' and '7-20 år' as dates).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cache, cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.patterns import Pattern, TakenSpans, alternation, compile_patterns
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "date"


@cache
def _dateparser_parse(text: str) -> date | None:
    import dateparser

    parsed = dateparser.parse(
        text, languages=["sv"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first",
                  "REQUIRE_PARTS": ["month", "year"]},
    )
    return parsed.date() if parsed else None


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


class DateRecognizer(MentionComponent):
    LABEL = LABEL

    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("dates", {"month": alternation(table("months")["months"])})

    @cached_property
    def span_groups(self) -> dict[str, str]:
        """Patterns whose date is one group of the match ('2025' of '2025: 620 000 kr')."""
        return {p["id"]: p["span_group"] for p in table("dates")["patterns"]
                if "span_group" in p}

    def match(self, text: str) -> list[Mention]:
        taken = TakenSpans()
        out: list[Mention] = []
        for pattern in self.patterns:
            group = self.span_groups.get(pattern.id, 0)
            for m in pattern.finditer(text):
                start, end = m.span(group)
                if taken.overlaps(start, end):
                    continue
                mention = self._mention(pattern.id, m, text)
                if mention is None:
                    continue
                taken.add(start, end)
                out.append(mention)
        return sorted(out, key=lambda x: x.start)

    def _mention(self, rule: str, m: re.Match, text: str) -> Mention | None:
        start, end = m.span(self.span_groups.get(rule, 0))
        span = text[start:end]
        groups = m.groupdict()
        first = last = None
        precision = "day"
        placeholder = False
        if rule in ("date.iso", "date.compact", "date.slash"):
            if "x" in (groups.get("m", "") + groups.get("d", "")).lower():
                placeholder = True
            else:
                first = last = _safe_date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
                if first is None:
                    return None
        elif rule == "date.day_month_year":
            first = last = _dateparser_parse(span.removeprefix("den ").strip())
            if first is None:
                return None
        elif rule == "date.month_year":
            precision = "month"
            parsed = _dateparser_parse(span)
            if parsed is None:
                return None
            first, last = parsed.replace(day=1), _month_end(parsed)
        elif rule == "date.years":
            precision = "year"
            first, last = date(int(groups["y"]), 1, 1), date(int(groups["y2"]), 12, 31)
            if first > last or (groups["sep"].lower() == "och"
                                and last.year != first.year + 1):
                return None  # 'för 2024 och 2026' names two years, not a span
        elif rule in ("date.year", "date.year_row", "date.year_after_amount"):
            precision = "year"
            year = int(groups["y"])
            first, last = date(year, 1, 1), date(year, 12, 31)
        return Mention(LABEL, start, end, span, rule, first,
                       {"first": first, "last": last, "precision": precision,
                        "placeholder": placeholder})


@Language.factory("iop_dates")
def make_date_recognizer(nlp: Language, name: str) -> DateRecognizer:
    return DateRecognizer()
