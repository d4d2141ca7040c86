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
from pipeline.process import DOCUMENT_TABLES, documents_row, page_rows, process
from pipeline.records import Document
from pipeline.timing import StageTimes
from pipeline.workers import Failure

# What a worker imports once, before files arrive: the pipeline and the built spaCy model.
WORKER_PRELOAD = ("pipeline.run", "pipeline.extract.loaded")


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
    traces: list[tuple[str, str]] = field(default_factory=list)  # (source, traceback)
    worker_peak_rss: int = 0  # bytes, the largest worker's peak resident memory
    cache: CacheCounts = field(default_factory=CacheCounts)
    stages: dict[str, float] = field(default_factory=dict)  # seconds; see pipeline.timing


def discover(inputs: list[Path], exclude: tuple[Path, ...] = ()) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, source, problem) for every file under the inputs, in sorted order.

    `source` is the path relative to the input folder; with several inputs, relative to
    the folder that holds them all, so two inputs' `a.pdf` stay apart. `problem` is empty
    for a regular file, else `CODE:detail` for an entry that must not be opened (a symlink
    leaving its input folder, a FIFO, a symlink loop, a folder that cannot be listed).
    Hidden files and folders are skipped, and so are the `exclude` folders (--out,
    --cache) when they lie inside an input.
    """
    roots = [Path(os.path.abspath(p)) for p in inputs]
    containers = [r if r.is_dir() else r.parent for r in roots]
    base = Path(os.path.commonpath(containers)) if containers else Path("/")
    skip = {Path(os.path.abspath(p)) for p in exclude}
    seen: set[Path] = set()

    def entry(path: Path, problem: str) -> tuple[Path, str, str] | None:
        if path in seen:
            return None
        seen.add(path)
        return path, _display(path.relative_to(base).as_posix()), problem

    for root in roots:
        try:
            root_real = root.resolve()
        except (OSError, RuntimeError):  # a looping symlink given as an input
            root_real = root
        if not root.is_dir():
            found = entry(root, _problem(root, root_real.parent))
            if found:
                yield found
            continue
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False,
                                                    onerror=errors.append):
            folder = Path(dirpath)
            yield from _unlisted(errors, entry)
            dirnames[:] = sorted(d for d in dirnames
                                 if not d.startswith(".") and folder / d not in skip)
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                found = entry(folder / name, _problem(folder / name, root_real))
                if found:
                    yield found
            for name in dirnames:
                path = folder / name
                if path.is_symlink():
                    found = entry(path, "UNREADABLE:a symlink to a folder, not followed")
                    if found:
                        yield found
        yield from _unlisted(errors, entry)


def _unlisted(errors: list[OSError], entry) -> Iterator[tuple[Path, str, str]]:
    """Folders os.walk could not list: one row each, so their files are not lost silently."""
    while errors:
        error = errors.pop(0)
        found = entry(Path(error.filename),
                      f"UNREADABLE:a folder that could not be listed ({error.strerror})")
        if found:
            yield found


def _display(source: str) -> str:
    """A file name that is not UTF-8 (a latin-1 'å') keeps its bytes as \\xNN escapes:
    the tables are UTF-8 and the name must stay unique."""
    return os.fsencode(source).decode("utf-8", errors="backslashreplace")


def _problem(path: Path, root_real: Path) -> str:
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root_real):
                return "UNREADABLE:a symlink that leaves the input folder, not followed"
        mode = os.stat(path).st_mode
    except (OSError, RuntimeError) as exc:
        return f"UNREADABLE:{getattr(exc, 'strerror', None) or 'broken or looping symlink'}"
    if not stat.S_ISREG(mode):
        return "UNSUPPORTED_TYPE:not a regular file (a pipe, socket or device)"
    return ""


def work(task: Task) -> tuple[dict, dict[str, list[dict]], dict[str, float]]:
    """Runs in a worker: read one file and extract its facts, with the seconds per stage.

    The cache is the parent's business (pipeline.cache): a file reaches a worker only when
    its content is new to the cache.
    """
    times = StageTimes()
    with times.stage("ingest"):
        doc = read_document(Path(task.path), task.source, task.limits)
    row, tables = process(doc, times)
    return row, {**tables, "pages": page_rows(doc)}, times.seconds


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
    files = list(discover(inputs, exclude=tuple(p for p in (out, cache_dir) if p)))
    if on_total:
        on_total(len(files))
    doc_rows: list[dict] = []
    facts = FactCollector(DOCUMENT_TABLES)
    tasks = []
    for path, source, problem in files:
        if problem:
            code, detail = problem.split(":", 1)
            doc_rows.append(_failed_row(source, code, detail))
            if on_progress:
                on_progress(source)
        else:
            tasks.append(Task(str(path), source, limits))
    runner = make_executor(executor, work, workers, limits, scheduler, WORKER_PRELOAD)
    with _cache(cache_dir, limits) as cache:
        for task, result, cached in cache.run(tasks, runner.map_unordered, summary.cache):
            if isinstance(result, Failure):
                doc_rows.append(_failed_row(task.source, result.code, result.detail))
                if result.trace:
                    summary.traces.append((task.source, result.trace))
            else:
                row, tables, seconds = result
                times.add(seconds)
                summary.cached += cached
                doc_rows.append(row)
                facts.add(row["doc_id"], tables)
            if on_progress:
                on_progress(task.source)
    summary.worker_peak_rss = runner.peak_rss
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


def assemble(doc_rows: list[dict], facts: FactCollector | dict[str, list[dict]]
             ) -> dict[str, pd.DataFrame]:
    """Deterministic tables from unordered worker results; duplicates keep one set of facts.

    `facts` is the run's collector, or rows per table (tests and tools that hold them)."""
    if isinstance(facts, dict):
        facts = FactCollector.from_rows(DOCUMENT_TABLES, facts)  # pages may be left out
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
