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
    """Render one page, read it with Tesseract, and build its text, words and confidence."""
    dpi = render_dpi(page)
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        image = _pgm(bitmap)
    finally:
        bitmap.close()
    tsv = run_tesseract(found, image, dpi, timeout)
    del image
    return page_from_tsv(number, tsv, 72 / dpi)


def _pgm(bitmap: pdfium.PdfBitmap) -> bytes:
    """An 8-bit grey bitmap as binary PGM, which Tesseract reads from stdin."""
    width, height, stride = bitmap.width, bitmap.height, bitmap.stride
    data = memoryview(bitmap.buffer).cast("B")
    if stride != width:
        data = b"".join(data[row * stride : row * stride + width] for row in range(height))
    return b"P5 %d %d 255\n" % (width, height) + bytes(data)


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
    """Tesseract's TSV for one image. Raises subprocess.TimeoutExpired or OcrFailed."""
    command = [found.path, "stdin", "stdout", "-l", LANGUAGE, "--dpi", str(round(dpi)), "tsv"]
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
    """Page.text from OCR lines: words joined by a space, lines by \\n, paragraphs by a
    blank line (so normalize unwraps lines but keeps paragraphs).

    Page.ocr_words: every word with its box in PDF points, its confidence and its offset in
    that text; repairs are applied here, length for length, and recorded on the word.
    Page.words: the words of a line grouped into runs split at column gaps, as the text
    layer gives them, for layout code (signature blocks in two columns).
    """
    parts: list[str] = []
    words: list[Word] = []
    runs: list[Word] = []
    length = 0
    previous = None
    s = points_per_pixel
    for line, group in groupby(parse_tsv(tsv), key=lambda w: w.line):
        items = list(group)
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
            left, top, width, height = w.box
            line_words.append(Word(w.text, left * s, top * s, (left + width) * s,
                                   (top + height) * s, conf=round(w.conf, 1),
                                   char_start=length, original=w.original))
            parts.append(w.text)
            length += len(w.text)
        words.extend(line_words)
        runs.extend(_runs(line_words))
    confidence = round(sum(w.conf for w in words) / len(words), 1) if words else None
    return Page(number=number, text="".join(parts), ocr=True, ocr_confidence=confidence,
                words=runs, ocr_words=words)


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


@cache
def _rules() -> _Rules:
    data = table("ocr_repairs")
    stems = tuple((a.lower(), b.lower()) for a, b in data["words"]["stems"])
    assert all(len(a) == len(b) for a, b in stems), "an OCR repair must keep the length"
    return _Rules(
        data["digits"]["id"], data["digits"]["letters"],
        data["amount"]["id"], data["amount"]["letters"],
        frozenset(data["amount"]["units_after"]), frozenset(data["amount"]["units_before"]),
        data["words"]["id"], stems,
    )


def repairs(tokens: list[str]) -> list[tuple[int, str, str]]:
    """Repairs of one OCR line's words: (index, repaired word, rule id), only unambiguous ones.

    Digits misread as letters inside numbers (2O23-O4-O1, 2l2000-0449), more letters inside
    an amount with its unit (3S0 000 kr), diacritics lost in words that have no other
    reading (Overenskommelsen). Every repair keeps the word's length.
    """
    rules = _rules()
    out: dict[int, tuple[str, str]] = {}
    for index, repaired in _amount_repairs(tokens, rules).items():
        out[index] = (repaired, rules.amount_id)
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
                notes.append(f"page {page.number} [{w.char_start}:{w.char_start + len(w.text)}]"
                             f" {w.original} -> {w.text}")
    return "; ".join(notes)
