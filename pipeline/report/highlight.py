"""Highlights: a page's source text as HTML with every located value marked in place.

Hand-written because the marks come from our own (page, char_start, char_end) offsets and
may overlap (a flag's evidence over an amount, a party inside a signature): spans are
nested, and a span that crosses the end of an enclosing one is closed and reopened, so
every span keeps one element that carries its id. All text is escaped: documents are
untrusted input.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup, escape

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Span:
    """A value to mark: [start, end) in one page's text, with its anchor id and label."""

    start: int
    end: int
    anchor: str  # element id ("" for none)
    label: str  # shown on hover: which field this is
    css: str  # class names


def _open(span: Span, first: bool) -> str:
    # escape() rather than Markup.format: the same output, many times faster on big archives
    anchor = f' id="{escape(span.anchor)}"' if first and span.anchor else ""
    return f'<mark class="hl {escape(span.css)}"{anchor} data-label="{escape(span.label)}">'


def located(text: str, spans: list[Span]) -> tuple[list[Span], list[Span]]:
    """Split spans into those that fit the text and those that do not (bad offsets)."""
    inside, outside = [], []
    for span in spans:
        ok = 0 <= span.start < span.end <= len(text)
        (inside if ok else outside).append(span)
    return inside, outside


def highlight(text: str, spans: list[Span]) -> Markup:
    """The text, escaped, with each span wrapped in a <mark>; spans outside it are ignored."""
    spans, _ = located(text, spans)
    starting: dict[int, list[Span]] = defaultdict(list)
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        starting[span.start].append(span)
    bounds = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out: list[str] = []  # every piece is escaped text or a tag built from escaped values
    stack: list[Span] = []
    position = 0
    for bound in bounds:
        out.append(escape(text[position:bound]))
        position = bound
        ending = [i for i, span in enumerate(stack) if span.end <= bound]
        if ending:
            first = ending[0]
            reopen = [span for span in stack[first:] if span.end > bound]
            out.append("</mark>" * (len(stack) - first))
            del stack[first:]
            for span in reopen:
                out.append(_open(span, first=False))
                stack.append(span)
        for span in starting.get(bound, ()):
            out.append(_open(span, first=True))
            stack.append(span)
    out.append("</mark>" * len(stack))
    return Markup("".join(out))


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def snippet(text: str, start: int, end: int, width: int = 70) -> Markup | None:
    """A one-line extract of the text around [start, end) with that span marked.

    None when the offsets do not fit the text. The context is cut at word boundaries.
    """
    if not 0 <= start < end <= len(text):
        return None
    left = max(0, start - width)
    if left > 0:
        space = _SPACE.search(text, left, start)
        left = space.end() if space else left
    right = min(len(text), end + width)
    if right < len(text):
        spaces = list(_SPACE.finditer(text, end, right))
        right = spaces[-1].start() if spaces else right
    before = ("… " if left > 0 else "") + _squash(text[left:start]).lstrip()
    after = _squash(text[end:right]).rstrip() + (" …" if right < len(text) else "")
    return Markup("{}<mark class=\"hl ev\">{}</mark>{}").format(
        before, _squash(text[start:end]), after)


def mark_value(quote: str, value: object) -> Markup:
    """A quote with the flagged value marked in it (the whole quote when it is not found).

    A number is found with any spacing between its digits ("300 500 kr" for 300500).
    """
    needle = "" if value is None else str(value).strip()
    match = None
    if needle and needle in quote:
        index = quote.index(needle)
        match = (index, index + len(needle))
    elif needle.lstrip("-").isdigit():
        digits = r"[\s\u00a0\u202f.]?".join(map(re.escape, needle.lstrip("-")))
        found = re.search(rf"(?<!\d)(?<!\d[\s\u00a0\u202f.]){digits}(?![\s\u00a0\u202f.]?\d)",
                          quote)
        match = found.span() if found else None
    if not match:
        return Markup('<mark class="hl ev">{}</mark>').format(quote)
    start, end = match
    return Markup('{}<mark class="hl ev">{}</mark>{}').format(
        quote[:start], quote[start:end], quote[end:])
