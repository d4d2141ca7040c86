"""Compare the Parquet tables of two `iop extract` output folders row by row.

For changes that must not change any output (speed work): extract the same inputs with
the old and the new code, then

    .venv/bin/python bench/compare_outputs.py OLD_OUT NEW_OUT [OLD_OUT2 NEW_OUT2 ...]

Every table must be equal cell for cell (pandas assert_frame_equal, exact), in the same
row order. Ignored: documents.pipeline_version (a hash of the code, different by design).
Exit 0 when all are equal, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from pandas.testing import assert_frame_equal

RUN_COLUMNS = {"pipeline_version"}  # differ between two versions of the code by design


def compare(old: Path, new: Path) -> list[str]:
    """The differences between two output folders, one message per table."""
    problems = []
    names = sorted({p.name for folder in (old, new) for p in folder.glob("*.parquet")})
    if not names:
        return [f"{old}: no Parquet tables"]
    for name in names:
        a, b = old / name, new / name
        if not a.exists() or not b.exists():
            problems.append(f"{name}: only in {b.parent if b.exists() else a.parent}")
            continue
        left, right = pd.read_parquet(a), pd.read_parquet(b)
        left = left.drop(columns=[c for c in RUN_COLUMNS if c in left.columns])
        right = right.drop(columns=[c for c in RUN_COLUMNS if c in right.columns])
        try:
            assert_frame_equal(left, right, check_exact=True)
        except AssertionError as exc:
            problems.append(f"{name}: {str(exc).strip()[:2000]}")
    return problems


def main(args: list[str]) -> int:
    if len(args) < 2 or len(args) % 2:
        print(__doc__)
        return 2
    failed = False
    for old, new in zip(args[::2], args[1::2], strict=True):
        problems = compare(Path(old), Path(new))
        print(f"{old} vs {new}: " + ("identical" if not problems else "DIFFERENT"))
        for problem in problems:
            print("  " + problem)
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
