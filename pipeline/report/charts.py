"""Charts as inline SVG, drawn here (no JavaScript chart library, nothing from the network).

Every label that comes from a document (party names) is escaped by Markup.format.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

# Okabe-Ito colours (distinguishable with colour blindness), grey last for "others".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
OTHERS = "#999999"
TOP_SERIES = len(PALETTE)


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    colour: str
    values: dict[str, int]  # category (year) -> kronor


def nice_step(largest: float, ticks: int = 4) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    if largest <= 0:
        return 1
    raw = largest / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return int(factor * power) or 1
    return int(10 * power)


def stacked_series(totals: dict[tuple[str, str], int], others_label: str) -> list[Series]:
    """(category, series label) -> kronor  ==>  the largest series, the rest as 'others'."""
    by_series: dict[str, dict[str, int]] = {}
    for (category, label), value in totals.items():
        by_series.setdefault(label, {})
        by_series[label][category] = by_series[label].get(category, 0) + value
    ranked = sorted(by_series, key=lambda s: (-sum(by_series[s].values()), s))
    top = ranked[:TOP_SERIES] if len(ranked) <= TOP_SERIES else ranked[:TOP_SERIES - 1]
    series = [Series(label, PALETTE[i], by_series[label]) for i, label in enumerate(top)]
    rest = [label for label in ranked if label not in top]
    if rest:
        merged: dict[str, int] = {}
        for label in rest:
            for category, value in by_series[label].items():
                merged[category] = merged.get(category, 0) + value
        series.append(Series(f"{others_label} ({len(rest)})", OTHERS, merged))
    return series


def stacked_bars(categories: list[str], series: list[Series], money, title: str) -> Markup:
    """A vertical stacked bar chart: one bar per category, one colour per series."""
    bar, gap, left, top, plot_h = 56, 28, 96, 16, 220
    legend_width = left + 24 + 8 * max((len(s.label) for s in series), default=0)
    width = max(480, left + len(categories) * (bar + gap) + gap, legend_width)
    legend_top = top + plot_h + 40
    height = legend_top + 20 * len(series) + 8
    largest = max((sum(s.values.get(c, 0) for s in series) for c in categories), default=0)
    step = nice_step(largest)
    ceiling = step * max(1, math.ceil(largest / step))
    scale = plot_h / ceiling
    parts = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>').format(
            w=width, h=height, t=title)]
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - tick * scale
        parts.append(Markup(
            '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            '<text x="{tx}" y="{ty:.1f}" text-anchor="end" class="tick">{label}</text>').format(
                x1=left, x2=width - gap / 2, y=y, tx=left - 6, ty=y + 4, label=money(tick)))
    for index, category in enumerate(categories):
        x = left + gap + index * (bar + gap)
        y = top + plot_h
        for s in series:
            value = s.values.get(category, 0)
            if not value:
                continue
            h = value * scale
            y -= h
            parts.append(Markup(
                '<rect x="{x}" y="{y:.1f}" width="{w}" height="{h:.1f}" fill="{c}">'
                '<title>{cat}: {label}: {v}</title></rect>').format(
                    x=x, y=y, w=bar, h=h, c=s.colour, cat=category, label=s.label, v=money(value)))
        parts.append(Markup(
            '<text x="{x}" y="{y}" text-anchor="middle" class="axis">{cat}</text>').format(
                x=x + bar / 2, y=top + plot_h + 18, cat=category))
    return _closed(parts, series, left, legend_top)


def _closed(parts: list[Markup], series, left: float, legend_top: float) -> Markup:
    """The chart with its legend (a swatch and a label per series) and closing tag."""
    for index, s in enumerate(series):
        y = legend_top + 20 * index
        parts.append(Markup(
            '<rect x="{x}" y="{y}" width="12" height="12" fill="{c}"/>'
            '<text x="{tx}" y="{ty}" class="legend">{label}</text>').format(
                x=left, y=y, c=s.colour, tx=left + 18, ty=y + 11, label=s.label))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


@dataclass(frozen=True, slots=True)
class Part:
    label: str
    value: int
    href: str  # the fact's anchor on the document page


def parts_bar(total: int, parts: list[Part], money, labels: tuple[str, str, str]) -> Markup:
    """One bar for a stated total and, under it, the parts stacked: a gap or an overrun shows.

    labels: (title, the total's label, the parts' label).
    """
    title, total_label, parts_label = labels
    width, left, bar_h = 760, 150, 22
    largest = max(total, sum(p.value for p in parts), 1)
    scale = (width - left - 8) / largest
    out = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart parts" role="img" '
        'viewBox="0 0 {w} 64" width="{w}" height="64"><title>{t}</title>'
        '<text x="{lx}" y="20" text-anchor="end">{tl}</text>'
        '<text x="{lx}" y="50" text-anchor="end">{pl}</text>'
        '<rect x="{l}" y="4" width="{tw:.1f}" height="{h}" fill="#bbb">'
        '<title>{tl}: {v}</title></rect>').format(
            w=width, l=left, lx=left - 8, tw=total * scale, h=bar_h, t=title, tl=total_label,
            pl=parts_label, v=money(total))]
    x = float(left)
    for index, part in enumerate(parts):
        w = part.value * scale
        out.append(Markup(
            '<a href="{href}"><rect x="{x:.1f}" y="34" width="{w:.1f}" height="{h}" '
            'fill="{c}" stroke="#fff"><title>{label}: {v}</title></rect></a>').format(
                href=part.href, x=x, w=w, h=bar_h, c=PALETTE[index % len(PALETTE)],
                label=part.label, v=money(part.value)))
        x += w
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def grouped_bars(categories: list[str], series: list[Series], money, title: str) -> Markup:
    """A vertical bar chart with the series side by side in each category (amounts that
    are not parts of one whole: received, paid, in kind)."""
    bar, gap, left, top, plot_h = 18, 24, 96, 16, 200
    group = bar * max(1, len(series))
    width = max(420, left + len(categories) * (group + gap) + gap)
    legend_top = top + plot_h + 40
    height = legend_top + 20 * len(series) + 8
    largest = max((s.values.get(c, 0) for s in series for c in categories), default=0)
    step = nice_step(largest)
    ceiling = step * max(1, math.ceil(largest / step))
    scale = plot_h / ceiling
    parts = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>').format(
            w=width, h=height, t=title)]
    for tick in range(0, ceiling + 1, step):
        y = top + plot_h - tick * scale
        parts.append(Markup(
            '<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            '<text x="{tx}" y="{ty:.1f}" text-anchor="end" class="tick">{label}</text>').format(
                x1=left, x2=width - gap / 2, y=y, tx=left - 6, ty=y + 4, label=money(tick)))
    for index, category in enumerate(categories):
        x = left + gap + index * (group + gap)
        for k, s in enumerate(series):
            value = s.values.get(category, 0)
            if value:
                h = value * scale
                parts.append(Markup(
                    '<rect x="{x}" y="{y:.1f}" width="{w}" height="{h:.1f}" fill="{c}">'
                    '<title>{cat}: {label}: {v}</title></rect>').format(
                        x=x + k * bar, y=top + plot_h - h, w=bar - 2, h=h, c=s.colour,
                        cat=category, label=s.label, v=money(value)))
        parts.append(Markup(
            '<text x="{x}" y="{y}" text-anchor="middle" class="axis">{cat}</text>').format(
                x=x + group / 2, y=top + plot_h + 18, cat=category))
    return _closed(parts, series, left, legend_top)


@dataclass(frozen=True, slots=True)
class Span:
    label: str
    start: str  # ISO dates
    end: str | None  # None: open-ended
    href: str
    muted: bool = False  # a superseded version


def timeline(spans: list[Span], title: str, open_label: str) -> Markup:
    """One horizontal bar per agreement from its start to its end, on a year axis."""
    from datetime import date

    dated = [s for s in spans if s.start]
    if not dated:
        return Markup("")
    first = min(date.fromisoformat(s.start) for s in dated)
    last = max(date.fromisoformat(s.end) if s.end else date.fromisoformat(s.start)
               for s in dated)
    lo, hi = date(first.year, 1, 1), date(last.year + 1 + (0 if any(s.end for s in dated)
                                                           else 1), 1, 1)
    left, width, row = 270, 800, 22
    days = max(1, (hi - lo).days)
    x_of = lambda d: left + (width - left - 30) * (d - lo).days / days  # noqa: E731
    height = 28 + row * len(dated)
    parts = [Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}"><title>{t}</title>').format(
            w=width, h=height, t=title)]
    for year in range(lo.year, hi.year + 1):
        x = x_of(date(year, 1, 1))
        parts.append(Markup(
            '<line x1="{x:.1f}" x2="{x:.1f}" y1="14" y2="{h}" stroke="#ddd"/>'
            '<text x="{x:.1f}" y="11" text-anchor="middle" class="tick">{y}</text>').format(
                x=x, h=height, y=year))
    for index, s in enumerate(dated):
        y = 20 + index * row
        start = date.fromisoformat(s.start)
        end = date.fromisoformat(s.end) if s.end else hi
        colour = OTHERS if s.muted else PALETTE[0]
        label = s.label if len(s.label) <= 36 else s.label[:35] + "…"
        parts.append(Markup(
            '<a href="{href}"><text x="{lx}" y="{ty}" text-anchor="end" class="legend">{label}'
            '</text><rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="14" fill="{c}">'
            '<title>{full}: {s} – {e}</title></rect></a>').format(
                href=s.href, lx=left - 8, ty=y + 11, label=label, x=x_of(start), y=y,
                w=max(2.0, x_of(end) - x_of(start)), c=colour, full=s.label, s=s.start,
                e=s.end or open_label))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
