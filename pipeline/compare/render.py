"""Lay a Comparison out: for a terminal (rich), as JSON, and as one self-contained HTML page.

Nothing here decides what changed; it only shows it. Labels are Swedish (lang/sv/compare.toml).
Document text never goes through rich markup or unescaped into HTML: the terminal gets
rich Text objects built piece by piece, the page a Jinja2 template with autoescape on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from itertools import groupby
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.compare import Comparison
from pipeline.compare.fields import FieldChange
from pipeline.compare.wording import Change, WordingDiff, is_heading
from pipeline.lang import table
from pipeline.normalize import CleanText

BLOCK_CHARS = 1200  # longer inserted/deleted blocks are cut in the terminal (never in HTML/JSON)


@cache
def _lang() -> dict:
    return table("compare")


def side_labels(comparison: Comparison) -> tuple[str, str]:
    sides = _lang()["sides"]
    if comparison.mode == "memo_agreement":
        return sides[comparison.old.kind], sides[comparison.new.kind]
    return sides["old"], sides["new"]


def status_text(change: FieldChange, comparison: Comparison) -> str:
    status = _lang()["status"]
    old_label, new_label = side_labels(comparison)
    if change.status == "removed":
        return status["only_old"].format(side=old_label.lower())
    if change.status == "added":
        return status["only_new"].format(side=new_label.lower())
    return status[change.status]


def html_written(path) -> str:
    return _lang()["titles"]["html_written"].format(path=path)


def section_name(section: str) -> str:
    return section or _lang()["titles"]["start_of_document"]


# --- terminal -----------------------------------------------------------------------------

_STYLE = {"added": "green", "removed": "red", "changed": "yellow", "renamed": "yellow",
          "equal": "dim"}


def print_terminal(comparison: Comparison, console: Console) -> None:
    """Field changes first, then the wording changes by section, then the verdict."""
    titles = _lang()["titles"]
    old_label, new_label = side_labels(comparison)
    head = Text(f"{titles['heading']}: ", style="bold")
    head.append(f"{comparison.old.source} ({old_label})")
    head.append(" → ")
    head.append(f"{comparison.new.source} ({new_label})")
    head.append(f" — {titles['modes'][comparison.mode]}", style="dim")
    console.print(head)
    console.print()
    if comparison.mode == "memo_agreement":
        _print_facts(comparison, console)
    else:
        _print_field_changes(comparison, console)
    console.print()
    console.print(Text(titles["wording"], style="bold underline"))
    if comparison.wording is None:
        console.print(Text(titles["wording_off"], style="dim"))
    elif comparison.wording.equal:
        console.print(titles["no_wording_changes"])
    else:
        _print_wording(comparison.wording, console)
    console.print()
    verdict = titles["different"] if comparison.different else titles["equal"]
    console.print(Text(verdict, style="bold"))


def _print_field_changes(comparison: Comparison, console: Console) -> None:
    titles = _lang()["titles"]
    console.print(Text(titles["fields"], style="bold underline"))
    changes = comparison.field_changes
    if not changes:
        console.print(titles["no_field_changes"])
    for change in changes:
        console.print(Text(f"• {change.message}", style=_STYLE[change.status]))


def _print_facts(comparison: Comparison, console: Console) -> None:
    titles = _lang()["titles"]
    old_label, new_label = side_labels(comparison)
    console.print(Text(titles["facts"], style="bold underline"))
    grid = Table(show_lines=False, expand=False)
    for name in (titles["fact"], old_label, new_label, titles["status"]):
        grid.add_column(name, overflow="fold")
    for change in comparison.fields:
        grid.add_row(Text(change.label), Text(change.old_summary), Text(change.new_summary),
                     Text(status_text(change, comparison), style=_STYLE[change.status]))
    console.print(grid)


def _print_wording(wording: WordingDiff, console: Console) -> None:
    words = _lang()["wording_messages"]
    for section, changes in groupby(wording.changes, key=lambda c: c.section):
        console.print(Text(f"  {section_name(section)}", style="bold cyan"))
        for change in changes:
            line = Text(f"    {words[change.kind]}:", style="bold")
            line.append(" ")
            if change.kind == "signatures":
                if change.removed_words:
                    line.append(f"{words['removed_words']}: ")
                    line.append(f"[-{' '.join(change.removed_words)}-]", style="red")
                    line.append(" ")
                if change.added_words:
                    line.append(f"{words['added_words']}: ")
                    line.append(f"{{+{' '.join(change.added_words)}+}}", style="green")
                console.print(line)
                continue
            if change.kind == "move":
                origin = words["moved_from"].format(section=section_name(change.from_section))
                line.append(f"({origin}) ", style="dim")
            block = "\n" in change.old_text or "\n" in change.new_text
            if block:
                console.print(line[:-1])
                if change.kind in ("replace", "delete"):
                    _print_block(console, change.old_text, "-", "red")
                if change.kind in ("replace", "insert", "move"):
                    _print_block(console, change.new_text, "+", "green")
                continue
            line.append(_ellipsis_before(change.before))
            if change.kind in ("replace", "delete"):
                line.append(f"[-{_cut(change.old_text)}-]", style="red strike")
            if change.kind in ("replace", "insert", "move"):
                line.append(f"{{+{_cut(change.new_text)}+}}", style="green")
            line.append(_ellipsis_after(change.after))
            console.print(line)


def _print_block(console: Console, text: str, mark: str, style: str) -> None:
    for line in _cut(text).split("\n"):
        if line.strip():
            console.print(Text(f"      {mark} {line}", style=style))


def _cut(text: str) -> str:
    return text if len(text) <= BLOCK_CHARS else text[:BLOCK_CHARS].rstrip() + " …"


def _ellipsis_before(text: str) -> str:
    return f"…{text}" if text else ""


def _ellipsis_after(text: str) -> str:
    return f"{text}…" if text else ""


# --- JSON ---------------------------------------------------------------------------------


def to_json(comparison: Comparison) -> dict:
    """The comparison for tools: same content as the terminal, with provenance."""
    old_label, new_label = side_labels(comparison)
    data = {
        "mode": comparison.mode,
        "different": comparison.different,
        "old": {**_doc(comparison.old), "label": old_label},
        "new": {**_doc(comparison.new), "label": new_label},
        "fields": [_field_json(c, comparison) for c in comparison.fields
                   if comparison.mode == "memo_agreement" or c.different],
        "wording": None,
    }
    if comparison.wording is not None:
        data["wording"] = {
            "equal": comparison.wording.equal,
            "changes": [_change_json(c, comparison) for c in comparison.wording.changes],
        }
    return data


def _doc(info) -> dict:
    return {"source": info.source, "doc_id": info.doc_id, "kind": info.kind,
            "title": info.title, "pages": info.pages, "format": info.format}


def _field_json(change: FieldChange, comparison: Comparison) -> dict:
    return {
        "table": change.table,
        "status": change.status,
        "status_text": status_text(change, comparison),
        "label": change.label,
        "changed": change.changed,
        "message": change.message,
        "old": _jsonable(change.old),
        "new": _jsonable(change.new),
        "old_summary": change.old_summary,
        "new_summary": change.new_summary,
    }


def _jsonable(row: dict | None) -> dict | None:
    if row is None:
        return None
    out = {}
    for key, value in row.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "item") and not isinstance(value, str):
            value = value.item()
        out[key] = value
    return out


def _change_json(change: Change, comparison: Comparison) -> dict:
    wording = comparison.wording
    assert wording is not None
    return {
        "kind": change.kind,
        "label": _lang()["wording_messages"][change.kind],
        "section": change.section,
        "from_section": change.from_section if change.kind == "move" else None,
        "old_text": change.old_text,
        "new_text": change.new_text,
        "before": change.before,
        "after": change.after,
        "removed_words": change.removed_words,
        "added_words": change.added_words,
        "old_where": _where(comparison.old_clean, wording.old.span(*change.old_range)),
        "new_where": _where(comparison.new_clean, wording.new.span(*change.new_range)),
    }


def _where(clean: CleanText, span: tuple[int, int]) -> dict | None:
    start, end = span
    if start >= end:
        return None
    first = clean.locate(start, start + 1)
    last = clean.locate(end - 1, end)
    # end_page differs from page only for a block that runs over a page break
    return {"page": first.page, "char_start": first.char_start, "end_page": last.page,
            "char_end": last.char_end, "quote": clean.text[start:end]}


# --- HTML ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    kind: str  # equal, ins, del, moved_ins, moved_del
    text: str
    change: int = -1  # index into wording.changes
    first: bool = False  # the first run of its change (carries the anchor)
    signature: bool = False  # in the signature block, where short lines are not headings


@dataclass(slots=True)
class Paragraph:
    runs: list[Run]
    heading: bool = False
    anchor: str = ""
    changes: list[int] = field(default_factory=list)


@dataclass(slots=True)
class NavItem:
    title: str
    anchor: str
    changes: list[int]


def redline(wording: WordingDiff) -> list[Paragraph]:
    """The new text in full, with the old text's deletions spliced in where they were."""
    old, new = wording.old, wording.new
    runs: list[Run] = []
    if new.tokens and new.tokens[0].start > 0:
        runs.append(Run("equal", new.text[: new.tokens[0].start]))

    def new_text(j1: int, j2: int) -> str:
        if j1 >= j2:
            return ""
        end = new.tokens[j2].start if j2 < len(new.tokens) else len(new.text)
        return new.text[new.tokens[j1].start : end]

    def old_text(i1: int, i2: int) -> str:
        if i1 >= i2:
            return ""
        text = old.text[old.tokens[i1].start : old.tokens[i2 - 1].end]
        following = old.text[old.tokens[i2 - 1].end : old.tokens[i2].start] if i2 < len(
            old.tokens) else "\n"
        return text + ("\n" if "\n" in following else " ")

    for op in wording.ops:
        in_signature = op.new_range[0] >= new.signature_at and op.new_range[1] <= \
            new.signature_end and new.signature_at < new.signature_end
        if op.tag == "equal":
            runs.append(Run("equal", new_text(*op.new_range), signature=in_signature))
            continue
        if op.tag == "moved_from":
            runs.append(Run("moved_del", old_text(*op.old_range), op.change))
            continue
        change = wording.changes[op.change]
        if change.kind == "move":
            runs.append(Run("moved_ins", new_text(*op.new_range), op.change, True))
            continue
        deleted = old_text(*op.old_range)
        if change.kind == "signatures":
            in_signature = True
            if deleted and not deleted.startswith("\n"):
                deleted = "\n" + deleted
        if deleted:
            runs.append(Run("del", deleted, op.change, True, in_signature))
        inserted = new_text(*op.new_range)
        if inserted:
            runs.append(Run("ins", inserted, op.change, not deleted, in_signature))
    return _paragraphs(runs)


