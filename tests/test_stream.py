"""Archive scale, memory: the parent streams the rows (spilled to Parquet parts, read back
in the documents' order a chunk at a time, checked a group of documents at a time) and the
tables are those of one big chunk.

Memory itself is measured by `make bench` (bench/run_bench.py), never here; these tests
check the structure that keeps it flat: rows held between two documents stay below the
chunk size whatever the archive's size, linking never lists all candidate pairs at once,
and every chunking gives the same tables.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline import collect, run, schemas, store
from pipeline.checks import links
from pipeline.collect import FactCollector
from pipeline.run import check_groups, extract_archive
from pipeline.signature import NUM_PERM
from tests.test_scale import archive, assert_same_tables  # noqa: F401 (a fixture)

# ---- Any chunking gives the same tables --------------------------------------------------

# (what, module attributes set for the run)
CHUNKINGS = [
    ("one row a part, read back a row at a time, one document checked at a time",
     {(collect, "CHUNK_ROWS"): 1, (collect, "PAGE_CHUNK_ROWS"): 1, (collect, "READ_ROWS"): 1,
      (run, "CHECK_GROUP_DOCS"): 1, (links, "_CHUNK"): 1}),
    ("three rows a part, two documents checked at a time",
     {(collect, "CHUNK_ROWS"): 3, (collect, "PAGE_CHUNK_ROWS"): 2, (collect, "READ_ROWS"): 5,
      (run, "CHECK_GROUP_DOCS"): 2, (links, "_CHUNK"): 7}),
]


def parquet_tables(out: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(out / f"{name}.parquet").to_pandas()
            .drop(columns=["pipeline_version"], errors="ignore") for name in schemas.TABLES}


@pytest.fixture
def one_chunk(archive, tmp_path_factory, monkeypatch):  # noqa: F811
    """The archive's tables with every table in one part and all documents checked at once."""
    out = tmp_path_factory.mktemp("one") / "out"
    with monkeypatch.context() as patch:
        for module, name, value in ((collect, "CHUNK_ROWS", 10**9),
                                    (collect, "PAGE_CHUNK_ROWS", 10**9),
                                    (collect, "READ_ROWS", 10**9),
                                    (run, "CHECK_GROUP_DOCS", 10**9),
                                    (links, "_CHUNK", 10**9)):
            patch.setattr(module, name, value)
        extract_archive([archive], out, None, 2)
    return out


@pytest.mark.parametrize("what,settings", CHUNKINGS, ids=[c[0] for c in CHUNKINGS])
def test_small_chunks_give_the_tables_of_one_chunk(archive, one_chunk, tmp_path, monkeypatch,  # noqa: F811
                                                   what, settings):
    for (module, name), value in settings.items():
        monkeypatch.setattr(module, name, value)
    summary = extract_archive([archive], tmp_path / "small", None, 2)
    assert summary.counts["obligations"] > 3 and summary.counts["pages"] > 2  # several parts
    assert_same_tables(one_chunk, tmp_path / "small")  # CSV, byte for byte
    expected, got = parquet_tables(one_chunk), parquet_tables(tmp_path / "small")
    for name in schemas.TABLES:  # the pages table too (Parquet and DuckDB only)
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


# ---- The parent holds a chunk, not the archive ---------------------------------------------

def fact_rows(doc: int, per_table: int) -> dict[str, list[dict]]:
    doc_id = f"{doc:064x}"
    return {
        "obligations": [{"doc_id": doc_id, "party": "Föreningen", "quantity": i,
                         "action": f"ska genomföra {i} träffar", "page": 1, "char_start": i,
                         "char_end": i + 5, "quote": "ska", "rule_id": "x"}
                        for i in range(per_table)],
        "pages": [{"doc_id": doc_id, "page": i + 1, "text": "sida " * 50, "ocr": False}
                  for i in range(per_table)],
    }


# (documents, rows per table and document, chunk rows, page chunk rows)
ARCHIVES = [
    (10, 3, 4, 2),
    (100, 3, 4, 2),
    (1000, 3, 4, 2),
    (300, 1, 50, 7),
    (300, 12, 5, 5),  # a document larger than a chunk: held only until it is spilled
]


@pytest.mark.parametrize("docs,per_table,chunk,page_chunk", ARCHIVES)
def test_rows_held_stay_below_one_chunk_per_table(tmp_path, docs, per_table, chunk,
                                                  page_chunk):
    collector = FactCollector(("obligations", "pages"), tmp_path, chunk_rows=chunk,
                              page_chunk_rows=page_chunk)
    for doc in range(docs):
        collector.add(f"{doc:064x}", fact_rows(doc, per_table))
    assert collector.most_held <= (chunk - 1) + (page_chunk - 1)
    facts = collector.finish({f"{doc:064x}": docs - doc for doc in range(docs)})
    try:
        assert facts.counts == {"obligations": docs * per_table, "pages": docs * per_table}
        for name, size in (("obligations", chunk), ("pages", page_chunk)):
            parts = [pq.read_metadata(p).num_rows for p in tmp_path.glob(f"{name}-*.parquet")]
            assert sum(parts) == docs * per_table
            assert max(parts) <= size - 1 + per_table  # a part: a chunk and one document
        # read back in chunks, in the documents' order (here: the reverse of arrival)
        pages = pd.concat(list(facts.chunks("pages")), ignore_index=True)
        assert len(pages) == docs * per_table
        assert list(pages["doc_id"].drop_duplicates()) == \
            [f"{doc:064x}" for doc in reversed(range(docs))]
        # documents arrived in runs (here: reversed), so each part is read once
        assert facts.part_reads == len(list(tmp_path.glob("pages-*.parquet")))
    finally:
        facts.close()


