"""Linking memos to agreements and drafts to each other, from what the documents say.

Hand-made tables with signatures computed from texts written for the cases: one case per
line (documents, facts, the links expected), then the seeds through the real pipeline.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.checks import link_documents
from pipeline.checks.examples import build, doc_id
from pipeline.signature import acronyms, decode, minhash
from pipeline.signature import columns as signature_columns

_WORDS = ("partnerskap verksamhet kommunen föreningen barn unga familjer stöd grupper "
          "samverkan uppföljning målgrupp insatser värdegrund ansvar ekonomi lokaler "
          "gruppledare utbildning öppenhet dialog tillit förståelse respekt").split()


def prose(seed: int, sentences: int = 60) -> str:
    rng = random.Random(seed)
    return " ".join(" ".join(rng.choice(_WORDS) for _ in range(12)) + "."
                    for _ in range(sentences))


BOILERPLATE = prose(1)
BIV = "Verksamheten BIV/BIS ger stöd i grupp. " + prose(2, 30)
KOLL = "Verksamheten KOLL ger läxhjälp. " + prose(3, 30)
AGREEMENT_TEXT = BOILERPLATE + BIV
DRAFT_TEXT = AGREEMENT_TEXT.replace(BOILERPLATE[1000:1400], prose(4, 3))  # edited
OTHER_ACTIVITY_TEXT = BOILERPLATE + KOLL
MEMO_TEXT = "Förslag till beslut. Barn i väntan/barn i start (BIS) förlängs. " + prose(5, 40)


def document(name: str, kind: str, text: str, source: str = "") -> dict:
    return {"doc": name, "kind": kind, "source": source or f"{name}.txt",
            **signature_columns(text)}


def parish(doc: str, name: str = "Svenska kyrkan, Linköpings Domkyrkopastorat") -> dict:
    return {"doc": doc, "name": name, "role": "party"}


def term(doc: str, start: str, end: str) -> dict:
    return {"doc": doc, "kind": "term", "start_date": start, "end_date": end}


def kronor(doc: str, value: int) -> dict:
    return {"doc": doc, "amount_sek": value}


def links(**rows) -> set[tuple[str, str, str]]:
    names = {doc_id(r["doc"]): r["doc"] for r in rows.get("documents", [])}
    return {(names[r["doc_id"]], names[r["related_doc_id"]], r["relation"])
            for r in link_documents(build(**rows))}


def test_the_texts_are_what_the_cases_say():
    similarity = (minhash(AGREEMENT_TEXT) == minhash(DRAFT_TEXT)).mean()
    template = (minhash(AGREEMENT_TEXT) == minhash(OTHER_ACTIVITY_TEXT)).mean()
    assert similarity > 0.8 and 0.4 < template < 0.8  # a template shares much wording
    assert acronyms(AGREEMENT_TEXT) == "BIV BIS" and acronyms(KOLL) == "KOLL"


A2023 = [term("v1", "2023-04-01", "2024-03-31"), term("v2", "2023-04-01", "2024-03-31")]
CASES = [
    ("two drafts of one agreement",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "agreement", DRAFT_TEXT)],
          parties=[parish("v1"), parish("v2")], periods=A2023),
     {("v2", "v1", "draft_of")}),
    ("a draft that lost its parties and dates is still a draft",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "agreement", DRAFT_TEXT)],
          parties=[parish("v1")], periods=A2023[:1]),
     {("v2", "v1", "draft_of")}),
    ("the template reused for another activity",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("k", "agreement", OTHER_ACTIVITY_TEXT + " BIV/BIS nämns ej")],
          parties=[parish("v1"), parish("k")]), set()),
    ("the same text with another partner",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "agreement", DRAFT_TEXT)],
          parties=[parish("v1"), parish("v2", "Linköpings stadsmission")]), set()),
    ("the same text, next year's agreement",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "agreement", DRAFT_TEXT)],
          periods=[term("v1", "2022-04-01", "2023-03-31"),
                   term("v2", "2023-04-01", "2024-03-31")]), set()),
    ("an agreement and a memo are never drafts of each other",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "memo", DRAFT_TEXT)]), set()),
    ("slides are never linked",
     dict(documents=[document("v1", "agreement", AGREEMENT_TEXT),
                     document("v2", "other", DRAFT_TEXT)]), set()),
    ("a memo proposing the agreement: activity, party, amount, time",
     dict(documents=[document("a", "agreement", AGREEMENT_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          parties=[parish("a"), parish("m", "Linköpings domkyrkopastorat")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("m", None, "2024-03-31")],
          amounts=[kronor("a", 300500), kronor("a", 160000), kronor("m", 300500),
                   kronor("m", 100000)]),
     {("m", "a", "proposes")}),
    ("three facts of four are enough (the memo names no amount)",
     dict(documents=[document("a", "agreement", AGREEMENT_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          parties=[parish("a"), parish("m", "Domkyrkopastoratet")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("m", None, "2024-03-31")]),
     {("m", "a", "proposes")}),
    ("last year's agreement on the same activity",
     dict(documents=[document("a", "agreement", AGREEMENT_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          parties=[parish("a"), parish("m")],
          periods=[term("a", "2022-04-01", "2023-03-31"), term("m", "2023-04-01", "2024-03-31")],
          amounts=[kronor("a", 300500), kronor("m", 300500)]), set()),
    ("another agreement with the same parish (003): only the party is shared",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          parties=[parish("a", "Linköpings domkyrkopastorat"), parish("m")],
          periods=[term("a", "2018-07-01", "2021-06-30"), term("m", None, "2024-03-31")],
          amounts=[kronor("a", 1800000), kronor("m", 300500)]), set()),
    ("the same activity and year with another parish",
     dict(documents=[document("a", "agreement", AGREEMENT_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          parties=[parish("a", "Linköpings stadsmission"), parish("m")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("m", None, "2024-03-31")]),
     set()),
    ("the partner and an odd amount (no acronym, no dates)",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("m", "memo", prose(6, 40))],
          parties=[parish("a"), parish("m")],
          amounts=[kronor("a", 1725000), kronor("m", 1725000)]),
     {("m", "a", "proposes")}),
    ("the partner and a round amount many documents hold",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("m", "memo", prose(6, 40))]
          + [document(f"x{i}", "agreement", prose(10 + i, 5)) for i in range(10)],
          parties=[parish("a"), parish("m")]
          + [parish(f"x{i}", f"Förening nummer {i}") for i in range(10)],
          amounts=[kronor("a", 100000), kronor("m", 100000)]
          + [kronor(f"x{i}", 100000) for i in range(10)]), set()),
    ("the partner's only agreement of those years, amounts differing",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("a2", "agreement", OTHER_ACTIVITY_TEXT + " Ändrad."),
                     document("m", "memo", prose(6, 40))],
          parties=[parish("a"), parish("a2"), parish("m")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("a2", "2023-04-01", "2024-03-31"),
                   term("m", "2023-04-01", "2024-03-31")],
          amounts=[kronor("a", 300500), kronor("a2", 300500), kronor("m", 350500)]),
     {("m", "a", "proposes"), ("m", "a2", "proposes"), ("a2", "a", "draft_of")}),
    ("two agreements of the partner in those years: which one is not said",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("b", "agreement", AGREEMENT_TEXT.replace("BIV/BIS", "")),
                     document("m", "memo", prose(6, 40))],
          parties=[parish("a"), parish("b"), parish("m")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("b", "2023-01-01", "2023-12-31"),
                   term("m", None, "2024-03-31")],
          amounts=[kronor("a", 300500), kronor("b", 90000), kronor("m", 350500)]), set()),
    ("two agreements of the partner: the memo's term dates are one's",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("b", "agreement", AGREEMENT_TEXT.replace("BIV/BIS", "")),
                     document("m", "memo", prose(6, 40))],
          parties=[parish("a"), parish("b"), parish("m")],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("b", "2023-01-01", "2023-12-31"),
                   term("m", "2023-04-01", "2024-03-31")],
          amounts=[kronor("a", 300500), kronor("b", 90000), kronor("m", 350500)]),
     {("m", "a", "proposes")}),
    ("common small amounts link nothing",
     dict(documents=[document("a", "agreement", OTHER_ACTIVITY_TEXT),
                     document("m", "memo", MEMO_TEXT)],
          amounts=[kronor("a", 500), kronor("m", 500)],
          periods=[term("a", "2023-04-01", "2024-03-31"), term("m", None, "2024-03-31")]),
     set()),
]


@pytest.mark.parametrize("name,rows,expected", CASES, ids=[c[0] for c in CASES])
def test_links(name, rows, expected):
    assert links(**rows) == expected


def test_file_names_do_not_matter():
    """Sources named as if linked, texts that are not: no link; and the other way round."""
    rows = dict(documents=[document("a", "agreement", AGREEMENT_TEXT, "x/avtal-biv.txt"),
                           document("b", "agreement", OTHER_ACTIVITY_TEXT,
                                    "x/avtal-biv-v2.txt"),
                           document("c", "agreement", DRAFT_TEXT, "zz/scan0042.txt")])
    assert links(**rows) == {("c", "a", "draft_of")}


def test_unreadable_and_duplicate_rows_are_skipped():
    rows = dict(documents=[document("a", "agreement", AGREEMENT_TEXT),
                           {"doc": "e", "kind": "", "status": "error", "signature": "",
                            "source": "broken.pdf"},
                           document("b", "agreement", DRAFT_TEXT)])
    assert links(**rows) == {("b", "a", "draft_of")}


def test_link_rows_fit_the_schema():
    from pipeline import schemas

    rows = link_documents(build(**CASES[7][1]))
    schemas.validate("links", schemas.frame("links", rows))
    assert 0 < rows[0]["score"] <= 1
    assert rows[0]["evidence"] == ("partner Svenska kyrkan, Linköpings Domkyrkopastorat; "
                                   "acronym BIS; amount 300500; time")


def test_signature_is_stable_and_compact():
    first = signature_columns(AGREEMENT_TEXT)["signature"]
    assert first == signature_columns(AGREEMENT_TEXT)["signature"]
    assert len(first) < 700 and len(decode(first)) == 128
    assert signature_columns("")["signature"] == ""


@pytest.mark.parametrize("text,expected", [
    ("Barn i Väntan/Barn i Start (BIV/BIS). BIV är en stödgrupp.", "BIV BIS"),
    ("Idéburet offentligt partnerskap (IOP) enligt FN:s konvention och EU.", ""),
    ("AVTAL\n\nDetta avtal gäller.", ""),  # a heading in capitals is a word, not a name
    ("Projektet KOLL och KOLL-gruppen.", "KOLL"),
    ("Gruppen BIV, i texten även biv.", ""),  # written in lower case too: a word
    ("Gruppen BIV och biv_grupp, 2biv, bivå.", "BIV"),  # 'biv' only inside other words
    ("BIS, BIV, BIS.", "BIS BIV"),  # most frequent first
])
def test_acronyms(text, expected):
    assert acronyms(text) == expected


@pytest.mark.parametrize("text", [
    AGREEMENT_TEXT, DRAFT_TEXT, "", "två ord", "ett två tre fyra", "ett två tre fyra fem",
    "Ett, två; TRE fyra fem sex sju ett två tre fyra fem.",
])
def test_minhash_is_the_minimum_of_each_hash_over_the_shingles(text):
    """The definition: blake2b (4 bytes, little-endian) of each distinct 5-word shingle of
    the lower-cased words (all words when fewer), then per hash function the minimum."""
    import hashlib
    import re

    import numpy as np

    from pipeline.signature import _permutations

    words = re.findall(r"\w+", text.lower())
    if not words:
        assert len(minhash(text)) == 0
        return
    shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
    a, b = _permutations()
    expected = [min(((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(),
                                      "little") * int(ai) + int(bi)) % 2**64) >> 32
                    for s in shingles) for ai, bi in zip(a, b, strict=True)]
    assert minhash(text).tolist() == expected
    assert minhash(text).dtype == np.uint32


def test_seeds_are_linked_as_the_gold_files_say(tmp_path, shared):
    """002 proposes the agreement in 000 and 001; 000 and 001 are drafts of it; 003 shares
    the parish and is linked to nothing."""
    import shutil

    from pipeline.run import extract_archive
    from tests.conftest import SEEDS

    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, raw / seed.name)
    summary = extract_archive([raw], tmp_path / "out")
    import pandas as pd

    docs = pd.read_csv(Path(summary.out) / "documents.csv", keep_default_na=False)
    name = dict(zip(docs["doc_id"], docs["source"].str[:3], strict=True))
    found = pd.read_csv(Path(summary.out) / "links.csv", keep_default_na=False)
    assert {(name[a], name[b], r) for a, b, r in
            zip(found["doc_id"], found["related_doc_id"], found["relation"], strict=True)} == {
        ("001", "000", "draft_of"), ("002", "000", "proposes"), ("002", "001", "proposes")}
