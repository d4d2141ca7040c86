"""Generate the catalogues in docs/ from the code, so they cannot drift.

Run `python -m pipeline.docs` after changing a code; tests/test_docs.py checks the files.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.codes import CATALOGUE

DOCS = Path(__file__).resolve().parent.parent / "docs"


def errors_md() -> str:
    lines = [
        "# Per-file status codes",
        "",
        "The `code` column of the `documents` table: why a file could not be read (status",
        "`error`; the file has no facts) or what to know about it (status `warning`; the facts",
        "are there). Generated from `pipeline/codes.py` by `python -m pipeline.docs`.",
        "",
        "Every input file gets exactly one row, whatever happens to it: a file that hangs the",
        "reader is stopped at the deadline (`--timeout`, default 60 s) and one that needs too",
        "much memory at the cap (`--memory`, default 1.5 GiB), and the batch goes on. The exit",
        "code is 3 when any file has status `error`. `--debug` prints the traceback of an",
        "`INTERNAL_ERROR`; without it no traceback is ever printed.",
        "",
        "| code | status | example message | what to do |",
        "|---|---|---|---|",
    ]
    for code in CATALOGUE.values():
        lines.append(f"| `{code.code}` | {code.status} | {code.example} | {code.action} |")
    lines += ["", *RUN_OUTCOMES]
    return "\n".join(lines) + "\n"


# How a whole run ends: its exit code and the one line it says (pipeline/cli.py,
# pipeline/outdir.py, pipeline/executors.py, pipeline/cache.py).
RUN_OUTCOMES = [
    "## How a run ends",
    "",
    "`iop extract` (and `iop report`, `iop export`, `iop compare --html`) end with one of "
    "these exit codes.",
    "Each failure is one line on stderr naming the path and saying what to do; a traceback",
    "is printed only with `--debug`.",
    "",
    "| exit | when | example message (stderr) | what to do |",
    "|---|---|---|---|",
    "| 0 | every file was read and the tables were published (or were already up to date) "
    "| `12 files: 12 read (3 from cache), 0 failed; tables in data/extracted: 68 parties, "
    "46 amounts, ...` (stdout) | |",
    "| 3 | some files could not be read; the tables were published, each failed file has a "
    "`documents` row | `  error: scan.pdf: NO_TEXT_LAYER: ...`, the first 20 such files, then "
    "`  and 5 more: see data/extracted/documents.csv` | See the table above, per code. |",
    "| 2 | a usage error: nothing was read or written | `iop extract: --out mydocs holds "
    "files iop did not write (notes.txt, sub/): choose a new or empty folder for --out` | "
    "Do what the line says. |",
    "| 4 | the run could not publish: the previous outputs are unchanged | `iop extract: "
    "could not write the tables to data/extracted: no space left on device; nothing was "
    "published (data/extracted is as it was). Free some space, or choose an --out on "
    "another disk, and run again` | Free space, choose a writable --out, or check the "
    "cluster, and run again. |",
    "| 1 | iop itself failed (a bug; `iop compare`: the documents differ) | `iop extract: "
    "failed inside iop (KeyError: 'x'); nothing was published (data/extracted is as it "
    "was). Run again with --debug and report the traceback` | Report it with the "
    "traceback from `--debug`. |",
    "| 130 | interrupted (Ctrl-C) | `iop extract: interrupted; nothing was published "
    "(data/extracted is as it was)` | |",
    "",
    "### What `--out` may be",
    "",
    "A command replaces its output folder whole, so it writes only where it may: a new "
    "path, an empty folder, or its own earlier output (a folder holding its manifest, "
    "`manifest.json` or `report.json`, and nothing but the files that manifest lists). "
    "Publishing then removes only what that manifest lists. Everything else is exit 2:",
    "",
    "| case | message |",
    "|---|---|",
    "| `--out` is an input | `--out in2 is the input in2: choose another --out (the tables "
    "folder is replaced as a whole)` |",
    "| `--out` holds an input | `--out p3 holds the input p3/raw: choose an --out outside "
    "the inputs (the tables folder is replaced as a whole)` |",
    "| `--out` is a folder with other files | `--out mydocs holds files iop did not write "
    "(notes.txt, sub/): choose a new or empty folder for --out` |",
    "| a file was added to an earlier output | `--out out holds files iop did not write "
    "(notes.txt) beside its earlier output: move them out, or choose another --out` |",
    "| `--out` is a file | `--out existing.txt is a file, not a folder: choose another "
    "--out (iop writes a folder there and will not replace a file)` |",
    "| `--out` is another command's output | `--out data/report holds the output of iop "
    "report, not of iop extract: choose another --out` |",
    "| `--cache` inside `--out` | `--cache out/cache is inside --out out, which every run "
    "replaces: choose a --cache outside it` |",
    "| another run is writing there | `data/extracted is being written by another iop (pid "
    "4242 on host, iop extract, since 2026-05-04T10:00:00+02:00): wait for it to finish, "
    "or choose another --out` |",
    "| no document in the inputs | `no documents found under in (iop reads PDF, DOCX and "
    "TXT files; hidden ones are skipped); nothing was written` |",
    "| `--html` / `--timings` / `--xlsx` is a file iop did not write | `--html page.html "
    "exists and was "
    "not written by iop: choose another file (iop will not replace it)` |",
    "",
    "An `--out` (or `--cache`) inside an input folder is allowed: reading skips it, and "
    "hidden entries. A run killed with `kill -9` leaves its lock (`.NAME.lock` beside "
    "`--out`); the next run takes it over.",
    "",
    "### Warnings (the run goes on)",
    "",
    "| when | message |",
    "|---|---|",
    "| the cache file is damaged (truncated, overwritten) | `iop extract: warning: the cache "
    "data/cache/results.sqlite3 was damaged (not an SQLite database); moved it to "
    "results.sqlite3.damaged-20260504T100000 and started a new one (this run reads every "
    "file again)` |",
    "| the cache folder cannot be used | `iop extract: warning: cannot use the cache "
    "data/cache (read-only file system); every file is read, and nothing is cached this "
    "run` |",
    "| the cache cannot be written mid-run | `iop extract: warning: cannot write to the "
    "cache data/cache/results.sqlite3 (database or disk is full); the files read this run "
    "are not cached` |",
    "",
    "### A Dask cluster that goes away",
    "",
    "With `--executor dask`, a scheduler that cannot be reached, a lost connection to it, or "
    "no live worker for `--cluster-timeout` seconds (default 60) ends the run with exit 4 "
    "and publishes nothing (the files read so far are cached): `iop extract: lost the Dask "
    "cluster at tcp://host:8786: no worker has been alive for 60 s; nothing was published "
    "(data/extracted is as it was); the files read so far are cached. Check the cluster (or "
    "--scheduler) and run again`. A batch whose Dask worker died twice while the cluster "
    "was up gives its files `INTERNAL_ERROR` rows.",
]


def checks_md() -> str:
    import json

    from pipeline.checks import CHECKS
    from pipeline.checks.catalogue import CATALOGUE
    from pipeline.checks.examples import EXAMPLES

    lines = [
        "# Flag codes",
        "",
        "The `flags` table: what does not add up within a document or between a memo and the",
        "agreement it proposes, and unfinished text. Each flag names its document (`doc_id`),",
        "for a memo-agreement flag the agreement too (`related_doc_id`), gives a one-sentence",
        "message in Swedish that names both values, and its evidence. Generated from",
        "`pipeline/checks/catalogue.py` by `python -m pipeline.docs`; each example is what the",
        "check says on the tables in `pipeline/checks/examples.py` (tests/test_checks.py runs",
        "them). `iop checks` prints the same list.",
        "",
        "| code | severity | raised when | example message |",
        "|---|---|---|---|",
    ]
    for entry in CATALOGUE.values():
        lines.append(f"| `{entry.code}` | {entry.severity} | {entry.description} | "
                     f"{entry.example} |")
    example = CHECKS["MEMO_AGREEMENT_MISMATCH"](EXAMPLES["MEMO_AGREEMENT_MISMATCH"]())[0]
    evidence = json.dumps(json.loads(example["evidence"]), ensure_ascii=False, indent=2)
    lines += [
        "",
        "## Evidence",
        "",
        "`evidence` is a JSON list of the quotes the flag rests on, both sides for a",
        "cross-document flag: `doc_id`, `page` (1-based), `char_start` and `char_end`",
        "(offsets in that page's source text), `quote`, the `table` the value is in and the",
        "`value` compared. The `MEMO_AGREEMENT_MISMATCH` example above:",
        "",
        "```json",
        evidence,
        "```",
    ]
    return "\n".join(lines) + "\n"


GENERATED = {"errors.md": errors_md, "checks.md": checks_md}


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
