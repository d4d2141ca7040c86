"""Benchmark: link_documents + run_checks over a synthetic archive's tables (issue: 10 000
documents in seconds).

The tables are the real extraction of the seeds (000 agreement, 002 memo, 003 agreement,
004 slides), copied into families: each family is an agreement with one or two drafts, the
memo that proposes it, sometimes slides; each gets its own ids, partner (from a pool of
400 organisations, so partners recur across families as in a real archive), activity
acronym, amounts (one of 40 multiples of the seeds' amounts, so amounts recur too), years
(2015-2025) and a MinHash signature that shares boilerplate with every other document and
most of its wording with its own drafts. One family in 30 has a memo whose amounts are
1 000 kr off its agreement's (and off its own cost): the checks should flag those.

Usage: .venv/bin/python bench/checks_speed.py [DOCUMENTS]   (default 10000)
"""

from __future__ import annotations

import hashlib
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import schemas
from pipeline.checks import link_documents, run_checks
from pipeline.ingest import read_document
from pipeline.process import FACT_TABLES, process
from pipeline.signature import NUM_PERM, encode

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {name: ROOT / "data/raw" / f for name, f in [
    ("agreement_biv", "000_d3bc919bb2a10656.txt"), ("memo_biv", "002_2b68fa102c319169.txt"),
    ("agreement_utsatta", "003_6febc1509cba0eef.txt"), ("slides", "004_1e1b26bf03f114b4.txt")]}


def seed_facts() -> dict[str, tuple[dict, dict]]:
    return {name: process(read_document(path, path.name)) for name, path in SEEDS.items()}


def _set_minhash(rng: np.random.Generator, size: int) -> np.ndarray:
    """MinHash values of a random set of `size` shingles (min of `size` uniforms)."""
    u = rng.random(NUM_PERM)
    return ((1 - (1 - u) ** (1 / size)) * 2**32).astype(np.uint64)


def synthetic(n_docs: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    facts = seed_facts()
    boilerplate = _set_minhash(rng, 1500)
    partners = [f"Ort{i % 97} Förening{i}" for i in range(400)]
    docs: list[dict] = []
    tables: dict[str, list[dict]] = {name: [] for name in FACT_TABLES}
    family = 0
    while len(docs) < n_docs:
        family += 1
        kind = "biv" if family % 2 else "utsatta"
        partner = partners[rng.integers(len(partners))]
        acronym = "".join("ABCDEFGHKLMNPRST"[int(d, 16)] for d in f"{family:04x}")
        factor = int(rng.integers(1, 40))
        years = int(rng.integers(-8, 3))
        text_of_family = _set_minhash(rng, 2500)
        members = [(f"agreement_{kind}", "agreement")] * int(rng.integers(1, 3))
        members += [("memo_biv", "memo")] if kind == "biv" else []
        members += [("slides", "other")] if family % 7 == 0 else []
        planted = family % 30 == 1
        for index, (template, kind_name) in enumerate(members):
            doc_id = hashlib.sha256(f"{family}-{index}".encode()).hexdigest()
            row, rows = facts[template]
            own = np.minimum(np.minimum(boilerplate, text_of_family), _set_minhash(rng, 100))
            docs.append({**row, "doc_id": doc_id, "source": f"f{family:05d}/{index}.txt",
                         "signature": encode(own.astype(np.uint32)),
                         "acronyms": acronym if kind_name != "other" else ""})
            for name in FACT_TABLES:
                for fact in rows[name]:
                    tables[name].append(_varied(fact, doc_id, partner, factor, years,
                                                planted and kind_name == "memo"))
    frames = {"documents": schemas.frame("documents", docs[:n_docs])}
    kept = set(frames["documents"]["doc_id"])
    for name in FACT_TABLES:
        frames[name] = schemas.frame(name, [r for r in tables[name] if r["doc_id"] in kept])
    return frames


def _varied(fact: dict, doc_id: str, partner: str, factor: int, years: int,
            planted: bool) -> dict:
    out = {**fact, "doc_id": doc_id}
    for key in ("name", "payer", "payee", "party", "for_party"):
        if isinstance(out.get(key), str):
            out[key] = out[key].replace("Domkyrkopastorat", partner).replace(
                "domkyrkopastorat", partner)
    if out.get("amount_sek") is not None:
        out["amount_sek"] = out["amount_sek"] * factor + (1000 if planted else 0)
    for key in ("start_date", "end_date", "period_start", "period_end", "date"):
        if isinstance(out.get(key), str) and len(out[key]) == 10:
            out[key] = f"{int(out[key][:4]) + years}{out[key][4:]}"
    return out


def main(n_docs: int) -> None:
    t0 = time.perf_counter()
    tables = synthetic(n_docs)
    built = time.perf_counter() - t0
    print(f"synthetic tables: {len(tables['documents'])} documents, "
          + ", ".join(f"{len(tables[n])} {n}" for n in FACT_TABLES) + f" (built in {built:.1f} s)")
    link_times, check_times = [], []
    for _ in range(3):
        start = time.perf_counter()
        links = link_documents(tables)
        middle = time.perf_counter()
        tables["links"] = schemas.frame("links", links)
        flags = run_checks(tables)
        end = time.perf_counter()
        link_times.append(middle - start)
        check_times.append(end - middle)
    relations = pd.Series([r["relation"] for r in links]).value_counts().to_dict()
    codes = pd.Series([f["code"] for f in flags]).value_counts().to_dict()
    print(f"links: {relations}")
    print(f"flags: {codes}")
    print(f"link_documents: {statistics.median(link_times):.2f} s, run_checks: "
          f"{statistics.median(check_times):.2f} s, together "
          f"{statistics.median(link_times) + statistics.median(check_times):.2f} s "
          "(median of 3 runs, one process)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
