"""Wording diff: the word tokens of two clean texts, aligned, grouped by section heading.

Layout is not a change. The clean text (pipeline.normalize) has already joined wrapped lines
and hyphenated words; on top of that the comparison is on word tokens only, so runs of
spaces, line breaks, list bullets (-, •, ●), signature rules (____) and quote styles
("..." vs ”...”) do not count. Punctuation inside a token does (2023-04-01, FN:s, 7-20).

difflib's SequenceMatcher does the alignment. What it cannot do is hand-written here:
- speed: it is quadratic on long inputs full of repeated words (och, att, i), so texts are
  first aligned by sentence (a sentence is hashed as a tuple of its tokens) and only the
  sentences that differ are aligned word by word. Sentence bounds only decide where the
  word-level diffs run; a sentence split differently on the two sides is re-aligned word
  by word, so the result does not depend on them;
- moved paragraphs: a deleted block that comes back elsewhere is one "move", not a delete
  and an insert;
- the signature block: compared as a set of words (see `prepare`, `_signature_change`);
- section headings, to group the changes (`is_heading`, the one place that rule lives).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from pipeline.lang import table

# A word: letters/digits (with combining marks, as some PDFs decompose å), possibly joined by
# inner punctuation: 2023-04-01, FN:s, BIV/BIS-grupperna, 12,5, org.nr. Underscores are not
# letters here (signature rules are runs of them).
_WORD = r"(?:[^\W_]|[\u0300-\u036f])+"
TOKEN = re.compile(rf"{_WORD}(?:[-‐‑–—/:.,'’]{_WORD})*")
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "’": "'"})
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]")

# The heading rule: a short line without terminal punctuation that starts with a capital
# (after optional numbering: "3.", "3.2", "§ 4"). A line ending in ':' is a heading only
# when it is at most this many words ("Gemensamt ansvar:", not "Överenskommelsen utgår från:").
_HEADING_MAX_WORDS = 10
_HEADING_MAX_CHARS = 90
_HEADING_COLON_MAX_WORDS = 2
_NUMBERING = re.compile(r"^(?:§\s*\d+[a-z]?|\d+(?:\.\d+)*\.?|[IVX]+\.)\s+")
_NOT_HEADING_START = re.compile(r"^[-–—•●▪■◦‣∙·*(\"”“'«]")

_PROSE_MIN_WORDS = 10  # a line this long is running text
_PROSE_LOOKAHEAD = 3  # lines after a prose line where a second one ends a signature block
MIN_MOVE_TOKENS = 6  # shorter repeated phrases are ordinary edits, not moved paragraphs
MOVE_SIMILARITY = 0.9
_JOIN_ACROSS = 1  # equal runs this short between two edits join them into one change
CONTEXT_WORDS = 8  # words of context on each side, within the same paragraph


def is_heading(line: str) -> bool:
    """Whether a clean-text line is a section heading (the only place the rule lives)."""
    line = line.strip()
    if not line or len(line) > _HEADING_MAX_CHARS or _NOT_HEADING_START.match(line):
        return False
    words = line.split()
    if len(words) > _HEADING_MAX_WORDS or line[-1] in ".,;!?":
        return False
    if line.endswith(":") and len(words) > _HEADING_COLON_MAX_WORDS:
        return False
    body = _NUMBERING.sub("", line)
    first = next((ch for ch in body if ch.isalpha()), "")
    return bool(first) and body[:1].isalpha() and first.isupper()


def heading_key(line: str) -> str:
    """A heading without numbering, colon and case: '7. Underskrifter:' -> 'underskrifter'."""
    return _NUMBERING.sub("", line.strip()).rstrip(":").strip().lower()


@cache
def _data() -> dict:
    return table("compare")


@dataclass(slots=True)
class Token:
    norm: str  # compared form: NFKC, one kind of dash
    start: int  # offsets in the clean text
    end: int


@dataclass(slots=True)
class Side:
    """One text prepared for comparison: its tokens, headings and signature block."""

    text: str
    tokens: list[Token]
    heading_tokens: list[int]  # token index where each heading line starts
    headings: list[str]
    signature_at: int  # token range of the signature lines (both len(tokens) if none)
    signature_end: int
    signature_heading: str = ""

    def section_at(self, index: int) -> str:
        """The heading in force at token `index` ('' before the first heading)."""
        at = bisect_right(self.heading_tokens, index) - 1
        return self.headings[at] if at >= 0 else ""

    def span(self, i1: int, i2: int) -> tuple[int, int]:
        """Clean-text offsets covering tokens [i1, i2)."""
        if i1 >= i2:
            at = self.tokens[i1].start if i1 < len(self.tokens) else len(self.text)
            return at, at
        return self.tokens[i1].start, self.tokens[i2 - 1].end

    def slice(self, i1: int, i2: int) -> str:
        start, end = self.span(i1, i2)
        return self.text[start:end]


def prepare(text: str) -> Side:
    """Tokens, headings and the signature block of a clean text.

    The signature block runs from the line after its heading ("Underskrifter") to an
    appendix heading ("Bilaga 1"), or to where running text resumes (two paragraphs of
    prose within a few lines: a signature block has at most one, "upprättats i två
    likalydande exemplar"), less the heading of that text; else to the end.
    """
    tokens = [Token(_norm(m.group()), m.start(), m.end()) for m in TOKEN.finditer(text)]
    starts = [t.start for t in tokens]
    lines: list[tuple[int, str]] = []  # (first token, line) of the lines with words
    offset = 0
    for line in text.split("\n"):
        line_start, offset = offset, offset + len(line) + 1
        index = bisect_right(starts, line_start - 1)
        if index < len(tokens) and tokens[index].start < offset:
            lines.append((index, line.strip()))
    heading_tokens: list[int] = []
    headings: list[str] = []
    signature_at = signature_end = len(tokens)
    signature_heading = ""
    in_signatures = False
    data = _data()
    for number, (index, line) in enumerate(lines):
        heading = is_heading(line)
        if in_signatures:
            if heading and heading_key(line) in data["after_signature_headings"]:
                in_signatures, signature_end = False, index
            elif _is_prose(line) and any(_is_prose(later) for _, later in
                                         lines[number + 1 : number + 1 + _PROSE_LOOKAHEAD]):
                in_signatures, signature_end = False, index
                before_index, before = lines[number - 1]  # number > 0: the heading precedes
                if is_heading(before) and before_index >= signature_at:
                    signature_end = before_index  # the heading of the text that resumes
                    heading_tokens.append(before_index)
                    headings.append(before)
            else:
                continue  # "För X", names, dates: not headings here
        if not heading:
            continue
        heading_tokens.append(index)
        headings.append(line)
        if heading_key(line) in data["signature_headings"] and not signature_heading:
            in_signatures = True
            signature_heading = line
            signature_at = lines[number + 1][0] if number + 1 < len(lines) else len(tokens)
    return Side(text, tokens, heading_tokens, headings, signature_at, signature_end,
                signature_heading)


def _norm(word: str) -> str:
    """The compared form: NFKC (ligatures, decomposed å) and one kind of dash."""
    if word.isascii():
        return word
    return unicodedata.normalize("NFKC", word).translate(_DASHES)


def _is_prose(line: str) -> bool:
    """A line of running text, which a signature block does not have."""
    words = line.split()
    return len(words) >= _PROSE_MIN_WORDS or (len(words) >= 4 and line.rstrip()[-1:] in ".!?")


@dataclass(slots=True)
class Change:
    """One wording change. Ranges are token indexes; texts are taken from the clean texts."""

    kind: str  # replace, insert, delete, move, signatures
    old_range: tuple[int, int]
    new_range: tuple[int, int]
    section: str  # the heading it falls under (the new text's, where it has one)
    old_text: str = ""
    new_text: str = ""
    before: str = ""  # context, from the same paragraph
    after: str = ""
    from_section: str = ""  # for a move: where it was
    removed_words: list[str] = field(default_factory=list)  # for the signature block
    added_words: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Op:
    """An aligned stretch: equal, or one change (index into WordingDiff.changes)."""

    tag: str  # equal, change, moved_from (the old place of a moved block)
    old_range: tuple[int, int]
    new_range: tuple[int, int]
    change: int = -1


@dataclass(slots=True)
class WordingDiff:
    old: Side
    new: Side
    ops: list[Op]  # both texts in order
    changes: list[Change]

    @property
    def equal(self) -> bool:
        return not self.changes


def wording_diff(old_text: str, new_text: str) -> WordingDiff:
    old, new = prepare(old_text), prepare(new_text)
    a = [t.norm for t in old.tokens]
    b = [t.norm for t in new.tokens]
    # The text before the signature block, the block, and what follows it (appendices).
    before = _diff_range(old, new, a, b, (0, old.signature_at), (0, new.signature_at))
    after = _diff_range(old, new, a, b, (old.signature_end, len(a)),
                        (new.signature_end, len(b)))
    changes: list[Change] = []
    ops: list[Op] = []

    def add(tag: str, i1: int, i2: int, j1: int, j2: int) -> None:
        if tag == "equal":
            ops.append(Op("equal", (i1, i2), (j1, j2)))
            return
        kind = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        ops.append(Op("change", (i1, i2), (j1, j2), len(changes)))
        changes.append(Change(kind, (i1, i2), (j1, j2), ""))

    for op in before:
        add(*op)
    signature = _signature_change(old, new)
    if signature is not None:
        ops.append(Op("change", signature.old_range, signature.new_range, len(changes)))
        changes.append(signature)
    elif old.signature_at < old.signature_end or new.signature_at < new.signature_end:
        add("equal", old.signature_at, old.signature_end, new.signature_at, new.signature_end)
    for op in after:
        add(*op)
    moved = _find_moves(changes, a, b)
    for change in changes:
        _describe(change, old, new)
    keep = [i for i, c in enumerate(changes) if c.kind != "gone"]
    renumber = {before: after for after, before in enumerate(keep)}
    for op in ops:
        if op.tag != "change":
            continue
        if op.change in moved:  # the old place of a moved block points at the move
            op.tag, op.change = "moved_from", renumber[moved[op.change]]
        else:
            op.change = renumber[op.change]
    return WordingDiff(old, new, ops, [changes[i] for i in keep])


def _diff_range(old: Side, new: Side, a: list[str], b: list[str], old_range: tuple[int, int],
                new_range: tuple[int, int]) -> list[Opcode]:
    ops = _align(a, b, _sentences(old, *old_range), _sentences(new, *new_range),
                 old_range, new_range)
    return _widen_numbers(_merge(ops, old), old, new)


def _sentences(side: Side, first: int, end: int) -> list[tuple[int, int]]:
    """Token ranges of the sentences (or lines) among tokens [first, end)."""
    tokens, text = side.tokens, side.text
    out: list[tuple[int, int]] = []
    start = first
    for i in range(first, end):
        nxt = tokens[i + 1].start if i + 1 < end else len(text)
        if i + 1 == end or _SENTENCE_BREAK.search(text, tokens[i].end, nxt):
            out.append((start, i + 1))
            start = i + 1
    return out


Opcode = tuple[str, int, int, int, int]


def _align(a: list[str], b: list[str], sa: list[tuple[int, int]], sb: list[tuple[int, int]],
           old_range: tuple[int, int], new_range: tuple[int, int]) -> list[Opcode]:
    keys_a = [tuple(a[i:j]) for i, j in sa]
    keys_b = [tuple(b[i:j]) for i, j in sb]

    def bound(spans: list[tuple[int, int]], index: int, limit: tuple[int, int]) -> int:
        return spans[index][0] if index < len(spans) else limit[1]

    out: list[Opcode] = []
    # autojunk off: with it, frequent words (och, att) could never match and would show
    # as changed; the sentence level keeps the sequences short enough without it.
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for tag, s1, s2, t1, t2 in matcher.get_opcodes():
        i1, i2 = bound(sa, s1, old_range), bound(sa, s2, old_range)
        j1, j2 = bound(sb, t1, new_range), bound(sb, t2, new_range)
        if tag == "replace":
            words = SequenceMatcher(None, a[i1:i2], b[j1:j2], autojunk=False)
            for wtag, w1, w2, v1, v2 in words.get_opcodes():
                out.append((wtag, i1 + w1, i1 + w2, j1 + v1, j1 + v2))
        else:
            out.append((tag, i1, i2, j1, j2))
    return out


def _merge(ops: list[Opcode], old: Side) -> list[Opcode]:
    """One change per edited stretch: join touching edits, and edits split by a lone word
    within one paragraph (a rewritten phrase that happens to keep an 'och')."""
    ops = [op for op in ops if op[1] < op[2] or op[3] < op[4]]
    merged: list[list] = []
    for tag, i1, i2, j1, j2 in ops:
        tag = "equal" if tag == "equal" else "change"
        if merged and merged[-1][0] == tag:
            merged[-1][2], merged[-1][4] = i2, j2
        else:
            merged.append([tag, i1, i2, j1, j2])
    out: list[list] = []
    index = 0
    while index < len(merged):
        op = merged[index]
        if (op[0] == "equal" and out and out[-1][0] == "change" and index + 1 < len(merged)
                and op[2] - op[1] <= _JOIN_ACROSS and not _paragraph_break(old, op[1], op[2])):
            nxt = merged[index + 1]
            out[-1][2], out[-1][4] = nxt[2], nxt[4]
            index += 2
            continue
        out.append(op)
        index += 1
    return [tuple(op) for op in out]


def _paragraph_break(side: Side, i1: int, i2: int) -> bool:
    """Whether a line break lies around or among tokens [i1, i2)."""
    start = side.tokens[i1 - 1].end if i1 > 0 else 0
    end = side.tokens[i2].start if i2 < len(side.tokens) else len(side.text)
    return "\n" in side.text[start:end]


def _widen_numbers(ops: list[Opcode], old: Side, new: Side) -> list[Opcode]:
    """Show a changed number whole: '300 500 → 350 500', not '300 → 350' before '500'.

    The thousands groups of a number are separate tokens; equal groups glued (by one
    space) to a changed digit group are taken into the change on both sides: they are
    equal, so the alignment holds.
    """
    a, b = old.tokens, new.tokens
    out = [list(op) for op in ops]
    for index, op in enumerate(out):
        if op[0] != "change":
            continue
        after = out[index + 1] if index + 1 < len(out) else None
        while (after and after[0] == "equal" and after[1] < after[2]
               and _is_group(a[after[1]].norm)
               and ((op[1] < op[2] and _glued(old, op[2] - 1))
                    or (op[3] < op[4] and _glued(new, op[4] - 1)))):
            op[2], op[4] = op[2] + 1, op[4] + 1
            after[1], after[3] = after[1] + 1, after[3] + 1
        before = out[index - 1] if index > 0 else None
        while (before and before[0] == "equal" and before[1] < before[2]
               and a[before[2] - 1].norm.isdigit() and len(a[before[2] - 1].norm) <= 3
               and ((op[1] < op[2] and _is_group(a[op[1]].norm) and _glued(old, op[1] - 1))
                    or (op[3] < op[4] and _is_group(b[op[3]].norm)
                        and _glued(new, op[3] - 1)))):
            op[1], op[3] = op[1] - 1, op[3] - 1
            before[2], before[4] = before[2] - 1, before[4] - 1
    return [tuple(op) for op in out if op[1] < op[2] or op[3] < op[4]]


def _is_group(word: str) -> bool:
    return len(word) == 3 and word.isdigit()


def _glued(side: Side, index: int) -> bool:
    """Whether token index is a digit group followed by one space and a thousands group."""
    tokens = side.tokens
    if index < 0 or index + 1 >= len(tokens):
        return False
    this, nxt = tokens[index], tokens[index + 1]
    return (this.norm.isdigit() and len(this.norm) <= 3 and _is_group(nxt.norm)
            and side.text[this.end : nxt.start] == " ")


def _find_moves(changes: list[Change], a: list[str], b: list[str]) -> dict[int, int]:
    """A block deleted in one place and inserted in another is one move, not two changes.

    The insert becomes the move (reported where the text now stands, with where it came
    from); the delete is marked 'gone'. Returns {index of the delete: index of the move}.
    """
    moved: dict[int, int] = {}
    targets = [i for i, c in enumerate(changes) if c.kind == "insert"
               and c.new_range[1] - c.new_range[0] >= MIN_MOVE_TOKENS]
    for index, source in enumerate(changes):
        length = source.old_range[1] - source.old_range[0]
        if source.kind != "delete" or length < MIN_MOVE_TOKENS:
            continue
        words = a[source.old_range[0] : source.old_range[1]]
        best, best_ratio = -1, MOVE_SIMILARITY
        for target in targets:
            if changes[target].kind != "insert":
                continue
            start, end = changes[target].new_range
            if abs((end - start) - length) > (1 - MOVE_SIMILARITY) * length + 1:
                continue
            ratio = SequenceMatcher(None, words, b[start:end], autojunk=False).ratio()
            if ratio >= best_ratio:
                best, best_ratio = target, ratio
        if best < 0:
            continue
        changes[best].kind = "move"
        changes[best].old_range = source.old_range
        source.kind = "gone"
        moved[index] = best
    return moved


def _signature_change(old: Side, new: Side) -> Change | None:
    """The signature block compared as a multiset of words.

    Two-column signature blocks ("För A   För B / name   name") come out of a PDF line by
    line across both columns, and a badly linearised TXT or DOCX puts the same words in yet
    another order (000: "För social och omsorgsnämnden / Domkyrkopastorat / Linda Ljungqvist
    / För Linköpings / Karolina Einehag"). The order of these words carries no wording, so
    only the words themselves are compared; who signs for whom is compared by the
    signatories field diff.
    """
    old_words = [t.norm for t in old.tokens[old.signature_at : old.signature_end]]
    new_words = [t.norm for t in new.tokens[new.signature_at : new.signature_end]]
    removed = Counter(old_words) - Counter(new_words)
    added = Counter(new_words) - Counter(old_words)
    if not removed and not added:
        return None
    change = Change("signatures", (old.signature_at, old.signature_end),
                    (new.signature_at, new.signature_end), "")
    change.removed_words = _in_order(old_words, removed)
    change.added_words = _in_order(new_words, added)
    return change


def _in_order(words: list[str], wanted: Counter) -> list[str]:
    left = Counter(wanted)
    out = []
    for word in words:
        if left[word] > 0:
            out.append(word)
            left[word] -= 1
    return out


def _describe(change: Change, old: Side, new: Side) -> None:
    """Fill in the texts, the section and a paragraph's worth of context."""
    i1, i2 = change.old_range
    j1, j2 = change.new_range
    change.old_text = old.slice(i1, i2)
    change.new_text = new.slice(j1, j2)
    if change.kind == "gone":
        return
    if change.kind == "signatures":
        change.section = new.signature_heading or old.signature_heading
        return
    if j1 < j2:
        change.section = new.section_at(j1)
    else:  # nothing on the new side: it belongs with what precedes it
        change.section = new.section_at(j1 - 1) if j1 > 0 else ""
    if change.kind == "move":
        change.from_section = old.section_at(i1)
        context_side, c1, c2 = new, j1, j2
    elif j1 < j2 or i1 >= i2:
        context_side, c1, c2 = new, j1, j2
    else:
        context_side, c1, c2 = old, i1, i2
    change.before, change.after = _context(context_side, c1, c2)


def _context(side: Side, i1: int, i2: int) -> tuple[str, str]:
    """Up to CONTEXT_WORDS words either side of tokens [i1, i2), within the paragraph."""
    text, tokens = side.text, side.tokens
    start, end = side.span(i1, i2)
    paragraph_start = text.rfind("\n", 0, start) + 1
    paragraph_end = text.find("\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    first = i1
    while first > 0 and i1 - first < CONTEXT_WORDS and tokens[first - 1].start >= paragraph_start:
        first -= 1
    last = i2
    while last < len(tokens) and last - i2 < CONTEXT_WORDS and tokens[last].end <= paragraph_end:
        last += 1
    before = text[tokens[first].start : start] if first < i1 else ""
    after = text[end : tokens[last - 1].end] if last > i2 else ""
    return before, after
