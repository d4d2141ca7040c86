"""`--redact persons`: the archive's tables with natural persons' names, phone numbers,
e-mail addresses and personnummer replaced by role labels.

A pure function of the tables, in two steps so that large archives stay streamed:
`Redaction.learn` reads the signatories and the page texts (who is named where, and what
each page's edits are), then `Redaction.frame` redacts any table a chunk at a time: every
text cell (quotes, messages, evidence, names; JSON cells item by item), the page texts,
and every offset into a page (`page`/`char_start`/`char_end`, also as `X_page`/
`X_char_start`/`X_char_end`), so the report's highlights still land on their values.
Organisations, org numbers of legal entities and amounts stay: only text is touched, and
a number is redacted only when it is a phone number or a valid personnummer.

Tables it has never seen (a view, a new table) are redacted by the same rules, column by
column, so they need nothing here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from stdnum import luhn
from stdnum.se import personnummer

from pipeline import schemas
from pipeline.redact.patterns import patterns
from pipeline.redact.people import (
    DocumentPeople,
    in_text,
    keyed,
    organisation_keys,
    plausible_name,
    trimmed,
)
from pipeline.redact.text import Edit, OffsetMap, apply, merged, name_key, squashed, words

# Columns that hold a person's name whole: the cell becomes the person's label.
PERSON_COLUMNS = {("signatories", "person")}
MAX_NAME_WORDS = 6


@dataclass(slots=True)
class _Page:
    text: str  # as extracted
    edits: list[Edit]
    new: str
    offsets: OffsetMap


class Redaction:
    """Who is redacted in an archive and how; see the module's docstring."""

    def __init__(self) -> None:
        self.names: set[tuple[str, ...]] = set()  # searched for in every text
        self.first_words: set[str] = set()
        self.people: dict[str, DocumentPeople] = {}
        self.fallback: dict[tuple[str, ...], str] = {}  # a name's first label anywhere
        self.spans: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
        self.pages: dict[tuple[str, int], _Page] = {}  # only pages with edits
        self._memo: dict[tuple[str, str], str] = {}

    # --- learning ----------------------------------------------------------------------
    @classmethod
    def learn(cls, signatories: Iterable[pd.DataFrame],
              pages: Callable[[], Iterable[pd.DataFrame]],
              parties: Iterable[pd.DataFrame] = ()) -> Redaction:
        """From the signatories' chunks, (a function that reads) the pages' chunks and the
        parties' chunks (the organisations, which are no persons): the pages are read
        twice, first for the persons they name, then for their edits."""
        redaction = cls()
        names: list[str] = []
        for chunk in signatories:
            redaction._learn_signatories(chunk)
            if "for_party" in chunk.columns:
                names += [v for v in chunk["for_party"].tolist() if isinstance(v, str)]
        for chunk in parties:
            if "name" in chunk.columns:
                names += [v for v in chunk["name"].tolist() if isinstance(v, str)]
        organisations = organisation_keys(names)
        for chunk in pages():
            redaction._learn_page_names(chunk, organisations)
        for chunk in pages():
            redaction._index_pages(chunk)
        return redaction

    def _doc(self, doc_id: object) -> DocumentPeople | None:
        if not isinstance(doc_id, str) or not doc_id:
            return None
        return self.people.setdefault(doc_id, DocumentPeople())

    def _add_name(self, name: str) -> tuple[str, ...] | None:
        key = keyed(name)
        if key is not None:
            self.names.add(key)
            self.first_words.add(key[0])
        return key

    def _learn_signatories(self, df: pd.DataFrame) -> None:
        columns = [c for c in ("doc_id", "person", "for_party", "page", "char_start",
                               "char_end") if c in df.columns]
        for row in _rows(df, columns):
            person = row.get("person")
            people = self._doc(row.get("doc_id"))
            if not isinstance(person, str) or not person.strip() or people is None:
                continue
            key, searched = person_key(person)
            if searched:
                self._add_name(" ".join(key))
            label = people.add(key, "signatory", party=squashed(row.get("for_party") or ""))
            self.fallback.setdefault(key, label)
            page, start, end = row.get("page"), row.get("char_start"), row.get("char_end")
            if None not in (page, start, end):
                self.spans.setdefault((row["doc_id"], int(page)), []).append(
                    (int(start), int(end), person))

    def _learn_page_names(self, df: pd.DataFrame,
                          organisations: frozenset[tuple[str, ...]]) -> None:
        for row in _rows(df, ["doc_id", "text"]):
            people = self._doc(row.get("doc_id"))
            text = row.get("text")
            if people is None or not isinstance(text, str):
                continue
            for _position, name, role in in_text(text, organisations):
                key = self._add_name(name)
                if key is None:
                    continue
                label = people.add(key, "role" if role else "person", role=role)
                self.fallback.setdefault(key, label)

    def _index_pages(self, df: pd.DataFrame) -> None:
        for row in _rows(df, ["doc_id", "page", "text"]):
            doc_id, page, text = row.get("doc_id"), row.get("page"), row.get("text")
            if not isinstance(text, str) or page is None:
                continue
            edits = self._edits(text, doc_id)
            for start, end, person in self.spans.get((doc_id, int(page)), []):
                if 0 <= start < end <= len(text) and (
                        squashed(text[start:end]).casefold() == squashed(person).casefold()):
                    edits.append(Edit(start, end, self._label(person_key(person)[0], doc_id)))
            edits = merged(edits)
            if edits:
                new = apply(text, edits)
                self.pages[(doc_id, int(page))] = _Page(text, edits, new, OffsetMap(edits))

    # --- labels and edits ----------------------------------------------------------------
    def _label(self, key: tuple[str, ...], doc_id: object) -> str:
        """The person's label in the document (a new "Person N" there for a name known
        from elsewhere); without a document, the label the name got first."""
        people = self._doc(doc_id)
        if people is not None:
            return people.labels.get(key) or people.add(key, "person")
        return self.fallback.get(key) or patterns().labels["person"].format(n="").strip()

    def _edits(self, text: str, doc_id: object) -> list[Edit]:
        """Where the text names a known person or holds a phone number, an e-mail address
        or a personnummer, with what replaces each (not merged)."""
        p = patterns()
        edits = ([Edit(m.start(), m.end(), p.labels["email"]) for m in p.email.finditer(text)]
                 if "@" in text else [])
        if _DIGITS.search(text):  # a phone number or a personnummer has eight digits or more
            low, high = p.phone_digits
            for pattern in p.phones:
                for match in pattern.finditer(text):
                    if low <= _national_digits(match.group()) <= high:
                        edits.append(Edit(match.start(), match.end(), p.labels["phone"]))
            for match in p.personnummer.finditer(text):
                if personal_number(match.group()):
                    edits.append(Edit(match.start(), match.end(), p.labels["personnummer"]))
        if self.names:
            edits += self._name_edits(text, doc_id)
        return edits

    def _name_edits(self, text: str, doc_id: object) -> list[Edit]:
        found = words(text)
        keys = [m.group().casefold() for m in found]
        edits, i = [], 0
        while i < len(found):
            if keys[i] not in self.first_words:
                i += 1
                continue
            # the longest known name starting here, its words separated by white space only
            last = i
            while (last + 1 < len(found) and last + 1 - i < MAX_NAME_WORDS
                   and not text[found[last].end():found[last + 1].start()].strip()):
                last += 1
            hit = None
            for j in range(last, i, -1):
                key = tuple(keys[i:j + 1])
                if key in self.names:
                    hit = (j, key, found[j].end())
                    break
                if keys[j].endswith("s") and (*keys[i:j], keys[j][:-1]) in self.names:
                    # a genitive: "Anna Svenssons" -> "<label>s"
                    hit = (j, (*keys[i:j], keys[j][:-1]), found[j].end() - 1)
                    break
            if hit is None:
                i += 1
                continue
            j, key, end = hit
            edits.append(Edit(found[i].start(), end, self._label(key, doc_id)))
            i = j + 1
        return edits

    def text(self, value: str, doc_id: object = None) -> str:
        """A text with its persons redacted (labels of the document `doc_id`)."""
        memo = (doc_id if isinstance(doc_id, str) else "", value)
        if memo not in self._memo:
            if len(self._memo) > 200_000:
                self._memo.clear()
            self._memo[memo] = apply(value, merged(self._edits(value, doc_id)))
        return self._memo[memo]

    def page_text(self, doc_id: str, page: int, text: str) -> str:
        found = self.pages.get((doc_id, page))
        return found.new if found is not None else self.text(text, doc_id)

    def span(self, doc_id: object, page: object, start: object, end: object, quote: object
             ) -> tuple[object, object, object]:
        """A fact's provenance in the redacted page: its offsets and quote."""
        found = (self.pages.get((doc_id, int(page)))
                 if isinstance(doc_id, str) and _is_int(page) else None)
        located = found is not None and _is_int(start) and _is_int(end)
        if located:
            start, end = int(start), int(end)
            new_start, new_end = found.offsets.start(start), found.offsets.end(end)
            if isinstance(quote, str) and quote == found.text[start:end]:
                return new_start, new_end, found.new[new_start:new_end]
            start, end = new_start, new_end
        if isinstance(quote, str):
            quote = self.text(quote, doc_id)
        return start, end, quote

    # --- tables --------------------------------------------------------------------------
    def frame(self, table: str, df: pd.DataFrame) -> pd.DataFrame:
        """The table's rows redacted (a chunk of them: rows are independent)."""
        if df.empty:
            return df
        df = df.copy()
        columns = list(df.columns)
        doc_ids = df["doc_id"].tolist() if "doc_id" in columns else [None] * len(df)
        done: set[str] = set()
        for prefix in _offset_prefixes(columns):
            page_col, start_col, end_col = (f"{prefix}page", f"{prefix}char_start",
                                            f"{prefix}char_end")
            quote_col = f"{prefix}quote" if f"{prefix}quote" in columns else None
            quotes = df[quote_col].tolist() if quote_col else [None] * len(df)
            spans = [self.span(d, p, s, e, q) for d, p, s, e, q in zip(
                doc_ids, df[page_col].tolist(), df[start_col].tolist(), df[end_col].tolist(),
                quotes, strict=True)]
            for index, column in enumerate((start_col, end_col)):
                df[column] = pd.array([_na(s[index]) for s in spans], dtype=df[column].dtype)
            if quote_col:
                df[quote_col] = _like(df[quote_col], [s[2] for s in spans])
                done.add(quote_col)
        if table == "pages" and {"doc_id", "page", "text"} <= set(columns):
            df["text"] = _like(df["text"], [
                self.page_text(d, int(p), t) if isinstance(t, str) and _is_int(p) else t
                for d, p, t in zip(doc_ids, df["page"].tolist(), df["text"].tolist(),
                                   strict=True)])
            done.add("text")
        for column in columns:
            if column in done or column == "doc_id" or not _texts(df[column]):
                continue
            if (table, column) in PERSON_COLUMNS:
                values = [self._label(person_key(v)[0], d) if isinstance(v, str) and v.strip()
                          else v for d, v in zip(doc_ids, df[column].tolist(), strict=True)]
            else:
                values = [self._cell(v, d) for d, v in zip(doc_ids, df[column].tolist(),
                                                           strict=True)]
            df[column] = _like(df[column], _fit(table, column, df[column].tolist(), values))
        return df

    def _cell(self, value: object, doc_id: object) -> object:
        if not isinstance(value, str) or not value:
            return value
        if value[:1] in "[{":
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = None
            if isinstance(parsed, (list, dict)):
                return json.dumps(self._json(parsed, doc_id), ensure_ascii=False)
        return self.text(value, doc_id)

    def _json(self, item: object, doc_id: object) -> object:
        if isinstance(item, list):
            return [self._json(x, doc_id) for x in item]
        if isinstance(item, str):
            return self.text(item, doc_id)
        if not isinstance(item, dict):
            return item
        own = item.get("doc_id") if isinstance(item.get("doc_id"), str) else doc_id
        out = {key: (value if key == "doc_id" else self._json(value, own))
               for key, value in item.items()}
        if {"page", "char_start", "char_end"} <= item.keys():
            start, end, quote = self.span(own, item["page"], item["char_start"],
                                          item["char_end"], item.get("quote"))
            out["char_start"], out["char_end"] = start, end
            if "quote" in item:
                out["quote"] = quote
        return out


