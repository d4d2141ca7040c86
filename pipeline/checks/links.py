"""Link memos to the agreements they propose, and drafts of one document to each other.

From what the documents say, never from file names, and by joins over the whole archive
(blocking keys), never by comparing all pairs:

- draft_of: two documents of one kind whose wording is nearly the same (MinHash estimate
  of the Jaccard similarity of word 5-shingles >= DRAFT_MIN_SIMILARITY; candidates come
  from equal bands of the signature), unless they name different activities (acronyms),
  different non-public parties, or terms that do not overlap: a municipality's template
  reused for another activity, partner or year is another agreement, not a draft.
- proposes: a memo and an agreement that share an activity acronym (BIV) and two of: a
  non-public party (domkyrkopastorat), an amount, a time (their periods overlap); or
  that share the partner and an amount few documents hold. Candidates share an acronym,
  a party or an amount. Periods that do not overlap, different acronyms or different
  partners rule a pair out (last year's agreement on the same activity, the same parish's
  other agreement); different amounts do not (they are what MEMO_AGREEMENT_MISMATCH
  reports). A memo left unlinked whose partner and time match one agreement (and its
  drafts) and no other proposes that one, even when its amounts differ.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from pipeline.checks import names
from pipeline.checks.values import dates, text
from pipeline.signature import NUM_PERM, decode

Tables = dict[str, pd.DataFrame]

DRAFT_MIN_SIMILARITY = 0.6
BAND_ROWS = 4  # NUM_PERM / BAND_ROWS bands: pairs at similarity 0.6 share a band 99% of times
MAX_BUCKET = 200  # a band value shared by more documents is boilerplate, not one family
MAX_KEY_DOCS = 200  # a blocking key shared by more documents (a round amount) finds no pair
MIN_LINK_AMOUNT = 1000  # kronor: smaller amounts are too common to link documents
RARE_AMOUNT_DOCS = 10  # an amount in at most this many documents tells which agreement
PROPOSES_MIN_SCORE = 3
LINKED_KINDS = ("agreement", "memo")
_CHUNK = 100_000  # candidate pairs compared at a time (bounds memory)


def link_documents(tables: Tables) -> list[dict]:
    documents = tables["documents"]
    docs = documents[(documents["status"] != "error") & (text(documents, "doc_id") != "") &
                     text(documents, "kind").isin(LINKED_KINDS)]
    docs = docs.sort_values("source").drop_duplicates("doc_id").reset_index(drop=True)
    if len(docs) < 2:
        return []
    # documents are numbered in source order; every join below is on these numbers
    facts = _facts(docs, tables)
    drafts = _drafts(docs, facts)
    links = pd.concat([drafts, _proposals(docs, facts, drafts)], ignore_index=True)
    if links.empty:
        return []
    links = links.sort_values(["relation", "a", "b"])
    ids = docs["doc_id"].to_numpy()
    return pd.DataFrame({"doc_id": ids[links["a"].to_numpy()],
                         "related_doc_id": ids[links["b"].to_numpy()],
                         "relation": links["relation"].to_numpy(),
                         "score": links["score"].to_numpy()}).to_dict("records")


# --- per-document facts used for linking -----------------------------------------------

def _numbered(docs: pd.DataFrame, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of `frame` about the linked documents, and their document numbers."""
    number = pd.Index(docs["doc_id"]).get_indexer(frame["doc_id"])
    keep = number >= 0
    return frame[keep], number[keep]


def _long(doc: np.ndarray, key: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"doc": doc, "key": key.to_numpy()})
    frame = frame[frame["key"].notna() & (frame["key"] != "")]
    return frame.drop_duplicates()


def _facts(docs: pd.DataFrame, tables: Tables) -> dict[str, pd.DataFrame]:
    """Long tables (doc, key) of acronyms, non-public parties and amounts; time spans."""
    acronyms = text(docs, "acronyms").str.split().explode()
    activity = _long(acronyms.index.to_numpy(), acronyms)

    parties, doc = _numbered(docs, tables["parties"])
    side = text(parties, "name").map(names.side)
    party = pd.DataFrame({"doc": doc, "key": side.to_numpy(),
                          "name": text(parties, "name").to_numpy()})
    party = party[(party["key"] != "") & (party["key"] != names.PUBLIC)].drop_duplicates()

    amounts, doc = _numbered(docs, tables["amounts"])
    large = (amounts["amount_sek"] >= MIN_LINK_AMOUNT).fillna(False).to_numpy()
    money = _long(doc[large], amounts["amount_sek"][large].astype("string"))
    spread = money.groupby("key")["doc"].transform("size")
    return {"activity": activity, "party": party, "money": money,
            "rare_money": money[spread <= RARE_AMOUNT_DOCS], "span": _spans(docs, tables)}


