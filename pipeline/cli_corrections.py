"""`iop correct ...` and `iop corrections ...`: argument parsing for analyst corrections
(the library is pipeline/corrections/). Registered on the `iop` app by pipeline/cli.py."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

EXIT_OK, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_NOT_WRITTEN = 0, 2, 3, 4

correct_app = typer.Typer(
    name="correct",
    help="Write an analyst's correction to the corrections files (applied by every "
    "iop extract): set a field of a fact, add a missed fact, remove a wrong one, accept or "
    "dismiss a flag, or revoke an earlier correction. The report's document pages show the "
    "command for each fact.\n\n"
    "Example: iop correct set 000_d3bc919bb2a10656.txt amounts@1:7509-7519 "
    "payer=\"Linköpings Domkyrkopastorat\" --why \"§ 5: pastoratet står för sin egen insats\"",
    no_args_is_help=True,
)
corrections_app = typer.Typer(
    name="corrections",
    help="Review the corrections files: a dry run (check) and gold files (export-gold).\n\n"
    "Example: iop corrections check data/raw",
    no_args_is_help=True,
)

Tables = Annotated[Path, typer.Option("--tables", help="The tables of iop extract, where the "
                                      "fact is looked up.")]
Folder = Annotated[Path | None, typer.Option(
    "--corrections", help="Corrections folder to write to (default: the one the tables were "
    "extracted with, else data/corrections).", show_default=False)]
Why = Annotated[str, typer.Option("--why", help="Why: the reason a reviewer reads.")]
Who = Annotated[str | None, typer.Option(
    "--who", help="Who corrects (default: $IOP_USER, else the login name).",
    show_default=False)]
Where = Annotated[list[str] | None, typer.Option(
    "--where", help="FIELD=VALUE telling apart facts read at one place (a joint duty has a "
    "row per party).", show_default=False)]
Doc = Annotated[str, typer.Argument(help="The document: its source as in documents.csv, or "
                                    "its doc_id.", show_default=False)]
Fact = Annotated[str, typer.Argument(help="The fact: TABLE@PAGE:START-END (as the report "
                                     "shows it), amounts:ID or TABLE#CORRECTION_ID.",
                                     show_default=False)]


def _stop(command: str, code: int, message: str) -> typer.Exit:
    typer.echo(f"iop {command}: {message}", err=True)
    return typer.Exit(code)


def error_line(folder: Path, exc) -> str:
    """A malformed corrections file, named with its path and line (a CorrectionsError)."""
    from pipeline import outdir

    where = outdir.shown(folder / exc.file) + (f" line {exc.line}" if exc.line else "")
    return f"{where}: {exc.message}; fix it (or move it out of {outdir.shown(folder)})"


def _who(who: str | None) -> str:
    return who or os.environ.get("IOP_USER") or getpass.getuser()


def _pairs(values: list[str] | None) -> dict[str, str]:
    out = {}
    for value in values or []:
        name, sep, text = value.partition("=")
        if not sep:
            raise typer.BadParameter(f"{value!r}: write FIELD=VALUE", param_hint="--where")
        out[name.strip()] = text
    return out


def _write(command: str, tables: Path, folder: Path | None, build) -> None:
    """Look the fact up, build the entry and append it; one line saying what was written."""
    from pipeline import outdir
    from pipeline.corrections import author

    try:
        archive = author.Archive(tables)
        folder = folder or archive.corrections_folder() or Path("data/corrections")
        known = author.corrections_in(folder)
        entry, change = build(archive, known)
        earlier = author.replace_earlier_versions(entry, known)
        if earlier:
            change += f" (replaces {', '.join(earlier)}, written for an earlier version)"
        written = author.write(folder, entry, change)
    except author.AuthorError as exc:
        raise _stop(command, EXIT_USAGE, str(exc)) from None
    except OSError as exc:
        reason = outdir.storage_problem(exc) or str(exc)
        raise _stop(command, EXIT_NOT_WRITTEN, f"could not write the correction: {reason}; "
                    "nothing was written") from None
    shown_path = os.path.relpath(written.path)
    if shown_path.startswith(".."):
        shown_path = str(written.path)
    typer.echo(f"{written.id} written to {outdir.shown(shown_path)} line {written.line}: "
               f"{written.change}")
    typer.echo("It takes effect at the next iop extract (make extract); "
               "iop corrections check shows what it will do.")


@correct_app.command("set")
def correct_set(
    doc: Doc, fact: Fact,
    values: Annotated[list[str], typer.Argument(help="FIELD=VALUE, one or more (an empty "
                                                "VALUE empties the field).",
                                                show_default=False)],
    why: Why, who: Who = None, where: Where = None,
    tables: Tables = Path("data/extracted"), corrections: Folder = None,
) -> None:
    """Correct fields of one fact.

    Example: iop correct set 002_2b68fa102c319169.txt amounts@1:6017-6027 basis=per_year \
