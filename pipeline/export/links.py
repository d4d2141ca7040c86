"""Where a row of a table opens in the HTML report that `iop report` writes.

The report's page names are its own (pipeline/report/build.py, Report.doc_href and
compare_href; model.fact_anchor and the flags' evidence anchors); this module only
applies them to rows:
- a document: its page, docs/<doc_id>.html;
- a fact (a row of the report's fact tables): its document's page at the fact,
  docs/<doc_id>.html#f-<table>-<n>, n counting the document's rows of that table in
  table order, as the report does (a fact whose offsets do not fit its page, which the
  report cannot mark in the text, opens the page at its top);
- a flag: the page and quote the report's flag list opens (its first located evidence);
- a link between documents: the comparison page compare/<doc_id>_<related_doc_id>.html;
- any other table or view with a doc_id: its document's page.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.build import Report
from pipeline.report.model import FACT_TABLES, Flag, fact_anchor, is_doc_id, parse_evidence


class RowLinks:
    """The report page of each row of one table, given row by row in table order."""

    def __init__(self, table: str, columns: list[str],
                 page_lengths: dict[tuple[str, int], int] | None = None):
        self.table = table
        self.columns = set(columns)
        self.lengths = page_lengths or {}
        self.seen: dict[str, int] = defaultdict(int)

    @property
    def linked(self) -> bool:
        return "doc_id" in self.columns

    def href(self, row: dict) -> str | None:
        doc_id = row.get("doc_id")
        if not is_doc_id(doc_id):
            return None
        if self.table in FACT_TABLES:
            index = self.seen[doc_id]
            self.seen[doc_id] += 1
            page, start, end = row.get("page"), row.get("char_start"), row.get("char_end")
            located = (None not in (page, start, end)
                       and 0 <= start < end <= self.lengths.get((doc_id, page), -1))
            return Report.doc_href("", doc_id, fact_anchor(self.table, index) if located
                                   else "")
        if self.table == "flags":
            flag = Flag(row.get("code") or "", row.get("severity") or "", doc_id,
                        row.get("related_doc_id") or "", "", "",
                        parse_evidence(row.get("evidence"), doc_id))
            target = flag.target
            return (Report.doc_href("", target.doc_id, target.anchor) if target
                    else Report.doc_href("", doc_id))
        if self.table == "links" and is_doc_id(row.get("related_doc_id")):
            return Report.compare_href("", row)
        return Report.doc_href("", doc_id)


def page_lengths(pages: pa.Table) -> dict[tuple[str, int], int]:
    """Characters per page (doc_id, page) of a pages table: where a fact fits."""
    lengths = pc.utf8_length(pages.column("text").fill_null(""))
    return dict(zip(zip(pages.column("doc_id").to_pylist(), pages.column("page").to_pylist(),
                        strict=True), lengths.to_pylist(), strict=True))
