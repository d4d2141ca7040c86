"""Benchmark: per-document extraction time after start-up (issue: < 50 ms for a typical
5-page document on one core). Measures normalize + classify + extract + resolve, i.e.
pipeline.process.process() on an already ingested document, and ingest separately.

Usage: .venv/bin/python bench/extract_speed.py [FILE ...]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from pipeline.extract import nlp
from pipeline.ingest import read_document
from pipeline.process import process

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "data/raw/agreement-biv-2023.pdf", ROOT / "data/raw/agreement-utsatta-2018.pdf",
           ROOT / "data/raw/memo-biv-2022.pdf", ROOT / "data/raw/003_6febc1509cba0eef.txt"]


def timed(func, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def main(paths: list[Path]) -> None:
    nlp()
    process(read_document(paths[0], paths[0].name))  # warm caches (dateparser, regexes)
    print(f"{'document':36} {'pages':>5} {'chars':>6} {'ingest ms':>10} {'extract ms':>11}")
    for path in paths:
        doc = read_document(path, path.name)
        chars = sum(len(p.text) for p in doc.pages)
        ingest = statistics.median(timed(lambda p=path: read_document(p, p.name), 20)) * 1000
        extract = statistics.median(timed(lambda d=doc: process(d), 20)) * 1000
        print(f"{path.name:36} {len(doc.pages):>5} {chars:>6} {ingest:>10.1f} {extract:>11.1f}")
    print("(median of 20 runs, one process, after start-up)")


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or DEFAULT)
