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
from spacy.vocab import Vocab

from pipeline.extract import (  # noqa: F401  (register the factories)
    amounts,
    dates,
    obligations,
    org_numbers,
    parties,
    periods,
    placeholders,
)
from pipeline.records import Mention

COMPONENTS = [
    "iop_org_numbers", "iop_amounts", "iop_dates", "iop_periods", "iop_parties",
    "iop_obligation_cues", "iop_placeholders",
]


_TOKENS = re.compile(r"\S+|\s+")


class WhitespaceTokenizer:
    """Tokens split at whitespace only.

    Our components match regex patterns over the text and keep character offsets, so the
    Swedish tokenizer's punctuation rules buy nothing here and cost ~3 ms per 1 000 words
    (measured by bench/extract_speed.py); this is the custom tokenizer pattern from
    spaCy's documentation.
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for m in _TOKENS.finditer(text):
            chunk = m.group(0)
            if chunk == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
            elif chunk[0] == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                words.append(chunk[1:])
                spaces.append(False)
            else:
                words.append(chunk)
                spaces.append(False)
        return Doc(self.vocab, words=words, spaces=spaces)


@cache
def nlp() -> Language:
    pipeline = spacy.blank("sv")
    pipeline.tokenizer = WhitespaceTokenizer(pipeline.vocab)
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


def extract(text: str) -> dict[str, list[Mention]]:
    # texts above spaCy's default max_length are legal here: we hold one document at a time
    model = nlp()
    model.max_length = max(model.max_length, len(text) + 1)
    doc = model.make_doc(text)
    doc.user_data["text"] = text
    for _, component in model.pipeline:
        doc = component(doc)
    return doc.user_data.get("mentions", {})
