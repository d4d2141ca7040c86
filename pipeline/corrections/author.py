"""Writing a correction from the command line (`iop correct`): find the fact or flag the
user names in the published tables, and turn it into an entry keyed to the document's
content and the fact's original place, never to a row number.

A fact is named by `TABLE@PAGE:START-END` (where its value was read, as the report shows
it), `amounts:a3` (an amount's id) or `TABLE#ID` (a fact a correction added); a flag by its
code, with `@PAGE:START-END` of its first evidence when the document has several. A new
correction of a fact that has corrections already replaces them (`replaces`), carrying
over what they set, so one fact has one correction in force.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from pipeline import schemas, store
from pipeline.corrections.apply import describe_row, flag_key, plain, shown
from pipeline.corrections.files import CorrectionsError, append, entry_text, load, parse
from pipeline.corrections.model import (
    DECISIONS,
    FACT_TABLES,
    FIXED,
    IDENTITY,
    REFERENCES,
    Correction,
    FactKey,
    FlagKey,
)

_PLACE = re.compile(r"(?P<table>[a-z_]+)@(?P<page>\d+):(?P<start>\d+)(?:-(?P<end>\d+))?")
_ADDED = re.compile(r"(?P<table>[a-z_]+)#(?P<id>[A-Za-z0-9][A-Za-z0-9_.-]*)")
_AMOUNT_ID = re.compile(r"amounts:(?P<id>[A-Za-z0-9][A-Za-z0-9_.-]*)")
_FLAG = re.compile(r"(?P<code>[A-Z_]+)(?:@(?P<page>\d+):(?P<start>\d+)(?:-(?P<end>\d+))?)?")
_TRUE = {"true", "ja", "yes", "1"}
_FALSE = {"false", "nej", "no", "0"}


class AuthorError(Exception):
    """What the user named is not there, or says too little: one line, exit 2."""


@dataclass(slots=True)
class Written:
    id: str
    path: Path
    line: int
    change: str


def new_id() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


def now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- the tables ----------------------------------------------------------------------------

class Archive:
    """The published tables an entry is written from (`iop extract --out`)."""

    def __init__(self, tables_dir: Path):
        if not (tables_dir / "documents.parquet").exists():
            raise AuthorError(f"no tables in {tables_dir} (documents.parquet is missing): run "
                              "iop extract first, or give --tables")
        self.dir = tables_dir
        self.documents = _records(store.read_table(tables_dir, "documents"))
        self._tables: dict[str, list[dict]] = {}

    def table(self, name: str) -> list[dict]:
        if name not in self._tables:
            self._tables[name] = _records(store.read_table(self.dir, name))
        return self._tables[name]

    def document(self, name: str) -> dict:
        """A document by its source (or file name), or its doc_id (or 8+ of its first
        digits)."""
        rows = [d for d in self.documents if d["doc_id"]]
        for test in (lambda d: d["source"] == name, lambda d: Path(d["source"]).name == name,
                     lambda d: len(name) >= 8 and d["doc_id"].startswith(name.lower())):
            found = [d for d in rows if test(d)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise AuthorError(f"{name!r} names {len(found)} documents ("
                                  f"{', '.join(d['source'] for d in found[:3])}); give its "
                                  "source as in documents.csv, or its doc_id")
        raise AuthorError(f"no document {name!r} in {self.dir}/documents (give its source as "
                          "in documents.csv, or its doc_id)")

    def rows(self, table: str, doc_id: str) -> list[dict]:
        return [row for row in self.table(table) if row["doc_id"] == doc_id]

    def page_text(self, doc_id: str) -> list[tuple[int, str]]:
        path = self.dir / "pages.parquet"
        if not path.exists():
            return []
        pages = pq.read_table(path, columns=["doc_id", "page", "text"],
                              filters=[("doc_id", "=", doc_id)]).to_pylist()
        return sorted((row["page"], row["text"] or "") for row in pages)

    def corrections_folder(self) -> Path | None:
        """The corrections folder the tables were written with (their manifest says)."""
        try:
            manifest = json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        folder = manifest.get("corrections_folder")
        return Path(folder) if folder else None


def _records(df: pd.DataFrame) -> list[dict]:
    return df.astype(object).where(df.notna(), None).to_dict("records")


# --- naming a fact -------------------------------------------------------------------------

def select(archive: Archive, doc: dict, selector: str, where: dict[str, str]) -> tuple[str, dict]:
    """(table, row) of the fact `selector` names in the document; `where` narrows it down
    when several rows were read at one place (a joint duty: one row per party)."""
    doc_id = doc["doc_id"]
    if m := _AMOUNT_ID.fullmatch(selector):
        table = "amounts"
        found = [r for r in archive.rows(table, doc_id) if r["amount_id"] == m["id"]]
    elif m := _ADDED.fullmatch(selector):
        table = _table(m["table"])
        found = [r for r in archive.rows(table, doc_id) if r.get("origin") == "added"
                 and (r.get("correction_id") or "").split(",")[0] == m["id"]]
    elif m := _PLACE.fullmatch(selector):
        table = _table(m["table"])
        found = [r for r in archive.rows(table, doc_id) if r["page"] == int(m["page"])
                 and r["char_start"] == int(m["start"])
                 and (m["end"] is None or r["char_end"] == int(m["end"]))]
    else:
        raise AuthorError(f"{selector!r} names no fact: write TABLE@PAGE:START-END (as the "
                          "report shows it), amounts:ID, or TABLE#CORRECTION_ID")
    for name, value in where.items():
        found = [r for r in found if str(plain(r.get(name)) or "") == value]
    if len(found) == 1:
        return table, found[0]
    if not found:
        raise AuthorError(f"no {table} fact {selector} in {doc['source']}"
                          + (f" with {_pairs(where)}" if where else ""))
    options = ["=".join((IDENTITY[table][0], str(plain(r.get(IDENTITY[table][0])))))
               for r in found[:4]]
    raise AuthorError(f"{len(found)} {table} facts at {selector} in {doc['source']}: say which "
                      f"with --where, one of: {'; '.join(options)}")


def _pairs(values: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def _table(name: str) -> str:
    if name not in FACT_TABLES:
        raise AuthorError(f"{name!r} is not a fact table ({', '.join(FACT_TABLES)})")
    return name


def fact_key(table: str, row: dict) -> dict:
    """A row's key as a file writes it: where its value was read, and its identifying
    values."""
    key = {k: plain(row.get(k)) for k in ("page", "char_start", "char_end", "quote")}
    key.update({k: plain(row.get(k)) for k in IDENTITY[table]})
    return {k: v for k, v in key.items() if v is not None}


def _key_dict(key: FactKey) -> dict:
    if key.correction:
        return {"correction": key.correction}
    out = {"page": key.page, "char_start": key.char_start, "char_end": key.char_end,
           "quote": key.quote or None, **dict(key.values)}
    return {k: v for k, v in out.items() if v is not None}


# --- values from the command line ----------------------------------------------------------

def parse_assignments(table: str, pairs: list[str], archive: Archive, doc: dict,
                      adding: bool = False) -> dict[str, object]:
    """FIELD=VALUE pairs as typed values (an empty VALUE empties the field); part_of and
    same_as name an amount (a3, amounts@1:200-210, #c-…) and become its key."""
    columns = {f["name"]: f for f in schemas.schema(table)["fields"]}
    values: dict[str, object] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in columns:
            raise AuthorError(f"{pair!r}: write FIELD=VALUE with a column of {table} ("
                              f"{', '.join(c for c in columns if c not in FIXED)})")
        if name in FIXED:
            raise AuthorError(f"{table}.{name} cannot be corrected: it is the fact's key or "
                              "filled in by the run")
        if (table, name) in REFERENCES:
            values[name] = _reference(text.strip(), archive, doc) if text.strip() else None
            continue
        values[name] = _typed(columns[name], name, text)
    if not values and not adding:
        raise AuthorError("say what to correct: FIELD=VALUE (e.g. payer=\"Region Skåne\")")
    return values


def _typed(spec: dict, name: str, text: str) -> object:
    if text == "":
        return None
    kind = spec["type"]
    try:
        if kind == "integer":
            return int(re.sub(r"[\s_\u00a0]", "", text))
        if kind == "number":
            return float(text.replace(",", "."))
    except ValueError:
        raise AuthorError(f"{name}={text!r} is not a number") from None
    if kind == "boolean":
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise AuthorError(f"{name}={text!r}: write true or false")
    return text


def _reference(text: str, archive: Archive, doc: dict) -> dict:
    if text.startswith("#"):
        return {"correction": text[1:]}
    selector = text if ("@" in text or ":" in text) else f"amounts:{text}"
    table, row = select(archive, doc, selector, {})
    if table != "amounts":
        raise AuthorError(f"{text!r} is not an amount")
    if row.get("origin") == "added":
        return {"correction": (row.get("correction_id") or "").split(",")[0]}
    return fact_key("amounts", row)


# --- entries ---------------------------------------------------------------------------------

def _base(action: str, doc: dict, table: str, who: str, why: str) -> dict:
    if not why.strip():
        raise AuthorError("say why (--why): a correction is reviewed by someone else")
    return {"id": new_id(), "action": action, "doc_id": doc["doc_id"], "source": doc["source"],
            "table": table, "who": who, "when": now(), "why": why}


def _in_force(corrections: list[Correction], row: dict) -> list[Correction]:
    """The corrections in force on a row (its correction_id), as the files hold them."""
    ids = [i for i in (row.get("correction_id") or "").split(",") if i]
    by_id = {c.id: c for c in corrections}
    return [by_id[i] for i in ids if i in by_id]


def set_entry(archive: Archive, corrections: list[Correction], doc: dict, selector: str,
              where: dict[str, str], pairs: list[str], who: str, why: str) -> tuple[dict, str]:
    table, row = select(archive, doc, selector, where)
    values = parse_assignments(table, pairs, archive, doc)
    earlier = _in_force(corrections, row)
    change = "; ".join(f"{k}: {shown(row.get(k))} -> {shown(_show_ref(v))}"
                       for k, v in values.items())
    if row.get("origin") == "added":  # a fact a correction added: add it again, changed
        added = next((c for c in earlier if c.action == "add"), None)
        if added is None:
            raise AuthorError(f"the correction that added {selector} is not in the files")
        entry = _base("add", doc, table, who, why)
        entry["values"] = {**_file_values(added.values), **values,
                           **{k: plain(row.get(k)) for k in ("page", "char_start", "char_end",
                                                              "quote")
                              if plain(row.get(k)) is not None}}
        entry["replaces"] = [c.id for c in earlier]
        return entry, change
    sets = [c for c in earlier if c.action == "set"]
    entry = _base("set", doc, table, who, why)
    entry["target"] = _key_dict(sets[0].target) if sets else fact_key(table, row)
    merged_values: dict[str, object] = {}
    was: dict[str, object] = {}
    for c in sets:
        merged_values.update(_file_values(c.values))
        was.update(c.was)
    for name in values:
        was.setdefault(name, plain(row.get(name)))
    entry["set"] = {**merged_values, **values}
    entry["was"] = {k: _file_value(v) for k, v in was.items()}
    if sets:
        entry["replaces"] = [c.id for c in sets]
    return entry, change


def _show_ref(value: object) -> object:
    if isinstance(value, dict):
        return value.get("correction") or f"amount {value.get('quote', '')}".strip()
    return value


def _file_value(value: object) -> object:
    if isinstance(value, FactKey):
        return _key_dict(value)
    return value


def _file_values(values: dict) -> dict:
    return {k: _file_value(v) for k, v in values.items()}


def add_entry(archive: Archive, doc: dict, table: str, pairs: list[str], quote: str | None,
              page: int | None, at: str | None, who: str, why: str) -> tuple[dict, str]:
    table = _table(table)
    values = parse_assignments(table, pairs, archive, doc, adding=True)
    entry = _base("add", doc, table, who, why)
    entry["values"] = {**values, **locate(archive, doc, quote, page, at)}
    row = {**values, "page": entry["values"].get("page"),
           "char_start": entry["values"].get("char_start"),
           "char_end": entry["values"].get("char_end")}
    return entry, f"adds {describe_row(table, row)}"


def locate(archive: Archive, doc: dict, quote: str | None, page: int | None,
           at: str | None) -> dict:
    """Where an added fact is written: --at PAGE:START-END, or the one place --quote is
    found (on --page); nothing when neither is given."""
    pages = archive.page_text(doc["doc_id"])
    if at:
        m = re.fullmatch(r"(\d+):(\d+)-(\d+)", at)
        if not m:
            raise AuthorError(f"--at {at!r}: write PAGE:START-END")
        number, start, end = map(int, m.groups())
        text = dict(pages).get(number)
        if text is None or not 0 <= start < end <= len(text):
            raise AuthorError(f"--at {at}: {doc['source']} has no such place")
        found = text[start:end]
        if quote and quote != found:
            raise AuthorError(f"--at {at} reads {found!r}, not --quote {quote!r}")
        return {"page": number, "char_start": start, "char_end": end, "quote": found}
    if not quote:
        return {}
    places = [(number, m.start()) for number, text in pages if page in (None, number)
              for m in re.finditer(re.escape(quote), text)]
    if len(places) != 1:
        where = ", ".join(f"{n}:{s}-{s + len(quote)}" for n, s in places[:5])
        raise AuthorError(f"--quote {quote!r} is found {len(places)} times in "
                          f"{doc['source']}" + (f" ({where}): say which with --at" if places
                                                else ": copy it from the text as written"))
    number, start = places[0]
    return {"page": number, "char_start": start, "char_end": start + len(quote),
            "quote": quote}


def remove_entry(archive: Archive, corrections: list[Correction], doc: dict, selector: str,
                 where: dict[str, str], who: str, why: str) -> tuple[dict, str]:
    table, row = select(archive, doc, selector, where)
    earlier = _in_force(corrections, row)
    if row.get("origin") == "added":
        entry = _base("revoke", doc, table, who, why)
        entry["replaces"] = [c.id for c in earlier]
        return entry, f"withdraws {', '.join(entry['replaces'])}: {describe_row(table, row)}"
    sets = [c for c in earlier if c.action == "set"]
    entry = _base("remove", doc, table, who, why)
    entry["target"] = _key_dict(sets[0].target) if sets else fact_key(table, row)
    if sets:
        entry["replaces"] = [c.id for c in sets]
    return entry, f"removes {describe_row(table, row)}"


def decide_entry(archive: Archive, corrections: list[Correction], doc: dict, selector: str,
                 decision: str, who: str, why: str) -> tuple[dict, str]:
    decision = {"accept": "accepted", "dismiss": "dismissed"}.get(decision, decision)
    if decision not in DECISIONS:
        raise AuthorError(f"{decision!r}: accept or dismiss")
    m = _FLAG.fullmatch(selector)
    if not m:
        raise AuthorError(f"{selector!r} names no flag: write CODE, or CODE@PAGE:START-END")
    flags = [f for f in archive.rows("flags", doc["doc_id"]) if f["code"] == m["code"]]
    if m["page"]:
        place = (int(m["page"]), int(m["start"]))
        flags = [f for f in flags if flag_key(f).spans[:1] and
                 flag_key(f).spans[0][:2] == place and
                 (m["end"] is None or flag_key(f).spans[0][2] == int(m["end"]))]
    if len(flags) != 1:
        places = ", ".join(_flag_selector(f) for f in flags[:5])
        raise AuthorError(f"{len(flags)} flags {selector} on {doc['source']}" +
                          (f": say which ({places})" if flags else ""))
    flag = flags[0]
    key = flag_key(flag)
    entry = _base("decide", doc, "flags", who, why)
    entry["decision"] = decision
    entry["target"] = {"code": key.code, "related_doc_id": key.related_doc_id or None,
                       "spans": [f"{p}:{a}-{b}" for p, a, b in key.spans
                                 if None not in (p, a, b)],
                       "message": key.message}
    earlier = [i for i in (flag.get("correction_id") or "").split(",") if i]
    if earlier:
        entry["replaces"] = earlier
    return entry, f"{decision}: {key.code} \"{key.message}\""


def _flag_selector(flag: dict) -> str:
    spans = flag_key(flag).spans
    if spans and None not in spans[0]:
        page, start, end = spans[0]
        return f"{flag['code']}@{page}:{start}-{end}"
    return flag["code"]


def revoke_entry(corrections: list[Correction], ident: str, who: str, why: str
                 ) -> tuple[dict, str, str]:
    """(entry, source of the revoked correction's document, change)."""
    found = next((c for c in corrections if c.id == ident), None)
    if found is None:
        raise AuthorError(f"no correction {ident!r} in the corrections files")
    doc = {"doc_id": found.doc_id, "source": found.source}
    entry = _base("revoke", doc, found.table, who, why)
    entry["replaces"] = [ident]
    return entry, found.source, f"withdraws {ident} ({found.action} {found.table})"


def replace_earlier_versions(entry: dict, corrections: list[Correction]) -> list[str]:
    """The corrections an entry makes unnecessary because they say the same of an earlier
    version of its document (same source, other content: orphaned since it was edited):
    the same action on the fact at the same place, or on the flag with the same message.
    They go into the entry's `replaces`, so re-targeting an orphan is one command."""
    new = parse(entry_text(entry), "new entry")[0]
    found = []
    for c in corrections:
        if (c.source, c.action, c.table) != (new.source, new.action, new.table) or \
                c.doc_id == new.doc_id or c.id in entry.get("replaces", []):
            continue
        if isinstance(new.target, FactKey) and isinstance(c.target, FactKey):
            same = c.target == new.target or (
                (c.target.page, c.target.char_start, c.target.char_end, c.target.values) ==
                (new.target.page, new.target.char_start, new.target.char_end, new.target.values))
        elif isinstance(new.target, FlagKey) and isinstance(c.target, FlagKey):
            same = (c.target.code, c.target.message) == (new.target.code, new.target.message)
        else:
            same = False
        if same:
            found.append(c.id)
    if found:
        entry["replaces"] = [*entry.get("replaces", []), *found]
    return found


def write(folder: Path, entry: dict, change: str) -> Written:
    try:
        path, line = append(folder, entry["source"], entry["doc_id"], entry)
    except CorrectionsError as exc:  # a bug if it happens: the entry was built here
        raise AuthorError(f"the entry would not be valid: {exc}") from None
    return Written(entry["id"], path, line, change)


def corrections_in(folder: Path) -> list[Correction]:
    try:
        return load(folder)
    except CorrectionsError as exc:
        raise AuthorError(f"{folder}/{exc}") from None


# --- what the report shows beside each fact ---------------------------------------------------

def selector_of(table: str, row: dict) -> str:
    if row.get("origin") == "added":
        return f"{table}#{(row.get('correction_id') or '').split(',')[0]}"
    if table == "amounts" and row.get("amount_id") and plain(row.get("page")) is None:
        return f"amounts:{row['amount_id']}"
    if plain(row.get("page")) is None:
        return f"amounts:{row.get('amount_id')}" if table == "amounts" else ""
    return f"{table}@{row['page']}:{row['char_start']}-{row['char_end']}"


def flag_selector(flag: dict) -> str:
    return _flag_selector(flag)
