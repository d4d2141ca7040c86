"""OCR for PDF pages without a usable text layer: PDFium renders, Tesseract `swe` reads.

Which pages: ingest asks `text_layer_problem()` of every page's text layer (empty, garbage,
mojibake, or a handful of letters); `read_pages()` then looks at those pages: a blank page
stays blank, a handful of letters counts as a scan only over a page-sized image (a scan
with a stamped page number). A page with a good text layer is never OCR'd.

Resolution: a page is rendered at the resolution of its scan (whole dpi, so the scan's
pixels map one to one), kept within 150-300 dpi. Measured with bench/ocr_throughput.py on
../shared/fixtures/agreement-biv-2023-scan.pdf (a 150 dpi scan; words differing from the
text layer, of 1158; CPU seconds per page):
    --dpi 150 200 300 400:             15, 14, 15, 17 words;  1.7, 1.9, 2.4, 2.9 s
    --scan-dpi 75 --dpi 75 150 300:    53, 14, 70 words;      1.0, 1.7, 2.3 s
Reading above the scan's resolution costs time and adds nothing (upsampling a coarse scan
4x even hurts); a coarse scan read at 150 dpi recovers nearly everything. Hence: the scan's
own dpi, never below 150, at most 300 (Tesseract's recommendation; 600 would cost 4x).

Tesseract runs as a subprocess (`tesseract stdin stdout -l swe --dpi N tsv`) instead of
through pytesseract, which wraps the same binary but (1) gives it the process-wide
environment, where OMP_THREAD_LIMIT=1 must be set for Tesseract alone: one page took
15.6 s with Tesseract's default OpenMP threads beside one other busy process and 2.9 s
with one thread; (2) cannot ask the kernel to kill Tesseract when its worker is killed at
the per-file deadline (PR_SET_PDEATHSIG), so its child would outlive the deadline;
(3) goes through temporary files, which a killed worker leaves behind, where this streams
the image through stdin and the result through stdout. The TSV is read with the csv
module. Tesseract inherits the worker's address-space cap (RLIMIT_AS); its peak RSS is
58-87 MB per page at 150-300 dpi, the worker's address space grows by ~25 MB at 150 dpi.
"""

from __future__ import annotations

import csv
import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.ingest.quality import is_garbled, visible_chars
from pipeline.lang import table
from pipeline.records import Page, Word

TESSERACT = "tesseract"
LANGUAGE = "swe"
NOT_INSTALLED = "OCR is not installed: apt-get install tesseract-ocr tesseract-ocr-swe"
NO_SWEDISH = "OCR has no Swedish model: apt-get install tesseract-ocr-swe"

MIN_DPI, MAX_DPI = 150.0, 300.0
MAX_PIXELS = 25_000_000  # an A3 page at 300 dpi is 17 Mpx; a poster is read at less
PAGE_TIMEOUT_S = 120.0  # one page; the per-file deadline usually comes first
MIN_LETTERS = 40  # fewer letters over a page-sized image: a scan with a stamp, not text
SCAN_COVERAGE = 0.5  # an image over half the page or more is a scan
RUN_GAP = 2.5  # a gap of this many line heights between words is a column gap

# Confidence (Tesseract's 0-100) below which OCR output needs a human look. A clean page
# reads at 90-97 per word (numbers 87-97 on the scan fixture); misread words fall below 60.
LOW_PAGE_CONFIDENCE = 70.0  # a page's mean: documents warning OCR_LOW_CONFIDENCE
LOW_SPAN_CONFIDENCE = 80.0  # the weakest word under an amount or a date: worth review


class OcrUnavailable(Exception):
    """Pages need OCR but Tesseract (or its Swedish model) cannot be used."""

    def __init__(self, pages: list[int], reason: str):
        super().__init__(reason)
        self.pages, self.reason = pages, reason


class OcrFailed(Exception):
    """OCR could not finish; `code` is a pipeline.codes code (OCR_FAILED or TIMEOUT)."""

    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True, slots=True)
class Engine:
    path: str
    version: str


@cache
def engine() -> Engine | str:
    """The Tesseract binary with its Swedish model, or why OCR is not available."""
    path = shutil.which(TESSERACT)
    if not path:
        return NOT_INSTALLED
    try:
        langs = subprocess.run([path, "--list-langs"], capture_output=True, text=True,
                               timeout=30).stdout.split()
        version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                 timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"OCR does not run ({type(exc).__name__}): {NOT_INSTALLED.split(': ')[1]}"
    if LANGUAGE not in langs:
        return NO_SWEDISH
    return Engine(path, version[1] if len(version) > 1 else "")


