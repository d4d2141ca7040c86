"""Record types passed between stages. They depend on nothing else in the package."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Word:
    """A word on a PDF page with its box (PDF points, origin top-left), as pdfplumber gives it.

    OCR words and runs also carry Tesseract's confidence and their offset in Page.text; an
    OCR word whose confusion was repaired (l60 -> 160) keeps what OCR read before.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float | None = None  # OCR word confidence 0-100; None for a text layer
    char_start: int | None = None  # offset of the text in Page.text (OCR pages)
    original: str | None = None  # OCR's reading before a repair; None when not repaired


@dataclass(slots=True)
class Page:
    """One page of a source document: its text exactly as read (the offsets' reference)."""

    number: int  # 1-based
    text: str
    ocr: bool = False
    ocr_confidence: float | None = None
    # Runs of text on one line, split where a column gap is, with their boxes: from the
    # text layer, or built from the OCR words on OCR pages (one contract for layout code).
    words: list[Word] | None = None
    ocr_words: list[Word] | None = None  # OCR pages: every word with its confidence


@dataclass(slots=True)
class Document:
    """What ingest hands on: the pages of one file, or the reason it could not be read."""

    doc_id: str  # sha256 of the file's bytes
    source: str  # path relative to the input root
    format: str  # txt, pdf, docx, or the sniffed type of an unreadable file
    pages: list[Page] = field(default_factory=list)
    status: str = "ok"  # ok, warning, error
    code: str = ""  # stable code from pipeline.codes when status is not ok
    error: str = ""  # a plain one-line message
    bytes: int = 0
    encoding: str = ""

    def fail(self, code: str, message: str) -> Document:
        self.status, self.code, self.error = "error", code, message
        self.pages = []
        return self

    def warn(self, code: str, message: str) -> Document:
        if self.status != "error":
            self.status = "warning"
            # keep the first warning's code; append messages
            self.code = self.code or code
            self.error = f"{self.error}; {message}" if self.error else message
        return self


@dataclass(slots=True)
class Provenance:
    """Where a value was read: page and character offsets into that page's source text."""

    page: int
    char_start: int
    char_end: int
    quote: str
    rule_id: str = ""


@dataclass(slots=True)
class Mention:
    """A span of the clean text found by a rule, before it is turned into a table row.

    start/end are offsets into the clean text; `value` is what the rule parsed.
    """

    label: str
    start: int
    end: int
    text: str
    rule_id: str
    value: object = None
    attrs: dict = field(default_factory=dict)
