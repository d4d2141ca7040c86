"""Every seed and text-layer rendering in one archive: each document gets exactly the flags
its gold file lists (with their counts), and none of its absent_flags; memos and slides
stay clean."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from pipeline.run import extract_archive
from tests.conftest import gold_cases

CASES = gold_cases()


@pytest.fixture(scope="module")
def flags_by_source(tmp_path_factory) -> dict[str, Counter]:
    import pandas as pd

    raw = tmp_path_factory.mktemp("raw")
    for path, _ in CASES:
        shutil.copy(path, raw / path.name)
    out = tmp_path_factory.mktemp("out")
    summary = extract_archive([raw], out)
    docs = pd.read_csv(summary.out / "documents.csv", keep_default_na=False)
    flags = pd.read_csv(summary.out / "flags.csv", keep_default_na=False)
    source = dict(zip(docs["doc_id"], docs["source"], strict=True))
    found: dict[str, Counter] = {s: Counter() for s in docs["source"]}
    for doc_id, code in zip(flags["doc_id"], flags["code"], strict=True):
        found[source[doc_id]][code] += 1
    return found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].name)
def test_flags_as_the_gold_file_says(case, flags_by_source, shared):
    path, gold = case
    expected = Counter({code: gold.get("flag_counts", {}).get(code, 1)
                        for code in gold["flags"]})
    found = flags_by_source[path.name]
    assert found == expected
    assert not set(found) & set(gold.get("absent_flags", []))
