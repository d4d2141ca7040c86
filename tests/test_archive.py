"""The archive as a whole (pipeline/archive): renderings as one document, organisations as
one entity, and which money counts in which year. One case per line, by phenomenon."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipeline import schemas, store
from pipeline.archive import archive_tables, groups, views
from pipeline.archive.funding import by_year, document_items, spread
from pipeline.archive.organisations import (
    Mention,
    Organisations,
    document_places,
    name_key,
    places,
    public_place,
    unit,
)
from pipeline.checks import link_documents
from pipeline.checks.examples import build, doc_id
from tests.test_links import AGREEMENT_TEXT, DRAFT_TEXT, document, parish, term

D = date.fromisoformat

# --- spreading an amount over calendar years -----------------------------------------------

SPREAD = [
    # 1 800 000 kr per year for three years from July: half of the first and last year
    (1_800_000, "per_year", "2018-07-01", "2021-06-30",
     {2018: 900_000, 2019: 1_800_000, 2020: 1_800_000, 2021: 900_000}),
    # a period's amount pro rata over its months
    (300_500, "per_period", "2023-04-01", "2024-03-31", {2023: 225_375, 2024: 75_125}),
    (1_450_000, "unknown", "2021-01-01", "2022-12-31", {2021: 725_000, 2022: 725_000}),
    # a month partly covered counts by its share of days
    (120_000, "per_year", "2024-01-16", "2024-12-31", {2024: 115_161}),  # 11 + 16/31
    (10_000, "per_month", "2024-01-01", "2024-06-30", {2024: 60_000}),
    (50_000, "one_off", "2025-03-01", "2027-02-28", {2025: 50_000}),
    # open-ended: its first twelve months
    (240_000, "per_year", "2024-07-01", None, {2024: 120_000, 2025: 120_000}),
    # no span: counted whole, with no year
    (70_000, "per_year", None, None, {None: 70_000}),
    # whole kronor adding up to the amount
    (100_000, "per_period", "2024-01-01", "2026-12-31", {2024: 33_334, 2025: 33_333,
                                                        2026: 33_333}),
]


@pytest.mark.parametrize("amount,basis,start,end,years", SPREAD)
def test_an_amount_is_spread_over_its_years(amount, basis, start, end, years):
    months, _rule = spread(amount, basis, D(start) if start else None,
                           D(end) if end else None)
    got = by_year(months)
    assert got == years
    assert sum(got.values()) == sum(years.values())


# --- which amounts of a counted document count --------------------------------------------

def _row(amount_id: str, value: int, **fields) -> dict:
    row = {"doc_id": "d", "amount_id": amount_id, "amount_sek": value, "payer": "Kommunen",
           "payee": "Föreningen", "basis": "per_year", "in_kind": False,
           "role": "contribution", "ceiling": False, "period_start": None,
           "period_end": None, "part_of": None, "same_as": None}
    return {**row, **fields}


class _Named:
    """Organisations by the written name (the tests' documents name each once)."""

    display_names: dict[str, str] = {}
    place_of: dict = {}

    def resolve(self, doc: str, name: object) -> tuple[str | None, str | None]:
        return (f"org:{name}", None) if isinstance(name, str) and name else (None, None)


TERM = (D("2018-07-01"), D("2021-06-30"))
ITEMS = [
    # the 2018 agreement: 1 800 000 kr a year, its first year divided between two
    # organisations; the other two years are the payer's money to no named payee
    ("a total divided for its first year only",
     [_row("a1", 1_800_000, payee=None, role="total"),
      _row("a2", 1_500_000, basis="per_period", part_of="a1", payee="Stadsmissionen",
           period_start="2018-07-01", period_end="2019-06-30"),
      _row("a3", 300_000, basis="per_period", part_of="a1", payee="Hjärta",
           period_start="2018-07-01", period_end="2019-06-30")],
     {"a1": ("residual", {2019: 900_000, 2020: 1_800_000, 2021: 900_000}),
      "a2": ("amount", {2018: 750_000, 2019: 750_000}),
      "a3": ("amount", {2018: 150_000, 2019: 150_000})}),
    ("a stated sum of yearly rows is counted as its rows",
     [_row("a1", 250_000, basis="per_period", part_of="a3", period_start="2019-01-01",
           period_end="2019-12-31"),
      _row("a2", 1_200_000, basis="per_period", part_of="a3", period_start="2020-01-01",
           period_end="2020-12-31"),
      _row("a3", 1_450_000, basis="per_period", role="total")],
     {"a1": ("amount", {2019: 250_000}), "a2": ("amount", {2020: 1_200_000}),
      "a3": "counted_as_parts"}),
    ("the same money restated, as a cost line, as zero",
     [_row("a1", 100_000), _row("a2", 100_000, same_as="a1"), _row("a3", 5_000, role="cost"),
      _row("a4", 0)],
     {"a1": ("amount", {2018: 50_000, 2019: 100_000, 2020: 100_000, 2021: 50_000}),
      "a2": "restated", "a3": "cost", "a4": "zero"}),
    ("45 000 kr a month and 540 000 kr a year are one sum of money",
     [_row("a1", 45_000, basis="per_month"), _row("a2", 540_000)],
     {"a1": ("amount", {2018: 270_000, 2019: 540_000, 2020: 540_000, 2021: 270_000}),
      "a2": "same_money"}),
    ("a ceiling beside the payer's own amounts says how much at most",
     [_row("a1", 900_000, ceiling=True), _row("a2", 800_000)],
     {"a1": "ceiling_with_amounts",
      "a2": ("amount", {2018: 400_000, 2019: 800_000, 2020: 800_000, 2021: 400_000})}),
    ("a ceiling alone is the money agreed",
     [_row("a1", 900_000, ceiling=True)],
     {"a1": ("amount", {2018: 450_000, 2019: 900_000, 2020: 900_000, 2021: 450_000})}),
    ("in kind counts, apart from cash; nobody's money does not",
     [_row("a1", 24_000, in_kind=True, payee=None), _row("a2", 10_000, payer=None, payee=None)],
     {"a1": ("amount", {2018: 12_000, 2019: 24_000, 2020: 24_000, 2021: 12_000}),
      "a2": "no_payer"}),
]


@pytest.mark.parametrize("rows,expected", [c[1:] for c in ITEMS], ids=[c[0] for c in ITEMS])
def test_which_amounts_count_and_in_which_years(rows, expected):
    items = document_items(rows, TERM, _Named())
    got = {i.row["amount_id"]: i.reason if i.reason else (i.share, by_year(i.months))
           for i in items}
    assert got == expected


# --- which documents count -----------------------------------------------------------------

def _tables(docs: list[dict], links: list[tuple[str, str, str]], terms: dict[str, tuple]
            ) -> dict[str, pd.DataFrame]:
    documents = schemas.frame("documents", [
        {"doc_id": doc_id(d["doc"]), "source": d["doc"] + ".txt", "status": "ok",
         "kind": d.get("kind", "agreement"), "format": "txt"} for d in docs])
    link_rows = schemas.frame("links", [
        {"doc_id": doc_id(a), "related_doc_id": doc_id(b), "relation": r}
        for a, b, r in links])
    documents["group_id"] = groups.group_ids(documents, link_rows)
    periods = schemas.frame("periods", [
        {"doc_id": doc_id(d), "kind": "term", "start_date": s, "end_date": e}
        for d, (s, e) in terms.items()])
    parties = schemas.frame("parties", [
        {"doc_id": doc_id(d["doc"]), "name": "Föreningen Hopp", "org_number": "802000-0001",
         "role": "party"} for d in docs])
    amounts = schemas.frame("amounts", [
        {"doc_id": doc_id(d["doc"]), "amount_id": "a1", "amount_sek": d["kr"],
         "payer": "Linköpings kommun", "payee": "Föreningen Hopp", "basis": "per_period",
         "in_kind": False, "role": "grant"} for d in docs])
    return archive_tables(documents, link_rows, parties, amounts, periods)


Y23 = ("2023-01-01", "2023-12-31")
Y24 = ("2024-01-01", "2024-12-31")
DOCUMENTS = [
    ("a later version replaces the earlier",
     [{"doc": "v1", "kr": 100}, {"doc": "v2", "kr": 120}], [("v2", "v1", "draft_of")],
     {"v1": Y23, "v2": Y23}, {"v1": "superseded", "v2": None}),
    ("a renewal for the next year replaces nothing",
     [{"doc": "v1", "kr": 100}, {"doc": "v2", "kr": 120}], [("v2", "v1", "draft_of")],
     {"v1": Y23, "v2": Y24}, {"v1": None, "v2": None}),
    ("renderings count once",
     [{"doc": "a-txt", "kr": 100}, {"doc": "a-pdf", "kr": 100}],
     [("a-txt", "a-pdf", "same_as")], {"a-txt": Y23, "a-pdf": Y23},
     {"a-pdf": None, "a-txt": "other_rendering"}),
    ("a memo's money is its agreement's",
     [{"doc": "m", "kind": "memo", "kr": 100}, {"doc": "a", "kr": 100}],
     [("m", "a", "proposes")], {"a": Y23}, {"m": "memo_of_agreement", "a": None}),
    ("a memo whose agreement is not in the archive counts",
     [{"doc": "m", "kind": "memo", "kr": 100}], [], {"m": Y23}, {"m": None}),
    ("slides are no agreement",
     [{"doc": "s", "kind": "other", "kr": 100}], [], {}, {"s": "not_agreement"}),
]


@pytest.mark.parametrize("docs,links,terms,expected", [c[1:] for c in DOCUMENTS],
                         ids=[c[0] for c in DOCUMENTS])
def test_which_documents_count(docs, links, terms, expected):
    listed = _tables(docs, links, terms)["funding_amounts"]
    reasons = {source[:-4]: reason if isinstance(reason, str) else None
               for source, reason in zip(listed["source"], listed["reason"], strict=True)}
    assert reasons == expected


def test_agreements_active_on_a_date_and_expiring(tmp_path):
    """The macros of iop.duckdb: a superseded version is not active; v1 ends 2023-12-31."""
    import duckdb

    tables = _tables([{"doc": "v1", "kr": 100}, {"doc": "v2", "kr": 120},
                      {"doc": "v3", "kr": 90}], [("v2", "v1", "draft_of")],
                     {"v1": Y23, "v2": Y24, "v3": ("2023-02-01", "2023-06-30")})
    out = store.write_tables(tables, tmp_path / "out", {}, views=tuple(views.VIEWS),
                             statements=views.statements())
    con = duckdb.connect(str(out / "iop.duckdb"), read_only=True)
    ask = lambda sql: sorted(r[0] for r in con.execute(sql).fetchall())  # noqa: E731
    assert ask("select source from agreements_active_on(DATE '2024-06-30')") == ["v2.txt"]
    assert ask("select source from agreements_active_on(DATE '2023-03-01')") == [
        "v1.txt", "v3.txt"]
    assert ask("select source from agreements_expiring(DATE '2023-10-01', 6)") == ["v1.txt"]
    assert ask("select source from agreements_expiring(DATE '2023-01-01', 6)") == ["v3.txt"]


# --- renderings as one document (links same_as, documents.group_id) --------------------------

SCAN = AGREEMENT_TEXT.replace("stöd", "std", 3)  # OCR loses a few letters
RENDERINGS = [
    ("TXT, DOCX, PDF and a scan of one text; a corrected TXT is a later version of all four",
     [document("a", "agreement", AGREEMENT_TEXT) | {"format": "txt"},
      document("b", "agreement", AGREEMENT_TEXT) | {"format": "docx"},
      document("c", "agreement", AGREEMENT_TEXT) | {"format": "pdf"},
      document("d", "agreement", SCAN) | {"format": "pdf", "ocr_pages": "1-4"},
      document("e", "agreement", DRAFT_TEXT) | {"format": "txt"}],
     {"a": "b", "b": "b", "c": "b", "d": "b", "e": "e"},
     {("e", x, "draft_of") for x in "abcd"}),
    ("a PDF and a scan of it are renderings, two PDFs of other wording are not",
     [document("c", "agreement", AGREEMENT_TEXT) | {"format": "pdf"},
      document("d", "agreement", SCAN) | {"format": "pdf", "ocr_pages": "1-2"}],
     {"c": "c", "d": "c"}, set()),
]


@pytest.mark.parametrize("docs,grouped,drafts", [c[1:] for c in RENDERINGS],
                         ids=[c[0] for c in RENDERINGS])
def test_renderings_are_one_group(docs, grouped, drafts):
    names = [d["doc"] for d in docs]
    rows = build(documents=docs, parties=[parish(n) for n in names],
                 periods=[term(n, "2023-04-01", "2024-03-31") for n in names])
    links = pd.DataFrame(link_documents(rows))
    back = {doc_id(n): n for n in names}
    same = {(back[a], back[b]) for a, b, r in
            zip(links["doc_id"], links["related_doc_id"], links["relation"], strict=True)
            if r == "same_as"}
    group = groups.group_ids(rows["documents"], links)
    assert {back[d]: back[g] for d, g in zip(rows["documents"]["doc_id"], group,
                                             strict=True)} == grouped
    # same_as is an equivalence: a pair of one group is linked, no pair across groups is
    assert same == {(x, y) for x in names for y in names
                    if x < y and grouped[x] == grouped[y]}
    assert {(back[a], back[b], r) for a, b, r in zip(
        links["doc_id"], links["related_doc_id"], links["relation"], strict=True)
        if r == "draft_of"} == drafts


# --- organisations as one entity ------------------------------------------------------------

def test_the_lists_of_municipalities_and_regions_are_whole():
    municipalities, regions = places()
    assert len({p.code for p in municipalities.values()}) == 290
    assert len({p.code for p in regions.values()}) == 21


SAME_KEY = [
    ("Stadsmissionen i Västerås", "Västerås Stadsmission"),
    ("Västerås stadsmissionen", "Stadsmissionen i Västerås"),
    ("Svenska kyrkan, Linköpings Domkyrkopastorat", "Linköpings domkyrkopastorat"),
    ("Kvinnojouren i Borås", "Borås Kvinnojour"),
]
OTHER_KEY = [
    ("Stadsmissionen i Västerås", "Stadsmissionen i Linköping"),
    ("Röda Korset", "Rädda Barnen"),
]


@pytest.mark.parametrize("a,b", SAME_KEY)
def test_one_organisation_whatever_the_word_order_and_inflection(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", OTHER_KEY)
def test_other_organisations_keep_other_keys(a, b):
    assert name_key(a) != name_key(b)


PUBLIC = [
    ("Social- och omsorgsnämnden i Linköpings kommun", "kommun:0580", "Social- och omsorgsnämnden"),
    ("Omsorgsnämnden, Linköpings kommun", "kommun:0580", "Omsorgsnämnden"),
    ("Malmö stad, arbetsmarknadsnämnden", "kommun:1280", "Arbetsmarknadsnämnden"),
    ("Kultur- och fritidsnämnden i Linköping", "kommun:0580", "Kultur- och fritidsnämnden"),
    ("Lilla Edets kommun", "kommun:1462", None),
    ("Upplands Väsby kommun", "kommun:0114", None),
    ("Umeå kommun", "kommun:2480", None),
    ("Region Skåne", "region:12", None),
    ("Västra Götalandsregionen", "region:14", None),
    ("Regionstyrelsen i Region Jönköpings län", "region:06", "Regionstyrelsen"),
    ("Bräcke diakoni", None, None),  # a place's name in a non-profit's name
    ("Föreningen Läxhjälpen i Umeå", None, None),
]


@pytest.mark.parametrize("name,organisation,body", PUBLIC)
def test_a_public_body_is_its_municipality_or_region(name, organisation, body):
    place = public_place(name)
    assert (place.organisation_id if place else None, unit(name, place)) == (organisation, body)


def _organisations(mentions: list[tuple[str, str, str]], parties: list[tuple[str, str]] = ()
                   ) -> dict[tuple[str, str], str | None]:
    frame = schemas.frame("parties", [{"doc_id": doc_id(d), "name": n, "role": "party"}
                                      for d, n in parties])
    orgs = Organisations([Mention(doc_id(d), d, n, nr, "party") for d, n, nr in mentions],
                         document_places(frame))
    return {(d, n): orgs.resolve(doc_id(d), n)[0] for d, n, _ in mentions}


ENTITIES = [
    ("one number, two names",
     [("a", "Svenska kyrkan, Linköpings Domkyrkopastorat", "2520030228"),
      ("b", "Linköpings pastorat", "2520030228")], [],
     {"a": "org:252003-0228", "b": "org:252003-0228"}),
    ("one name, two numbers: two organisations",
     [("a", "Röda Korset", "8020040000"), ("b", "Röda Korset", "8020050000")], [],
     {"a": "org:802004-0000", "b": "org:802005-0000"}),
    ("a name without a number joins the numbered one",
     [("a", "Västerås Stadsmission", "8020060000"), ("b", "Stadsmissionen i Västerås", "")],
     [], {"a": "org:802006-0000", "b": "org:802006-0000"}),
    ("a name without a place, in a document about the place's municipality",
     [("a", "Linköpings stadsmission", ""), ("b", "Stadsmissionen", "")],
     [("b", "Linköpings kommun")], {"a": "name:linköping stadsmissio",
                                    "b": "name:linköping stadsmissio"}),
    ("a nämnd without its municipality, in a document that names it",
     [("b", "Socialnämnden", "")], [("b", "Linköpings kommun"), ("b", "Socialnämnden")],
     {"b": "kommun:0580"}),
]


@pytest.mark.parametrize("mentions,parties,expected", [c[1:] for c in ENTITIES],
                         ids=[c[0] for c in ENTITIES])
def test_organisations_across_documents(mentions, parties, expected):
    got = _organisations(mentions, parties)
    assert {d: org for (d, _n), org in got.items()} == expected
