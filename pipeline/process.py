"""The per-document stages, as one pure function: Document -> documents row + fact rows.

ingest has already read the file; this normalizes, classifies, extracts and resolves.
It knows nothing of workers, caches or terminals.
"""

from __future__ import annotations

from pipeline.classify import classify, title_span
from pipeline.extract import extract
from pipeline.ingest import page_ranges
from pipeline.ingest.ocr import annotate_confidence, repairs_note
from pipeline.normalize import normalize
from pipeline.records import Document
from pipeline.resolve import resolve
from pipeline.resolve.document_date import document_date, empty_date
from pipeline.signature import columns as signature_columns
from pipeline.timing import StageTimes

FACT_TABLES = ("parties", "amounts", "periods", "obligations", "signatories", "placeholders")
# What one document gives: its facts (process) and the page texts they point into (page_rows).
DOCUMENT_TABLES = (*FACT_TABLES, "pages")


def documents_row(doc: Document) -> dict:
    ocr = [p.number for p in doc.pages if p.ocr]
    confidences = [p.ocr_confidence for p in doc.pages if p.ocr and p.ocr_confidence is not None]
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "format": doc.format,
        "kind": "",
        "title": "",
        "title_page": None,
        "title_char_start": None,
        "title_char_end": None,
        **empty_date(),
        "pages": len(doc.pages) if doc.status != "error" else None,
        "status": doc.status,
        "code": doc.code,
        "error": doc.error,
        "bytes": doc.bytes,
        "encoding": doc.encoding,
        "ocr_pages": page_ranges(ocr),
        "ocr_confidence": sum(confidences) / len(confidences) if confidences else None,
        "ocr_repairs": repairs_note(doc.pages),
        "duplicate_of": "",
        "pipeline_version": "",
    }


def page_rows(doc: Document) -> list[dict]:
    """The pages table's rows: the source text every (page, char_start, char_end) points
    into, exactly as ingest read it (the report highlights the facts in it)."""
    if doc.status == "error":
        return []
    return [{"doc_id": doc.doc_id, "page": p.number, "text": p.text, "ocr": p.ocr}
            for p in doc.pages]


def process(doc: Document, times: StageTimes | None = None
            ) -> tuple[dict, dict[str, list[dict]]]:
    """Facts of one document. An unreadable document gives its row and no facts.

    `times`, when given, collects the seconds spent in normalize and extract (with
    classify, resolve and the linking keys).
    """
    times = times or StageTimes()
    row = documents_row(doc)
    tables: dict[str, list[dict]] = {name: [] for name in FACT_TABLES}
    if doc.status == "error":
        return row, tables
    with times.stage("normalize"):
        clean = normalize(doc.pages)
    with times.stage("extract"):
        row["kind"] = classify(clean.text).kind
        found = title_span(clean.text)
        if found:
            where = clean.locate(found[1], found[2])
            row.update(title=found[0], title_page=where.page,
                       title_char_start=where.char_start, title_char_end=where.char_end)
        row.update(signature_columns(clean.text))  # linking keys: MinHash, acronyms
        mentions = extract(clean.text)
        tables.update(resolve(doc.doc_id, clean, mentions, row["kind"], doc.pages))
        row.update(document_date(clean, mentions.get("date", []), doc.pages, row["kind"]))
        annotate_confidence(doc.pages, tables)
    return row, tables
