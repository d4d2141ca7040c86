"""Every fact in the gold files, field by field, for the seeds and their renderings:
parties (org number, sector, role), amounts (payer, payee, basis, in kind, role, period,
source of funds), sums, term, notice, follow-up, other periods, signing place and date,
signatories, obligations and a memo's date."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.resolve.parties import party_key
from tests.conftest import case_id, gold_cases
from tests.helpers import facts_of

CASES = gold_cases()


@cache
def facts(path):
    return facts_of(path)[1]


@cache
def document_row(path):
    return facts_of(path)[0]


def same_party(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return not a and not b
    ka, kb = party_key(a), party_key(b)
    return ka == kb or ka.endswith(" " + kb) or kb.endswith(" " + ka)


def cases_with(key: str):
    return [c for c in CASES if c[1].get(key)]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_parties(case, shared):
    path, gold = case
    rows = [r for r in facts(path)["parties"] if r["role"] == "party"]
    for want in gold["parties"]:
        match = [r for r in rows if same_party(r["name"], want["name"])]
        assert match, f"party {want['name']!r} not among {[r['name'] for r in rows]}"
        row = match[0]
        assert (row["org_number"] or None) == want.get("org_number")
        assert row["sector"] == want["sector"], row


@pytest.mark.parametrize("case", cases_with("mentioned_not_parties"), ids=case_id)
def test_mentioned_organisations_are_not_parties(case, shared):
    path, gold = case
    for name in gold["mentioned_not_parties"]:
        rows = [r for r in facts(path)["parties"] if same_party(r["name"], name)]
        assert all(r["role"] != "party" for r in rows)


def _amount_row(rows, want):
    candidates = [r for r in rows if r["amount_sek"] == want["amount_sek"]]
    assert candidates, f"amount {want['amount_sek']} not found"
    if want.get("payer"):
        candidates = [r for r in candidates if same_party(r["payer"], want["payer"])] or candidates
    if want.get("source_of_funds"):
        candidates = [r for r in candidates
                      if r["source_of_funds"] == want["source_of_funds"]] or candidates
    return candidates[0]


@pytest.mark.parametrize("case", cases_with("amounts"), ids=case_id)
def test_amounts_field_by_field(case, shared):
    path, gold = case
    rows = facts(path)["amounts"]
    for want in gold["amounts"]:
        row = _amount_row(rows, want)
        label = f"{want['amount_sek']} in {path.name}"
        if "payer" in want:
            assert same_party(row["payer"], want["payer"]), (label, row["payer"])
        if "payee" in want:
            assert same_party(row["payee"], want["payee"]), (label, row["payee"])
        for key in ("basis", "role", "period_start", "period_end", "source_of_funds"):
            if key in want:
                assert row[key] == want[key], (label, key, row[key])
        if "in_kind" in want:
            assert row["in_kind"] == want["in_kind"], (label, row["in_kind"])


@pytest.mark.parametrize("case", cases_with("sums"), ids=case_id)
def test_stated_totals_and_their_parts(case, shared):
    path, gold = case
    rows = facts(path)["amounts"]
    for want in gold["sums"]:
        totals = [r for r in rows if r["amount_sek"] == want["total"]]
        parts = {r["amount_sek"] for t in totals for r in rows if r["part_of"] == t["amount_id"]}
        assert parts == set(want["parts"]), (want, parts)


@pytest.mark.parametrize("case", cases_with("term"), ids=case_id)
def test_term(case, shared):
    path, gold = case
    terms = [r for r in facts(path)["periods"] if r["kind"] == "term" and r["start_date"]]
    assert terms, "no term"
    term = gold["term"]
    assert (terms[0]["start_date"], terms[0]["end_date"]) == (term["start"], term["end"])
    if "stated_duration_months" in term:
        assert terms[0]["months"] == term["stated_duration_months"]


@pytest.mark.parametrize("case", cases_with("notice_months"), ids=case_id)
def test_notice(case, shared):
    path, gold = case
    notice = [r for r in facts(path)["periods"] if r["kind"] == "notice"]
    assert [r["months"] for r in notice] == [gold["notice_months"]]


@pytest.mark.parametrize("case", cases_with("follow_up"), ids=case_id)
def test_follow_up(case, shared):
    path, gold = case
    rows = [r for r in facts(path)["periods"] if r["kind"] == "follow_up"]
    assert rows and rows[0]["times_per_year"] == gold["follow_up"]["per_year"]
    assert gold["follow_up"]["text_contains"] in rows[0]["quote"]


@pytest.mark.parametrize("case", cases_with("other_periods"), ids=case_id)
def test_other_periods(case, shared):
    path, gold = case
    rows = facts(path)["periods"]
    for want in gold["other_periods"]:
        kind = "indexation" if want["kind"] == "indexation_from" else want["kind"]
        match = [r for r in rows if r["kind"] == kind and r["start_date"] == want["start"]
                 and r["end_date"] == want.get("end")]
        assert match, want


@pytest.mark.parametrize("case", cases_with("signatories"), ids=case_id)
def test_signatories(case, shared):
    path, gold = case
    rows = facts(path)["signatories"]
    assert len(rows) == len(gold["signatories"])
    for want in gold["signatories"]:
        match = [r for r in rows if same_party(r["for_party"], want["for"])]
        assert match, (want, [r["for_party"] for r in rows])
        assert match[0]["person"] == (want["person"] or ""), (want, match[0])
    signed = gold.get("signed")
    if signed:
        for row in rows:
            assert row["place"] == signed["place"]
            assert row["date"] == signed["date"]
            if "date_text" in signed:
                assert row["date_text"] == signed["date_text"]


@pytest.mark.parametrize("case", cases_with("obligations"), ids=case_id)
def test_obligations(case, shared):
    path, gold = case
    rows = facts(path)["obligations"]
    for want in gold["obligations"]:
        match = [r for r in rows if same_party(r["party"], want["party"])
                 and want["action_contains"] in r["action"]]
        assert match, (want, [(r["party"], r["action"]) for r in rows])
        if "quantity" in want:
            assert match[0]["quantity"] == want["quantity"], (want, match[0])
        if "frequency" in want:
            assert match[0]["frequency"] == want["frequency"], (want, match[0])


@pytest.mark.parametrize("case", cases_with("memo_date"), ids=case_id)
def test_memo_date(case, shared):
    path, gold = case
    row = document_row(path)
    assert row["date"] == gold["memo_date"]
    assert row["date_rule_id"].startswith("document_date.")
    assert row["date_quote"] and row["date_page"] >= 1
