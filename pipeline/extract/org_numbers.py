"""Organisationsnummer, validated with python-stdnum (Luhn)."""

from __future__ import annotations

import re

from spacy.language import Language
from stdnum.se import orgnr

from pipeline.extract.component import MentionComponent
from pipeline.extract.patterns import alternation, compile_patterns
from pipeline.lang import table
from pipeline.records import Mention

LABEL = "org_number"


def canonical(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else number


def is_valid(number: str) -> bool:
    return bool(orgnr.is_valid(re.sub(r"\D", "", canonical(number))))


class OrgNumberRecognizer(MentionComponent):
    LABEL = LABEL

    def __init__(self) -> None:
        data = table("org_numbers")
        self.patterns = compile_patterns("org_numbers", {"label": alternation(data["labels"])})

    def match(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        seen: set[int] = set()
        for pattern in self.patterns:
            labelled = "label" in pattern.regex.groupindex
            for m in pattern.finditer(text):
                start, end = m.span("number")
                if start in seen:
                    continue
                number = canonical(m.group("number"))
                valid = is_valid(number)
                if not labelled and not (valid and number[2] >= "2"):
                    continue
                seen.add(start)
                out.append(Mention(
                    LABEL, start, end, text[start:end], pattern.id, number,
                    {"valid": valid, "label_start": m.start("label") if labelled else start},
                ))
        return sorted(out, key=lambda m: m.start)


@Language.factory("iop_org_numbers")
def make_org_number_recognizer(nlp: Language, name: str) -> OrgNumberRecognizer:
    return OrgNumberRecognizer()
