"""The text of a Doc as the extractors read it."""

from __future__ import annotations

from spacy.tokens import Doc


def text_of(doc: Doc) -> str:
    """The document's text without rebuilding it from tokens (Doc.text does, every call)."""
    return doc.user_data.get("text") or doc.text