def describe() -> str:
    """One line for `make setup`: is OCR available?"""
    found = engine()
    if isinstance(found, str):
        return f"OCR (tesseract): {found}"
    return f"OCR (tesseract {found.version}, {LANGUAGE}): available"


# --- which pages ---------------------------------------------------------------------

# Signs of mojibake: the replacement character, private-use glyphs, C1 controls, and
# UTF-8 read as Latin-1 (Ã¶ for ö).
_MOJIBAKE = re.compile(r"[\ufffd\ue000-\uf8ff\x80-\x9f]|Ã[\x80-\xbf]")


def text_layer_problem(text: str) -> str:
    """Why a page's text layer may need OCR: 'empty', 'garbled', 'sparse', or '' if good."""
    if not text.strip():
        return "empty"
    mojibake = len(_MOJIBAKE.findall(text))
    if is_garbled(text) or (mojibake > 2 and mojibake > visible_chars(text) // 50):
        return "garbled"
    if not _has_letters(text, MIN_LETTERS):
        return "sparse"
    return ""


# Every letter (str.isalpha) is in a run of these; a run may also hold other numerals (Ⅷ, ²).
_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def _has_letters(text: str, needed: int) -> bool:
    """At least `needed` characters of text are letters (str.isalpha), counted run by run."""
    letters = 0
    for run in _LETTER_RUNS.finditer(text):
        chunk = run.group()
        letters += len(chunk) if chunk.isalpha() else sum(c.isalpha() for c in chunk)
        if letters >= needed:
            return True
    return False


def _scan_dpi(page: pdfium.PdfPage) -> float | None:
    """Resolution of the image that covers the page (a scan), or None when there is none."""
    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return None
    best = None
    for count, image in enumerate(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE],
                                                   max_depth=2)):
        if count >= 100:  # a page of confetti is not a scan
            break
        left, bottom, right, top = image.get_bounds()
        w_pt, h_pt = right - left, top - bottom
        if w_pt * h_pt < SCAN_COVERAGE * width * height:
            continue
        px_w, px_h = image.get_px_size()
        dpi = 72 * max(px_w, px_h) / max(w_pt, h_pt)
        best = max(best or 0.0, dpi)
    return best


_INK = bytes(1 if v < 160 else 0 for v in range(256))


def _has_ink(page: pdfium.PdfPage) -> bool:
    """Is anything drawn on the page? A quick look at 36 dpi; specks below 10 px don't count."""
    width, height = page.get_size()
    if width <= 0 or height <= 0 or width * height > 1e8:
        return width > 0 and height > 0
    bitmap = page.render(scale=0.5, grayscale=True)
    try:
        return bytes(bitmap.buffer).translate(_INK).count(1) >= 10
    finally:
        bitmap.close()


def _worth_reading(page: pdfium.PdfPage, problem: str) -> bool:
    if problem == "sparse":
        return _scan_dpi(page) is not None
    return _has_ink(page)


# --- reading -------------------------------------------------------------------------


def read_pages(path: Path, problems: dict[int, str], deadline: float) -> dict[int, Page]:
    """OCR the pages (numbers -> problem of their text layer) that show something.

    Returns the pages read, by number; pages left out keep their text layer. Raises
    OcrUnavailable when a page needs OCR and Tesseract is missing, OcrFailed when OCR
    breaks or cannot finish before `deadline` (time.monotonic()).
    """
    if not problems:
        return {}
    try:
        return _read_pages(pdfium.PdfDocument(str(path)), problems, deadline)
    except pdfium.PdfiumError as exc:  # it opened a moment ago: a page that cannot render
        raise OcrFailed("OCR_FAILED", f"PDFium could not render a page: {exc}") from None


def _read_pages(pdf: pdfium.PdfDocument, problems: dict[int, str],
                deadline: float) -> dict[int, Page]:
    try:
        todo = [n for n in sorted(problems) if _with_page(pdf, n, _worth_reading, problems[n])]
        if not todo:
            return {}
        found = engine()
        if isinstance(found, str):
            raise OcrUnavailable(todo, found)
        started, out = time.monotonic(), {}
        for done, number in enumerate(todo):
            remaining = deadline - time.monotonic()
            if remaining <= 1:
                raise OcrFailed("TIMEOUT", _too_slow(done, len(todo), started))
            try:
                out[number] = _with_page(pdf, number, read_page, number, found,
                                         min(PAGE_TIMEOUT_S, remaining))
            except subprocess.TimeoutExpired:
                raise OcrFailed("TIMEOUT", _too_slow(done, len(todo), started)) from None
        return out
    finally:
        pdf.close()


def _with_page(pdf: pdfium.PdfDocument, number: int, func, *args):
    page = pdf[number - 1]
    try:
        return func(page, *args)
    finally:
        page.close()


