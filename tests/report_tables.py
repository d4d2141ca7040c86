"""Small table sets for the report tests: two linked documents with a flag, and a hostile one.

Offsets are computed from the page texts, as extraction would give them.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline import schemas, store

AGREEMENT = "a" * 64
MEMO = "c" * 64
HOSTILE = "d" * 64
PWN = "<script>window.__pwned = 1</script>"
IMG = '<img src="x" onerror="window.__pwned = 2">'

AGREEMENT_PAGES = [
    "Överenskommelse om idéburet offentligt partnerskap\n\n"
    "Parter: Linköpings kommun, org.nr 212000-0449, och Föreningen Hopp, "
    "org.nr 802000-0001.\n\n"
    "Kommunen bidrar med 200 000 kr per år och föreningen med 100 000 kr.\n"
    "Ekonomisk omfattning: 350 000 kr.\n",
    "Överenskommelsen gäller från och med 2023-04-01 till och med 2024-03-31.\n\n"
    "Linköping 2023-03-15\nAnna Andersson\nFör Föreningen Hopp\n",
]
MEMO_PAGES = ["Tjänsteskrivelse 2022-10-19\n\nKommunen föreslås bidra med 250 000 kr per år.\n"]
HOSTILE_PAGES = [f"Rubrik {PWN}\nBelopp 5 000 kr till {IMG} och </mark></pre>slut.\n"]


def span(pages: list[str], page: int, needle: str) -> dict:
    """Provenance of the first `needle` on a 1-based page."""
    start = pages[page - 1].index(needle)
    return {"page": page, "char_start": start, "char_end": start + len(needle), "quote": needle}


def evidence(doc_id: str, pages: list[str], page: int, needle: str, value) -> dict:
    return {"doc_id": doc_id, **span(pages, page, needle), "table": "amounts", "value": value}


def amount(doc_id, pages, page, needle, value, **extra) -> dict:
    row = {"doc_id": doc_id, "amount_sek": value, "basis": "per_year", "in_kind": False,
           "role": "", "amount_id": "", "part_of": "", **span(pages, page, needle),
           "rule_id": "amount.test"}
    row.update(extra)
    return row


def rows() -> dict[str, list[dict]]:
    flag_message = "Tjänsteskrivelsen anger 250 000 kr men överenskommelsen 200 000 kr."
    return {
        "documents": [
            {"doc_id": AGREEMENT, "source": "avtal.pdf", "kind": "agreement", "status": "ok",
             "title": "Överenskommelse om IOP med Föreningen Hopp", "pages": 2},
            {"doc_id": MEMO, "source": "memo.docx", "kind": "memo", "status": "ok",
             "title": "Tjänsteskrivelse IOP", "pages": 1, "date": "2022-10-19",
             "date_rule_id": "document_date.header",
             **{f"date_{k}": v for k, v in span(MEMO_PAGES, 1, "2022-10-19").items()}},
            {"doc_id": HOSTILE, "source": f"elak{IMG}.txt", "kind": "other", "status": "warning",
             "code": "ENCODING_FALLBACK", "error": f"läst som cp1252 {PWN}", "title": PWN,
             "pages": 1},
            {"doc_id": "", "source": "trasig.pdf", "status": "error", "code": "DAMAGED",
             "error": "the file is damaged and could not be read (PDF structure is broken)"},
        ],
        "parties": [
            {"doc_id": AGREEMENT, "name": "Föreningen Hopp", "org_number": "802000-0001",
             "org_number_valid": True, "sector": "nonprofit", "role": "party",
             **span(AGREEMENT_PAGES, 1, "802000-0001"), "rule_id": "org_number.labelled"},
            {"doc_id": HOSTILE, "name": f"Förening {IMG}", "sector": "unknown",
             "role": "party", **span(HOSTILE_PAGES, 1, IMG), "rule_id": "x"},
        ],
        "amounts": [
            amount(AGREEMENT, AGREEMENT_PAGES, 1, "200 000 kr", 200000, payer="Linköpings kommun",
                   payee="Föreningen Hopp", role="contribution", amount_id="a1",
                   part_of="a3", period_start="2023-04-01", period_end="2024-03-31"),
            amount(AGREEMENT, AGREEMENT_PAGES, 1, "100 000 kr", 100000, payer="Föreningen Hopp",
                   payee="Föreningen Hopp", role="contribution", amount_id="a2",
                   part_of="a3", in_kind=True),
            amount(AGREEMENT, AGREEMENT_PAGES, 1, "350 000 kr", 350000, role="total",
                   basis="per_period", amount_id="a3"),
            amount(MEMO, MEMO_PAGES, 1, "250 000 kr", 250000, payer="Linköpings kommun",
                   payee="Föreningen Hopp", period_start="2023-04-01", amount_id="a1"),
            amount(HOSTILE, HOSTILE_PAGES, 1, "5 000 kr", 5000, payer=PWN, payee=IMG,
                   period_start="2022-01-01", amount_id="a1"),
            # offsets past the page's end (a bug upstream): listed, not highlighted
            {**amount(MEMO, MEMO_PAGES, 1, "250 000 kr", 1, rule_id="amount.bad", amount_id="a2"),
             "char_start": 900, "char_end": 910},
        ],
        "periods": [
            {"doc_id": AGREEMENT, "kind": "term", "start_date": "2023-04-01",
             "end_date": "2024-03-31",
             "months": 12, **span(AGREEMENT_PAGES, 2, "från och med 2023-04-01 till och med "
                                                        "2024-03-31"), "rule_id": "period.term"},
        ],
        "signatories": [
            {"doc_id": AGREEMENT, "person": "Anna Andersson", "for_party": "Föreningen Hopp",
             "place": "Linköping", "date": "2023-03-15", "date_text": "2023-03-15",
             **span(AGREEMENT_PAGES, 2, "Anna Andersson"), "rule_id": "signature.block"},
        ],
        "flags": [
            {"code": "MEMO_AGREEMENT_MISMATCH", "severity": "error", "doc_id": AGREEMENT,
             "related_doc_id": MEMO, "message": flag_message, "rule_id": "memo.amount",
             "evidence": json.dumps([
                 evidence(AGREEMENT, AGREEMENT_PAGES, 1, "200 000 kr", 200000),
                 evidence(MEMO, MEMO_PAGES, 1, "250 000 kr", 250000)], ensure_ascii=False)},
            {"code": "SUM_MISMATCH", "severity": "warning", "doc_id": AGREEMENT,
             "related_doc_id": "", "message": "Delarna 300 000 kr ≠ 350 000 kr.",
             "rule_id": "sum.total",
             "evidence": json.dumps([evidence(AGREEMENT, AGREEMENT_PAGES, 1, "350 000 kr",
                                              350000)])},
            {"code": "PLACEHOLDER", "severity": "info", "doc_id": HOSTILE, "related_doc_id": "",
             "message": f"Ofärdig text {PWN}", "rule_id": "placeholder",
             "evidence": json.dumps([{**evidence(HOSTILE, HOSTILE_PAGES, 1, PWN, PWN),
                                      "table": "placeholders"}])},
        ],
        "links": [{"doc_id": MEMO, "related_doc_id": AGREEMENT, "relation": "proposes",
                   "score": 0.92}],
        "pages": [
            {"doc_id": doc_id, "page": i + 1, "text": text, "ocr": False}
            for doc_id, pages in ((AGREEMENT, AGREEMENT_PAGES), (MEMO, MEMO_PAGES),
                                  (HOSTILE, HOSTILE_PAGES))
            for i, text in enumerate(pages)
        ],
    }


def write(out: Path, table_rows: dict[str, list[dict]] | None = None) -> Path:
    table_rows = rows() if table_rows is None else table_rows
    frames = {name: schemas.frame(name, table_rows.get(name, [])) for name in schemas.TABLES}
    return store.write_tables(frames, out, {})
