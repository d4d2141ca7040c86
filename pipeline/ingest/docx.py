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
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocxReadError("DAMAGED", f"broken ZIP container: {exc}") from None
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
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises KeyError, lxml errors, ValueError...
        raise DocxReadError("DAMAGED", f"{type(exc).__name__}: {exc}") from None
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
    return [Page(number=1, text="\n\n".join(line for line in lines))]
