"""`iop compare` as a user runs it: output, files written, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import shutil

from tests.conftest import FIXTURES, SEEDS
from tests.test_cli import run

AGREEMENT = str(SEEDS / "000_d3bc919bb2a10656.txt")
PDF_LAYOUT = str(SEEDS / "001_088b6c7d61ba9907.txt")
MEMO = str(SEEDS / "002_2b68fa102c319169.txt")


def test_help_has_usage_and_an_example():
    result = run("compare", "--help")
    assert result.returncode == 0
    assert "--html" in result.stdout and "--json" in result.stdout
    assert "Example: iop compare" in result.stdout


def test_drafts_that_differ_exit_1_with_fields_then_wording(tmp_path, shared):
    page = tmp_path / "changes.html"
    result = run("compare", AGREEMENT, PDF_LAYOUT, "--html", str(page))
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert "\x1b[" not in out  # plain when piped
    assert out.index("Fältändringar") < out.index("Inga fältändringar.") < out.index(
        "Ordalydelse")
    assert "[-inget-]{+inger+} framtidshopp" in out
    assert "[-gruppleddare-]{+gruppledare+}" in out
    assert out.count("Idéburet Offentligt Partnerskap avseende") == 1
    assert out.rstrip().endswith(f"HTML skriven till {page}")
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "<del" in html and "<ins" in html
    assert not list(tmp_path.glob(".*.tmp"))


def test_renderings_of_one_agreement_exit_0(shared):
    result = run("compare", str(FIXTURES / "agreement-biv-2023.docx"),
                 str(FIXTURES / "agreement-biv-2023.pdf"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dokumenten är lika i fält och ordalydelse." in result.stdout


def test_json_for_tools(shared):
    result = run("compare", AGREEMENT, PDF_LAYOUT, "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["mode"] == "drafts" and data["fields"] == []
    assert [(c["kind"], c["old_text"], c["new_text"]) for c in data["wording"]["changes"]][1:] \
        == [("replace", "inget", "inger"), ("replace", "gruppleddare", "gruppledare")]


def test_memo_against_agreement_side_by_side_without_wording(shared):
    result = run("compare", MEMO, AGREEMENT)
    assert result.returncode == 1
    assert "Fakta sida vid sida" in result.stdout
    assert "bara i förslaget" in result.stdout
    assert "--wording" in result.stdout  # says the wording was not compared, and how to
    result = run("compare", MEMO, AGREEMENT, "--wording", "--json")
    assert json.loads(result.stdout)["wording"]["changes"]


def test_errors_exit_2_with_a_message(tmp_path, shared):
    missing = run("compare", AGREEMENT, str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(os.urandom(2048))
    broken = run("compare", AGREEMENT, str(garbage))
    assert broken.returncode == 2 and "garbage.pdf" in broken.stderr
    assert "Traceback" not in broken.stderr
    assert run("compare", AGREEMENT).returncode == 2  # NEW missing: usage error


def test_same_file_twice_exit_0(tmp_path, shared):
    copy = tmp_path / "copy.txt"
    shutil.copy(AGREEMENT, copy)
    result = run("compare", AGREEMENT, str(copy))
    assert result.returncode == 0
