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
    def spec(self) -> dict[str, tuple[str, str | int]]:
        """Per pattern id: how its match is read (`parse` in dates.toml) and which group
        is the date ('2025' of '2025: 620 000 kr'; 0 is the whole match)."""
        return {p["id"]: (p["parse"], p.get("span_group", 0))
                for p in table("dates")["patterns"]}

    def match(self, text: str) -> list[Mention]:
        taken = TakenSpans()
        out: list[Mention] = []
        for pattern in self.patterns:
            group = self.spec[pattern.id][1]
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
        parse, group = self.spec[rule]
        start, end = m.span(group)
        span = text[start:end]
        read = _READERS[parse](span, m.groupdict())
        if read is None:
            return None
        first, last, precision, placeholder = read
        return Mention(LABEL, start, end, span, rule, first,
                       {"first": first, "last": last, "precision": precision,
                        "placeholder": placeholder})


Read = tuple[date | None, date | None, str, bool] | None  # first, last, precision, placeholder


def _numeric(span: str, groups: dict) -> Read:
    """2023-04-01, 20230401, 1/7 2021; '2022-11-xx' is a placeholder without a date."""
    if "x" in ((groups.get("m") or "") + (groups.get("d") or "")).lower():
        return None, None, "day", True
    day = _safe_date(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    return (day, day, "day", False) if day else None


def _day_in_words(span: str, groups: dict) -> Read:
    day = _dateparser_parse(span.removeprefix("den ").strip())
    return (day, day, "day", False) if day else None


def _month(span: str, groups: dict) -> Read:
    parsed = _dateparser_parse(span)
    return (parsed.replace(day=1), _month_end(parsed), "month", False) if parsed else None


def _years(span: str, groups: dict) -> Read:
    first, last = date(int(groups["y"]), 1, 1), date(int(groups["y2"]), 12, 31)
    if first > last or (groups["sep"].lower() == "och" and last.year != first.year + 1):
        return None  # 'för 2024 och 2026' names two years, not a span
    return first, last, "year", False


def _year(span: str, groups: dict) -> Read:
    year = int(groups["y"])
    return date(year, 1, 1), date(year, 12, 31), "year", False


_READERS = {"numeric": _numeric, "day_in_words": _day_in_words, "month": _month,
            "years": _years, "year": _year}


@Language.factory("iop_dates")
def make_date_recognizer(nlp: Language, name: str) -> DateRecognizer:
    return DateRecognizer()