def _too_slow(done: int, total: int, started: float) -> str:
    return (f"OCR read {done} of {total} scanned pages in {time.monotonic() - started:.0f} s "
            "and stopped at the per-file limit; allow more with --timeout")


def render_dpi(page: pdfium.PdfPage) -> float:
    """The scan's own resolution within MIN_DPI..MAX_DPI, lower for pages above MAX_PIXELS."""
    # Whole dpi: 150.000003 would make PDFium's bitmap one pixel wider than the scan and
    # resample all of it (measured: 20 instead of 15 misread words on the fixture).
    dpi = float(min(MAX_DPI, max(MIN_DPI, round(_scan_dpi(page) or MAX_DPI))))
    width, height = page.get_size()
    pixels = width * height * (dpi / 72) ** 2
    if pixels > MAX_PIXELS:
        dpi *= (MAX_PIXELS / pixels) ** 0.5
    return dpi


def read_page(page: pdfium.PdfPage, number: int, found: Engine, timeout: float) -> Page:
    """Render one page, read it with Tesseract, and build its text, words and confidence.

    Text that Tesseract's page layout analysis left out (a block beside a dotted signature
    line is the usual case) is read again on its own: see missed_regions(). Lines drawn to
    sign on become a word of dots or underscores, as a text layer has them: drawn_lines().
    """
    started = time.monotonic()
    dpi = render_dpi(page)
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        image = _pgm(bitmap)
    finally:
        bitmap.close()
    words = parse_tsv(run_tesseract(found, image, dpi, timeout))
    width, height = (int(v) for v in image[3:image.index(b"\n")].split()[:2])
    pixels = np.frombuffer(image, dtype=np.uint8, offset=len(image) - width * height)
    pixels = pixels.reshape(height, width)
    for n, (left, top, right, bottom) in enumerate(missed_regions(pixels, words, dpi)):
        crop = pixels[top:bottom, left:right]
        left_s = max(1.0, timeout - (time.monotonic() - started))
        tsv = _tesseract(found, b"P5 %d %d 255\n" % (crop.shape[1], crop.shape[0])
                         + crop.tobytes(), dpi, left_s, BLOCK_MODE)
        again = [w for w in _shifted(parse_tsv(tsv), left, top, n)
                 if w.conf >= MIN_RECOVERED_CONFIDENCE]
        if sum(c.isalnum() for w in again for c in w.text) >= MIN_RECOVERED_CHARS:
            words = _insert(words, again)  # text, not a letter read from a drawing
    for row in _rows(drawn_lines(pixels, words, dpi)):
        words = _insert(words, [
            _OcrWord((20_000 + row[0][1], 0, 0),
                     ("." if dotted else "_") * max(3, round((right - left) / dpi * 12.7)),
                     100.0, (left, top, right - left, bottom - top), original=DRAWN)
            for left, top, right, bottom, dotted in row])  # a character per 2 mm
    del image, pixels
    return page_from_words(number, words, 72 / dpi)


# --- text that the page layout analysis left out -------------------------------------

CELL_MM = 1.0  # the ink grid: cells of about a millimetre
INK_LEVEL = 128  # darker than this is ink
MIN_CELL_INK = 3  # pixels of ink that make a cell inked (a speck does not)
MIN_STROKE_MM = 1.0  # text has upright strokes this tall (the dots of a line ~0.7 mm)
MIN_REGION_MM = 4.0  # and a region of text is at least this wide
BLOCK_MODE = "6"  # Tesseract's page segmentation for a region: one uniform block of text
MIN_RECOVERED_CONFIDENCE = 60.0  # a word read again must be read surely
MIN_RECOVERED_CHARS = 4  # and a region read again must give a few letters or digits
MAX_REGIONS = 8  # regions read again per page (a page of pictures costs no more)
MIN_SIGNING_LINE_MM, MAX_SIGNING_LINE_MM = 25.0, 100.0  # a line drawn to sign on
DOTTED_SHARE = 0.8  # a drawn line with ink in fewer of its columns is dotted
DRAWN = ""  # the 'reading' of a drawn line: Tesseract read nothing there


