"""Ingest: encodings, types sniffed from bytes, per-file errors with stable codes."""

from __future__ import annotations

import pickle

import pytest

from pipeline.ingest import pdf as pdf_reader
from pipeline.ingest import read_document
from tests.conftest import FIXTURES, SHARED

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


# Text runs (Page.words) of text-layer pages are read when layout code first asks for them.
LAYOUT_PDFS = [
    FIXTURES / "agreement-biv-2023.pdf",  # a two-column signature block
    FIXTURES / "agreement-utsatta-2018.pdf",
    FIXTURES / "memo-biv-2022.pdf",
    PDFS / "synthetic" / "syn-junk-before-header.pdf",
]


@pytest.mark.parametrize("path", LAYOUT_PDFS, ids=lambda p: p.name)
def test_lazy_runs_are_the_runs_read_at_once(path, shared):
    eager, _ = pdf_reader.read_pages(path, 100)
    lazy, _ = pdf_reader.read_pages(path, 100, path.read_bytes())
    assert [p.text for p in lazy] == [p.text for p in eager]
    assert any(p.words for p in eager)
    for e, page in zip(eager, lazy, strict=True):
        assert isinstance(page.words, pdf_reader.LazyRuns)
        assert list(page.words) == (e.words or [])
        assert page.words == (e.words or []) and bool(page.words) == bool(e.words)
        assert pickle.loads(pickle.dumps(page.words)) == (e.words or [])


def test_lazy_runs_of_a_crowded_page_are_empty(shared, monkeypatch):
    """Eager reading gives None over MAX_RUNS_PER_PAGE runs; lazy runs are empty: falsy both."""
    path = FIXTURES / "agreement-biv-2023.pdf"
    monkeypatch.setattr(pdf_reader, "MAX_RUNS_PER_PAGE", 3)
    eager, _ = pdf_reader.read_pages(path, 100)
    lazy, _ = pdf_reader.read_pages(path, 100, path.read_bytes())
    assert [p.words for p in eager] == [None] * len(eager)
    assert [len(p.words) for p in lazy] == [0] * len(lazy)


def test_read_document_leaves_runs_unread_until_asked(shared):
    doc = read_document(FIXTURES / "agreement-biv-2023.pdf", "agreement-biv-2023.pdf")
    assert all(p.words._runs is None for p in doc.pages)  # nothing read at ingest
    assert doc.pages[-1].words  # the signature page's runs, read now
