"""The orchestrator: files -> workers (per-document stages, cached) -> checks -> store.

It is the only module that knows the stages, the worker pool, the cache and the output
location; the stages know none of these.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline import codes, outdir, schemas, store, uptodate
from pipeline.archive import COLUMNS as ARCHIVE_COLUMNS
from pipeline.archive import archive_tables, groups, views
from pipeline.cache import CacheCounts, ResultCache, cache_version
from pipeline.checks import flag_rows, in_order, link_documents
from pipeline.collect import FactCollector, SortedFacts
from pipeline.config import DEFAULT_LIMITS, Limits, Task
from pipeline.corrections.apply import Corrector
from pipeline.corrections.files import load as load_corrections
from pipeline.corrections.folder import digest as corrections_digest
from pipeline.corrections.model import Correction
from pipeline.corrections.outcome import counts as correction_counts
from pipeline.corrections.outcome import mark_documents, unapplied
from pipeline.discover import discover
from pipeline.executors import DEFAULT_CLUSTER_TIMEOUT, make_executor
from pipeline.fingerprint import fingerprint
from pipeline.ingest import read_document
from pipeline.process import (
    DOCUMENT_TABLES,
    FACT_TABLES,
    documents_row,
    page_rows,
    process,
)
from pipeline.records import Document
from pipeline.redact import redact_tables
from pipeline.timing import StageTimes
from pipeline.workers import Failure

# What a worker imports once, before files arrive: the pipeline and the built spaCy model.
WORKER_PRELOAD = ("pipeline.run", "pipeline.extract.loaded")


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
    # the first PROBLEMS_LISTED files that failed or have a warning: (source, status, code,
    # message), in source order; `failed + warnings` of them in all
    problems: list[tuple[str, str, str, str]] = field(default_factory=list)
    # corrections per status (applied, orphaned, conflict, superseded), and those not
    # applied: (id, file and line, status, message, the document it is about or "")
    corrections: dict[str, int] = field(default_factory=dict)
    unapplied: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    outcomes: list = field(default_factory=list)  # pipeline.corrections.Outcome, in order


PROBLEMS_LISTED = 20


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
    on_warning: Callable[[str], None] | None = None,
    cluster_timeout: float = DEFAULT_CLUSTER_TIMEOUT,
    corrections_dir: Path | None = None,
    redact: str | None = None,
) -> RunSummary:
    """Read the files under `inputs` and publish their tables at `out`.

    The corrections under `corrections_dir` (pipeline.corrections) are read first (a
    malformed file is a CorrectionsError, before anything is read or written) and applied
    to each document's facts as they arrive, before linking and the checks, and to the
    flags after the checks; the cache keeps the facts as extracted.

    `out` must be absent, empty or an earlier output of a run (outdir.OutDirError, before
    anything is read); the run holds its lock (outdir.Lock) until it ends. Nothing is
    published when the run fails: the tables in `out` stay as they were. `on_warning` is
    told, in one line, what the run did not do as asked (a cache it could not use). With
    `redact` ("persons") the tables are published redacted (pipeline.redact); the cache
    keeps what was read, unredacted, as before.
    """
    outdir.check_extract(out, inputs, cache_dir)
    corrections = load_corrections(corrections_dir)
    with outdir.Lock(out, "iop extract"):
        return _extract(inputs, out, cache_dir, workers, limits, on_progress, on_total,
                        executor, scheduler, on_warning or (lambda _message: None),
                        cluster_timeout, corrections, corrections_dir, redact=redact)


def _extract(inputs: list[Path], out: Path, cache_dir: Path | None, workers: int,
             limits: Limits, on_progress: Callable[[str], None] | None,
             on_total: Callable[[int], None] | None, executor: str, scheduler: str | None,
             on_warning: Callable[[str], None], cluster_timeout: float,
             corrections: list[Correction], corrections_dir: Path | None,
             publish: bool = True, redact: str | None = None) -> RunSummary:
    summary = RunSummary()
    times = StageTimes()
    files = list(discover(inputs, exclude=tuple(p for p in (out, cache_dir, corrections_dir)
                                                if p)))
    # ... and, once the cache knows every file, what the tables are the outputs of
    inputs_of = partial(uptodate.inputs_key, files, cache_dir, limits,
                        corrections_digest(corrections_dir), redact)
    corrector = Corrector(corrections)
    if on_total:
        on_total(len(files))
    doc_rows: list[dict] = []
    tasks = []
    for path, source, problem in files:
        if problem:
            code, detail = problem.split(":", 1)
            doc_rows.append(_failed_row(source, code, detail))
            if on_progress:
                on_progress(source)
        else:
            tasks.append(Task(str(path), source, limits))
    runner = make_executor(executor, work, workers, limits, scheduler, WORKER_PRELOAD,
                           cluster_timeout)
    # Arrow's default allocator (mimalloc) keeps what the chunks freed; the system
    # allocator gives it back, so the parent's memory stays that of a chunk (measured in
    # bench/RESULTS.md).
    pa.set_memory_pool(pa.system_memory_pool())
    spill = store.spill_dir(out)
    sorted_facts = None
    try:
        facts = FactCollector(DOCUMENT_TABLES, spill)
        with _cache(cache_dir, limits, on_warning) as cache:
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
                    facts.add(row["doc_id"], corrector.facts(row["doc_id"], tables))
                if on_progress:
                    on_progress(task.source)
        summary.worker_peak_rss = runner.peak_rss
        with times.stage("check"):
            tables, sorted_facts = _assemble(doc_rows, facts, keep_rows=False,
                                             corrector=corrector)
        documents = tables["documents"]
        summary.files = len(documents)
        summary.failed = int((documents["status"] == "error").sum())
        summary.warnings = int((documents["status"] == "warning").sum())
        listed = documents[documents["status"] != "ok"].head(PROBLEMS_LISTED)
        summary.problems = list(zip(listed["source"], listed["status"], listed["code"],
                                    listed["error"], strict=True))
        summary.counts = {name: len(t) if isinstance(t, pd.DataFrame) else
                          sorted_facts.counts[name] for name, t in tables.items()
                          if name not in schemas.ARCHIVE_TABLES}
        summary.outcomes = corrector.last_outcomes
        summary.corrections = correction_counts(summary.outcomes)
        summary.unapplied = [(o.correction.id, o.correction.where, o.status, o.message,
                              o.applied_doc_id) for o in unapplied(summary.outcomes)]
        if not publish:
            return summary
        if redact:
            with times.stage("redact"):
                tables = redact_tables(tables)
        with times.stage("write"):
            meta = {"pipeline_version": fingerprint(), "inputs": inputs_of(),
                    "documents": summary.files, "failed": summary.failed,
                    "warnings": summary.warnings, "counts": summary.counts,
                    "corrections": summary.corrections,
                    "corrections_folder": str(corrections_dir.resolve()) if corrections_dir
                    else "",
                    **({"redacted": redact} if redact else {})}
            summary.out = store.write_tables(tables, out, meta, views=tuple(views.VIEWS),
                                             statements=views.statements(),
                                             extras=partial(_workbook, out, meta))
    finally:
        if sorted_facts is not None:
            sorted_facts.close()
        shutil.rmtree(spill, ignore_errors=True)
    summary.stages = times.seconds
    return summary


def check_corrections(inputs: list[Path], corrections_dir: Path | None,
                      cache_dir: Path | None = None, workers: int = 1,
                      limits: Limits = DEFAULT_LIMITS,
                      on_warning: Callable[[str], None] | None = None) -> RunSummary:
    """A run that publishes nothing: what the corrections would do to the tables of
    `inputs` (RunSummary.outcomes). Files come from the cache where it has them, as in a
    run; a malformed corrections file is a CorrectionsError."""
    corrections = load_corrections(corrections_dir)
    with tempfile.TemporaryDirectory(prefix="iop-check-") as scratch:
        return _extract(inputs, Path(scratch) / "tables", cache_dir, workers, limits, None,
                        None, "local", None, on_warning or (lambda _message: None),
                        DEFAULT_CLUSTER_TIMEOUT, corrections, corrections_dir, publish=False)


def _workbook(out: Path, meta: dict, staging: Path) -> None:
    """iop.xlsx beside the tables (written from the staged tables, so it is published
    with them), its rows linking to the report that `iop report` writes beside --out."""
    from pipeline.export import WORKBOOK, report_link, write_workbook  # not in the workers

    out = out.resolve()
    write_workbook(staging, staging / WORKBOOK, report_link(out.parent / "report", out),
                   manifest=meta, tables_name=out.name)


def _cache(cache_dir: Path | None, limits: Limits, on_warning: Callable[[str], None]
           ) -> ResultCache | _NoCache:
    cache = (ResultCache.open(cache_dir, cache_version(limits), on_warning) if cache_dir
             else None)
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


def assemble(doc_rows: list[dict], facts: dict[str, list[dict]],
             corrections: list[Correction] = ()) -> dict[str, pd.DataFrame]:
    """Deterministic tables from unordered worker results; duplicates keep one set of facts.

    For tests and tools that hold the rows per table: the same path as a run (rows spilled
    to a temporary folder, corrected, sorted, linked and checked there), with every table
    read back whole."""
    corrector = Corrector(corrections)
    by_document: dict[str, dict[str, list[dict]]] = {}
    for name in DOCUMENT_TABLES:
        for row in facts.get(name, []):
            by_document.setdefault(row["doc_id"], {}).setdefault(name, []).append(row)
    readable = [row["doc_id"] for row in doc_rows if row["doc_id"] and row["status"] != "error"]
    corrected: dict[str, list[dict]] = {name: [] for name in DOCUMENT_TABLES}
    for doc_id in dict.fromkeys([*readable, *by_document]):
        for name, rows in corrector.facts(doc_id, by_document.get(doc_id, {})).items():
            corrected[name] += rows
    with tempfile.TemporaryDirectory(prefix="iop-spill-") as spill:
        collector = FactCollector.from_rows(DOCUMENT_TABLES, corrected, Path(spill))
        tables, sorted_facts = _assemble(doc_rows, collector, corrector=corrector)
        try:
            return {name: table if isinstance(table, pd.DataFrame) else _whole(name, table)
                    for name, table in tables.items()}
        finally:
            sorted_facts.close()


def _whole(name: str, chunks: Callable[[], Iterator[pd.DataFrame]]) -> pd.DataFrame:
    frames = list(chunks())
    if not frames:
        return schemas.frame(name, [])
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _assemble(doc_rows: list[dict], collector: FactCollector, keep_rows: bool = True,
              corrector: Corrector | None = None
              ) -> tuple[dict[str, store.Table], SortedFacts]:
    """The run's tables: documents, links and flags as frames (a row per document or
    fewer), the collected tables as chunks read in order from the spilled rows. Without
    `keep_rows`, `doc_rows` is emptied once the documents frame holds them. The collected
    facts are corrected already (`corrector.facts`); here the flags get their decisions,
    the corrections table says what became of each correction, and a document with one
    that could not be applied gets a warning."""
    corrector = corrector or Corrector()
    given = doc_rows
    doc_rows = sorted(doc_rows, key=lambda r: r["source"])
    first_source: dict[str, str] = {}
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
        else:
            first_source[doc_id] = row["source"]
    order = {row["doc_id"]: i for i, row in enumerate(doc_rows) if row["doc_id"]}
    documents = schemas.frame("documents", doc_rows)
    del doc_rows
    if not keep_rows:
        given.clear()
    facts = collector.finish(order)  # deduplicated as they arrived, sorted out of core
    link_tables = {"documents": documents, **{
        name: facts.frame(name, columns) for name, columns in LINK_COLUMNS.items()}}
    links = schemas.frame("links", link_documents(link_tables))
    del link_tables
    documents["group_id"] = groups.group_ids(documents, links)
    flags = schemas.frame("flags", corrector.flags(_flags(documents, links, facts)))
    outcomes = corrector.outcomes(zip(documents["doc_id"].fillna(""), documents["source"],
                                      documents["status"], strict=True))
    documents = mark_documents(documents, outcomes)
    sources = groups.sources(documents)
    related = (("doc_id", "source"), ("related_doc_id", "related_source"))
    tables: dict[str, store.Table] = {"documents": documents}
    tables.update({name: partial(_with_sources, facts.chunks, name, sources)
                   for name in collector.tables})
    tables.update(links=groups.with_sources(links, sources, related),
                  flags=groups.with_sources(flags, sources, related),
                  corrections=schemas.frame("corrections", [o.row() for o in outcomes]))
    tables.update(archive_tables(documents, links, **{
        name: facts.frame(name, columns) for name, columns in ARCHIVE_COLUMNS.items()}))
    return tables, facts


def _with_sources(chunks: Callable[[str], Iterator[pd.DataFrame]], name: str,
                  sources: dict[str, str]) -> Iterator[pd.DataFrame]:
    """A collected table's chunks with `source` beside doc_id (a table without it as is)."""
    for chunk in chunks(name):
        yield groups.with_sources(chunk, sources) if "source" in chunk else chunk


