"""A protocol excerpt and the agreement it proposes, in Västerås' conventions ('§ 27',
'Sammanträdesdatum', 'Stadsmissionen i Västerås', 'ideella insatser motsvarande'): linked,
with exactly the differences planted in the agreement (the municipality's 1,2 mnkr became
1 300 000 kr, so the total 1 750 000 kr became 1 850 000 kr) and no false alarm on the
agreement's own split (cash and in kind from the same party are two parts)."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from pipeline.run import extract_archive

HERE = Path(__file__).parent / "conventions"
PROTOCOL = "vasteras_protokollsutdrag_stadsmissionen_i.txt"
AGREEMENT = "vasteras_avtal_harbarget.txt"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    raw = tmp_path_factory.mktemp("raw")
    for name in (PROTOCOL, AGREEMENT):
        shutil.copy(HERE / name, raw / name)
    return extract_archive([raw], tmp_path_factory.mktemp("out")).out


def table(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", keep_default_na=False)


def test_the_protocol_proposes_the_agreement(out):
    source = dict(zip(table(out, "documents")["doc_id"], table(out, "documents")["source"],
                      strict=True))
    links = {(source[a], source[b], r) for a, b, r in
             table(out, "links")[["doc_id", "related_doc_id", "relation"]].itertuples(
                 index=False)}
    assert links == {(PROTOCOL, AGREEMENT, "proposes")}


def test_exactly_the_planted_differences_are_flagged(out):
    docs = table(out, "documents")
    source = dict(zip(docs["doc_id"], docs["source"], strict=True))
    flags = table(out, "flags")
    found = Counter((source[d], code) for d, code in zip(flags["doc_id"], flags["code"],
                                                          strict=True))
    assert found == Counter({(PROTOCOL, "MEMO_AGREEMENT_MISMATCH"): 2})
    messages = " ".join(flags["message"])
    assert "1 300 000 kr" in messages and "1 200 000 kr" in messages
    assert "1 850 000 kr" in messages and "1 750 000 kr" in messages


def test_the_protocol_is_dated_by_its_meeting(out):
    docs = table(out, "documents").set_index("source")
    assert docs.loc[PROTOCOL, "date"] == "2023-02-15"
    assert docs.loc[PROTOCOL, "date_rule_id"] == "document_date.label"
