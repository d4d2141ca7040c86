"""Extract: clean text -> mentions (amounts, org numbers, ...), by a spaCy pipeline.

`spacy.blank("sv")` gives the Swedish tokenizer; our components (one module per fact,
each `match()` + `set_annotations()`) put their findings in `doc.user_data["mentions"]`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from pipeline.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

COMPONENTS = [
    "iop_org_numbers", "iop_amounts", "iop_dates", "iop_periods", "iop_parties",
    "iop_obligation_cues", "iop_placeholders",
]


# A word and the one plain space after it (the token's trailing space), or a run of other
# whitespace, which is a token of its own (a line break, a second space).
_TOKENS = re.compile(r"\S+ ?|\s+")


class WhitespaceTokenizer:
    """Tokens split at whitespace only.

    Our components match regex patterns over the text and keep character offsets, so the
    Swedish tokenizer's punctuation rules buy nothing here and cost ~3 ms per 1 000 words
    (measured by bench/extract_speed.py); this is the custom tokenizer pattern from
    spaCy's documentation. One findall builds the tokens (a loop per token cost ~2 ms
    per document).
    """

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        found = _TOKENS.findall(text)
        # a word that took its trailing space (a whitespace run never does)
        spaces = [t[-1] == " " and not t[0].isspace() for t in found]
        words = [t[:-1] if space else t for t, space in zip(found, spaces, strict=True)]
        return Doc(self.vocab, words=words, spaces=spaces)


@cache
def nlp() -> Language:
    # spaCy and the components (importing them registers their factories) are imported
    # here rather than at the top: `import spacy` costs ~0.8 s, and a re-run that finds
    # every file in the cache, or `iop --help`, needs none of it.
    import spacy

    from pipeline.extract import (  # noqa: F401
        amounts,
        dates,
        obligations,
        org_numbers,
        parties,
        periods,
        placeholders,
    )

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
