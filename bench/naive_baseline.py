"""The approach a user writes first, as the benchmark's baseline (not part of iop).

One file after another: pdfplumber's extract_text for PDFs, read_text for TXT, then
dateparser.search_dates over the whole text and a regex for amounts and org numbers,
one CSV row per document. It is slow (pdfplumber lays out every glyph; search_dates tries
every word sequence) and wrong in ways iop is not (search_dates reads "7-20 år" as a date),
which is why iop exists; here it only sets the pace to beat.

    python bench/naive_baseline.py FILE ... --out naive.csv
"""

from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

AMOUNT = re.compile(r"(\d{1,3}(?:[ .]\d{3})+|\d+)(?:,\d+)?\s*(?:kr|kronor|sek|tkr|mnkr)\b",
                    re.IGNORECASE)
ORG_NUMBER = re.compile(r"\b\d{6}-\d{4}\b")


def read_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    return path.read_text(encoding="utf-8", errors="replace")


def facts(path: Path) -> dict:
    from dateparser.search import search_dates

    text = read_text(path)
    dates = search_dates(text, languages=["sv"]) or []
    return {"file": str(path), "chars": len(text),
            "amounts": "; ".join(m.group(0) for m in AMOUNT.finditer(text)),
            "org_numbers": "; ".join(ORG_NUMBER.findall(text)),
            "dates": "; ".join(d.date().isoformat() for _, d in dates)}


def run(files: list[Path], out: Path) -> dict[str, float]:
    """Seconds (wall and CPU) to import the libraries once, and to read all files."""
    start, cpu = time.perf_counter(), time.process_time()
    import dateparser.search  # noqa: F401
    import pdfplumber  # noqa: F401

    imported, imported_cpu = time.perf_counter(), time.process_time()
    rows = [facts(path) for path in files]
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return {"import_s": imported - start, "import_cpu_s": imported_cpu - cpu,
            "files_s": time.perf_counter() - imported,
            "files_cpu_s": time.process_time() - imported_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("naive.csv"))
    args = parser.parse_args()
    seconds = run(args.files, args.out)
    print(f"{len(args.files)} files in {seconds['files_s']:.1f} s "
          f"({seconds['files_s'] / len(args.files):.3f} s/file) after "
          f"{seconds['import_s']:.1f} s of imports")


if __name__ == "__main__":
    main()
