"""What the report shows of analysts' corrections: the command that corrects each fact or
decides each flag (ready to copy), and the corrections of a document with what became of
them. The commands name facts as `iop correct` reads them (pipeline.corrections.author)."""

from __future__ import annotations

import shlex
from collections import Counter, defaultdict
from pathlib import Path

from pipeline.corrections.author import selector_of
from pipeline.corrections.model import IDENTITY

# The column a fact's "set" command offers first (the one most often wrong).
FIRST_FIELD = {"parties": "name", "amounts": "payer", "periods": "end_date",
               "obligations": "party", "signatories": "person", "placeholders": "kind"}
WHY = '--why "…"'


class Commands:
    """`iop correct` command lines for the facts and flags of one set of tables."""

    def __init__(self, tables_dir: Path):
        default = Path("data/extracted").resolve()
        self.tables = "" if Path(tables_dir).resolve() == default else \
            f" --tables {shlex.quote(str(tables_dir))}"

    def fact(self, table: str, row: dict, rows: list[dict], source: str) -> list[str]:
        """Set and remove commands of one fact row of a document (`rows`: its table's)."""
        selector = selector_of(table, row)
        if not selector:
            return []
        where = ""
        if "@" in selector:
            place = (row.get("page"), row.get("char_start"), row.get("char_end"))
            sharing = [r for r in rows if (r.get("page"), r.get("char_start"),
                                           r.get("char_end")) == place]
            if len(sharing) > 1:
                key = IDENTITY[table][0]
                value = row.get(key) or ""
                where = " --where " + shlex.quote(f"{key}={value}")
        head = f"iop correct {{}} {shlex.quote(source)} {selector}{where}"
        field = FIRST_FIELD[table]
        return [f"{head.format('set')} {field}=\"…\" {WHY}{self.tables}",
                f"{head.format('remove')} {WHY}{self.tables}"]

    def add(self, table: str, source: str) -> str:
        field = FIRST_FIELD[table] if table != "amounts" else "amount_sek"
        return (f"iop correct add {shlex.quote(source)} {table} {field}=… --quote \"…\" "
                f"{WHY}{self.tables}")

    def flag(self, flag, source: str) -> list[str]:
        """Commands that accept or dismiss a flag (the other decision when it has one)."""
        placed = [e for e in flag.evidence if None not in (e.page, e.char_start, e.char_end)]
        selector = flag.code + (f"@{placed[0].page}:{placed[0].char_start}-"
                                f"{placed[0].char_end}" if placed else "")
        head = f"iop correct flag {shlex.quote(source)} {selector}"
        if flag.decision:
            return [f"{head} {'accept' if flag.decision == 'dismissed' else 'dismiss'} "
                    f"{WHY}{self.tables}"]
        return [f"{head} dismiss {WHY}{self.tables}", f"{head} accept {WHY}{self.tables}"]


def by_document(rows: list[dict]) -> dict[str, list[dict]]:
    """Corrections rows per document they concern (the document they were applied to, or
    for an orphan the current document of the same source; else the one written for)."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row.get("applied_doc_id") or row.get("doc_id") or ""].append(row)
    return grouped


def status_counts(rows: list[dict]) -> dict[str, int]:
    return dict(Counter(row["status"] for row in rows))
