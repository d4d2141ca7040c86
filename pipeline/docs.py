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
