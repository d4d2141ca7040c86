"""Word files (.docx) via python-docx: body paragraphs and table rows in document order."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from pipeline.records import Page


class DocxReadError(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


def _check_zip(path: Path, max_unzipped: int) -> None:
    """Refuse zip bombs before python-docx inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises BadZipFile, OSError, ValueError, EOFError...
        raise DocxReadError("DAMAGED", f"broken ZIP container: {exc}") from None
    names = {info.filename for info in infos}
    total = sum(info.file_size for info in infos)
    if any(info.flag_bits & 0x1 for info in infos):
        raise DocxReadError("ENCRYPTED", "the ZIP container is password-protected")
    if "word/document.xml" not in names:
        raise DocxReadError("WRONG_TYPE", ".docx but the ZIP holds no Word document")
    if total > max_unzipped:
        raise DocxReadError(
            "TOO_LARGE", f"unpacks to {total / 2**20:.0f} MiB; the limit is "
            f"{max_unzipped / 2**20:.0f} MiB"
        )


def read_pages(path: Path, max_unzipped: int) -> list[Page]:
    """A DOCX has no pages until it is laid out: it becomes one page of text.

    Table rows become one line each with cells separated by tabs, so an amount in a table
    row stays beside its label.
    """
    _check_zip(path, max_unzipped)
    try:
        return [Page(number=1, text=_text(docx.Document(str(path))))]
    except MemoryError:
        raise
    except Exception as exc:  # python-docx raises KeyError, lxml errors, ValueError, zlib...
        raise DocxReadError("DAMAGED", f"{type(exc).__name__}: {exc}") from None


def _text(document) -> str:
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = cell.text.strip()
                    if not cells or cells[-1] != text:  # merged cells repeat their text
                        cells.append(text)
                lines.append("\t".join(cells))
            lines.append("")
    return "\n\n".join(lines)