--why "Överenskommelsen § 5: 160 000 kr per år"
    """
    from pipeline.corrections import author

    _write("correct set", tables, corrections, lambda archive, known: author.set_entry(
        archive, known, archive.document(doc), fact, _pairs(where), values, _who(who), why))


@correct_app.command("add")
def correct_add(
    doc: Doc,
    table: Annotated[str, typer.Argument(help="parties, amounts, periods, obligations, "
                                         "signatories or placeholders.", show_default=False)],
    values: Annotated[list[str], typer.Argument(help="FIELD=VALUE of the new row.",
                                                show_default=False)],
    why: Why,
    quote: Annotated[str | None, typer.Option(
        "--quote", help="The text the fact is read from, as the document writes it: it is "
        "found in the text and becomes the row's provenance.", show_default=False)] = None,
    page: Annotated[int | None, typer.Option("--page", help="Look for --quote on this page.",
                                             show_default=False)] = None,
    at: Annotated[str | None, typer.Option("--at", help="PAGE:START-END of the text instead "
                                           "of --quote.", show_default=False)] = None,
    who: Who = None, tables: Tables = Path("data/extracted"), corrections: Folder = None,
) -> None:
    """Add a fact the extraction missed (an amount, a party, a signatory, ...).

    part_of=ID ties an added amount to a stated total (it takes part in SUM_MISMATCH).

    Example: iop correct add 003_6febc1509cba0eef.txt signatories person="Anna Berg" \
for_party="Linköpings stadsmission" --quote "För Linköpings stadsmission" --why "Signed \
copy in the diary, dnr 2018-123"
    """
    from pipeline.corrections import author

    _write("correct add", tables, corrections, lambda archive, known: author.add_entry(
        archive, archive.document(doc), table, values, quote, page, at, _who(who), why))


@correct_app.command("remove")
def correct_remove(
    doc: Doc, fact: Fact, why: Why, who: Who = None, where: Where = None,
    tables: Tables = Path("data/extracted"), corrections: Folder = None,
) -> None:
    """Remove a wrong fact (an added one is withdrawn).

    Example: iop correct remove 003_6febc1509cba0eef.txt obligations@1:7618-7714 \
--where party="Idéburen sektor" --why "Not a party: the sector as a whole"
    """
    from pipeline.corrections import author

    _write("correct remove", tables, corrections, lambda archive, known: author.remove_entry(
        archive, known, archive.document(doc), fact, _pairs(where), _who(who), why))


@correct_app.command("flag")
def correct_flag(
    doc: Doc,
    flag: Annotated[str, typer.Argument(help="CODE, or CODE@PAGE:START-END of its first "
                                        "evidence when the document has several.",
                                        show_default=False)],
    decision: Annotated[str, typer.Argument(help="accept (a real problem) or dismiss (a "
                                            "false alarm).", show_default=False)],
    why: Why, who: Who = None, tables: Tables = Path("data/extracted"),
    corrections: Folder = None,
) -> None:
    """Record a decision on a flag: accepted, or dismissed (listed apart in the report).

    Example: iop correct flag 003_6febc1509cba0eef.txt UNSIGNED@1:15441-15468 dismiss \
