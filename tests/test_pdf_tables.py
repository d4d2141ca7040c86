"""Tables in a PDF's text layer read as rows of tab-separated cells (ingest/tables.py), as
DOCX tables are: a row's label and its amounts stay on one line, each amount in its own
cell, a wrapped cell in one piece, and every offset still points into the page text. The
PDFs are drawn here (fpdf2) with invented organisations. One layout per case."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.process import process

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw(path: Path, *blocks: tuple) -> Path:
    """A one-page PDF of blocks: ("text", str), ("ruled", rows, widths, aligns),
    ("unruled", rows, column x positions in mm)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("dejavu", fname=FONT)
    pdf.add_font("dejavu", style="B", fname=BOLD)
    pdf.set_font("dejavu", size=10)
    for kind, *args in blocks:
        if kind == "text":
            pdf.set_x(20)
            pdf.multi_cell(170, 5, args[0])
            pdf.ln(3)
        elif kind == "ruled":
            rows, widths, aligns = args
            with pdf.table(col_widths=widths, text_align=aligns, width=sum(widths)) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            pdf.ln(3)
        elif kind == "unruled":
            rows, xs = args
            for cells in rows:
                y = pdf.get_y()
                for x, cell in zip(xs, cells, strict=False):
                    if isinstance(cell, tuple):  # a label that wraps: (first, second line)
                        pdf.set_xy(x, y)
                        pdf.cell(60, 5, cell[0])
                        pdf.set_xy(x, y + 5)
                        pdf.cell(60, 5, cell[1])
                    else:
                        pdf.set_xy(x, y)
                        pdf.cell(30, 5, cell, align="R" if x > xs[0] else "L")
                pdf.set_y(y + (10 if any(isinstance(c, tuple) for c in cells) else 5))
            pdf.ln(3)
    pdf.output(str(path))
    return path


INTRO = ("text", "5. Ekonomi\nNämnden fördelar bidraget mellan organisationerna enligt "
                 "följande.")
AFTER = ("text", "Bidraget betalas ut två gånger per år.")

ALLOCATION = ("ruled", [("Organisation", "Belopp per år"),
                        ("Föreningen Lyktan i Ekbacka", "380 000 kr"),
                        ("Ekbacka idrottsallians", "210 000 kr"),
                        ("Summa", "590 000 kr")], (110, 50), ("LEFT", "RIGHT"))
WRAPPED = ("ruled", [("Organisation", "Verksamhet", "2025", "2026"),
                     ("Föreningen Lyktan i Ekbacka med en lång beskrivning",
                      "Läxhjälp och språkcafé", "380 000 kr", "390 000 kr"),
                     ("Ekbacka idrottsallians", "Öppen hall", "210 000 kr", "215 000 kr"),
                     ("Summa", "", "590 000 kr", "605 000 kr")],
           (60, 50, 30, 30), ("LEFT", "LEFT", "RIGHT", "RIGHT"))
COSTS = ("unruled", [("Kostnad", "2025", "2026"),
                     ("Personal", "412 000 kr", "420 000 kr"),
                     ("Lokalhyra", "96 000 kr", "98 000 kr"),
                     ("Summa kostnader", "508 000 kr", "518 000 kr")], (20, 110, 150))
COSTS_WRAPPED = ("unruled", [("Kostnad", "2025", "2026"),
                             (("Personal och", "arbetsgivaravgifter"), "412 000 kr",
                              "420 000 kr"),
                             ("Lokalhyra", "96 000 kr", "98 000 kr"),
                             ("Summa kostnader", "508 000 kr", "518 000 kr")],
                 (20, 110, 150))

