"""`iop compare`: what changed between two drafts, or between a memo and its agreement.

`compare_documents(old, new)` is pure over two ingested Documents: it runs the
per-document stages (pipeline.process) on each, pairs their facts (fields.py) and, for
documents of one kind, aligns their wording (wording.py). render.py lays the result out
for a terminal, as JSON and as an HTML page.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.compare.fields import FieldChange, fields_diff
from pipeline.compare.wording import WordingDiff, wording_diff
from pipeline.normalize import CleanText, normalize
from pipeline.process import process
from pipeline.records import Document


@dataclass(slots=True)
class DocumentInfo:
    source: str
    doc_id: str
    kind: str  # agreement, memo, other
    title: str
    pages: int
    format: str


@dataclass(slots=True)
class Comparison:
    old: DocumentInfo
    new: DocumentInfo
    mode: str  # drafts, memo_agreement
    fields: list[FieldChange]  # every fact, equal ones too
    wording: WordingDiff | None  # None when the wording was not compared
    old_clean: CleanText
    new_clean: CleanText

    @property
    def field_changes(self) -> list[FieldChange]:
        return [c for c in self.fields if c.different]

    @property
    def different(self) -> bool:
        return bool(self.field_changes) or (self.wording is not None and
                                            not self.wording.equal)


def mode_for(old_kind: str, new_kind: str) -> str:
    """A memo against an agreement (either way round) is compared as proposal vs agreement."""
    return "memo_agreement" if {old_kind, new_kind} == {"memo", "agreement"} else "drafts"


def compare_documents(old: Document, new: Document, wording: bool | None = None) -> Comparison:
    """Compare two readable documents. `wording=None`: on for drafts, off for memo vs
    agreement (documents of different kinds share little wording)."""
    for doc in (old, new):
        if doc.status == "error":
            raise ValueError(f"{doc.source}: {doc.error}")
    old_row, old_tables = process(old)
    new_row, new_tables = process(new)
    mode = mode_for(old_row["kind"], new_row["kind"])
    old_clean, new_clean = normalize(old.pages), normalize(new.pages)
    if wording is None:
        wording = mode == "drafts"
    return Comparison(
        old=_info(old, old_row),
        new=_info(new, new_row),
        mode=mode,
        fields=fields_diff(old_tables, new_tables, mode),
        wording=wording_diff(old_clean.text, new_clean.text) if wording else None,
        old_clean=old_clean,
        new_clean=new_clean,
    )


def _info(doc: Document, row: dict) -> DocumentInfo:
    return DocumentInfo(doc.source, doc.doc_id, row["kind"], row["title"], len(doc.pages),
                        doc.format)


__all__ = ["Comparison", "DocumentInfo", "compare_documents", "fields_diff", "mode_for",
           "wording_diff"]
