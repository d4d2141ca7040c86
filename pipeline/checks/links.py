"""Link memos to the agreements they propose, later versions to earlier ones, amendments to
the agreements they change, and renderings of one document to each other.

From what the documents say, never from file names, and by joins over the whole archive
(blocking keys), never by comparing all pairs. A pair is weighed on evidence of several
kinds, and the link row says which (links.evidence):

- `dnr`: a diarienummer both name (weight 2: the register says it is one matter; both
  naming diarienummer, none the same: -2, two matters);
- `org_number`: the partner's organisationsnummer in both texts (2);
- `partner`: a non-public party of the same organisation (1; a different partner -1, and
  no proposal at all unless the register joins them or the names share a word: a template
  reused for another organisation);
- `amount`: an amount both state, directly or in another form of the same money (45 000
  per month = 540 000 per year, 500 000 per year for three years = 1 500 000 for the
  period) (1; one that few documents hold, +1);
- `term`: the same term dates (2), or `time`: periods that overlap (1; disjoint -2);
- `acronym`: an activity acronym both use (1; different ones -1).

Against a link, whatever else is shared: the documents name different municipalities'
organisationsnummer. When the diarienummer or the partner's number is shared, disjoint
times and other acronyms do not count (a memo's background names last agreement's dates).

- proposes: a memo and an agreement with evidence >= PROPOSES_MIN_SCORE, one item of it
  telling who (dnr, partner, number, acronym or a rare amount). An amendment is proposed
  only by a memo about a change or an extension. A memo left unlinked whose partner and time match
  one agreement (and its other versions) and no other proposes that one.
- draft_of / same_as: two documents of one kind whose wording is nearly the same (MinHash
  estimate of the Jaccard similarity of word 5-shingles >= DRAFT_MIN_SIMILARITY; candidates
  from equal bands of the signature), unless they name other partners, activities,
  municipalities or non-overlapping terms: a template reused for another partner or year
  is another agreement. Near-identical wording in another file format (or wording as
  close as OCR and page layout leave it, with the same term dates), with no amount, term
  or organisationsnummer that differs, is the same document (same_as: a PDF and a DOCX of
  it, a scan); otherwise the row goes from the later version to the earlier
  (UTKAST first, then by date, then by name).
- amends: an agreement whose opening calls it an amendment (tilläggsöverenskommelse,
  förlängning) and the agreement of the same partner it changes (evidence >= 3; the best).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import numpy as np
import pandas as pd

from pipeline.checks import names
from pipeline.checks.values import dates, text
from pipeline.identity import words as names_words
from pipeline.lang import table
from pipeline.signature import NUM_PERM, decode

Tables = dict[str, pd.DataFrame]

DRAFT_MIN_SIMILARITY = 0.6
SAME_MIN_SIMILARITY = 0.9  # near-identical wording: a rendering, if the facts agree too
RENDERING_MIN_SIMILARITY = 0.7  # a scan or a PDF's layout: a rendering with the same term
BAND_ROWS = 4  # NUM_PERM / BAND_ROWS bands: pairs at similarity 0.6 share a band 99% of times
MAX_BUCKET = 200  # a band value shared by more documents is boilerplate, not one family
MAX_KEY_DOCS = 200  # a blocking key shared by more documents (a round amount) finds no pair
MIN_LINK_AMOUNT = 1000  # kronor: smaller amounts are too common to link documents
RARE_AMOUNT_DOCS = 10  # an amount in at most this many documents tells which agreement
PROPOSES_MIN_SCORE = 3
AMENDS_MIN_SCORE = 3
LINKED_KINDS = ("agreement", "memo")
PARTNER_ROLES = ("party", "")  # parties.role of the rows that tell a document's partner
_CHUNK = 100_000  # candidate pairs compared at a time (bounds memory)
# evidence kinds: (column, weight when shared, weight when both have some and share none)
_WHO = ("dnr", "org_number", "partner", "acronym")


def link_documents(tables: Tables) -> list[dict]:
    """Links rows (doc_id, related_doc_id, relation, score, evidence)."""
    links, docs = _links(tables)
    if links.empty:
        return []
    ids = docs["doc_id"].to_numpy()
    return pd.DataFrame({"doc_id": ids[links["a"].to_numpy()],
                         "related_doc_id": ids[links["b"].to_numpy()],
                         "relation": links["relation"].to_numpy(),
                         "score": links["score"].to_numpy(),
                         "evidence": links["evidence"].to_numpy()}).to_dict("records")


def _links(tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = _documents(tables)
    if len(docs) < 2:
        return pd.DataFrame(), docs
    # documents are numbered in source order; every join below is on these numbers
    facts = _facts(docs, tables)
    versions = _versions(docs, facts)
    amendments = _amendments(docs, facts)
    proposals = _proposals(docs, facts, versions)
    links = pd.concat([versions, amendments, proposals], ignore_index=True)
    if links.empty:
        return links, docs
    return links.sort_values(["relation", "a", "b"]).reset_index(drop=True), docs


def _documents(tables: Tables) -> pd.DataFrame:
    documents = tables["documents"]
    docs = documents[(documents["status"] != "error") & (text(documents, "doc_id") != "") &
                     text(documents, "kind").isin(LINKED_KINDS)]
    return docs.sort_values("source").drop_duplicates("doc_id").reset_index(drop=True)


# --- per-document facts used for linking -----------------------------------------------

@cache
def _public_prefixes() -> tuple[str, ...]:
    return tuple(table("checks")["linking"]["public_org_prefixes"])


def _numbered(docs: pd.DataFrame, frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of `frame` about the linked documents, and their document numbers."""
    number = pd.Index(docs["doc_id"]).get_indexer(frame["doc_id"])
    keep = number >= 0
    return frame[keep], number[keep]


