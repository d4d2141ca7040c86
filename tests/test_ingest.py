"""Ingest: encodings, types sniffed from bytes, per-file errors with stable codes."""

from __future__ import annotations

import pytest

from pipeline.ingest import read_document
from tests.conftest import SHARED

TEXTS = SHARED / "corpus" / "hostile-texts"
PDFS = SHARED / "corpus" / "hostile-pdfs"

# (file, status, code)
TEXT_FILES = [
    ("txt-control-utf8.txt", "ok", ""),
    ("txt-utf8-bom.txt", "ok", ""),
    ("txt-crlf.txt", "ok", ""),
    ("txt-cr-only.txt", "ok", ""),
    ("txt-cp1252.txt", "warning", "ENCODING_FALLBACK"),
    ("txt-latin1.txt", "warning", "ENCODING_FALLBACK"),
    ("txt-mixed-utf8-cp1252.txt", "warning", "ENCODING_FALLBACK"),
    ("txt-utf16le-bom.txt", "ok", ""),
    ("txt-nul-bytes.txt", "warning", "CONTROL_CHARS_REMOVED"),
    ("txt-binary-garbage.txt", "error", "NOT_TEXT"),
    ("txt-empty.txt", "error", "EMPTY_FILE"),
    ("txt-whitespace-only.txt", "error", "NO_TEXT"),
    ("txt-pdf-as-txt.txt", "ok", ""),  # routed to the PDF reader by its magic bytes
]


@pytest.mark.parametrize("name,status,code", TEXT_FILES)
def test_text_files(name, status, code, shared):
    doc = read_document(TEXTS / name, name)
    assert (doc.status, doc.code) == (status, code), doc.error


def test_bom_does_not_reach_the_text(shared):
    doc = read_document(TEXTS / "txt-utf8-bom.txt", "x.txt")
    assert not doc.pages[0].text.startswith("\ufeff")


def test_cp1252_characters_survive(shared):
    text = read_document(TEXTS / "txt-cp1252.txt", "x.txt").pages[0].text
    assert "€" in text and "–" in text and "å" in text
    assert not any(0x80 <= ord(c) <= 0x9F for c in text)  # no C1 controls from a latin-1 read


def test_cr_only_lines_split_like_the_control(shared):
    control = read_document(TEXTS / "txt-control-utf8.txt", "a").pages[0].text
    cr = read_document(TEXTS / "txt-cr-only.txt", "b").pages[0].text
    assert cr.split("\n") == control.split("\n")


# (file, status, code)
PDF_FILES = [
    ("synthetic/syn-control-swedish.pdf", "ok", ""),
    ("pdfminer-encryption-rc4-40.pdf", "error", "ENCRYPTED"),
    ("pdfminer-encryption-aes-256-r6.pdf", "error", "ENCRYPTED"),
    ("synthetic/syn-unsupported-encryption.pdf", "error", "ENCRYPTION_UNSUPPORTED"),
    ("pdfplumber-empty.pdf", "error", "EMPTY_FILE"),
    ("synthetic/syn-truncated-60pct.pdf", "error", "DAMAGED"),
    ("synthetic/syn-html-as-pdf.pdf", "error", "NOT_A_PDF"),
    ("synthetic/syn-zip-as-pdf.pdf", "error", "NOT_A_PDF"),
    ("synthetic/syn-nul-bytes.pdf", "error", "NOT_A_PDF"),
    ("synthetic/syn-text-as-pdf.pdf", "error", "NOT_A_PDF"),
    ("synthetic/syn-junk-before-header.pdf", "ok", ""),
    ("synthetic/syn-wrong-startxref.pdf", "ok", ""),
    ("pdfminer-contrib-issue-00352-asw-oct96-p41.pdf", "ok", ""),  # empty user password
]


@pytest.mark.parametrize("name,status,code", PDF_FILES)
def test_pdf_files(name, status, code, shared):
    doc = read_document(PDFS / name, name.split("/")[-1])
    assert (doc.status, doc.code) == (status, code), doc.error
    assert doc.error or status == "ok"


def test_unsupported_type(tmp_path):
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    doc = read_document(path, "budget.xlsx")
    assert (doc.status, doc.code) == ("error", "UNSUPPORTED_TYPE")


def test_docx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "avtal.docx"
    path.write_text("Detta är inte ett Word-dokument.", encoding="utf-8")
    doc = read_document(path, "avtal.docx")
    assert (doc.status, doc.code) == ("error", "WRONG_TYPE")
