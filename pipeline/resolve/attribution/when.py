"""Per year, per month, for a period or once (GUIDELINES: basis), and the span of time an
amount covers (GUIDELINES: period_start/period_end).

Basis rules:
- basis.words: the words right after the amount ("per år", "i månaden", "för perioden",
  an "engångsbelopp"), read by the recognizer.
- basis.named_span: a span or a named year written for the amount ("2024: 500 000 kr",
  "620 000 kronor 2025", "För förlängningsperioden 2026-02-01 – 2027-01-31 lämnar ...").
- basis.table_header: the table's header says it ("Budget per år (kr)", "Belopp per år").
- basis.whole_period: the sentence says the money is for the whole period ("Kostnaden för
  läsåret finansieras med 120 000 kronor ...").

Period rules (a span written for it is kept as written, even outside the term):
- period.row_span / period.span_after / period.span_opening: a span in the amount's table
  row, right after it in its clause, or opening its sentence ("För perioden X lämnar ...").
- period.span_announced: a lead ending in a colon opens with a span ('För perioden X gäller
  följande:') and names the span of the paragraph after it.
- period.named_year: a named year is that calendar year.
- period.parts: a stated total covers its parts' span (a payment table's Summa row).
- period.term: any other per_period amount for the whole agreement covers the term.
A per_year, per_month or one_off amount gets a period only when the text names one.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from pipeline.extract.patterns import word_alternation
from pipeline.lang import table
from pipeline.resolve.attribution.context import Context, Decision, Span
from pipeline.resolve.attribution.layout import Slot


@cache
def _res() -> dict[str, re.Pattern]:
    w = table("attribution")["when"]
    ctx = table("amounts")["context"]
    return {
        "year_label": re.compile(w["year_label"], re.I),
        "year_after": re.compile(w["year_after"], re.I),
        "year_before": re.compile(w["year_before"], re.I),
        "year_span": re.compile(w["year_span"], re.I),
        "whole": re.compile(word_alternation(w["whole_period"]), re.I),
        "per_year": re.compile(word_alternation(ctx["per_year"]), re.I),
        "per_month": re.compile(word_alternation(ctx["per_month"]), re.I),
        "per_period": re.compile(word_alternation(ctx["per_period"]), re.I),
        "clause_break": re.compile(r"[,;:]|\batt\b|\n", re.I),
        "opening": re.compile(r"^\s*(?:\d+[.)]\s*)?(?:för|under|avseende)\b", re.I),
    }


@cache
def _limits() -> tuple[int, int]:
    w = table("attribution")["when"]
    return int(w["span_before_max"]), int(w["span_after_max"])


def year_spans(text: str) -> list[Span]:
    """'2024–2026', 'åren 2025-2027': spans of whole calendar years."""
    out = []
    for m in _res()["year_span"].finditer(text):
        first, last = int(m.group("first")), int(m.group("last"))
        if first <= last <= first + 10:
            out.append(Span(m.start(), m.end(), date(first, 1, 1), date(last, 12, 31)))
    return out


def calendar_year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


# --- period -------------------------------------------------------------------------------

def decide_period(ctx: Context, slot: Slot, d: Decision) -> None:
    """The span written for the amount; the whole-period basis follows from it."""
    for rule in (_row_span, _span_after, _year_after, _span_opening, _year_before,
                 _span_announced):
        found = rule(ctx, slot, d)
        if found is not None:
            d.period, d.period_rule = found
            return


def _row_span(ctx: Context, slot: Slot, d: Decision):
    if slot.label is None:
        return None
    label = ctx.text[slot.label[0] : slot.label[1]]
    spans = ctx.spans_in(*slot.label)
    if spans:
        s = spans[-1]
        return (s.first, s.last), "period.row_span"
    year = _res()["year_label"].search(label)
    if year:
        return calendar_year(int(year.group("year"))), "period.named_year"
    return None


def _span_after(ctx: Context, slot: Slot, d: Decision):
    """'850 000 kronor per år under perioden 2024-01-01 – 2025-12-31'."""
    _, after_max = _limits()
    end = min(slot.after_end, slot.end + after_max + 40)
    for s in ctx.spans_in(slot.end, end):
        if s.start - slot.end <= after_max:
            return (s.first, s.last), "period.span_after"
    return None


def _year_after(ctx: Context, slot: Slot, d: Decision):
    """'620 000 kronor 2025', '1 544 000 kronor för 2025'."""
    after = ctx.text[slot.end : slot.after_end]
    m = _res()["year_after"].match(after)
    if m:
        return calendar_year(int(m.group("year"))), "period.named_year"
    return None


def _span_opening(ctx: Context, slot: Slot, d: Decision):
    """A span that opens the sentence, or the amount's own stretch, names the amounts
    after it: 'För förlängningsperioden 2026-02-01 – 2027-01-31 lämnar nämnden ...',
    'fördelas för perioden 2018-07-01 – 2019-06-30 med 1 500 000 kr till ...'. A
    per-year amount takes it only from its own stretch."""
    before_max, _ = _limits()
    s0 = slot.sentence[0]
    first = _first_in_sentence(ctx, slot)
    start = max(s0, first.start - before_max)
    spans = ctx.spans_in(start, first.start)
    if not spans:
        return None
    span = spans[-1]
    if d.basis in ("per_year", "per_month", "one_off"):
        # only a span in the amount's own clause: 'För perioden X lämnar nämnden 100 000
        # kr per år', not '... för åren 2025–2027, att nämndens andel, 220 000 kr per år'
        between = ctx.text[span.end : slot.start]
        if span.start < slot.own_start or _res()["clause_break"].search(between):
            return None
    elif not (_res()["opening"].match(ctx.text[s0 : span.start])
              or ctx.text[span.end : first.start].strip().startswith(("med", "om"))
              or _gap_words(ctx.text[s0 : span.start]) <= 6):
        return None
    return (span.first, span.last), "period.span_opening"


def _year_before(ctx: Context, slot: Slot, d: Decision):
    """'För verksamhetsåret 2025 lämnar nämnden ett bidrag om 924 000 kronor',
    'Nämndens bidrag till X för 2025 föreslås till 924 000 kronor'."""
    if d.basis in ("per_year", "per_month"):
        return None
    before = ctx.text[max(slot.sentence[0], slot.start - 300) : slot.start]
    years = list(_res()["year_before"].finditer(before))
    if len(years) == 1:
        return calendar_year(int(years[0].group("year"))), "period.named_year"
    return None


def _span_announced(ctx: Context, slot: Slot, d: Decision):
    """A lead ending in a colon names the span of the paragraph after it: 'För perioden
    2026-03-01 – 2027-02-28 gäller följande:' / '' / 'Kommunen betalar 420 000 kr ...'."""
    text = ctx.text
    reach = max(0, slot.start - _ANNOUNCE_REACH)
    para = text.rfind("\n\n", reach, slot.sentence[0] + 1)
    for boundary in (slot.sentence[0], para):
        if boundary <= reach:
            continue
        lead_end = len(text[reach:boundary].rstrip()) + reach
        if lead_end <= reach or text[lead_end - 1] != ":":
            continue
        line_start = text.rfind("\n", reach, lead_end - 1) + 1
        if not _res()["opening"].match(text[line_start:lead_end]):
            continue
        spans = ctx.spans_in(line_start, lead_end)
        if spans:
            return (spans[0].first, spans[0].last), "period.span_announced"
    return None