_DIGITS = re.compile(r"\d\D{0,3}\d")
_COUNTRY = re.compile(r"^\s*(?:\+|00)46|\(0\)")
_NOT_DIGIT = re.compile(r"\D")


def _national_digits(phone: str) -> int:
    """The digits of a phone number as dialled in Sweden: +46 (0)70-123 45 67 has ten,
    as 070-123 45 67 has."""
    international = _COUNTRY.match(phone) is not None
    return len(_NOT_DIGIT.sub("", _COUNTRY.sub("", phone))) + (1 if international else 0)


def personal_number(text: str) -> bool:
    """A valid personnummer, or samordningsnummer (its day plus 60), which python-stdnum's
    se.personnummer does not accept: its Luhn digit (stdnum) over the number as written,
    and a real date once 60 is taken from the day."""
    if personnummer.is_valid(text):
        return True
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) not in (10, 12) or not luhn.is_valid(digits[-10:]):
        return False
    year = int(digits[:4]) if len(digits) == 12 else 2000 + int(digits[:2])
    month, day = int(digits[-8:-6]), int(digits[-6:-4]) - 60
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def person_key(person: str) -> tuple[tuple[str, ...], bool]:
    """The key a signatory's cell is labelled by, and whether it is a name searched for in
    the text ('Anna Svensson, ordförande' -> ('anna', 'svensson'), True)."""
    name = trimmed(person.split(",")[0].strip())
    key = keyed(name) if plausible_name(name) else None
    if key is not None:
        return key, True
    return name_key(person) or (person,), False


