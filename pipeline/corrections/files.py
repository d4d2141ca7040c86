"""Corrections files: TOML under the archive's corrections folder, read and written.

One file per document (`data/corrections/<source>.toml`, written by `iop correct`), each an
array of `[[correction]]` entries, so a correction is a few readable lines in a diff and a
pull request. Any `*.toml` file under the folder is read (hidden ones are not), so entries
may also be gathered in one file. A file that breaks the format stops the run before it
reads anything, with the file and the line (`CorrectionsError`).

TOML is read with the standard library (tomllib) and written with tomli-w; tomllib gives
no line per value, so an entry's line is that of its `[[correction]]` header.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from datetime import date, datetime
from pathlib import Path

import tomli_w

from pipeline import schemas
from pipeline.corrections.folder import SUFFIX, files
from pipeline.corrections.model import (
    ACTIONS,
    ADD_DEFAULTS,
    DECISIONS,
    FACT_TABLES,
    FIXED,
    IDENTITY,
    PROVENANCE,
    REFERENCES,
    Correction,
    FactKey,
    FlagKey,
)

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*correction[ \t]*\]\]", re.MULTILINE)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_DOC_ID = re.compile(r"[0-9a-f]{64}")
_SPAN = re.compile(r"(\d+):(\d+)-(\d+)")
_KEYS = {"id", "action", "doc_id", "source", "table", "who", "when", "why", "target", "set",
         "was", "values", "decision", "replaces"}
_NEEDS = {"set": ("doc_id", "table", "target", "set"), "add": ("doc_id", "table", "values"),
          "remove": ("doc_id", "table", "target"), "decide": ("doc_id", "target", "decision"),
          "revoke": ("replaces",)}


class CorrectionsError(Exception):
    """A corrections file breaks the format: named with its line, nothing is applied."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = f"{file} line {line}" if line else file
        super().__init__(f"{where}: {message}")


def load(folder: Path | None) -> list[Correction]:
    """Every correction under `folder`, in file and entry order; CorrectionsError at the
    first malformed entry, or an id used twice."""
    found: list[Correction] = []
    first_seen: dict[str, Correction] = {}
    for path in files(folder):
        name = path.relative_to(folder).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CorrectionsError(name, None, f"not UTF-8 text ({exc.reason})") from None
        for correction in parse(text, name):
            if correction.id in first_seen:
                other = first_seen[correction.id]
                raise CorrectionsError(name, correction.line, f"id {correction.id!r} is used "
                                       f"twice (also {other.where}); ids must be unique")
            first_seen[correction.id] = correction
            found.append(correction)
    return found


