"""Analyst corrections applied to a run's rows: they find their fact again after a re-run,
a new pipeline version or a re-ordering; they never touch another row; added facts take
part in the checks; decisions on flags stay on their flag. Small hand-made tables through
the run's own assembly (pipeline.run.assemble): no extraction."""

from __future__ import annotations

import json
import random

import pytest

from pipeline.checks.examples import build, doc_id
from pipeline.corrections.files import CorrectionsError, entry_text, load, parse
from pipeline.run import assemble

DOC = doc_id("avtal")
WHO = {"who": "anna", "when": "2025-05-02T10:15:00Z", "why": "checked against the text"}


def correction(**fields) -> object:
    """One correction as a file holds it (written and read back by the real format)."""
    entry = {"id": fields.pop("id", "c-1"), "doc_id": fields.pop("doc_id", DOC),
             "source": "avtal.txt", **WHO, **fields}
    return parse(entry_text(entry), "avtal.txt.toml")[0]


def rows_of(tables) -> tuple[list[dict], dict[str, list[dict]]]:
    """build()'s frames as a run's inputs: documents rows and fact rows per table."""
    def records(df):
        return df.astype(object).where(df.notna(), None).to_dict("records")
    documents = records(tables["documents"])
    facts = {name: records(tables[name]) for name in
             ("parties", "amounts", "periods", "obligations", "signatories", "placeholders")}
    return documents, facts


def run(tables, corrections=()):
    documents, facts = rows_of(tables)
    return assemble(documents, facts, list(corrections))


def amount(value: int, **fields) -> dict:
    return {"doc": "avtal", "amount_sek": value, **fields}


# --- a correction finds its fact again -----------------------------------------------------

AMOUNTS = [
    amount(300500, payer="Social- och omsorgsnämnden", basis="per_period", role="grant",
           page=1, char_start=7431, char_end=7441, quote="300 500 kr"),
    amount(160000, payer="Social- och omsorgsnämnden", basis="per_year", role="contribution",
           page=1, char_start=7509, char_end=7519, quote="160 000 kr"),
    amount(90000, payer="Linköpings kommun", basis="per_year", role="grant",
           page=2, char_start=100, char_end=109, quote="90 000 kr"),
]
PAYER = correction(action="set", table="amounts",
                   target={"page": 1, "char_start": 7509, "char_end": 7519,
                           "quote": "160 000 kr", "amount_sek": 160000},
                   set={"payer": "Linköpings Domkyrkopastorat"},
                   was={"payer": "Social- och omsorgsnämnden"})


def _same(rows):
    return rows


def _shuffled(rows):
    rows = list(rows)
    random.Random(7).shuffle(rows)
    return rows


def _renumbered(rows):  # a new version numbers the amounts the other way round
    return [dict(r, amount_id=f"b{len(rows) - i}") for i, r in enumerate(rows)]


def _new_rules(rows):  # a new version's rules have other ids and read more context
    return [dict(r, rule_id="amount.v2", quote=f"{r['quote']} per år") for r in rows]


def _wider(rows):  # a new version reads the span with "kronor" after it
    return [dict(r, char_end=r["char_end"] + 7) for r in rows]


def _another_amount_first(rows):  # a new version finds one more amount, before the others
    return [amount(5000, page=1, char_start=10, char_end=18, quote="5 000 kr"), *rows]


SURVIVES = [
    ("a re-run", _same),
    ("rows in another order", _shuffled),
    ("amounts numbered otherwise", _renumbered),
    ("other rule ids and quotes", _new_rules),
    ("a wider span of the same value", _wider),
    ("one more amount found before it", _another_amount_first),
]


@pytest.mark.parametrize("change", [c[1] for c in SURVIVES], ids=[c[0] for c in SURVIVES])
def test_a_correction_finds_its_fact_after(change):
    tables = run(build(amounts=change(AMOUNTS)), [PAYER])
    amounts = tables["amounts"].set_index("amount_sek")
    assert amounts.loc[160000, "payer"] == "Linköpings Domkyrkopastorat"
    assert amounts.loc[160000, "origin"] == "corrected"
    assert amounts.loc[160000, "correction_id"] == "c-1"
    assert amounts.loc[160000, "payer_rule"] == "correction"
    others = amounts.drop(index=160000)
    assert set(others["origin"]) == {"extracted"}
    assert "Linköpings Domkyrkopastorat" not in set(others["payer"])
    assert tables["corrections"].loc[0, "status"] == "applied"


