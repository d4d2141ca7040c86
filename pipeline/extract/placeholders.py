"""Unfinished text: 'Klicka här för att ange text.', '2022-11-xx', 'XX kr', '[Namn]'."""

from __future__ import annotations

from functools import cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.patterns import Pattern, compile_patterns
from pipeline.records import Mention

LABEL = "placeholder"


class PlaceholderRecognizer(MentionComponent):
    LABEL = LABEL

    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("placeholders", {})

    def match(self, text: str) -> list[Mention]:
        return sorted((Mention(LABEL, m.start(), m.end(), m.group(0), p.id)
                       for p in self.patterns for m in p.finditer(text)),
                      key=lambda m: m.start)


@Language.factory("iop_placeholders")
def make_placeholder_recognizer(nlp: Language, name: str) -> PlaceholderRecognizer:
    return PlaceholderRecognizer()
