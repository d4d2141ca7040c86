"""The `iop` command: a thin layer that parses arguments and calls the library.

Heavy libraries are imported inside the commands so that `iop --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

T = TypeVar("T")

app = typer.Typer(
    name="iop",
    help="Read archives of Swedish IOP agreements and memos into normalized, checked tables.\n\n"
    "Example: iop extract data/raw --out data/extracted",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Exit codes (README "Exit codes"): 1 is `compare`'s "they differ", and for the other
# commands a failure inside iop itself (a bug: run again with --debug and report it).
EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_NOT_PUBLISHED = 0, 1, 2, 3, 4
EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 130


@app.callback()
def main() -> None:
    """iop: IOP documents in, tables and flags out."""


@app.command()
def extract(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to read (default: data/raw).", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the tables: new, empty, or "
                                      "an earlier iop extract output (replaced as a whole).")
                   ] = Path("data/extracted"),
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Folder for cached per-document results.")] = Path("data/cache"),
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache.")
                        ] = False,
    workers: Annotated[int, typer.Option("--workers", min=0,
                                         help="Worker processes; 0 = all cores.")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", min=1,
                                           help="Seconds allowed per file.")] = 60.0,
    memory: Annotated[float, typer.Option("--memory", min=0.25,
                                          help="GiB of memory allowed per worker.")] = 1.5,
    max_pages: Annotated[int, typer.Option("--max-pages", min=1,
                                           help="Refuse documents with more pages.")] = 1000,
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of a file that failed inside iop.")] = False,
    executor: Annotated[str, typer.Option(
        "--executor", help="Where files are read: local (worker processes here) or dask.")
    ] = "local",
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address for --executor dask (tcp://host:8786).")
    ] = None,
    cluster_timeout: Annotated[float, typer.Option(
        "--cluster-timeout", min=1, help="Dask: seconds without a scheduler or a live worker "
        "before the run gives up (nothing is published).")] = 60.0,
    timings: Annotated[Path | None, typer.Option(
        "--timings", help="Write per-stage seconds and file counts as JSON to this file.")
    ] = None,
    corrections: Annotated[Path | None, typer.Option(
        "--corrections", help="Analysts' corrections to apply (iop correct writes them). "
        "Default: the folder 'corrections' beside the first input (data/corrections for "
        "data/raw), when it exists.", show_default=False)] = None,
    no_corrections: Annotated[bool, typer.Option(
        "--no-corrections", help="Apply no corrections: the tables as extracted.")] = False,
    redact: Annotated[str | None, typer.Option(
        "--redact", help="persons: replace natural persons' names, phone numbers, e-mail "
        "addresses and personnummer with role labels in every table, quote and page text "
        "(and in iop.xlsx).", show_default=False)] = None,
) -> None:
    """Read PDF, DOCX and TXT files and write the tables (CSV, Parquet, DuckDB).

    Exit 0 when every file was read, 3 when some could not be (each has a documents row
    with status=error and a plain message; the rest are complete) or a correction could not
    be applied (orphaned or conflicting: listed, and in the corrections table), 2 on a usage
    error (nothing written; a malformed corrections file is named with its line), 4 when
    the tables could not be published (disk full, read-only, Dask cluster lost; the
    previous tables are unchanged).

    Example: iop extract data/raw --out data/extracted --workers 2

    On a Dask cluster: iop extract /shared/archive --executor dask --scheduler tcp://host:8786

    An edition safe to publish: iop extract data/raw --out data/public --redact persons
    """
    from pipeline import outdir
    from pipeline.config import Limits
    from pipeline.uptodate import current
    from pipeline.workers import default_workers

    def stop(code: int, message: str) -> typer.Exit:
        typer.echo(f"iop extract: {message}", err=True)
        return typer.Exit(code)

    if executor not in ("local", "dask") or (executor == "dask") != bool(scheduler):
        raise stop(EXIT_USAGE, "--executor is local or dask, and dask needs --scheduler "
                   "ADDRESS (and local none)")
    from pipeline.redact import check_mode

    try:
        check_mode(redact)
    except ValueError as exc:
        raise stop(EXIT_USAGE, str(exc)) from None
    inputs = paths or [Path("data/raw")]
    missing = [outdir.shown(p) for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        raise stop(EXIT_USAGE, f"no such file or folder: {', '.join(missing)}")
    cache_dir = None if no_cache else cache
    try:
        outdir.check_extract(out, inputs, cache_dir, timings)
    except outdir.OutDirError as exc:
        raise stop(EXIT_USAGE, str(exc)) from None
    corrections_dir = _corrections_dir(inputs, corrections, no_corrections, stop)
    if not _any_document(inputs, (out, *((cache_dir,) if cache_dir else ()))):
        raise stop(EXIT_USAGE, f"no documents found under {', '.join(map(outdir.shown, inputs))}"
                   " (iop reads PDF, DOCX and TXT files; hidden ones are skipped); nothing "
                   "was written")
    if executor == "dask" and not debug:
        from pipeline.executors import quiet_dask_logs

        quiet_dask_logs()
    limits = Limits(timeout_s=timeout, memory_bytes=int(memory * 2**30), max_pages=max_pages)
    done = None if cache_dir is None else current(inputs, out, cache_dir, limits,
                                                  corrections_dir, redact)
    if done is not None:  # nothing changed since the tables in --out were written
        if timings:
            _write_up_to_date_timings(timings, done, workers or default_workers(), executor)
        typer.echo(f"{_n(done.documents, 'files')} up to date in {outdir.shown(out)} "
                   f"(nothing changed since they were read): "
                   f"{_files_line(done.documents, done.failed, done.warnings)}; "
                   f"{_counts_line(done.counts)}")
        _list_problems(_problems_of(done.out), done.failed + done.warnings, done.out)
        unapplied = _unapplied_of(done.out)
        _list_unapplied(unapplied)
        raise typer.Exit(EXIT_SOME_FAILED if done.failed or unapplied else EXIT_OK)
    summary = _run_extract(inputs, out, cache_dir, workers or default_workers(), limits,
                           executor, scheduler, cluster_timeout, debug, stop, corrections_dir,
                           redact)
    if timings:
        try:
            _write_timings(timings, summary, workers or default_workers(), executor)
        except OSError as exc:
            raise stop(EXIT_NOT_PUBLISHED, f"the tables were published to "
                       f"{outdir.shown(summary.out)}, but --timings {outdir.shown(timings)} "
                       f"could not be written ({_reason(exc)})") from None
    if debug:
        for source, trace in summary.traces:
            typer.echo(f"--- {source}\n{trace}", err=True)
    typer.echo(f"{_n(summary.files, 'files')}: "
               f"{_files_line(summary.files, summary.failed, summary.warnings, summary.cached)}"
               f"; tables in {outdir.shown(out)}: {_counts_line(summary.counts)}"
               f"{_corrections_line(summary.corrections)}")
    _list_problems(summary.problems, summary.failed + summary.warnings, summary.out)
    _list_unapplied(summary.unapplied)
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed or summary.unapplied else EXIT_OK)


def _corrections_dir(inputs: list[Path], given: Path | None, off: bool, stop) -> Path | None:
    """The corrections folder of a run: --corrections (it must exist), else the default
    beside the first input when it exists; None with --no-corrections."""
    from pipeline import outdir
    from pipeline.corrections.folder import default_folder

    if off:
        return None
    if given is not None:
        if not given.is_dir():
            raise stop(EXIT_USAGE, f"no corrections folder {outdir.shown(given)}")
        return given
    folder = default_folder(inputs)
    return folder if folder.is_dir() else None


def _corrections_line(counts: dict[str, int]) -> str:
    """'; corrections: 3 applied, 1 orphaned' (nothing when there are none)."""
    said = [f"{counts[s]} {s}" for s in ("applied", "orphaned", "conflict", "superseded")
            if counts.get(s)]
    return f"; corrections: {', '.join(said)}" if said else ""


def _list_unapplied(unapplied) -> None:
    """Corrections not applied whose document is not in the archive (the others are on
    their document's row, listed with the files that have warnings)."""
    for ident, where, status, message, doc_id in unapplied:
        if not doc_id:
            typer.echo(f"  {status}: correction {ident} ({where}): {message}", err=True)


def _unapplied_of(out: Path) -> list[tuple[str, str, str, str, str]]:
    """The corrections not applied, from a published corrections.csv."""
    import csv

    try:
        with open(out / "corrections.csv", encoding="utf-8", newline="") as handle:
            return [(row["correction_id"], f"{row['file']} line {row['line']}", row["status"],
                     row["message"], row["applied_doc_id"]) for row in csv.DictReader(handle)
                    if row["status"] in ("orphaned", "conflict")]
    except (OSError, ValueError, KeyError):
        return []


def _run_extract(inputs, out, cache_dir, workers, limits, executor, scheduler,
                 cluster_timeout, debug, stop, corrections_dir=None, redact=None):
    """The run, with every way it can end turned into one line and an exit code."""
    from pipeline import outdir
    from pipeline.cli_corrections import error_line
    from pipeline.corrections.files import CorrectionsError
    from pipeline.executors import ClusterLost
    from pipeline.run import extract_archive
    from pipeline.workers import PoolConfigError

    unchanged = f"nothing was published ({outdir.shown(out)} is as it was)"
    try:
        with _progress() as (on_total, on_progress):
            return extract_archive(
                inputs, out, cache_dir, workers, limits,
                on_progress=on_progress, on_total=on_total, executor=executor,
                scheduler=scheduler, cluster_timeout=cluster_timeout,
                on_warning=lambda message: typer.echo(f"iop extract: warning: {message}",
                                                      err=True),
                corrections_dir=corrections_dir,
                redact=redact,
            )
    except (PoolConfigError, outdir.OutDirError) as exc:
        raise stop(EXIT_USAGE, str(exc)) from None
    except CorrectionsError as exc:
        raise stop(EXIT_USAGE, f"{error_line(corrections_dir, exc)}; nothing was read or "
                   "written") from None
    except KeyboardInterrupt:
        raise stop(EXIT_INTERRUPTED, f"interrupted; {unchanged}") from None
    except ClusterLost as exc:
        if debug:
            raise
        cached = "; the files read so far are cached" if cache_dir else ""
        raise stop(EXIT_NOT_PUBLISHED, f"{exc}; {unchanged}{cached}. Check the cluster "
                   "(or --scheduler) and run again") from None
    except Exception as exc:
        if debug:
            raise
        reason = outdir.storage_problem(exc)
        if reason is not None:
            raise stop(EXIT_NOT_PUBLISHED, f"could not write the tables to "
                       f"{outdir.shown(out)}: {reason}; {unchanged}. "
                       f"{outdir.what_to_do(reason).capitalize()}") from None
        raise stop(EXIT_INTERNAL, f"failed inside iop ({type(exc).__name__}: {exc}); "
                   f"{unchanged}. Run again with --debug and report the traceback") from None


def _reason(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


_SINGULAR = {"parties": "party", "amounts": "amount", "periods": "period",
             "obligations": "obligation", "signatories": "signatory",
             "placeholders": "placeholder", "pages": "page", "links": "link", "flags": "flag",
             "files": "file"}


def _n(count: int, plural: str) -> str:
    return f"{count} {plural if count != 1 else _SINGULAR.get(plural, plural)}"


def _files_line(files: int, failed: int, warnings: int, cached: int | None = None) -> str:
    """'10 read (3 from cache, 1 with warnings), 2 failed' of 12 files."""
    notes = []
    if cached:
        notes.append(f"{cached} from cache")
    if warnings:
        notes.append(f"{warnings} with warnings")
    read = f"{files - failed} read" + (f" ({', '.join(notes)})" if notes else "")
    return f"{read}, {failed} failed"


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(_n(n, name) for name, n in counts.items() if name != "documents")


PROBLEMS_LISTED = 20  # as many as pipeline.run lists


def _list_problems(problems, total: int, out: Path) -> None:
    """The files that failed or have warnings, on stderr (the first few of `total`)."""
    from pipeline.outdir import shown

    problems = list(problems)
    for source, status, code, message in problems:
        typer.echo(f"  {status}: {source}: {code or ''}: {message or ''}", err=True)
    if total > len(problems):
        typer.echo(f"  and {total - len(problems)} more: see "
                   f"{shown(Path(out) / 'documents.csv')}", err=True)


def _problems_of(out: Path) -> list[tuple[str, str, str, str]]:
    """The first files with status error or warning in a published documents.csv."""
    import csv

    found = []
    try:
        with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("status") not in ("ok", None):
                    found.append((row["source"], row["status"], row.get("code", ""),
                                  row.get("error", "")))
                    if len(found) >= PROBLEMS_LISTED:
                        break
    except (OSError, ValueError, KeyError):
        return []
    return found


def _any_document(inputs: list[Path], exclude: tuple[Path, ...]) -> bool:
    """Whether the inputs hold anything to read: a PDF, DOCX or TXT file (by name or by its
    first bytes), or an entry that gets an error row (an unlistable folder, a FIFO)."""
    from pipeline.discover import discover

    for path, _source, problem in discover(inputs, exclude=exclude):
        if problem or path.suffix.lower() in (".pdf", ".docx", ".txt"):
            return True
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # never wait on a FIFO
            try:
                head = os.read(fd, 5)
            finally:
                os.close(fd)
        except OSError:
            return True  # it gets its row saying why it could not be opened
        if head.startswith((b"%PDF-", b"PK\x03\x04")):
            return True
    return False


def _write_up_to_date_timings(path: Path, done, workers: int, executor: str) -> None:
    """--timings of a run with nothing to do: no file read, no stage run."""
    import json
    import os
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    path.write_text(json.dumps({
        "files": done.documents, "failed": done.failed, "cached": done.documents,
        "hashed": 0, "processed": 0, "by_stat": done.documents, "up_to_date": True,
        "stages_s": {}, "cpu_s": {"parent": own.ru_utime + own.ru_stime, "workers": 0.0},
        "peak_rss_bytes": {"parent": own.ru_maxrss * 1024, "largest_worker": 0},
        "workers": workers, "executor": executor, "cores": os.cpu_count(),
        "rows": done.counts,
    }, indent=2) + "\n", encoding="utf-8")


def _write_timings(path: Path, summary, workers: int, executor: str) -> None:
    import json
    import os
    import resource
    from dataclasses import asdict

    own = resource.getrusage(resource.RUSAGE_SELF)
    peak = {"parent": own.ru_maxrss * 1024, "largest_worker": summary.worker_peak_rss}
    # workers are the fork server's children, not ours: their CPU is what their stages took
    cpu = {"parent": own.ru_utime + own.ru_stime,
           "workers": sum(summary.stages.get(f"{s}_cpu", 0.0)
                          for s in ("ingest", "normalize", "extract"))}
    path.write_text(json.dumps({
        "files": summary.files, "failed": summary.failed, **asdict(summary.cache),
        "stages_s": summary.stages, "cpu_s": cpu, "peak_rss_bytes": peak, "workers": workers,
        "executor": executor, "cores": os.cpu_count(), "rows": summary.counts,
    }, indent=2) + "\n", encoding="utf-8")


@app.command()
def report(
    tables: Annotated[Path, typer.Option("--tables", help="Folder with the tables from "
                                         "iop extract.")] = Path("data/extracted"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the report (replaced as a "
                                      "whole).")] = Path("data/report"),
    lang: Annotated[str, typer.Option("--lang", help="Language of the labels: sv or en.")
                    ] = "sv",
    page_size: Annotated[int, typer.Option("--page-size", min=1,
                                           help="Rows per index page.")] = 200,
    redact: Annotated[str | None, typer.Option(
        "--redact", help="persons: replace natural persons' names, phone numbers, e-mail "
        "addresses and personnummer with role labels, in the facts and the texts alike.",
        show_default=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Write a static HTML report (overview, flags with evidence, one page per document).

    It works offline from the file system (open OUT/index.html); nothing is fetched.
    Exit 0 when written, 2 on a usage error (no tables, unknown language, an --out that is
    not an earlier report), 4 when it could not be published (disk full, read-only).

    Example: iop report --tables data/extracted --out data/report --lang en

    An edition safe to publish: iop report --out data/report-public --redact persons
    """
    from pipeline import outdir
    from pipeline.report import ReportError, build_report

    unchanged = f"nothing was published ({outdir.shown(out)} is as it was)"
    summary = _written_or_exit(
        "report", lambda: build_report(tables, out, lang=lang, page_size=page_size,
                                       redact=redact),
        ReportError, unchanged, f"could not write the report to {outdir.shown(out)}", debug)
    typer.echo(f"report written to {summary.out / 'index.html'}: {summary.documents} documents, "
               f"{summary.flags} flags, {summary.comparisons} comparisons "
               f"({summary.files} files, {summary.bytes / 2**20:.1f} MiB)")


@app.command()
def export(
    xlsx: Annotated[Path, typer.Option("--xlsx", help="The Excel workbook to write (a new "
                                       "file, or one iop wrote earlier).",
                                       show_default=False)],
    tables: Annotated[Path, typer.Option("--tables", help="Folder with the tables from "
                                         "iop extract.")] = Path("data/extracted"),
    report_dir: Annotated[Path, typer.Option(
        "--report", help="The report folder (iop report --out) each row links to, by a "
        "path relative to the workbook.")] = Path("data/report"),
    lang: Annotated[str, typer.Option("--lang", help="Language of the overview sheet: sv "
                                      "or en.")] = "sv",
    redact: Annotated[str | None, typer.Option(
        "--redact", help="persons: replace natural persons' names, phone numbers, e-mail "
        "addresses and personnummer with role labels.", show_default=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Write the tables as one Excel workbook: an overview sheet, then a sheet per table
    and view (dates as dates, kronor as numbers, a frozen header row, filters, and a link
    from each row to its page of the HTML report).

    Exit 0 when written, 2 on a usage error (no tables, an --xlsx that is not a workbook
    iop wrote, unknown language or --redact mode), 4 when it could not be written (disk
    full, read-only; an earlier workbook stays as it was).

    Example: iop export --xlsx iop.xlsx --tables data/extracted --report data/report
    """
    from pipeline import outdir
    from pipeline.export import ExportError, export_workbook

    unchanged = f"nothing was written ({outdir.shown(xlsx)} is as it was)"
    summary = _written_or_exit(
        "export", lambda: export_workbook(tables, xlsx, report_dir, lang=lang, redact=redact),
        ExportError, unchanged, f"could not write {outdir.shown(xlsx)}", debug,
        option="--xlsx")
    sheets = len(summary.sheets)
    rows = sum(summary.sheets.values())
    typer.echo(f"workbook written to {outdir.shown(summary.path)}: {sheets} sheets and an "
               f"overview, {rows} rows, {summary.links} links to the report"
               f"{', persons redacted' if summary.redacted else ''} "
               f"({summary.bytes / 2**10:.0f} KiB)")


def _written_or_exit(command: str, write: Callable[[], T], usage_error: type[Exception],
                     unchanged: str, cannot: str, debug: bool, option: str = "--out") -> T:
    """Run a command's writer; each way it can fail is one plain line and an exit code
    (a usage error 2, interrupted 130, a full or read-only disk 4, a bug 1)."""
    from pipeline import outdir

    def stop(code: int, message: str) -> typer.Exit:
        typer.echo(f"iop {command}: {message}", err=True)
        return typer.Exit(code)

    try:
        return write()
    except usage_error as exc:
        raise stop(EXIT_USAGE, str(exc)) from None
    except KeyboardInterrupt:
        raise stop(EXIT_INTERRUPTED, f"interrupted; {unchanged}") from None
    except Exception as exc:
        if debug:
            raise
        reason = outdir.storage_problem(exc)
        if reason is not None:
            advice = outdir.what_to_do(reason).capitalize().replace("--out", option)
            raise stop(EXIT_NOT_PUBLISHED, f"{cannot}: {reason}; {unchanged}. {advice}"
                       ) from None
        raise stop(EXIT_INTERNAL, f"failed inside iop ({type(exc).__name__}: {exc}); "
                   f"{unchanged}. Run again with --debug and report the traceback") from None


@app.command()
def checks(
    code: Annotated[str | None, typer.Argument(
        help="Show only this flag code.", show_default=False)] = None,
) -> None:
    """List the flag codes: severity, when each is raised, and an example message.

    The same catalogue as docs/checks.md; the flags table uses these codes.

    Example: iop checks MEMO_AGREEMENT_MISMATCH
    """
    import textwrap

    from pipeline.checks.catalogue import CATALOGUE

    if code is not None and code.upper() not in CATALOGUE:
        typer.echo(f"iop checks: unknown code {code}; known: {', '.join(CATALOGUE)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    for entry in CATALOGUE.values():
        if code is not None and entry.code != code.upper():
            continue
        typer.echo(f"{entry.code} ({entry.severity})")
        typer.echo(textwrap.fill(entry.description, 88, initial_indent="  ",
                                 subsequent_indent="  "))
        typer.echo(textwrap.fill(f"Exempel: {entry.example}", 88, initial_indent="  ",
                                 subsequent_indent="    "))
        typer.echo("")


class _progress:
    """A rich progress bar on a terminal; nothing when output is piped (CI, logs)."""

    def __enter__(self):
        if not sys.stderr.isatty():
            return (None, None)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress("[progress.description]{task.description}", BarColumn(),
                            MofNCompleteColumn(), TimeRemainingColumn(), transient=True)
        self.bar.start()
        self.task = self.bar.add_task("reading", total=None)
        return (lambda n: self.bar.update(self.task, total=n),
                lambda _source: self.bar.advance(self.task))

    def __exit__(self, *exc):
        if hasattr(self, "bar"):
            self.bar.stop()


@app.command()
def compare(
    old: Annotated[Path, typer.Argument(help="The earlier draft, or the memo.",
                                        show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later draft, or the agreement.",
                                        show_default=False)],
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write a self-contained HTML page to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (for tools) instead.")
                       ] = False,
    wording: Annotated[bool | None, typer.Option(
        "--wording/--no-wording", help="Compare the wording too. Default: on for drafts, "
        "off for a memo against its agreement.", show_default=False)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Show what changed between two drafts, or a memo against its agreement.

    First the facts (amounts with payer and period, term, notice, parties,
    org numbers, obligation counts, signatories), then the wording, word by
    word, by section. Layout (line breaks, hyphenation, PDF vs DOCX vs TXT)
    is not a change. A memo against its agreement: facts side by side.

    Exit 0 when equal in facts and wording, 1 when they differ, 2 on error, 4 when the
    --html page could not be written (disk full, read-only). --html replaces only a page
    it wrote earlier.

    Example: iop compare draft-2.docx draft-3.pdf --html changes.html
    """
    import json

    from rich.console import Console
    from rich.text import Text

    from pipeline import outdir
    from pipeline.compare import compare_documents
    from pipeline.compare.render import html_written, print_terminal, to_json, write_html
    from pipeline.ingest import read_document

    def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
        typer.echo(f"iop compare: {message}", err=True)
        return typer.Exit(code)

    for path in (old, new):
        if not path.is_file():
            raise fail(f"no such file: {outdir.shown(path)}")
    if html is not None:
        try:
            outdir.check_file(html, [old, new], "--html", outdir.is_compare_page)
        except outdir.OutDirError as exc:
            raise fail(str(exc)) from None
    try:
        docs = [read_document(path, path.name) for path in (old, new)]
        for doc in docs:
            if doc.status == "error":
                raise fail(f"{doc.source}: {doc.error}")
        comparison = compare_documents(*docs, wording=wording)
        if html is not None:
            write_html(comparison, html)
    except typer.Exit:
        raise
    except Exception as exc:
        if debug:
            raise
        reason = outdir.storage_problem(exc)
        if html is not None and reason is not None:
            raise fail(f"could not write {outdir.shown(html)}: {reason}; nothing was written. "
                       f"{outdir.what_to_do(reason).capitalize().replace('--out', '--html')}",
                       EXIT_NOT_PUBLISHED) from None
        raise fail(f"failed: {type(exc).__name__}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(to_json(comparison), ensure_ascii=False, indent=2))
    else:
        console = Console(soft_wrap=True, highlight=False)
        print_terminal(comparison, console)
        if html is not None:
            console.print(Text(html_written(html)))
    raise typer.Exit(EXIT_DIFFERENT if comparison.different else EXIT_OK)


# `iop correct ...` and `iop corrections ...` (analysts' corrections): pipeline/cli_corrections.py
from pipeline.cli_corrections import correct_app, corrections_app  # noqa: E402

app.add_typer(correct_app)
app.add_typer(corrections_app)
