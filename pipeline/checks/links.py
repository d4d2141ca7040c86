"""Link memos to the agreements they propose, and drafts of one document to each other.

From what the documents say, never from file names, and by joins over the whole archive
(blocking keys), never by comparing all pairs:

- draft_of: two documents of one kind whose wording is nearly the same (MinHash estimate
  of the Jaccard similarity of word 5-shingles >= DRAFT_MIN_SIMILARITY; candidates come
  from equal bands of the signature), unless they name different activities (acronyms),
  different non-public parties, or terms that do not overlap: a municipality's template
  reused for another activity, partner or year is another agreement, not a draft.
- proposes: a memo and an agreement that agree on at least three of four facts: an
  activity acronym (BIV), a non-public party (domkyrkopastorat), an amount, and a time
  (their periods overlap). Candidates share an acronym, a party or an amount; periods that
  do not overlap rule a pair out (last year's agreement on the same activity).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.checks import names
from pipeline.checks.values import dates, text
from pipeline.signature import NUM_PERM, decode

Tables = dict[str, pd.DataFrame]

DRAFT_MIN_SIMILARITY = 0.6
BAND_ROWS = 4  # NUM_PERM / BAND_ROWS bands: pairs at similarity 0.6 share a band 99% of times
MAX_BUCKET = 1000  # a band shared by more documents is boilerplate, not drafts
MAX_KEY_DOCS = 1000  # blocking keys shared by more documents link nothing
MIN_LINK_AMOUNT = 1000  # kronor: smaller amounts are too common to link documents
PROPOSES_MIN_SCORE = 3
LINKED_KINDS = ("agreement", "memo")


def link_documents(tables: Tables) -> list[dict]:
    documents = tables["documents"]
    docs = documents[(documents["status"] != "error") & (text(documents, "doc_id") != "") &
                     text(documents, "kind").isin(LINKED_KINDS)]
    docs = docs.drop_duplicates("doc_id").reset_index(drop=True)
    if len(docs) < 2:
        return []
    facts = _facts(docs, tables)
    links = pd.concat([_drafts(docs, facts), _proposals(docs, facts)], ignore_index=True)
    if links.empty:
        return []
    order = {d: i for i, d in enumerate(documents.sort_values("source")["doc_id"])}
    links["_a"] = links["doc_id"].map(order)
    links["_b"] = links["related_doc_id"].map(order)
    links = links.sort_values(["relation", "_a", "_b"]).drop(columns=["_a", "_b"])
    return links.to_dict("records")


# --- per-document facts used for linking -----------------------------------------------

def _facts(docs: pd.DataFrame, tables: Tables) -> dict[str, pd.DataFrame]:
    """Long tables (doc_id, key) of acronyms, non-public parties and amounts; time spans."""
    ids = set(docs["doc_id"])
    acronyms = docs[["doc_id"]].assign(key=text(docs, "acronyms").str.split()).explode("key")
    acronyms = acronyms[acronyms["key"].notna() & (acronyms["key"] != "")]

    parties = tables["parties"]
    parties = parties[parties["doc_id"].isin(ids)]
    head = text(parties, "name").map(names.side)
    parties = pd.DataFrame({"doc_id": parties["doc_id"], "key": head})
    parties = parties[(parties["key"] != "") & (parties["key"] != names.PUBLIC)]

    amounts = tables["amounts"]
    amounts = amounts[amounts["doc_id"].isin(ids) & (amounts["amount_sek"] >= MIN_LINK_AMOUNT)]
    money = pd.DataFrame({"doc_id": amounts["doc_id"],
                          "key": amounts["amount_sek"].astype("string")})
    return {
        "activity": acronyms[["doc_id", "key"]].drop_duplicates(),
        "party": parties.drop_duplicates(),
        "money": money.drop_duplicates(),
        "span": _spans(tables, ids),
    }


def _spans(tables: Tables, ids: set[str]) -> pd.DataFrame:
    """Each document's time: earliest start and latest end of its terms, funding and
    allocation periods and the periods its amounts cover."""
    periods = tables["periods"]
    periods = periods[periods["doc_id"].isin(ids) &
                      text(periods, "kind").isin(["term", "funding", "allocation"])]
    amounts = tables["amounts"]
    amounts = amounts[amounts["doc_id"].isin(ids)]
    both = pd.concat([
        pd.DataFrame({"doc_id": periods["doc_id"], "start": dates(periods, "start"),
                      "end": dates(periods, "end")}),
        pd.DataFrame({"doc_id": amounts["doc_id"], "start": dates(amounts, "period_start"),
                      "end": dates(amounts, "period_end")}),
    ], ignore_index=True)
    both = both[both["start"].notna() | both["end"].notna()]
    return both.groupby("doc_id", as_index=False).agg(start=("start", "min"), end=("end", "max"))


def _shared(pairs: pd.DataFrame, long: pd.DataFrame, name: str) -> pd.DataFrame:
    """Add `name`: +1 when the pair shares a key, -1 when both have keys but share none,
    0 when either has none."""
    has = set(long["doc_id"])
    matched = (pairs[["a", "b"]]
               .merge(long.rename(columns={"doc_id": "a"}), on="a")
               .merge(long.rename(columns={"doc_id": "b"}), on=["b", "key"])
               [["a", "b"]].drop_duplicates().assign(**{f"_{name}": True}))
    pairs = pairs.merge(matched, on=["a", "b"], how="left")
    both = pairs["a"].isin(has) & pairs["b"].isin(has)
    shared = pairs.pop(f"_{name}").fillna(False).astype(bool)
    pairs[name] = np.where(shared, 1, np.where(both, -1, 0))
    return pairs


def _time(pairs: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """+1 when the two documents' periods overlap, -1 when they are disjoint, 0 unknown."""
    pairs = pairs.merge(spans.rename(columns={"doc_id": "a", "start": "a_start",
                                              "end": "a_end"}), on="a", how="left")
    pairs = pairs.merge(spans.rename(columns={"doc_id": "b", "start": "b_start",
                                              "end": "b_end"}), on="b", how="left")
    apart = ((pairs["a_end"] < pairs["b_start"]) | (pairs["b_end"] < pairs["a_start"])).fillna(
        False).astype(bool)
    known = (pairs["a_start"].notna() | pairs["a_end"].notna()) & \
        (pairs["b_start"].notna() | pairs["b_end"].notna())
    pairs["time"] = np.where(apart, -1, np.where(known, 1, 0))
    return pairs.drop(columns=["a_start", "a_end", "b_start", "b_end"])


