"""Benchmark: `iop compare` on two 20-page documents, after start-up. Target: under 1 s.

Builds a 20-page agreement from the seed texts (../shared/seeds), and a second version of
it with planted changes (an amount, an end date, a party renamed, a sentence inserted, a
paragraph moved) laid out like a PDF's text (lines wrapped at 78 columns, words hyphenated
at line ends). Start-up (imports, the spaCy pipeline, one warm-up comparison of two seeds)
is timed apart; then the whole comparison is timed: reading both files, extracting their
facts, the field and wording diffs, and rendering terminal text, JSON and HTML.

Run: .venv/bin/python bench/compare_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
sys.path.insert(0, str(REPO))

PAGES = 20
CHARS_PER_PAGE = 3000  # a dense A4 page of Swedish prose
PLANTED = [  # (old, new): each occurs once in the built document
    ("med 300 500 kr för perioden", "med 350 500 kr för perioden"),
    ("till och med 2024-03-31. Om någon", "till och med 2025-03-31. Om någon"),
    ("Svenska kyrkan, Linköpings Domkyrkopastorat, organisationsnummer",
     "Svenska kyrkan, Linköpings pastorat, organisationsnummer"),
    ("Uppföljningen dokumenteras.", "Uppföljningen dokumenteras. Protokollen sparas i tio år."),
]
MOVED_PARAGRAPH_START = "Samtalen med föräldrarna"


def build_document() -> str:
    """Twenty pages of agreement text: the seeds' sections, numbered appendices that restate
    them, and one signature block at the end (as a real agreement has)."""
    seeds = ["003_6febc1509cba0eef.txt", "000_d3bc919bb2a10656.txt",
             "002_2b68fa102c319169.txt", "004_1e1b26bf03f114b4.txt"]
    paragraphs: list[str] = []
    signatures = ""
    for name in seeds:
        text = (SEEDS / name).read_text(encoding="utf-8")
        text, _, block = text.partition("\nUnderskrifter\n")
        signatures = signatures or block
        paragraphs += [p.strip() for p in text.split("\n\n") if p.strip()]
    body = list(paragraphs)
    appendix = 0
    while sum(len(p) for p in body) < PAGES * CHARS_PER_PAGE:
        appendix += 1
        body.append(f"Bilaga {appendix}")
        # appendices restate earlier sections (as real ones do), reworded a little
        body += [p.replace("kommun", f"kommun (bilaga {appendix})") for p in paragraphs[
            appendix * 7 % len(paragraphs) :][:40] if not _is_planted(p)]
    body += ["Underskrifter", signatures.strip()]
    return _paginate(body)


def _is_planted(paragraph: str) -> bool:
    return any(old in paragraph for old, _ in PLANTED) or paragraph.startswith(
        MOVED_PARAGRAPH_START)


def _paginate(paragraphs: list[str]) -> str:
    pages, page, size = [], [], 0
    for paragraph in paragraphs:
        if size > CHARS_PER_PAGE and len(pages) < PAGES - 1:
            pages.append("\n\n".join(page))
            page, size = [], 0
        page.append(paragraph)
        size += len(paragraph)
    pages.append("\n\n".join(page))
    return "\f".join(pages)


def plant_changes(text: str) -> str:
    for old, new in PLANTED:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    paragraphs = text.split("\n\n")
    moved = next(p for p in paragraphs if p.startswith(MOVED_PARAGRAPH_START))
    paragraphs.remove(moved)
    paragraphs.insert(len(paragraphs) // 2, moved)
    return "\n\n".join(paragraphs)


def pdf_layout(text: str, width: int = 78) -> str:
    """Wrap lines as a PDF's text layer does, hyphenating every few line ends."""
    out_pages = []
    for page in text.split("\f"):
        out = []
        for paragraph in page.split("\n\n"):
            lines, line, count = [], "", 0
            for word in paragraph.split():
                if len(line) + 1 + len(word) <= width:
                    line = f"{line} {word}" if line else word
                    continue
                count += 1
                room = width - len(line) - 2
                if count % 5 == 0 and word.isalpha() and word.islower() and len(word) > 8 \
                        and room > 4:
                    lines.append(f"{line} {word[:room]}-")
                    line = word[room:]
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
            out.append(" \n".join(lines))
        out_pages.append("\n\n".join(out))
    return "\f".join(out_pages)


