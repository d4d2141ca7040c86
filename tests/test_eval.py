"""make eval (bench/eval.py): its scoring agrees with ../shared/tools/score.py, the scorer the
hidden sets are measured with, and the dev corpus's score keeps a floor."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import eval as evaluation
from tests.shared_gate import SHARED, require_shared

REPO = Path(__file__).resolve().parent.parent
SCORE_PY = SHARED / "tools" / "score.py"

# The dev corpus's score today minus a small margin: a change that loses facts fails here.
# Raise it as accuracy work lands (measured: python bench/eval.py --corpus dev).
DEV_FLOOR = 0.98  # measured 1.000 (make eval); a floor, not the figure

_FIELD_LINE = re.compile(r"^(\S+)\s+(\d+)/(\d+)\s+\S+(?:\s+extra (\d+))?$")
_SCORE_LINE = re.compile(r"^score (\d\.\d{3}) \((\d+)/(\d+);")


def score_py(out: Path, gold: Path) -> dict:
    """What the shared scorer prints: per field (hit, total, extra) and the score line."""
    done = subprocess.run([sys.executable, str(SCORE_PY), str(out), str(gold), "--min", "0"],
                          capture_output=True, text=True, check=True)
    fields, overall = {}, None
    for line in done.stdout.splitlines():
        if m := _FIELD_LINE.match(line):
            fields[m[1]] = (int(m[2]), int(m[3]), int(m[4] or 0))
        elif m := _SCORE_LINE.match(line):
            overall = (m[1], int(m[2]), int(m[3]))
    return {"fields": fields, "score": overall}


def ours(out: Path, gold: Path) -> dict:
    """The same figures from bench/eval.py."""
    result = evaluation.total(evaluation.score_run(evaluation.Tables.load(out),
                                                   evaluation.gold_files(gold)).values())
    fields = {f: (result.hit[f], result.total[f], result.extra[f]) for f in result.total}
    hit = sum(result.hit.values())
    denominator = sum(result.total.values()) + sum(result.extra.values())
    return {"fields": fields, "score": (f"{result.score:.3f}", hit, denominator)}


@pytest.fixture(scope="module")
def dev_tables(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("eval") / "dev"
    evaluation.extract(SHARED / "corpus/dev/docs", out, cache=None)
    return out


def test_agrees_with_score_py_on_the_dev_corpus(dev_tables):
    gold = SHARED / "corpus/dev/gold"
    assert ours(dev_tables, gold) == score_py(dev_tables, gold)


def test_dev_corpus_score_keeps_its_floor(dev_tables):
    result = evaluation.total(evaluation.score_run(
        evaluation.Tables.load(dev_tables),
        evaluation.gold_files(SHARED / "corpus/dev/gold")).values())
    assert result.score >= DEV_FLOOR, f"dev corpus score {result.score:.3f} < {DEV_FLOOR}"


# --- agreement case by case: tables and gold written here, both scorers run on them -----

DOC = "a" * 64
OTHER = "b" * 64

# (name, gold, rows per table); every document row is DOC's unless it says otherwise
CASES = [
    # names: stems (-en, -et, -s on long words), stop words, 60% of three or more words
    ("name-stem", {"parties": [{"name": "Föreningen Gröna Vägen", "sector": "nonprofit"}]},
     {"parties": [{"name": "Förening Gröna Vägen", "sector": "nonprofit"}]}),
    ("name-stop-words", {"parties": [{"name": "Kultur- och fritidsnämnden i Fyrby kommun",
                                      "sector": "public"}]},
     {"parties": [{"name": "Kulturnämnden Fyrby", "sector": "private"}]}),
    ("name-two-words-both-needed", {"parties": [{"name": "Fyrby kommun", "sector": "public"}]},
     {"parties": [{"name": "Fyrby församling", "sector": "public"}]}),
    ("name-60-percent", {"signatories": [{"person": "Anna Berit Carlsson Dahl"}]},
     {"signatories": [{"person": "Anna Carlsson Dahl Ek"}]}),
    ("org-number-space", {"parties": [{"name": "Stödet", "org_number": "802000-1234"}]},
     {"parties": [{"name": "Stödet", "org_number": "802000- 1234"}]}),
    # amounts: extras are distinct values, attributes on any row of the value
    ("amount-extras", {"amounts": [{"amount_sek": 100000, "payer": "Fyrby kommun",
                                    "payee": "Stödet", "basis": "per_year",
                                    "in_kind": False, "period_end": "2025-12-31"}]},
     {"amounts": [{"amount_sek": "100000", "payer": "Kommunen", "basis": "per_year",
                   "in_kind": "False", "period_end": "2025-12-31"},
                  {"amount_sek": "100 000", "payer": "Fyrby kommun", "payee": "Stödet",
                   "in_kind": "1"},
                  {"amount_sek": "5000"}, {"amount_sek": "5000.0"}, {"amount_sek": "x"}]}),
    ("amount-in-kind-forms", {"amounts": [{"amount_sek": 7, "in_kind": True},
                                          {"amount_sek": 8, "in_kind": False}]},
     {"amounts": [{"amount_sek": "7", "in_kind": "t"}, {"amount_sek": "8", "in_kind": ""}]}),
    # periods: an open end is an empty cell; notice by months
    ("term-open", {"term": {"start": "2025-01-01", "end": None}, "notice_months": 6},
     {"periods": [{"kind": "term", "start": "2025-01-01", "end": ""},
                  {"kind": "notice", "months": "6.0"}]}),
    ("term-wrong-end", {"term": {"start": "2025-01-01", "end": "2026-12-31"},
                        "notice_months": 3},
     {"periods": [{"kind": "term", "start": "2025-01-01", "end": ""},
                  {"kind": "funding", "start": "2025-01-01", "end": "2026-12-31"}]}),
    # obligations: the key in the action after normalising; the quantity as a number
    ("obligation", {"obligations": [{"action_contains": "Stöd-grupper, två", "quantity": 2},
                                    {"action_contains": "rapport"}]},
     {"obligations": [{"action": "leda stöd grupper två gånger", "quantity": "2.0"},
                      {"action": "", "quote": "ska lämna en rapport"}]}),
    # flags: a pair's flag counts on the related document too; counts; absent flags
    ("flags", {"flags": ["SUM_MISMATCH", "UNSIGNED"], "flag_counts": {"UNSIGNED": 2},
               "absent_flags": ["PLACEHOLDER", "PERIOD_MISMATCH"]},
     {"flags": [{"code": "UNSIGNED"}, {"code": "PERIOD_MISMATCH"},
                {"code": "SUM_MISMATCH", "doc_id": OTHER, "related_doc_id": DOC}]}),
    # documents: a warning status is a miss; a document found by its stem alone
    ("status-warning", {"kind": "memo"}, {"documents": [{"status": "warning", "kind": "memo"}]}),
    ("found-by-stem", {"source": "doc.txt", "kind": "agreement"},
     {"documents": [{"source": "in/doc.pdf", "kind": "agreement"}]}),
    ("not-in-documents", {"source": "missing.txt", "kind": "agreement"}, {}),
]

COLUMNS = {
    "documents": ["doc_id", "source", "kind", "status"],
    "parties": ["doc_id", "name", "org_number", "sector"],
    "amounts": ["doc_id", "amount_sek", "payer", "payee", "basis", "in_kind", "period_end"],
    "periods": ["doc_id", "kind", "start", "end", "months"],
    "obligations": ["doc_id", "action", "quantity", "quote"],
    "signatories": ["doc_id", "person"],
    "flags": ["doc_id", "related_doc_id", "code"],
}


def write_case(tmp_path: Path, gold: dict, rows: dict) -> tuple[Path, Path]:
    out, golds = tmp_path / "out", tmp_path / "gold"
    out.mkdir()
    golds.mkdir()
    documents = rows.get("documents") or [{}]
    tables = {**rows, "documents": [
        {"doc_id": DOC, "source": "doc.txt", "kind": "agreement", "status": "ok", **d}
        for d in documents]}
    for name, columns in COLUMNS.items():
        with (out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns, restval="")
            writer.writeheader()
            for row in tables.get(name, []):
                writer.writerow({"doc_id": DOC, **row})
    spec = {"source": "doc.txt", "kind": "agreement", **gold}
    (golds / "doc.json").write_text(json.dumps(spec), encoding="utf-8")
    return out, golds


@pytest.mark.parametrize("gold,rows", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_agrees_with_score_py_case_by_case(tmp_path, gold, rows):
    out, golds = write_case(tmp_path, gold, rows)
    assert ours(out, golds) == score_py(out, golds)


# --- where a miss is shown: the amount as it may be written ------------------------------

@pytest.mark.parametrize("value,text,found", [
    (690000, "bidrar med 690 000 kronor", "690 000"),
    (690000, "bidrar med 690000 kr", "690000"),
    (690000, "bidrar med 690.000 kr", "690.000"),
    (690000, "ett bidrag om 690 tkr per år", "690 tkr"),
    (1560000, "totalt 1,56 mnkr för perioden", "1,56 mnkr"),
    (690000, "bidrar med 1 690 000 kronor", None),  # another amount
    (690000, "bidrar med 690 0001 kronor", None),
])
def test_amount_is_found_in_the_source_text(value, text, found):
    match = evaluation._amount_needle(value).search(text)
    assert (match.group() if match else None) == found


require_shared(globals(), "the dev corpus, its gold and tools/score.py")