# --- ... and nothing else: orphaned when its fact is not singled out ---------------------------

ORPHANED = [
    ("the fact is no longer read", [AMOUNTS[0], AMOUNTS[2]], "no amounts fact"),
    ("two facts fit a target without identifying values",
     [AMOUNTS[0], dict(AMOUNTS[1], amount_sek=170000), dict(AMOUNTS[1], amount_sek=180000)],
     "no amounts fact"),
    ("another value overlaps the place", [AMOUNTS[0], dict(AMOUNTS[1], amount_sek=170000,
                                                         char_end=7530), AMOUNTS[2]],
     "no amounts fact"),
]


@pytest.mark.parametrize("rows,message", [c[1:] for c in ORPHANED],
                         ids=[c[0] for c in ORPHANED])
def test_an_orphaned_correction_changes_no_row(rows, message):
    tables = run(build(amounts=rows), [PAYER])
    assert "Linköpings Domkyrkopastorat" not in set(tables["amounts"]["payer"])
    assert set(tables["amounts"]["origin"]) == {"extracted"}
    row = tables["corrections"].iloc[0]
    assert row["status"] == "orphaned" and message in row["message"]
    document = tables["documents"].iloc[0]
    assert (document["status"], document["code"]) == ("warning", "CORRECTION_ORPHANED")


def test_a_correction_of_a_changed_document_is_orphaned_and_names_it():
    edited = build(documents=[{"doc": "avtal v2", "source": "avtal.txt"}],
                   amounts=[dict(a, doc="avtal v2") for a in AMOUNTS])
    tables = run(edited, [PAYER])
    row = tables["corrections"].iloc[0]
    assert row["status"] == "orphaned"
    assert "avtal.txt has changed since the correction was written" in row["message"]
    assert row["applied_doc_id"] == doc_id("avtal v2")
    assert tables["documents"].iloc[0]["code"] == "CORRECTION_ORPHANED"
    assert set(tables["amounts"]["origin"]) == {"extracted"}


# --- a joint duty is a row per party: the target's identifying values choose one ---------------

DUTY = [{"doc": "avtal", "party": party, "action": "samverka med polisen", "page": 1,
         "char_start": 500, "char_end": 520, "quote": "samverka med polisen"}
        for party in ("Linköpings stadsmission", "Idéburen sektor", "Omsorgsnämnden")]


def test_a_removal_of_one_party_of_a_joint_duty_keeps_the_others():
    remove = correction(action="remove", table="obligations",
                        target={"page": 1, "char_start": 500, "char_end": 520,
                                "party": "Idéburen sektor", "action": "samverka med polisen"})
    tables = run(build(obligations=DUTY), [remove])
    assert sorted(tables["obligations"]["party"]) == ["Linköpings stadsmission",
                                                      "Omsorgsnämnden"]
    assert tables["corrections"].iloc[0]["status"] == "applied"


# --- corrections that disagree, and corrections that replace ---------------------------------

def _set(ident: str, value: str, **extra):
    return correction(id=ident, action="set", table="amounts",
                      target={"page": 1, "char_start": 7509, "char_end": 7519,
                              "amount_sek": 160000}, set={"payer": value}, **extra)


REMOVE_160 = correction(id="c-r", action="remove", table="amounts",
                        target={"page": 1, "char_start": 7509, "char_end": 7519,
                                "amount_sek": 160000})
