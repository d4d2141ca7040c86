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
    return "\n".join(lines) + "\n"


GENERATED = {"errors.md": errors_md}


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
