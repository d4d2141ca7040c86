"""Extract: clean text -> mentions (amounts, org numbers, ...), by a spaCy pipeline.

`spacy.blank("sv")` gives the Swedish tokenizer; our components (one module per fact,
each `match()` + `set_annotations()`) put their findings in `doc.user_data["mentions"]`.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pipeline.records import Mention

if TYPE_CHECKING:
    from spacy.language import Language

COMPONENTS = [
    "iop_org_numbers", "iop_amounts", "iop_dates", "iop_periods", "iop_parties",
    "iop_obligation_cues", "iop_placeholders",
]


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
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


def extract(text: str) -> dict[str, list[Mention]]:
    # texts above spaCy's default max_length are legal here: we hold one document at a time
    model = nlp()
    model.max_length = max(model.max_length, len(text) + 1)
    # The components run one by one, as Language.__call__ would run them, so that the text
    # is handed over as it is: each of them needs doc.text, which spaCy otherwise rebuilds
    # from the tokens (see patterns.text_of).
    doc = model.make_doc(text)
    doc.user_data["text"] = text
    for _name, component in model.pipeline:
        doc = component(doc)
    return doc.user_data.get("mentions", {})
