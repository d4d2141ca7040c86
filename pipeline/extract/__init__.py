"""Extract: clean text -> mentions (amounts, org numbers, ...), by a spaCy pipeline.

`spacy.blank("sv")` gives the Swedish tokenizer; our components (one module per fact,
each `match()` + `set_annotations()`) put their findings in `doc.user_data["mentions"]`.
"""

from __future__ import annotations

import re
from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.extract import amounts, org_numbers  # noqa: F401  (register the factories)
from pipeline.records import Mention

COMPONENTS = ["iop_org_numbers", "iop_amounts"]


# spaCy's tokenizer is quadratic in the length of a run without whitespace (its affix
# loop re-searches the rest of the run: explosion/spaCy#1765, #4362): 64 KiB of "(cid:1)"
# takes 5 s, 1 MiB would take most of an hour. No rule of ours looks inside such a run's
# tokens, so a run this long becomes one token and the rest is tokenized as usual.
_LONG_RUN = re.compile(r"\S{1000,}")


class LongRunGuard:
    """Wraps a spaCy tokenizer: runs of 1000+ non-space characters are one token each."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        if not _LONG_RUN.search(text):
            return self.tokenizer(text)
        words: list[str] = []
        spaces: list[bool] = []
        position = 0
        for run in _LONG_RUN.finditer(text):
            for token in self.tokenizer(text[position : run.start()]):
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
            words.append(run.group())
            position = run.end()
            spaces.append(text.startswith(" ", position))
            position += spaces[-1]
        for token in self.tokenizer(text[position:]):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        return Doc(self.tokenizer.vocab, words=words, spaces=spaces)


@cache
def nlp() -> Language:
    pipeline = spacy.blank("sv")
    pipeline.tokenizer = LongRunGuard(pipeline.tokenizer)
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


def extract(text: str) -> dict[str, list[Mention]]:
    # texts above spaCy's default max_length are legal here: we hold one document at a time
    model = nlp()
    model.max_length = max(model.max_length, len(text) + 1)
    doc = model(text)
    return doc.user_data.get("mentions", {})
