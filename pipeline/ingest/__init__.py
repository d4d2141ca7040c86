"""Ingest: a file on disk -> a Document (pages of text), or a Document with a clear error.

Ingest does not interpret the text; it only reads it. The file's type is decided by its
first bytes, not its name.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

from pipeline import codes
from pipeline.config import DEFAULT_LIMITS, Limits
from pipeline.ingest import docx as docx_reader
from pipeline.ingest import ocr
from pipeline.ingest import pdf as pdf_reader
from pipeline.ingest import text as text_reader
from pipeline.ingest.quality import is_garbled
from pipeline.ingest.sniff import DESCRIPTIONS, is_encrypted_ole, sniff
from pipeline.records import Document, Page

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".txt", ".text", ".md"}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fail(doc: Document, code: str, detail: str) -> Document:
    return doc.fail(code, codes.message(code, detail))


def read_input(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, read without ever blocking and never more than max_bytes + 1.

    O_NONBLOCK: a FIFO or device that replaced the file after discovery must not hang the
    worker; fstat on the open descriptor decides, not the name. Raises OSError, or
    ValueError for a file that is not a regular file.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError("not a regular file (a pipe, socket or device)")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_document(path: Path, source: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read one file. Never raises for a bad file: the Document carries status and code."""
    doc = Document(doc_id="", source=source, format=path.suffix.lower().lstrip("."))
    try:
        data = read_input(path, limits.max_bytes)
    except PermissionError:
        return _fail(doc, "UNREADABLE", "permission denied")
    except ValueError as exc:
        return _fail(doc, "UNSUPPORTED_TYPE", str(exc))
    except OSError as exc:
        return _fail(doc, "UNREADABLE", exc.strerror or type(exc).__name__)
    doc.bytes = len(data)
    if len(data) > limits.max_bytes:
        size = max(len(data), _size_of(path))
        return _fail(doc, "TOO_LARGE", f"{size / 1e6:.0f} MB; the limit is "
                     f"{limits.max_bytes / 1e6:.0f} MB")
    doc.doc_id = hashlib.sha256(data).hexdigest()
    kind = sniff(data[:4096])
    suffix = path.suffix.lower()
    if kind == "empty":
        return _fail(doc, "EMPTY_FILE", "0 bytes")
    if kind == "ole" and is_encrypted_ole(data):
        kind = "ole-encrypted"
    if suffix == ".pdf" and kind != "pdf":
        return _fail(doc, "NOT_A_PDF", DESCRIPTIONS.get(kind, kind))
    if kind == "pdf":
        doc.format = "pdf"
        return _read_pdf(doc, path, data, limits)
    if kind == "zip":
        if suffix not in (".docx", ".txt", ""):
            return _fail(doc, "UNSUPPORTED_TYPE", f"{suffix} (iop reads PDF, DOCX and TXT)")
        doc.format = "docx"
        return _read_docx(doc, path, limits)
    if kind == "ole-encrypted":
        return _fail(doc, "ENCRYPTED", "Office file needs a password to open")
    if kind == "ole":
        return _fail(doc, "UNSUPPORTED_TYPE",
                     "old Word 97-2003 format; save it as .docx or PDF")
    if suffix == ".docx":
        return _fail(doc, "WRONG_TYPE", f".docx but the content is {DESCRIPTIONS.get(kind, kind)}")
    if kind == "html":
        return _fail(doc, "UNSUPPORTED_TYPE", "an HTML page (iop reads PDF, DOCX and TXT)")
    if suffix not in SUPPORTED_SUFFIXES:
        return _fail(doc, "UNSUPPORTED_TYPE", f"{suffix or 'no extension'} "
                     "(iop reads PDF, DOCX and TXT)")
    doc.format = "txt"
    return _read_text(doc, data)


