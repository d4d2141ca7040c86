"""Checks within one document. Each is a pure function: all tables -> flags rows, computed
over the whole archive at once (joins and group-bys; Python only for the rows it flags)."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
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
    months_between_columns,
    rows_of,
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
    """A stated total against the amounts the text ties to it (amounts.part_of).

    The parts are read as the text may have written them: once, or restated (the n-th
    mention of a slot belongs to the n-th statement, and a restatement repeats every part:
    statements of one size). Parts counted on another basis than the total (per year
    against a total for the period) are converted over the document's term. A flag only
    when no reading adds up, one per statement that does not."""
    amounts = tables["amounts"]
    part_of = text(amounts, "part_of")
    parts = amounts[part_of != ""].copy()
    if parts.empty:
        return []
    parts["part_of"] = text(parts, "part_of")
    parts["slot"] = _slot(parts)
    parts["basis"] = text(parts, "basis")
    parts = parts.sort_values(["doc_id", "part_of", "page", "char_start"], kind="stable")
    parts["statement"] = parts.groupby(["doc_id", "part_of", "slot"]).cumcount()
    parts["tolerance"] = text(parts, "quote").map(written_tolerance).astype(float)
    totals = amounts.assign(amount_id=text(amounts, "amount_id"), basis=text(amounts, "basis"))
    totals = totals[totals["amount_id"].isin(set(parts["part_of"])) &
                    totals["doc_id"].isin(set(parts["doc_id"]))]
    # most splits add up as written, all parts once: only the others are read closer
    written = parts.groupby(["doc_id", "part_of"], as_index=False).agg(
        parts_sum=("amount_sek", "sum"), parts_n=("amount_sek", "size"),
        parts_tolerance=("tolerance", "sum"))
    totals = totals.merge(written, left_on=["doc_id", "amount_id"],
                          right_on=["doc_id", "part_of"])
    tolerance = totals["parts_tolerance"] + \
        text(totals, "quote").map(written_tolerance).astype(float)
    totals = totals[(totals["parts_n"] >= 2) &
                    ((totals["parts_sum"] - totals["amount_sek"]).abs() > tolerance)]
    columns = ["doc_id", "part_of", "slot", "statement", "basis", "amount_sek", "quote",
               *_LOCATION]
    wanted = parts.merge(totals[["doc_id", "amount_id"]].rename(
        columns={"amount_id": "part_of"}), on=["doc_id", "part_of"])
    by_total: dict[tuple, list[dict]] = {}
    for part in rows_of(wanted[columns]):
        by_total.setdefault((part["doc_id"], part["part_of"]), []).append(part)
    months = _term_months(tables, set(totals["doc_id"]))
    rows = []
    for total in rows_of(totals[["doc_id", "amount_id", "amount_sek", "basis", "quote",
                                 *_LOCATION]]):
        group = by_total.get((total["doc_id"], total["amount_id"]), [])
        for statement in _readings(group):
            if len(statement) < 2 or _adds_up(total, statement, months.get(total["doc_id"])):
                continue
            quotes = [evidence(total, "amounts", int(total["amount_sek"]))]
            quotes += [evidence(p, "amounts", int(p["amount_sek"])) for p in statement]
            rows.append(flag("SUM_MISMATCH", total["doc_id"], quotes, "check.sum.parts",
                             total=kr(total["amount_sek"]),
                             parts=kr_sum([p["amount_sek"] for p in statement]),
                             sum=kr(sum(int(p["amount_sek"]) for p in statement))))
    return rows


def _readings(parts: list[dict]) -> list[list[dict]]:
    """The statements of a split: all parts as one statement, unless every slot recurs as
    often (a split restated whole): then each statement, a restatement with the same
    values once. A reading that adds up wins: when the parts restated add up as one
    statement each, or all together, nothing is reported (see _adds_up's caller)."""
    counts = {}
    for part in parts:
        counts[part["slot"]] = counts.get(part["slot"], 0) + 1
    if len(counts) < 2 or len(set(counts.values())) != 1 or max(counts.values()) == 1:
        return [parts]
    statements: dict[int, list[dict]] = {}
    for part in parts:
        statements.setdefault(part["statement"], []).append(part)
    seen, out = set(), []
    for statement in statements.values():
        values = tuple(sorted(int(p["amount_sek"]) for p in statement))
        if values not in seen:
            seen.add(values)
            out.append(statement)
    return out


_PER_MONTHS = {"per_month": 1.0, "per_year": 12.0}
_LOCATION = ["page", "char_start", "char_end"]


def _adds_up(total: dict, parts: list[dict], term_months: float | None) -> bool:
    """The parts make the total, within the written precision: as written, or with each
    part counted on the total's basis (per month, per year, for the term). Parts on a
    basis that cannot be counted on the total's (no dated term) are given the benefit of
    the doubt."""
    total_tolerance = written_tolerance(total.get("quote") or "")
    tolerances = [written_tolerance(p.get("quote") or "") for p in parts]
    value = float(total["amount_sek"])
    written = sum(float(p["amount_sek"]) for p in parts)
    if abs(written - value) <= total_tolerance + sum(tolerances):
        return True
    converted, tolerance = 0.0, total_tolerance
    for part, part_tolerance in zip(parts, tolerances, strict=True):
        factor = _factor(part["basis"], total["basis"], term_months)
        if factor is None:  # per year against the term's total, no term: cannot tell
            return True
        converted += float(part["amount_sek"]) * factor
        tolerance += part_tolerance * factor
    return abs(converted - value) <= tolerance


def _factor(basis: str, target: str, term_months: float | None) -> float | None:
    """What an amount on `basis` is multiplied by to count on `target`'s basis; None when
    that needs a term that is unknown."""
    if basis == target or basis in ("", "unknown") or target in ("", "unknown"):
        return 1.0
    per_month = {"per_period": term_months, **_PER_MONTHS}
    source, goal = per_month.get(basis), per_month.get(target)
    if not source or not goal:
        return None
    return goal / source


def _term_months(tables: Tables, docs: set) -> dict[str, float]:
    """Each document's term in months (its first dated term)."""
    terms = _terms(tables)
    terms = terms[terms["doc_id"].isin(docs) & terms["start_date"].notna() &
                  terms["end_date"].notna()].drop_duplicates("doc_id")
    months = months_between_columns(terms["start_date"], terms["end_date"])
    return dict(zip(terms["doc_id"], months, strict=True))


# --- DURATION_MISMATCH -----------------------------------------------------------------

def _terms(tables: Tables) -> pd.DataFrame:
    periods = tables["periods"]
    # the written dates as "start"/"end", parsed as start_date/end_date
    terms = periods[text(periods, "kind") == "term"].rename(
        columns={"start_date": "start", "end_date": "end"})
    terms["start_date"] = dates(terms, "start")
    terms["end_date"] = dates(terms, "end")
    return terms


@cache
def _extension_words() -> tuple[str, ...]:
    return tuple(table("checks")["periods"]["extension_words"])


def _extensions(dated: pd.DataFrame) -> dict[str, set[int]]:
    """Per document, the months by which one dated term runs past another of the same
    start: an amendment's extension ('förlängs med tolv månader'), not a duration."""
    spans = dated[["doc_id", "start_date", "end_date"]].drop_duplicates()
    spans = spans[spans.duplicated(["doc_id", "start_date"], keep=False)]
    if spans.empty:
        return {}
    pairs = spans.merge(spans, on=["doc_id", "start_date"])
    pairs = pairs[pairs["end_date_y"] > pairs["end_date_x"]]
    gaps = months_between_columns(pairs["end_date_x"] + pd.Timedelta(days=1),
                                  pairs["end_date_y"]).round().astype(int)
    out: dict[str, set[int]] = {}
    for doc, gap in zip(pairs["doc_id"], gaps, strict=True):
        out.setdefault(doc, set()).add(int(gap))
    return out


def duration_mismatch(tables: Tables) -> list[dict]:
    """A stated duration that fits none of the document's dated terms. Not a duration: a
    length said of an extension (förlängning; lang/sv/checks.toml) or the length by which
    an amended term runs past the original."""
    terms = _terms(tables).reset_index(drop=True)
    terms["row"] = terms.index
    quote = text(terms, "quote").str.lower()
    extension = np.array([any(w in q for w in _extension_words()) for q in quote], dtype=bool)
    stated = terms[terms["months"].notna() & ~extension]
    dated = terms[terms["start_date"].notna() & terms["end_date"].notna()]
    if stated.empty or dated.empty:
        return []
    extended = _extensions(dated)
    stated = stated[[int(m) not in extended.get(d, set()) for d, m in
                     zip(stated["doc_id"], stated["months"], strict=True)]]
    if stated.empty:
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

@cache
def _option_words() -> tuple[str, ...]:
    return tuple(table("checks")["periods"]["option_words"])


def period_mismatch(tables: Tables) -> list[dict]:
    """Funding and allocation periods (and amounts' periods) outside the term: the widest
    of the document's terms (an amendment's new term counts), not an extension option
    (möjlighet till förlängning: the end does not move until it is used)."""
    terms = _terms(tables)
    quote = text(terms, "quote").str.lower()
    option = np.array([any(w in q for w in _option_words()) for q in quote], dtype=bool)
    terms = terms[~option]
    if terms.empty:
        return []
    span = terms.groupby("doc_id", as_index=False).agg(
        term_start=("start_date", "min"), term_end=("end_date", "max"))
    periods = tables["periods"]
    inner = periods[text(periods, "kind").isin(list(PERIOD_KINDS))]
    inner = inner.assign(start_date=dates(inner, "start_date"), end_date=dates(inner, "end_date"),
                         table="periods", what=text(inner, "kind").map(PERIOD_KINDS),
                         value=text(inner, "start_date") + "–" + text(inner, "end_date"))
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