def test_a_duplicate_documents_rows_are_kept_once_and_rows_sorted_within_it(tmp_path):
    collector = FactCollector(("obligations",), tmp_path, chunk_rows=2)
    rows = fact_rows(1, 5)["obligations"]
    collector.add(rows[0]["doc_id"], {"obligations": [*reversed(rows), rows[0]]})
    collector.add(rows[0]["doc_id"], {"obligations": rows})  # the same file again
    facts = collector.finish({rows[0]["doc_id"]: 0})
    try:
        got = facts.frame("obligations")
        assert list(got["char_start"]) == [0, 1, 2, 3, 4]
    finally:
        facts.close()


# ---- Checks: a memo is checked with the agreements it proposes ------------------------------

def groups_of(docs: str, proposes: list[tuple[str, str]], size: int) -> list[str]:
    documents = pd.DataFrame({"doc_id": list(docs)})
    frame = pd.DataFrame({"doc_id": [a for a, _ in proposes],
                          "related_doc_id": [b for _, b in proposes],
                          "relation": "proposes"})
    return ["".join(group) for group in check_groups(documents, frame, size)]


# (what, documents in source order, proposes links, group size, groups)
GROUPS = [
    ("no links: groups of the size, in order", "abcde", [], 2, ["ab", "cd", "e"]),
    ("a memo pulls its agreement in, however far", "abcde", [("a", "e")], 2,
     ["ae", "bc", "d"]),
    ("a memo that proposes two agreements", "abcdef", [("b", "f"), ("b", "d")], 3,
     ["abdf", "ce"]),
    ("two memos of one agreement", "abcdef", [("a", "c"), ("e", "c")], 1,
     ["ace", "b", "d", "f"]),
    ("a group never splits linked documents", "abcdef", [("a", "b"), ("b", "c"),
                                                          ("c", "d")], 2, ["abcd", "ef"]),
    ("one group for everything", "abc", [("c", "a")], 100, ["acb"]),
]


@pytest.mark.parametrize("what,docs,proposes,size,expected", GROUPS, ids=[g[0] for g in GROUPS])
def test_check_groups_keep_linked_documents_together(what, docs, proposes, size, expected):
    assert groups_of(docs, proposes, size) == expected


# ---- Linking: the band join, bucket by bucket ----------------------------------------------

def naive_band_pairs(matrix: np.ndarray, kinds: np.ndarray, band: int) -> set[tuple[int, int]]:
    """Every pair of one kind equal in the band, in buckets of 2..MAX_BUCKET (all pairs)."""
    block = matrix[:, band * links.BAND_ROWS:(band + 1) * links.BAND_ROWS]
    keys = [(tuple(row), kind) for row, kind in zip(block.tolist(), kinds, strict=True)]
    size = {key: keys.count(key) for key in set(keys)}
    return {(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))
            if keys[i] == keys[j] and size[keys[i]] <= links.MAX_BUCKET}


# (what, documents, distinct values per signature slot, largest bucket, chunk)
BANDS = [
    ("few collisions", 60, 4, 200, 100_000),
    ("many collisions, chunks of one pair", 60, 2, 200, 1),
    ("buckets over the limit left out", 80, 2, 5, 3),
]


@pytest.mark.parametrize("what,docs,values,largest,chunk", BANDS, ids=[b[0] for b in BANDS])
def test_band_pairs_are_the_pairs_of_the_self_join(monkeypatch, what, docs, values, largest,
                                                   chunk):
    monkeypatch.setattr(links, "MAX_BUCKET", largest)
    monkeypatch.setattr(links, "_CHUNK", chunk)
    rng = np.random.default_rng(7)
    matrix = rng.integers(0, values, size=(docs, NUM_PERM)).astype(np.uint32)
    kinds = rng.integers(0, 2, size=docs)
    for band in range(3):
        batches = list(links._band_pairs(matrix, kinds, band))
        got = [(int(a), int(b)) for ra, rb in batches for a, b in zip(ra, rb, strict=True)]
        assert len(got) == len(set(got))  # each pair once
        assert set(got) == naive_band_pairs(matrix, kinds, band)
        assert all(len(ra) <= max(chunk, largest * (largest - 1) // 2) for ra, _ in batches)


# ---- The spill folder ----------------------------------------------------------------------

def test_the_spill_folder_is_removed_after_a_run_and_after_a_failed_write(archive, tmp_path,  # noqa: F811
                                                                           monkeypatch):
    out = tmp_path / "out"
    extract_archive([archive], out, None, 1)
    assert not list(tmp_path.glob(".out.spill-*"))

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_parquet", disk_full)
    with pytest.raises(OSError):
        extract_archive([archive], out, None, 1)
    assert not list(tmp_path.glob(".out.spill-*"))
    assert not list(tmp_path.glob(".out.tmp-*"))


def test_a_killed_runs_spill_folder_is_removed_by_the_next_run(archive, tmp_path):  # noqa: F811
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".out.spill-{int(dead.stdout)}"
    stale.mkdir()
    (stale / "obligations-000000.parquet").write_bytes(b"left by a killed run")
    assert int(dead.stdout) != os.getpid()
    extract_archive([archive], tmp_path / "out", None, 1)
    assert not stale.exists()
