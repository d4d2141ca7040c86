"""Signatories: one row per signature line of an agreement's signature block.

The block is read in steps, each with its own case table in lang/sv/signatures.toml and
lang/sv/signature_titles.toml:

1. `_block`: where the block is: after its heading ("Underskrifter"), else the document's
   tail of short lines from the first signer line on; it ends where an annex begins.
2. `_block_lines`: the block's lines as the pages have them (normalize has dropped the
   running headers, and the spacing that tells columns apart is still there); page
   furniture (Dnr, "Sida 3 av 3", addresses, a protocol's justering boxes) left out.
3. `_cells`: a line split into cells: tabs, table pipes, runs of spaces, or the PDF's text
   runs with their x positions; a line a PDF extractor flattened ("För A För B", "Anna
   Berg, ordförande Per Ek, kassör", "Gävle 2024-12-10 Gävle 2024-12-12") is split where a
   second item starts.
4. `_kind`: what a cell is: a drawn line, an e-signature, a signer line ("För X"), a place
   and date, a label (Underskrift, Namnförtydligande, Befattning), a title, a person's
   name (by its shape: capitalised words, no organisation word), a party, a fragment.
5. `_Reader`: cells to slots. A "För X" line (or a party line followed by names) opens a
   slot per column; a later cell goes to the slot of its column: by its index when the
   line has as many cells as there are slots, else by its position. A party name cut short
   ("För Linköpings" ... "Domkyrkopastorat") is completed. Place and date go to the slot
   below them, or to the signer on their line.
6. `_lines_of`: a slot's cells to signature lines: a drawn line, a printed name, a
   Namnförtydligande and a title each fill the current line until one repeats.

A line with no name gives a row with an empty person (UNSIGNED is raised from it); a
"För X" with nothing under it is such a line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache

from pipeline.extract.organisations import normalized
from pipeline.extract.organisations import sector as _sector
from pipeline.lang import table
from pipeline.normalize import CleanText
from pipeline.records import Mention, Page, Word
from pipeline.resolve.common import iso

_I = re.IGNORECASE

# cell kinds
RULE, ESIGN, FOR, PLACE_DATE = "rule", "esign", "for", "place_date"
SIGN_LABEL, NAME_LABEL, TITLE_LABEL = "sign_label", "name_label", "title_label"
TITLE, NAME, PARTY, FRAGMENT, OTHER = "title", "name", "party", "fragment", "other"
SIGNER_KINDS = {RULE, ESIGN, SIGN_LABEL, NAME_LABEL, TITLE_LABEL, TITLE, NAME}
_NAME_WORD = re.compile(r"[A-ZÅÄÖÉÜØÆ](?:[a-zåäöéüøæèáíóúñç']+(?:[A-Z][a-zåäöéü']+)?|\.)"
                        r"(?:-[A-ZÅÄÖÉÜ]?[a-zåäöéüøæ']+)*")
_TOKENS = re.compile(r"\S+")
_SPACE_RUNS = re.compile(r"\S(?:.*?\S)?(?=\t|\s{2,}|\s*$)")
_TABS = re.compile(r"[^\t]+")
_PIPES = re.compile(r"[^|]+")
_FOR_START = re.compile(r"(?<=\S)\s+(?=(?:För|FÖR)\s+[^\s\-])")
_BRACKET = re.compile(r"\(([^()]*[A-ZÅÄÖa-zåäö][^()]*)\)")
_FOR_COLON = re.compile(r"((?:För|FÖR|för)\s+[^:]+?)\s*:\s*(?=[A-ZÅÄÖ])")
_RULE_GAP = re.compile(r"(?<=[_.…\-–—]{3})\s+(?=[_.…\-–—]{3})")
_POLITICAL = re.compile(r"\s*\([A-ZÅÄÖ]{1,3}\)")
_DIGIT = re.compile(r"\d")
_Located = tuple[int, int, int, Mention]  # a date: page index, start, end in the page
_DEN = re.compile(r"(?<![\wåäö])den(?![\wåäö])|[,:]", _I)
_PLACE = re.compile(r"[A-ZÅÄÖ][\wåäö\-]+(?:\s[A-ZÅÄÖ]?[\wåäö\-]+){0,2}")  # 'Upplands Väsby'
_HAS_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}\s+[a-zåäö]+\s+\d{4}|\d{8}")


@lru_cache(maxsize=4096)
def sector(name: str) -> str:
    """extract.organisations.sector, remembered: a block asks it of every cell."""
    return _sector(name)


# --- data --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Data:
    heading: re.Pattern
    numbered_heading: re.Pattern
    heading_at_end: re.Pattern
    block_end: re.Pattern
    fallback_from: float
    short_line_words: int
    furniture: re.Pattern
    rule: re.Pattern
    for_party: re.Pattern
    party_tail: re.Pattern
    for_not_party: frozenset[str]
    esign: tuple[re.Pattern, ...]
    label: re.Pattern
    particles: frozenset[str]
    not_name_words: frozenset[str]
    definite_min: int
    definite_endings: tuple[str, ...]
    min_words: int
    max_words: int
    continues_after: frozenset[str]
    unit_endings: tuple[str, ...]
    max_party_words: int
    max_fragment_words: int
    title_endings: tuple[str, ...]
    title_words: frozenset[str]
    title_prefixes: frozenset[str]
    municipality: re.Pattern
    municipality_words: frozenset[str]


@cache
def _data() -> _Data:
    d, t = table("signatures"), table("signature_titles")
    labels = d["labels"]
    label = "|".join(
        f"(?P<{kind}>{'|'.join(forms)})" for kind, forms in labels.items())
    return _Data(
        heading=re.compile(d["heading"], _I),
        numbered_heading=re.compile(d["numbered_heading"], _I),
        heading_at_end=re.compile(d["heading_at_end"], _I),
        block_end=re.compile(d["block_end"], _I),
        fallback_from=d["fallback_from"],
        short_line_words=d["short_line_words"],
        furniture=re.compile("|".join(f"(?:{p})" for p in d["furniture"]), _I),
        rule=re.compile(d["rule"]),
        for_party=re.compile(d["for_party"], _I),
        party_tail=re.compile(d["party_tail"], _I),
        for_not_party=frozenset(d["for_not_party"]),
        esign=tuple(re.compile(p, _I) for p in d["esign"]),
        label=re.compile(rf"^\s*(?:{label})(?![\wåäöÅÄÖ])\s*(?::|\s)?\s*(?P<value>.*)$", _I),
        particles=frozenset(d["names"]["particles"]),
        not_name_words=frozenset(d["names"]["not_name_words"]),
        definite_min=d["names"]["definite_min_length"],
        definite_endings=tuple(d["names"]["definite_endings"]),
        min_words=d["names"]["min_words"],
        max_words=d["names"]["max_words"],
        continues_after=frozenset(d["parties"]["continues_after"]),
        unit_endings=tuple(d["parties"]["unit_endings"]),
        max_party_words=d["parties"]["max_party_words"],
        max_fragment_words=d["parties"]["max_fragment_words"],
        title_endings=tuple(t["endings"]),
        title_words=frozenset(t["words"]),
        title_prefixes=frozenset(t["prefixes"]),
        municipality=re.compile(table("parties")["municipality"]),
        municipality_words=frozenset(w.strip("*") for w in table("parties")["municipality_words"]),
    )


# --- records -----------------------------------------------------------------------------

@dataclass(slots=True)
class _Date:
    place: str
    value: date | None
    text: str


@dataclass(slots=True)
class _Cell:
    text: str
    page: int  # index into pages
    start: int  # offset in that page's text
    line: int  # index of its line in the block
    pos: float | None = None  # x (PDF points) or character column; None: only the index
    unit: str = ""  # "x" or "ch": what pos measures
    index: int = 0  # position among its line's cells
    kind: str = OTHER
    person: str = ""  # NAME, NAME_LABEL, ESIGN: the name as written
    title: str | None = None
    date: _Date | None = None
    party: str = ""  # FOR, PARTY, FRAGMENT: the organisation as written

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(slots=True)
class _Line:
    page: int
    start: int
    text: str
    blank_before: int = 0  # empty lines (a page break counts as two) above it
    cells: list[_Cell] = field(default_factory=list)


@dataclass(slots=True)
class _Slot:
    party: str
    cell: _Cell
    explicit: bool  # opened by "För X"
    column: int
    date: _Date | None = None
    fallback: _Date | None = None
    cells: list[_Cell] = field(default_factory=list)


@dataclass(slots=True)
class _Signature:
    """One signature line of a slot: what was drawn, printed and labelled for it."""

    cell: _Cell
    sign: bool = False
    name: str | None = None  # None: no name field; "": a name field left empty
    name_cell: _Cell | None = None
    title: str | None = None
    date: _Date | None = None
    esign: bool = False
    labelled: bool = False


# --- step 1: the block -------------------------------------------------------------------

def _block(text: str) -> tuple[int, int, bool] | None:
    """Clean-text span of the signature block and whether a heading opened it, or None
    when the text has none."""
    data = _data()
    lines = _lines_with_offsets(text)
    start = None
    for at, line in lines:
        if len(line) < 80 and (data.heading.match(line) or data.numbered_heading.match(line)):
            start = at + len(line)
    tail = int(len(text) * data.fallback_from)
    if start is None:
        for at, line in lines:
            if at >= tail and data.heading_at_end.search(line):
                start = at + len(line)
    headed = start is not None
    if start is None:
        start = _fallback_start(lines, tail)
        if start is None:
            return None
    end = len(text)
    for at, line in lines:
        if at > start and data.block_end.match(line) and _has_signer(text[start:at]):
            end = at
            break
    return start, end, headed


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, at = [], 0
    for line in text.split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def _has_signer(text: str) -> bool:
    return any(_data().for_party.match(ln) or _esign(ln) for ln in text.split("\n"))


def _fallback_start(lines: list[tuple[int, str]], tail: int) -> int | None:
    """Without a heading: the text's tail of short lines, in its last part, from its
    first line with a date or a place-date label above a signer line ('För X', an
    e-signature), else from that signer line."""
    data = _data()
    start, signer = None, False
    for at, line in reversed(lines):
        line = line.strip()
        if at < tail or len(line.split()) > data.short_line_words:
            break
        label = data.label.match(line)
        if _for_party(line) or _esign(line):
            start, signer = at, True
        elif signer and ((label and label.group("place_date")) or _HAS_DATE.search(line)):
            start = at
    return start


# --- step 2: the block's lines as the pages have them --------------------------------------

def _block_lines(clean: CleanText, pages: list[Page], start: int, end: int) -> list[_Line]:
    """The source lines that the clean span [start, end) was made of, in order."""
    if start >= end or start >= len(clean.offsets):
        return []
    kept = set(clean.offsets[start:end])
    first = min(kept)
    lines: list[_Line] = []
    blank = 0
    for index, page in enumerate(pages):
        base = clean.page_starts[index]
        if base + len(page.text) < first:
            continue
        offset = page.text.rfind("\n", 0, max(0, first - base)) + 1
        for raw in page.text[offset:].split("\n"):
            g0 = base + offset
            offset += len(raw) + 1
            if not raw.strip():
                blank += 1
            elif g0 + len(raw) >= first and _kept(raw, g0, kept):
                if not _data().furniture.search(raw):
                    lines.append(_Line(index, g0 - base, raw, blank))
                    blank = 0
        blank += 2
    return lines


def _kept(raw: str, start: int, kept: set[int]) -> bool:
    """Is the source line in the clean text? normalize keeps or drops whole lines: its
    first visible characters tell."""
    lead = len(raw) - len(raw.lstrip())
    return any(g in kept for g in range(start + lead, start + min(len(raw), lead + 4)))


# --- step 3: cells ---------------------------------------------------------------------------

def _cells(line: _Line, number: int, page: Page, runs: _Runs, dates: list[_Located]
           ) -> list[_Cell]:
    """A line's cells by its layout: the PDF's runs, tabs, table pipes, runs of spaces."""
    laid = runs.cells(line, number, page)
    if laid is None:
        text = line.text
        if text.lstrip().startswith("|"):
            found, unit = _PIPES.finditer(text), ""
        elif "\t" in text:
            found, unit = _TABS.finditer(text), ""
        else:
            found, unit = _SPACE_RUNS.finditer(text), "ch"
        laid = []
        for m in found:
            cell = m.group(0)
            lead = len(cell) - len(cell.lstrip())
            cell = cell.strip()
            if cell:
                at = m.start() + lead
                laid.append(_Cell(cell, line.page, line.start + at, number,
                                  float(at) if unit else None, unit))
    merged = len(laid) == 1
    out: list[_Cell] = []
    for cell in laid:
        out.extend(_split_flattened(cell, merged, dates))
    for i, cell in enumerate(out):
        cell.index = i
    return out


class _Runs:
    """The PDF's text runs of the block's pages, matched to the text's lines: a run is a
    cell with its x position. OCR runs carry their offset; text-layer runs are matched by
    their text, in reading order."""

    def __init__(self) -> None:
        self.by_page: dict[int, dict[str, list[list[Word]]]] = {}

    def cells(self, line: _Line, number: int, page: Page) -> list[_Cell] | None:
        words = page.words
        if not words:
            return None
        if page.ocr or words[0].char_start is not None:
            end = line.start + len(line.text)
            row = [w for w in words if w.char_start is not None
                   and line.start <= w.char_start < end]
        else:
            rows = self._visual_lines(line.page, words).get(" ".join(line.text.split()))
            row = rows.pop(0) if rows else []
        if len(row) < 2:
            return None
        cells, cursor = [], 0
        for w in sorted(row, key=lambda w: w.x0):
            at = w.char_start - line.start if w.char_start is not None else \
                line.text.find(w.text, cursor)
            if at < 0:
                return None
            cursor = at + len(w.text)
            cells.append(_Cell(w.text, line.page, line.start + at, number, w.x0, "x"))
        return cells

    def _visual_lines(self, index: int, words) -> dict[str, list[list[Word]]]:
        if index not in self.by_page:
            found: dict[str, list[list[Word]]] = {}
            rows: list[list[Word]] = []
            for w in sorted(words, key=lambda w: (w.top, w.x0)):
                if rows and abs(rows[-1][0].top - w.top) < 0.5 * (w.bottom - w.top):
                    rows[-1].append(w)
                else:
                    rows.append([w])
            for row in rows:
                row.sort(key=lambda w: w.x0)
                key = " ".join(" ".join(w.text for w in row).split())
                found.setdefault(key, []).append(row)
            self.by_page[index] = found
        return self.by_page[index]


def _split_flattened(cell: _Cell, merged: bool, dates: list[_Located]) -> list[_Cell]:
    """A cell holding several items a PDF extractor put on one line, split: before each
    'För X', after each date but the last, between drawn lines, between names and titles."""
    pieces = [(0, cell.text)]
    colon = _FOR_COLON.match(cell.text)
    if colon and _name(cell.text[colon.end():]) is not None:  # 'För Umeå kommun: Anna Berg'
        pieces = [(0, colon.group(1)), (colon.end(), cell.text[colon.end():])]
    for splitter in (_FOR_START, _RULE_GAP):
        pieces = [(at + p0, p) for at, text in pieces
                  for p0, p in _split_at(text, splitter)]
    ends = [d[2] - cell.start for d in dates
            if d[0] == cell.page and cell.start <= d[1] and d[2] < cell.end]
    if ends:
        pieces = [(at + p0, p) for at, text in pieces for p0, p in _split_after(text, [
            e - at for e in ends if at < e < at + len(text)])]
    if merged:
        pieces = [(at + p0, p) for at, text in pieces for p0, p in _name_items(text)]
    if len(pieces) == 1:
        return [cell]
    out = []
    for at, text in pieces:
        # a flattened line's items have no column of their own: only their order counts
        pos = cell.pos + at if cell.pos is not None and cell.unit == "ch" and not merged \
            else None
        out.append(_Cell(text, cell.page, cell.start + at, cell.line, pos,
                         cell.unit if pos is not None else ""))
    return out


def _split_at(text: str, pattern: re.Pattern) -> list[tuple[int, str]]:
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append((last, text[last:m.start()]))
        last = m.end()
    out.append((last, text[last:]))
    return [(at + len(t) - len(t.lstrip()), t.strip()) for at, t in out if t.strip()]


def _split_after(text: str, ends: list[int]) -> list[tuple[int, str]]:
    """'Gävle 2024-12-10 Gävle 2024-12-12': cut after every date that has text after it."""
    out, last = [], 0
    for end in sorted(ends):
        if text[end:].strip():
            out.append((last, text[last:end]))
            last = end
    out.append((last, text[last:]))
    return [(at + len(t) - len(t.lstrip()), t.strip()) for at, t in out if t.strip()]


def _name_items(text: str) -> list[tuple[int, str]]:
    """'Karin Dahlberg, ordförande Ingrid Sjöberg, ordförande', 'Ordförande Mats Wallin',
    'Hälso- och sjukvårdsdirektör Ordförande': where a second name or title starts. Kept
    whole unless every item is a name or a title."""
    if _DIGIT.search(text) or _data().label.match(text):
        return [(0, text)]
    tokens = [(m.start(), m.group(0)) for m in _TOKENS.finditer(text)]
    starts, state, names = [0], "", 0
    for i, (_, tok) in enumerate(tokens):
        word = tok.strip(",.")
        capital = word[:1].isupper()
        if i == 0:
            state = "title" if _title_at(tokens, 0) else "name"
            names = 1
            continue
        prev = tokens[i - 1][1]
        if state == "name" and not prev.endswith(","):
            if capital and not (names >= 2 and _title_at(tokens, i)):
                names += 1
                continue
            if word in _data().particles:
                continue
            state = "tail"
            continue
        if state == "name":
            state = "tail"
            continue
        if capital and not prev.endswith(",") and prev.lower() not in _data().continues_after:
            starts.append(i)
            state = "title" if _title_at(tokens, i) else "name"
            names = 1
    if len(starts) == 1:
        return [(0, text)]
    bounds = [tokens[s][0] for s in starts] + [len(text)]
    items = [(bounds[j], text[bounds[j]:bounds[j + 1]].strip()) for j in range(len(starts))]
    if all(_title(t) is not None or _name(t) is not None for _, t in items):
        return items
    return [(0, text)]


# --- step 4: what a cell is ---------------------------------------------------------------

def _kind(cell: _Cell, dates: list[_Located],
          is_party: Callable[[str], bool]) -> None:
    """Sets cell.kind and what it carries (person, title, date, party). Cases in order:
    drawn line, e-signature, 'För X', label, place and date, title, name, party, fragment."""
    data, text = _data(), cell.text.strip()
    inside = [d for d in dates if d[0] == cell.page and cell.start <= d[1] and d[2] <= cell.end]
    if data.rule.match(text):
        cell.kind = RULE
        return
    esign = _esign(text)
    if esign is not None:
        cell.kind, cell.date = ESIGN, _date_of(cell, inside, "")
        cell.person, cell.title = _esign_person(esign, inside, cell)
        return
    party = _for_party(text)
    if party:
        cell.kind, cell.party = FOR, party
        return
    label = data.label.match(text)
    if label:
        value = label.group("value").strip(" :")
        if data.rule.match(value):
            value = ""
        if label.group("place_date"):
            cell.kind, cell.date = PLACE_DATE, _date_of(cell, inside, value)
            return
        if label.group("sign"):
            cell.kind = SIGN_LABEL
            return
        if label.group("name"):
            name = _name(value)
            cell.kind, cell.person = NAME_LABEL, name[0] if name else ""
            cell.title = name[1] if name else None
            return
        cell.kind, cell.title = TITLE_LABEL, value
        return
    if inside:
        found = _date_of(cell, inside, text)
        if found is not None:
            cell.kind, cell.date = PLACE_DATE, found
            return
    title = _title(text)
    if title is not None:
        cell.kind, cell.title = TITLE, title
        return
    name = _name(text, is_party)
    if name is not None:
        cell.kind, (cell.person, cell.title) = NAME, name
        return
    words = text.split()
    if _DIGIT.search(text) or not text[:1].isalpha():
        return
    if len(words) <= data.max_party_words and (
            sector(text) != "unknown" or is_party(text) or data.municipality.search(text)):
        cell.kind, cell.party = PARTY, text
    elif len(words) <= data.max_fragment_words and not text.endswith("."):
        cell.kind, cell.party = FRAGMENT, text


def _for_party(line: str) -> str:
    m = _data().for_party.match(line)
    if not m:
        return ""
    party = _data().party_tail.sub("", m.group("party")).strip(" :,")
    words = party.split()
    if (not words or words[0].lower() in _data().for_not_party
            or len(words) > _data().max_party_words or party.endswith(".")):
        return ""
    return party


def _esign(line: str) -> re.Match | None:
    for pattern in _data().esign:
        m = pattern.match(line.strip())
        if m:
            return m
    return None


def _esign_person(m: re.Match, inside, cell: _Cell) -> tuple[str, str | None]:
    """The person and title of an e-signature; a party named in brackets after the name
    ('Signerad av: Anna Berg (Umeå kommun)') goes to cell.party."""
    rest = m.group("rest")
    for d in inside:  # the date is not part of the name or title
        rest = rest.replace(d[3].text, "")
    bracket = _BRACKET.search(rest)
    if bracket:
        if sector(bracket.group(1)) != "unknown" or not _name(bracket.group(1)):
            cell.party = bracket.group(1).strip()
        rest = rest[:bracket.start()] + rest[bracket.end():]
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    if not parts:
        return "", None
    name = _name(parts[0])
    person = name[0] if name else parts[0]
    title = ", ".join(parts[1:]) or None
    return person, title


def _date_of(cell: _Cell, inside, rest: str) -> _Date | None:
    """Place and date of a cell ('Malmö den 14 december 2023', 'Ort och datum: Umeå
    2024-06-12', 'Borås 2024-12-09'); None when other words are left beside them."""
    mention = inside[0][3] if inside else None
    if mention is not None:
        rest = rest.replace(mention.text, " ")
    rest = _DEN.sub(" ", rest).strip()
    if rest and not _PLACE.fullmatch(rest):
        if cell.kind == ESIGN or mention is None:
            rest = ""
        else:
            return None
    if mention is None:
        return _Date(rest, None, "") if rest else _Date("", None, "")
    value = mention.attrs.get("first") if not mention.attrs.get("placeholder") else None
    return _Date(rest, value, mention.text)


def _title_at(tokens: list[tuple[int, str]], i: int) -> bool:
    """Does a title start at token i: 'Ordförande', 'vice ordförande', 'Föreningens
    ordförande', 'Hälso- och sjukvårdsdirektör'."""
    data = _data()
    words = [t.strip(",:").lower() for _, t in tokens[i:i + 4]]
    j = 0
    while j < len(words) - 1 and words[j] in data.title_prefixes:
        j += 1
    if j < len(words) - 1 and words[j].endswith("s") and _title_word(words[j + 1]):
        return True  # "Kommunstyrelsens ordförande"
    if j + 2 < len(words) and words[j].endswith("-") and words[j + 1] in ("och", "&"):
        j += 2  # "Hälso- och sjukvårdsdirektör"
    return j < len(words) and _title_word(words[j])


def _title_word(word: str) -> bool:
    word = word.strip(".,:")
    return word in _data().title_words or word.endswith(_data().title_endings)


def _title(text: str) -> str | None:
    """The title a cell holds, when it holds only a title (and what it is of)."""
    tokens = [(m.start(), m.group(0)) for m in _TOKENS.finditer(text)]
    if not tokens or _DIGIT.search(text) or not _title_at(tokens, 0):
        return None
    return text


def _name(text: str, is_party: Callable[[str], bool] | None = None
          ) -> tuple[str, str | None] | None:
    """(person, title) when the cell is a person's name, optionally with a title after a
    comma or in lower case ('Per-Olof Andersson, ordförande', 'Anna Berg ordförande')."""
    data = _data()
    text = _POLITICAL.sub("", text).strip()
    if not text or _DIGIT.search(text):
        return None
    head, _, tail = text.partition(",")
    tokens = head.split()
    cut = len(tokens)
    capitals = 0
    for i, tok in enumerate(tokens):
        if tok in data.particles and 0 < i < len(tokens) - 1:
            continue
        if _NAME_WORD.fullmatch(tok) and tok.lower() not in data.not_name_words and not (
                capitals >= 2 and _title_word(tok.lower())):
            capitals += 1
            continue
        cut = i
        break
    name_tokens, extra = tokens[:cut], tokens[cut:]
    if not data.min_words <= capitals <= data.max_words or name_tokens[-1] in data.particles:
        return None
    title = " ".join(extra)
    if extra and _title(title) is None:
        return None
    tail = tail.strip()
    if tail:  # 'Anna Berg, ordförande', 'Anna Berg ordförande, socialnämnden'
        if not title and _title(tail) is None and not tail[:1].islower():
            return None
        title = f"{title}, {tail}" if title else tail
    name = " ".join(name_tokens)
    low = [t.lower() for t in name_tokens]
    if any(len(t) >= data.definite_min and t.endswith(data.definite_endings) for t in low):
        return None
    if sector(name) != "unknown" or (is_party is not None and is_party(name)):
        return None
    return name, title or None


# --- step 5: cells to slots ---------------------------------------------------------------

class _Reader:
    """Reads the block's lines top to bottom into slots (one per party signing)."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.slots: list[_Slot] = []
        self.group: list[_Slot] = []  # the slots of the current row of columns
        self.anonymous = False  # the current group was opened by names, not parties
        self.signed = False  # the current group has a signer cell
        self.pending: list[_Cell] = []  # dates waiting for the slots below them
        self.last_date: _Date | None = None
        self.places: dict[int, _Date] = {}  # a place waiting for its date, by column
        self.orphans: list[_Cell] = []

    def read(self) -> list[_Slot]:
        for number, line in enumerate(self.lines):
            cells = [c for c in line.cells if c.kind != OTHER]
            if not cells:
                continue
            if all(c.kind == RULE for c in cells) and self._next_has(number, {FOR}):
                continue  # the line is drawn above the 'För X' it belongs to
            fors = [i for i, c in enumerate(cells) if c.kind == FOR]
            if fors:
                self._feed(cells[:fors[0]])
                self._open([c for c in cells if c.kind == FOR], explicit=True)
                self._feed([c for c in cells[fors[0]:] if c.kind != FOR])
            elif all(c.kind in (PARTY, FRAGMENT) for c in cells):
                self._parties(cells, number)
            else:
                self._feed(cells)
        self._finish()
        return [s for s in self.slots if s.explicit or s.cells]

    def _next_has(self, number: int, kinds: set[str], lines: int = 1) -> bool:
        seen = 0
        for line in self.lines[number + 1:]:
            cells = [c for c in line.cells if c.kind != OTHER]
            if not cells:
                continue
            if any(c.kind in kinds for c in cells):
                return True
            seen += 1
            if seen >= lines:
                return False
        return False

    def _open(self, cells: list[_Cell], explicit: bool) -> None:
        if self.anonymous and self.signed and len(cells) == len(self.group) and not any(
                s.party for s in self.group):  # 'Anna Berg' over 'För Umeå kommun'
            for slot, c in zip(self.group, cells, strict=True):
                slot.party, slot.cell, slot.explicit = c.party, c, explicit
            self.anonymous = False
            return
        self.group = [_Slot(c.party, c, explicit, i, fallback=self.last_date)
                      for i, c in enumerate(cells)]
        self.slots.extend(self.group)
        self.anonymous, self.signed = False, False
        dates = [c for c in self.pending if c.date and (c.date.value or c.date.text
                                                        or c.date.place)]
        if len(dates) == len(self.group):
            for slot, c in zip(self.group, dates, strict=True):
                slot.date = c.date
        elif len(dates) == 1:
            for slot in self.group:
                slot.date = dates[0].date
        elif dates:
            for c in dates:
                self.group[self._column(c, len(dates))].date = c.date
        self.pending = []

    def _parties(self, cells: list[_Cell], number: int) -> None:
        """A line of organisation names: the rest of a 'För X' cut short, the parties of
        a block without 'För', or the parties under names already read."""
        if self.group and not self.signed:
            for c in cells:
                self._continue(c)
        elif self.group and self.anonymous and not any(s.party for s in self.group):
            for c in cells:
                slot = self.group[self._column(c, len(cells))]
                slot.party, slot.cell = c.party, c
        elif any(c.kind == PARTY for c in cells) and self._next_has(
                number, SIGNER_KINDS - {TITLE_LABEL}, lines=2):
            self._open(_split_parties(cells), explicit=False)

    def _continue(self, cell: _Cell) -> None:
        """Where a party name's second line goes: to a name that stops short ('För
        Kvinno- och tjejjouren i' + 'Eskilstuna'); a nämnd under its municipality ('För X
        kommun' + 'Socialnämnden'); else kept for a name cut short later in the block."""
        open_slots = [s for s in self.group if not s.cells]
        column = self.group[self._column(cell, 1)] if self.group else None
        cut = [s for s in open_slots if _incomplete(s.party)]
        if cut:
            target = min(cut, key=lambda s: s is not column)
            target.party = _join(target.party, cell.party)
            return
        if column in open_slots and _is_unit(cell.party) and _is_municipality(column.party) \
                and not _is_unit(column.party):
            column.party = f"{column.party}, {cell.party}"
            return
        self.orphans.append(cell)

    def _feed(self, cells: list[_Cell]) -> None:
        """Signer cells and dates to the slots of their columns."""
        relevant = [c for c in cells if c.kind in SIGNER_KINDS or c.kind == PLACE_DATE]
        if not relevant:
            return
        if relevant[0].kind == ESIGN and relevant[0].party and not (
                self.group and not self.signed):  # 'Signerad av: Anna Berg (Umeå kommun)'
            self._open([relevant[0]], explicit=False)
        if not self.group:
            starters = [c for c in relevant if c.kind in (NAME, ESIGN)]
            if not starters:
                for c in relevant:
                    self._date(c, None)
                return
            self.group = [_Slot("", c, False, i, fallback=self.last_date)
                          for i, c in enumerate(starters)]
            self.slots.extend(self.group)
            self.anonymous, self.signed = True, False
        relevant = self._names_split(relevant, len(self.group))
        count = len(relevant)
        lines_slots: set[int] = set()
        for c in relevant:
            if c.kind == PLACE_DATE:
                continue
            slot = self.group[self._column(c, count)]
            slot.cells.append(c)
            lines_slots.add(slot.column)
            self.signed = True
        for c in relevant:
            if c.kind == PLACE_DATE:
                column = self._column(c, count)
                self._date(c, self.group[column], same_line=column in lines_slots)

    def _names_split(self, cells: list[_Cell], k: int) -> list[_Cell]:
        """'Anders Lundgren Maria Falk' under two slots: two names."""
        if k < 2 or len(cells) >= k:
            return cells
        out = []
        for c in cells:
            parts = _split_names(c, k - len(cells) + 1) if c.kind == NAME and not c.title \
                else [c]
            out.extend(parts)
        for i, c in enumerate(out):
            c.index = i
        return out

    def _date(self, cell: _Cell, slot: _Slot | None, same_line: bool = False) -> None:
        """A place and date: the signer's on its line; else the slot's below it, unless it
        hugs the signer above it; else it waits for the slots below it."""
        when = cell.date
        if when is None or not (when.value or when.text or when.place):
            return
        column = slot.column if slot is not None else cell.index
        if not (when.value or when.text):  # 'Ort: Umeå' and 'Datum: ...' on two lines
            self.places[column] = when
            return
        hint = self.places.pop(column, None)
        if hint is not None and not when.place:
            when.place = hint.place
        self.last_date = when
        if slot is not None and same_line:
            slot.cells.append(cell)  # 'Anna Berg, ordförande | Borås 2024-12-09'
        elif slot is not None and not slot.cells and slot.date is None:
            slot.date = when
        elif slot is not None and slot.cells and self._hugs_above(cell):
            slot.cells.append(cell)  # 'Anna Berg / Ordförande / Umeå 2024-06-12'
        else:
            self.pending.append(cell)

    def _hugs_above(self, cell: _Cell) -> bool:
        """Is the line closer to the line above it than to the next one (or the last)?"""
        here = self.lines[cell.line]
        below = next((ln for ln in self.lines[cell.line + 1:]
                      if any(c.kind != OTHER for c in ln.cells)), None)
        return below is None or here.blank_before < below.blank_before

    def _column(self, cell: _Cell, count: int) -> int:
        """The column of a cell: its index when its line has one cell per slot, else its
        position against the slots' positions, else its index (the last slot at most)."""
        k = len(self.group)
        if k <= 1:
            return 0
        if count == k:
            return min(cell.index, k - 1)
        anchors = [s.cell.pos for s in self.group]
        if cell.pos is not None and all(a is not None for a in anchors) and all(
                s.cell.unit == cell.unit for s in self.group):
            tolerance = 12.0 if cell.unit == "x" else 2.0
            left = [i for i, a in enumerate(anchors) if a <= cell.pos + tolerance]
            return left[-1] if left else 0
        return min(cell.index, k - 1)

    def _finish(self) -> None:
        for slot in self.slots:  # fragments left over complete names cut short
            if _incomplete(slot.party) and self.orphans:
                slot.party = _join(slot.party, self.orphans.pop(0).party)
        leftovers = [c.date for c in self.pending if c.date]
        if leftovers:
            undated = [s for s in self.group if s.date is None]
            for i, slot in enumerate(undated):
                slot.date = leftovers[min(i, len(leftovers) - 1)]


def _split_parties(cells: list[_Cell]) -> list[_Cell]:
    """'Socialnämnden i Ystads kommun Barn- och utbildningsnämnden i': two parties
    flattened onto one line; a new one starts after a municipality's name."""
    if len(cells) != 1:
        return [c for c in cells if c.kind == PARTY] or cells
    cell = cells[0]
    for m in _data().municipality.finditer(cell.text):
        rest = cell.text[m.end():]
        if rest.strip()[:1].isupper() and not rest.startswith(","):
            at = m.end() + len(rest) - len(rest.lstrip())
            first = _Cell(cell.text[:m.end()], cell.page, cell.start, cell.line,
                          kind=PARTY, party=cell.text[:m.end()], index=0)
            second = _Cell(cell.text[at:], cell.page, cell.start + at, cell.line,
                           kind=PARTY, party=cell.text[at:], index=1)
            return [first, second]
    return [cell]


def _split_names(cell: _Cell, parts: int) -> list[_Cell]:
    """A run of capitalised words holding `parts` names of two words or more."""
    tokens = [(m.start(), m.group(0)) for m in _TOKENS.finditer(cell.person)]
    units: list[int] = []  # token indexes where a name word starts (particles join)
    for i in range(len(tokens)):
        if not (i > 0 and tokens[i - 1][1] in _data().particles):
            units.append(i)
    if parts < 2 or len(units) < 2 * parts or cell.text != cell.person:
        return [cell]
    size = len(units) // parts
    starts = [units[j * size] for j in range(parts)]
    bounds = [tokens[s][0] for s in starts] + [len(cell.text)]
    out = []
    for j in range(parts):
        text = cell.text[bounds[j]:bounds[j + 1]].strip()
        out.append(_Cell(text, cell.page, cell.start + bounds[j], cell.line, None, "",
                         cell.index + j, NAME, person=text))
    return out


def _incomplete(party: str) -> bool:
    words = party.split()
    if not words:
        return False
    last = words[-1]
    return (last.lower() in _data().continues_after or last.endswith(("-", ","))
            or (len(words) == 1 and last[:1].isupper() and last.endswith("s")))


def _join(party: str, more: str) -> str:
    return f"{party.rstrip(',')} {more}".strip() if not party.endswith("-") else party + more


def _is_unit(name: str) -> bool:
    """'Socialnämnden', 'Socialnämnden Centrum', 'Kultur- och fritidsförvaltningen'."""
    return any(w.endswith(_data().unit_endings) for w in name.lower().split())


def _is_municipality(name: str) -> bool:
    """'Lerums kommun', 'STOCKHOLMS STAD', 'Region Halland', 'Västra Götalandsregionen'."""
    words = name.lower().replace(",", " ").split()
    return any(w in _data().municipality_words or w.endswith("regionen") for w in words)


# --- step 6: a slot's signature lines -------------------------------------------------------

def _lines_of(slot: _Slot) -> list[_Signature]:
    """The slot's signature lines. Where one party's column holds two signers side by
    side ('Jonas Lindberg   Thomas Nyberg' over 'Ordförande   Förvaltningschef'), each
    side is read on its own."""
    sides: dict[int, list[_Cell]] = {}
    row_line, row_count = -1, 0
    for cell in slot.cells:
        if cell.line != row_line:
            row_line, row_count = cell.line, 0
        if cell.kind == PLACE_DATE:
            side = max(0, row_count - 1)  # a date beside a signer is that signer's
        else:
            side, row_count = row_count, row_count + 1
        sides.setdefault(side, []).append(cell)
    found: list[_Signature] = []
    for side in sorted(sides):
        found.extend(_side_lines(slot, sides[side]))
    return sorted(found, key=lambda s: (s.cell.line, s.cell.index))


def _side_lines(slot: _Slot, cells: list[_Cell]) -> list[_Signature]:
    """A drawn line, a printed name, a Namnförtydligande and a title each fill the current
    signature line; one that it already has starts the next. A drawn line followed by a
    label is the line that label names."""
    found: list[_Signature] = []
    current: _Signature | None = None
    for i, cell in enumerate(cells):
        after = cells[i + 1] if i + 1 < len(cells) else None
        if cell.kind == PLACE_DATE:
            if current is not None:
                current.date = current.date or cell.date
            elif slot.date is None:
                slot.date = cell.date
            continue
        if cell.kind == ESIGN:
            current = _Signature(cell, sign=True, name=cell.person, name_cell=cell,
                                 title=cell.title, date=cell.date, esign=True)
            found.append(current)
            continue
        if cell.kind == RULE:
            if after is not None and after.kind in (SIGN_LABEL, NAME_LABEL, TITLE_LABEL):
                continue
            current = _add(found, current, cell, "sign")
        elif cell.kind == SIGN_LABEL:
            current = _add(found, current, cell, "sign")
        elif cell.kind in (NAME, NAME_LABEL):
            current = _add(found, current, cell, "name")
            if cell.title and current.title is None:
                current.title = cell.title
        elif cell.kind in (TITLE, TITLE_LABEL):
            current = _add(found, current, cell, "title")
    return found


def _add(found: list[_Signature], current: _Signature | None, cell: _Cell,
         what: str) -> _Signature:
    if current is not None:
        if what == "sign" and not current.sign:
            current.sign = True
            return current
        if what == "name" and (current.name is None or (current.name == "" and cell.person)):
            current.name, current.name_cell = cell.person, cell
            current.labelled = cell.kind == NAME_LABEL
            return current
        if what == "name" and not cell.person and current.name and not current.sign:
            current.sign = True  # 'Anna Berg' typed on the line, 'Namnförtydligande' under
            return current
        if what == "title" and current.title is None:
            current.title = cell.title or ""
            return current
    new = _Signature(cell)
    if what == "sign":
        new.sign = True
    elif what == "name":
        new.name, new.name_cell, new.labelled = cell.person, cell, cell.kind == NAME_LABEL
    else:
        new.title = cell.title or ""
    found.append(new)
    return new


# --- rows ---------------------------------------------------------------------------------

def signatory_rows(doc_id: str, clean: CleanText, pages: list[Page],
                   dates: list[Mention], parties=None) -> list[dict]:
    """One row per signature line of the agreement's signature block."""
    span = _block(clean.text)
    if span is None or not pages:
        return []
    start, end, headed = span
    lines = _block_lines(clean, pages, start, end)
    if not lines:
        return []
    located = []
    for d in dates:
        if start <= d.start < end:
            p = clean.locate(d.start, d.end)
            located.append((_page_index(pages, p.page), p.char_start, p.char_end, d))
    is_party = _party_test(parties)
    runs = _Runs()
    for number, line in enumerate(lines):
        line.cells = _cells(line, number, pages[line.page], runs, located)
        for cell in line.cells:
            _kind(cell, located, is_party)
    slots = _Reader(lines).read()
    if not headed and not any(s.cells for s in slots):
        return []  # 'För föreningen:' over a list of duties, no signature block
    layout = "signatory.column" if any(
        s.column > 0 for s in slots) else "signatory.stacked"
    rows = []
    for slot in slots:
        party = _resolved(slot.party, parties)
        for sig in _lines_of(slot) or [None]:
            rows.append(_row(doc_id, pages, slot, sig, party, layout))
    return rows


def _row(doc_id: str, pages: list[Page], slot: _Slot, sig: _Signature | None, party: str,
         layout: str) -> dict:
    person = sig.name if sig is not None and sig.name else ""
    when = (sig.date if sig is not None else None) or slot.date or slot.fallback
    cell = sig.name_cell if sig is not None and person else (
        sig.cell if sig is not None else slot.cell)
    at = cell.text.find(person) if person else -1
    start, end = (cell.start + at, cell.start + at + len(person)) if at >= 0 else (
        cell.start, cell.end)
    rule_id = layout
    if sig is not None and person:
        rule_id = "signatory.esign" if sig.esign else (
            "signatory.label" if sig.labelled else layout)
    return {
        "doc_id": doc_id, "person": person, "for_party": party,
        "place": when.place if when else "", "date": iso(when.value) if when else None,
        "date_text": when.text if when else "",
        "page": pages[cell.page].number, "char_start": start, "char_end": end,
        "quote": " ".join(pages[cell.page].text[start:end].split()), "rule_id": rule_id,
    }


def _page_index(pages: list[Page], number: int) -> int:
    for i, p in enumerate(pages):
        if p.number == number:
            return i
    return 0


def _party_test(parties) -> Callable[[str], bool]:
    """Does a cell name one of the document's organisations (so it is no person's name)?
    Its name, or the first words of one ('Hela Människan' of 'Hela Människan Gävle')."""
    if parties is None:
        return lambda text: False
    names = [f" {normalized(p.name)} " for p in parties.parties]

    def test(text: str) -> bool:
        found = parties.by_key(text)
        if found is not None and found.role == "party":
            return True
        key = normalized(text)
        return len(key.split()) >= 2 and any(f" {key} " in name for name in names)
    return test


def _resolved(written: str, parties) -> str:
    """The party as the block writes it; a short form ('För nämnden', 'För kommunen', a
    defined alias such as 'För FiL') as the party it refers to."""
    written = written.strip(" ,:")
    if parties is None or len(written.split()) > 1:
        return written
    low = written.lower()
    data = table("parties")
    generic = low in data["generic_references"] or low in data["generic_party_words"]
    if not generic and sector(written) != "unknown":
        return written  # 'socialnämnden' is a name in its own right
    refs = parties.find_in(written)
    if len(refs) == 1 and refs[0][1] - refs[0][0] >= len(written) - 1:
        party = refs[0][2]
        if party.role == "party" and party.name.lower() != low:
            return party.name
    return written
