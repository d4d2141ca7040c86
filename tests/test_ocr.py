"""OCR of scanned PDFs with Tesseract: the scanned agreement gives the facts of its text
rendering, mixed PDFs are read page by page, a good text layer is never OCR'd, and a
missing or broken Tesseract gives a clear error row, never an empty document."""

from __future__ import annotations

import copy
import ctypes
import difflib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from pipeline.config import Limits
from pipeline.ingest import ocr, read_document
from pipeline.process import FACT_TABLES, process
from tests import test_gold_facts as gold_facts
from tests.conftest import FIXTURES, GOLD, REPO, SHARED, TEXT_FIXTURES
from tests.helpers import facts_of

SCAN = FIXTURES / "agreement-biv-2023-scan.pdf"
TEXT = FIXTURES / "agreement-biv-2023.pdf"
HOSTILE = SHARED / "corpus" / "hostile-pdfs"
NOT_INSTALLED = ("has no text layer and OCR is not installed: "
                 "apt-get install tesseract-ocr tesseract-ocr-swe")

# Columns that come from where a value sits in the file (offsets differ between the text
# layer and the OCR text) or from the file itself; every other column must be equal.
WHERE = {"doc_id", "page", "char_start", "char_end", "quote", "ocr_confidence"}


# --- building PDFs at test time (nothing large is committed) -------------------------


def compose(out: Path, pages: list[tuple[Path, int]]) -> Path:
    """A PDF made of pages (source PDF, 0-based index) of other PDFs."""
    pdf = pdfium.PdfDocument.new()
    for source, index in pages:
        src = pdfium.PdfDocument(str(source))
        pdf.import_pages(src, [index])
        src.close()
    pdf.save(str(out))
    pdf.close()
    return out


def stamp(path: Path, text: str) -> Path:
    """Write `text` as a text layer (Helvetica 10 pt) on the first page of `path`."""
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    font = pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, 10.0)
    units = text.encode("utf-16-le")
    buffer = (ctypes.c_ushort * (len(units) // 2 + 1))(
        *[int.from_bytes(units[i : i + 2], "little") for i in range(0, len(units), 2)], 0)
    pdfium_c.FPDFText_SetText(obj, buffer)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 480, 20)
    pdfium_c.FPDFPage_InsertObject(page, obj)
    pdfium_c.FPDFPage_GenerateContent(page)
    out = path.with_name(f"stamped-{path.name}")
    pdf.save(str(out))
    page.close()
    pdf.close()
    return out


def blank_pdf(out: Path) -> Path:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842).close()
    pdf.save(str(out))
    pdf.close()
    return out


def text_layer(path: Path, index: int) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[index].get_textpage().get_text_range().replace("\r\n", "\n")
    finally:
        pdf.close()


def word_accuracy(reference: str, read: str) -> float:
    ref, got = reference.split(), read.split()
    matcher = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(ref)


@pytest.fixture
def tesseract_calls(monkeypatch) -> list[float]:
    """Counts Tesseract runs (their dpi) while still running the real thing."""
    calls: list[float] = []
    real = ocr.run_tesseract

    def counting(found, image, dpi, timeout):
        calls.append(dpi)
        return real(found, image, dpi, timeout)

    monkeypatch.setattr(ocr, "run_tesseract", counting)
    return calls


@pytest.fixture
def no_tesseract(monkeypatch, tmp_path):
    """A PATH without Tesseract, as on a machine where it was never installed."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    ocr.engine.cache_clear()
    yield empty
    ocr.engine.cache_clear()


def fake_tesseract(folder: Path, on_image: str, langs: str = "eng osd swe") -> Path:
    """A `tesseract` (a shell script) alone on PATH: lists `langs`, runs `on_image` on a page."""
    listing = "\\n".join(["List of available languages:", *langs.split()])
    path = folder / "tesseract"
    path.write_text(f'#!/bin/sh\ncase "$1" in\n'
                    f'  --list-langs) printf "{listing}\\n";;\n'
                    f'  --version) echo "tesseract 5.3.0";;\n'
                    f'  *) {on_image};;\nesac\n', encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


# --- the scanned agreement (read once: OCR of 4 pages takes seconds) -------------------


@pytest.fixture(scope="module")
def scan_read():
    """The scan's Document and the dpi of every Tesseract run while reading it."""
    if not SHARED.exists():
        pytest.fail(f"{SHARED} is missing")
    dpis: list[float] = []
    real = ocr.run_tesseract

    def counting(found, image, dpi, timeout):
        dpis.append(dpi)
        return real(found, image, dpi, timeout)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ocr, "run_tesseract", counting)
        doc = read_document(SCAN, SCAN.name)
    return doc, dpis


