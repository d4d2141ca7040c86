"""Periods: the agreement term, funding and allocation periods, notice, follow-up and
payment frequency, indexation — from date ranges, single bounds ('till och med den 31 mars
2024'), durations ('under tre år', 'sex (6) månader', 'treårig') and frequencies ('en gång
per halvår', 'varje kvartal'), classified by the cue words of their sentence
(lang/sv/periods.toml).

Three steps: the dates of each sentence (`_dates_by_sentence`); per sentence, every kind
whose cue it holds reads what its `reads` attribute names (`_read_sentence`); then the
document's periods as a whole (`_agreement_periods`): periods of another agreement than
this one (the current, the original) are dropped, an extension's term starts where the
extended term started, and a table of yearly amounts with a total holds allocations.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.component import MentionComponent
from pipeline.extract.doc_text import text_of
from pipeline.extract.numbers import count_regex, count_value, number_words
from pipeline.extract.patterns import alternation, word_alternation
from pipeline.extract.prefilter import Prefiltered
from pipeline.extract.sentences import sentences
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "period"
# What a kind may read (periods.toml, `reads`); the first three read the sentence's dates.
DATE_READERS = frozenset({"term", "ranges", "bounds"})
READERS = DATE_READERS | {"duration", "frequency"}


@dataclass(slots=True)
class Frequency:
    start: int
    end: int
    code: str
    times_per_year: float


@dataclass(slots=True)
class Duration:
    start: int
    end: int
    months: float
    genitive: bool = False  # 'sex månaders': it modifies the noun after it


@dataclass(frozen=True, slots=True)
class KindRule:
    """One [[kinds]] entry of periods.toml."""

    id: str
    kind: str
    reads: frozenset[str]
    cue: re.Pattern
    reach: int  # how far a duration or frequency may stand from a cue
    cue_first: bool = False  # a duration after a cue, or a genitive one before it
    before: re.Pattern | None = None  # a cue counts only where the text before it ends so
    after: re.Pattern | None = None  # ... or the text after it starts so

    @property
    def takes_dates(self) -> bool:
        return bool(self.reads & DATE_READERS)

    def holds(self, sentence: str) -> bool:
        """Does the sentence hold one of the rule's cues (in its context, if it has one)?"""
        if self.before is None and self.after is None:
            return bool(self.cue.search(sentence))
        for m in self.cue.finditer(sentence):
            if ((self.before is not None
                 and self.before.search(sentence, max(0, m.start() - 80), m.start()))
                    or (self.after is not None
                        and self.after.match(sentence, m.end(), m.end() + 80))):
                return True
        return False

    def holds_in(self, text: str, start: int, end: int,
                 first: Callable[[int], int] | None) -> bool:
        """holds(text[start:end]), trying the cue only where one of its prefixes stands
        (`first`: the prefilter's next prefix place at or after a position, in the whole
        text; every match in the slice starts at such a place). Matches are taken in text
        order without overlap, as finditer() would."""
        sentence = text[start:end]
        if first is None:
            return self.holds(sentence)
        plain = self.before is None and self.after is None
        pos = 0
        at = first(start)
        while 0 <= at < end:
            k = at - start
            if k >= pos:
                m = self.cue.match(sentence, k)
                if m is not None:
                    if plain or (
                            (self.before is not None
                             and self.before.search(sentence, max(0, m.start() - 80), m.start()))
                            or (self.after is not None
                                and self.after.match(sentence, m.end(), m.end() + 80))):
                        return True
                    pos = m.end()
            at = first(at + 1)
        return False


@dataclass(slots=True)
class Sentence:
    """A sentence as the readers see it: its span, its dates, and the durations and
    frequencies some kind has already read (another kind does not read them again)."""

    start: int
    end: int
    dates: list[Mention]
    background: tuple[tuple[int, int], ...] = ()  # clauses about another agreement
    proposal: bool = False  # the sentence proposes or decides the agreement
    taken: set[tuple[int, int]] = field(default_factory=set)
    found_durations: list[Duration] | None = None  # read once, for every kind
    found_frequencies: list[Frequency] | None = None

    def background_at(self, position: int) -> bool:
        """Is `position` in a clause about another agreement?"""
        i = bisect_right(self.background, (position, 10**12)) - 1
        return i >= 0 and position < self.background[i][1]

    def free(self, start: int, end: int) -> bool:
        """Not read yet by another kind (the same span: durations and frequencies are
        each read by one pattern, so a taken one is the very same match)."""
        return (start, end) not in self.taken