def missed_regions(pixels: np.ndarray, words: list[_OcrWord], dpi: float
                   ) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom in pixels) of ink that looks like a line of text
    but lies under no word Tesseract read.

    Tesseract's layout analysis sometimes drops a whole block: a name under a dotted
    signature line, text beside a rule. The page is cut into ~1 mm cells; cells with ink
    that no word box (widened by a cell) covers are grouped, and a group at least a text
    line tall and a few letters wide is a missed region: somewhere in it a column of
    pixels holds a letter's upright stroke of ink. Rules, dotted lines (however skewed)
    and specks are thinner or smaller.
    """
    regions = []
    min_stroke = dpi * MIN_STROKE_MM / 25.4
    min_width = dpi * MIN_REGION_MM / 25.4
    for box, per_column in _uncovered(pixels, words, dpi):
        xs = np.nonzero(per_column)[0]
        if xs.size and per_column.max() >= min_stroke and xs[-1] - xs[0] + 1 >= min_width:
            regions.append(box)
            if len(regions) == MAX_REGIONS:
                break
    return regions


def drawn_lines(pixels: np.ndarray, words: list[_OcrWord], dpi: float
                ) -> list[tuple[int, int, int, int, bool]]:
    """Lines to sign on that no word covers: (left, top, right, bottom, dotted).

    A text layer has them as characters ('............', '____'); OCR reads neither, and
    without them an empty signature line ('Namnförtydligande:' under nothing) cannot be
    told from a label. A drawn line is thin (no upright stroke), as wide as a signature
    (MIN/MAX_SIGNING_LINE_MM: not a table border or a rule across the page), and dotted
    when ink is in fewer than DOTTED_SHARE of its columns.
    """
    lines = []
    min_stroke = dpi * MIN_STROKE_MM / 25.4
    low, high = (dpi * mm / 25.4 for mm in (MIN_SIGNING_LINE_MM, MAX_SIGNING_LINE_MM))
    for (left, top, right, bottom), per_column in _uncovered(pixels, words, dpi):
        xs = np.nonzero(per_column)[0]
        if xs.size == 0 or per_column.max() >= min_stroke or not low <= xs[-1] - xs[0] <= high:
            continue
        inked = np.count_nonzero(per_column[xs[0]: xs[-1] + 1]) / (xs[-1] - xs[0] + 1)
        lines.append((left, top, right, bottom, bool(inked < DOTTED_SHARE)))
    return lines


def _rows(lines: list[tuple[int, int, int, int, bool]]
          ) -> list[list[tuple[int, int, int, int, bool]]]:
    """Drawn lines side by side (two signature columns) as one line of the text, as a text
    layer has them, left to right."""
    rows: list[list[tuple[int, int, int, int, bool]]] = []
    for line in sorted(lines, key=lambda b: (b[1], b[0])):
        middle = (line[1] + line[3]) / 2
        if rows and rows[-1][0][1] <= middle <= rows[-1][0][3]:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row) for row in rows]


def _uncovered(pixels: np.ndarray, words: list[_OcrWord], dpi: float):
    """Groups of ~1 mm cells with ink under no word box (widened by a cell): each as its
    padded box in pixels and its ink per column of pixels."""
    cell = max(4, round(dpi * CELL_MM / 25.4))
    height, width = pixels.shape
    rows, cols = height // cell, width // cell
    if rows < 3 or cols < 3:
        return
    ink = (pixels[: rows * cell, : cols * cell] < INK_LEVEL).reshape(rows, cell, cols, cell)
    inked = ink.sum(axis=(1, 3)) >= MIN_CELL_INK
    if not inked.any():
        return
    for w in words:
        left, top, w_px, h_px = w.box
        inked[max(0, top // cell - 1): (top + h_px) // cell + 2,
              max(0, left // cell - 1): (left + w_px) // cell + 2] = False
    for r0, c0, r1, c1 in _groups(inked):
        per_column = ink[r0:r1, :, c0:c1, :].sum(axis=(0, 1)).reshape(-1)
        yield ((max(0, c0 * cell - cell), max(0, r0 * cell - cell),
                min(width, c1 * cell + cell), min(height, r1 * cell + cell)), per_column)


def _groups(cells: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (row0, col0, row1, col1) of groups of True cells that touch, a gap
    of up to two cells along a row counting as touching (the space between words)."""
    rows, cols = cells.shape
    joined = cells.copy()
    joined[:, 1:] |= cells[:, :-1]
    joined[:, 2:] |= cells[:, :-2]
    joined[:, :-1] |= cells[:, 1:]
    joined[:, :-2] |= cells[:, 2:]
    seen = np.zeros_like(joined)
    boxes = []
    for start in zip(*np.nonzero(cells), strict=True):
        if seen[start]:
            continue
        stack = [start]
        seen[start] = True
        r0 = r1 = start[0]
        c0 = c1 = start[1]
        while stack:
            r, c = stack.pop()
            r0, r1, c0, c1 = min(r0, r), max(r1, r), min(c0, c), max(c1, c)
            for nr in (r - 1, r, r + 1):
                for nc in (c - 1, c, c + 1):
                    if 0 <= nr < rows and 0 <= nc < cols and joined[nr, nc] \
                            and not seen[nr, nc]:
                        seen[nr, nc] = True
                        stack.append((nr, nc))
        boxes.append((r0, c0, r1 + 1, c1 + 1))
    return boxes


