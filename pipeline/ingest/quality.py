"""Is a page's text real words, or the garbage some PDFs give (cid runs, glyph soup)?"""

from __future__ import annotations

import re

_CID = re.compile(r"\(cid:\d+\)")


def word_char_ratio(text: str) -> float:
    """Letters and digits among the visible characters: a table of figures is not garbage."""
    visible = [c for c in text if not c.isspace()]
    if not visible:
        return 1.0
    return sum(c.isalnum() for c in visible) / len(visible)


def is_garbled(text: str) -> bool:
    """True when text has content but it is not language.

    Signs: `(cid:NN)` runs, control characters, mostly neither letters nor digits (symbol
    soup, private-use glyphs, U+FFFD), or one glyph per line.
    """
    stripped = text.strip()
    if len(stripped) < 20:
        return False
    if len(_CID.findall(text)) >= 5:
        return True
    controls = sum(1 for c in stripped if ord(c) < 32 and c not in "\n\t\f")
    if controls / len(stripped) > 0.05:
        return True
    if word_char_ratio(stripped) < 0.5:
        return True
    lines = [line for line in stripped.split("\n") if line.strip()]
    if len(lines) >= 50 and sum(len(line.strip()) <= 1 for line in lines) / len(lines) > 0.8:
        return True
    return False
