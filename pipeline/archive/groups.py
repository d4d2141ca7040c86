"""Renderings of one document as one: the group key of documents (documents.group_id).

The same agreement as TXT, DOCX, a PDF and a scan is one document in four renderings:
links.relation `same_as` joins them (pipeline/checks/links.py decides which). A group's key
is the doc_id of the rendering whose facts the archive views count: the one read most
surely (a text or a Word file before a PDF's text layer, a text layer before OCR), then the
first by source. A document without another rendering is its own group.
"""

from __future__ import annotations

import pandas as pd

# Which rendering of a group is counted: lower first (a scan is read by OCR).
FORMAT_RANK = {"docx": 0, "txt": 1, "pdf": 2}
OCR_RANK = 3


def group_ids(documents: pd.DataFrame, links: pd.DataFrame) -> pd.Series:
    """documents.group_id, aligned with `documents` (NULL for rows without a doc_id)."""
    ids = documents["doc_id"].astype("string")
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        while parent.get(doc, doc) != doc:
            doc = parent[doc]
        return doc

    same = links[links["relation"] == "same_as"]
    for a, b in zip(same["doc_id"], same["related_doc_id"], strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    rank: dict[str, tuple] = {}
    ocr = documents["ocr_pages"].astype("string").fillna("") if "ocr_pages" in documents \
        else pd.Series("", index=documents.index)
    for doc, fmt, source, scanned in zip(ids, documents["format"].astype("string").fillna(""),
                                         documents["source"].astype("string").fillna(""),
                                         ocr, strict=True):
        if pd.isna(doc) or not doc or doc in rank:
            continue
        rank[doc] = (OCR_RANK if scanned else FORMAT_RANK.get(fmt, OCR_RANK), source)
    best: dict[str, str] = {}
    for doc in rank:
        group = root(doc)
        if group not in best or rank[doc] < rank[best[group]]:
            best[group] = doc
    return pd.Series([best.get(root(d)) if isinstance(d, str) and d in rank else None
                      for d in ids], index=documents.index, dtype="string")


def sources(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id -> source of the first file with those bytes (documents are in source order)."""
    out: dict[str, str] = {}
    for doc, source in zip(documents["doc_id"], documents["source"], strict=True):
        if isinstance(doc, str) and doc and doc not in out:
            out[doc] = source
    return out


def with_sources(frame: pd.DataFrame, by_doc: dict[str, str],
                 pairs: tuple[tuple[str, str], ...] = (("doc_id", "source"),)) -> pd.DataFrame:
    """`frame` with its source columns filled from its doc_id columns."""
    frame = frame.copy()
    for doc_column, source_column in pairs:
        frame[source_column] = frame[doc_column].map(by_doc).astype("string")
    return frame