AGREEING = [
    # (corrections, status of each, payer of the 160 000 afterwards)
    ([_set("c-a", "Pastoratet"), _set("c-b", "Kommunen")], ["conflict", "conflict"],
     "Social- och omsorgsnämnden"),
    ([_set("c-a", "Pastoratet"), _set("c-b", "Pastoratet")], ["applied", "applied"],
     "Pastoratet"),
    ([_set("c-a", "Pastoratet"), REMOVE_160], ["conflict", "conflict"],
     "Social- och omsorgsnämnden"),
    ([_set("c-a", "Pastoratet"), _set("c-b", "Kommunen", replaces=["c-a"])],
     ["superseded", "applied"], "Kommunen"),
    ([_set("c-a", "Pastoratet"), correction(id="c-x", action="revoke", replaces=["c-a"])],
     ["superseded", "applied"], "Social- och omsorgsnämnden"),
]


@pytest.mark.parametrize("corrections,statuses,payer", AGREEING)
def test_corrections_of_one_fact_that_disagree_are_not_applied(corrections, statuses, payer):
    tables = run(build(amounts=AMOUNTS), corrections)
    assert list(tables["corrections"]["status"]) == statuses
    assert tables["amounts"].set_index("amount_sek").loc[160000, "payer"] == payer


# --- an added amount takes part in SUM_MISMATCH ------------------------------------------------

TOTAL = amount(300000, role="total", amount_id="a1", basis="per_year", page=1, char_start=100,
               char_end=110, quote="300 000 kr")
TOTAL_KEY = {"page": 1, "char_start": 100, "char_end": 110, "amount_sek": 300000}


def _part(value, start, **fields):
    return amount(value, part_of="a1", role="contribution", basis="per_year", page=1,
                  char_start=start, char_end=start + 10, quote=f"{value:,} kr".replace(",", " "),
                  **fields)


def _add(value: int, **values):
    return correction(id=f"c-add-{value}", action="add", table="amounts",
                      values={"amount_sek": value, "basis": "per_year", "role": "contribution",
                              "part_of": TOTAL_KEY, "page": 1, "char_start": 400,
                              "char_end": 410, "quote": f"{value} kr", **values})


SUMS = [
    # (extracted amounts, corrections, SUM_MISMATCH raised)
    ([TOTAL, _part(100000, 200, payer="Kommunen"), _part(150000, 300, payer="Regionen")], [],
     True),
    ([TOTAL, _part(100000, 200, payer="Kommunen"), _part(150000, 300, payer="Regionen")],
     [_add(50000, payer="Föreningen")], False),
    ([TOTAL, _part(100000, 200, payer="Kommunen"), _part(200000, 300, payer="Regionen")], [],
     False),
    ([TOTAL, _part(100000, 200, payer="Kommunen"), _part(200000, 300, payer="Regionen")],
     [_add(50000, payer="Föreningen")], True),
]


@pytest.mark.parametrize("rows,corrections,raised", SUMS)
def test_an_added_amount_takes_part_in_sum_mismatch(rows, corrections, raised):
    tables = run(build(amounts=rows), corrections)
    flags = tables["flags"][tables["flags"]["code"] == "SUM_MISMATCH"]
    assert len(flags) == int(raised)
    added = tables["amounts"][tables["amounts"]["origin"] == "added"]
    assert list(added["part_of"]) == ["a1"] * len(corrections)
    assert list(added["amount_id"]) == [c.id for c in corrections]
    if raised and corrections:
        evidence = json.loads(flags.iloc[0]["evidence"])
        assert 50000 in [e["value"] for e in evidence]


def test_an_added_amount_whose_total_is_gone_is_orphaned():
    tables = run(build(amounts=[_part(100000, 200)]), [_add(50000)])
    assert tables["corrections"].iloc[0]["status"] == "orphaned"
    assert "part_of" in tables["corrections"].iloc[0]["message"]
    assert list(tables["amounts"]["amount_sek"]) == [100000]


# --- decisions on flags ---------------------------------------------------------------------

SIGNATORIES = [
    {"doc": "avtal", "person": "Linda Ljungqvist", "for_party": "omsorgsnämnden", "page": 1,
     "char_start": 900, "char_end": 916, "quote": "Linda Ljungqvist"},
    {"doc": "avtal", "person": "", "for_party": "Linköpings stadsmission", "page": 1,
     "char_start": 920, "char_end": 947, "quote": "För Linköpings stadsmission"},
    {"doc": "avtal", "person": "", "for_party": "Hjärta till hjärta", "page": 1,
     "char_start": 950, "char_end": 972, "quote": "För Hjärta till hjärta"},
]


