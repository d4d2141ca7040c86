"""The `iop` command: a thin layer that parses arguments and calls the library.

Heavy libraries are imported inside the commands so that `iop --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="iop",
    help="Read archives of Swedish IOP agreements and memos into normalized, checked tables.\n\n"
    "Example: iop extract data/raw --out data/extracted",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE, EXIT_SOME_FAILED = 0, 1, 2, 3


@app.callback()
def main() -> None:
    """iop: IOP documents in, tables and flags out."""


@app.command()
def extract(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Files or folders to read (default: data/raw).", show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the tables.")] = Path(
        "data/extracted"),
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
    timings: Annotated[Path | None, typer.Option(
        "--timings", help="Write per-stage seconds and file counts as JSON to this file.")
    ] = None,
) -> None:
    """Read PDF, DOCX and TXT files and write the tables (CSV, Parquet, DuckDB).

    Exit 0 when every file was read, 3 when some could not be (each has a documents row
    with status=error and a plain message; the rest are complete), 2 on a usage error.

    Example: iop extract data/raw --out data/extracted --workers 2

    On a Dask cluster: iop extract /shared/archive --executor dask --scheduler tcp://host:8786
    """
    from pipeline.config import Limits
    from pipeline.uptodate import current
    from pipeline.workers import PoolConfigError, default_workers

    if executor not in ("local", "dask") or (executor == "dask") != bool(scheduler):
        typer.echo("iop extract: --executor is local or dask, and dask needs --scheduler "
                   "ADDRESS (and local none)", err=True)
        raise typer.Exit(EXIT_USAGE)
    inputs = paths or [Path("data/raw")]
    missing = [str(p) for p in inputs if not p.exists() and not p.is_symlink()]
    if missing:
        typer.echo(f"iop extract: no such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    limits = Limits(timeout_s=timeout, memory_bytes=int(memory * 2**30), max_pages=max_pages)
    done = None if no_cache else current(inputs, out, cache, limits)
    if done is not None:  # nothing changed since the tables in --out were written
        if timings:
            _write_up_to_date_timings(timings, done, workers or default_workers(), executor)
        counts = ", ".join(f"{n} {name}" for name, n in done.counts.items()
                           if name != "documents")
        typer.echo(f"{done.documents} files up to date in {done.out} (nothing changed since "
                   f"they were read; {done.failed} failed, {done.warnings} with warnings): "
                   f"{counts}")
        raise typer.Exit(EXIT_SOME_FAILED if done.failed else EXIT_OK)
    from pipeline.run import extract_archive

    try:
        with _progress() as (on_total, on_progress):
            summary = extract_archive(
                inputs, out, None if no_cache else cache, workers or default_workers(), limits,
                on_progress=on_progress, on_total=on_total, executor=executor,
                scheduler=scheduler,
            )
        if timings:
            _write_timings(timings, summary, workers or default_workers(), executor)
    except PoolConfigError as exc:
        typer.echo(f"iop extract: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        typer.echo("iop extract: interrupted; the previous outputs are unchanged", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        typer.echo(f"iop extract: failed: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    if debug:
        for source, trace in summary.traces:
            typer.echo(f"--- {source}\n{trace}", err=True)
    counts = ", ".join(f"{n} {name}" for name, n in summary.counts.items() if name != "documents")
    typer.echo(f"{summary.files} files read into {summary.out} ({summary.failed} failed, "
               f"{summary.warnings} with warnings, {summary.cached} from cache): {counts}")
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


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
) -> None:
    """Write a static HTML report (overview, flags with evidence, one page per document).

    It works offline from the file system (open OUT/index.html); nothing is fetched.
    Exit 0 when written, 2 on a usage error (no tables, unknown language).

    Example: iop report --tables data/extracted --out data/report --lang en
    """
    from pipeline.report import ReportError, build_report

    try:
        summary = build_report(tables, out, lang=lang, page_size=page_size)
    except ReportError as exc:
        typer.echo(f"iop report: {exc}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(f"report written to {summary.out / 'index.html'}: {summary.documents} documents, "
               f"{summary.flags} flags, {summary.comparisons} comparisons "
               f"({summary.files} files, {summary.bytes / 2**20:.1f} MiB)")


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

    Exit 0 when equal in facts and wording, 1 when they differ, 2 on error.

    Example: iop compare draft-2.docx draft-3.pdf --html changes.html
    """
    import json

    from rich.console import Console
    from rich.text import Text

    from pipeline.compare import compare_documents
    from pipeline.compare.render import html_written, print_terminal, to_json, write_html
    from pipeline.ingest import read_document

    def fail(message: str) -> typer.Exit:
        typer.echo(f"iop compare: {message}", err=True)
        return typer.Exit(EXIT_USAGE)

    for path in (old, new):
        if not path.is_file():
            raise fail(f"no such file: {path}")
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
        raise fail(f"failed: {type(exc).__name__}: {exc}") from None
    if as_json:
        typer.echo(json.dumps(to_json(comparison), ensure_ascii=False, indent=2))
    else:
        console = Console(soft_wrap=True, highlight=False)
        print_terminal(comparison, console)
        if html is not None:
            console.print(Text(html_written(html)))
    raise typer.Exit(EXIT_DIFFERENT if comparison.different else EXIT_OK)
