"""Extract: clean text -> mentions (amounts, org numbers, ...), by a spaCy pipeline.

`spacy.blank("sv")` gives the Swedish tokenizer; our components (one module per fact,
each `match()` + `set_annotations()`) put their findings in `doc.user_data["mentions"]`.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language

from pipeline.extract import amounts, org_numbers  # noqa: F401  (register the factories)
from pipeline.records import Mention

COMPONENTS = ["iop_org_numbers", "iop_amounts"]


@cache
def nlp() -> Language:
    pipeline = spacy.blank("sv")
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


def extract(text: str) -> dict[str, list[Mention]]:
    # texts above spaCy's default max_length are legal here: we hold one document at a time
    model = nlp()
    model.max_length = max(model.max_length, len(text) + 1)
    doc = model(text)
    return doc.user_data.get("mentions", {})
