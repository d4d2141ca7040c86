"""Fast finditer()/search() for the regex patterns that run over whole documents.

Python's re skips ahead quickly only when a pattern starts with a literal or a character
set it can test case-sensitively. Our patterns mostly open with a lookbehind
(`(?<![\\wåäö])`) and ignore case, so re tries them at every character: about 70 ns per
character and pattern, a millisecond per pattern for a 15-page text, and a document meets
dozens of them. `Prefiltered` reads from the parsed pattern the literal prefixes every
match begins with ('ska', 'skall', 'måste'; or a digit); one Aho-Corasick pass per text
finds the prefixes of all patterns at once (in the lower-cased text for patterns that
ignore case), and each pattern runs only where one of its prefixes stands.

The matches are exactly re's: a match can only start where one of its prefixes stands,
and finditer's leftmost-first scan is replayed position by position (pattern.match(text,
i) sees the text before i, so lookbehinds and \\b behave as in finditer). Texts whose
lower-casing re would not agree with (a dotless ı, a long ſ, 'İ') and patterns with no
usable prefix simply use the plain regex.

Hand-written (the prefix reading and the replay): neither re nor the `regex` package
prefilters a pattern on its literals; ahocorasick-rs does the multi-string search.
"""

from __future__ import annotations

import _sre
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from re import _constants as sre  # the parse tree's opcodes (stable within 3.11+)
from re import _parser

try:
    from re._casefix import _EXTRA_CASES  # characters re equates beyond lower() (i/ı, s/ſ)
except ImportError:  # pragma: no cover - other Python versions: treat every text as unsafe
    _EXTRA_CASES = None

# Below this length the plain regex is as fast as the prefilter's set-up.
MIN_TEXT = 400
_MAX_PREFIXES = 256
_MAX_PREFIX_LEN = 6
_DIGIT = "\\d"  # an atom of a prefix: any digit (else an atom is one literal character)
_EXTRA = frozenset(chr(k) for k in _EXTRA_CASES) if _EXTRA_CASES is not None else None
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _char_safe(ch: str) -> bool:
    """Does str.lower() fold this character the way re's IGNORECASE does?"""
    low = ch.lower()
    return (len(low) == 1 and ord(low) == _sre.unicode_tolower(ord(ch))
            and low not in _EXTRA and ch not in _EXTRA)


_safe_chars: dict[str, bool] = {}
_last: tuple[str | None, str | None] = (None, None)  # the last text folded and its fold


def folded(text: str) -> str | None:
    """text.lower() when it lines up with text and agrees with re's case folding, else None."""
    global _last
    last = _last  # one read: the pair is replaced whole
    if last[0] is text:
        return last[1]
    if _EXTRA is None:
        result = None
    elif text.isascii():
        result = text.lower()
    else:
        result = text.lower()
        if len(result) != len(text):
            result = None
        else:
            for ch in set(_NON_ASCII.findall(text)):
                safe = _safe_chars.get(ch)
                if safe is None:
                    safe = _safe_chars[ch] = _char_safe(ch)
                if not safe:
                    result = None
                    break
    _last = (text, result)
    return result


class _NoPrefix(Exception):
    """The pattern has no prefix the prefilter can use."""


def _atoms_of_class(items, ignore_case: bool) -> list[str] | None:
    """The single characters (or the digit atom) a character class stands for; None for a
    class too wide to be a useful prefix (\\s, [A-Z], [^.])."""
    atoms: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            atoms.add(_fold_literal(av, ignore_case))
        elif op is sre.CATEGORY and av in (sre.CATEGORY_DIGIT, sre.CATEGORY_UNI_DIGIT):
            atoms.add(_DIGIT)
        elif op is sre.RANGE and 48 <= av[0] <= av[1] <= 57:
            atoms.add(_DIGIT)
        elif op is sre.RANGE and av[1] - av[0] < 32:
            atoms.update(_fold_literal(code, ignore_case) for code in range(av[0], av[1] + 1))
        else:
            return None
    if _DIGIT in atoms:
        atoms = {a for a in atoms if not a.isdigit()}
    # Case-sensitive capitals ([A-ZÅÄÖ]) are few in a text; lower-case letters are not.
    return sorted(atoms) if len(atoms) <= (32 if not ignore_case else 16) else None


