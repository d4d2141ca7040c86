"""The fork server's warm-up document (lang/sv/warmup.txt) goes through every per-document
stage, so the caches those build on first use are built before the workers fork."""

from __future__ import annotations

import pytest

from pipeline.lang import DATA
from pipeline.process import process
from pipeline.records import Document, Page


@pytest.fixture(scope="module")
def warmed() -> tuple[dict, dict]:
    text = (DATA / "warmup.txt").read_text(encoding="utf-8")
    return process(Document(doc_id="warmup", source="warmup.txt", format="txt",
                            pages=[Page(number=1, text=text)]))


# (table, what the warm-up must find in it)
FOUND = [
    ("parties", 2),  # the two org-numbered parties, at least
    ("amounts", 3),  # kr, tkr and a bare cost
    ("periods", 3),  # term, notice, payment frequency
    ("obligations", 2),
    ("signatories", 2),  # a two-column signature block
]


@pytest.mark.parametrize(("table", "at_least"), FOUND)
def test_warmup_reaches_every_extractor(warmed, table: str, at_least: int) -> None:
    _, tables = warmed
    assert len(tables[table]) >= at_least


def test_warmup_is_an_agreement_with_a_textual_date(warmed) -> None:
    row, tables = warmed
    assert row["kind"] == "agreement"
    assert any(p["start_date"] == "2024-01-01" for p in tables["periods"])  # '1 januari 2024'