def add_months(day: date, months: int) -> date:
    """The day before the same day `months` later: 2024-04-01 + 24 -> 2026-03-31."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1])) - timedelta(1)


class PeriodRecognizer(MentionComponent):
    LABEL = LABEL

    def __init__(self) -> None:
        self.data = table("periods")

    @cached_property
    def rules(self) -> tuple[KindRule, ...]:
        out = []
        for k in self.data["kinds"]:
            reads = frozenset(k["reads"])
            if not reads <= READERS:
                raise ValueError(f"{k['id']}: unknown reads {sorted(reads - READERS)}")
            context = {side: re.compile(k[f"cue_{side}"], re.IGNORECASE)
                       for side in ("before", "after") if f"cue_{side}" in k}
            out.append(KindRule(k["id"], k["kind"], reads,
                                re.compile(word_alternation(k["cues"]), re.IGNORECASE),
                                int(k.get("reach", 10**6)), bool(k.get("cue_first")),
                                **context))
        return tuple(out)

    @cached_property
    def _genitive(self) -> frozenset[str]:
        return frozenset(self.data["genitive_units"])

    @cached_property
    def _res(self) -> dict:
        d = self.data
        count = count_regex()
        units = alternation(d["duration_units"])
        freq_units = alternation(d["frequency_units"])
        adverbs = alternation(a.replace("_", " ") for a in d["frequency_adverbs"])
        numbers = alternation(w for w in number_words() if " " not in w)
        i = re.IGNORECASE
        adjectives = alternation(d["background_adjectives"])
        nouns = word_alternation(d["agreement_nouns"])
        background = rf"{d['background_lead']}{adjectives}\s+(?:[\wåäö-]+\s+)?{nouns}"
        return {
            "separator": re.compile(
                rf"^\s*(?:{alternation(d['range_separators'])})?\s*(?:den\s+)?$", i),
            "start_cue": re.compile(rf"(?:{alternation(d['start_cues'])})\s*(?:den\s+)?$", i),
            "end_cue": re.compile(rf"(?:{alternation(d['end_cues'])})\s*(?:den\s+)?$", i),
            "open_end": re.compile(word_alternation(d["open_end_cues"]), i),
            "duration": re.compile(
                rf"(?P<count>{count})(?:\s+och\s+ett\s+halvt)?\s+(?P<unit>{units})(?![\wåäö])", i),
            "half": re.compile(r"\boch\s+ett\s+halvt\b", i),
            "adjective": re.compile(
                rf"(?<![\wåäö])(?P<count>{numbers}|\d{{1,2}}-)"
                rf"(?P<unit>{alternation(d['adjective_units'])})(?![\wåäö])", i),
            "adjective_unit": re.compile(alternation(d["adjective_units"]), i),
            "frequency": re.compile(
                rf"(?P<count>{count})\s*(?:{alternation(d['times_words'])})\s*"
                rf"(?:{alternation(d['per_words'])})\s*(?P<unit>{freq_units})(?![\wåäö])", i),
            "adverb": re.compile(rf"(?<![\wåäö])(?P<adverb>{adverbs})(?![\wåäö])", i),
            "each": re.compile(rf"(?<![\wåäö])(?P<each>{alternation(d['each_words'])})\s+"
                               rf"(?P<unit>{freq_units})(?![\wåäö])", i),
            "per_after_amount": re.compile(d["per_after_amount"], i),
            "installments": re.compile(d["installments"]["regex"].replace("{count}", count), i),
            "per_year": re.compile(alternation(d["installments"]["per_year_cues"]), i),
            "term_duration_cue": re.compile(
                word_alternation(d["term_duration_cues"])
                + rf"[^.\n]{{0,{int(d['term_duration_reach'])}}}$", i),
            "extension": re.compile(
                word_alternation(d["extension_cues"])
                + rf"(?:\s+[\wåäö]+){{0,{int(d['extension_filler_words'])}}}\s*$", i),
            "before_dates": re.compile(
                rf"[\s,:;]*(?:{alternation(d['start_cues'])})?\s*(?:den\s+)?$", i),
            "extension_word": re.compile(word_alternation(d["extension_cues"]), i),
            "agreement": re.compile(word_alternation(d["agreement_nouns"]), i),
            "background": re.compile(background, i),
            "background_word": re.compile(word_alternation(d["background_words"]), i),
            "background_any": re.compile(word_alternation(
                [*d["background_words"], *d["background_adjectives"]]), i),
            "background_head": re.compile(
                rf"(?<![\wåäö]){adjectives}\s+(?:[\wåäö-]+\s+)?{nouns}[\s,]*$", i),
            "background_clause": re.compile(d["background_clause_break"], i),
            "relative": re.compile(rf"\s*{word_alternation(d['relative_words'])}", i),
            "present": re.compile(word_alternation(d["present_words"]), i),
            "duty": re.compile(word_alternation(d["duty_words"]), i),
            "proposal": re.compile(word_alternation(d["proposal_cues"]), i),
            "other_contract": re.compile(word_alternation(d["other_contracts"]), i),
            "partnership": re.compile(word_alternation(d["partnership_words"]), i),
            "total": re.compile(word_alternation(d["allocation_totals"]), i),
            "clause_break": re.compile(d["clause_break"]),
            "kind_prefilters": [Prefiltered(rule.cue) for rule in self.rules],
        }

    # -- the kinds of a sentence ---------------------------------------------------------

    def match_doc(self, doc: Doc) -> list[Mention]:
        """Periods are built from the dates the date component found."""
        dates = doc.user_data.get("mentions", {}).get("date", [])
        return self.match(text_of(doc), dates)

    def rules_of(self, sentence: str, possible: list[bool] | None = None) -> list[KindRule]:
        """The kinds whose cue the sentence holds, in periods.toml's order. `possible[k]`
        False means cue list k cannot match here (see _possible_kinds)."""
        return [rule for k, rule in enumerate(self.rules)
                if (possible is None or possible[k]) and rule.holds(sentence)]

    def kind_of(self, sentence: str, possible: list[bool] | None = None) -> str | None:
        """The kind of the first cue list the sentence holds a cue of."""
        rules = self.rules_of(sentence, possible)
        return rules[0].kind if rules else None

    def _possible_kinds(self, text: str, spans) -> list[list[bool]]:
        """Per sentence, per cue list: may the sentence hold a cue? A cue can only start
        where one of its list's prefixes is (prefilter): a few fast searches over the text
        per list instead of a regex search per sentence and list."""
        starts = [s for s, _ in spans]
        possible = [[False] * len(self.rules) for _ in spans]
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

    # -- step 1 and 2: sentences -----------------------------------------------------------

    def match(self, text: str, dates: list[Mention]) -> list[Mention]:
        spans = self._joined_ranges(text, sentences(text), dates)
        by_sentence = self._dates_by_sentence(spans, dates)
        possible = self._possible_kinds(text, spans)
        finders = [scan.prefix_search(text) for scan in self._res["kind_prefilters"]]
        found: list[Mention] = []
        for index, (s, e) in enumerate(spans):
            if not any(possible[index]):
                continue
            background: tuple[tuple[int, int], ...] | None = None  # read when a clause
            proposal = False  # holds a cue: most sentences hold none
            dates_here = by_sentence.get(index, [])
            for cs, ce in self._clauses(text, s, e):
                row = possible[index]
                rules = self._other_contract(text, cs, ce, [
                    rule for k, rule in enumerate(self.rules)
                    if row[k] and rule.holds_in(text, cs, ce, finders[k])])
                if rules:
                    if background is None:
                        background = self._background_clauses(text, s, e)
                        proposal = bool(self._res["proposal"].search(text, s, e))
                    clause = Sentence(cs, ce, [d for d in dates_here if cs <= d.start < ce],
                                      background, proposal)
                    found += self._read_sentence(text, clause, rules)
        return self._agreement_periods(text, found, spans)

    def _joined_ranges(self, text: str, spans, dates: list[Mention]
                       ) -> tuple[tuple[int, int], ...]:
        """Sentences joined where a date range runs over a line break ('gäller 2024-07-01' /
        '– 2027-06-30 och ...': a dash at a line start reads as a list item; 'från och med
        2025-01-01 till och med' / '2026-12-31')."""
        starts = [d.start for d in dates]
        out: list[tuple[int, int]] = []
        for s, e in spans:
            if out and dates:
                ps, _ = out[-1]
                i = bisect_left(starts, s) - 1  # the last date before this sentence
                j = i + 1  # the first date from this sentence on
                if (i >= 0 and j < len(dates) and dates[i].start >= ps
                        and dates[j].start < e
                        and dates[j].start - dates[i].end <= 24
                        and self._res["separator"].match(text[dates[i].end : dates[j].start])):
                    out[-1] = (ps, e)
                    continue
            out.append((s, e))
        return tuple(out)

    def _background_clauses(self, text: str, start: int, end: int
                            ) -> tuple[tuple[int, int], ...]:
        """The sentence's clauses about another agreement than this one: a clause that opens
        with 'den nuvarande/tidigare överenskommelsen' (or a relative clause right after
        one), or that is told in the past tense with no present or proposal cue; never a
        clause that states a duty ('Under nuvarande avtalsperiod ska ...')."""
        res = self._res
        if not res["background_any"].search(text, start, end):
            return ()
        cuts, at = [], start
        for m in res["background_clause"].finditer(text, start, end):
            if m.end() > at:
                cuts.append((at, m.start()))
                at = m.end()
        cuts.append((at, end))
        out: list[tuple[int, int]] = []
        previous_by_adjective = False
        for cs, ce in cuts:
            duty = bool(res["duty"].search(text, cs, ce))
            relative = bool(res["relative"].match(text, cs, ce))
            by_adjective = not duty and bool(
                res["background"].match(text, cs, ce)
                or (relative and (previous_by_adjective or res["background_head"].search(
                    text, max(start, cs - 80), cs))))
            past = (not res["present"].search(text, cs, ce)
                    and bool(res["background_word"].search(text, cs, ce)))
            if by_adjective or past:
                out.append((cs, ce))
            previous_by_adjective = by_adjective
        return tuple(out)

    def _other_contract(self, text: str, start: int, end: int,
                        rules: list[KindRule]) -> list[KindRule]:
        """A clause that names another contract (a lease) and no partnership holds no
        term: the term kinds are left out."""
        if (any(rule.kind == "term" for rule in rules)
                and self._res["other_contract"].search(text, start, end)
                and not self._res["partnership"].search(text, start, end)):
            return [rule for rule in rules if rule.kind != "term"]
        return rules

    def _clauses(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The sentence's clauses: split before each 'att' item of a decision list."""
        out, at = [], start
        for m in self._res["clause_break"].finditer(text, start, end):
            out.append((at, m.start()))
            at = m.end()
        out.append((at, end))
        return out

    @staticmethod
    def _dates_by_sentence(spans, dates: list[Mention]) -> dict[int, list[Mention]]:
        """The dates of each sentence (by its index), placeholders left out."""
        out: dict[int, list[Mention]] = {}
        si = 0
        for d in dates:
            while si < len(spans) and spans[si][1] <= d.start:
                si += 1
            if si < len(spans) and spans[si][0] <= d.start and not d.attrs["placeholder"]:
                out.setdefault(si, []).append(d)
        return out

    def _read_sentence(self, text: str, sentence: Sentence,
                       rules: list[KindRule]) -> list[Mention]:
        """Every kind reads what it reads; the first kind that reads periods from the
        sentence's dates has them."""
        out: list[Mention] = []
        dates_read = False
        for rule in rules:
            if rule.takes_dates and dates_read:
                continue
            got = self._read(text, sentence, rule)
            dates_read = dates_read or any(
                m.attrs["start"] is not None or m.attrs["end"] is not None for m in got)
            out += got
        return out

    def _read(self, text: str, sentence: Sentence, rule: KindRule) -> list[Mention]:
        periods: list[Mention] = []
        if "term" in rule.reads:
            term = self._term(text, sentence, rule)
            periods += [term] if term else []
        if "ranges" in rule.reads:
            periods += [self._mention(text, rule, ".range", first.start, last.end,
                                      first.attrs["first"], last.attrs["last"], sentence)
                        for first, last in self._ranges(text, sentence.dates)]
        if "bounds" in rule.reads:
            periods += [self._mention(
                text, rule, ".bound", d.start, d.end,
                d.attrs["first"] if side == "start" else None,
                d.attrs["last"] if side == "end" else None, sentence)
                for d, side in self._bounds(text, sentence.dates)]
        if "frequency" in rule.reads:
            f = self._nearest_frequency(text, sentence, rule)
            if f is not None and periods:
                for p in periods:
                    p.attrs["times_per_year"], p.attrs["frequency"] = f.times_per_year, f.code
            elif f is not None:
                periods.append(self._mention(text, rule, ".frequency", f.start, f.end, None,
                                             None, sentence, times=f.times_per_year,
                                             frequency=f.code))
        if "duration" in rule.reads:
            d = self._nearest_duration(text, sentence, rule)
            if d is not None and periods:
                for p in periods:
                    p.attrs["months"] = int(round(d.months))
            elif d is not None:
                periods.append(self._mention(text, rule, ".duration", d.start, d.end, None,
                                             None, sentence, months=d.months))
        return periods

    # -- readers ---------------------------------------------------------------------------

    def _term(self, text: str, sentence: Sentence, rule: KindRule) -> Mention | None:
        """One term: the first range, or the first start and end bounds; open-ended after
        'tills vidare'; the end follows from a start and a stated duration."""
        # the dates of this agreement's clauses, if any ('... och ersätter den som gällde')
        dates = ([d for d in sentence.dates if not sentence.background_at(d.start)]
                 or sentence.dates)
        durations = self._term_durations(text, sentence)
        if not dates and not durations:
            return None
        ranges = self._ranges(text, dates)
        months = durations[0].months if durations else None
        pieces = [(d.start, d.end) for d in durations]
        extends = bool(dates) and bool(self._res["extension_word"].search(
            text, sentence.start, dates[0].start))
        open_end = self._res["open_end"].search(text, sentence.start, sentence.end)
        start = end = None
        if ranges:
            first, last = ranges[0]
            start, end = first.attrs["first"], last.attrs["last"]
            pieces += [(first.start, first.end), (last.start, last.end)]
            how = ".range"
        else:
            bounds = self._bounds(text, dates)
            starts = [d for d, side in bounds if side == "start"]
            ends = [d for d, side in bounds if side == "end"]
            start = starts[0].attrs["first"] if starts else None
            end = ends[0].attrs["last"] if ends else None
            pieces += [(d.start, d.end) for d, _ in bounds]
            how = ".bounds" if bounds else ".duration"
        if not pieces:
            return None
        derived = False
        if open_end and start is not None and not ranges:
            end = None
        elif start is not None and end is None and months and float(months).is_integer():
            end, derived = add_months(start, int(months)), True
        for d in durations:
            sentence.taken.add((d.start, d.end))
        mention = self._mention(text, rule, how, min(p[0] for p in pieces),
                                max(p[1] for p in pieces), start, end, sentence, months=months)
        mention.attrs.update(open_ended=bool(open_end) and end is None, extends=extends,
                             end_from_duration=derived, proposal=sentence.proposal)
        if dates:  # background or not as the clause of its dates
            mention.attrs["background"] = sentence.background_at(dates[0].start)
        return mention

    def _term_durations(self, text: str, sentence: Sentence) -> list[Duration]:
        """A term's stated length: a duration after a term cue ('gäller i tre år') or right
        before the term's dates ('under två år, från och med ...'), or an adjective
        ('treårig') in a sentence that names the agreement; never an extension's length."""
        res = self._res
        s, e = sentence.start, sentence.end
        out = []
        date_starts = [x.start for x in sentence.dates]
        for d in self._durations_of(text, sentence):
            if not sentence.free(d.start, d.end) or self._extends(text, s, d.start):
                continue
            k = bisect_left(date_starts, d.end)
            following = date_starts[k] if k < len(date_starts) else None
            if (res["term_duration_cue"].search(text, max(s, d.start - 60), d.start)
                    or (following is not None and following - d.end <= 30
                        and res["before_dates"].match(text, d.end, following))):
                out.append(d)
        if res["adjective_unit"].search(text, s, e) and res["agreement"].search(text, s, e):
            for m in res["adjective"].finditer(text, s, e):
                if not sentence.free(m.start(), m.end()) or self._extends(text, s, m.start()):
                    continue
                n = count_value(m.group("count").rstrip("-"))
                if n:
                    unit = self.data["adjective_units"][m.group("unit").lower()]
                    out.append(Duration(m.start(), m.end(), n * unit))
        return sorted(out, key=lambda d: d.start)

    def _extends(self, text: str, sentence_start: int, at: int) -> bool:
        """Does an extension cue stand right before `at` ('förlängs med ...')?"""
        return bool(self._res["extension"].search(text, max(sentence_start, at - 60), at))

    def _durations_of(self, text: str, sentence: Sentence) -> list[Duration]:
        if sentence.found_durations is None:
            sentence.found_durations = self.durations(text, sentence.start, sentence.end)
        return sentence.found_durations

    def durations(self, text: str, start: int, end: int) -> list[Duration]:
        out = []
        for m in self._res["duration"].finditer(text, start, end):
            n = count_value(m.group("count"))
            if n is None:
                continue
            if self._res["half"].search(m.group(0)):
                n += 0.5
            unit = m.group("unit").lower()
            months = n * self.data["duration_units"][unit]
            out.append(Duration(m.start(), m.end(), months, unit in self._genitive))
        return out

    def _nearest_duration(self, text: str, sentence: Sentence,
                          rule: KindRule) -> Duration | None:
        s = sentence.start
        free = [d for d in self._durations_of(text, sentence)
                if sentence.free(d.start, d.end) and not self._extends(text, s, d.start)]
        if rule.cue_first:
            free = [d for d in free if d.genitive or rule.cue.search(text, s, d.start)]
        found = self._nearest(text, sentence, rule, free)
        if found is not None:
            sentence.taken.add((found.start, found.end))
        return found

    def frequencies(self, text: str, start: int, end: int) -> list[Frequency]:
        """How often, in a sentence: counted ('två gånger per år'), else 'varje kvartal' or
        an adverb ('kvartalsvis'), else installments of a yearly sum ('i två lika delar')."""
        res = self._res
        out = []
        sentence = text[start:end]
        for m in res["frequency"].finditer(sentence):
            n = count_value(m.group("count"))
            code, per_year = self.data["frequency_units"][m.group("unit").lower()]
            if n:
                out.append(Frequency(start + m.start(), start + m.end(), code, n * per_year))
        if out:
            return out
        for m in res["each"].finditer(sentence):
            if m.group("each").lower() == "per" and res["per_after_amount"].search(
                    sentence, max(0, m.start() - 12), m.start()):
                continue
            code, per_year = self.data["frequency_units"][m.group("unit").lower()]
            factor = self.data["each_words"][m.group("each").lower()]
            out.append(Frequency(start + m.start(), start + m.end(), code, per_year * factor))
        for m in res["adverb"].finditer(sentence):
            key = re.sub(r"\s+", "_", m.group("adverb").lower())
            code, per_year = self.data["frequency_adverbs"][key]
            out.append(Frequency(start + m.start(), start + m.end(), code, per_year))
        if not out and res["per_year"].search(sentence):
            for m in res["installments"].finditer(sentence):
                n = count_value(m.group("count"))
                if n:
                    out.append(Frequency(start + m.start(), start + m.end(), "per_year", n))
        return sorted(out, key=lambda f: f.start)

    def _nearest_frequency(self, text: str, sentence: Sentence,
                           rule: KindRule) -> Frequency | None:
        if sentence.found_frequencies is None:
            sentence.found_frequencies = self.frequencies(text, sentence.start, sentence.end)
        free = [f for f in sentence.found_frequencies
                if sentence.free(f.start, f.end)]
        found = self._nearest(text, sentence, rule, free)
        if found is not None:
            sentence.taken.add((found.start, found.end))
        return found

    @staticmethod
    def _nearest(text: str, sentence: Sentence, rule: KindRule, items: list):
        """The item (a span) nearest to one of the rule's cues in the sentence, within the
        rule's reach. Cues are sorted and disjoint: an item's nearest cue is the last one
        that starts before it or the first one after (a bisect, not a scan)."""
        if not items:
            return None
        cues = [m.span() for m in rule.cue.finditer(text, sentence.start, sentence.end)]
        cue_starts = [cs for cs, _ in cues]

        def distance(item) -> int:
            i = bisect_right(cue_starts, item.start)
            near = cues[max(0, i - 1) : i + 1]
            return min((max(item.start - ce, cs - item.end, 0) for cs, ce in near), default=0)

        scored = [(distance(item), item.start, n) for n, item in enumerate(items)]
        best = min((x for x in scored if x[0] <= rule.reach), default=None)
        return items[best[2]] if best else None

    def _ranges(self, text: str, dates: list[Mention]) -> list[tuple[Mention, Mention]]:
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

    def _bounds(self, text: str, dates: list[Mention]) -> list[tuple[Mention, str]]:
        out = []
        for d in dates:
            before = text[max(0, d.start - 30) : d.start]
            if self._res["end_cue"].search(before):
                out.append((d, "end"))
            elif self._res["start_cue"].search(before):
                out.append((d, "start"))
        return out

    # -- step 3: the document ------------------------------------------------------------

    def _agreement_periods(self, text: str, found: list[Mention], spans) -> list[Mention]:
        """This agreement's periods: an extension's term starts where the extended term
        did; periods of another agreement (background) are dropped; yearly spans with a
        stated total are allocations."""
        self._extended_terms(found)
        kept = [m for m in found if not m.attrs.pop("background")]
        self._allocation_tables(text, kept, spans)
        return kept

    @staticmethod
    def _extended_terms(found: list[Mention]) -> None:
        """'Avtalstiden förlängs till och med 2027-01-31' (or 'förlängs för perioden
        2026-02-01 – 2027-01-31') after a term of 2024-02-01 – 2026-01-31: the term after
        the change runs 2024-02-01 – 2027-01-31."""
        terms = [m for m in found if m.attrs["kind"] == "term" and m.attrs["start"]]
        for m in found:
            a = m.attrs
            if a["kind"] != "term" or not a.get("extends") or a["end"] is None:
                continue
            earlier = [t.attrs for t in terms if t is not m and t.attrs["end"] is not None
                       and t.attrs["start"] < (a["start"] or a["end"])
                       and (a["start"] is None or t.attrs["end"] + timedelta(1) >= a["start"])]
            if earlier:
                a["start"] = min(t["start"] for t in earlier)

    def _allocation_tables(self, text: str, found: list[Mention], spans) -> None:
        """Funding spans of whole years that share a stated total are allocations of it:
        the rows of '2025: 620 000 kr / 2026: 640 000 kr / Totalt: 1 920 000 kr', or
        '620 000 kronor 2025, 640 000 kronor 2026 ..., totalt 1 920 000 kronor'."""
        funding = [m for m in found if m.attrs["kind"] == "funding" and m.attrs["start"]]
        if len(funding) < 2:
            return
        breaks = [m.start() for m in re.finditer("\n", text)]  # one pass, then bisects

        def line_of(position: int) -> int:
            return bisect_left(breaks, position)  # the line's number

        groups: list[list[Mention]] = []
        for m in funding:
            line = line_of(m.start)
            if groups and line - line_of(groups[-1][-1].start) <= 1:
                groups[-1].append(m)
            else:
                groups.append([m])
        for group in groups:
            if len(group) < 2:
                continue
            first, last = line_of(group[0].start), line_of(group[-1].start)
            start = breaks[first - 2] + 1 if first >= 2 else 0  # the line before the rows
            end = breaks[last + 1] if last + 1 < len(breaks) else len(text)  # and after
            if self._res["total"].search(text, start, end):
                for m in group:
                    m.attrs["kind"] = "allocation"
                    m.rule_id = m.rule_id.replace("period.funding", "period.allocation.table")

    @staticmethod
    def _mention(text: str, rule: KindRule, how: str, start: int, end: int, first, last,
                 sentence: Sentence, months: float | None = None, times: float | None = None,
                 frequency: str = "") -> Mention:
        return Mention(LABEL, start, end, text[start:end], rule.id + how, rule.kind, {
            "kind": rule.kind, "start": first, "end": last,
            "months": int(round(months)) if months is not None else None,
            "times_per_year": times, "frequency": frequency,
            "background": sentence.background_at(start),
        })


@Language.factory("iop_periods")
def make_period_recognizer(nlp: Language, name: str) -> PeriodRecognizer:
    return PeriodRecognizer()