def _size_of(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _read_pdf(doc: Document, path: Path, data: bytes, limits: Limits) -> Document:
    started = time.monotonic()
    try:
        # from the bytes read (and hashed) above; text runs are read when layout needs them
        pages, broken = pdf_reader.read_pages(path, limits.max_pages, data)
    except pdf_reader.PdfReadError as exc:
        return _fail(doc, exc.code, exc.detail)
    doc.pages = pages
    if broken:
        doc.warn("PARTLY_DAMAGED", codes.message("PARTLY_DAMAGED",
                                                 f"page {page_ranges(broken)}"))
    failed = _read_scanned_pages(doc, path, started + _ocr_budget(limits.timeout_s))
    return failed or _check_pages(doc)


def _ocr_budget(timeout_s: float) -> float:
    """OCR stops in time for the rest of the stages to finish within the per-file limit."""
    return timeout_s - min(5.0, 0.1 * timeout_s)


def _read_scanned_pages(doc: Document, path: Path, deadline: float) -> Document | None:
    """OCR the pages whose text layer is empty or garbage; a good text layer is kept.

    Returns the failed Document when OCR is needed but missing or breaks, else None.
    """
    problems = {p.number: problem for p in doc.pages
                if (problem := ocr.text_layer_problem(p.text))}
    try:
        read = ocr.read_pages(path, problems, deadline)
    except ocr.OcrUnavailable as exc:
        if _skip_garbled(doc, exc.pages, problems, exc.reason):
            return None
        return _fail(doc, "NO_TEXT_LAYER", no_text_layer_message(exc.pages, exc.reason))
    except ocr.OcrFailed as exc:
        return _fail(doc, exc.code, exc.detail)
    weak = []
    for number, page in sorted(read.items()):
        low = page.ocr_confidence is None or page.ocr_confidence < ocr.LOW_PAGE_CONFIDENCE
        if low and page.text.strip():
            weak.append(f"page {number}: {page.ocr_confidence:.0f}")
        if low and problems[number] == "sparse":
            del read[number]  # a few letters of text layer beat a poor reading of the scan
            if page.text.strip():
                weak[-1] += " (its text layer kept)"
    doc.pages = [read.get(p.number, p) for p in doc.pages]
    if weak:
        doc.warn("OCR_LOW_CONFIDENCE", codes.message("OCR_LOW_CONFIDENCE", ", ".join(weak)))
    return None


def _skip_garbled(doc: Document, unread: list[int], problems: dict[int, str],
                  reason: str) -> bool:
    """Without OCR, garbage pages beside good ones are skipped, not the whole document.

    Only when every page left unread has a garbage text layer (a page with no text layer
    at all is a scan: NO_TEXT_LAYER says what to install) and another page reads well.
    """
    if any(problems[n] != "garbled" for n in unread):
        return False
    if not any(p.number not in problems and p.text.strip() for p in doc.pages):
        return False
    for page in doc.pages:
        if page.number in unread:
            page.text, page.words = "", None
    doc.warn("PARTLY_GARBLED", codes.message("PARTLY_GARBLED",
                                             f"page {page_ranges(unread)}; {reason}"))
    return True


def _read_docx(doc: Document, path: Path, limits: Limits) -> Document:
    try:
        doc.pages = docx_reader.read_pages(path, limits.max_unzipped)
    except docx_reader.DocxReadError as exc:
        return _fail(doc, exc.code, exc.detail)
    return _check_pages(doc)


def _read_text(doc: Document, data: bytes) -> Document:
    try:
        text, encoding = text_reader.decode(data)
    except ValueError as exc:
        return _fail(doc, "NOT_TEXT", str(exc))
    doc.encoding = encoding
    if encoding != "utf-8" and is_garbled(text):
        return _fail(doc, "NOT_TEXT", f"read as {encoding} it is not words")
    removed = text.count("\x00")
    if removed:
        # A space, not nothing: "kr\x00per år" must not become "krper år", and the page
        # text keeps its length, so offsets still point into the file's characters.
        text = text.replace("\x00", " ")
        doc.warn("CONTROL_CHARS_REMOVED", codes.message("CONTROL_CHARS_REMOVED",
                                                        f"{removed} NUL characters"))
    if encoding != "utf-8" and encoding != "utf-16":
        doc.warn("ENCODING_FALLBACK", codes.message("ENCODING_FALLBACK", encoding))
    doc.pages = text_reader.pages_of(text)
    return _check_pages(doc)


def _check_pages(doc: Document) -> Document:
    """Whole-document verdicts on the text that was read: empty, no text layer, garbage."""
    if not any(page.text.strip() for page in doc.pages):
        read = [p.number for p in doc.pages if p.ocr]
        if read:
            return _fail(doc, "NO_TEXT", f"no usable text layer and OCR found no words on "
                                         f"page {page_ranges(read)}")
        if doc.format == "pdf":
            return _fail(doc, "NO_TEXT", "no text layer and nothing drawn on the pages")
        return _fail(doc, "NO_TEXT", "only whitespace")
    garbled = [p.number for p in doc.pages if is_garbled(p.text)]
    if garbled:
        readable = [p for p in doc.pages if p.number not in garbled and p.text.strip()]
        if not readable:
            return _fail(doc, "GARBLED_TEXT", f"page {page_ranges(garbled)}: not words")
        for page in doc.pages:
            if page.number in garbled:
                page.text = ""
        doc.warn("PARTLY_GARBLED", codes.message("PARTLY_GARBLED", f"page {page_ranges(garbled)}"))
    return doc


def no_text_layer_message(pages: list[int], reason: str = ocr.NOT_INSTALLED) -> str:
    """'page 3 has no text layer and OCR is not installed: apt-get install ...'"""
    which = f"page {pages[0]} has" if len(pages) == 1 else f"pages {page_ranges(pages)} have"
    return f"{which} no text layer and {reason}"


def page_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


__all__ = ["read_document", "sha256_file", "Page"]