def _long(doc: np.ndarray, key: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame({"doc": doc, "key": key.to_numpy()})
    frame = frame[frame["key"].notna() & (frame["key"] != "")]
    return frame.drop_duplicates()


def _split(docs: pd.DataFrame, column: str) -> pd.DataFrame:
    """(doc, key) of a space-separated documents column; empty when the column is absent."""
    if column not in docs:
        return pd.DataFrame({"doc": np.array([], dtype=int), "key": []})
    pairs = [(doc, key) for doc, value in enumerate(text(docs, column).tolist())
             for key in dict.fromkeys(value.split())]
    return pd.DataFrame({"doc": np.array([d for d, _ in pairs], dtype=int),
                         "key": [k for _, k in pairs]})


def _facts(docs: pd.DataFrame, tables: Tables) -> dict[str, pd.DataFrame]:
    """Long tables (doc, key) of each kind of evidence; time spans and terms."""
    parties = tables["parties"]
    if "role" in parties:
        # a party to the agreement, not a name mentioned in passing ("Jouren" in a
        # sentence may be any organisation's short name)
        parties = parties[text(parties, "role").isin(PARTNER_ROLES)]
    parties, doc = _numbered(docs, parties)
    side = text(parties, "name").map(names.side)
    party = pd.DataFrame({"doc": doc, "key": side.to_numpy(),
                          "name": text(parties, "name").to_numpy()})
    party = party[(party["key"] != "") & (party["key"] != names.PUBLIC)].drop_duplicates()

    numbers = _split(docs, "org_numbers")
    public = numbers["key"].astype(str).str.startswith(_public_prefixes())
    terms = _terms(docs, tables)
    money = _money(docs, tables, terms)
    spread = money.groupby("key")["doc"].transform("size")
    term_key = terms.dropna(subset=["start", "end"])
    term_key = _long(term_key["doc"].to_numpy(),
                     term_key["start"].dt.strftime("%Y-%m-%d") + ".." +
                     term_key["end"].dt.strftime("%Y-%m-%d"))
    return {"acronym": _split(docs, "acronyms"), "partner": party, "dnr": _split(docs, "dnr"),
            "org_number": numbers[~public], "municipality": numbers[public],
            "amount": money, "rare_amount": money[spread <= RARE_AMOUNT_DOCS],
            "term": term_key, "span": _spans(docs, tables),
            "marks": text(docs, "version_marks") if "version_marks" in docs else
            pd.Series("", index=docs.index)}


def _terms(docs: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """(doc, start, end, years) of each dated term."""
    periods, doc = _numbered(docs, tables["periods"])
    is_term = (text(periods, "kind") == "term").to_numpy()
    terms = pd.DataFrame({"doc": doc[is_term], "start": dates(periods, "start_date")[is_term]
                          .to_numpy(), "end": dates(periods, "end_date")[is_term].to_numpy()})
    days = (terms["end"] - terms["start"]).dt.days + 1
    terms["years"] = (days / 365.25).round(2)
    return terms


def _money(docs: pd.DataFrame, tables: Tables, terms: pd.DataFrame) -> pd.DataFrame:
    """(doc, key) of each amount and the other forms of the same money: a month's amount
    per year, a year's amount for a term of whole years and a term's amount per year."""
    amounts, doc = _numbered(docs, tables["amounts"])
    value = amounts["amount_sek"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    basis = text(amounts, "basis").to_numpy() if "basis" in amounts else \
        np.full(len(amounts), "")
    frame = pd.DataFrame({"doc": doc, "value": value, "basis": basis})
    years = terms[(terms["years"] % 1).abs().lt(0.02) & (terms["years"] >= 1)]
    years = years.assign(n=years["years"].round()).drop_duplicates(["doc", "n"])[["doc", "n"]]
    forms = [frame[["doc", "value"]]]
    monthly = frame[frame["basis"] == "per_month"]
    forms.append(monthly.assign(value=monthly["value"] * 12)[["doc", "value"]])
    with_years = frame.merge(years, on="doc")
    yearly = with_years[with_years["basis"] == "per_year"]
    forms.append(yearly.assign(value=yearly["value"] * yearly["n"])[["doc", "value"]])
    whole = with_years[with_years["basis"] == "per_period"]
    forms.append(whole.assign(value=whole["value"] / whole["n"])[["doc", "value"]])
    money = pd.concat(forms, ignore_index=True)
    money = money[(money["value"] >= MIN_LINK_AMOUNT) & (money["value"] % 1 == 0)]
    return _long(money["doc"].to_numpy(), money["value"].astype("int64").astype("string"))


def _spans(docs: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """Each document's time: earliest start and latest end of its terms, funding and
    allocation periods and the periods its amounts cover."""
    periods, p_doc = _numbered(docs, tables["periods"])
    timed = text(periods, "kind").isin(["term", "funding", "allocation"]).to_numpy()
    periods, p_doc = periods[timed], p_doc[timed]
    amounts, a_doc = _numbered(docs, tables["amounts"])
    both = pd.concat([
        pd.DataFrame({"doc": p_doc, "start": dates(periods, "start_date").to_numpy(),
                      "end": dates(periods, "end_date").to_numpy()}),
        pd.DataFrame({"doc": a_doc, "start": dates(amounts, "period_start").to_numpy(),
                      "end": dates(amounts, "period_end").to_numpy()}),
    ], ignore_index=True)
    both = both[both["start"].notna() | both["end"].notna()]
    return both.groupby("doc", as_index=False).agg(start=("start", "min"), end=("end", "max"))


def _shared(pairs: pd.DataFrame, long: pd.DataFrame, name: str) -> pd.DataFrame:
    """Add `name`: the number of keys the pair shares, -1 when both have keys but share
    none, 0 when either has none; and `name`_key, one shared key (for the evidence).
    Parties share a key (the organisation word) only when their names are the same
    organisation (Linköpings församling is not Ryds församling)."""
    if pairs.empty:
        return pairs.assign(**{name: np.array([], dtype=int), f"{name}_key": ""})
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
        matched = matched.assign(key=matched["name_y"])
    matched = matched.drop_duplicates(["a", "b", "key"])
    counted = matched.drop_duplicates(["a", "b"])[["a", "b", "key"]].rename(
        columns={"key": "_key"})
    counted["_n"] = matched.groupby(["a", "b"], sort=False).size().to_numpy()
    pairs = pairs.merge(counted, on=["a", "b"], how="left")
    shared = pairs.pop("_n").fillna(0).astype(int).to_numpy()
    both = has[pairs["a"].to_numpy()] & has[pairs["b"].to_numpy()]
    pairs[name] = np.where(shared > 0, shared, np.where(both, -1, 0))
    pairs[f"{name}_key"] = pairs.pop("_key").astype("string").fillna("")
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


def _evidence(pairs: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every kind of evidence for each pair (a, b)."""
    for name in ("dnr", "org_number", "partner", "acronym", "amount", "rare_amount", "term",
                 "municipality"):
        pairs = _shared(pairs, facts[name], name)
    pairs = _kin(pairs, facts["partner"])
    return _time(pairs, facts["span"])


def _kin(pairs: pd.DataFrame, partners: pd.DataFrame) -> pd.DataFrame:
    """`kin`: for a pair whose partners are not the same organisation (partner -1), whether
    some two of their names still share a word that tells who ('Kvinnojouren Tara' and
    'Kvinno- och tjejjouren Tara i Kiruna'): a name written another way, not another
    organisation."""
    kin = np.zeros(len(pairs), dtype=bool)
    differ = (pairs["partner"] < 0).to_numpy() if len(pairs) else kin
    if differ.any():
        by_doc = partners.groupby("doc")["name"].agg(
            lambda names: frozenset().union(*(names_words(n) for n in names)))
        for i in np.flatnonzero(differ):
            a, b = pairs["a"].iat[i], pairs["b"].iat[i]
            kin[i] = bool(by_doc.get(a, frozenset()) & by_doc.get(b, frozenset()))
    return pairs.assign(kin=kin)


def _weigh(pairs: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(score, vetoed, tells_who) of each pair."""
    strong = (pairs["dnr"] > 0) | (pairs["org_number"] > 0)
    time = np.where(pairs["term"] > 0, 2, np.where(pairs["time"] > 0, 1,
                                                   np.where(pairs["time"] < 0, -2, 0)))
    time = np.where(strong, np.maximum(time, 0), time)
    acronym = np.where(pairs["acronym"] > 0, 1, np.where(pairs["acronym"] < 0, -1, 0))
    acronym = np.where(strong, np.maximum(acronym, 0), acronym)
    partner = np.where(pairs["partner"] > 0, 1, np.where(
        (pairs["partner"] < 0) & (pairs["org_number"] <= 0), -1, 0))
    # both name a diarienummer, and not the same: two matters of the register
    register = np.where(pairs["dnr"] > 0, 2, np.where(pairs["dnr"] < 0, -2, 0))
    score = (register + 2 * (pairs["org_number"] > 0) + partner + acronym +
             (pairs["amount"] > 0) + (pairs["rare_amount"] > 0) + time)
    # other municipalities, or other partners with nothing from the register saying it is
    # one matter: a template reused for another organisation
    vetoed = (pairs["municipality"] < 0) | ((pairs["partner"] < 0) & ~strong & ~pairs["kin"])
    tells_who = strong | (pairs["partner"] > 0) | (pairs["acronym"] > 0) | \
        (pairs["rare_amount"] > 0)
    return pd.Series(score, index=pairs.index), vetoed, tells_who


def _describe(pairs: pd.DataFrame) -> list[str]:
    """links.evidence: the kinds of evidence shared, with one shared key of each."""
    out = []
    for row in pairs.to_dict("records"):
        said = []
        for name, label in (("dnr", "dnr"), ("org_number", "org_number"),
                            ("partner", "partner"), ("acronym", "acronym"),
                            ("amount", "amount"), ("term", "term")):
            if row.get(name, 0) > 0:
                said.append(f"{label} {row[f'{name}_key']}")
        if row.get("term", 0) <= 0 and row.get("time", 0) > 0:
            said.append("time")
        if "similarity" in row:
            said.append(f"wording {row['similarity']:.2f}")
        out.append("; ".join(said))
    return out


def _marked(facts: dict[str, pd.DataFrame], mark: str) -> np.ndarray:
    return np.array([mark in marks.split() for marks in facts["marks"].tolist()], dtype=bool)


# --- draft_of and same_as ------------------------------------------------------------------

def _versions(docs: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    if "signature" not in docs:
        return pd.DataFrame()
    signatures = [decode(s) for s in text(docs, "signature")]
    usable = np.array([i for i, s in enumerate(signatures) if len(s) == NUM_PERM], dtype=int)
    if len(usable) < 2:
        return pd.DataFrame()
    matrix = np.stack([signatures[i] for i in usable])
    kinds = pd.factorize(text(docs, "kind").to_numpy()[usable])[0]
    found = [pd.DataFrame({"a": np.array([], dtype=int), "b": np.array([], dtype=int),
                           "similarity": np.array([], dtype=float)})]
    for band in range(NUM_PERM // BAND_ROWS):
        for ra, rb in _band_pairs(matrix, kinds, band):
            similarity = (matrix[ra] == matrix[rb]).mean(axis=1)
            similar = similarity >= DRAFT_MIN_SIMILARITY
            found.append(pd.DataFrame({"a": usable[ra[similar]], "b": usable[rb[similar]],
                                       "similarity": similarity[similar]}))
        found = [pd.concat(found, ignore_index=True).drop_duplicates(["a", "b"])]
    pairs = found[0]
    if pairs.empty:
        return pd.DataFrame()
    pairs = _evidence(pairs, facts)
    strong = (pairs["dnr"] > 0) | (pairs["org_number"] > 0)
    other = (pairs["municipality"] < 0) | ((pairs["org_number"] < 0) & (pairs["partner"] <= 0))
    other |= ~strong & ((pairs["acronym"] < 0) | (pairs["partner"] < 0) | (pairs["time"] < 0))
    pairs = pairs[~other].reset_index(drop=True)
    if pairs.empty:
        return pd.DataFrame()
    draft = _marked(facts, "draft")
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    fmt = _rendering(docs)
    # a scan's OCR or a PDF's layout costs wording: below SAME_MIN_SIMILARITY the term
    # dates must be the same
    close = (pairs["similarity"] >= SAME_MIN_SIMILARITY) | \
        ((pairs["similarity"] >= RENDERING_MIN_SIMILARITY) & (pairs["term"] > 0))
    same = close & (draft[a] == draft[b]) & (fmt[a] != fmt[b]) & (pairs["amount"] >= 0) & \
        (pairs["term"] >= 0) & (pairs["org_number"] >= 0)
    same, group = _renderings(a, b, same.to_numpy(), pairs["similarity"].to_numpy())
    # the later version links to the earlier: a draft is earlier, then the earlier date,
    # then the first by name; each said of a document's renderings together, so that every
    # rendering of one version links the same way to every rendering of another
    # days since 1970 (NaN: undated), so that a group takes its members' earliest
    day = ((dates(docs, "date") - pd.Timestamp(0)).dt.days.to_numpy(
        dtype=float, na_value=np.nan, copy=True) if "date" in docs else np.full(len(docs), np.nan))
    draft = draft.copy()
    first = np.arange(len(docs))
    for members in set(group.values()):
        ids = np.array(sorted(members))
        draft[ids] = draft[ids].any()
        day[ids] = np.nanmin(day[ids]) if not np.isnan(day[ids]).all() else np.nan
        first[ids] = ids[0]
    dated = ~np.isnan(day[a]) & ~np.isnan(day[b]) & (day[a] != day[b])
    b_first = (draft[b] & ~draft[a]) | ((draft[b] == draft[a]) & (
        (day[b] < day[a]) | (~dated & (first[b] < first[a]))))
    later = np.where(b_first, a, b)
    earlier = np.where(b_first, b, a)
    return pd.DataFrame({"a": np.where(same, a, later), "b": np.where(same, b, earlier),
                         "relation": np.where(same, "same_as", "draft_of"),
                         "score": pairs["similarity"].round(3).to_numpy(),
                         "evidence": _describe(pairs)})


def _rendering(docs: pd.DataFrame) -> np.ndarray:
    """How each document was read: its format, and for a PDF whether by OCR (a scan and
    the PDF it was printed from are two renderings of one document)."""
    fmt = text(docs, "format") if "format" in docs else pd.Series("", index=docs.index)
    scanned = text(docs, "ocr_pages") != "" if "ocr_pages" in docs else False
    return (fmt + np.where(scanned, "+ocr", "")).to_numpy()


def _renderings(a: np.ndarray, b: np.ndarray, same: np.ndarray, similarity: np.ndarray
                ) -> tuple[np.ndarray, dict[int, frozenset[int]]]:
    """`same` cut to an equivalence: renderings of one document are pairwise `same`, so
    a document joins a group of renderings only when it is `same` with every member
    (closest pairs first). A later version in TXT is not a rendering of the DOCX of the
    earlier one because the DOCX and the earlier TXT are renderings of one document.
    Returns the cut `same` and each grouped document's group."""
    candidates = {(x, y) for x, y, s in zip(a, b, same, strict=True) if s}
    candidates |= {(y, x) for x, y in candidates}
    group: dict[int, frozenset[int]] = {}
    for i in sorted(np.flatnonzero(same), key=lambda i: (-similarity[i], a[i], b[i])):
        gx, gy = group.get(a[i], frozenset({a[i]})), group.get(b[i], frozenset({b[i]}))
        if gx == gy or not all((x, y) in candidates for x in gx for y in gy):
            continue
        merged = gx | gy
        for doc in merged:
            group[doc] = merged
    kept = np.array([s and group.get(x) is not None and group.get(x) == group.get(y)
                     for x, y, s in zip(a, b, same, strict=True)], dtype=bool)
    return kept, group


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


# --- candidate pairs by shared keys ------------------------------------------------------

def _candidates(facts: dict[str, pd.DataFrame], kind: np.ndarray, left: np.ndarray,
                right: np.ndarray, keys: tuple[str, ...]) -> pd.DataFrame:
    """Pairs (a, b) with a in `left`, b in `right` (boolean masks over the documents) that
    share a key of `keys`, a key shared by more than MAX_KEY_DOCS documents left out."""
    long = pd.concat([facts[name][["doc", "key"]].assign(
        key=name + ":" + facts[name]["key"].astype(str)) for name in keys], ignore_index=True)
    long = long.drop_duplicates()
    long["key"] = pd.factorize(long["key"])[0]
    spread = long.groupby("key")["doc"].transform("size")
    long = long[spread <= MAX_KEY_DOCS]
    docs = long["doc"].to_numpy()
    a_side = long[left[docs]].rename(columns={"doc": "a"})
    b_side = long[right[docs]].rename(columns={"doc": "b"})
    pairs = a_side.merge(b_side, on="key")[["a", "b"]]
    return pairs[pairs["a"] != pairs["b"]].drop_duplicates().reset_index(drop=True)


# --- amends ------------------------------------------------------------------------------

def _amendments(docs: pd.DataFrame, facts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    kind = text(docs, "kind").to_numpy()
    amendment = _marked(facts, "amendment")
    agreement = kind == "agreement"
    pairs = _candidates(facts, kind, agreement & amendment, agreement & ~amendment,
                        ("dnr", "org_number", "partner"))
    if pairs.empty:
        return pd.DataFrame()
    pairs = _evidence(pairs, facts)
    score, vetoed, _ = _weigh(pairs)
    partner_known = (pairs["org_number"] > 0) | (pairs["partner"] > 0)
    keep = ~vetoed & partner_known & (score >= AMENDS_MIN_SCORE)
    pairs, score = pairs[keep], score[keep]
    best = score.groupby(pairs["a"]).transform("max")
    pairs, score = pairs[score == best], score[score == best]
    return pd.DataFrame({"a": pairs["a"], "b": pairs["b"], "relation": "amends",
                         "score": (score.clip(upper=6) / 6).round(3),
                         "evidence": _describe(pairs)})


# --- proposes ----------------------------------------------------------------------------

def _proposals(docs: pd.DataFrame, facts: dict[str, pd.DataFrame],
               versions: pd.DataFrame) -> pd.DataFrame:
    pairs, score, keep = proposal_candidates(docs, facts)
    if pairs.empty:
        return pd.DataFrame()
    keep |= _only_agreement(pairs, keep, versions)
    pairs, score = pairs[keep], score[keep]
    return pd.DataFrame({"a": pairs["a"], "b": pairs["b"], "relation": "proposes",
                         "score": (score.clip(upper=6) / 6).round(3),
                         "evidence": _describe(pairs)})


def proposal_candidates(docs: pd.DataFrame, facts: dict[str, pd.DataFrame]
                        ) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Every memo-agreement pair sharing a key, with its evidence, score and whether it is
    linked on its own evidence."""
    kind = text(docs, "kind").to_numpy()
    pairs = _candidates(facts, kind, kind == "memo", kind == "agreement",
                        ("dnr", "org_number", "partner", "acronym", "amount", "term"))
    if pairs.empty:
        return pairs, pd.Series(dtype=int), pd.Series(dtype=bool)
    pairs = _evidence(pairs, facts)
    score, vetoed, tells_who = _weigh(pairs)
    amendment = _marked(facts, "amendment")
    # an amendment is proposed by a memo about a change or an extension, not by the first
    # decision (a memo about an extension may propose a new agreement, though)
    same_stage = amendment[pairs["a"].to_numpy()] | ~amendment[pairs["b"].to_numpy()]
    pairs = pairs.assign(_score=score, _possible=~vetoed & same_stage)
    keep = pairs["_possible"] & tells_who & (score >= PROPOSES_MIN_SCORE)
    return pairs, score, keep


def _only_agreement(pairs: pd.DataFrame, linked: pd.Series, versions: pd.DataFrame
                    ) -> pd.Series:
    """A memo with no link yet that names a partner and a time matching one agreement (with
    its other versions) and no other proposes it, whatever its amounts say: the partner's
    only agreement of those years. Rows of `pairs` to link."""
    weak = ~linked & pairs["_possible"] & (pairs["partner"] > 0) & (pairs["time"] == 1) & \
        (pairs["acronym"] == 0)
    weak &= ~pairs["a"].isin(set(pairs["a"][linked]))
    if not weak.any():
        return weak
    family = set(zip(versions["a"], versions["b"], strict=True)) if len(versions) else set()
    family |= {(b, a) for a, b in family}
    one = set()
    for memo, agreements in pairs[weak].groupby("a")["b"]:
        found = sorted(agreements)
        if all((x, y) in family for i, x in enumerate(found) for y in found[i + 1:]):
            one.add(memo)
    return weak & pairs["a"].isin(one)


# --- memos left unlinked (for the report) ------------------------------------------------

def unlinked_memos(tables: Tables) -> list[dict]:
    """Each memo that proposes nothing, with the best candidate agreement (or none) and
    why it was not taken: its evidence, its score against PROPOSES_MIN_SCORE, a veto."""
    docs = _documents(tables)
    kind = text(docs, "kind").to_numpy()
    memos = docs[kind == "memo"]
    if memos.empty:
        return []
    links, _ = _links(tables) if len(docs) >= 2 else (pd.DataFrame(), docs)
    proposing = set(links["a"][links["relation"] == "proposes"]) if len(links) else set()
    best: dict[int, dict] = {}
    if len(docs) >= 2:
        facts = _facts(docs, tables)
        pairs, score, _ = proposal_candidates(docs, facts)
        if not pairs.empty:
            pairs = pairs.assign(evidence=_describe(pairs))
            pairs = pairs.sort_values(["a", "_score", "b"], ascending=[True, False, True])
            for row in pairs.drop_duplicates("a").to_dict("records"):
                best[row["a"]] = row
    out = []
    for number, memo in memos.iterrows():
        if number in proposing:
            continue
        row = best.get(number)
        out.append({"doc_id": memo["doc_id"],
                    "candidate_doc_id": docs["doc_id"].iloc[row["b"]] if row else "",
                    "score": int(row["_score"]) if row else None,
                    "evidence": row["evidence"] if row else "",
                    "reason": _reason(row)})
    return out


def _reason(row: dict | None) -> str:
    """Why the best candidate was not linked, as a key the report words: no_candidate,
    other_municipality, other_partner (another partner, nothing from the register joining
    them), amendment, weak (score under PROPOSES_MIN_SCORE), nobody (nothing
    telling which organisation), ambiguous (it fits another agreement as well)."""
    if row is None:
        return "no_candidate"
    if row["municipality"] < 0:
        return "other_municipality"
    if row["partner"] < 0 and not row["kin"] and row["dnr"] <= 0 and row["org_number"] <= 0:
        return "other_partner"
    if not row["_possible"]:
        return "amendment"
    who = (row["dnr"] > 0 or row["org_number"] > 0 or row["partner"] > 0 or
           row["acronym"] > 0 or row["rare_amount"] > 0)
    if row["_score"] < PROPOSES_MIN_SCORE:
        return "weak"
    return "ambiguous" if who else "nobody"