def _fold_literal(code: int, ignore_case: bool) -> str:
    ch = chr(code)
    if ch.isascii():
        return ch.lower() if ignore_case else ch
    if ch in _EXTRA or len(ch.lower()) != 1 or ord(ch.lower()) != _sre.unicode_tolower(code):
        raise _NoPrefix  # a character re folds in its own way (ı, ſ, µ, İ)
    return ch.lower() if ignore_case else ch


def _prefixes(items, flags: int, folds: list[bool]) -> list[tuple[tuple[str, ...], bool]]:
    """(prefix, complete) pairs: every match of `items` starts with one of the prefixes;
    complete means the prefix is the whole of that match (so what follows extends it).
    folds[0] is set when a prefix holds a literal matched regardless of case."""
    acc: list[tuple[tuple[str, ...], bool]] = [((), True)]
    for op, av in items:
        if not any(complete for _, complete in acc):
            break
        ignore_case = bool(flags & re.IGNORECASE)
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width: consumes nothing
        if op in (sre.LITERAL, sre.IN):
            folds[0] = folds[0] or ignore_case
        if op is sre.LITERAL:
            alternatives = [[((_fold_literal(av, ignore_case),), True)]]
        elif op is sre.IN and (atoms := _atoms_of_class(av, ignore_case)) is not None:
            alternatives = [[((atom,), True)] for atom in atoms]
        elif op is sre.BRANCH:
            alternatives = [_prefixes(branch, flags, folds) for branch in av[1]]
        elif op is sre.SUBPATTERN:
            _, add, remove, sub = av
            alternatives = [_prefixes(sub, (flags | add) & ~remove, folds)]
        elif op is sre.ATOMIC_GROUP:
            alternatives = [_prefixes(av, flags, folds)]
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = av
            inner = _prefixes(sub, flags, folds)
            repeated, times = inner, 1  # X{3} starts with X X X (while X's prefix is all of X)
            while times < min(low, _MAX_PREFIX_LEN) and all(c for _, c in repeated):
                repeated = [(p + q, c) for p, _ in repeated for q, c in inner]
                times += 1
                if len(repeated) > _MAX_PREFIXES:
                    raise _NoPrefix
            whole = times == low == high or (low == 0 and high == 1)
            alternatives = [[(p, c and whole) for p, c in repeated]]
            if low == 0:  # X? and X*: the match may also skip X
                alternatives.append([((), True)])
        else:
            acc = [(p, False) for p, _ in acc]
            break
        merged: dict[tuple[str, ...], bool] = {}
        for prefix, complete in acc:
            if not complete:
                merged[prefix] = False
                continue
            for alternative in alternatives:
                for tail, tail_complete in alternative:
                    joined = (prefix + tail)[:_MAX_PREFIX_LEN]
                    done = tail_complete and len(prefix + tail) < _MAX_PREFIX_LEN
                    # one way to reach a prefix that is not a whole match stops it for all
                    merged[joined] = merged.get(joined, True) and done
        if len(merged) > _MAX_PREFIXES:  # too many to extend: the prefixes so far stand
            acc = [(p, False) for p, _ in acc]
            break
        acc = list(merged.items())
    return acc


@dataclass(frozen=True, slots=True)
class Prefixes:
    """Where a pattern's matches can start: at one of `literals` (in the folded text when
    `fold`), or at a digit when `digit`."""

    literals: tuple[str, ...]
    digit: bool
    fold: bool


def prefixes(pattern: re.Pattern) -> Prefixes | None:
    """The prefixes every match of the pattern starts with; None when it has none usable.

    A prefix is cut where a digit class stands inside it ('19' of '19\\d\\d-'), and one
    that opens with a digit class stands for any digit.
    """
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.ASCII | re.LOCALE):
        return None
    folds = [False]
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags)
        found = [prefix for prefix, _ in _prefixes(parsed.data, parsed.state.flags, folds)]
    except (_NoPrefix, RecursionError, re.error):
        return None
    if not found or any(not prefix for prefix in found):
        return None
    # Literals of a case-insensitive part were lower-cased: look in the folded text. A
    # case-sensitive literal is lower-cased too then (equal characters fold alike).
    fold = folds[0]
    literals = set()
    for prefix in found:
        if prefix[0] == _DIGIT:
            continue
        cut = prefix.index(_DIGIT) if _DIGIT in prefix else len(prefix)
        literals.add("".join(a.lower() if fold else a for a in prefix[:cut]))
    digit = any(prefix[0] == _DIGIT for prefix in found)
    if fold and sum(len(literal) == 1 for literal in literals) > 16:
        return None  # capitals folded to small letters: nearly every letter a candidate
    return Prefixes(tuple(sorted(literals)), digit, fold)