# --- draft_of ----------------------------------------------------------------------------

def _drafts(docs: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    signatures = [decode(s) for s in text(docs, "signature")]
    usable = [i for i, s in enumerate(signatures) if len(s) == NUM_PERM]
    if len(usable) < 2:
        return pd.DataFrame()
    matrix = np.stack([signatures[i] for i in usable])
    index = np.array(usable)
    kinds = text(docs, "kind").to_numpy()[index]
    bands = []
    for band in range(NUM_PERM // BAND_ROWS):
        block = matrix[:, band * BAND_ROWS:(band + 1) * BAND_ROWS].astype(np.uint64)
        high = (block[:, 0] << np.uint64(32)) | block[:, 1]
        low = (block[:, 2] << np.uint64(32)) | block[:, 3]
        bands.append(pd.DataFrame({"row": np.arange(len(index)), "band": band, "high": high,
                                   "low": low, "kind": kinds}))
    buckets = pd.concat(bands, ignore_index=True)
    keys = ["band", "high", "low", "kind"]
    size = buckets.groupby(keys)["row"].transform("size")
    buckets = buckets[(size > 1) & (size <= MAX_BUCKET)]
    pairs = buckets.merge(buckets, on=keys, suffixes=("_a", "_b"))
    pairs = pairs[pairs["row_a"] < pairs["row_b"]][["row_a", "row_b"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame()
    ra, rb = pairs["row_a"].to_numpy(), pairs["row_b"].to_numpy()
    similarity = (matrix[ra] == matrix[rb]).mean(axis=1)
    doc_ids = docs["doc_id"].to_numpy()
    pairs = pd.DataFrame({"a": doc_ids[index[ra]], "b": doc_ids[index[rb]],
                          "score": similarity})
    pairs = pairs[pairs["score"] >= DRAFT_MIN_SIMILARITY]
    for name in ("activity", "party"):
        pairs = _shared(pairs, facts[name], name)
    pairs = _time(pairs, facts["span"])
    keep = (pairs["activity"] >= 0) & (pairs["party"] >= 0) & (pairs["time"] >= 0)
    pairs = pairs[keep]
    return pd.DataFrame({"doc_id": pairs["a"], "related_doc_id": pairs["b"],
                         "relation": "draft_of", "score": pairs["score"].round(3)})


# --- proposes ----------------------------------------------------------------------------

def _proposals(docs: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    kind = docs.set_index("doc_id")["kind"]
    keys = pd.concat([facts[name].assign(key=name[0] + ":" + facts[name]["key"])
                      for name in ("activity", "party", "money")], ignore_index=True)
    keys["kind"] = keys["doc_id"].map(kind)
    spread = keys.groupby("key")["doc_id"].transform("size")
    keys = keys[spread <= MAX_KEY_DOCS]
    memos = keys[keys["kind"] == "memo"].rename(columns={"doc_id": "a"})
    agreements = keys[keys["kind"] == "agreement"].rename(columns={"doc_id": "b"})
    pairs = memos.merge(agreements, on="key")[["a", "b"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame()
    for name in ("activity", "party", "money"):
        pairs = _shared(pairs, facts[name], name)
    pairs = _time(pairs, facts["span"])
    score = pairs["activity"] + pairs["party"] + pairs["money"] + pairs["time"]
    pairs = pairs[(score >= PROPOSES_MIN_SCORE) & (pairs["time"] >= 0)]
    return pd.DataFrame({"doc_id": pairs["a"], "related_doc_id": pairs["b"],
                         "relation": "proposes",
                         "score": (score[pairs.index] / 4).round(3)})