def parse(text: str, name: str) -> list[Correction]:
    """The entries of one file's text (`name` is how errors call the file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise CorrectionsError(name, int(line.group(1)) if line else None,
                               f"not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"correction"})
    if unknown:
        raise CorrectionsError(name, _line_of_key(text, unknown[0]),
                               f"unknown key {unknown[0]!r}: a corrections file holds only "
                               "[[correction]] entries")
    entries = data.get("correction", [])
    if not isinstance(entries, list):
        raise CorrectionsError(name, _line_of_key(text, "correction"),
                               "write each correction as a [[correction]] table")
    headers = [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)]
    lines = headers if len(headers) == len(entries) else [None] * len(entries)
    return [_entry(entry, name, line, number)
            for number, (entry, line) in enumerate(zip(entries, lines, strict=True), 1)]


def _line_of_key(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*\[?\[?[ \t]*{re.escape(key)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _entry(entry: object, name: str, line: int | None, number: int) -> Correction:
    def fail(message: str) -> CorrectionsError:
        return CorrectionsError(name, line, message if line else f"entry {number}: {message}")

    if not isinstance(entry, dict):
        raise fail("a correction must be a table of keys")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})")
    for key in ("id", "action", "who", "when", "why"):
        if entry.get(key) in (None, ""):
            raise fail(f"{key!r} is missing: every correction says its id, action, who, "
                       "when and why")
    ident, action = str(entry["id"]), entry["action"]
    if not _ID.fullmatch(ident):
        raise fail(f"id {ident!r}: letters, digits, '-', '_' and '.' only")
    if action not in ACTIONS:
        raise fail(f"action {action!r} is not one of {', '.join(ACTIONS)}")
    missing = [key for key in _NEEDS[action] if key not in entry]
    if missing:
        raise fail(f"a {action} correction needs {', '.join(repr(k) for k in missing)}")
    doc_id = str(entry.get("doc_id") or "")
    if action != "revoke" and not _DOC_ID.fullmatch(doc_id):
        raise fail(f"doc_id {doc_id!r} is not a document's sha256 (64 hex digits)")
    table = str(entry.get("table") or ("flags" if action == "decide" else ""))
    if action in ("set", "add", "remove") and table not in FACT_TABLES:
        raise fail(f"table {table!r} is not one of {', '.join(FACT_TABLES)}")
    if action == "decide" and table != "flags":
        raise fail(f"a decide correction is about the flags table, not {table!r}")
    replaces = entry.get("replaces", [])
    replaces = [replaces] if isinstance(replaces, str) else replaces
    if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces) or \
            (action == "revoke" and not replaces):
        raise fail("replaces is a list of correction ids")
    fields = {
        "id": ident, "action": action, "doc_id": doc_id, "source": str(entry.get("source", "")),
        "table": table, "who": str(entry["who"]), "when": _when(entry["when"], fail),
        "why": str(entry["why"]), "file": name, "line": line, "replaces": tuple(replaces),
    }
    if action in ("set", "remove"):
        fields["target"] = _fact_key(entry["target"], table, fail)
    if action == "set":
        fields["values"] = _values(entry["set"], table, fail, "set")
        if not fields["values"]:
            raise fail("set names no field to correct")
        fields["was"] = dict(entry.get("was") or {})
    if action == "add":
        fields["values"] = _added(entry["values"], table, fail)
    if action == "decide":
        fields["target"] = _flag_key(entry["target"], fail)
        if entry["decision"] not in DECISIONS:
            raise fail(f"decision {entry['decision']!r} is not one of {', '.join(DECISIONS)}")
        fields["decision"] = entry["decision"]
    return Correction(**fields)


def _when(value: object, fail) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    try:
        return datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise fail(f"when {value!r} is not a date and time (2025-05-02T10:15:00Z)") from None


def _int(value: object, what: str, fail) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{what} {value!r} is not a whole number")
    return value


def _fact_key(value: object, table: str, fail) -> FactKey:
    """A target (or a reference) as written: a table of provenance and identifying values,
    or {correction = "ID"} for a fact a correction added."""
    if not isinstance(value, dict):
        raise fail("target is a table: {page = 1, char_start = 10, char_end = 20, quote = ...}")
    if "correction" in value:
        if set(value) != {"correction"}:
            raise fail("a target naming an added fact holds only its correction id")
        return FactKey(correction=str(value["correction"]))
    allowed = set(PROVENANCE) | set(IDENTITY[table])
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise fail(f"target key {unknown[0]!r} is not one of {', '.join(sorted(allowed))}")
    identity = {k: _typed(table, k, value[k], fail) for k in IDENTITY[table] if k in value}
    key = FactKey(page=_int(value.get("page"), "page", fail),
                  char_start=_int(value.get("char_start"), "char_start", fail),
                  char_end=_int(value.get("char_end"), "char_end", fail),
                  quote=str(value.get("quote", "")),
                  values=tuple(sorted(identity.items())))
    if key.page is None and not identity:
        raise fail("target names no fact: give page, char_start, char_end (and quote) of its "
                   "value, or its identifying values")
    return key


def _flag_key(value: object, fail) -> FlagKey:
    if not isinstance(value, dict) or not value.get("code"):
        raise fail("target of a decision is a flag: {code = ..., spans = [[page, start, end]]}")
    unknown = sorted(set(value) - {"code", "related_doc_id", "spans", "message"})
    if unknown:
        raise fail(f"flag target key {unknown[0]!r} is not one of code, related_doc_id, "
                   "spans, message")
    spans = value.get("spans", [])
    if not isinstance(spans, list) or not all(isinstance(s, str) and _SPAN.fullmatch(s)
                                              for s in spans):
        raise fail("spans is a list of \"PAGE:START-END\", the places of the flag's evidence")
    related = str(value.get("related_doc_id") or "")
    if related and not _DOC_ID.fullmatch(related):
        raise fail(f"related_doc_id {related!r} is not a document's sha256")
    return FlagKey(code=str(value["code"]), related_doc_id=related,
                   spans=tuple(tuple(int(v) for v in _SPAN.fullmatch(s).groups())
                               for s in spans),
                   message=str(value.get("message", "")))


def _field(table: str, name: str) -> dict | None:
    return next((f for f in schemas.schema(table)["fields"] if f["name"] == name), None)


def _typed(table: str, name: str, value: object, fail) -> object:
    """A value as the table's column holds it ("" is empty), checked against the schema."""
    spec = _field(table, name)
    if spec is None:
        raise fail(f"{table} has no column {name!r}")
    if value is None or value == "":
        return None
    kind = spec["type"]
    if kind == "integer":
        value = _int(value, name, fail)
    elif kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(f"{name} {value!r} is not a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise fail(f"{name} {value!r} is not true or false")
    elif kind == "date":
        if isinstance(value, datetime):
            value = value.date()
        text = value.isoformat() if isinstance(value, date) else str(value)
        try:
            value = date.fromisoformat(text).isoformat()
        except ValueError:
            raise fail(f"{name} {text!r} is not a date (YYYY-MM-DD)") from None
    else:
        if not isinstance(value, str):
            raise fail(f"{name} {value!r} is not text (write it in quotes)")
    constraints = spec.get("constraints", {})
    if "enum" in constraints and value not in constraints["enum"]:
        allowed = ", ".join(v for v in constraints["enum"] if v)
        raise fail(f"{name} {value!r} is not one of {allowed}")
    if "pattern" in constraints and not re.fullmatch(constraints["pattern"], str(value)):
        raise fail(f"{name} {value!r} does not have the form {constraints['pattern']}")
    return value


def _values(value: object, table: str, fail, what: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise fail(f"{what} is a table of column = value")
    out: dict[str, object] = {}
    for name, item in value.items():
        if name in FIXED:
            raise fail(f"{table}.{name} cannot be corrected: it is the fact's key or filled "
                       "in by the run (remove the fact and add it instead)")
        if (table, name) in REFERENCES:
            out[name] = None if item in ("", None) else _fact_key(item, "amounts", fail)
        else:
            out[name] = _typed(table, name, item, fail)
    return out


def _added(value: object, table: str, fail) -> dict[str, object]:
    """The row a correction adds: its columns, provenance and defaults, checked."""
    if not isinstance(value, dict):
        raise fail("values is a table of column = value")
    provenance = {k: value[k] for k in PROVENANCE if k in value}
    row = {**ADD_DEFAULTS[table],
           **_values({k: v for k, v in value.items() if k not in PROVENANCE}, table, fail,
                     "values")}
    for name in ("page", "char_start", "char_end"):
        row[name] = _int(provenance.get(name), name, fail)
    row["quote"] = str(provenance.get("quote", ""))
    spec = schemas.schema(table)["fields"]
    missing = [f["name"] for f in spec if f.get("constraints", {}).get("required")
               and f["name"] not in ("doc_id", "amount_id") and row.get(f["name"]) is None]
    if missing:
        raise fail(f"an added {table} row needs {', '.join(missing)}")
    return row


# --- writing ------------------------------------------------------------------------------

def file_for(folder: Path, source: str) -> Path:
    """Where `iop correct` writes a document's corrections: <folder>/<source>.toml."""
    parts = [p for p in Path(source).parts if p not in ("", ".", "..", "/")]
    return folder.joinpath(*parts[:-1], (parts[-1] if parts else "document") + SUFFIX)


def entry_text(entry: dict) -> str:
    """One [[correction]] entry as TOML. TOML has no null: an empty value is written "",
    a key with no value is left out."""
    return tomli_w.dumps({"correction": [_plain(entry)]})


_VALUE_TABLES = ("set", "was", "values")


def _plain(value: object, empty_as_text: bool = False) -> object:
    if isinstance(value, dict):
        return {k: _plain(v, k in _VALUE_TABLES or empty_as_text) for k, v in value.items()
                if v is not None or empty_as_text}
    if isinstance(value, list | tuple):
        return [_plain(v, empty_as_text) for v in value]
    return "" if value is None else value


def append(folder: Path, source: str, doc_id: str, entry: dict) -> tuple[Path, int]:
    """Add an entry to the document's corrections file (created with a header when new);
    the file is checked whole before it replaces the old one. (path, the entry's line)."""
    path = file_for(folder, source)
    old = path.read_text(encoding="utf-8") if path.exists() else (
        f"# Corrections to {source} (doc_id {doc_id}), applied by every `iop extract`.\n"
        "# Written by `iop correct`; see README, 'Corrections'.\n")
    text = old + ("" if old.endswith("\n") else "\n") + "\n" + entry_text(entry)
    name = path.relative_to(folder).as_posix()
    parsed = parse(text, name)  # never write a file the next run cannot read
    known = {c.id for c in load(folder) if c.file != name}
    if parsed[-1].id in known:
        raise CorrectionsError(name, parsed[-1].line, f"id {parsed[-1].id!r} is used already")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path, parsed[-1].line or 0
