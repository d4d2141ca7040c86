"""Which amounts are not the partnership's money (GUIDELINES: amounts): another item of a
protocol, background the text only recalls (the expiring agreement's amount, last year's
grant, the old amount a change replaces), money beside the partnership, and the
thresholds of a general rule ("Överenskommelser med ett värde över 500 000 kronor
beslutas av kommunstyrelsen").

`not_partnership(...)` gives, per amount, the rule that leaves it out, or "".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from pipeline.extract.patterns import word_alternation
from pipeline.lang import table
from pipeline.resolve.attribution.layout import Layout, Slot
from pipeline.resolve.attribution.refs import References

_WINDOW = 400  # characters of an amount's sentence read around it


@cache
def _res() -> dict[str, re.Pattern]:
    d = table("attribution")["not_partnership"]
    return {
        "background": re.compile(word_alternation(d["background"]), re.I),
        "background_past": re.compile(word_alternation(d["background_past"]), re.I),
        "current": re.compile(word_alternation(d["current"]), re.I),
        "follow": re.compile(d["background_follow"], re.I),
        "beside": re.compile(d["beside"], re.I),
        "threshold_before": re.compile(d["threshold_before"], re.I),
        "threshold_range_end": re.compile(d["threshold_range_end"], re.I),
        "threshold_sentence": re.compile(word_alternation(d["threshold_sentence"]), re.I),
        "partnership": re.compile(word_alternation(d["partnership_words"]), re.I),
        "item": re.compile(d["item_heading"]),
        "old_before": re.compile(d["old_amount_before"], re.I),
        "old_after": re.compile(d["old_amount_after"], re.I),
        "change": re.compile(word_alternation(d["change_verbs"]), re.I),
        "replaced_before": re.compile(d["replaced_before"], re.I),
        "replace": re.compile(word_alternation(d["replace_verbs"]), re.I),
        "clause_breaks": re.compile(d["clause_breaks"], re.I),
        "part_breaks": re.compile(d["part_breaks"], re.I),
    }


def not_partnership(layout: Layout, refs: References, kind: str) -> list[str]:
    """Per slot: '' (the partnership's money) or the rule that leaves it out."""
    other_items = _other_items(layout, refs) if kind == "memo" else []
    starts = [s for s, _ in other_items]
    background = _background_slots(layout) if kind in ("agreement", "memo") else set()
    out = []
    for slot in layout.slots:
        i = bisect_right(starts, slot.start) - 1
        if i >= 0 and slot.start < other_items[i][1]:
            out.append("relevance.other_item")
        elif slot.index in background:
            out.append("relevance.background")
        elif _beside(layout, slot):
            out.append("relevance.beside_partnership")
        elif _threshold(layout, slot, out[-1] if out and layout.slots[slot.index - 1]
                        .sentence == slot.sentence else ""):
            out.append("relevance.threshold")
        elif _old_amount(layout, slot):
            out.append("relevance.replaced_amount")
        else:
            out.append("")
    return out


def _other_items(layout: Layout, refs: References) -> list[tuple[int, int]]:
    """The items of a protocol ('§ 62 Statsbidrag ...') that are not about the
    partnership: none of its words and none of its non-profit parties. Only where some
    item is about it and some is not."""
    text = layout.text
    heads = [m.start() for m in _res()["item"].finditer(text)]
    if len(heads) < 2:
        return []
    items = list(zip(heads, [*heads[1:], len(text)], strict=True))
    nonprofit = [b for b in refs.bodies if b.sector == "nonprofit" and b.party]
    about = []
    for s, e in items:
        body = text[s:e]
        named = any(r.body in nonprofit for r in refs.find(s, e)) if nonprofit else False
        about.append(bool(_res()["partnership"].search(body)) or named)
    if not any(about) or all(about):
        return []
    return [item for item, yes in zip(items, about, strict=True) if not yes]


def _background_slots(layout: Layout) -> set[int]:
    """The amounts a sentence only recalls: their own cue is an earlier agreement or grant
    or a past tense ('Föreningen erhöll 200 000 kr 2024'), not what is proposed now ('och
    föreslås nu få 250 000 kr'); and the amounts of a sentence right after one that names
    an earlier agreement and refers back to it ('Enligt den lämnar nämnden 980 000 kronor
    per år')."""
    text = layout.text
    out: set[int] = set()
    checked: dict[tuple[int, int], bool] = {}  # sentence -> it holds a background cue
    for slot in layout.slots:
        span = slot.sentence
        if span not in checked:
            checked[span] = _has_cue(text, span)
        if checked[span]:
            if _recalled(text, slot):
                out.add(slot.index)
        elif _follows_background(layout, span):
            out.add(slot.index)
    return out


def _has_cue(text: str, span: tuple[int, int]) -> bool:
    res = _res()
    return bool(res["background"].search(text, *span)
                or res["background_past"].search(text, *span))


def _recalled(text: str, slot: Slot) -> bool:
    """The cue nearest the amount in its part of the sentence (cut at commas), else in its
    clause, is background rather than current."""
    start = max(slot.sentence[0], slot.start - _WINDOW)
    end = min(slot.sentence[1], slot.end + _WINDOW)
    for breaks in ("part_breaks", "clause_breaks"):
        lo, hi = _between_breaks(text, start, end, slot, _res()[breaks])
        cue = _nearest_cue(text, lo, hi, slot)
        if cue is not None:
            return cue
    return False


def _between_breaks(text: str, start: int, end: int, slot: Slot,
                    breaks: re.Pattern) -> tuple[int, int]:
    """The stretch around the amount between the breaks before and after it."""
    lo, hi = start, end
    for m in breaks.finditer(text, start, end):
        if m.end() <= slot.start:
            lo = m.end()
        elif m.start() >= slot.end:
            hi = m.start()
            break
    return lo, hi


def _nearest_cue(text: str, lo: int, hi: int, slot: Slot) -> bool | None:
    """True for a background cue, False for a current one, None for none: the nearest
    before the amount, else the first after it."""
    res = _res()
    cues = [(m.start(), m.end(), True) for key in ("background", "background_past")
            for m in res[key].finditer(text, lo, hi)]
    cues += [(m.start(), m.end(), False) for m in res["current"].finditer(text, lo, hi)]
    before = [c for c in cues if c[1] <= slot.start]
    if before:
        return max(before)[2]
    after = [c for c in cues if c[0] >= slot.end]
    return min(after)[2] if after else None


def _follows_background(layout: Layout, span: tuple[int, int]) -> bool:
    """'Enligt den lämnar nämnden ...' right after a sentence that names an earlier
    agreement (in its paragraph)."""
    res = _res()
    text = layout.text
    sentence = text[span[0] : span[1]]
    if not res["follow"].match(sentence) or res["current"].search(sentence):
        return False
    i = bisect_right(layout.starts, span[0] - 1) - 1
    if i < 0:
        return False
    prev = layout.spans[i]
    return "\n\n" not in text[prev[1] : span[0]] and bool(
        res["background"].search(text, prev[0], prev[1]))


def _beside(layout: Layout, slot: Slot) -> bool:
    """'Utöver de idéburna offentliga partnerskapen betalade regionen ...'."""
    s = max(slot.sentence[0], slot.start - _WINDOW)
    return bool(_res()["beside"].search(layout.text[s : slot.start]))


def _threshold(layout: Layout, slot: Slot, previous: str) -> bool:
    """A comparison right before the amount in a sentence about who decides; the upper
    end of a threshold's range ('från 500 000 kr upp till 5 miljoner kronor')."""
    before = layout.text[max(slot.sentence[0], slot.start - 40) : slot.start]
    if not _res()["threshold_before"].search(before) and not (
            previous == "relevance.threshold" and _res()["threshold_range_end"].search(before)):
        return False
    return _says(layout, slot, "threshold_sentence")


def _says(layout: Layout, slot: Slot, words: str) -> bool:
    """The amount's sentence (a bounded stretch around it) holds one of the words."""
    start = max(slot.sentence[0], slot.start - _WINDOW)
    end = min(slot.sentence[1], slot.end + _WINDOW)
    return bool(_res()[words].search(layout.text, start, end))


def _old_amount(layout: Layout, slot: Slot) -> bool:
    """'Bidraget höjs från 600 000 kr till 700 000 kr', 'ersätter det tidigare beloppet om
    400 000 kr': the old amount."""
    named = layout.text[max(slot.sentence[0], slot.start - 80) : slot.start]
    if _res()["replaced_before"].search(named) and _says(layout, slot, "replace"):
        return True
    before = layout.text[max(slot.sentence[0], slot.start - 20) : slot.start]
    if not _res()["old_before"].search(before):
        return False
    if not _res()["old_after"].match(layout.text[slot.end : slot.end + 60]):
        return False
    return _says(layout, slot, "change")
