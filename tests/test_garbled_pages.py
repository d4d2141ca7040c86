"""A table of contents is not garbage, and a garbage page never costs the document its
other pages: the page is skipped with a PARTLY_GARBLED warning and the good pages' facts
are kept (docs/errors.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ocr, read_document
from pipeline.ingest.quality import is_garbled
from pipeline.process import process


def toc(leader: str, entries: int = 12) -> str:
    """A contents page: a heading, then 'N Heading <leader> page' lines."""
    headings = ["Bakgrund", "Parter", "Syfte och mål", "Målgrupp", "Åtaganden", "Ekonomi",
                "Uppföljning", "Avtalstid", "Uppsägning", "Underskrifter", "Bilaga 1 Budget",
                "Bilaga 2 Verksamhetsplan"]
    lines = [f"{i + 1} {h} {leader * (48 - len(h))} {2 + i // 4}"
             for i, h in enumerate(headings[:entries])]
    return "Innehållsförteckning\n\n" + "\n".join(lines)


FORM = "\n".join(["Underskrifter", "",
                  "För Ekbacka kommun, kultur- och fritidsnämnden",
                  "Ort och datum: ______________________________",
                  "Underskrift: ________________________________",
                  "Namnförtydligande: __________________________", "",
                  "För Föreningen Lyktan i Ekbacka",
                  "Ort och datum: ______________________________",
                  "Underskrift: ________________________________",
                  "Namnförtydligande: __________________________"])

SOUP = "#%&/ 12 ¤¤ 44 |||| ## 0101 ;;;; 77 !! ?? " * 20

# (text, garbled), grouped by phenomenon
PAGES = [
    # tables of contents: dot leaders in every typographic form
    (toc("."), False),
    (toc(". "), False),  # spaced dots
    (toc("…"), False),  # ellipsis characters
    (toc("·"), False),  # middle dots
    (toc("-"), False),  # dashes
    (toc("_"), False),  # underscores
    ("Innehåll\n" + "\n".join(f"{n}.{k} Avsnitt ..................... {n + 1}"
                              for n in range(1, 6) for k in range(1, 4)), False),
    # leader lines in forms: signature lines to write on
    (FORM, False),
    ("Ort och datum ............................   Ort och datum ..........................\n"
     "Underskrift ..............................   Underskrift ............................",
     False),
    # real garbage stays garbage, leaders or not
    ("(cid:3)(cid:4)(cid:5)(cid:6)(cid:7)(cid:8)(cid:9)(cid:10)" * 3, True),
    (SOUP, True),
    (SOUP.replace("44", "........"), True),  # symbol soup between leaders
    ("\ue001\ue002\ue003 \ue004\ue005 \ue006\ue007 " * 10, True),  # private-use glyphs
    ("\ufffd\ufffd\ufffd \ufffd\ufffd " * 10, True),  # replacement characters
    ("x\n" * 60, True),  # one glyph per line
    # near misses: ordinary text with a few leaders or an ellipsis is language
    ("Föreningen ska redovisa... verksamheten årligen ........ enligt bilaga.", False),
    ("Belopp ..... 250 000 kr\nSumma ..... 250 000 kr", False),
]


@pytest.mark.parametrize(("text", "garbled"), PAGES)
def test_is_garbled(text: str, garbled: bool) -> None:
    assert is_garbled(text) is garbled


AGREEMENT = """Överenskommelse om idéburet offentligt partnerskap

1. Parter
Ekbacka kommun, kultur- och fritidsnämnden, org.nr 212000-0142, nedan kallad nämnden.
Föreningen Lyktan i Ekbacka, org.nr 802426-4315, nedan kallad föreningen.

2. Ekonomi
Nämnden bidrar med 340 000 kronor per år till föreningen.
"""


def text_file(tmp_path: Path, *pages: str) -> Path:
    path = tmp_path / "doc.txt"
    path.write_text("\f".join(pages), encoding="utf-8")
    return path


def test_a_contents_page_first_is_read_like_any_page(tmp_path):
    doc = read_document(text_file(tmp_path, toc("."), AGREEMENT), "doc.txt")
    assert (doc.status, doc.code) == ("ok", "")
    row, tables = process(doc)
    assert [a["amount_sek"] for a in tables["amounts"]] == [340000]
    assert row["status"] == "ok"


@pytest.mark.parametrize("garbage", [SOUP, "(cid:12)(cid:13)(cid:14)(cid:15)(cid:16)" * 4])
def test_a_garbage_page_is_skipped_and_the_others_kept(tmp_path, garbage):
    doc = read_document(text_file(tmp_path, AGREEMENT, garbage, FORM), "doc.txt")
    assert (doc.status, doc.code) == ("warning", "PARTLY_GARBLED")
    assert "page 2" in doc.error
    assert doc.pages[1].text == "" and doc.pages[2].text == FORM
    _, tables = process(doc)
    assert [a["amount_sek"] for a in tables["amounts"]] == [340000]
    assert {p["org_number"] for p in tables["parties"]} >= {"212000-0142", "802426-4315"}


def test_a_document_of_garbage_only_is_garbled_text(tmp_path):
    doc = read_document(text_file(tmp_path, SOUP, SOUP), "doc.txt")
    assert (doc.status, doc.code) == ("error", "GARBLED_TEXT")


# --- PDFs: a garbage text layer is OCR'd when it can be, skipped when it cannot ----------


def pdf_of_pages(path: Path, *pages: str) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    for text in pages:
        pdf.add_page()
        pdf.set_font("dejavu", size=10)
        for line in text.split("\n"):
            pdf.set_x(20)
            pdf.multi_cell(170, 5, line or " ")
    pdf.output(str(path))
    return path


@pytest.fixture
def without_ocr(monkeypatch, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ocr.engine.cache_clear()
    yield
    ocr.engine.cache_clear()


def test_a_pdf_contents_page_is_not_sent_to_ocr(tmp_path, without_ocr):
    path = pdf_of_pages(tmp_path / "doc.pdf", toc("."), AGREEMENT)
    doc = read_document(path, "doc.pdf")
    assert (doc.status, doc.code) == ("ok", "")
    assert "Innehållsförteckning" in doc.pages[0].text and not doc.pages[0].ocr


def test_without_ocr_a_garbage_pdf_page_is_skipped_not_the_document(tmp_path, without_ocr):
    path = pdf_of_pages(tmp_path / "doc.pdf", AGREEMENT, SOUP)
    doc = read_document(path, "doc.pdf")
    assert (doc.status, doc.code) == ("warning", "PARTLY_GARBLED")
    assert doc.error.startswith("some pages are garbage and were skipped (page 2; OCR is not")
    assert doc.pages[1].text == ""
    _, tables = process(doc)
    assert [a["amount_sek"] for a in tables["amounts"]] == [340000]


def test_without_ocr_a_pdf_of_garbage_only_still_says_what_to_install(tmp_path, without_ocr):
    doc = read_document(pdf_of_pages(tmp_path / "doc.pdf", SOUP), "doc.pdf")
    assert (doc.status, doc.code) == ("error", "NO_TEXT_LAYER")
    assert "apt-get install" in doc.error