@pytest.fixture(scope="module")
def scan_facts(scan_read):
    """What tests/helpers.facts_of gives, from the one reading of the scan."""
    return process(copy.deepcopy(scan_read[0]))


@pytest.fixture(scope="module")
def text_facts():
    return facts_of(TEXT)


def test_tesseract_with_swedish_is_installed():
    """CI installs it (.ci/run); without it every other test here would be moot."""
    found = ocr.engine()
    assert isinstance(found, ocr.Engine), found
    assert "available" in ocr.describe()


def test_scan_is_read_by_ocr_page_by_page(scan_facts):
    row, _ = scan_facts
    assert (row["status"], row["code"]) == ("ok", ""), row["error"]
    assert row["pages"] == 4
    assert row["ocr_pages"] == "1-4"
    assert 85 <= row["ocr_confidence"] <= 100
    # a clean scan needs no repair but its bullets ('»' read for '•') and its lines to sign
    # on (drawn, not read); "ideburna" is the agreement's own spelling: kept
    assert all(note.endswith(" -> •") or "(a drawn line) -> ___" in note
               for note in row["ocr_repairs"].split("; ")), row["ocr_repairs"]


def test_scan_has_the_kind_and_title_of_the_text_pdf(scan_facts, text_facts):
    assert scan_facts[0]["kind"] == text_facts[0]["kind"] == "agreement"
    assert scan_facts[0]["title"] == text_facts[0]["title"]


@pytest.mark.parametrize("table", FACT_TABLES)
def test_scan_has_the_facts_of_the_text_pdf_field_by_field(table, scan_facts, text_facts):
    """The same code on both renderings: whatever extraction finds in the text PDF, OCR
    must let it find too (parties, org numbers, amounts with their attributes, periods,
    signatories...)."""
    strip = lambda rows: [{k: v for k, v in r.items() if k not in WHERE} for r in rows]  # noqa: E731
    assert strip(scan_facts[1][table]) == strip(text_facts[1][table])


def test_scan_has_the_gold_org_numbers_and_amounts(scan_facts):
    gold = json.loads((GOLD / "fixtures" / f"{SCAN.name}.json").read_text(encoding="utf-8"))
    _, tables = scan_facts
    assert {p["org_number"] for p in tables["parties"] if p["org_number"]} == {
        p["org_number"] for p in gold["parties"] if p.get("org_number")}
    assert all(p["org_number_valid"] for p in tables["parties"] if p["org_number"])
    assert sorted(a["amount_sek"] for a in tables["amounts"]) == sorted(
        a["amount_sek"] for a in gold["amounts"])
    basis = {a["amount_sek"]: a["basis"] for a in tables["amounts"]}
    assert basis == {a["amount_sek"]: a["basis"] for a in gold["amounts"]}


# (check of tests/test_gold_facts.py, the gold key it needs): the scan's gold file is the
# text PDF's, so every fact check the text renderings pass must hold for the scan too.
GOLD_CHECKS = [
    (gold_facts.test_parties, "parties"),
    (gold_facts.test_amounts_field_by_field, "amounts"),
    (gold_facts.test_term, "term"),
    (gold_facts.test_notice, "notice_months"),
    (gold_facts.test_follow_up, "follow_up"),
    (gold_facts.test_signatories, "signatories"),
    (gold_facts.test_obligations, "obligations"),
]


@pytest.mark.parametrize("check,key", GOLD_CHECKS, ids=[c[1] for c in GOLD_CHECKS])
def test_scan_meets_its_gold_file(check, key, shared):
    gold = json.loads((GOLD / "fixtures" / f"{SCAN.name}.json").read_text(encoding="utf-8"))
    assert gold.get(key), f"the gold file has no {key}"
    check((SCAN, gold), shared)


