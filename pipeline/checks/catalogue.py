"""The flag codes: severity, the Swedish message template, what raises them, an example.

Messages are for the auditor (in Swedish, one sentence naming both values). Every entry's
`example` is the message its check gives on the tables in checks/examples.py;
tests/test_checks.py runs the check on them, and docs/checks.md is generated from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

OCR_CONFIDENCE_FLOOR = 70  # mean Tesseract word confidence (0-100) below which values are doubtful


@dataclass(frozen=True, slots=True)
class FlagCode:
    code: str
    severity: str  # error, warning or info
    template: str  # str.format template in Swedish
    description: str  # when it is raised (English, for docs/checks.md)
    example: str  # the message the check gives on checks/examples.py's tables for this code


CATALOGUE: dict[str, FlagCode] = {
    c.code: c
    for c in [
        FlagCode(
            "SUM_MISMATCH", "error",
            "Summan anges till {total}, men delarna {parts} blir {sum}.",
            "The text states that some amounts make up a total (contributions of the "
            "ekonomisk omfattning, allocations of a party's share, a memo's funding split of "
            "its cost) and they do not add up. Only amounts the extraction tied to the total "
            "(amounts.part_of) are added, in cash or in kind; a split restated whole is "
            "checked once per statement, and parts of equal value are parts, not "
            "restatements, unless every part recurs. Parts on another basis than the total "
            "(per year against a total for the term, per month against per year) are "
            "counted on the total's basis over the term. The written precision is allowed "
            "for (1,8 mnkr may be 1 795 000).",
            "Summan anges till 4 232 475 kr, men delarna 1 800 000 + 859 000 + 1 023 800 + "
            "599 675 kr blir 4 282 475 kr.",
        ),
        FlagCode(
            "MEMO_AGREEMENT_MISMATCH", "error",
            "Avtalet anger {agreement}, beslutsförslaget {memo}.",
            "A memo and an agreement it proposes (links.relation = proposes) differ on an "
            "amount paid by the same side (the municipal side, a partner, a total) in the "
            "same kind (money, in kind, a ceiling), the term's start or end, a count in an "
            "obligation, or a party. Amounts are compared in every form of the same money: "
            "45 000 kr per månad = 540 000 kr per år, 500 000 kr per år for a three-year "
            "term = 1 500 000 kr för perioden, named years add up to the period; an amount "
            "that equals one on the other side in any form is no mismatch, and one with no "
            "payer (nor a total) only answers for others. A memo's term wholly before the "
            "agreement's is the agreement it replaces, not compared. Values are compared as "
            "parsed (31 mars 2024 = 2024-03-31, sex = 6). The flag sits on the memo; "
            "related_doc_id is the agreement; the message gives each side's value with its "
            "basis and payer.",
            "Avtalet anger 350 500 kr för perioden från Social- och omsorgsnämnden, "
            "beslutsförslaget 300 500 kr för perioden från Linköpings kommun.",
        ),
        FlagCode(
            "DURATION_MISMATCH", "error",
            "Löptiden anges till {stated}, men {start}–{end} är {actual}.",
            "The stated duration of the term (gäller ett år, under tre år) differs from "
            "every dated term of the document by more than half a month. A length said of "
            "an extension (möjlighet till förlängning i ett år) or the length by which an "
            "amended term runs past the original (förlängs med tolv månader) is no duration.",
            "Löptiden anges till 2 år, men 2023-04-01–2024-03-31 är 1 år.",
        ),
        FlagCode(
            "PERIOD_MISMATCH", "error",
            "Perioden {start}–{end} för {what} ligger utanför avtalstiden {term_start}–"
            "{term_end}.",
            "A funding or allocation period (periods of kind funding/allocation, or an "
            "amount's period) starts before or ends after the agreement's term (the widest "
            "of its terms: an amended term counts, an option to extend does not). Deadlines "
            "(a final report due after the term), notice, follow-up, payment and indexation "
            "are not funding periods.",
            "Perioden 2023-04-01–2025-03-31 för 300 500 kr ligger utanför avtalstiden "
            "2023-04-01–2024-03-31.",
        ),
        FlagCode(
            "PLACEHOLDER", "warning",
            "Texten är inte ifylld: ”{quote}” ({what}).",
            "Unfinished text left in the document: a date like 2022-11-xx, Word's "
            "\"Klicka här för att ange text.\", an amount like XX kr, a bracketed blank.",
            "Texten är inte ifylld: ”2022-11-xx” (ett datum som inte är ifyllt).",
        ),
        FlagCode(
            "UNSIGNED", "warning",
            "Ingen har skrivit under för {party}.",
            "A signature line (För ...) with no name under it.",
            "Ingen har skrivit under för Linköpings stadsmission.",
        ),
        FlagCode(
            "INVALID_ORG_NUMBER", "error",
            "Organisationsnumret {number} för {name} är ogiltigt (kontrollsiffran stämmer "
            "inte).",
            "An organisationsnummer fails the Luhn check: a typo in the number that "
            "identifies the party.",
            "Organisationsnumret 212000-0448 för Social- och omsorgsnämnden i Linköpings "
            "kommun är ogiltigt (kontrollsiffran stämmer inte).",
        ),
        FlagCode(
            "OCR_LOW_CONFIDENCE", "warning",
            "Sidorna {pages} är lästa med OCR med låg säkerhet ({confidence} av 100); "
            "kontrollera värdena mot originalet.",
            f"The document was read by OCR and the mean word confidence is below "
            f"{OCR_CONFIDENCE_FLOOR}: its amounts and dates may be misread "
            "(documents.ocr_confidence).",
            "Sidorna 1-3 är lästa med OCR med låg säkerhet (58 av 100); kontrollera värdena "
            "mot originalet.",
        ),
    ]
}

# Words the messages use for values of the tables' columns.
PLACEHOLDER_KINDS = {
    "date_xx": "ett datum som inte är ifyllt",
    "word_content_control": "Words platshållartext",
    "amount_xx": "ett belopp som inte är ifyllt",
    "brackets": "en tom platshållare",
}
FREQUENCIES = {
    "per_week": "per vecka", "per_month": "per månad", "per_quarter": "per kvartal",
    "per_half_year": "per halvår", "per_year": "per år", "once": "en gång",
}
PERIOD_KINDS = {"funding": "finansieringen", "allocation": "fördelningen"}
UNKNOWN_PARTY = "en part"


def flag(code: str, doc_id: str, evidence: list[dict], rule_id: str,
         related_doc_id: str = "", **values) -> dict:
    """One flags row; the message is the code's template filled with `values`."""
    entry = CATALOGUE[code]
    return {
        "code": code,
        "severity": entry.severity,
        "doc_id": doc_id,
        "related_doc_id": related_doc_id,
        "message": entry.template.format(**values),
        "evidence": json.dumps(evidence, ensure_ascii=False),
        "rule_id": rule_id,
    }
