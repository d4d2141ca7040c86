"""Is a page's text real words, or the garbage some PDFs give (cid runs, glyph soup)?"""

from __future__ import annotations

import re

_CID = re.compile(r"\(cid:\d+\)")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0d-\x1f]")  # below 32, not \t \n \f


def letter_ratio(text: str) -> float:
    # map() over str methods counts in C: this runs on every page of every file
    visible = len(text) - sum(map(str.isspace, text))
    if not visible:
        return 1.0
    return sum(map(str.isalpha, text)) / visible


def is_garbled(text: str) -> bool:
    """True when text has content but it is not language.

    Signs: `(cid:NN)` runs, mostly non-letters, control characters, or one glyph per line.
    """
    stripped = text.strip()
    if len(stripped) < 20:
        return False
    if len(_CID.findall(text)) >= 5:
        return True
    controls = len(_CONTROLS.findall(stripped))
    if controls / len(stripped) > 0.05:
        return True
    if letter_ratio(stripped) < 0.4:
        return True
    lines = [line for line in stripped.split("\n") if line.strip()]
    if len(lines) >= 50 and sum(len(line.strip()) <= 1 for line in lines) / len(lines) > 0.8:
        return True
    return False
