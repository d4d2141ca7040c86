"""Periods: the agreement term, funding and allocation periods, notice, follow-up and
payment frequency, indexation — from date ranges, single bounds ('till och med den 31 mars
2024'), durations ('under tre år', 'sex (6) månader') and frequencies ('en gång per
halvår'), classified by the cue words of their sentence (lang/sv/periods.toml).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.component import MentionComponent
from pipeline.extract.doc_text import text_of
from pipeline.extract.numbers import count_regex, count_value
from pipeline.extract.patterns import alternation, word_alternation
from pipeline.extract.prefilter import Prefiltered
from pipeline.extract.sentences import sentences
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "period"


@dataclass(slots=True)
class Frequency:
    start: int
    end: int
    code: str
    times_per_year: float


class PeriodRecognizer(MentionComponent):
    LABEL = LABEL

    def __init__(self) -> None:
        self.data = table("periods")

    @cached_property
    def _res(self) -> dict[str, re.Pattern]:
        d = self.data
        count = count_regex()
        units = alternation(d["duration_units"])
        freq_units = alternation(d["frequency_units"])
        adverbs = alternation(a.replace("_", " ") for a in d["frequency_adverbs"])
        i = re.IGNORECASE
        return {
            "separator": re.compile(
                rf"^\s*(?:{alternation(d['range_separators'])})?\s*(?:den\s+)?$", i),
            "start_cue": re.compile(rf"(?:{alternation(d['start_cues'])})\s*(?:den\s+)?$", i),
            "end_cue": re.compile(rf"(?:{alternation(d['end_cues'])})\s*(?:den\s+)?$", i),
            "duration": re.compile(
                rf"(?P<count>{count})(?:\s+och\s+ett\s+halvt)?\s+(?P<unit>{units})(?![\wåäö])", i),
            "frequency": re.compile(
                rf"(?P<count>{count})\s*(?:{alternation(d['times_words'])})\s*"
                rf"(?:{alternation(d['per_words'])})\s*(?P<unit>{freq_units})(?![\wåäö])", i),
            "adverb": re.compile(rf"(?<![\wåäö])(?P<adverb>{adverbs})(?![\wåäö])", i),
            "term_duration_cue": re.compile(
                word_alternation(d["term_duration_cues"]) + r"[^.\n]{0,20}$", i),
            "kinds": [(k["kind"], re.compile(word_alternation(k["cues"]), i)) for k in d["kinds"]],
            "kind_prefilters": [Prefiltered(re.compile(word_alternation(k["cues"]), i))
                                for k in d["kinds"]],
        }

    def match_doc(self, doc: Doc) -> list[Mention]:
        """Periods are built from the dates the date component found."""
        dates = doc.user_data.get("mentions", {}).get("date", [])
        return self.match(text_of(doc), dates)

    def kind_of(self, sentence: str, possible: list[bool] | None = None) -> str | None:
        """The kind of the first cue list the sentence holds a cue of. `possible[k]` False
        means cue list k cannot match here (see _possible_kinds)."""
        for k, (kind, regex) in enumerate(self._res["kinds"]):
            if (possible is None or possible[k]) and regex.search(sentence):
                return kind
        return None

    def _possible_kinds(self, text: str, spans) -> list[list[bool]]:
        """Per sentence, per cue list: may the sentence hold a cue? A cue can only start
        where one of its list's prefixes is (prefilter): a few fast searches over the text
        per list instead of a regex search per sentence and list."""
        starts = [s for s, _ in spans]
        possible = [[False] * len(self._res["kinds"]) for _ in spans]
        for k, scan in enumerate(self._res["kind_prefilters"]):
            found = scan.prefix_search(text)
            if found is None:
                for row in possible:
                    row[k] = True
                continue
            pos = 0
            while (at := found(pos)) >= 0:
                index = bisect_right(starts, at) - 1
                if index >= 0 and at < spans[index][1]:
                    possible[index][k] = True
                    pos = spans[index][1]  # the sentence is marked: go on after it
                else:
                    pos = at + 1  # between sentences
        return possible

    def frequencies(self, text: str, start: int, end: int) -> list[Frequency]:
        out = []
        sentence = text[start:end]
        for m in self._res["frequency"].finditer(sentence):
            n = count_value(m.group("count"))
            code, per_year = self.data["frequency_units"][m.group("unit").lower()]
            if n:
                out.append(Frequency(start + m.start(), start + m.end(), code, n * per_year))
        if not out:
            for m in self._res["adverb"].finditer(sentence):
                key = re.sub(r"\s+", "_", m.group("adverb").lower())
                code, per_year = self.data["frequency_adverbs"][key]
                out.append(Frequency(start + m.start(), start + m.end(), code, per_year))
        return out

    def durations(self, text: str, start: int, end: int,
                  cue: re.Pattern | None = None) -> list[tuple[int, int, float]]:
        out = []
        for m in self._res["duration"].finditer(text, start, end):
            if cue is not None and not cue.search(text[max(start, m.start() - 40) : m.start()]):
                continue
            n = count_value(m.group("count"))
            if n is None:
                continue
            if re.search(r"\boch\s+ett\s+halvt\b", m.group(0)):
                n += 0.5
            months = n * self.data["duration_units"][m.group("unit").lower()]
            out.append((m.start(), m.end(), months))
        return out

    def match(self, text: str, dates: list[Mention]) -> list[Mention]:
        res = self._res
        out: list[Mention] = []
        spans = sentences(text)
        by_sentence: dict[tuple[int, int], list[Mention]] = {}
        si = 0
        for d in dates:
            while si < len(spans) and spans[si][1] <= d.start:
                si += 1
            if si < len(spans) and spans[si][0] <= d.start:
                by_sentence.setdefault(spans[si], []).append(d)
        possible = self._possible_kinds(text, spans)
        for index, (s, e) in enumerate(spans):
            sentence = text[s:e]
            kind = self.kind_of(sentence, possible[index])
            if kind is None:
                continue
            sdates = [d for d in by_sentence.get((s, e), []) if not d.attrs["placeholder"]]
            ranges = self._ranges(text, sdates, s)
            if kind in ("follow_up", "payment"):
                for f in self.frequencies(text, s, e):
                    out.append(self._mention(text, kind, f.start, f.end, None, None, None,
                                             f.times_per_year, f.code, "period.frequency"))
                continue
            if kind == "notice":
                for ds, de, months in self.durations(text, s, e):
                    out.append(self._mention(text, kind, ds, de, None, None, months, None, "",
                                             "period.notice_duration"))
                continue
            if kind == "term":
                durations = self.durations(text, s, e, res["term_duration_cue"])
                months = durations[0][2] if durations else None
                if ranges:
                    first, last = ranges[0]
                    edges = [(first.start, first.end), (last.start, last.end)]
                    edges += [(ds, de) for ds, de, _ in durations]
                    out.append(self._mention(
                        text, kind, min(x[0] for x in edges), max(x[1] for x in edges),
                        first.attrs["first"], last.attrs["last"], months, None, "",
                        "period.term_range"))
                    continue
                bounds = self._bounds(text, sdates, s)
                if bounds or durations:
                    starts = [d for d, side in bounds if side == "start"]
                    ends = [d for d, side in bounds if side == "end"]
                    pieces = [(d.start, d.end) for d, _ in bounds]
                    pieces += [(a, b) for a, b, _ in durations]
                    out.append(self._mention(
                        text, kind, min(p[0] for p in pieces), max(p[1] for p in pieces),
                        starts[0].attrs["first"] if starts else None,
                        ends[0].attrs["last"] if ends else None, months, None, "",
                        "period.term_bounds"))
                continue
            for first, last in ranges:
                out.append(self._mention(text, kind, first.start, last.end, first.attrs["first"],
                                         last.attrs["last"], None, None, "", "period.range"))
            if kind == "indexation":
                freqs = self.frequencies(text, s, e)
                for d, side in self._bounds(text, sdates, s):
                    out.append(self._mention(
                        text, kind, d.start, d.end, d.attrs["first"] if side == "start" else None,
                        d.attrs["last"] if side == "end" else None, None,
                        freqs[0].times_per_year if freqs else None, "", "period.bound"))
        return out

    def _ranges(self, text: str, dates: list[Mention],
                offset: int) -> list[tuple[Mention, Mention]]:
        out = []
        i = 0
        while i < len(dates):
            a = dates[i]
            b = dates[i + 1] if i + 1 < len(dates) else None
            gap = text[a.end : b.start] if b else ""
            if (b is not None and len(gap) <= 24 and self._res["separator"].match(gap)
                    and a.attrs["first"] <= b.attrs["last"]):
                out.append((a, b))
                i += 2
                continue
            if a.attrs["precision"] == "year":  # 'verksamhetsåret 2020' is a whole year
                out.append((a, a))
            i += 1
        return out

    def _bounds(self, text: str, dates: list[Mention], offset: int) -> list[tuple[Mention, str]]:
        out = []
        for d in dates:
            before = text[max(0, d.start - 30) : d.start]
            if self._res["end_cue"].search(before):
                out.append((d, "end"))
            elif self._res["start_cue"].search(before):
                out.append((d, "start"))
        return out

    @staticmethod
    def _mention(text, kind, start, end, first, last, months, times, frequency, rule) -> Mention:
        return Mention(LABEL, start, end, text[start:end], rule, kind, {
            "kind": kind, "start": first, "end": last,
            "months": int(round(months)) if months is not None else None,
            "times_per_year": times, "frequency": frequency,
        })


@Language.factory("iop_periods")
def make_period_recognizer(nlp: Language, name: str) -> PeriodRecognizer:
    return PeriodRecognizer()