def _paragraphs(runs: list[Run]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = [Paragraph([])]
    for run in runs:
        first = run.first  # the anchor goes on the first piece with text
        for index, piece in enumerate(run.text.split("\n")):
            if index > 0:
                paragraphs.append(Paragraph([]))
            if piece:
                paragraphs[-1].runs.append(Run(run.kind, piece, run.change, first,
                                               run.signature))
                first = False
    out = []
    for number, paragraph in enumerate(p for p in paragraphs if "".join(
            r.text for r in p.runs).strip()):
        shown = "".join(r.text for r in paragraph.runs if r.kind in ("equal", "ins",
                                                                      "moved_ins"))
        # a heading only the old text has is shown struck through, not as a section
        paragraph.heading = (bool(shown.strip()) and is_heading(shown)
                             and not any(r.signature for r in paragraph.runs))
        paragraph.anchor = f"p{number}"
        paragraph.changes = sorted({r.change for r in paragraph.runs if r.first})
        out.append(paragraph)
    return out


def _navigation(paragraphs: list[Paragraph]) -> list[NavItem]:
    items = [NavItem(section_name(""), "top", [])]
    for paragraph in paragraphs:
        if paragraph.heading:
            items.append(NavItem("".join(r.text for r in paragraph.runs).strip(),
                                 paragraph.anchor, []))
        for change in paragraph.changes:
            if change not in items[-1].changes:
                items[-1].changes.append(change)
    return [item for item in items if item.anchor != "top" or item.changes]


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("pipeline.compare", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def to_html(comparison: Comparison) -> str:
    old_label, new_label = side_labels(comparison)
    paragraphs = redline(comparison.wording) if comparison.wording is not None else []
    fields = comparison.fields if comparison.mode == "memo_agreement" else \
        comparison.field_changes
    return _environment().get_template("compare.html.j2").render(
        c=comparison,
        lang=_lang(),
        old_label=old_label,
        new_label=new_label,
        fields=[(f, status_text(f, comparison)) for f in fields],
        paragraphs=paragraphs,
        navigation=_navigation(paragraphs),
        changes=comparison.wording.changes if comparison.wording is not None else [],
        section_name=section_name,
    )


def write_html(comparison: Comparison, path: Path) -> None:
    """Write the page atomically: a reader never sees half a page, a failure leaves none.

    The page carries the generator mark (outdir.COMPARE_MARK), so that a later
    `iop compare --html` may replace it, and nothing else (outdir.check_file)."""
    page = to_html(comparison)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
