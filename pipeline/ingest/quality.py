"""Is a page's text real words, or the garbage some PDFs give (cid runs, glyph soup)?"""

from __future__ import annotations

import re
from functools import lru_cache

_CID = re.compile(r"\(cid:\d+\)")
# Characters counted in C instead of one by one in Python (a page in ~0.1 ms, not ~1 ms):
# str.split() splits at exactly the str.isspace() characters, [^\W_] is exactly
# str.isalnum().
_ALNUM = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0d-\x1f]+")  # below 32, except \t \n \f
# Leaders: the run of fill characters between a heading and its page number in a table of
# contents ("3 Parter ........ 2", ". . . .", "…………", "·····") and the line to write on in a
# form ("Namnförtydligande: ________"). Typography, not symbol soup: left out of the count.
_LEADERS = re.compile(r"(?:[._·…‧⋅∙\-–—] ?){3,}")


def count_chars(runs: re.Pattern, text: str) -> int:
    """How many characters of text the pattern's runs cover."""
    return len(text) - len(runs.sub("", text))


def visible_chars(text: str) -> int:
    """How many characters of text are not whitespace (str.isspace)."""
    return sum(map(len, text.split()))


def word_char_ratio(text: str) -> float:
    """Letters and digits among the visible characters: a table of figures is not garbage."""
    visible = visible_chars(text)
    if not visible:
        return 1.0
    return count_chars(_ALNUM, text) / visible


@lru_cache(maxsize=256)  # ingest asks twice per PDF page (OCR needed? garbage?)
def is_garbled(text: str) -> bool:
    """True when text has content but it is not language.

    Signs: `(cid:NN)` runs, control characters, mostly neither letters nor digits (symbol
    soup, private-use glyphs, U+FFFD; leaders and form lines not counted), or one glyph
    per line.
    """
    stripped = text.strip()
    if len(stripped) < 20:
        return False
    if len(_CID.findall(text)) >= 5:
        return True
    controls = count_chars(_CONTROL, stripped) if _CONTROL.search(stripped) else 0
    if controls / len(stripped) > 0.05:
        return True
    if word_char_ratio(_LEADERS.sub(" ", stripped)) < 0.5:
        return True
    if stripped.count("\n") < 49:
        return False  # fewer than 50 lines, blank or not
    lines = [line for line in stripped.split("\n") if line.strip()]
    if len(lines) >= 50 and sum(len(line.strip()) <= 1 for line in lines) / len(lines) > 0.8:
        return True
    return False