class _Scanner:
    """The prefixes of every Prefiltered pattern, found in one pass over a text.

    An Aho-Corasick automaton (ahocorasick-rs) finds all of them at once, overlapping:
    one pass for ~50 patterns instead of a regex search per pattern (re scans a set of
    first characters at ~4 ns a character, ~0.1 ms per pattern and document).
    """

    def __init__(self) -> None:
        self.members: list[Prefixes] = []
        self._index: dict[Prefixes, int] = {}
        self._automata: tuple | None = None
        self._last: tuple[str | None, list[list[int] | None] | None] = (None, None)

    def register(self, found: Prefixes) -> int:
        """The member number of these prefixes (patterns with the same prefixes share one)."""
        if found not in self._index:
            self._index[found] = len(self.members)
            self.members.append(found)
            self._automata = None
            self._last = (None, None)
        return self._index[found]

    def _build(self) -> tuple:
        import ahocorasick_rs

        automata = []
        for fold in (True, False):
            users: dict[str, list[int]] = {}
            for index, found in enumerate(self.members):
                if found.fold == fold:
                    for literal in found.literals:
                        users.setdefault(literal, []).append(index)
            strings = list(users)
            automaton = ahocorasick_rs.AhoCorasick(strings) if strings else None
            automata.append((fold, automaton, [users[s] for s in strings]))
        digits = [i for i, found in enumerate(self.members) if found.digit]
        return automata, digits

    def candidates(self, text: str) -> list[list[int] | None]:
        """Per member, the sorted places where one of its prefixes starts in text; None
        for a member whose prefixes are lower-cased when the text cannot be folded."""
        last = self._last  # one read: the pair is replaced whole
        if last[0] is text:
            return last[1]
        if self._automata is None:
            self._automata = self._build()
        automata, digit_members = self._automata
        found: list[list[int] | None] = [[] for _ in self.members]
        fold = folded(text)
        for folds, automaton, users in automata:
            if automaton is None:
                continue
            if folds and fold is None:
                for index, member in enumerate(self.members):
                    if member.fold:
                        found[index] = None
                continue
            for string, start, _ in automaton.find_matches_as_indexes(
                    fold if folds else text, overlapping=True):
                for index in users[string]:
                    found[index].append(start)
        if digit_members:
            digits = [m.start() for m in _DIGITS.finditer(text)]  # digits fold to themselves
            for index in digit_members:
                if found[index] is not None:
                    found[index].extend(digits)
        result = [sorted(set(c)) if c is not None else None for c in found]
        self._last = (text, result)
        return result


_DIGITS = re.compile(r"\d")
_SCANNER = _Scanner()


class Prefiltered:
    """A compiled pattern whose finditer() and search() skip to where a match can start.

    Same results as the pattern's own finditer()/search() (the same Match objects).
    """

    __slots__ = ("regex", "_member")

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        found = prefixes(regex)
        self._member = _SCANNER.register(found) if found is not None else None

    @property
    def prefiltered(self) -> bool:
        """Does this pattern have prefixes to skip ahead to?"""
        return self._member is not None

    def _candidates(self, text: str) -> list[int] | None:
        if self._member is None or len(text) < MIN_TEXT:
            return None
        return _SCANNER.candidates(text)[self._member]

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        candidates = self._candidates(text)
        if candidates is None:
            yield from self.regex.finditer(text, pos, end)
            return
        match = self.regex.match
        for start in candidates[bisect_left(candidates, pos):]:
            if start < pos:
                continue  # inside the last match
            if start >= end:
                return
            m = match(text, start, end)
            if m is not None:
                yield m
                pos = m.end()  # never empty: every match starts with a non-empty prefix

    def prefix_search(self, text: str) -> Callable[[int], int] | None:
        """A function giving the first place at or after a position where one of the
        pattern's prefixes stands (-1: none); None when the pattern has no prefixes to
        look for. A match of the pattern in any part of the text (a sentence, searched on
        its own) starts at such a place."""
        candidates = self._candidates(text)
        if candidates is None:
            return None

        def first(pos: int) -> int:
            i = bisect_left(candidates, pos)
            return candidates[i] if i < len(candidates) else -1
        return first

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return next(self.finditer(text, pos, endpos), None)

    def __getattr__(self, name: str):
        return getattr(self.regex, name)  # groupindex, pattern, match, split, ...
