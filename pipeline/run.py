"""The orchestrator: files -> workers (per-document stages, cached) -> checks -> store.

It is the only module that knows the stages, the worker pool, the cache and the output
location; the stages know none of these.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import codes, schemas, store
from pipeline.checks import link_documents, run_checks
from pipeline.config import DEFAULT_LIMITS, Limits
from pipeline.fingerprint import fingerprint
from pipeline.ingest import read_document, read_input
from pipeline.process import DOCUMENT_TABLES, documents_row, page_rows, process
from pipeline.records import Document
from pipeline.workers import Failure, Pool


@dataclass(slots=True)
class Task:
    path: str
    source: str
    cache_dir: str | None
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


def work(task: Task) -> tuple[dict, dict[str, list[dict]], bool]:
    """Runs in a worker: read one file and extract its facts, or take them from the cache.

    The cache is looked up by the file's hash before the file is read, so an unchanged
    scan is not OCR'd again.
    """
    digest = _hash_or_empty(task.path, task.limits.max_bytes) if task.cache_dir else ""
    cache_path = _cache_path(task.cache_dir, digest)
    if cache_path and cache_path.exists():
        try:
            with open(cache_path, "rb") as handle:
                row, tables = pickle.load(handle)
            row = {**row, "source": task.source}
            return row, tables, True
        except Exception:
            pass  # a damaged cache entry is recomputed
    doc = read_document(Path(task.path), task.source, task.limits)
    row, tables = process(doc)
    tables = {**tables, "pages": page_rows(doc)}
    cache_path = _cache_path(task.cache_dir, doc.doc_id) if doc.status != "error" else None
    if cache_path:
        _cache_store(cache_path, (row, tables))
    return row, tables, False


def _cache_store(path: Path, value: object) -> None:
    """Best effort: a full or read-only cache disk costs speed next time, never this file."""
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def _hash_or_empty(path: str, max_bytes: int) -> str:
    """The file's sha256 (its doc_id), or '' when read_document will refuse the file.

    Read like read_document reads (non-blocking, bounded): a FIFO must not hang here."""
    try:
        data = read_input(Path(path), max_bytes)
    except (OSError, ValueError):
        return ""
    return hashlib.sha256(data).hexdigest() if len(data) <= max_bytes else ""


def _cache_path(cache_dir: str | None, doc_id: str) -> Path | None:
    if not cache_dir or not doc_id:
        return None
    key = f"{doc_id}-{fingerprint()}"
    return Path(cache_dir) / doc_id[:2] / f"{key}.pkl"


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
) -> RunSummary:
    summary = RunSummary()
    files = list(discover(inputs, exclude=tuple(p for p in (out, cache_dir) if p)))
    if on_total:
        on_total(len(files))
    doc_rows: list[dict] = []
    facts: dict[str, list[dict]] = {name: [] for name in DOCUMENT_TABLES}
    tasks = []
    for path, source, problem in files:
        if problem:
            code, detail = problem.split(":", 1)
            doc_rows.append(_failed_row(source, code, detail))
            if on_progress:
                on_progress(source)
        else:
            tasks.append(Task(str(path), source, str(cache_dir) if cache_dir else None, limits))
    with Pool(work, workers, limits.timeout_s, limits.memory_bytes,
              preload=("pipeline.run",)) as pool:
        for task, result in pool.map_unordered(tasks):
            if isinstance(result, Failure):
                doc_rows.append(_failed_row(task.source, result.code, result.detail))
                if result.trace:
                    summary.traces.append((task.source, result.trace))
            else:
                row, tables, cached = result
                summary.cached += cached
                doc_rows.append(row)
                for name in DOCUMENT_TABLES:
                    facts[name].extend(tables.get(name, []))
            if on_progress:
                on_progress(task.source)
    summary.worker_peak_rss = pool.peak_rss
    tables = assemble(doc_rows, facts)
    summary.files = len(doc_rows)
    summary.failed = int((tables["documents"]["status"] == "error").sum())
    summary.warnings = int((tables["documents"]["status"] == "warning").sum())
    summary.counts = {name: len(df) for name, df in tables.items()}
    summary.out = store.write_tables(tables, out, {"pipeline_version": fingerprint(),
                                                   "files": summary.files,
                                                   "failed": summary.failed})
    return summary


def assemble(doc_rows: list[dict], facts: dict[str, list[dict]]) -> dict[str, pd.DataFrame]:
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
    for name in DOCUMENT_TABLES:
        rows = _unique_facts(facts.get(name, []))  # callers may leave out the page texts
        rows.sort(key=lambda r: (order.get(r["doc_id"], 0), r.get("page") or 0,
                                 r.get("char_start") or 0, str(r)))
        tables[name] = schemas.frame(name, rows)
    tables["links"] = schemas.frame("links", link_documents(tables))
    tables["flags"] = schemas.frame("flags", run_checks(tables))
    return tables


def _unique_facts(rows: list[dict]) -> list[dict]:
    """Identical files give identical rows once (their facts are listed under the first)."""
    seen: set = set()
    out = []
    for row in rows:
        key = tuple(sorted((k, str(v)) for k, v in row.items()))
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out
