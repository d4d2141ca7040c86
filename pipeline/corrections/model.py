"""What a correction is: an analyst's statement about one fact or flag of one document.

A correction never names a row by its number. It names the document by its content hash
(doc_id) and the fact by where its original value was read (page, char_start, char_end,
with the quote and a few identifying values of the row as extracted), so it finds the same
fact after a re-run, a new pipeline version or a re-ordering, and finds nothing (it is
orphaned) when the document or the fact is gone. A flag is named by its code, the
document it points to and the places of its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# set: correct fields of a fact; add: a fact the extraction missed; remove: a wrong fact;
# decide: accept (a real problem) or dismiss (a false alarm) a flag; revoke: withdraw
# earlier corrections (their ids in `replaces`).
ACTIONS = ("set", "add", "remove", "decide", "revoke")
FACT_TABLES = ("parties", "amounts", "periods", "obligations", "signatories", "placeholders")
DECISIONS = ("accepted", "dismissed")
STATUSES = ("applied", "orphaned", "conflict", "superseded")
ORIGINS = ("extracted", "corrected", "added")

# What tells two rows with the same provenance apart (a joint duty is one row per party).
IDENTITY: dict[str, tuple[str, ...]] = {
    "parties": ("name", "role"),
    "amounts": ("amount_sek",),
    "periods": ("kind",),
    "obligations": ("party", "action"),
    "signatories": ("person", "for_party"),
    "placeholders": ("kind",),
}
PROVENANCE = ("page", "char_start", "char_end", "quote")
# Columns a correction cannot set: the key of the fact, and what the run fills in.
FIXED = frozenset({"doc_id", "page", "char_start", "char_end", "quote", "rule_id",
                   "ocr_confidence", "origin", "correction_id", "amount_id",
                   "name_normalized", "source", "related_source"})
# Columns that hold another amount's amount_id: a file names that amount by its key.
REFERENCES = frozenset({("amounts", "part_of"), ("amounts", "same_as")})
# What an added row gets when the correction does not say.
ADD_DEFAULTS: dict[str, dict[str, object]] = {
    "amounts": {"basis": "unknown", "in_kind": False, "ceiling": False, "role": "",
                "source_of_funds": "", "vat": ""},
    "parties": {"sector": "unknown", "role": "party"},
    "periods": {},
    "obligations": {},
    "signatories": {},
    "placeholders": {},
}


@dataclass(frozen=True, slots=True)
class FactKey:
    """Where a fact's original value was read, and what it said (IDENTITY values).

    `correction` instead names a fact that a correction added (its id)."""

    page: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    quote: str = ""
    values: tuple[tuple[str, object], ...] = ()
    correction: str = ""

    def describe(self) -> str:
        if self.correction:
            return f"the fact added by {self.correction}"
        where = (f"page {self.page}, characters {self.char_start}-{self.char_end}"
                 if self.page is not None else "no place in the text")
        quote = f'"{self.quote}" ' if self.quote else ""
        return f"{quote}({where})"


@dataclass(frozen=True, slots=True)
class FlagKey:
    """A flag: its code, the other document it concerns, the places of its evidence
    (page, char_start, char_end, in the flag's order) and its message as it was."""

    code: str
    related_doc_id: str = ""
    spans: tuple[tuple[int | None, int | None, int | None], ...] = ()
    message: str = ""

    def describe(self) -> str:
        return f'{self.code} "{self.message}"' if self.message else self.code


@dataclass(frozen=True, slots=True)
class Correction:
    id: str
    action: str
    doc_id: str
    source: str  # the document's source when written (for people; doc_id is the key)
    table: str  # a fact table, or "flags" for a decision; "" for revoke
    who: str
    when: str
    why: str
    file: str  # relative to the corrections folder
    line: int | None
    target: FactKey | FlagKey | None = None  # set, remove, decide
    values: dict[str, object] = field(default_factory=dict)  # set: new values; add: the row
    was: dict[str, object] = field(default_factory=dict)  # set: the values it replaced
    decision: str = ""  # decide
    replaces: tuple[str, ...] = ()  # ids this one supersedes

    @property
    def where(self) -> str:
        return f"{self.file} line {self.line}" if self.line else self.file


@dataclass(slots=True)
class Outcome:
    """What became of one correction in a run (a row of the corrections table)."""

    correction: Correction
    status: str
    message: str = ""
    change: str = ""
    applied_doc_id: str = ""

    def row(self) -> dict:
        c = self.correction
        target = c.target
        fact = target if isinstance(target, FactKey) else None
        flag = target if isinstance(target, FlagKey) else None
        first = flag.spans[0] if flag and flag.spans else (None, None, None)
        return {
            "correction_id": c.id, "file": c.file, "line": c.line, "doc_id": c.doc_id,
            "source": c.source, "action": c.action, "target_table": c.table,
            "target_page": fact.page if fact else first[0],
            "target_char_start": fact.char_start if fact else first[1],
            "target_char_end": fact.char_end if fact else first[2],
            "target_quote": fact.quote if fact else (flag.message if flag else ""),
            "change": self.change, "who": c.who, "written_at": c.when, "why": c.why,
            "status": self.status, "message": self.message,
            "applied_doc_id": self.applied_doc_id,
        }