def test_scan_facts_point_back_to_the_ocr_text_with_a_confidence(scan_read, scan_facts):
    doc, _ = scan_read
    pages = {p.number: p.text for p in doc.pages}
    rows = [r for table in FACT_TABLES for r in scan_facts[1][table]]
    assert rows
    for row in rows:
        source = pages[row["page"]][row["char_start"] : row["char_end"]]
        assert "".join(source.split()) == "".join(row["quote"].split()), (source, row["quote"])
        assert 0 <= row["ocr_confidence"] <= 100


def test_text_pdf_facts_have_no_ocr_confidence(text_facts):
    rows = [r for table in FACT_TABLES for r in text_facts[1][table]]
    assert rows and all(r.get("ocr_confidence") is None for r in rows)


def test_ocr_word_boxes_sit_where_the_text_layer_has_the_same_words(scan_read):
    """The scan is a rendering of the text PDF: an OCR word's box (PDF points, top-left
    origin) must lie on the text run that holds the same word."""
    scanned = scan_read[0].pages[0]
    text = read_document(TEXT, TEXT.name).pages[0]
    for needle in ("212000-0449", "252003-0228", "Aktörer", "Värdegrund"):
        [word] = [w for w in scanned.ocr_words if w.text.strip("().,") == needle]
        assert scanned.text[word.char_start : word.char_start + len(word.text)] == word.text
        runs = [r for r in text.words if needle in r.text]
        assert runs, needle
        run = runs[0]
        assert run.top - 3 <= word.top and word.bottom <= run.bottom + 3, (word, run)
        assert run.x0 - 3 <= word.x0 and word.x1 <= run.x1 + 3, (word, run)


def test_ocr_runs_are_the_text_layer_runs_of_a_two_column_signature_block(scan_read):
    """Layout code reads Page.words as runs split at column gaps, whatever the source."""
    scanned = scan_read[0].pages[3]
    text = read_document(TEXT, TEXT.name).pages[3]
    block = lambda page: [r for r in page.words  # noqa: E731
                          if 350 < r.top < 500 and not r.text.startswith("___")]
    ocr_runs, layer_runs = block(scanned), block(text)
    assert [r.text for r in ocr_runs] == [r.text for r in layer_runs]
    for o, t in zip(ocr_runs, layer_runs, strict=True):
        assert (o.x0, o.top, o.x1) == pytest.approx((t.x0, t.top, t.x1), abs=3)


# --- page by page --------------------------------------------------------------------


def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path, tesseract_calls):
    mixed = compose(tmp_path / "mixed.pdf", [(TEXT, 0), (SCAN, 1), (TEXT, 2)])
    doc = read_document(mixed, mixed.name)
    assert doc.status == "ok", doc.error
    assert [p.ocr for p in doc.pages] == [False, True, False]
    assert len(tesseract_calls) == 1
    assert doc.pages[0].text == text_layer(TEXT, 0)
    assert doc.pages[2].text == text_layer(TEXT, 2)
    assert word_accuracy(text_layer(TEXT, 1), doc.pages[1].text) >= 0.97
    assert doc.pages[0].ocr_confidence is None and doc.pages[1].ocr_confidence > 85
    row, _ = process(doc)
    assert row["ocr_pages"] == "2"


@pytest.mark.parametrize("name", [n for n in TEXT_FIXTURES if n.endswith(".pdf")])
def test_a_good_text_layer_is_never_ocrd(name, tesseract_calls, shared):
    doc = read_document(FIXTURES / name, name)
    assert doc.status == "ok"
    assert not any(p.ocr for p in doc.pages)
    assert tesseract_calls == []


def test_scan_is_rendered_at_its_own_resolution(scan_read):
    assert scan_read[1] == [pytest.approx(150, abs=1)] * 4  # the fixture is a 150 dpi scan


# (how the test PDF is made, is its only page OCR'd)
PAGE_DECISIONS = [
    ("scan with a stamped page number in its text layer", "stamp", True),
    ("scan with a garbage text layer", "garbage", True),
    ("text page with few letters and no scan under them", "few", False),
    ("blank page", "blank", False),
]