# What linking reads of the fact tables (pipeline.checks.links): a few narrow columns.
LINK_COLUMNS = {"parties": ["doc_id", "name", "role"],
                "amounts": ["doc_id", "amount_sek", "basis", "period_start", "period_end"],
                "periods": ["doc_id", "kind", "start_date", "end_date"]}
CHECK_GROUP_DOCS = 1000  # documents checked at a time


def _flags(documents: pd.DataFrame, links: pd.DataFrame, facts: SortedFacts) -> list[dict]:
    """Every check over groups of documents: a memo and the agreements it proposes are in
    one group (the checks across documents compare them), so each group's flags are the
    flags a check over the whole archive gives them."""
    rows: list[dict] = []
    for group in check_groups(documents, links, CHECK_GROUP_DOCS):
        members = set(group)
        tables = {"documents": documents[documents["doc_id"].isin(members)],
                  "links": links[links["doc_id"].isin(members)]}
        tables.update({name: facts.frame(name, docs=group) for name in FACT_TABLES})
        rows += flag_rows(tables)
    return in_order(rows, documents)


def check_groups(documents: pd.DataFrame, links: pd.DataFrame, size: int
                 ) -> Iterator[list[str]]:
    """The documents' ids in groups of about `size`, in source order, a memo always with
    the agreements it proposes (and theirs with it: linked documents never split)."""
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        while doc in parent:
            doc = parent[doc]
        return doc

    proposes = links[links["relation"] == "proposes"]
    for a, b in zip(proposes["doc_id"], proposes["related_doc_id"], strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    members: dict[str, list[str]] = {}
    for doc in dict.fromkeys(documents["doc_id"].fillna("")):
        members.setdefault(root(doc), []).append(doc)
    group: list[str] = []
    for component in members.values():  # in the order of each component's first document
        group += component
        if len(group) >= size:
            yield group
            group = []
    if group:
        yield group
