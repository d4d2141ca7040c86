"""The orchestrator: files -> workers (per-document stages, cached) -> checks -> store.

It is the only module that knows the stages, the worker pool, the cache and the output
location; the stages know none of these.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import codes, schemas, store
from pipeline.cache import CacheCounts, ResultCache, cache_version
from pipeline.checks import link_documents, run_checks
from pipeline.collect import FactCollector
from pipeline.config import DEFAULT_LIMITS, Limits
from pipeline.executors import make_executor
from pipeline.fingerprint import fingerprint
from pipeline.ingest import read_document
from pipeline.process import FACT_TABLES, documents_row, process
from pipeline.records import Document
from pipeline.timing import StageTimes
from pipeline.workers import Failure


@dataclass(slots=True)
class Task:
    path: str
    source: str
    limits: Limits


@dataclass(slots=True)
class RunSummary:
    files: int = 0
    failed: int = 0
    warnings: int = 0
    cached: int = 0
    out: Path | None = None
    counts: dict[str, int] = field(default_factory=dict)
    cache: CacheCounts = field(default_factory=CacheCounts)
    stages: dict[str, float] = field(default_factory=dict)  # seconds; see pipeline.timing


def discover(inputs: list[Path]) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, source, problem) for every file under the inputs, in sorted order.

    `problem` is empty for a regular file, else a code for a file that must not be opened
    (a symlink leaving the input root, a FIFO, a symlink loop). Hidden files are skipped.
    """
    for root in inputs:
        root_real = root.resolve()
        if root.is_file() or (root.is_symlink() and not root.is_dir()):
            yield root, root.name, _problem(root, root_real.parent)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                source = path.relative_to(root).as_posix()
                yield path, source, _problem(path, root_real)
            for name in dirnames:
                path = Path(dirpath) / name
                if path.is_symlink():
                    yield path, path.relative_to(root).as_posix(), "UNREADABLE:a symlink " \
                        "to a folder (not followed)"


def _problem(path: Path, root_real: Path) -> str:
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root_real):
                return "UNREADABLE:a symlink that leaves the input folder (not followed)"
        mode = os.stat(path).st_mode
    except (OSError, RuntimeError) as exc:
        return f"UNREADABLE:{getattr(exc, 'strerror', None) or 'broken or looping symlink'}"
    if not stat.S_ISREG(mode):
        return "UNSUPPORTED_TYPE:not a regular file (a pipe, socket or device)"
    return ""


def work(task: Task) -> tuple[dict, dict[str, list[dict]], dict[str, float]]:
    """Runs in a worker: read one file and extract its facts, with the seconds per stage."""
    times = StageTimes()
    with times.stage("ingest"):
        doc = read_document(Path(task.path), task.source, task.limits)
    row, tables = process(doc, times)
    return row, tables, times.seconds


def prepare_workers() -> None:
    """Build the language pipeline before workers are forked, so they share it."""
    from pipeline.extract import nlp

    nlp()


def _failed_row(source: str, code: str, detail: str) -> dict:
    doc = Document(doc_id="", source=source, format=Path(source).suffix.lower().lstrip("."))
    doc.fail(code, codes.message(code, detail))
    return documents_row(doc)


def extract_archive(
    inputs: list[Path],
    out: Path,
    cache_dir: Path | None = None,
    workers: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    on_progress: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> RunSummary:
    summary = RunSummary()
    times = StageTimes()
    files = list(discover(inputs))
    if on_total:
        on_total(len(files))
    doc_rows: list[dict] = []
    facts = FactCollector(FACT_TABLES)
    tasks = []
    for path, source, problem in files:
        if problem:
            code, detail = problem.split(":", 1)
            doc_rows.append(_failed_row(source, code, detail))
            if on_progress:
                on_progress(source)
        else:
            tasks.append(Task(str(path), source, limits))
    runner = make_executor(executor, work, workers, limits, scheduler, prepare_workers)
    with _cache(cache_dir, limits) as cache:
        for task, result, cached in cache.run(tasks, runner.map_unordered, summary.cache):
            if isinstance(result, Failure):
                doc_rows.append(_failed_row(task.source, result.code, result.detail))
            else:
                row, tables, seconds = result
                times.add(seconds)
                summary.cached += cached
                doc_rows.append(row)
                facts.add(row["doc_id"], tables)
            if on_progress:
                on_progress(task.source)
    with times.stage("check"):
        tables = assemble(doc_rows, facts)
    summary.files = len(doc_rows)
    summary.failed = int((tables["documents"]["status"] == "error").sum())
    summary.warnings = int((tables["documents"]["status"] == "warning").sum())
    summary.counts = {name: len(df) for name, df in tables.items()}
    with times.stage("write"):
        summary.out = store.write_tables(tables, out, {"pipeline_version": fingerprint(),
                                                       "files": summary.files,
                                                       "failed": summary.failed})
    summary.stages = times.seconds
    return summary


def _cache(cache_dir: Path | None, limits: Limits) -> ResultCache | _NoCache:
    cache = ResultCache.open(cache_dir, cache_version(limits)) if cache_dir else None
    return cache or _NoCache()


class _NoCache:
    """--no-cache: every file goes to the workers."""

    def run(self, tasks, submit, counts: CacheCounts):
        counts.processed += len(tasks)
        for task, result in submit(tasks) if tasks else ():
            yield task, result, False

    def __enter__(self) -> _NoCache:
        return self

    def __exit__(self, *exc) -> None:
        pass


def assemble(doc_rows: list[dict], facts: FactCollector) -> dict[str, pd.DataFrame]:
    """Deterministic tables from unordered worker results; duplicates keep one set of facts."""
    doc_rows = sorted(doc_rows, key=lambda r: r["source"])
    first_source: dict[str, str] = {}
    dropped: set[str] = set()
    version = fingerprint()
    for row in doc_rows:
        row["pipeline_version"] = version
        doc_id = row["doc_id"]
        if not doc_id or row["status"] == "error":
            continue
        if doc_id in first_source:
            row["duplicate_of"] = first_source[doc_id]
            row["status"] = "warning"
            row["code"] = row["code"] or "DUPLICATE"
            note = codes.message("DUPLICATE", first_source[doc_id])
            row["error"] = f"{row['error']}; {note}" if row["error"] else note
            dropped.add(doc_id)
        else:
            first_source[doc_id] = row["source"]
    order = {row["doc_id"]: i for i, row in enumerate(doc_rows) if row["doc_id"]}
    tables = {"documents": schemas.frame("documents", doc_rows)}
    tables.update(facts.frames(order))  # deduplicated and sorted as they arrived
    tables["links"] = schemas.frame("links", link_documents(tables))
    tables["flags"] = schemas.frame("flags", run_checks(tables))
    return tables
