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
        "| code | status | example message |",
        "|---|---|---|",
    ]
    for code in CATALOGUE.values():
        lines.append(f"| `{code.code}` | {code.status} | {code.example} |")
    return "\n".join(lines) + "\n"


GENERATED = {"errors.md": errors_md}


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    for name, make in GENERATED.items():
        (DOCS / name).write_text(make(), encoding="utf-8")


if __name__ == "__main__":
    main()
