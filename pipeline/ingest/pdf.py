"""PDF text layer, page by page, via PDFium (pypdfium2): about 50x faster than pdfplumber.

PDFium is not thread-safe: call this only from one thread per process (the worker pools
use processes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.ingest import tables
from pipeline.records import Page, Word

# PDFium gives a hyphen that breaks a word at the end of a line as U+FFFE and joins the
# two lines ('partner\ufffeskap', 'alkohol\ufffeoch drogfri'): written back as the hyphen
# and line break they are, normalize joins the word or keeps a suspended hyphen.
_LINE_END_HYPHEN = "\ufffe"


class PdfReadError(Exception):
    """A PDF that cannot be opened; `code` is a pipeline.codes code."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def _open(source: Path | bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise PdfReadError("ENCRYPTED", "PDF needs a password to open") from None
        if "security" in text.lower():
            raise PdfReadError("ENCRYPTION_UNSUPPORTED", "unknown security handler") from None
        raise PdfReadError("DAMAGED", "PDF structure is broken or truncated") from None


def read_pages(path: Path, max_pages: int, data: bytes | None = None
               ) -> tuple[list[Page], list[int]]:
    """Return the pages' text (line ends as \\n) and the numbers of pages PDFium could not load.

    A table in the text layer comes as rows of tab-separated cells (ingest/tables.py).

    `data`, when given, is the file's content (ingest has read it): PDFium reads it from
    memory, and each page's text runs (Page.words) are read from it when layout code first
    asks for them (LazyRuns). Without it, the file is opened and the runs read at once.
    """
    pdf = _open(path if data is None else data)
    try:
        count = len(pdf)
        if count > max_pages:
            raise PdfReadError("TOO_MANY_PAGES", f"{count} pages; the limit is {max_pages}")
        pages, broken = [], []
        for index in range(count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                broken.append(index + 1)
                continue
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                if tables.may_hold_table(text):
                    try:
                        text = tables.table_text(path if data is None else data, page,
                                                 textpage, index, text)
                    except pdfium.PdfiumError:
                        pass  # the table's layout is lost, not the page's text
                runs = (_text_runs(textpage, page.get_height()) if data is None
                        else LazyRuns(data, index))
                textpage.close()
            finally:
                page.close()
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            if _LINE_END_HYPHEN in text:
                text = text.replace(_LINE_END_HYPHEN + "\n", "-\n").replace(
                    _LINE_END_HYPHEN, "-\n")
            pages.append(Page(number=index + 1, text=text, words=runs))
        if broken and not pages:
            raise PdfReadError("DAMAGED", "no page could be loaded")
        return pages, broken
    finally:
        pdf.close()


class LazyRuns(Sequence[Word]):
    """The text runs of one page (Page.words), read from the PDF on first use.

    Runs cost ~2 ms a page (each run's text is fetched by its box) and only layout code
    uses them: the signature block of an agreement, a page or two. Reading them when asked
    gives the same runs (the same bytes, the same calls) for a fraction of the cost. Empty
    where eager reading gave None (more than MAX_RUNS_PER_PAGE runs): both are falsy, and
    that is all layout code asks.
    """

    __slots__ = ("_data", "_index", "_runs")

    def __init__(self, data: bytes, index: int) -> None:
        self._data: bytes | None = data
        self._index = index
        self._runs: list[Word] | None = None

    def _load(self) -> list[Word]:
        if self._runs is None:
            self._runs = _runs_of_page(self._data, self._index) or []
            self._data = None  # the document's bytes are not needed any more
        return self._runs

    def __len__(self) -> int:
        return len(self._load())

    def __getitem__(self, index):
        return self._load()[index]

    def __eq__(self, other: object) -> bool:
        return self._load() == (list(other) if isinstance(other, Sequence) else other)

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return repr(self._load())

    def __reduce__(self):
        return list, (self._load(),)  # pickles as the plain list of runs


def _runs_of_page(data: bytes, index: int) -> list[Word] | None:
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                return _text_runs(textpage, page.get_height())
            finally:
                textpage.close()
        finally:
            page.close()
    finally:
        pdf.close()


# Each run's text is fetched by its box, a scan of the whole page: a page of 30 000
# separately placed glyphs took 36 s. Layout matters for signature blocks and tables of a
# few hundred runs; a page with more runs is read as plain text only.
MAX_RUNS_PER_PAGE = 2000


def _text_runs(textpage: pdfium.PdfTextPage, height: float) -> list[Word] | None:
    """PDFium's text rectangles: runs of text on one line, split where a column gap is.

    Cheap (one rectangle per run, not per glyph) and enough to tell the two columns of a
    signature block apart. Boxes are in PDF points with the origin at the top left.
    None when the page has more than MAX_RUNS_PER_PAGE runs.
    """
    count = textpage.count_rects()
    if count > MAX_RUNS_PER_PAGE:
        return None
    runs = []
    for i in range(count):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            runs.append(Word(text, left, height - top, right, height - bottom))
    return runs
