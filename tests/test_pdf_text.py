"""A PDF's text layer as PDFium gives it: a hyphen that breaks a word at a line end comes as
U+FFFE with the two lines joined; it is read as the hyphen and line break it is, so the word
is whole again and a suspended hyphen ('alkohol- och') stays. One case per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.normalize import normalize

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def pdf_of(text: str, width_mm: float, path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("dejavu", fname=FONT)
    pdf.set_font("dejavu", size=10)
    pdf.set_x(20)
    pdf.multi_cell(width_mm, 5, text)
    pdf.output(str(path))
    return path


# (text with soft hyphens, column width in mm, what the clean text must hold)
BREAKS = [
    ("Föreningen bedriver en mötesplats som är helt alkohol- och drogfri.", 60,
     "helt alkohol- och drogfri"),  # a suspended hyphen stays
    ("Vardera parten får säga upp över\u00adens\u00adkommelsen med sex månaders "
     "uppsäg\u00adnings\u00adtid.", 30, "sex månaders uppsägningstid"),
    ("Parterna ingår ett idéburet offentligt partner\u00adskap om stöd.", 20,
     "offentligt partnerskap om"),
    ("Nämnden betalar ut bidraget till före\u00adningen två gånger per år.", 41,
     "till föreningen två"),
]


@pytest.mark.parametrize("text,width,fragment", BREAKS)
def test_a_word_broken_at_a_line_end_is_whole(text, width, fragment, tmp_path):
    doc = read_document(pdf_of(text, width, tmp_path / "t.pdf"), "t.pdf")
    assert "\ufffe" not in doc.pages[0].text
    assert fragment in " ".join(normalize(doc.pages).text.split())