@pytest.mark.parametrize("what,how,read", PAGE_DECISIONS, ids=[c[0] for c in PAGE_DECISIONS])
def test_which_pages_are_ocrd(what, how, read, tmp_path, tesseract_calls):
    if how == "stamp":
        path = stamp(compose(tmp_path / "p.pdf", [(SCAN, 3)]), "Sida 4 av 4")
    elif how == "garbage":
        path = stamp(compose(tmp_path / "p.pdf", [(SCAN, 3)]), "#%& 12 ¤ 44 |||| ## 0101 ;;;; 77")
    elif how == "few":
        path = stamp(blank_pdf(tmp_path / "p.pdf"), "Bilaga 2")
    else:
        path = blank_pdf(tmp_path / "p.pdf")
    doc = read_document(path, path.name)
    assert bool(tesseract_calls) == read
    if read:
        assert doc.status == "ok" and doc.pages[0].ocr
        assert word_accuracy(text_layer(TEXT, 3), doc.pages[0].text) >= 0.95
    elif how == "few":
        assert doc.pages[0].text == "Bilaga 2" and not doc.pages[0].ocr
    else:
        assert (doc.status, doc.code) == ("error", "NO_TEXT")
        assert "nothing drawn" in doc.error


# (hostile file, status, code): real scans and pictures, read by OCR or refused clearly
HOSTILE_SCANS = [
    ("pdfminer-contrib-pdf-with-jbig2.pdf", "ok", ""),  # 300 dpi JBIG2, /Rotate 270
    ("pdfplumber-issue-203-decimalize.pdf", "warning", "OCR_LOW_CONFIDENCE"),  # not Swedish
    ("pdfminer-simple2.pdf", "error", "NO_TEXT"),  # vector drawing, no words
    # a few digits of text layer over a Chinese scan: the layer is kept, with a warning
    ("pdfplumber-malformed-from-issue-932.pdf", "warning", "OCR_LOW_CONFIDENCE"),
]


@pytest.mark.parametrize("name,status,code", HOSTILE_SCANS)
def test_hostile_scans(name, status, code, shared):
    doc = read_document(HOSTILE / name, name)
    assert (doc.status, doc.code) == (status, code), doc.error


def test_rotated_scan_is_read_upright(shared):
    doc = read_document(HOSTILE / "pdfminer-contrib-pdf-with-jbig2.pdf", "jbig2.pdf")
    assert "Doesn't" in doc.pages[0].text.split()  # read sideways it would be no word


def test_a_poor_scan_under_a_few_letters_keeps_its_text_layer(shared):
    doc = read_document(HOSTILE / "pdfplumber-malformed-from-issue-932.pdf", "x.pdf")
    assert doc.pages[0].text.split() == ["2021", "3", "31"] and not doc.pages[0].ocr
    assert "text layer kept" in doc.error


# --- when Tesseract is missing, broken or slow ---------------------------------------


def test_missing_tesseract_is_an_error_naming_the_pages_and_the_fix(no_tesseract):
    doc = read_document(SCAN, SCAN.name)
    assert (doc.status, doc.code) == ("error", "NO_TEXT_LAYER")
    assert doc.error == f"pages 1-4 {NOT_INSTALLED.replace('has', 'have')}"
    assert doc.pages == []


def test_missing_tesseract_on_one_scanned_page_of_a_mixed_pdf(no_tesseract, tmp_path):
    mixed = compose(tmp_path / "mixed.pdf", [(TEXT, 0), (TEXT, 1), (SCAN, 2)])
    doc = read_document(mixed, mixed.name)
    assert (doc.status, doc.code) == ("error", "NO_TEXT_LAYER")
    assert doc.error == f"page 3 {NOT_INSTALLED}"


def test_missing_tesseract_does_not_touch_text_pdfs_or_blank_pages(no_tesseract, tmp_path):
    assert read_document(TEXT, TEXT.name).status == "ok"
    blank = read_document(blank_pdf(tmp_path / "blank.pdf"), "blank.pdf")
    assert blank.code == "NO_TEXT" and "OCR" not in blank.error


def test_missing_swedish_model_says_which_package(no_tesseract):
    fake_tesseract(no_tesseract, "exit 1", langs="eng osd")
    doc = read_document(SCAN, SCAN.name)
    assert doc.code == "NO_TEXT_LAYER"
    assert doc.error.endswith("has no Swedish model: apt-get install tesseract-ocr-swe")
    assert "OCR (tesseract): OCR has no Swedish model" in ocr.describe()


def test_tesseract_that_fails_gives_ocr_failed(no_tesseract):
    fake_tesseract(no_tesseract, 'echo "Error in pixReadMem: unknown format" >&2; exit 1')
    doc = read_document(SCAN, SCAN.name)
    assert (doc.status, doc.code) == ("error", "OCR_FAILED")
    assert "pixReadMem" in doc.error


