"""Unfinished text: 'Klicka här för att ange text.', '2022-11-xx', 'XX kr', '[Namn]'."""

from __future__ import annotations

from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.doc_text import text_of
from pipeline.extract.patterns import Pattern, compile_patterns
from pipeline.records import Mention

LABEL = "placeholder"


class PlaceholderRecognizer:
    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("placeholders", {})

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(text_of(doc)))
        return doc

    def match(self, text: str) -> list[Mention]:
        return sorted((Mention(LABEL, m.start(), m.end(), m.group(0), p.id)
                       for p in self.patterns for m in p.regex.finditer(text)),
                      key=lambda m: m.start)

    def set_annotations(self, doc: Doc, mentions: list[Mention]) -> None:
        doc.user_data.setdefault("mentions", {})[LABEL] = mentions


@Language.factory("iop_placeholders")
def make_placeholder_recognizer(nlp: Language, name: str) -> PlaceholderRecognizer:
    return PlaceholderRecognizer()
