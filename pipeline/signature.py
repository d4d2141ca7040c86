"""Compact per-document keys for linking documents across an archive, from the clean text.

- `signature`: a MinHash of the text's word 5-shingles (128 values, base64). Two drafts of
  one agreement share most shingles; the share of equal MinHash values estimates their
  Jaccard similarity, and equal bands of values let checks/links.py find candidate pairs
  with a join instead of comparing all pairs.
- `acronyms`: the activity names written as acronyms (BIV, BIS), minus the generic ones
  every IOP document uses (IOP, FN, EU; lang/sv/checks.toml), upper-case words that
  the text also writes in lower case (a heading AVTAL) and the registers of its
  diarienummer (SN in "Dnr SN 2024/12" names a nämnd, not an activity).
- `dnr`: the diarienummer the text names, as keys `SN:2024:412` (register, year, number).
- `org_numbers`: every organisationsnummer written in the text (NNNNNN-NNNN), whatever
  the extraction made of the party around it.
- `version_marks`: `draft` and/or `amendment` when the opening lines say so (UTKAST,
  Tilläggsöverenskommelse): which of two versions is the earlier, what changes what.

MinHash is hand-written (a dozen numpy lines): datasketch computes the same signature but
requires scipy, and we need only the signature: its LSH index inserts and queries one
document at a time, where the archive-wide banding here is a pandas join.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from functools import cache

import numpy as np

from pipeline.extract.prefilter import Prefiltered
from pipeline.lang import table

NUM_PERM = 128
SHINGLE = 5
MAX_ACRONYMS = 12
_WORD = re.compile(r"\w+")
_ACRONYM = re.compile(r"(?<![\w])([A-ZÅÄÖ]{2,6})(?![\wåäö])")
# NNNNNN-NNNN, NNNNNN NNNN or ten digits; an organisation's third digit is 2 or more (a
# personnummer's month is not), and none starts with 0 (phone numbers do)
_ORG_NUMBER = Prefiltered(  # tried only at digits (see prefilter)
    re.compile(r"(?<![\d-])([1-9]\d[2-9]\d{3})[-\u2010\u2011 ]?(\d{4})(?![\d-])"))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """Multiply-shift hash functions (a odd): the top 32 bits of a*x + b mod 2**64."""
    rng = np.random.default_rng(20240401)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


def _shingle_hashes(text: str) -> np.ndarray:
    words = _WORD.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    if len(words) < SHINGLE:
        shingles = {" ".join(words)}
    else:  # every run of SHINGLE words: zip the word list with itself shifted
        shingles = set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE)), strict=False)))
    blake2b = hashlib.blake2b
    digests = b"".join(blake2b(s.encode(), digest_size=4).digest() for s in shingles)
    return np.frombuffer(digests, dtype="<u4").astype(np.uint64)  # little-endian 32-bit


def minhash(text: str) -> np.ndarray:
    """NUM_PERM uint32 minima; empty for a text without words."""
    hashes = _shingle_hashes(text)
    if not len(hashes):
        return np.zeros(0, dtype=np.uint32)
    a, b = _permutations()
    values = np.multiply.outer(hashes, a)  # in place from here: one matrix, not four
    values += b  # uint64 arithmetic wraps: mod 2**64
    values >>= np.uint64(32)
    return values.min(axis=0).astype(np.uint32)


def encode(values: np.ndarray) -> str:
    return base64.b64encode(values.astype("<u4").tobytes()).decode("ascii") if len(values) else ""


def decode(signature: str) -> np.ndarray:
    """The MinHash values of a signature column cell; empty for an empty cell."""
    if not signature:
        return np.zeros(0, dtype=np.uint32)
    return np.frombuffer(base64.b64decode(signature), dtype="<u4")


@cache
def _generic_acronyms() -> frozenset[str]:
    data = table("checks")
    marks = data["linking"]["draft_words"] + data["linking"]["amendment_words"]
    return frozenset(a.upper() for a in data["generic_acronyms"] + marks)


@cache
def _dnr_pattern() -> Prefiltered:
    """A label, perhaps whose register it is ('Dnr kommunen:'), then an optional register
    (capitals, or a capitalised abbreviation: 'SN', 'Soc', 'KS-A') and two numbers: year
    and number in either order. The label is matched in any case."""
    labels = sorted(table("checks")["linking"]["dnr_labels"], key=len, reverse=True)
    label = "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in labels)
    return Prefiltered(re.compile(  # tried only where a label starts (see prefilter)
        rf"(?<![\w])(?i:{label})\.?(?:\s+[a-zåäö]+\s*:)?\s*:?\s*"
        r"(?P<register>[A-ZÅÄÖ][A-ZÅÄÖa-zåäö]{0,7}(?:[- ][A-ZÅÄÖ]{1,8})?)?[\s\-/]*"
        r"(?P<first>\d{1,6})\s?[-/.:]\s?(?P<second>\d{1,6})(?!\d)"))


def dnr(text: str) -> str:
    """The diarienummer keys, in order of first mention: 'SN:2024:412 SN:2024:12'."""
    found: dict[str, None] = {}
    for match in _dnr_pattern().finditer(text):
        first, second = match["first"], match["second"]
        year, number = (second, first) if _is_year(second) and not _is_year(first) else (
            first, second)
        register = re.sub(r"[- ]", "", match["register"] or "").upper()
        found[f"{register}:{year}:{int(number)}"] = None
    return " ".join(found)


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def org_numbers(text: str) -> str:
    """Every organisationsnummer in the text as NNNNNN-NNNN, in order of first mention."""
    found = dict.fromkeys(f"{m[1]}-{m[2]}" for m in _ORG_NUMBER.finditer(text))
    return " ".join(found)


@cache
def _marks() -> tuple[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    data = table("checks")["linking"]
    return int(data["opening_chars"]), (("draft", tuple(data["draft_words"])),
                                        ("amendment", tuple(data["amendment_words"])))


def version_marks(text: str) -> str:
    """'draft', 'amendment', both or '': what the opening lines call the document."""
    length, marks = _marks()
    opening = " ".join(text[:length].lower().split())
    return " ".join(mark for mark, words in marks if any(w in opening for w in words))


def acronyms(text: str, keys: str | None = None) -> str:
    """Distinctive acronyms, most frequent first, space-separated: 'BIV BIS'. `keys`: the
    text's dnr() when known."""
    registers = {key.split(":", 1)[0] for key in (dnr(text) if keys is None else keys).split()}
    found = Counter(m for m in _ACRONYM.findall(text)
                    if m not in _generic_acronyms() and m not in registers)
    counts = {m: n for m, n in found.items() if not _written_in_lower_case(text, m.lower())}
    ranked = sorted(counts, key=lambda a: -counts[a])[:MAX_ACRONYMS]  # ties: first seen
    return " ".join(ranked)


def _written_in_lower_case(text: str, word: str) -> bool:
    """Is `word` (lower case) one of the text's words (runs of \\w), in lower case or
    capitalised ('Parter' under a heading PARTER)? str.find and a look at the characters
    around each find: no word list of the whole text."""
    return _written_as(text, word) or _written_as(text, word.capitalize())


def _written_as(text: str, word: str) -> bool:
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _is_word_char(text[at - 1])) and (
                end == len(text) or not _is_word_char(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what \\w matches


def columns(text: str) -> dict[str, str]:
    """The documents-table columns this module fills."""
    keys = dnr(text)
    return {"signature": encode(minhash(text)), "acronyms": acronyms(text, keys), "dnr": keys,
            "org_numbers": org_numbers(text), "version_marks": version_marks(text)}