# (name, blocks, lines the page text must hold)
TABLES = [
    ("ruled-allocation", [INTRO, ALLOCATION, AFTER],
     ["Organisation\tBelopp per år", "Föreningen Lyktan i Ekbacka\t380 000 kr",
      "Summa\t590 000 kr"]),
    ("ruled-wrapped-cell", [INTRO, WRAPPED, AFTER],
     ["Föreningen Lyktan i Ekbacka med en lång beskrivning\tLäxhjälp och språkcafé"
      "\t380 000 kr\t390 000 kr", "Summa\t\t590 000 kr\t605 000 kr"]),
    ("unruled-costs-per-year", [INTRO, COSTS, AFTER],
     ["Kostnad\t2025\t2026", "Personal\t412 000 kr\t420 000 kr",
      "Summa kostnader\t508 000 kr\t518 000 kr"]),
    ("unruled-wrapped-label", [INTRO, COSTS_WRAPPED, AFTER],
     ["Personal och arbetsgivaravgifter\t412 000 kr\t420 000 kr",
      "Lokalhyra\t96 000 kr\t98 000 kr"]),
]


@pytest.mark.parametrize("blocks,lines", [c[1:] for c in TABLES], ids=[c[0] for c in TABLES])
def test_a_table_reads_as_rows_of_cells(tmp_path, blocks, lines):
    doc = read_document(draw(tmp_path / "t.pdf", *blocks), "t.pdf")
    text = doc.pages[0].text
    for line in lines:
        assert line in text.split("\n"), text
    assert "5. Ekonomi" in text and "Bidraget betalas ut två gånger per år." in text


@pytest.mark.parametrize("blocks", [c[1] for c in TABLES], ids=[c[0] for c in TABLES])
def test_amounts_of_a_table_point_back_to_their_cells(tmp_path, blocks):
    doc = read_document(draw(tmp_path / "t.pdf", *blocks), "t.pdf")
    _, tables = process(doc)
    assert tables["amounts"]
    for row in tables["amounts"]:
        source = doc.pages[0].text[row["char_start"] : row["char_end"]]
        assert "".join(source.split()) == "".join(row["quote"].split())
    values = {a["amount_sek"] for a in tables["amounts"]}
    assert not any(v > 10_000_000 for v in values), values  # no two cells read as one


def test_a_column_header_gives_the_basis_of_the_amounts_under_it(tmp_path):
    doc = read_document(draw(tmp_path / "t.pdf", INTRO, ALLOCATION, AFTER), "t.pdf")
    _, tables = process(doc)
    basis = {a["amount_sek"]: a["basis"] for a in tables["amounts"]}
    assert basis[380000] == basis[210000] == "per_year"


# (name, blocks): pages with no table keep PDFium's text as it is
NOT_TABLES = [
    ("prose-with-amounts", [("text", "Nämnden bidrar med 380 000 kronor per år och föreningen "
                                     "med ideella insatser värda 120 000 kronor per år. "
                                     "Totalt 500 000 kronor.")]),
    ("signature-columns", [("unruled", [("För Ekbacka kommun", "För Föreningen Lyktan"),
                                        ("Anna Ek", "Bo Lind"),
                                        ("Ordförande", "Ordförande")], (20, 110)),
                           ("text", "Bidraget är 380 000 kr och 210 000 kr.")]),
    ("one-row-of-amounts", [("unruled", [("Bidrag", "380 000 kr", "390 000 kr")],
                             (20, 110, 150))]),
    ("contents-with-page-numbers", [("unruled", [("1 Bakgrund", "2"), ("2 Parter", "2"),
                                                 ("3 Ekonomi", "3")], (20, 150)),
                                    ("text", "Bidraget är 380 000 kr och 210 000 kr.")]),
]


@pytest.mark.parametrize("blocks", [c[1] for c in NOT_TABLES], ids=[c[0] for c in NOT_TABLES])
def test_no_table_no_change(tmp_path, blocks):
    import pypdfium2 as pdfium

    path = draw(tmp_path / "t.pdf", *blocks)
    pdf = pdfium.PdfDocument(str(path))
    plain = pdf[0].get_textpage().get_text_range().replace("\r\n", "\n")
    pdf.close()
    assert read_document(path, "t.pdf").pages[0].text == plain
    assert "\t" not in plain
