"""`iop export`: the tables as one Excel workbook (overview + a sheet per table and view).

`write_workbook` writes the workbook of a tables folder to a path (iop extract calls it on
its staging folder, so iop.xlsx is published with the tables, in its manifest);
`export_workbook` is the command: it checks the --xlsx path, takes its lock, writes a
hidden temporary file beside it and renames it into place, so a reader never sees half a
workbook and a failed export leaves the earlier file as it was.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import outdir
from pipeline.export import sheets as sheets_
from pipeline.export.links import page_lengths
from pipeline.export.workbook import GENERATOR, About, Book, LabelsError

WORKBOOK = "iop.xlsx"  # the name iop extract gives it in --out


class ExportError(Exception):
    """The workbook cannot be written (no tables, a path iop may not replace, an unknown
    language or redaction mode): a usage problem, said in one line."""


@dataclass(slots=True)
class ExportSummary:
    path: Path
    sheets: dict[str, int]  # rows per sheet
    links: int
    redacted: bool
    bytes: int


def write_workbook(tables_dir: Path, path: Path, link_base: str | None, lang: str = "sv",
                   redact: str | None = None, written: datetime | None = None,
                   manifest: dict | None = None, tables_name: str | None = None
                   ) -> ExportSummary:
    """Write the workbook of the tables in `tables_dir` to `path`.

    `link_base` is the report folder relative to the workbook's folder ("../report"), or
    None for no links. With `redact`, the tables are redacted first (pipeline.redact)
    unless their manifest says they already are. iop extract, which writes the workbook
    before the manifest, gives what the manifest will say (`manifest`) and the name its
    tables folder will have (`tables_name`)."""
    from pipeline import redact as redact_

    try:
        redact_.check_mode(redact)
        book_sheets = sheets_.sheets(tables_dir)
    except (ValueError, sheets_.SheetsError) as exc:
        raise ExportError(str(exc)) from None
    if manifest is None:
        manifest = sheets_.manifest(tables_dir)
    already = manifest.get("redacted") in redact_.MODES
    pages = _pages(tables_dir)
    if redact and not already:
        book_sheets, pages = _redacted(tables_dir, book_sheets, pages)
    try:
        book = Book(path, lang, link_base, page_lengths(pages))
    except LabelsError as exc:
        raise ExportError(str(exc)) from None
    try:
        names = book.names(book_sheets)
        by_name = {sheet.name: sheet for sheet in book_sheets}
        about = About(tables=tables_name or tables_dir.name, pipeline_version=str(
            manifest.get("pipeline_version") or ""), redacted=bool(redact or already),
            report=link_base or "")
        book.overview(names[0], about, list(zip(names[1:], book_sheets, strict=True)),
                      _rows(by_name.get("documents")), _rows(by_name.get("flags")),
                      written or datetime.now(UTC))
        for name, sheet in zip(names[1:], book_sheets, strict=True):
            book.table_sheet(name, sheet)
    finally:
        book.close()
    return ExportSummary(path, book.written.sheets, book.written.links,
                         bool(redact or already), path.stat().st_size)


def _rows(sheet: sheets_.Sheet | None) -> list[dict]:
    if sheet is None:
        return []
    return [row for batch in sheet.batches() for row in batch.to_pylist()]


def _pages(tables_dir: Path) -> pa.Table:
    """The page texts (the pages table), empty when the folder has none."""
    path = tables_dir / "pages.parquet"
    if path.is_file():
        return pq.read_table(path, columns=["doc_id", "page", "text"])
    return pa.table({"doc_id": pa.array([], pa.string()), "page": pa.array([], pa.int64()),
                     "text": pa.array([], pa.string())})


def _redacted(tables_dir: Path, book_sheets: list[sheets_.Sheet], pages: pa.Table
              ) -> tuple[list[sheets_.Sheet], pa.Table]:
    """The sheets and page texts with persons redacted (pipeline.redact)."""
    from pipeline import redact as redact_
    from pipeline import store

    frames = {sheet.name: sheets_.frame(sheet) for sheet in book_sheets}
    if "signatories" not in frames:
        frames["signatories"] = store.read_table(tables_dir, "signatories")
    redacted = redact_.redact_tables(frames, sheets_.as_frame(pages))
    new_pages = pa.Table.from_pandas(redacted["pages"], schema=pages.schema,
                                     preserve_index=False)
    return ([sheets_.from_frame(sheet, redacted[sheet.name]) for sheet in book_sheets],
            new_pages)


def is_workbook(path: Path) -> bool:
    """A workbook iop wrote (its properties name the generator): a later export may
    replace it."""
    try:
        with zipfile.ZipFile(path) as archive:
            return GENERATOR.encode() in archive.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


def report_link(report_dir: Path, workbook_dir: Path) -> str:
    """The report folder as the workbook's links reach it: relative, with '/'."""
    return Path(os.path.relpath(os.path.abspath(report_dir),
                                os.path.abspath(workbook_dir))).as_posix()


def export_workbook(tables_dir: Path, xlsx: Path, report_dir: Path | None,
                    lang: str = "sv", redact: str | None = None) -> ExportSummary:
    """`iop export --xlsx`: write the workbook to `xlsx`, replacing only a workbook iop
    wrote (outdir.check_file), one writer at a time (outdir.Lock)."""
    try:
        outdir.check_file(xlsx, [tables_dir], "--xlsx", is_workbook)
    except outdir.OutDirError as exc:
        raise ExportError(str(exc)) from None
    xlsx = Path(os.path.abspath(xlsx))
    link_base = report_link(report_dir, xlsx.parent) if report_dir is not None else None
    temporary = xlsx.parent / f".{xlsx.name}.tmp-{os.getpid()}"
    try:
        with outdir.Lock(xlsx, "iop export"):
            try:
                summary = write_workbook(tables_dir, temporary, link_base, lang, redact)
                with open(temporary, "rb") as handle:
                    os.fsync(handle.fileno())
                os.replace(temporary, xlsx)
            finally:
                if temporary.exists():
                    temporary.unlink()
    except outdir.OutDirError as exc:
        raise ExportError(str(exc)) from None
    summary.path = xlsx
    return summary


__all__ = ["ExportError", "ExportSummary", "WORKBOOK", "export_workbook", "is_workbook",
           "report_link", "write_workbook"]
