"""Benchmark: the hostile corpus batch (issue 7) and linear time on hostile text.

1. batch: `extract_archive` over ../shared/corpus/hostile-pdfs, hostile-texts and the
   seeds, as `iop extract` runs it (default limits: 60 s, 1.5 GiB per worker): wall time,
   files/s, peak RSS of the parent (getrusage) and of the largest worker (VmHWM, sampled
   by the pool: workers are children of the fork server, so RUSAGE_CHILDREN misses them),
   and the rows per status/code. Target: a few minutes on 2 cores, workers under the cap.
2. files: the slowest files, each timed inside its worker.
3. text: normalize + classify + extract (every regex of ours) on 256 KiB and 1 MiB of one
   repeated hostile unit (the corpus's 1 MiB line, digit groups, thousands of amounts,
   a 1 MiB token...): time must grow about 4x from 256 KiB to 1 MiB, not 16x. Then the
   whole per-document stage (with resolve) on the corpus's 1 MiB line.

Usage: .venv/bin/python bench/hostile_batch.py [--workers N] [--part batch|files|text]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.classify import classify, title  # noqa: E402
from pipeline.config import DEFAULT_LIMITS  # noqa: E402
from pipeline.extract import extract, nlp  # noqa: E402
from pipeline.normalize import normalize  # noqa: E402
from pipeline.process import process  # noqa: E402
from pipeline.records import Document, Page  # noqa: E402
from pipeline.run import Task, discover, extract_archive, work  # noqa: E402
from pipeline.workers import Failure, Pool  # noqa: E402

SHARED = ROOT.parent / "shared"
INPUTS = [SHARED / "corpus" / "hostile-pdfs", SHARED / "corpus" / "hostile-texts",
          SHARED / "seeds"]
LONG_LINE = SHARED / "corpus" / "hostile-texts" / "txt-long-line-1mib.txt"

# Units repeated to 256 KiB and 1 MiB: each once made some stage quadratic or worse.
UNITS = ["123 ", "1 000 kr ", "SEK 1", "sek 123 ", "xxx ", "ska ", "2023-01-01 ", "1/7 2021 ",
         "2022-11-xx ", "(cid:1)", "1:-", "kostnad 1", "a\n", "A B\n", "§ 1\n", "x"]


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.0f} MiB"


def batch(workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        summary = extract_archive(INPUTS, Path(tmp) / "out", None, workers, DEFAULT_LIMITS)
        wall = time.perf_counter() - started
        import pandas as pd

        docs = pd.read_csv(Path(tmp) / "out" / "documents.csv", keep_default_na=False)
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"batch: {summary.files} files, {workers} workers, wall {wall:.1f} s, "
          f"{summary.files / wall:.2f} files/s")
    print(f"peak RSS: parent {mib(parent)}, largest worker {mib(summary.worker_peak_rss)} "
          f"(cap {mib(DEFAULT_LIMITS.memory_bytes)})")
    counts = Counter(zip(docs["status"], docs["code"], strict=True))
    for (status, code), n in sorted(counts.items()):
        print(f"  {status:8} {code or '-':24} {n:>3}")


def files(workers: int, top: int = 12) -> None:
    nlp()
    tasks = [Task(str(path), source, None, DEFAULT_LIMITS)
             for path, source, problem in discover(INPUTS) if not problem]
    timings = []
    with Pool(work, workers, DEFAULT_LIMITS.timeout_s, DEFAULT_LIMITS.memory_bytes,
              preload=("pipeline.run",)) as pool:
        for task, result in pool.map_unordered(tasks):
            code = result.code if isinstance(result, Failure) else result[0]["code"]
            timings.append((pool.last_seconds, task.source, code or "ok"))
    timings.sort(reverse=True)
    print("slowest files (seconds from hand-over to result, in a 2-worker pool):")
    for seconds, source, code in timings[:top]:
        print(f"  {seconds:6.2f}  {code:16} {source}")


def _extract_seconds(text: str) -> float:
    started = time.perf_counter()
    clean = normalize([Page(1, text)])
    classify(clean.text)
    title(clean.text)
    extract(clean.text)
    return time.perf_counter() - started


def _process_seconds(text: str) -> float:
    doc = Document(doc_id="0" * 64, source="bench.txt", format="txt", pages=[Page(1, text)])
    started = time.perf_counter()
    process(doc)
    return time.perf_counter() - started


def text() -> None:
    nlp()
    _process_seconds("Överenskommelse mellan A och B om 100 000 kr per år.")  # warm caches
    print(f"{'unit':16} {'256 KiB':>8} {'1 MiB':>8} {'ratio':>6}")
    corpus = LONG_LINE.read_text(encoding="utf-8")
    cases = [("corpus 1 MiB", corpus[: len(corpus) // 4], corpus)]
    for unit in UNITS:
        cases.append((repr(unit), (unit * (2**18 // len(unit) + 1))[: 2**18],
                      (unit * (2**20 // len(unit) + 1))[: 2**20]))
    for label, quarter, full in cases:
        small, large = _extract_seconds(quarter), _extract_seconds(full)
        print(f"{label:16} {small:7.2f}s {large:7.2f}s {large / max(small, 1e-3):6.1f}",
              flush=True)
    print("(normalize + classify + extract; ratio about 4 = linear, 16 = quadratic)")
    print(f"corpus 1 MiB line, whole per-document stage (with resolve): "
          f"{_process_seconds(corpus):.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--part", choices=["batch", "files", "text"], action="append")
    args = parser.parse_args()
    parts = args.part or ["batch", "files", "text"]
    if "batch" in parts:
        batch(args.workers)
    if "files" in parts:
        files(args.workers)
    if "text" in parts:
        text()


if __name__ == "__main__":
    main()