--why "Signed original in the diary"
    """
    from pipeline.corrections import author

    _write("correct flag", tables, corrections, lambda archive, known: author.decide_entry(
        archive, known, archive.document(doc), flag, decision, _who(who), why))


@correct_app.command("revoke")
def correct_revoke(
    correction_id: Annotated[str, typer.Argument(help="The id of the correction to withdraw.",
                                                 show_default=False)],
    why: Why, who: Who = None, tables: Tables = Path("data/extracted"),
    corrections: Folder = None,
) -> None:
    """Withdraw an earlier correction (it stays in its file, superseded).

    Example: iop correct revoke c-3f2a9b1c0d --why "Wrong document"
    """
    from pipeline.corrections import author

    def build(_archive, known):
        entry, _source, change = author.revoke_entry(known, correction_id, _who(who), why)
        return entry, change

    _write("correct revoke", tables, corrections, build)


@corrections_app.command("check")
def corrections_check(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="The archive's files or folders (default: data/raw).", show_default=False)] = None,
    corrections: Annotated[Path | None, typer.Option(
        "--corrections", help="Corrections folder (default: 'corrections' beside the first "
        "input, data/corrections for data/raw).", show_default=False)] = None,
    cache: Annotated[Path | None, typer.Option(
        "--cache", help="Cached per-document results (as iop extract).")] = Path("data/cache"),
    workers: Annotated[int, typer.Option("--workers", min=0,
                                         help="Worker processes; 0 = all cores.")] = 0,
) -> None:
    """Dry run: what each correction would change, and which are orphaned or conflicting.

    Reads the archive as iop extract does (from the cache where it can) and writes no table.
    Exit 0 when every correction applies, 3 when some are orphaned or conflicting, 2 on a
    malformed corrections file (named with its line).

    Example: iop corrections check data/raw --corrections data/corrections
    """
    from pipeline import outdir
    from pipeline.corrections.files import CorrectionsError
    from pipeline.corrections.folder import default_folder
    from pipeline.run import check_corrections
    from pipeline.workers import default_workers

    inputs = paths or [Path("data/raw")]
    missing = [outdir.shown(p) for p in inputs if not p.exists()]
    if missing:
        raise _stop("corrections check", EXIT_USAGE, f"no such file or folder: "
                    f"{', '.join(missing)}")
    folder = corrections or default_folder(inputs)
    if not folder.is_dir():
        raise _stop("corrections check", EXIT_USAGE, f"no corrections folder "
                    f"{outdir.shown(folder)} (give --corrections)")
    try:
        summary = check_corrections(
            inputs, folder, cache, workers or default_workers(),
            on_warning=lambda message: typer.echo(f"iop corrections check: warning: {message}",
                                                  err=True))
    except CorrectionsError as exc:
        raise _stop("corrections check", EXIT_USAGE, error_line(folder, exc)) from None
    for outcome in summary.outcomes:
        c = outcome.correction
        what = outcome.change or outcome.message
        typer.echo(f"{outcome.status:10} {c.id}  {c.where}  {c.action} {c.table or ''} on "
                   f"{c.source or c.doc_id[:12]}: {what}".replace("  on", " on"))
        if outcome.status in ("orphaned", "conflict") and outcome.change:
            typer.echo(f"{'':10} {outcome.message}")
    counts = summary.corrections
    said = ", ".join(f"{counts[s]} {s}" for s in ("applied", "orphaned", "conflict",
                                                  "superseded") if counts.get(s))
    typer.echo(f"{len(summary.outcomes)} corrections in {outdir.shown(folder)}: "
               f"{said or 'none'}")
    raise typer.Exit(EXIT_SOME_FAILED if summary.unapplied else EXIT_OK)


@corrections_app.command("export-gold")
def corrections_export_gold(
    out: Annotated[Path, typer.Argument(help="Folder for the gold files (made when absent).",
                                        show_default=False)],
    tables: Tables = Path("data/extracted"),
) -> None:
    """Write each corrected document as a gold file (one JSON per document, in the format
    of the project's gold: ../shared/gold/GUIDELINES.md), so a correction can become an
    evaluation case. Only files it wrote itself are replaced.

    Example: iop corrections export-gold data/gold-from-review --tables data/extracted
    """
    from pipeline import outdir
    from pipeline.corrections.gold import GoldError, export

    try:
        written = export(tables, out)
    except GoldError as exc:
        raise _stop("corrections export-gold", EXIT_USAGE, str(exc)) from None
    except OSError as exc:
        reason = outdir.storage_problem(exc) or str(exc)
        raise _stop("corrections export-gold", EXIT_NOT_WRITTEN,
                    f"could not write to {outdir.shown(out)}: {reason}") from None
    for path in written:
        typer.echo(f"  {outdir.shown(path)}")
    typer.echo(f"{len(written)} gold files written to {outdir.shown(out)}"
               + ("" if written else " (no document has an applied correction)"))