# how far before an amount the lead announcing its paragraph is looked for
_ANNOUNCE_REACH = 500


def _first_in_sentence(ctx: Context, slot: Slot) -> Slot:
    return ctx.layout.slots[slot.first]


def _gap_words(text: str) -> int:
    return len(text.split())


def whole_period(ctx: Context, slot: Slot, d: Decision) -> None:
    """A per_period amount with no span of its own covers the term."""
    if d.period is None and d.basis == "per_period" and ctx.term is not None:
        d.period, d.period_rule = ctx.term, "period.term"


def from_parts(ctx: Context, total: Decision, parts: list[Decision]) -> None:
    """A stated total covers its parts' span."""
    spans = [p.period for p in parts if p.period is not None]
    if total.basis in ("per_year", "per_month", "one_off"):
        return  # a yearly total of one year's shares covers no span of its own
    if total.period is None and spans and len(spans) == len(parts):
        first = min(s[0] for s in spans)
        lasts = [s[1] for s in spans]
        last = None if any(x is None for x in lasts) else max(lasts)
        total.period, total.period_rule = (first, last), "period.parts"
        if total.basis == "unknown":
            total.basis, total.basis_rule = "per_period", "basis.named_span"


# --- basis --------------------------------------------------------------------------------

def decide_basis(ctx: Context, slot: Slot, d: Decision) -> None:
    written = slot.mention.attrs.get("basis", "unknown")
    if written != "unknown":
        d.basis, d.basis_rule = written, "basis.words"
        return
    if _table_basis(ctx, slot, d):
        return
    if d.period is not None and d.period_rule in (
            "period.row_span", "period.named_year", "period.span_after", "period.span_opening",
            "period.span_announced"):
        d.basis, d.basis_rule = "per_period", "basis.named_span"
        return
    if slot.cell is not None:
        return
    own = ctx.layout.own_clause(slot)
    if _res()["per_month"].search(own):
        d.basis, d.basis_rule = "per_month", "basis.words"
    elif _res()["per_year"].search(own):
        d.basis, d.basis_rule = "per_year", "basis.words"
    elif _res()["whole"].search(own) or _res()["whole"].search(ctx.layout.opening(slot)):
        d.basis, d.basis_rule = "per_period", "basis.whole_period"


def _table_basis(ctx: Context, slot: Slot, d: Decision) -> bool:
    """The table's header says per year or per month ('Budget per år (kr)', a column
    'Regionens bidrag per år'); in a delimited table only the amount's own column."""
    tbl = ctx.layout.table_of(slot)
    # a delimited table: only the amount's own column header counts
    header = slot.cell.header if slot.cell is not None else tbl.header if tbl else None
    if header is None:
        return False
    for basis in ("per_month", "per_year", "per_period"):
        if _res()[basis].search(header):
            d.basis, d.basis_rule = basis, "basis.table_header"
            return True
    return False


def basis_from(source: Decision, target: Decision, rule: str) -> None:
    """A part takes its total's basis (and a total its parts') when its own is unknown."""
    if target.basis == "unknown" and source.basis != "unknown":
        target.basis, target.basis_rule = source.basis, rule