def test_a_stuck_tesseract_is_killed_at_the_page_timeout(no_tesseract, monkeypatch):
    fake_tesseract(no_tesseract, "exec /bin/sleep 30")
    monkeypatch.setattr(ocr, "PAGE_TIMEOUT_S", 0.5)
    doc = read_document(SCAN, SCAN.name)
    assert (doc.status, doc.code) == ("error", "TIMEOUT")
    assert "--timeout" in doc.error


def test_ocr_stops_at_the_per_file_deadline():
    doc = read_document(SCAN, SCAN.name, Limits(timeout_s=2.0))
    assert (doc.status, doc.code) == ("error", "TIMEOUT")
    assert "of 4 scanned pages" in doc.error and "--timeout" in doc.error


# --- in the worker pool, from the command line, and from the cache -------------------


def iop(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def test_cli_reads_a_scan_in_a_capped_worker(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    compose(raw / "scan.pdf", [(SCAN, 3)])
    result = iop("extract", str(raw), "--out", str(tmp_path / "out"),
                 "--workers", "1", "--memory", "1.5", "--no-cache")
    assert result.returncode == 0, result.stderr
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    assert list(docs["ocr_pages"].astype(str)) == ["1"]


def test_cli_without_tesseract_exits_3_with_the_error_row(tmp_path, shared):
    raw = tmp_path / "raw"
    raw.mkdir()
    compose(raw / "scan.pdf", [(SCAN, 3)])
    (raw / "memo.txt").write_text("Nämnden beviljar 300 500 kr för perioden.", encoding="utf-8")
    empty = tmp_path / "bin"
    empty.mkdir()
    result = iop("extract", str(raw), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--no-cache", path=str(empty))
    assert result.returncode == 3, result.stderr
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False)
    docs = docs.set_index("source")
    assert docs.loc["scan.pdf", "status"] == "error"
    assert docs.loc["scan.pdf", "error"] == f"page 1 {NOT_INSTALLED}"
    assert docs.loc["memo.txt", "status"] == "ok"


def test_a_cached_scan_is_not_ocrd_again(tmp_path, tesseract_calls):
    from pipeline.cache import CacheCounts, ResultCache, cache_version
    from pipeline.config import DEFAULT_LIMITS
    from pipeline.run import Task, work

    path = compose(tmp_path / "scan.pdf", [(SCAN, 3)])
    task = Task(str(path), "scan.pdf", DEFAULT_LIMITS)

    def in_process(tasks):  # the cache's submit, without worker processes (counts calls)
        return ((t, work(t)) for t in tasks)

    def read(touch: bool):
        if touch:  # a new mtime: the file is hashed again, its content is known
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
        with ResultCache.open(tmp_path / "cache", cache_version(DEFAULT_LIMITS)) as cache:
            return list(cache.run([task], in_process, CacheCounts()))[0]

    _, first, from_cache = read(touch=False)
    assert len(tesseract_calls) == 1 and not from_cache
    _, second, from_cache = read(touch=True)
    assert len(tesseract_calls) == 1 and from_cache
    assert second[0]["ocr_pages"] == first[0]["ocr_pages"] == "1"
    assert second[1] == first[1]


def _read_in_child(path: str) -> None:  # runs in a forked process that the test kills
    read_document(Path(path), "scan.pdf")


def test_tesseract_dies_with_its_killed_worker(no_tesseract, tmp_path):
    """The pool kills a worker at the deadline; its Tesseract must not run on."""
    import multiprocessing
    import signal
    import time

    pid_file = tmp_path / "tesseract.pid"
    fake_tesseract(no_tesseract, f'echo $$ > {pid_file}; exec /bin/sleep 60')
    worker = multiprocessing.get_context("fork").Process(target=_read_in_child,
                                                         args=(str(SCAN),))
    worker.start()
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.05)
    tesseract = int(pid_file.read_text())
    os.kill(worker.pid, signal.SIGKILL)
    worker.join(5)
    for _ in range(100):
        try:
            state = Path(f"/proc/{tesseract}/stat").read_text().split(")")[-1].split()[0]
        except FileNotFoundError:
            state = "gone"
        if state in ("gone", "Z"):
            break
        time.sleep(0.05)
    assert state in ("gone", "Z")