def stages(old_path: Path, new_path: Path) -> dict[str, float]:
    """Where the time goes: the per-document stages (pipeline.process), the clean text for
    the wording, the field diff, the wording diff."""
    from pipeline.compare.fields import fields_diff
    from pipeline.compare.wording import wording_diff
    from pipeline.ingest import read_document
    from pipeline.normalize import normalize
    from pipeline.process import process

    docs = [read_document(p, p.name) for p in (old_path, new_path)]
    times: dict[str, float] = {}
    start = time.perf_counter()
    tables = [process(doc)[1] for doc in docs]
    times["process (normalize+extract) x2"] = time.perf_counter() - start
    start = time.perf_counter()
    texts = [normalize(doc.pages).text for doc in docs]
    times["normalize x2"] = time.perf_counter() - start
    start = time.perf_counter()
    fields_diff(*tables)
    times["fields_diff"] = time.perf_counter() - start
    start = time.perf_counter()
    wording_diff(*texts)
    times["wording_diff"] = time.perf_counter() - start
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    from rich.console import Console

    from pipeline.compare import compare_documents
    from pipeline.compare.render import print_terminal, to_html, to_json
    from pipeline.ingest import read_document

    def compare(old_path: Path, new_path: Path) -> dict[str, float]:
        cpu = time.process_time()
        marks = {"start": time.perf_counter()}
        docs = [read_document(p, p.name) for p in (old_path, new_path)]
        marks["read"] = time.perf_counter()
        comparison = compare_documents(*docs)
        marks["compare"] = time.perf_counter()
        print_terminal(comparison, Console(file=io.StringIO(), soft_wrap=True))
        to_json(comparison)
        to_html(comparison)
        marks["render"] = time.perf_counter()
        assert comparison.different
        return {"read": marks["read"] - marks["start"],
                "extract+diff": marks["compare"] - marks["read"],
                "render": marks["render"] - marks["compare"],
                "total": marks["render"] - marks["start"],
                "cpu": time.process_time() - cpu,
                "changes": len(comparison.wording.changes),
                "fields": len(comparison.field_changes)}

    compare(SEEDS / "000_d3bc919bb2a10656.txt", SEEDS / "001_088b6c7d61ba9907.txt")
    startup = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = Path(tmp) / "draft-2.txt", Path(tmp) / "draft-3.txt"
        old_text = build_document()
        old_path.write_text(old_text, encoding="utf-8")
        new_path.write_text(pdf_layout(plant_changes(old_text)), encoding="utf-8")
        pages = [t.count("\f") + 1 for t in (old_text, new_path.read_text(encoding="utf-8"))]
        words = len(old_text.split())
        runs = [compare(old_path, new_path) for _ in range(args.repeat)]

        breakdown = stages(old_path, new_path)

    totals = [r["total"] for r in runs]
    cpu = [r["cpu"] for r in runs]
    print(f"documents: {pages[0]} and {pages[1]} pages, {words} words, "
          f"{len(old_text)} characters")
    print(f"start-up (imports, spaCy pipeline, one warm-up comparison): {startup:.2f} s")
    print(f"found: {runs[0]['fields']} field changes, {runs[0]['changes']} wording changes")
    for key in ("read", "extract+diff", "render"):
        print(f"  {key:13s} median {statistics.median(r[key] for r in runs):.3f} s")
    print("  of which (one more run, stage by stage): " + ", ".join(
        f"{key} {value:.3f} s" for key, value in breakdown.items()))
    print(f"compare after start-up: median {statistics.median(totals):.3f} s wall clock, "
          f"max {max(totals):.3f} s over {len(runs)} runs; CPU time median "
          f"{statistics.median(cpu):.3f} s (target < 1 s)")
    # The verdict is on CPU time: on a shared machine the wall clock also counts the time
    # other processes hold the cores, which is not what compare costs.
    return 0 if statistics.median(cpu) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
