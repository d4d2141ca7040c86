"""The archive's funding views against the funding a generated archive holds.

    python bench/generate_archive.py --funding --n 200 --out data/bench/funding-200
    .venv/bin/iop extract data/bench/funding-200 --out data/bench/funding-200-tables
    python bench/funding_check.py data/bench/funding-200-tables data/bench/funding-200.funding.json

(`python bench/funding_check.py --n 200` does all three under data/bench/.) Reads the views
in iop.duckdb (funding_by_organisation_year, funding_by_payer_year, funding_by_year) and
compares, per organisation (by organisationsnummer) and year, the cash received, the cash
paid and the in-kind contributions with the generator's truth; prints every difference and
one line per figure: how many cells agree.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent

# (truth key, view, organisation column, value column)
FIGURES = (
    ("received", "funding_by_organisation_year", "organisation_id", "received_sek"),
    ("paid", "funding_by_payer_year", "payer_id", "cash_sek"),
    ("in_kind", "funding_by_organisation_year", "organisation_id", "in_kind_sek"),
)


def found(tables: Path) -> dict[str, dict[tuple[str, str], int]]:
    """figure -> {(org number, year): kronor} from the views (an entity's every number)."""
    con = duckdb.connect(str(tables / "iop.duckdb"), read_only=True)
    try:
        numbers: dict[str, list[str]] = {}
        for org, number in con.execute(
                "select organisation_id, org_number from organisations "
                "where org_number is not null").fetchall():
            numbers[org] = number.split()
        out: dict[str, dict[tuple[str, str], int]] = {}
        for figure, view, column, value in FIGURES:
            cells: dict[tuple[str, str], int] = {}
            for org, year, sek in con.execute(
                    f"select {column}, year, {value} from {view} "
                    f"where {value} is not null and {value} <> 0").fetchall():
                for number in numbers.get(org, [org]):
                    key = (number, "" if year is None else str(year))
                    cells[key] = cells.get(key, 0) + int(sek)
            out[figure] = cells
        by_year = {}
        for year, cash, kind in con.execute(
                "select year, cash_sek, in_kind_sek from funding_by_year").fetchall():
            by_year[("cash", "" if year is None else str(year))] = int(cash or 0)
            by_year[("in_kind", "" if year is None else str(year))] = int(kind or 0)
        out["by_year"] = {k: v for k, v in by_year.items() if v}
        return out
    finally:
        con.close()


def expected(truth_path: Path) -> dict[str, dict[tuple[str, str], int]]:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    out = {figure: {(number, year): sek for number, years in truth[figure].items()
                    for year, sek in years.items() if sek}
           for figure, *_ in FIGURES}
    out["by_year"] = {(kind, year): sek for kind, years in truth["by_year"].items()
                      for year, sek in years.items() if sek}
    return out


def compare(tables: Path, truth_path: Path) -> dict[str, list[tuple]]:
    """figure -> [(key, expected, found)] for every cell either side has."""
    got, want = found(tables), expected(truth_path)
    out = {}
    for figure in want:
        keys = sorted(set(got.get(figure, {})) | set(want[figure]))
        out[figure] = [(key, want[figure].get(key, 0), got.get(figure, {}).get(key, 0))
                       for key in keys]
    return out


def report(result: dict[str, list[tuple]]) -> bool:
    ok = True
    for figure, cells in result.items():
        wrong = [c for c in cells if c[1] != c[2]]
        ok &= not wrong
        total_want = sum(c[1] for c in cells)
        total_got = sum(c[2] for c in cells)
        print(f"{figure:9s} {len(cells) - len(wrong):5d}/{len(cells):<5d} cells agree; "
              f"total expected {total_want:>14,} kr, found {total_got:>14,} kr"
              .replace(",", " "))
        for key, want, got in wrong[:20]:
            print(f"    {key[0]} {key[1] or '(no year)'}: expected {want:,}, found {got:,}"
                  .replace(",", " "))
        if len(wrong) > 20:
            print(f"    and {len(wrong) - 20} more")
    return ok


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tables", nargs="?", type=Path)
    parser.add_argument("truth", nargs="?", type=Path)
    parser.add_argument("--n", type=int, default=200,
                        help="without tables and truth: generate and extract this many families")
    args = parser.parse_args(argv)
    if args.tables is None:
        archive = REPO / "data" / "bench" / f"funding-{args.n}"
        subprocess.run([sys.executable, str(REPO / "bench" / "generate_archive.py"),
                        "--funding", "--n", str(args.n), "--out", str(archive)], check=True)
        args.tables = archive.with_name(archive.name + "-tables")
        subprocess.run([str(REPO / ".venv" / "bin" / "iop"), "extract", str(archive),
                        "--out", str(args.tables), "--cache", str(REPO / "data" / "cache")],
                       check=False)
        args.truth = archive.with_name(archive.name + ".funding.json")
    return 0 if report(compare(args.tables, args.truth)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
