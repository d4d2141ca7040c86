"""Catalogue of per-file status codes (the `code` column of `documents`).

Each code has the status it gives the file and a message template; the messages are
written for the analyst who reads the documents table, so they say what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileCode:
    code: str
    status: str  # warning or error
    template: str
    example: str


CATALOGUE: dict[str, FileCode] = {
    c.code: c
    for c in [
        FileCode("EMPTY_FILE", "error", "the file is empty ({detail})",
                 "the file is empty (0 bytes)"),
        FileCode(
            "NO_TEXT", "error", "the file holds no readable text ({detail})",
            "the file holds no readable text (only whitespace)",
        ),
        FileCode(
            "NOT_TEXT", "error", "the file is binary data, not text ({detail})",
            "the file is binary data, not text (31% control bytes)",
        ),
        FileCode(
            "NOT_A_PDF", "error", "named .pdf but the content is {detail}",
            "named .pdf but the content is an HTML page",
        ),
        FileCode(
            "WRONG_TYPE", "error", "the file name says {detail}",
            "the file name says .docx but the content is plain text",
        ),
        FileCode(
            "UNSUPPORTED_TYPE", "error", "unsupported file type: {detail}",
            "unsupported file type: .xlsx (iop reads PDF, DOCX and TXT)",
        ),
        FileCode(
            "ENCRYPTED", "error", "the file is password-protected ({detail})",
            "the file is password-protected (PDF needs a password to open)",
        ),
        FileCode(
            "ENCRYPTION_UNSUPPORTED", "error", "the file uses an unsupported encryption ({detail})",
            "the file uses an unsupported encryption (unknown security handler)",
        ),
        FileCode(
            "DAMAGED", "error", "the file is damaged and could not be read ({detail})",
            "the file is damaged and could not be read (PDF structure is broken)",
        ),
        FileCode(
            "NO_TEXT_LAYER", "error", "{detail}",
            "page 1 has no text layer and OCR is not installed: "
            "apt-get install tesseract-ocr tesseract-ocr-swe",
        ),
        FileCode(
            "OCR_FAILED", "error", "OCR could not read a scanned page ({detail})",
            "OCR could not read a scanned page (tesseract stopped by SIGABRT)",
        ),
        FileCode(
            "GARBLED_TEXT", "error", "the text layer is garbage, not words ({detail})",
            "the text layer is garbage, not words (pages 1-3: 12% letters)",
        ),
        FileCode(
            "TOO_LARGE", "error", "the file is too large ({detail})",
            "the file is too large (210 MB; the limit is 100 MB)",
        ),
        FileCode(
            "TOO_MANY_PAGES", "error", "the document has too many pages ({detail})",
            "the document has too many pages (5000; the limit is 1000)",
        ),
        FileCode(
            "TIMEOUT", "error", "reading the file took too long ({detail})",
            "reading the file took too long (stopped after 60 s)",
        ),
        FileCode(
            "MEMORY_LIMIT", "error", "reading the file needed too much memory ({detail})",
            "reading the file needed too much memory (limit 1.5 GiB)",
        ),
        FileCode(
            "UNREADABLE", "error", "the file could not be opened ({detail})",
            "the file could not be opened (permission denied)",
        ),
        FileCode(
            "INTERNAL_ERROR", "error", "iop failed on this file ({detail}); please report it",
            "iop failed on this file (KeyError: 'x'); please report it",
        ),
        FileCode(
            "ENCODING_FALLBACK", "warning", "the text is not UTF-8; read as {detail}",
            "the text is not UTF-8; read as cp1252",
        ),
        FileCode(
            "CONTROL_CHARS_REMOVED", "warning", "control characters removed ({detail})",
            "control characters removed (12 NUL bytes)",
        ),
        FileCode(
            "PARTLY_GARBLED", "warning", "some pages are garbage and were skipped ({detail})",
            "some pages are garbage and were skipped (page 3)",
        ),
        FileCode(
            "OCR_LOW_CONFIDENCE", "warning",
            "pages read by OCR with low confidence; check their facts ({detail})",
            "pages read by OCR with low confidence; check their facts (page 3: 58)",
        ),
        FileCode(
            "DUPLICATE", "warning", "same content as {detail}; its facts are listed there",
            "same content as memo.pdf; its facts are listed there",
        ),
    ]
}


def message(code: str, detail: str) -> str:
    return CATALOGUE[code].template.format(detail=detail)
