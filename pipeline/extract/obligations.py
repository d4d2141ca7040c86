"""Commitment cues ('ansvarar för', 'ska', 'bidrar med', 'åtar sig', 'garanteras', 'förbinder
sig'): where a party commits to something. Resolve decides the party (the subject) and
splits coordinated actions."""

from __future__ import annotations

from functools import cached_property

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract.doc_text import text_of
from pipeline.extract.patterns import Pattern, compile_patterns
from pipeline.records import Mention

LABEL = "obligation_cue"


class ObligationCueRecognizer:
    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("obligations", {})

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(text_of(doc)))
        return doc

    def match(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for pattern in self.patterns:
            for m in pattern.regex.finditer(text):
                s, e = m.span()
                if any(ts < e and s < te for ts, te in taken):
                    continue
                taken.append((s, e))
                out.append(Mention(LABEL, s, e, m.group(0), pattern.id))
        return sorted(out, key=lambda m: m.start)

    def set_annotations(self, doc: Doc, mentions: list[Mention]) -> None:
        doc.user_data.setdefault("mentions", {})[LABEL] = mentions
        spans = [doc.char_span(m.start, m.end, label=m.rule_id, alignment_mode="expand")
                 for m in mentions]
        doc.spans[LABEL] = [s for s in spans if s is not None]


@Language.factory("iop_obligation_cues")
def make_obligation_cue_recognizer(nlp: Language, name: str) -> ObligationCueRecognizer:
    return ObligationCueRecognizer()
