"""What every extractor shares: a spaCy component is `match()` + `set_annotations()`.

Subclasses set LABEL and implement match(text) (or match(text, doc) when they read what
an earlier component found); the mentions go to doc.user_data["mentions"][LABEL] and, as
spans labelled with their rule id, to doc.spans[LABEL].
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.extract.doc_text import text_of
from pipeline.records import Mention


class MentionComponent:
    LABEL = ""

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match_doc(doc))
        return doc

    def match_doc(self, doc: Doc) -> list[Mention]:
        return self.match(text_of(doc))

    def match(self, text: str) -> list[Mention]:
        raise NotImplementedError

    def set_annotations(self, doc: Doc, mentions: list[Mention]) -> None:
        doc.user_data.setdefault("mentions", {})[self.LABEL] = mentions
        spans = [doc.char_span(m.start, m.end, label=m.rule_id, alignment_mode="expand")
                 for m in mentions]
        doc.spans[self.LABEL] = [s for s in spans if s is not None]