def _shifted(words: list[_OcrWord], left: int, top: int, region: int) -> list[_OcrWord]:
    """Words read in a region, in page pixels, on lines of their own (block 10000+)."""
    for w in words:
        x, y, width, height = w.box
        w.box = (x + left, y + top, width, height)
        w.line = (10_000 + region, *w.line[1:])
    return words


def _insert(words: list[_OcrWord], found: list[_OcrWord]) -> list[_OcrWord]:
    """The words read again go before the first line that starts below them."""
    if not found:
        return words
    top = min(w.box[1] for w in found)
    at = next((i for i, w in enumerate(words) if w.box[1] > top), len(words))
    while 0 < at < len(words) and words[at - 1].line == words[at].line:
        at -= 1  # never inside a line
    return words[:at] + found + words[at:]


def _pgm(bitmap: pdfium.PdfBitmap) -> bytes:
    """An 8-bit grey bitmap as binary PGM, which Tesseract reads from stdin."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    data = memoryview(bitmap.buffer).cast("B")
    if stride != width:
        data = b"".join(data[row * stride : row * stride + width] for row in range(height))
    return b"P5 %d %d 255\n" % (width, height) + paper_white(bytes(data))


# Between the darkest ink and the paper, the top fifth is paper: an office scanner's
# speckle and JPEG halos are faint (180-230 on white paper), and Tesseract's own threshold
# reads a faint speck beside a word as a colon or a diacritic ('bidrar:', 'Lokalhyrå').
# Measured on the dev corpus's five 200 dpi scans and the 150 dpi fixture scan (words
# differing from the text): 29 with none made paper, 28 / 24 / 21 / 21 with the top
# 10 / 15 / 20 / 25 %; at 25 % a 150 dpi scan's thin strokes go too ('organisationsnhummer').
PAPER_SHARE = 0.2
INK_PERCENTILE = 0.005  # the darkest half percent of the pixels is ink
HISTOGRAM_STEP = 7


def paper_white(grey: bytes) -> bytes:
    """The grey pixels closer to the paper than PAPER_SHARE of the ink-paper contrast,
    made white; ink and the anti-aliased edges of glyphs stay as scanned."""
    if not grey:
        return grey
    sample = grey[::HISTOGRAM_STEP]  # the levels of every 7th pixel: a 4 MB page in 0.6 MB
    counts = np.bincount(np.frombuffer(sample, dtype=np.uint8), minlength=256).cumsum()
    ink = int(np.searchsorted(counts, INK_PERCENTILE * counts[-1]))
    paper = int(np.searchsorted(counts, 0.5 * counts[-1]))
    cut = round(paper - PAPER_SHARE * (paper - ink))
    if cut >= 255:
        return grey
    return grey.translate(bytes(v if v <= cut else 255 for v in range(256)))


@cache
def _prctl():
    """libc's prctl, looked up in the worker: the forked child must not call dlopen."""
    return ctypes.CDLL(None, use_errno=True).prctl


def _die_with(parent: int, prctl):
    """Linux: the child gets SIGKILL when its worker dies (killed at the deadline)."""

    def before_exec() -> None:  # runs in the child between fork and exec
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the worker died before prctl took effect
            os._exit(1)

    return before_exec


def run_tesseract(found: Engine, image: bytes, dpi: float, timeout: float) -> str:
    """Tesseract's TSV for one page. Raises subprocess.TimeoutExpired or OcrFailed."""
    return _tesseract(found, image, dpi, timeout, "")


