"""Small hand-made tables: the catalogue's examples, and the tests' table builder.

`build(amounts=[{"doc": "avtal", "amount_sek": 300500}], ...)` gives every table of the
contract as a typed frame. Rows name their document with a short `doc`; ids, sources,
provenance and required columns are filled in, and rows are in reading order (each gets
an offset after the previous row of its document).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

import pandas as pd

from pipeline import schemas
from pipeline.extract.organisations import normalized, sector


def doc_id(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


_QUOTES = {
    "amounts": lambda r: f"{r['amount_sek']:,} kr".replace(",", " "),
    "parties": lambda r: r["name"],
    "periods": lambda r: f"{r.get('start_date') or ''}–{r.get('end_date') or ''}",
    "obligations": lambda r: r["action"],
    "signatories": lambda r: f"För {r.get('for_party') or ''}",
    "placeholders": lambda r: r.get("quote", ""),
}

_DEFAULTS = {
    "amounts": {"basis": "unknown", "role": "", "source_of_funds": "", "vat": "",
                "part_of": "", "in_kind": False, "ceiling": False},
    "parties": {"role": "party", "org_number": ""},
    "signatories": {"person": ""},
    "documents": {"status": "ok", "code": "", "error": "", "pages": 1, "format": "txt"},
}


def build(**rows: list[dict]) -> dict[str, pd.DataFrame]:
    cursor: dict[str, int] = defaultdict(int)
    counters: dict[str, int] = defaultdict(int)
    out: dict[str, pd.DataFrame] = {}
    docs = {r["doc"] for table_rows in rows.values() for r in table_rows}
    listed = {r["doc"] for r in rows.get("documents", [])}
    documents = list(rows.get("documents", [])) + [{"doc": d} for d in sorted(docs - listed)]
    for name in schemas.TABLES:
        filled = []
        source_rows = documents if name == "documents" else rows.get(name, [])
        for row in source_rows:
            row = {**_DEFAULTS.get(name, {}), **row}
            doc = row.pop("doc")
            row["doc_id"] = doc_id(doc)
            if name == "documents":
                row.setdefault("source", f"{doc}.txt")
                row.setdefault("kind", "agreement")
            elif name not in ("links", "flags"):
                _provenance(name, doc, row, cursor, counters)
            filled.append(row)
        out[name] = schemas.frame(name, filled)
    return out


def _provenance(name: str, doc: str, row: dict, cursor: dict, counters: dict) -> None:
    if name == "amounts":
        counters[doc] += 1
        row.setdefault("amount_id", f"a{counters[doc]}")
    if name == "parties":
        row.setdefault("name_normalized", normalized(row["name"]))
        row.setdefault("sector", sector(row["name"], row.get("org_number", "")))
    quote = row.get("quote") or _QUOTES.get(name, lambda r: "")(row)
    row["quote"] = quote
    row.setdefault("page", 1)
    row.setdefault("char_start", cursor[doc])
    row.setdefault("char_end", row["char_start"] + len(quote))
    row.setdefault("rule_id", f"example.{name}")
    cursor[doc] = row["char_end"] + 100


# The catalogue's examples: tables on which each code's check raises its example message.
AGREEMENT_BIV = [{"doc": "avtal", "kind": "agreement", "title": "IOP avseende BIV/BIS"}]
MEMO_BIV = [{"doc": "beslut", "kind": "memo", "title": "Barn i väntan, förlängning av IOP"}]


def sum_mismatch() -> dict[str, pd.DataFrame]:
    return build(amounts=[
        {"doc": "avtal", "amount_sek": 4232475, "role": "total", "amount_id": "t",
         "quote": "4 232 475 kr per år"},
        {"doc": "avtal", "amount_sek": 1800000, "payer": "Omsorgsnämnden", "part_of": "t",
         "role": "contribution"},
        {"doc": "avtal", "amount_sek": 859000, "part_of": "t", "role": "contribution",
         "payer": "Biståndsorganisationen Hjärta till hjärta", "in_kind": True},
        {"doc": "avtal", "amount_sek": 1023800, "part_of": "t", "role": "contribution",
         "payer": "Linköpings stadsmission", "in_kind": True},
        {"doc": "avtal", "amount_sek": 599675, "part_of": "t", "role": "contribution",
         "payer": "Linköpings domkyrkopastorat", "in_kind": True},
    ])


def memo_agreement_mismatch() -> dict[str, pd.DataFrame]:
    return build(
        documents=AGREEMENT_BIV + MEMO_BIV,
        amounts=[
            {"doc": "avtal", "amount_sek": 350500, "payer": "Social- och omsorgsnämnden",
             "basis": "per_period", "role": "contribution"},
            {"doc": "beslut", "amount_sek": 300500, "payer": "Linköpings kommun",
             "basis": "per_period", "role": "grant"},
        ],
        links=[{"doc": "beslut", "related_doc_id": doc_id("avtal"), "relation": "proposes",
                "score": 1.0}],
    )


def duration_mismatch() -> dict[str, pd.DataFrame]:
    return build(periods=[{"doc": "avtal", "kind": "term", "start_date": "2023-04-01",
                           "end_date": "2024-03-31", "months": 24,
                           "quote": "gäller två år från och med 2023-04-01 till och med "
                                    "2024-03-31"}])


def period_mismatch() -> dict[str, pd.DataFrame]:
    return build(
        periods=[{"doc": "avtal", "kind": "term", "start_date": "2023-04-01",
                  "end_date": "2024-03-31"}],
        amounts=[{"doc": "avtal", "amount_sek": 300500, "basis": "per_period",
                  "period_start": "2023-04-01", "period_end": "2025-03-31",
                  "quote": "300 500 kr för perioden 20230401 -20250331"}],
    )


def placeholder() -> dict[str, pd.DataFrame]:
    return build(placeholders=[{"doc": "avtal", "kind": "date_xx", "quote": "2022-11-xx",
                                "rule_id": "placeholder.date_xx"}])


def unsigned() -> dict[str, pd.DataFrame]:
    return build(signatories=[
        {"doc": "avtal", "person": "Linda Ljungqvist", "for_party": "omsorgsnämnden"},
        {"doc": "avtal", "person": "", "for_party": "Linköpings stadsmission"},
    ])


def invalid_org_number() -> dict[str, pd.DataFrame]:
    return build(parties=[
        {"doc": "avtal", "name": "Social- och omsorgsnämnden i Linköpings kommun",
         "org_number": "212000-0448", "org_number_valid": False},
        {"doc": "avtal", "name": "Svenska kyrkan, Linköpings Domkyrkopastorat",
         "org_number": "252003-0228", "org_number_valid": True},
    ])


def ocr_low_confidence() -> dict[str, pd.DataFrame]:
    return build(documents=[{"doc": "skannat", "format": "pdf", "pages": 3,
                             "ocr_pages": "1-3", "ocr_confidence": 58.2}])


EXAMPLES = {
    "SUM_MISMATCH": sum_mismatch,
    "MEMO_AGREEMENT_MISMATCH": memo_agreement_mismatch,
    "DURATION_MISMATCH": duration_mismatch,
    "PERIOD_MISMATCH": period_mismatch,
    "PLACEHOLDER": placeholder,
    "UNSIGNED": unsigned,
    "INVALID_ORG_NUMBER": invalid_org_number,
    "OCR_LOW_CONFIDENCE": ocr_low_confidence,
}