def _decide(decision: str, span: str = "1:920-947", ident: str = "c-d", **extra):
    return correction(id=ident, action="decide", decision=decision,
                      target={"code": "UNSIGNED", "spans": [span],
                              "message": "Ingen har skrivit under för Linköpings stadsmission."},
                      **extra)


DECISIONS = [
    # (decisions, decision on the stadsmission's flag, on the other, statuses)
    ([_decide("dismissed")], "dismissed", "", ["applied"]),
    ([_decide("accepted")], "accepted", "", ["applied"]),
    ([_decide("dismissed"), _decide("accepted", ident="c-e")], "", "", ["conflict", "conflict"]),
    ([_decide("dismissed"), _decide("accepted", ident="c-e", replaces=["c-d"])], "accepted", "",
     ["superseded", "applied"]),
]


@pytest.mark.parametrize("decisions,decision,other,statuses", DECISIONS)
def test_a_decision_stays_on_its_flag_run_after_run(decisions, decision, other, statuses):
    for _run in range(2):  # a re-run raises the flag again: the decision is on it again
        tables = run(build(signatories=SIGNATORIES), decisions)
        flags = tables["flags"][tables["flags"]["code"] == "UNSIGNED"].set_index("message")
        assert flags.loc["Ingen har skrivit under för Linköpings stadsmission.",
                         "decision"] == decision
        assert flags.loc["Ingen har skrivit under för Hjärta till hjärta.", "decision"] == other
        assert list(tables["corrections"]["status"]) == statuses


def test_a_decision_finds_its_flag_by_its_message_when_the_evidence_moved():
    moved = [dict(s, char_start=s["char_start"] + 3, char_end=s["char_end"] + 3)
             for s in SIGNATORIES]
    tables = run(build(signatories=moved), [_decide("dismissed")])
    flags = tables["flags"].set_index("message")
    assert flags.loc["Ingen har skrivit under för Linköpings stadsmission.",
                     "decision"] == "dismissed"


def test_a_decision_on_a_flag_no_longer_raised_is_orphaned():
    signed = [dict(s, person="Anna Berg") for s in SIGNATORIES]
    tables = run(build(signatories=signed), [_decide("dismissed")])
    assert tables["corrections"].iloc[0]["status"] == "orphaned"
    assert tables["flags"].empty


# --- malformed files: named with file and line ------------------------------------------------

HEAD = ('[[correction]]\nid = "c-1"\naction = "set"\ndoc_id = "' + DOC + '"\n'
        'table = "amounts"\nwho = "anna"\nwhen = 2025-05-02T10:15:00Z\nwhy = "x"\n'
        'target = {page = 1, char_start = 10, char_end = 20}\n')
MALFORMED = [
    # (file text, line named, words of the message)
    ("# ok\n\n[[correction]]\nid = \"c-1\"\naction = set\n", 5, "not valid TOML"),
    (HEAD + 'set = {payr = "x"}\n', 1, "amounts has no column 'payr'"),
    (HEAD + 'set = {basis = "per_day"}\n', 1, "basis 'per_day' is not one of"),
    (HEAD + 'set = {amount_id = "a9"}\n', 1, "amounts.amount_id cannot be corrected"),
    (HEAD + 'set = {amount_sek = "lots"}\n', 1, "amount_sek 'lots' is not a whole number"),
    (HEAD + 'set = {period_end = "2024-02-30"}\n', 1, "not a date"),
    ("\n\n" + HEAD.replace('why = "x"\n', "") + 'set = {payer = "x"}\n', 3, "'why' is missing"),
    (HEAD.replace('"set"', '"fix"') + 'set = {payer = "x"}\n', 1, "action 'fix' is not one of"),
    (HEAD.replace(DOC, "abc") + 'set = {payer = "x"}\n', 1, "doc_id 'abc' is not"),
    (HEAD + 'set = {payer = "x"}\nwhy_not = 1\n', 1, "unknown key 'why_not'"),
    (HEAD + 'set = {payer = "x"}\n\n[[correction]]\nid = "c-2"\naction = "decide"\n'
     f'doc_id = "{DOC}"\nwho = "a"\nwhen = 2025-05-02\nwhy = "y"\ndecision = "ignored"\n'
     'target = {code = "UNSIGNED", spans = ["1:2-3"]}\n', 12, "decision 'ignored'"),
    (HEAD + 'set = {payer = "x"}\n\n[[correction]]\nid = "c-1"\naction = "remove"\n'
     f'doc_id = "{DOC}"\ntable = "amounts"\nwho = "a"\nwhen = 2025-05-02\nwhy = "y"\n'
     'target = {page = 1, char_start = 10, char_end = 20}\n', 12, "id 'c-1' is used twice"),
]