def _rows(df: pd.DataFrame, columns: list[str]) -> Iterable[dict]:
    present = [c for c in columns if c in df.columns]
    for values in zip(*(df[c].tolist() for c in present), strict=True):
        yield {c: (None if _missing(v) else v) for c, v in zip(present, values, strict=True)}


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, list, dict)) and pd.isna(value))


def _is_int(value: object) -> bool:
    return not _missing(value) and not isinstance(value, bool) and float(value) == int(value)


def _na(value: object) -> object:
    return pd.NA if _missing(value) else value


def _offset_prefixes(columns: list[str]) -> list[str]:
    """'' for page/char_start/char_end, 'title_' for title_page/title_char_start/..."""
    return [c[: -len("char_start")] for c in columns if c.endswith("char_start")
            and f"{c[: -len('char_start')]}page" in columns
            and f"{c[: -len('char_start')]}char_end" in columns]


def _texts(col: pd.Series) -> bool:
    return col.dtype == "string" or (col.dtype == object and any(
        isinstance(v, str) for v in col.head(1000).tolist()))


def _like(col: pd.Series, values: list) -> pd.Series:
    if col.dtype == "string":
        return pd.Series(pd.array([_na(v) for v in values], dtype="string"), index=col.index)
    return pd.Series(values, index=col.index, dtype=col.dtype)


def _fit(table: str, column: str, old: list, new: list) -> list:
    """A column with a pattern in its schema (parties.org_number, NNNNNN-NNNN) is left
    empty where redaction changed it: a label would break the table's contract."""
    pattern = _pattern(table, column)
    if pattern is None:
        return new
    return [n if _same(o, n) else None for o, n in zip(old, new, strict=True)]


def _same(a: object, b: object) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    return a == b


def _pattern(table: str, column: str) -> str | None:
    try:
        fields = schemas.schema(table)["fields"]
    except (OSError, ValueError):
        return None
    for field in fields:
        if field["name"] == column:
            return field.get("constraints", {}).get("pattern")
    return None