def _spans(docs: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """Each document's time: earliest start and latest end of its terms, funding and
    allocation periods and the periods its amounts cover."""
    periods, p_doc = _numbered(docs, tables["periods"])
    timed = text(periods, "kind").isin(["term", "funding", "allocation"]).to_numpy()
    periods, p_doc = periods[timed], p_doc[timed]
    amounts, a_doc = _numbered(docs, tables["amounts"])
    both = pd.concat([
        pd.DataFrame({"doc": p_doc, "start": dates(periods, "start").to_numpy(),
                      "end": dates(periods, "end").to_numpy()}),
        pd.DataFrame({"doc": a_doc, "start": dates(amounts, "period_start").to_numpy(),
                      "end": dates(amounts, "period_end").to_numpy()}),
    ], ignore_index=True)
    both = both[both["start"].notna() | both["end"].notna()]
    return both.groupby("doc", as_index=False).agg(start=("start", "min"), end=("end", "max"))


def _shared(pairs: pd.DataFrame, long: pd.DataFrame, name: str) -> pd.DataFrame:
    """Add `name`: +1 when the pair shares a key, -1 when both have keys but share none,
    0 when either has none. Parties share a key (the organisation word) only when their
    names are the same organisation (Linköpings församling is not Ryds församling)."""
    has = np.zeros(int(max(pairs["a"].max(), pairs["b"].max())) + 1, dtype=bool)
    present = long["doc"].to_numpy()
    has[present[present < len(has)]] = True
    matched = (pairs[["a", "b"]]
               .merge(long.rename(columns={"doc": "a"}), on="a")
               .merge(long.rename(columns={"doc": "b"}), on=["b", "key"]))
    if "name_x" in matched:
        same = [names.same_organisation(x, y)
                for x, y in zip(matched["name_x"], matched["name_y"], strict=True)]
        matched = matched[np.array(same, dtype=bool)]
    matched = matched[["a", "b"]].drop_duplicates().assign(_shared=True)
    pairs = pairs.merge(matched, on=["a", "b"], how="left")
    shared = pairs.pop("_shared").fillna(False).astype(bool).to_numpy()
    both = has[pairs["a"].to_numpy()] & has[pairs["b"].to_numpy()]
    pairs[name] = np.where(shared, 1, np.where(both, -1, 0))
    return pairs


def _time(pairs: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """+1 when the two documents' periods overlap, -1 when they are disjoint, 0 unknown."""
    pairs = pairs.merge(spans.rename(columns={"doc": "a", "start": "a_start",
                                              "end": "a_end"}), on="a", how="left")
    pairs = pairs.merge(spans.rename(columns={"doc": "b", "start": "b_start",
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
    usable = np.array([i for i, s in enumerate(signatures) if len(s) == NUM_PERM], dtype=int)
    if len(usable) < 2:
        return pd.DataFrame()
    matrix = np.stack([signatures[i] for i in usable])
    kinds = pd.factorize(text(docs, "kind").to_numpy()[usable])[0]
    found = [pd.DataFrame({"a": np.array([], dtype=int), "b": np.array([], dtype=int),
                           "score": np.array([], dtype=float)})]
    for band in range(NUM_PERM // BAND_ROWS):
        for ra, rb in _band_pairs(matrix, kinds, band):
            similarity = (matrix[ra] == matrix[rb]).mean(axis=1)
            similar = similarity >= DRAFT_MIN_SIMILARITY
            found.append(pd.DataFrame({"a": usable[ra[similar]], "b": usable[rb[similar]],
                                       "score": similarity[similar]}))
        found = [pd.concat(found, ignore_index=True).drop_duplicates(["a", "b"])]
    pairs = found[0]
    if pairs.empty:
        return pd.DataFrame()
    for name in ("activity", "party"):
        pairs = _shared(pairs, facts[name], name)
    pairs = _time(pairs, facts["span"])
    pairs = pairs[(pairs["activity"] >= 0) & (pairs["party"] >= 0) & (pairs["time"] >= 0)]
    return pd.DataFrame({"a": pairs["a"], "b": pairs["b"], "relation": "draft_of",
                         "score": pairs["score"].round(3)})


def _band_pairs(matrix: np.ndarray, kinds: np.ndarray, band: int
                ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of rows (a < b) of one kind whose signatures are equal in `band`, about _CHUNK
    at a time: one band's buckets, grouped by their size, never all candidates at once."""
    block = matrix[:, band * BAND_ROWS:(band + 1) * BAND_ROWS].astype(np.uint64)
    bucket = pd.DataFrame({"high": (block[:, 0] << np.uint64(32)) | block[:, 1],
                           "low": (block[:, 2] << np.uint64(32)) | block[:, 3],
                           "kind": kinds}).groupby(["high", "low", "kind"], sort=False).ngroup()
    bucket = bucket.to_numpy()
    size = np.bincount(bucket)[bucket]
    rows = np.flatnonzero((size > 1) & (size <= MAX_BUCKET))
    if len(rows) == 0:
        return
    rows = rows[np.argsort(bucket[rows], kind="stable")]  # each bucket's rows together, rising
    starts = np.flatnonzero(np.r_[True, bucket[rows][1:] != bucket[rows][:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    for k in np.unique(sizes):
        members = rows[starts[sizes == k][:, None] + np.arange(k)]  # one bucket per line
        first, second = np.triu_indices(k, 1)
        step = max(1, _CHUNK // len(first))
        for i in range(0, len(members), step):
            group = members[i:i + step]
            yield group[:, first].ravel(), group[:, second].ravel()


# --- proposes ----------------------------------------------------------------------------

def _proposals(docs: pd.DataFrame, facts: dict[str, pd.DataFrame],
               drafts: pd.DataFrame) -> pd.DataFrame:
    kind = text(docs, "kind").to_numpy()
    keys = pd.concat([facts[name][["doc", "key"]].assign(
        key=name[0] + ":" + facts[name]["key"].astype(str))
        for name in ("activity", "party", "money")], ignore_index=True).drop_duplicates()
    keys["key"] = pd.factorize(keys["key"])[0]
    keys["kind"] = kind[keys["doc"].to_numpy()]
    spread = keys.groupby("key")["doc"].transform("size")
    keys = keys[spread <= MAX_KEY_DOCS]
    memos = keys[keys["kind"] == "memo"].rename(columns={"doc": "a"})
    agreements = keys[keys["kind"] == "agreement"].rename(columns={"doc": "b"})
    pairs = memos.merge(agreements, on="key")[["a", "b"]].drop_duplicates()
    if pairs.empty:
        return pd.DataFrame()
    for name in ("activity", "party", "money", "rare_money"):
        pairs = _shared(pairs, facts[name], name)
    # amounts that differ are what the checks are for, not evidence against the link
    pairs["money"] = pairs["money"].clip(lower=0)
    pairs = _time(pairs, facts["span"])
    score = pairs["activity"] + pairs["party"] + pairs["money"] + pairs["time"]
    possible = (pairs["time"] >= 0) & (pairs["activity"] >= 0) & (pairs["party"] >= 0)
    # the activity named and two of partner, amount, time
    keep = possible & (pairs["activity"] == 1) & (score >= PROPOSES_MIN_SCORE)
    # the partner and an amount few documents hold (a partner's other agreement of the same
    # years may share a round amount, not an odd one)
    keep |= possible & (pairs["party"] == 1) & (pairs["rare_money"] == 1)
    keep |= _only_agreement(pairs, keep, drafts)
    return pd.DataFrame({"a": pairs["a"][keep], "b": pairs["b"][keep], "relation": "proposes",
                         "score": (score[keep] / 4).round(3)})


def _only_agreement(pairs: pd.DataFrame, linked: pd.Series, drafts: pd.DataFrame) -> pd.Series:
    """A memo with no link yet that names a partner and a time matching one agreement (with
    its drafts) and no other proposes it, whatever its amounts say: the partner's only
    agreement of those years. Rows of `pairs` to link."""
    weak = ~linked & (pairs["party"] == 1) & (pairs["time"] == 1) & \
        (pairs["activity"] == 0)
    weak &= ~pairs["a"].isin(set(pairs["a"][linked]))
    if not weak.any():
        return weak
    family = set(zip(drafts["a"], drafts["b"], strict=True)) if len(drafts) else set()
    one = set()
    for memo, agreements in pairs[weak].groupby("a")["b"]:
        found = sorted(agreements)
        if all((x, y) in family for i, x in enumerate(found) for y in found[i + 1:]):
            one.add(memo)
    return weak & pairs["a"].isin(one)