@pytest.mark.parametrize("text,line,words", MALFORMED)
def test_a_malformed_file_is_named_with_its_line(tmp_path, text, line, words):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "avtal.txt.toml").write_text(text, encoding="utf-8")
    with pytest.raises(CorrectionsError) as error:
        load(tmp_path)
    assert (error.value.file, error.value.line) == ("sub/avtal.txt.toml", line)
    assert words in error.value.message
    assert str(error.value).startswith(f"sub/avtal.txt.toml line {line}: ")


# --- derived columns of a corrected or added party ----------------------------------------------

PARTIES = [
    # (correction, name, sector, org_number_valid of the row afterwards)
    (correction(action="add", table="parties", values={"name": "Linköpings domkyrkopastorat",
                                                       "org_number": "252003-0228"}),
     "Linköpings domkyrkopastorat", "nonprofit", True),
    (correction(action="set", table="parties",
                target={"page": 1, "char_start": 0, "char_end": 17, "name": "Linköpings kommun"},
                set={"org_number": "212000-0448"}),
     "Linköpings kommun", "public", False),
]


@pytest.mark.parametrize("change,name,sector,valid", PARTIES)
def test_a_corrected_party_gets_its_derived_columns(change, name, sector, valid):
    tables = run(build(parties=[{"doc": "avtal", "name": "Linköpings kommun", "page": 1,
                                 "char_start": 0, "char_end": 17}]), [change])
    row = tables["parties"].set_index("name").loc[name]
    assert (row["sector"], bool(row["org_number_valid"])) == (sector, valid)
    assert row["name_normalized"] and row["origin"] != "extracted"


# --- gold from corrected tables ------------------------------------------------------------------

def test_gold_names_one_rendering_of_a_proposed_agreement_and_leaves_dismissed_flags_absent():
    from pipeline.corrections.gold import gold_of

    tables = build(
        documents=[{"doc": "memo", "kind": "memo", "date": "2022-10-19"},
                   {"doc": "avtal", "source": "avtal.txt"}, {"doc": "avtal pdf",
                                                             "source": "avtal.pdf"}],
        signatories=SIGNATORIES,
        links=[{"doc": "memo", "related_doc_id": doc_id("avtal"), "relation": "proposes"},
               {"doc": "memo", "related_doc_id": doc_id("avtal pdf"), "relation": "proposes"},
               {"doc": "avtal", "related_doc_id": doc_id("avtal pdf"), "relation": "same_as"}])
    documents, facts = rows_of(tables)
    done = assemble(documents, facts, [_decide("dismissed")])
    rows = {name: df.astype(object).where(df.notna(), None).to_dict("records")
            for name, df in {**done, "links": tables["links"]}.items() if name != "pages"}
    memo = gold_of(doc_id("memo"), rows)
    assert (memo["kind"], memo["memo_date"], memo["proposes"]) == (
        "memo", "2022-10-19", "avtal.txt")
    agreement = gold_of(DOC, rows)
    assert agreement["flags"] == ["UNSIGNED"] and "flag_counts" not in agreement
    assert "UNSIGNED" not in agreement["absent_flags"]
    assert [s["person"] for s in agreement["signatories"]] == ["Linda Ljungqvist", None, None]
