"""Commitment cues ('ansvarar för', 'ska', 'bidrar med', 'åtar sig', 'garanteras', 'förbinder
sig'): where a party commits to something. Resolve decides the party (the subject) and
splits coordinated actions."""

from __future__ import annotations

from functools import cached_property

from spacy.language import Language

from pipeline.extract.component import MentionComponent
from pipeline.extract.patterns import Pattern, TakenSpans, compile_patterns
from pipeline.records import Mention

LABEL = "obligation_cue"


class ObligationCueRecognizer(MentionComponent):
    LABEL = LABEL

    @cached_property
    def patterns(self) -> list[Pattern]:
        return compile_patterns("obligations", {})

    def match(self, text: str) -> list[Mention]:
        out: list[Mention] = []
        taken = TakenSpans()
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                s, e = m.span()
                if taken.overlaps(s, e):
                    continue
                taken.add(s, e)
                out.append(Mention(LABEL, s, e, m.group(0), pattern.id))
        return sorted(out, key=lambda m: m.start)


@Language.factory("iop_obligation_cues")
def make_obligation_cue_recognizer(nlp: Language, name: str) -> ObligationCueRecognizer:
    return ObligationCueRecognizer()
