"""OCR throughput in pages per second per core, accuracy against the text layer, and memory.

    .venv/bin/python bench/ocr_throughput.py                       # the pipeline's own dpi
    .venv/bin/python bench/ocr_throughput.py --dpi 150 200 300 400  # how the dpi was chosen
    .venv/bin/python bench/ocr_throughput.py --scan-dpi 75 --dpi 75 150 300  # a coarse scan

Per core = pages / CPU seconds (rendering in this process + Tesseract in its child), so
the figure holds on a busy machine; Tesseract runs single-threaded (OMP_THREAD_LIMIT=1)
as in the pipeline, so one worker is one core. Accuracy: words of the OCR text that
differ from the text layer of the same document's text rendering (difflib over words).
"""

from __future__ import annotations

import argparse
import difflib
import resource
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ingest import ocr  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def word_errors(reference: str, read: str) -> int:
    ref, got = reference.split(), read.split()
    matcher = difflib.SequenceMatcher(None, ref, got, autojunk=False)
    return len(ref) - sum(block.size for block in matcher.get_matching_blocks())


def coarse_copy(scan: Path, dpi: float, out: Path) -> Path:
    """The scan as if scanned at `dpi`: every page replaced by an image rendered at dpi."""
    src = pdfium.PdfDocument(str(scan))
    pdf = pdfium.PdfDocument.new()
    for index in range(len(src)):
        width, height = src[index].get_size()
        bitmap = src[index].render(scale=dpi / 72, grayscale=True)
        page = pdf.new_page(width, height)
        image = pdfium.PdfImage.new(pdf)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        page.insert_obj(image)
        page.gen_content()
    pdf.save(str(out))
    return out


def run(scan: Path, reference: Path | None, dpi: float | None, repeat: int) -> dict:
    engine = ocr.engine()
    if isinstance(engine, str):
        sys.exit(engine)
    pdf = pdfium.PdfDocument(str(scan))
    ref = pdfium.PdfDocument(str(reference)) if reference else None
    pages = errors = words = 0
    render_cpu = tesseract_cpu = wall = 0.0
    peak_image = 0
    for _ in range(repeat):
        for index in range(len(pdf)):
            page = pdf[index]
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            chosen = dpi or ocr.render_dpi(page)
            bitmap = page.render(scale=chosen / 72, grayscale=True)
            image = ocr._pgm(bitmap)
            bitmap.close()
            peak_image = max(peak_image, len(image))
            render_cpu += time.process_time() - start_cpu
            mid_cpu, mid_child = time.process_time(), children_cpu()
            if dpi:  # a chosen dpi: Tesseract on the page as rendered
                tsv = ocr.run_tesseract(engine, image, chosen, ocr.PAGE_TIMEOUT_S)
                text = ocr.page_from_tsv(index + 1, tsv, 72 / chosen).text
            else:  # the pipeline's own reading (its dpi, cleaning, regions read again)
                text = ocr.read_page(page, index + 1, engine, ocr.PAGE_TIMEOUT_S).text
            tesseract_cpu += children_cpu() - mid_child + time.process_time() - mid_cpu
            wall += time.perf_counter() - start_wall
            pages += 1
            if ref is not None:
                layer = ref[index].get_textpage().get_text_range()
                errors += word_errors(layer, text)
                words += len(layer.split())
            page.close()
    cpu = tesseract_cpu if not dpi else render_cpu + tesseract_cpu
    return {
        "dpi": f"{dpi:g}" if dpi else "own",
        "pages": pages,
        "pages/s/core": pages / cpu,
        "cpu s/page": cpu / pages,
        "render s/page": render_cpu / pages,  # once more beside read_page, for the figure
        "wall s/page": wall / pages,
        "word errors": f"{errors}/{words}" if ref is not None else "-",
        "image MB": peak_image / 1e6,
        # Tesseract's own peak is not measurable from here (a forked child's maxrss counts
        # this process's pages before exec): `/usr/bin/time -f %M tesseract page.pgm ...`
        "render peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scan", type=Path, default=FIXTURES / "agreement-biv-2023-scan.pdf")
    parser.add_argument("--reference", type=Path, default=FIXTURES / "agreement-biv-2023.pdf",
                        help="text PDF of the same pages, for accuracy ('' to skip)")
    parser.add_argument("--dpi", type=float, nargs="*", default=[],
                        help="render at these dpi instead of the pipeline's choice")
    parser.add_argument("--scan-dpi", type=float, default=0,
                        help="first reduce the scan to this resolution (a coarser scan)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    reference = args.reference if args.reference.name else None
    scan = args.scan
    with tempfile.TemporaryDirectory() as tmp:
        if args.scan_dpi:
            scan = coarse_copy(scan, args.scan_dpi, Path(tmp) / "coarse.pdf")
        print(f"{ocr.describe()}; scan: {args.scan.name}"
              f"{f' reduced to {args.scan_dpi:g} dpi' if args.scan_dpi else ''}; "
              f"repeat {args.repeat}")
        for dpi in args.dpi or [None]:
            row = run(scan, reference, dpi, args.repeat)
            print("  ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                            for k, v in row.items()))


if __name__ == "__main__":
    main()