def _tesseract(found: Engine, image: bytes, dpi: float, timeout: float, mode: str) -> str:
    """Tesseract's TSV for one image; `mode` a page segmentation mode, '' for automatic."""
    command = [found.path, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(round(dpi)),
               *(("--psm", mode) if mode else ()), "tsv"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per worker
    linux = sys.platform == "linux"
    result = subprocess.run(command, input=image, capture_output=True, env=env,
                            timeout=timeout,
                            preexec_fn=_die_with(os.getpid(), _prctl()) if linux else None)
    if result.returncode != 0:
        if result.returncode < 0:
            why = f"stopped by {signal.Signals(-result.returncode).name}"
        else:
            lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
            why = f"exit code {result.returncode}: {lines[-1] if lines else 'no message'}"
        raise OcrFailed("OCR_FAILED", f"tesseract {why}"[:300])
    return result.stdout.decode("utf-8", "replace")


# --- from Tesseract's words to a page ------------------------------------------------


@dataclass(slots=True)
class _OcrWord:
    line: tuple[int, int, int]  # block, paragraph, line
    text: str
    conf: float
    box: tuple[int, int, int, int]  # left, top, width, height in pixels
    original: str | None = None  # the reading before a repair


def parse_tsv(tsv: str) -> list[_OcrWord]:
    """The words of Tesseract's TSV (level 5 rows with text), in reading order."""
    words = []
    rows = csv.reader(tsv.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        block, par, line = int(row[2]), int(row[3]), int(row[4])
        left, top, width, height = (int(v) for v in row[6:10])
        words.append(_OcrWord((block, par, line), row[11].strip(), max(0.0, float(row[10])),
                              (left, top, width, height)))
    return words


def page_from_tsv(number: int, tsv: str, points_per_pixel: float) -> Page:
    """The page of Tesseract's TSV: see page_from_words()."""
    return page_from_words(number, parse_tsv(tsv), points_per_pixel)


def page_from_words(number: int, read: list[_OcrWord], points_per_pixel: float) -> Page:
    """Page.text from OCR lines: words joined by a space, lines by \\n, paragraphs by a
    blank line (so normalize unwraps lines but keeps paragraphs).

    Page.ocr_words: every word with its box in PDF points, its confidence and its offset in
    that text; repairs are applied here and recorded on the word (a speck read as a sign
    is left out of the text: its word has no text, and the sign as its original).
    Page.words: the words of a line grouped into runs split at column gaps, as the text
    layer gives them, for layout code (signature blocks in two columns).
    """
    parts: list[str] = []
    words: list[Word] = []
    runs: list[Word] = []
    length = 0
    previous = None
    s = points_per_pixel
    rules = _rules()
    for line, group in groupby(read, key=lambda w: w.line):
        line_read = list(group)
        items, specks = [], []
        for i, w in enumerate(line_read):
            speck = items and _is_speck(w, line_read[i + 1] if i + 1 < len(line_read) else None,
                                        items[-1], rules)
            (specks if speck else items).append(w)
        for index, text, _rule in repairs([w.text for w in items]):
            items[index].original, items[index].text = items[index].text, text
        if previous is not None:
            sep = "\n" if line[:2] == previous[:2] else "\n\n"
            parts.append(sep)
            length += len(sep)
        previous = line
        line_words = []
        for i, w in enumerate(items):
            if i:
                parts.append(" ")
                length += 1
            while specks and specks[0].box[0] < w.box[0]:
                words.append(_word(specks.pop(0), s, length, text=""))
            line_words.append(_word(w, s, length))
            parts.append(w.text)
            length += len(w.text)
        words.extend(line_words)
        words.extend(_word(w, s, length, text="") for w in specks)
        runs.extend(_runs(line_words))
    read = [w.conf for w in words if w.text and w.original != DRAWN]
    confidence = round(sum(read) / len(read), 1) if read else None
    return Page(number=number, text="".join(parts), ocr=True, ocr_confidence=confidence,
                words=runs, ocr_words=words)


def _word(w: _OcrWord, s: float, char_start: int, text: str | None = None) -> Word:
    """An OCR word in PDF points; text "" for a speck left out (its reading as original)."""
    left, top, width, height = w.box
    return Word(w.text if text is None else text, left * s, top * s, (left + width) * s,
                (top + height) * s, conf=round(w.conf, 1), char_start=char_start,
                original=w.original if text is None else w.text)


def _is_speck(w: _OcrWord, after: _OcrWord | None, before: _OcrWord, rules: _Rules) -> bool:
    """A sign read from specks inside a line: only noise signs, read with low confidence,
    or a sign that never stands alone between two words ('Stödet = (org.nr')."""
    if not all(c in rules.noise_signs for c in w.text):
        return False
    if w.conf < rules.noise_confidence:
        return True
    return (w.text in rules.noise_between_words and after is not None
            and not _has_digit(before.text) and not _has_digit(after.text))


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _runs(line: list[Word]) -> list[Word]:
    """Words of one line joined into runs; a gap wider than RUN_GAP line heights splits."""
    if not line:
        return []
    height = sorted(w.bottom - w.top for w in line)[len(line) // 2]
    groups: list[list[Word]] = [[line[0]]]
    for word in line[1:]:
        if word.x0 - groups[-1][-1].x1 > RUN_GAP * height:
            groups.append([word])
        else:
            groups[-1].append(word)
    return [Word(" ".join(w.text for w in g), g[0].x0, min(w.top for w in g), g[-1].x1,
                 max(w.bottom for w in g), conf=min(w.conf or 0.0 for w in g),
                 char_start=g[0].char_start) for g in groups]


# --- repairs of OCR confusions (data: lang/sv/ocr_repairs.toml) ----------------------

_EDGES = re.compile(r"^([(\[\"'«»]*)(.*?)([)\]\"'«».,;:!?]*)$", re.DOTALL)
_NUMBER = re.compile(r"[-–]?\d+(?:[-–./:,]\d+)*(?::-|-)?")
_AMOUNT = re.compile(r"(?:\d{1,3}(?:[ .]\d{3})+|\d+)(?:,\d{1,2})?(?::-|,-)?")


@dataclass(frozen=True, slots=True)
class _Rules:
    digit_id: str
    digit_letters: dict[str, str]
    amount_id: str
    amount_letters: dict[str, str]
    units_after: frozenset[str]
    units_before: frozenset[str]
    word_id: str
    stems: tuple[tuple[str, str], ...]
    section_id: str
    section_sign: str
    section_anywhere: frozenset[str]
    section_line_start: frozenset[str]
    section_one: frozenset[str]
    bullet_id: str
    bullet: str
    bullet_signs: frozenset[str]
    bullet_letters: frozenset[str]
    noise_id: str
    noise_signs: frozenset[str]
    noise_confidence: float
    noise_between_words: frozenset[str]


@cache
def _rules() -> _Rules:
    data = table("ocr_repairs")
    stems = tuple((a.lower(), b.lower()) for a, b in data["words"]["stems"])
    assert all(len(a) == len(b) for a, b in stems), "an OCR repair must keep the length"
    section, bullets, noise = data["section"], data["bullets"], data["noise"]
    return _Rules(
        data["digits"]["id"], data["digits"]["letters"],
        data["amount"]["id"], data["amount"]["letters"],
        frozenset(data["amount"]["units_after"]), frozenset(data["amount"]["units_before"]),
        data["words"]["id"], stems,
        section["id"], section["sign"], frozenset(section["anywhere"]),
        frozenset(section["line_start"]), frozenset(section["one"]),
        bullets["id"], bullets["bullet"], frozenset(bullets["signs"]),
        frozenset(bullets["letters"]),
        noise["id"], frozenset(noise["signs"]), float(noise["max_confidence"]),
        frozenset(noise["between_words"]),
    )


def repairs(tokens: list[str]) -> list[tuple[int, str, str]]:
    """Repairs of one OCR line's words: (index, repaired word, rule id), only unambiguous ones.

    Digits misread as letters inside numbers (2O23-O4-O1, 2l2000-0449), more letters inside
    an amount with its unit (3S0 000 kr), diacritics lost in words that have no other
    reading (Overenskommelsen), the section sign before a paragraph number ($ 6, 8 3
    Målgrupp) and a list bullet read as another sign (» Punkt) first on the line.
    """
    rules = _rules()
    out: dict[int, tuple[str, str]] = _section_repairs(tokens, rules)
    if 0 not in out and len(tokens) > 1 and _misread_bullet(tokens[0], rules) \
            and tokens[1][:1].isalpha():
        out[0] = (rules.bullet, rules.bullet_id)
    for index, repaired in _amount_repairs(tokens, rules).items():
        out.setdefault(index, (repaired, rules.amount_id))
    for index, token in enumerate(tokens):
        if index in out:
            continue
        repaired = _digit_repair(token, rules.digit_letters)
        if repaired is not None:
            out[index] = (repaired, rules.digit_id)
            continue
        repaired = _word_repair(token, rules.stems)
        if repaired is not None:
            out[index] = (repaired, rules.word_id)
    return [(index, text, rule) for index, (text, rule) in sorted(out.items())]


def _misread_bullet(token: str, rules: _Rules) -> bool:
    """One or two bullet-like signs (not a lone full stop), or a letter read for a bullet."""
    if token in rules.bullet_letters:
        return True
    return len(token) <= 2 and token != "." and all(c in rules.bullet_signs for c in token)


_SECTION_NUMBER = re.compile(r"[1-9]\d{0,2}[.:]?")


def _section_repairs(tokens: list[str], rules: _Rules) -> dict[int, tuple[str, str]]:
    """'$ 6' and, first on a line before a heading, '8 3 Målgrupp' / '8 I Parter': §."""
    out: dict[int, tuple[str, str]] = {}
    for index, token in enumerate(tokens[:-1]):
        number = tokens[index + 1]
        one = number in rules.section_one
        if not (one or _SECTION_NUMBER.fullmatch(number)):
            continue
        heading = index == 0 and index + 2 < len(tokens) and tokens[index + 2][:1].isupper()
        if heading and token in rules.section_line_start or (
                token in rules.section_anywhere and not one):
            out[index] = (rules.section_sign, rules.section_id)
            if one:
                out[index + 1] = ("1", rules.section_id)
    return out


def _split(token: str) -> tuple[str, str, str]:
    match = _EDGES.match(token)
    assert match is not None
    return match.group(1), match.group(2), match.group(3)


def _mapped(core: str, letters: dict[str, str]) -> str:
    return "".join(letters.get(c, c) for c in core)


def _digit_repair(token: str, letters: dict[str, str]) -> str | None:
    head, core, tail = _split(token)
    fake = sum(c in letters for c in core)
    real = sum(c.isdigit() for c in core)
    if not fake or real < fake:
        return None
    mapped = _mapped(core, letters)
    if not _NUMBER.fullmatch(mapped):
        return None
    for run in re.finditer("[" + re.escape("".join(letters)) + "]+", core):
        before = core[run.start() - 1] if run.start() else ""
        after = core[run.end()] if run.end() < len(core) else ""
        if not (before.isdigit() or after.isdigit()):
            return None  # a letter that touches no digit is a letter
    return head + mapped + tail


def _amount_repairs(tokens: list[str], rules: _Rules) -> dict[int, str]:
    """Digit groups followed by a unit (or after SEK) whose letters map to Swedish grouping."""
    out: dict[int, str] = {}
    letters = rules.amount_letters
    groups = [_split(t)[1] for t in tokens]
    candidate = [bool(re.fullmatch(r"[\d" + re.escape("".join(letters)) + r".,:-]+", g))
                 for g in groups]
    i = 0
    while i < len(tokens):
        if not candidate[i]:
            i += 1
            continue
        j = i
        while j < len(tokens) and candidate[j]:
            j += 1
        unit_after = j < len(tokens) and groups[j].lower().rstrip(".") in {
            u.rstrip(".") for u in rules.units_after}
        unit_before = i > 0 and groups[i - 1].lower() in rules.units_before
        for start in range(i, j):  # the longest run that reads as one amount
            run = groups[start:j]
            if not any(c.isdigit() for c in run[0]):
                continue  # a leading letter is a word: "I 300 kr" is not 1 300 kr
            mapped = [_mapped(g, letters) for g in run]
            said = unit_after or mapped[-1].endswith((":-", ",-")) or (
                unit_before and start == i)
            if said and _AMOUNT.fullmatch(" ".join(mapped)) and any(
                    c.isdigit() for g in run for c in g):
                for k, (g, m) in enumerate(zip(run, mapped, strict=True)):
                    if g != m:
                        head, _, tail = _split(tokens[start + k])
                        out[start + k] = head + m + tail
                break
        i = j
    return out


def _word_repair(token: str, stems: Iterable[tuple[str, str]]) -> str | None:
    lower = token.lower()
    for stem, repaired in stems:
        at = lower.find(stem)
        if at < 0:
            continue
        fixed = "".join(r.upper() if o.isupper() else r
                        for o, r in zip(token[at : at + len(stem)], repaired, strict=True))
        return token[:at] + fixed + token[at + len(stem):]
    return None


# --- what OCR means for the facts ----------------------------------------------------


def span_confidence(page: Page, char_start: int, char_end: int) -> float | None:
    """The lowest OCR confidence of the words under [char_start, char_end) of an OCR page.

    The lowest, not the mean: one misread digit spoils a number however sure the rest is.
    None for a page with a text layer.
    """
    if not page.ocr:
        return None
    confs = [w.conf for w in page.ocr_words or () if w.conf is not None
             and w.char_start is not None
             and w.char_start < char_end and w.char_start + len(w.text) > char_start]
    return min(confs) if confs else page.ocr_confidence


def annotate_confidence(pages: list[Page], tables: dict[str, list[dict]]) -> None:
    """Give every fact row read from an OCR page its `ocr_confidence` (see span_confidence)."""
    ocr_pages = {p.number: p for p in pages if p.ocr}
    if not ocr_pages:
        return
    for rows in tables.values():
        for row in rows:
            page = ocr_pages.get(row.get("page"))
            if page is not None and row.get("char_start") is not None:
                row["ocr_confidence"] = span_confidence(page, row["char_start"],
                                                        row["char_end"])


def repairs_note(pages: list[Page]) -> str:
    """Every repair made on OCR pages: page, offsets, what OCR read and what it became."""
    notes = []
    for page in pages:
        if not page.ocr:
            continue
        for w in page.ocr_words or ():
            if w.original is not None and w.char_start is not None:
                read = "(a drawn line)" if w.original == DRAWN else w.original
                notes.append(f"page {page.number} [{w.char_start}:{w.char_start + len(w.text)}]"
                             f" {read} -> {w.text}")
    return "; ".join(notes)
