"""Checks within one document. Each is a pure function: all tables -> flags rows, computed
over the whole archive at once (joins and group-bys; Python only for the rows it flags)."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from pipeline.checks.catalogue import (
    OCR_CONFIDENCE_FLOOR,
    PERIOD_KINDS,
    PLACEHOLDER_KINDS,
    UNKNOWN_PARTY,
    flag,
)
from pipeline.checks.values import (
    dates,
    duration_text,
    evidence,
    kr,
    kr_sum,
    months_between,
    text,
)
from pipeline.lang import table

Tables = dict[str, pd.DataFrame]


# --- SUM_MISMATCH ----------------------------------------------------------------------

@cache
def _units() -> list[tuple[re.Pattern, int]]:
    units = table("amounts")["units"]
    return [(re.compile(rf"(?<![\wåäö]){re.escape(u)}(?![\wåäö])", re.IGNORECASE), f)
            for u, f in sorted(units.items(), key=lambda kv: -len(kv[0]))]


_DECIMALS = re.compile(r"\d[,.](\d{1,2})(?!\d)")


@cache
def written_tolerance(quote: str) -> float:
    """Half the last written digit: '300 500 kr' -> 0.5, '1,8 mnkr' -> 50 000."""
    factor = next((f for pattern, f in _units() if pattern.search(quote)), 1)
    decimals = _DECIMALS.search(quote)
    places = len(decimals.group(1)) if decimals else 0
    return factor * 10.0 ** -places / 2


def _slot(parts: pd.DataFrame) -> pd.Series:
    """What a part stands for (who pays whom, in cash or in kind, from which funds, for
    when). When the text restates a split, the n-th mention of a slot belongs to the n-th
    statement."""
    in_kind = parts["in_kind"].astype("boolean").fillna(False).map({True: "kind", False: ""})
    key = (text(parts, "payer").str.lower() + "|" + text(parts, "payee").str.lower() + "|" +
           text(parts, "source_of_funds") + "|" + text(parts, "period_start") + "|" +
           text(parts, "period_end") + "|" + in_kind.astype("string"))
    anonymous = key == "|||||"
    return key.where(~anonymous, "amount:" + parts["amount_sek"].astype("string"))


def sum_mismatch(tables: Tables) -> list[dict]:
    amounts = tables["amounts"]
    part_of = text(amounts, "part_of")
    parts = amounts[part_of != ""].copy()
    if parts.empty:
        return []
    parts["part_of"] = text(parts, "part_of")
    parts["slot"] = _slot(parts)
    parts["tolerance"] = text(parts, "quote").map(written_tolerance).astype(float)
    parts = parts.sort_values(["doc_id", "part_of", "page", "char_start"], kind="stable")
    parts["statement"] = parts.groupby(["doc_id", "part_of", "slot"]).cumcount()
    parts["square"] = parts["amount_sek"].astype(float) ** 2
    statements = parts.groupby(["doc_id", "part_of", "statement"], as_index=False).agg(
        parts_sum=("amount_sek", "sum"), parts_n=("amount_sek", "size"),
        parts_tolerance=("tolerance", "sum"), squares=("square", "sum"))
    # a split restated with the same values (same count, sum and sum of squares) is one
    # statement of it
    statements = statements.drop_duplicates(
        ["doc_id", "part_of", "parts_n", "parts_sum", "squares"])
    totals = amounts.assign(amount_id=text(amounts, "amount_id"))[
        ["doc_id", "amount_id", "amount_sek", "quote", "page", "char_start", "char_end"]]
    merged = statements.merge(totals, left_on=["doc_id", "part_of"],
                              right_on=["doc_id", "amount_id"])
    if merged.empty:
        return []
    tolerance = merged["parts_tolerance"] + \
        text(merged, "quote").map(written_tolerance).astype(float)
    wrong = merged[(merged["parts_n"] >= 2) &
                   ((merged["parts_sum"] - merged["amount_sek"]).abs() > tolerance)]
    keys = ["doc_id", "part_of", "statement"]
    members = parts.merge(wrong[keys], on=keys).to_dict("records")
    by_statement: dict[tuple, list[dict]] = {}
    for part in members:
        by_statement.setdefault(tuple(part[k] for k in keys), []).append(part)
    rows = []
    for total in wrong.to_dict("records"):
        group = by_statement[tuple(total[k] for k in keys)]
        quotes = [evidence(total, "amounts", int(total["amount_sek"]))]
        quotes += [evidence(p, "amounts", int(p["amount_sek"])) for p in group]
        rows.append(flag("SUM_MISMATCH", total["doc_id"], quotes, "check.sum.parts",
                         total=kr(total["amount_sek"]),
                         parts=kr_sum([p["amount_sek"] for p in group]),
                         sum=kr(total["parts_sum"])))
    return rows


# --- DURATION_MISMATCH -----------------------------------------------------------------

def _terms(tables: Tables) -> pd.DataFrame:
    periods = tables["periods"]
    terms = periods[text(periods, "kind") == "term"].copy()
    terms["start_date"] = dates(terms, "start")
    terms["end_date"] = dates(terms, "end")
    return terms


def duration_mismatch(tables: Tables) -> list[dict]:
    terms = _terms(tables).reset_index(drop=True)
    terms["row"] = terms.index
    stated = terms[terms["months"].notna()]
    dated = terms[terms["start_date"].notna() & terms["end_date"].notna()]
    if stated.empty or dated.empty:
        return []
    pairs = stated.merge(dated, on="doc_id", suffixes=("", "_dated"))
    pairs["actual"] = [months_between(s, e) for s, e in
                       zip(pairs["start_date_dated"], pairs["end_date_dated"], strict=True)]
    pairs["fits"] = (pairs["actual"] - pairs["months"].astype(float)).abs() <= 0.5
    pairs["same_row"] = pairs["row"] == pairs["row_dated"]
    fits = pairs.groupby("row")["fits"].transform("any")
    worst = pairs[~fits].sort_values(["row", "same_row"], ascending=[True, False])
    rows = []
    for pair in worst.drop_duplicates("row").to_dict("records"):
        quotes = [evidence(pair, "periods", int(pair["months"]))]
        if not pair["same_row"]:
            dated_row = {k[: -len("_dated")]: v for k, v in pair.items() if k.endswith("_dated")}
            dated_row["doc_id"] = pair["doc_id"]
            quotes.append(evidence(dated_row, "periods",
                                   f"{dated_row['start']}–{dated_row['end']}"))
        rows.append(flag("DURATION_MISMATCH", pair["doc_id"], quotes, "check.duration.term",
                         stated=duration_text(float(pair["months"])),
                         start=pair["start_dated"], end=pair["end_dated"],
                         actual=duration_text(pair["actual"])))
    return rows


# --- PERIOD_MISMATCH -------------------------------------------------------------------

def period_mismatch(tables: Tables) -> list[dict]:
    terms = _terms(tables)
    if terms.empty:
        return []
    span = terms.groupby("doc_id", as_index=False).agg(
        term_start=("start_date", "min"), term_end=("end_date", "max"))
    periods = tables["periods"]
    inner = periods[text(periods, "kind").isin(list(PERIOD_KINDS))]
    inner = inner.assign(start_date=dates(inner, "start"), end_date=dates(inner, "end"),
                         table="periods", what=text(inner, "kind").map(PERIOD_KINDS),
                         value=text(inner, "start") + "–" + text(inner, "end"))
    amounts = tables["amounts"]
    funded = amounts[amounts["period_start"].notna() | amounts["period_end"].notna()]
    funded = funded.assign(start_date=dates(funded, "period_start"),
                           end_date=dates(funded, "period_end"), table="amounts",
                           what=funded["amount_sek"].map(kr), value=funded["amount_sek"])
    columns = ["doc_id", "start_date", "end_date", "table", "what", "value", "page",
               "char_start", "char_end", "quote"]
    candidates = pd.concat([inner[columns], funded[columns]], ignore_index=True)
    candidates = candidates.drop_duplicates(["doc_id", "start_date", "end_date"])
    merged = candidates.merge(span, on="doc_id")
    early = merged["start_date"].notna() & merged["term_start"].notna() & \
        (merged["start_date"] < merged["term_start"])
    late = merged["end_date"].notna() & merged["term_end"].notna() & \
        (merged["end_date"] > merged["term_end"])
    rows = []
    for period in merged[early | late].to_dict("records"):
        doc_terms = terms[terms["doc_id"] == period["doc_id"]]
        term_quotes = [evidence(t, "periods", f"{t['start']}–{t['end']}")
                       for t in doc_terms.to_dict("records")
                       if t["start_date"] == period["term_start"]
                       or t["end_date"] == period["term_end"]]
        rows.append(flag("PERIOD_MISMATCH", period["doc_id"],
                         [evidence(period, period["table"], period["value"]), *term_quotes],
                         "check.period.within_term", what=period["what"],
                         start=_iso(period["start_date"]), end=_iso(period["end_date"]),
                         term_start=_iso(period["term_start"]),
                         term_end=_iso(period["term_end"])))
    return rows


def _iso(value) -> str:
    return "" if pd.isna(value) else value.strftime("%Y-%m-%d")


# --- PLACEHOLDER, UNSIGNED, INVALID_ORG_NUMBER, OCR_LOW_CONFIDENCE ----------------------

def placeholder(tables: Tables) -> list[dict]:
    found = tables["placeholders"]
    return [flag("PLACEHOLDER", row["doc_id"], [evidence(row, "placeholders", row["kind"])],
                 "check.placeholder", quote=row["quote"],
                 what=PLACEHOLDER_KINDS.get(row["kind"], "en platshållare"))
            for row in found.to_dict("records")]


def unsigned(tables: Tables) -> list[dict]:
    lines = tables["signatories"]
    empty = lines[text(lines, "person").str.strip() == ""]
    return [flag("UNSIGNED", row["doc_id"], [evidence(row, "signatories", row["for_party"])],
                 "check.signature.empty", party=_name(row["for_party"]) or UNKNOWN_PARTY)
            for row in empty.to_dict("records")]


def _name(value) -> str:
    return "" if value is None or value is pd.NA else str(value).strip()


def invalid_org_number(tables: Tables) -> list[dict]:
    parties = tables["parties"]
    invalid = parties[(text(parties, "org_number") != "") &
                      (parties["org_number_valid"].fillna(True) == False)]  # noqa: E712
    invalid = invalid.drop_duplicates(["doc_id", "org_number"])
    return [flag("INVALID_ORG_NUMBER", row["doc_id"],
                 [evidence(row, "parties", row["org_number"])], "check.org_number.luhn",
                 number=row["org_number"], name=row["name"])
            for row in invalid.to_dict("records")]


def ocr_low_confidence(tables: Tables) -> list[dict]:
    documents = tables["documents"]
    low = documents[documents["ocr_confidence"].notna() &
                    (documents["ocr_confidence"] < OCR_CONFIDENCE_FLOOR)]
    rows = []
    for row in low.to_dict("records"):
        pages = _name(row["ocr_pages"])
        first = int(re.match(r"\d+", pages).group()) if re.match(r"\d+", pages) else None
        quote = {"doc_id": row["doc_id"], "page": first, "char_start": None, "char_end": None,
                 "quote": "", "table": "documents", "value": round(row["ocr_confidence"], 1)}
        rows.append(flag("OCR_LOW_CONFIDENCE", row["doc_id"], [quote], "check.ocr.confidence",
                         pages=pages or "?", confidence=round(row["ocr_confidence"])))
    return rows
