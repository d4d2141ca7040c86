"""Scans give the facts their text gives: what OCR loses and how it is won back. The
section sign read as $ or 8, bullets read as », « or =, specks read as signs, faint speckle
and JPEG halos, a block Tesseract's layout analysis leaves out (a name under a dotted
signature line), running footers read differently on every page, and a sentence broken
by a page's footer and header. One case per line, grouped by phenomenon."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from pipeline.ingest import ocr, read_document
from pipeline.ingest.ocr import (
    drawn_lines,
    missed_regions,
    page_from_tsv,
    paper_white,
    parse_tsv,
    repairs,
    repairs_note,
)
from pipeline.normalize import normalize
from pipeline.records import Page


def repaired(line: str) -> str:
    tokens = line.split(" ")
    for index, text, _rule in repairs(tokens):
        tokens[index] = text
    return " ".join(tokens)


# (OCR line, the line after repairs)
SECTION_SIGN = [
    ("$ 6 Ekonomi", "§ 6 Ekonomi"),
    ("8 3 Målgrupp", "§ 3 Målgrupp"),
    ("8 I Parter", "§ 1 Parter"),
    ("$& 2 Bakgrund och syfte", "§ 2 Bakgrund och syfte"),
    ("& 4 Föreningens åtaganden", "§ 4 Föreningens åtaganden"),
    ("som anges i $ 5 ovan", "som anges i § 5 ovan"),
    ("Protokollsutdrag $ 112:", "Protokollsutdrag § 112:"),
    # near misses: a number of things, an amount, a numbered heading, a dollar before a word
    ("8 3 dagar i veckan", "8 3 dagar i veckan"),
    ("8 000 Kronor", "8 000 Kronor"),
    ("8 Avtalstid och uppsägning", "8 Avtalstid och uppsägning"),
    ("minst 8 3 Gånger", "minst 8 3 Gånger"),  # not first on the line
    ("priset i $ USD", "priset i $ USD"),
]

BULLETS = [
    ("» Lagstiftning kring målgruppen", "• Lagstiftning kring målgruppen"),
    ("« FN:s konvention om barnets rättigheter", "• FN:s konvention om barnets rättigheter"),
    ("+» Sträva efter ett öppet förhållningssätt", "• Sträva efter ett öppet förhållningssätt"),
    ("+. Samverka kring målgruppen", "• Samverka kring målgruppen"),
    ("= tillhandahålla fyra lägenheter", "• tillhandahålla fyra lägenheter"),
    ("e genomföra två träffar per termin", "• genomföra två träffar per termin"),
    ("© erbjuda stödsamtal", "• erbjuda stödsamtal"),
    # near misses: a sum, a real bullet, a word, a bullet sign before a number
    ("= 640 000 kr", "= 640 000 kr"),
    ("- redan ett streck", "- redan ett streck"),
    ("e-post: info@exempel.se", "e-post: info@exempel.se"),
    ("o 5 platser", "o 5 platser"),
    (". Sedan dess", ". Sedan dess"),  # a lone full stop: no bullet
    ("»»» Rubrik", "»»» Rubrik"),  # three signs: no bullet
    ("Föreningen » ska", "Föreningen » ska"),  # not first on the line
]


@pytest.mark.parametrize("line,expected", SECTION_SIGN + BULLETS)
def test_repairs(line, expected):
    assert repaired(line) == expected


def test_repairs_name_their_rule():
    rules = {rule for line, _ in SECTION_SIGN[:3] + BULLETS[:3]
             for _, _, rule in repairs(line.split(" "))}
    assert rules == {"ocr.section", "ocr.bullet"}


# --- specks read as signs --------------------------------------------------------------

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight" \
         "\tconf\ttext"


def tsv_line(*words: tuple[str, float]) -> str:
    rows, left = [HEADER], 100
    for number, (text, conf) in enumerate(words, start=1):
        rows.append(f"5\t1\t1\t1\t1\t{number}\t{left}\t100\t{20 * len(text)}\t30\t{conf}\t{text}")
        left += 20 * len(text) + 20
    return "\n".join(rows) + "\n"


# (words of one OCR line with their confidence, the page text)
SPECKS = [
    ((("Föreningen", 95), ("ska", 96), ("=", 30), ("tillhandahålla", 93)),
     "Föreningen ska tillhandahålla"),
    ((("Stödet", 95), ("=", 64.6), ("(org.nr", 91)), "Stödet (org.nr"),  # '=' between words
    ((("Dnr", 93), ('"=', 0), ("1(4)", 60)), "Dnr 1(4)"),
    ((("och", 93), ("|", 21.5)), "och"),  # last on the line
    # near misses: kept
    ((("412", 96), ("000", 96), ("=", 90), ("508", 95), ("000", 95)), "412 000 = 508 000"),
    ((("2024", 95), ("–", 30), ("2026", 95)), "2024 – 2026"),  # a dash is never a speck
    ((("Datum", 95), ("|", 88), ("Underskrift", 94)), "Datum | Underskrift"),
    ((("»", 40), ("Lagstiftning", 94)), "• Lagstiftning"),  # first on the line: a bullet
]


@pytest.mark.parametrize("words,text", SPECKS)
def test_specks_are_left_out_of_the_text(words, text):
    page = page_from_tsv(1, tsv_line(*words), points_per_pixel=0.5)
    assert page.text == text
    for word in page.ocr_words:
        assert page.text[word.char_start : word.char_start + len(word.text)] == word.text


def test_a_speck_left_out_is_recorded():
    page = page_from_tsv(3, tsv_line(("Föreningen", 95), ("=", 30), ("ska", 96)), 0.5)
    assert repairs_note([page]) == "page 3 [11:11] = -> "
    assert page.ocr_confidence == 95.5  # of the words read, not of the speck


# --- faint speckle and JPEG halos become paper -----------------------------------------


def test_faint_pixels_become_paper_and_ink_stays():
    grey = bytes([255] * 9000 + [20] * 100 + [120] * 50 + [215] * 30 + [240] * 20)
    out = paper_white(grey)
    assert out.count(bytes([20])) == 100 and out.count(bytes([120])) == 50  # ink and edges
    assert bytes([215]) not in out and bytes([240]) not in out  # speckle, halos
    assert len(out) == len(grey)


def test_a_faint_scan_keeps_its_faint_ink():
    grey = bytes([235] * 9000 + [150] * 200 + [200] * 50)  # grey paper, light ink
    out = paper_white(grey)
    assert out.count(bytes([150])) == 200 and out.count(bytes([200])) == 50


# --- a block Tesseract left out is read again ------------------------------------------


def page_image(*lines: tuple[int, str], dots: tuple[int, int] | None = None,
               rule: int | None = None, rule_px: int = 800) -> np.ndarray:
    """A 200 dpi A5-ish grey page with text lines at (top px, text), a dotted line (top,
    dots) and a rule (top, rule_px long) at the given heights."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    for top, text in lines:
        draw.text((100, top), text, font=font, fill=0)
    if dots:
        top, count = dots
        for i in range(count):
            x = 100 + 12 * i
            draw.ellipse((x, top + i // 40, x + 4, top + 4 + i // 40), fill=0)  # skewed
    if rule is not None:
        draw.rectangle((100, rule, 100 + rule_px, rule + 2), fill=0)
    return np.array(image)


def words_at(top: int, text: str) -> list:
    return parse_tsv(HEADER + f"\n5\t1\t1\t1\t1\t1\t100\t{top}\t{22 * len(text)}\t34\t95\t{text}\n")


def test_text_no_word_covers_is_a_missed_region():
    pixels = page_image((100, "För Föreningen Lyktan"), (300, "Sanna Ek, ordförande"))
    regions = missed_regions(pixels, words_at(100, "För Föreningen Lyktan"), 200)
    assert len(regions) == 1
    left, top, right, bottom = regions[0]
    assert top <= 300 <= bottom and left <= 100 and right >= 400


@pytest.mark.parametrize("drawn", [
    {"dots": (300, 60)},  # a dotted signature line, slightly skewed
    {"rule": 300},  # a rule
    {},  # nothing but the words read
])
def test_dotted_lines_rules_and_read_text_are_not_missed_regions(drawn):
    pixels = page_image((100, "För Föreningen Lyktan"), **drawn)
    assert missed_regions(pixels, words_at(100, "För Föreningen Lyktan"), 200) == []


# (what is drawn under the words read, the lines to sign on found: dotted or not)
DRAWN = [
    ({"dots": (300, 60)}, [True]),  # a dotted line, 91 mm, slightly skewed
    ({"rule": 300, "rule_px": 400}, [False]),  # a solid line, 51 mm
    ({"rule": 300, "rule_px": 1000}, []),  # a rule across the page: a border, no signature
    ({"rule": 300, "rule_px": 60}, []),  # a dash, 8 mm
    ({}, []),
]


@pytest.mark.parametrize("drawn,dotted", DRAWN)
def test_lines_to_sign_on_are_found(drawn, dotted):
    pixels = page_image((100, "För Föreningen Lyktan"), **drawn)
    found = drawn_lines(pixels, words_at(100, "För Föreningen Lyktan"), 200)
    assert [line[4] for line in found] == dotted


def scan_of(text_pdf: Path, out: Path, seed: int = 7) -> Path:
    """The pages of a text PDF as an office scanner gives them: 200 dpi grey images with
    faint speckle, no text layer."""
    rng = random.Random(seed)
    src = pdfium.PdfDocument(str(text_pdf))
    pdf = pdfium.PdfDocument.new()
    for index in range(len(src)):
        width, height = src[index].get_size()
        grey = np.array(src[index].render(scale=200 / 72, grayscale=True).to_pil())
        for _ in range(4000):
            y, x = rng.randrange(grey.shape[0]), rng.randrange(grey.shape[1])
            grey[y, x] = min(grey[y, x], rng.randrange(170, 230))
        page = pdf.new_page(width, height)
        image = pdfium.PdfImage.new(pdf)
        bitmap = pdfium.PdfBitmap.from_pil(__import__("PIL.Image").Image.fromarray(grey))
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
    pdf.save(str(out))
    return out


SIGNATURES = """Underskrifter

Ekbacka den 3 mars 2025

För Ekbacka kommun, kultur- och fritidsnämnden

.....................................................
Karin Ödmark, ordförande

För Föreningen Lyktan i Ekbacka

.....................................................
Sanna Bergqvist, ordförande

.....................................................
Namnförtydligande:
"""


@pytest.mark.skipif(isinstance(ocr.engine(), str), reason="Tesseract with swe is not installed")
def test_names_under_dotted_lines_are_read_from_a_scan(tmp_path):
    from tests.test_garbled_pages import pdf_of_pages

    scan = scan_of(pdf_of_pages(tmp_path / "text.pdf", SIGNATURES), tmp_path / "scan.pdf")
    doc = read_document(scan, "scan.pdf")
    assert doc.pages[0].ocr
    words = doc.pages[0].text.split()
    assert {"Karin", "Ödmark,", "Sanna", "Bergqvist,", "Namnförtydligande:"} <= set(words)
    assert "§" not in words and ":" not in words
    lines = [ln for ln in doc.pages[0].text.split("\n") if ln]  # each name under its dots
    for name in ("Karin Ödmark, ordförande", "Sanna Bergqvist, ordförande",
                 "Namnförtydligande:"):
        above = lines[lines.index(name) - 1]
        assert set(above) == {"."} and len(above) > 10, (name, above)


# --- running footers read differently, and a sentence broken by the page's furniture ----


def ocr_pages(*texts: str) -> list[Page]:
    return [Page(i + 1, t, ocr=True) for i, t in enumerate(texts)]


def test_a_footer_read_differently_on_every_page_is_furniture():
    body = ["Kommunen ska", "- utse en kontaktperson,\n- kalla till mötet.",
            "Parterna följer upp överenskommelsen."]
    footers = ["Dnr SN 2025/31 1(3)", "Dar SN 2025/31 23)", "Dnr SN 2025/31 3(3)"]
    text = normalize(ocr_pages(*[f"{b}\n\n{f}" for b, f in zip(body, footers,
                                                              strict=True)])).text
    assert "2025/31" not in text


def test_a_text_layer_footer_must_repeat_exactly():
    pages = [Page(1, "Första sidan.\n\nBilaga A"), Page(2, "Andra sidan.\n\nBilaga B")]
    assert "Bilaga A" in normalize(pages).text


# (last line of a page, first line of the next after its header, joined or not)
PAGE_BREAKS = [
    ("kommer i kontakt med socialtjänsten om", "Brottsofferjouren och förmedlar kontakten,",
     True),
    ("Överenskommelsen gäller för", "Ekbacka kommun och föreningen.", True),
    ("betalas ut till", "Föreningen Lyktan i Ekbacka.", True),
    ("vid deltagarnas", "återkoppling följs upp.", True),  # a lower-case run-on, as before
    # near misses: a sentence end, a heading after, a bullet after
    ("Avtalet gäller i två år.", "Parterna ska träffas.", False),
    ("sammanställer redovisningarna", "Uppföljning", False),
    ("Kommunen ska bland annat", "- utse en kontaktperson,", False),
]


@pytest.mark.parametrize("end,start,joined", PAGE_BREAKS)
def test_a_sentence_runs_on_across_footer_and_header(end, start, joined):
    pages = [Page(1, f"Ekbacka kommun\n\nInledande text.\n{end}\n\n\nSida 1 av 2\n"),
             Page(2, f"Ekbacka kommun\n\n\n{start}\nAvslutande text.\n\nSida 2 av 2")]
    text = normalize(pages).text
    assert (f"{end} {start}" in text) is joined, text


def test_within_a_page_a_lead_in_keeps_its_items_apart():
    prose = "Partnerskapet ska ge unga i Ekbacka en meningsfull fritid och en trygg plats.\n"
    text = normalize([Page(1, prose * 3 + "Kommunen åtar sig att\nTillhandahålla lokaler\n"
                              "Utse en kontaktperson\n")]).text
    assert "att\nTillhandahålla" in text
