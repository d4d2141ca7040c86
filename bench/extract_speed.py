"""Benchmark: per-document CPU time of each stage after start-up, in one process.

Two modes:

- files (default: four documents of data/raw): the median of 20 runs of ingest and of
  pipeline.process.process() (normalize + classify + extract + resolve) per file.
- `--archive DIR`: every document of an archive (bench/generate_archive.py) once, after a
  warm-up; CPU milliseconds per stage as the workers time them (pipeline.timing), median
  and total, split by format. `--parts` also splits extract into its steps.

Usage:
    .venv/bin/python bench/extract_speed.py [FILE ...]
    .venv/bin/python bench/extract_speed.py --archive /tmp/archive [--limit 300] [--parts]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from pipeline.classify import classify, title
from pipeline.extract import extract, nlp
from pipeline.ingest import read_document
from pipeline.normalize import normalize
from pipeline.process import process
from pipeline.resolve import resolve
from pipeline.signature import columns as signature_columns
from pipeline.timing import StageTimes

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [ROOT / "data/raw/agreement-biv-2023.pdf", ROOT / "data/raw/agreement-utsatta-2018.pdf",
           ROOT / "data/raw/memo-biv-2022.pdf", ROOT / "data/raw/003_6febc1509cba0eef.txt"]
STAGES = ("ingest", "normalize", "extract")


def timed(func, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append(time.perf_counter() - start)
    return out


def files(paths: list[Path]) -> None:
    nlp()
    process(read_document(paths[0], paths[0].name))  # warm caches (dateparser, regexes)
    print(f"{'document':36} {'pages':>5} {'chars':>6} {'ingest ms':>10} {'extract ms':>11}")
    for path in paths:
        doc = read_document(path, path.name)
        chars = sum(len(p.text) for p in doc.pages)
        ingest = statistics.median(timed(lambda p=path: read_document(p, p.name), 20)) * 1000
        extract_ms = statistics.median(timed(lambda d=doc: process(d), 20)) * 1000
        print(f"{path.name:36} {len(doc.pages):>5} {chars:>6} {ingest:>10.1f} "
              f"{extract_ms:>11.1f}")
    print("(median of 20 runs, one process, after start-up)")


def _parts(doc, seconds: dict[str, float]) -> None:
    """The steps of process()'s extract stage, timed one by one (CPU seconds)."""
    clean = normalize(doc.pages)
    steps = [
        ("classify+title", lambda: (classify(clean.text), title(clean.text))),
        ("signature", lambda: signature_columns(clean.text)),
    ]
    for label, step in steps:
        start = time.thread_time()
        step()
        seconds[label] += time.thread_time() - start
    model = nlp()
    start = time.thread_time()
    spacy_doc = model.make_doc(clean.text)
    spacy_doc.user_data["text"] = clean.text
    seconds["tokenizer"] += time.thread_time() - start
    for name, component in model.pipeline:
        start = time.thread_time()
        spacy_doc = component(spacy_doc)
        seconds[name] += time.thread_time() - start
    mentions = extract(clean.text)
    kind = classify(clean.text).kind
    start = time.thread_time()
    resolve(doc.doc_id, clean, mentions, kind, doc.pages)
    seconds["resolve"] += time.thread_time() - start


def archive(folder: Path, limit: int, parts: bool) -> None:
    paths = sorted(p for p in folder.rglob("*") if p.is_file())[:limit]
    nlp()
    for path in paths[:10]:  # warm-up: dateparser, compiled patterns
        process(read_document(path, path.name))
    per_doc: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    pages: dict[str, int] = defaultdict(int)
    part_seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for path in paths:
        times = StageTimes()
        with times.stage("ingest"):
            doc = read_document(path, path.name)
        process(doc, times)
        fmt = doc.format
        pages[fmt] += len(doc.pages)
        for stage in STAGES:
            per_doc[fmt][stage].append(times.seconds.get(f"{stage}_cpu", 0.0) * 1000)
        if parts:
            _parts(doc, part_seconds[fmt])
    print(f"{len(paths)} documents of {folder}; CPU ms per document (thread time), "
          "one process after warm-up")
    print(f"{'format':6} {'docs':>5} {'pages':>6}  "
          + "  ".join(f"{s + ' med':>12} {s + ' sum s':>12}" for s in STAGES)
          + f"  {'all med':>8} {'all sum s':>9}")
    for fmt, stages in sorted(per_doc.items()):
        n = len(stages["ingest"])
        totals = [sum(values) for values in zip(*(stages[s] for s in STAGES), strict=True)]
        print(f"{fmt:6} {n:>5} {pages[fmt]:>6}  "
              + "  ".join(f"{statistics.median(stages[s]):>12.2f} "
                          f"{sum(stages[s]) / 1000:>12.2f}" for s in STAGES)
              + f"  {statistics.median(totals):>8.2f} {sum(totals) / 1000:>9.2f}")
    if parts:
        print("\nextract split into its steps (CPU s summed over the documents, timed apart):")
        for fmt, seconds in sorted(part_seconds.items()):
            print(f"  {fmt}: " + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--archive", type=Path, help="time every document of this folder")
    parser.add_argument("--limit", type=int, default=1000, help="at most this many documents")
    parser.add_argument("--parts", action="store_true", help="split extract into its steps")
    args = parser.parse_args()
    if args.archive:
        archive(args.archive, args.limit, args.parts)
    else:
        files(args.files or DEFAULT)


if __name__ == "__main__":
    main()
