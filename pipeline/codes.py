"""Catalogue of per-file status codes (the `code` column of `documents`).

Each code has the status it gives the file, a message template and what the analyst can
do about it. A file with status `error` has no facts; `warning` means the facts are there
but something about the file deserves a look. docs/errors.md is generated from this.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class FileCode:
    code: str
    status: str  # warning or error
    template: str
    example: str
    action: str = ""  # what the analyst can do about it (docs/errors.md)


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
            "the text layer is garbage, not words (pages 1-3: not words)",
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
            "PARTLY_DAMAGED", "warning",
            "some pages are damaged and were skipped ({detail})",
            "some pages are damaged and were skipped (page 2)",
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
        FileCode(
            "CORRECTION_ORPHANED", "warning", "a correction could not be applied: {detail}",
            "a correction could not be applied: c-3f2a9b1c in avtal.pdf.toml line 4: no "
            "amounts fact at \"160 000 kr\" (page 1, characters 7509-7519) any more",
        ),
        FileCode(
            "CORRECTION_CONFLICT", "warning",
            "two corrections disagree; neither is applied: {detail}",
            "two corrections disagree; neither is applied: c-3f2a9b1c in avtal.pdf.toml line "
            "4: c-9d8e7f6a (avtal.pdf.toml line 12) says otherwise about amounts amount_sek "
            "160000 (page 1, 7509-7519)",
        ),
    ]
}


# What the analyst can do, per code (kept apart from the entries above for readability).
ACTIONS = {
    "EMPTY_FILE":
        "Check the source: a failed download or copy often leaves 0 bytes.",
    "NO_TEXT":
        "Nothing to do unless the file should hold text; then get the original.",
    "NOT_TEXT":
        "Find the real file: this one is binary data with a text name.",
    "NOT_A_PDF":
        "Open it and save it as PDF, or fetch the real PDF (often an error page was saved).",
    "WRONG_TYPE":
        "Rename the file to its real type, or get the real document.",
    "UNSUPPORTED_TYPE":
        "Save it as PDF, DOCX or TXT if it holds an agreement or a memo.",
    "ENCRYPTED":
        "Ask for an unprotected copy, or open it with the password and save it again.",
    "ENCRYPTION_UNSUPPORTED":
        "Ask the sender for an unprotected copy.",
    "DAMAGED":
        "Get a fresh copy of the file; a truncated download is the usual cause.",
    "NO_TEXT_LAYER":
        "Install OCR (the message names the packages) and run again.",
    "GARBLED_TEXT":
        "Every page is garbage (a table of contents or a form's lines are not): its fonts "
        "lack a text mapping; print it to PDF again, or OCR it.",
    "TOO_LARGE":
        "Split the file, or raise the limit if the file is genuine.",
    "TOO_MANY_PAGES":
        "Check that it is one document; raise --max-pages if it is genuine.",
    "TIMEOUT":
        "Raise --timeout if the file is genuine; a hostile file stays refused.",
    "MEMORY_LIMIT":
        "Raise --memory if the file is genuine; a decompression bomb stays refused.",
    "UNREADABLE":
        "Check the file's permissions, or where its symlink points.",
    "INTERNAL_ERROR":
        "Run again with --debug and report the traceback with the file.",
    "ENCODING_FALLBACK":
        "Check a few facts: a wrong guess shows as odd å, ä, ö.",
    "CONTROL_CHARS_REMOVED":
        "Usually nothing; the characters were replaced by spaces.",
    "PARTLY_GARBLED":
        "Check the skipped pages by eye; their facts are missing (the other pages' facts "
        "are there). A PDF page is OCR'd instead where OCR is installed.",
    "PARTLY_DAMAGED":
        "Check the skipped pages by eye; their facts are missing.",
    "DUPLICATE":
        "Nothing; remove one copy to tidy the archive.",
    "CORRECTION_ORPHANED":
        "The document was edited or its fact is no longer read: check the correction "
        "(`iop corrections check`) and write it again for the fact as it is now, or delete it.",
    "CORRECTION_CONFLICT":
        "Two corrections of one fact disagree: keep one (delete the other, or write a new "
        "one with `iop correct`, which replaces the earlier).",
}
CATALOGUE.update({code: replace(CATALOGUE[code], action=action)
                  for code, action in ACTIONS.items()})


def message(code: str, detail: str) -> str:
    """The one-line message of a code: the template filled in, on one line, not too long."""
    text = CATALOGUE[code].template.format(detail=" ".join(str(detail).split()))
    return text if len(text) <= 300 else text[:297] + "..."
