"""Corrections from the command line, on three documents of the sample archive (data/raw):
`iop correct` writes an entry, every `iop extract` applies it (from the cache too), the
report shows the command beside each fact, `iop corrections check` is a dry run and
`iop corrections export-gold` writes gold the scorer reads. An edited document orphans its
corrections (exit 3, the rest complete); a malformed file stops the run before it writes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "raw"
DOCS = ("000_d3bc919bb2a10656.txt", "002_2b68fa102c319169.txt", "003_6febc1509cba0eef.txt")
MEMO, AGREEMENT = "002_2b68fa102c319169.txt", "003_6febc1509cba0eef.txt"


def iop(*args: str, cwd: Path) -> SimpleNamespace:
    """`iop ARGS` run in `cwd` (in this process: the CLI's own parsing and exit codes)."""
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, list(args), env={"IOP_USER": "anna"})
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout,
                           stderr=result.stderr)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """data/raw (three of its texts), data/extracted and data/cache, corrections none yet."""
    root = tmp_path_factory.mktemp("archive")
    (root / "data" / "raw").mkdir(parents=True)
    for name in DOCS:
        shutil.copy(SAMPLE / name, root / "data" / "raw" / name)
    result = iop("extract", "--workers", "1", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def archive(extracted, tmp_path) -> Path:
    root = tmp_path / "a"
    shutil.copytree(extracted, root)
    return root


def table(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / "data" / "extracted" / f"{name}.csv", keep_default_na=False)


SET_BASIS = ("correct", "set", MEMO, "amounts@1:6017-6027", "basis=per_year",
             "--why", "Överenskommelsen § 5: 160 000 kr per år")
DISMISS = ("correct", "flag", AGREEMENT, "UNSIGNED@1:15441-15468", "dismiss",
           "--why", "Underskrivet original i diariet")


@pytest.mark.parametrize("command", [
    ("correct",), ("correct", "set"), ("correct", "add"), ("correct", "remove"),
    ("correct", "flag"), ("correct", "revoke"), ("corrections",), ("corrections", "check"),
    ("corrections", "export-gold"),
])
def test_help_has_an_example(command, tmp_path):
    result = iop(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert f"Example: iop {command[0]}" in result.stdout


def test_a_correction_round_trip(archive):
    written = iop(*SET_BASIS, cwd=archive)
    assert written.returncode == 0, written.stderr
    path = archive / "data" / "corrections" / f"{MEMO}.toml"
    assert written.stdout.startswith("c-") and f"{path.relative_to(archive)} line " in \
        written.stdout
    assert 'basis: "unknown" -> "per_year"' in written.stdout
    assert iop(*DISMISS, cwd=archive).returncode == 0
    check = iop("corrections", "check", cwd=archive)
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines()[-1] == "2 corrections in data/corrections: 2 applied"
    run = iop("extract", "--workers", "1", cwd=archive)
    assert run.returncode == 0, run.stderr
    assert "(3 from cache)" in run.stdout and run.stdout.rstrip().endswith(
        "corrections: 2 applied")
    amounts = table(archive, "amounts")
    corrected = amounts[amounts["origin"] == "corrected"]
    assert list(corrected["amount_sek"]) == [160000]
    assert list(corrected["basis"]) == ["per_year"]
    flags = table(archive, "flags")
    dismissed = flags[flags["decision"] == "dismissed"]
    assert list(dismissed["message"]) == ["Ingen har skrivit under för Linköpings stadsmission."]
    assert list(dismissed["decision_reason"]) == ["Underskrivet original i diariet"]
    again = iop("extract", "--workers", "1", cwd=archive)  # nothing changed: up to date
    assert again.returncode == 0 and "up to date" in again.stdout
    report = iop("report", cwd=archive)
    assert report.returncode == 0, report.stderr
    memo_id = table(archive, "documents").set_index("source").loc[MEMO, "doc_id"]
    page = (archive / "data" / "report" / "docs" / f"{memo_id}.html").read_text()
    assert f"iop correct set {MEMO} amounts@1:6017-6027 payer=" in page.replace("&#34;", '"')
    assert "origin-corrected" in page
    gold = iop("corrections", "export-gold", "gold", cwd=archive)
    assert gold.returncode == 0, gold.stderr
    assert gold.stdout.splitlines()[-1] == "2 gold files written to gold"
    written_gold = json.loads((archive / "gold" / f"{MEMO}.json").read_text())
    assert {"amount_sek": 160000, "basis": "per_year"}.items() <= \
        next(a for a in written_gold["amounts"] if a["amount_sek"] == 160000).items()
    agreement = json.loads((archive / "gold" / f"{AGREEMENT}.json").read_text())
    assert agreement["flag_counts"] == {"UNSIGNED": 2}


def test_exported_gold_scores_the_corrected_tables_in_full_and_the_extracted_less(archive):
    from bench.eval import Tables, score_document

    assert iop("extract", "--workers", "1", "--no-corrections", "--out", "plain",
               cwd=archive).returncode == 0
    assert iop(*SET_BASIS, cwd=archive).returncode == 0
    assert iop(*DISMISS, cwd=archive).returncode == 0
    assert iop("extract", "--workers", "1", cwd=archive).returncode == 0
    assert iop("corrections", "export-gold", "gold", cwd=archive).returncode == 0
    for name, missed in [(MEMO, ["amount.basis"]), (AGREEMENT, [])]:
        gold = json.loads((archive / "gold" / f"{name}.json").read_text())
        corrected = score_document(Tables.load(archive / "data" / "extracted"), gold)
        assert corrected.score == 1.0, [m.what for m in corrected.misses]
        plain = score_document(Tables.load(archive / "plain"), gold)
        assert [m.field for m in plain.misses] == missed


def test_an_edited_document_orphans_its_corrections_and_the_rest_is_published(archive):
    assert iop(*SET_BASIS, cwd=archive).returncode == 0
    assert iop(*DISMISS, cwd=archive).returncode == 0
    with open(archive / "data" / "raw" / AGREEMENT, "a", encoding="utf-8") as handle:
        handle.write("\nTillägg efter granskningen.\n")
    run = iop("extract", "--workers", "1", cwd=archive)
    assert run.returncode == 3, run.stderr
    assert "3 read (2 from cache, 1 with warnings), 0 failed" in run.stdout
    assert run.stdout.rstrip().endswith("corrections: 1 applied, 1 orphaned")
    assert run.stderr.startswith(f"  warning: {AGREEMENT}: CORRECTION_ORPHANED: a correction "
                                 "could not be applied: c-")
    assert f"{AGREEMENT} has changed since the correction was written" in run.stderr
    documents = table(archive, "documents").set_index("source")
    assert list(documents["status"]) == ["ok", "ok", "warning"]
    assert len(table(archive, "amounts")) > 10  # every document's facts are there
    corrections = table(archive, "corrections").set_index("action")
    assert corrections.loc["decide", "status"] == "orphaned"
    assert corrections.loc["set", "status"] == "applied"
    flags = table(archive, "flags")
    assert set(flags["decision"]) == {""}  # the dismissal is not applied to the new version
    check = iop("corrections", "check", cwd=archive)
    assert check.returncode == 3
    assert [line.split()[0] for line in check.stdout.splitlines()[:-1]] == ["applied",
                                                                           "orphaned"]
    again = iop("extract", "--workers", "1", cwd=archive)  # up to date, still exit 3
    assert again.returncode == 3 and "up to date" in again.stdout
    retarget = iop(*DISMISS, cwd=archive)  # the same decision on the new version
    assert retarget.returncode == 0, retarget.stderr
    assert "written for an earlier version" in retarget.stdout
    fixed = iop("extract", "--workers", "1", cwd=archive)
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.rstrip().endswith("corrections: 2 applied, 1 superseded")


MALFORMED = [
    # (what the file holds after a good entry, line named, words)
    ('\n[[correction]]\nid = "c-9"\naction = "set"\n', 27, "'who' is missing"),
    ("\n[[correction]\n", 27, "not valid TOML"),
]


@pytest.mark.parametrize("tail,line,words", MALFORMED)
def test_a_malformed_file_stops_the_run_before_it_writes(archive, tail, line, words):
    assert iop(*SET_BASIS, cwd=archive).returncode == 0
    path = archive / "data" / "corrections" / f"{MEMO}.toml"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(tail)
    manifest = archive / "data" / "extracted" / "manifest.json"
    before = hashlib.sha256(manifest.read_bytes()).hexdigest()
    run = iop("extract", "--workers", "1", cwd=archive)
    assert run.returncode == 2
    assert run.stderr.startswith(f"iop extract: data/corrections/{MEMO}.toml line {line}: ")
    assert words in run.stderr and run.stderr.rstrip().endswith("nothing was read or written")
    assert hashlib.sha256(manifest.read_bytes()).hexdigest() == before
    assert "corrected" not in set(table(archive, "amounts")["origin"])
    check = iop("corrections", "check", cwd=archive)
    assert check.returncode == 2 and f"{MEMO}.toml line {line}: " in check.stderr


def test_a_joint_duty_needs_where_and_an_added_fact_is_found_by_its_quote(archive):
    remove = ("correct", "remove", AGREEMENT, "obligations@1:7618-7714", "--why", "ingen part")
    vague = iop(*remove, cwd=archive)
    assert vague.returncode == 2 and "say which with --where" in vague.stderr
    assert not (archive / "data" / "corrections").exists()
    assert iop(*remove, "--where", "party=Idéburen sektor", cwd=archive).returncode == 0
    add = iop("correct", "add", AGREEMENT, "signatories", "person=Anna Berg",
              "for_party=Linköpings stadsmission", "--quote", "För Linköpings stadsmission",
              "--why", "Underskrift i diariets exemplar", cwd=archive)
    assert add.returncode == 0, add.stderr
    assert iop("extract", "--workers", "1", cwd=archive).returncode == 0
    obligations = table(archive, "obligations")
    assert "Idéburen sektor" not in set(obligations["party"])
    signatories = table(archive, "signatories")
    added = signatories[signatories["origin"] == "added"].iloc[0]
    assert (added["person"], added["page"], added["char_start"], added["char_end"]) == (
        "Anna Berg", 1, 15441, 15468)
    flags = table(archive, "flags")
    unsigned = flags[flags["code"] == "UNSIGNED"]["message"]
    assert len(unsigned) == 3  # the added signature does not hide the empty line


USAGE = [
    # (arguments, words of the one line said)
    (("extract", "--corrections", "nowhere"), "no corrections folder nowhere"),
    (("corrections", "check", "--corrections", "nowhere"), "no corrections folder nowhere"),
    (("correct", "set", "nothing.txt", "amounts:a1", "payer=X", "--why", "x"),
     "no document 'nothing.txt'"),
    (("correct", "set", MEMO, "amounts:a99", "payer=X", "--why", "x"),
     f"no amounts fact amounts:a99 in {MEMO}"),
    (("correct", "set", MEMO, "amounts:a1", "payr=X", "--why", "x"),
     "'payr=X': write FIELD=VALUE with a column of amounts"),
    (("correct", "set", MEMO, "amounts:a1", "amount_sek=lots", "--why", "x"),
     "amount_sek='lots' is not a number"),
    (("correct", "flag", AGREEMENT, "UNSIGNED", "dismiss", "--why", "x"),
     "3 flags UNSIGNED on 003_6febc1509cba0eef.txt: say which (UNSIGNED@1:15441-15468"),
    (("correct", "add", AGREEMENT, "signatories", "person=A", "--quote", "För", "--why", "x"),
     "--quote 'För' is found"),
    (("correct", "revoke", "c-nothing", "--why", "x"), "no correction 'c-nothing'"),
]


@pytest.mark.parametrize("args,words", USAGE)
def test_a_usage_error_is_one_line_and_writes_nothing(archive, args, words):
    result = iop(*args, cwd=archive)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and words in result.stderr
    assert not (archive / "data" / "corrections").exists()
