"""Fast finditer()/search() for the regex patterns that run over whole documents.

Python's re skips ahead quickly only when a pattern starts with a literal or a character
set it can test case-sensitively. Our patterns mostly open with a lookbehind
(`(?<![\\wåäö])`) and ignore case, so re tries them at every character: about 70 ns per
character and pattern, a millisecond per pattern for a 15-page text, and a document meets
dozens of them. `Prefiltered` reads from the parsed pattern the literal prefixes every
match begins with ('ska', 'skall', 'måste'; or a digit) and looks for those first with a
fast case-sensitive search (in the lower-cased text when the pattern ignores case); the
pattern itself runs only where a prefix was found.

The matches are exactly re's: a match can only start where one of its prefixes stands,
and finditer's leftmost-first scan is replayed position by position (pattern.match(text,
i) sees the text before i, so lookbehinds and \\b behave as in finditer). Texts whose
lower-casing re would not agree with (a dotless ı, a long ſ, 'İ') and patterns with no
usable prefix simply use the plain regex.

Hand-written: neither re nor the `regex` package prefilters on a set of literals.
"""

from __future__ import annotations

import _sre
import re
from collections.abc import Callable, Iterator
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
_last: list = [None, None]  # the last text folded and its fold: every component asks


def folded(text: str) -> str | None:
    """text.lower() when it lines up with text and agrees with re's case folding, else None."""
    if _last[0] is text:
        return _last[1]
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
    _last[0], _last[1] = text, result
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
        else:
            return None
    if _DIGIT in atoms:
        atoms = {a for a in atoms if not a.isdigit()}
    return sorted(atoms) if len(atoms) <= 16 else None


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
        if len(merged) > _MAX_PREFIXES:
            raise _NoPrefix
        acc = list(merged.items())
    return acc


def prefix_regexes(pattern: re.Pattern) -> tuple[list[re.Pattern], bool] | None:
    """The prefilter of a pattern: regexes of its prefixes, and whether they run on the
    folded (lower-cased) text. None when the pattern has no usable prefix.

    Prefixes that open with a letter make one alternation, those that open with a digit
    another (\\d(?:...)): re scans fast for a set of first characters only when every
    alternative opens with a literal, or the whole regex with a class.
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
    # Literals of a case-insensitive part were lower-cased: search the folded text. A
    # case-sensitive literal is lower-cased too then (equal characters fold alike).
    fold = folds[0]

    def source(atoms) -> str:
        return "".join(_DIGIT if a == _DIGIT else re.escape(a.lower() if fold else a)
                       for a in atoms)

    def longest_first(sources) -> list[str]:
        return sorted(set(sources), key=lambda s: (-len(s), s))

    regexes = []
    letters = [source(p) for p in found if p[0] != _DIGIT]
    if letters:
        regexes.append(re.compile("|".join(longest_first(letters))))
    tails = [source(p[1:]) for p in found if p[0] == _DIGIT]
    if tails:
        rest = "" if "" in tails else "(?:" + "|".join(longest_first(tails)) + ")"
        regexes.append(re.compile(_DIGIT + rest))
    return regexes, fold


def _first_finder(regexes: list[re.Pattern], hay: str, end: int) -> Callable[[int], int]:
    """first(pos): where the first prefix at or after pos starts in hay, -1 for none."""
    if len(regexes) == 1:
        search = regexes[0].search

        def first(pos: int) -> int:
            m = search(hay, pos, end)
            return m.start() if m else -1
        return first
    searches = [r.search for r in regexes]
    ahead = [-2] * len(searches)  # the next start each regex found (-2: not looked yet)

    def first_of_all(pos: int) -> int:
        best = -1
        for i, search in enumerate(searches):
            at = ahead[i]
            if at == -2 or (at != -1 and at < pos):  # a start found before pos is stale
                m = search(hay, pos, end)
                at = ahead[i] = m.start() if m else -1
            if at != -1 and (best == -1 or at < best):
                best = at
        return best
    return first_of_all


class Prefiltered:
    """A compiled pattern whose finditer() and search() skip to where a match can start.

    Same results as the pattern's own finditer()/search() (the same Match objects).
    """

    __slots__ = ("regex", "_prefixes", "_fold")

    def __init__(self, regex: re.Pattern) -> None:
        self.regex = regex
        found = prefix_regexes(regex)
        self._prefixes, self._fold = found if found else (None, False)

    @property
    def prefiltered(self) -> bool:
        """Does this pattern have prefixes to skip ahead to?"""
        return self._prefixes is not None

    def _haystack(self, text: str) -> str | None:
        if self._prefixes is None or len(text) < MIN_TEXT:
            return None
        return folded(text) if self._fold else text

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None
                 ) -> Iterator[re.Match]:
        end = len(text) if endpos is None else min(endpos, len(text))
        hay = self._haystack(text)
        if hay is None:
            yield from self.regex.finditer(text, pos, end)
            return
        first, match = _first_finder(self._prefixes, hay, end), self.regex.match
        while (start := first(pos)) >= 0:
            m = match(text, start, end)
            if m is None:
                pos = start + 1
                continue
            yield m
            pos = m.end()  # never empty: every match starts with a non-empty prefix

    def prefix_search(self, text: str) -> Callable[[int], int] | None:
        """A function giving the first place at or after a position where one of the
        pattern's prefixes stands (-1: none), in text or its fold; None when the pattern
        has no prefixes to look for. A match of the pattern in any part of the text (a
        sentence, searched on its own) starts at such a place."""
        hay = self._haystack(text)
        return None if hay is None else _first_finder(self._prefixes, hay, len(hay))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        return next(self.finditer(text, pos, endpos), None)

    def __getattr__(self, name: str):
        return getattr(self.regex, name)  # groupindex, pattern, match, split, ...
