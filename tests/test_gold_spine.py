"""Every seed and text-layer fixture: its kind, every org number and every kronor amount of
its gold file are found, and no amount that is not in the gold file."""

from __future__ import annotations

import pytest

from tests.conftest import case_id, gold_cases
from tests.helpers import facts_of

CASES = gold_cases()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_kind(case, shared):
    path, gold = case
    row, _ = facts_of(path)
    assert row["status"] == "ok", row["error"]
    assert row["kind"] == gold["kind"]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_org_numbers(case, shared):
    path, gold = case
    _, tables = facts_of(path)
    expected = {p["org_number"] for p in gold["parties"] if p.get("org_number")}
    found = {p["org_number"] for p in tables["parties"] if p["org_number"]}
    assert found == expected
    assert all(p["org_number_valid"] for p in tables["parties"] if p["org_number"])


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_amounts_all_found_none_extra(case, shared):
    path, gold = case
    _, tables = facts_of(path)
    expected = sorted({a["amount_sek"] for a in gold["amounts"]})
    found = sorted({a["amount_sek"] for a in tables["amounts"]})
    assert found == expected


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_title(case, shared):
    path, gold = case
    row, _ = facts_of(path)
    if "title_contains" in gold:
        assert gold["title_contains"] in row["title"]
    if row["title"]:  # provenance: the source text where the title was read
        from pipeline.ingest import read_document

        pages = {p.number: p.text for p in read_document(path, path.name).pages}
        source = pages[row["title_page"]][row["title_char_start"]:row["title_char_end"]]
        assert " ".join(source.split()) == " ".join(row["title"].split())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_every_row_points_back_to_its_quote(case, shared):
    """Provenance: the source page text between char_start and char_end reads as the quote."""
    from pipeline.ingest import read_document

    path, _ = case
    doc = read_document(path, path.name)
    pages = {p.number: p.text for p in doc.pages}
    _, tables = facts_of(path)
    rows = tables["amounts"] + tables["parties"]
    assert rows or not case[1]["amounts"]
    for row in rows:
        source = pages[row["page"]][row["char_start"] : row["char_end"]]
        squash = lambda s: "".join(s.split()).replace("-", "")  # noqa: E731
        assert squash(source) == squash(row["quote"]), (source, row["quote"])
        assert row["rule_id"]
