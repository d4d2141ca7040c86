"""Field diff: the fact tables of two documents, row against row.

`fields_diff(old_tables, new_tables)` is a pure function over row dicts (the columns of
schemas/*.json). Rows are paired table by table in passes, strictest first: a pass pairs
each unpaired old row with the best unpaired new row it accepts. The pairs then say what
changed; rows left over were added or removed. The passes per table:

- amounts: all fields equal; same payer, payee, role, basis and period (the amount
  changed); same amount (its payer, period... changed); same named payer, payee and role.
  For a memo: same amount (and no contradicting period); same period; same role and
  basis; same basis (what is left of "för perioden" on both sides is the same cost).
- periods: same kind and dates; same kind.
- parties: same name and org number; same org number (renamed); same name (org number
  changed); similar names (renamed).
- obligations: same party, action, quantity, frequency; same party and a similar action;
  a very similar action (the party changed). The action's wording is compared by the
  wording diff, so it is used for pairing only.
- signatories: all fields equal; same party signed for; same person.

Two modes. `drafts` (two versions of one document): every listed field is compared.
`memo_agreement` (a memo and the agreement it proposes): the documents are of different
kinds and say the same fact in different words, so rows pair by what both must agree on
(amounts by value or period, periods by kind, obligations by count or action), a field is
compared only where both sides state it, names count as equal when one contains the other
("Linköpings domkyrkopastorat" / "Svenska kyrkan, Linköpings Domkyrkopastorat"), and payer
names are shown but not judged (a memo says "kommunen" where the agreement names the
nämnd). Signatories are not compared: a memo's signer is its author.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache

from pipeline.extract.organisations import normalized
from pipeline.lang import table
from pipeline.resolve.parties import party_key

TABLES = ("amounts", "periods", "parties", "obligations", "signatories")
MODES = ("drafts", "memo_agreement")

# Columns holding organisation names. A party's own name is compared as written (less
# case and punctuation): a new legal name is a rename. The columns that refer to a party
# are compared by the pipeline's join key (party_key: 'Svenska kyrkan, Linköpings
# Domkyrkopastorat' = 'Linköpings domkyrkopastoratet'), after the renames found among the
# parties, so that a rename is reported once and not again in every amount and obligation.
_NAME_FIELDS = {"payer", "payee", "name", "party", "for_party"}
_REFERENCE_FIELDS = _NAME_FIELDS - {"name"}
# Columns compared per table (in drafts mode), in the order they are reported.
COMPARED = {
    "amounts": ("amount_sek", "payer", "payee", "role", "basis", "in_kind", "source_of_funds",
                "ceiling", "vat", "period_start", "period_end"),
    "periods": ("kind", "start_date", "end_date", "months", "times_per_year"),
    "parties": ("name", "org_number"),
    "obligations": ("party", "quantity", "frequency"),
    "signatories": ("person", "for_party", "place", "date", "date_text"),
}
MEMO_COMPARED = {
    "amounts": ("amount_sek", "basis", "in_kind", "period_start", "period_end"),
    "periods": ("kind", "start_date", "end_date", "months", "times_per_year"),
    "parties": ("name", "org_number"),
    "obligations": ("quantity", "frequency"),
}
# The unchanged fields that say which row a change is about, in the message's brackets.
_CONTEXT = {
    "amounts": ("amount_sek", "payer", "payee", "period_start", "role", "basis",
                "source_of_funds"),
    "periods": ("start_date", "end_date", "months"),
    "parties": ("name", "org_number"),
    "obligations": ("party", "action"),
    "signatories": ("for_party", "person"),
}
_AMOUNT_KEY = ("payer", "payee", "role", "basis", "in_kind", "source_of_funds",
               "period_start", "period_end")
_EMPTY_ENUMS = {"unknown"}  # values that say nothing (basis 'unknown')
_FALSE_IS_EMPTY = {"in_kind", "ceiling"}  # not written = false
SIMILAR_NAMES = 0.5  # share of words in common for a rename
SIMILAR_ACTIONS = 0.6
VERY_SIMILAR_ACTIONS = 0.8


@dataclass(slots=True)
class FieldChange:
    """One fact on both sides (or one): equal, changed, renamed, added or removed."""

    table: str
    status: str  # equal, changed, renamed, added, removed
    old: dict | None
    new: dict | None
    changed: list[str] = field(default_factory=list)  # columns that differ ('period' for dates)
    message: str = ""
    label: str = ""  # what the fact is: Belopp, Avtalstid, Part...
    old_summary: str = ""
    new_summary: str = ""

    @property
    def different(self) -> bool:
        return self.status != "equal"


Row = dict
Pass = Callable[[Row, Row], float]


def fields_diff(old_tables: dict[str, list[dict]], new_tables: dict[str, list[dict]],
                mode: str = "drafts") -> list[FieldChange]:
    """Every fact of both documents, paired; equal pairs included (renderers filter)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    by_table: dict[str, list[FieldChange]] = {}
    renames: dict[str, str] = {}
    for name in ("parties", *[t for t in TABLES if t != "parties"]):
        if mode == "memo_agreement" and name not in MEMO_COMPARED:
            continue
        old_rows = _facts(name, old_tables.get(name) or [], mode)
        new_rows = _facts(name, new_tables.get(name) or [], mode)
        if old_rows or new_rows:
            by_table[name] = _diff_table(name, old_rows, new_rows, mode, renames)
        if name == "parties":
            renames = _renames(by_table.get(name, []))
    return [change for name in TABLES for change in by_table.get(name, [])]


def _renames(parties: list[FieldChange]) -> dict[str, str]:
    """Old party key -> new party key, for each party paired under another name."""
    out = {}
    for change in parties:
        if change.old is not None and change.new is not None:
            old_key, new_key = _key(change.old.get("name")), _key(change.new.get("name"))
            if old_key and new_key and old_key != new_key:
                out[old_key] = new_key
    return out


def _key(name) -> str | None:
    return party_key(name) or None if isinstance(name, str) and name.strip() else None


def _facts(name: str, rows: list[dict], mode: str) -> list[Row]:
    """Rows as facts: parties to the agreement only, one row per distinct fact; for a memo
    against its agreement, only the obligations with a count (a memo restates the counts,
    not every duty of the agreement)."""
    if name == "parties":
        rows = [r for r in rows if (_value(r, "role") or "party") == "party"]
    if name == "obligations" and mode == "memo_agreement":
        rows = [r for r in rows if _value(r, "quantity") is not None]
    seen: set[tuple] = set()
    out = []
    for row in rows:
        key = tuple(_value(row, f) for f in COMPARED[name]) + (_value(row, "action"),)
        if key in seen:
            continue  # the same fact written twice is one fact
        seen.add(key)
        out.append(row)
    return out


def _diff_table(name: str, old_rows: list[Row], new_rows: list[Row], mode: str,
                renames: dict[str, str]) -> list[FieldChange]:
    """Pairs and new-only rows in the new document's order; an old-only row goes after
    the paired row that preceded it in the old document."""
    pairs = _pair(old_rows, new_rows, _passes(name, mode, renames))
    new_of_old = dict(pairs)
    old_of_new = {j: i for i, j in pairs}
    placed: list[tuple[tuple, FieldChange]] = []
    for j, row in enumerate(new_rows):
        if j not in old_of_new:
            change = _describe_single(name, "added", None, row)
        else:
            i = old_of_new[j]
            change = _describe_pair(name, old_rows[i], row, _differences(
                name, old_rows[i], row, mode, renames))
        placed.append(((_position(row), 0, j), change))
    for i, row in enumerate(old_rows):
        if i in new_of_old:
            continue
        before = [k for k in range(i) if k in new_of_old]
        anchor = _position(new_rows[new_of_old[before[-1]]]) if before else (-1, -1)
        placed.append(((anchor, 1, i), _describe_single(name, "removed", row, None)))
    return [change for _, change in sorted(placed, key=lambda item: item[0])]


def _position(row: Row) -> tuple[int, int]:
    return (_value(row, "page") or 0, _value(row, "char_start") or 0)


def _pair(old_rows: list[Row], new_rows: list[Row], passes: list[Pass]) -> list[tuple[int, int]]:
    """Greedy pairing, pass by pass: best score first, then the nearest in document order."""
    pairs: list[tuple[int, int]] = []
    free_old = list(range(len(old_rows)))
    free_new = list(range(len(new_rows)))
    for accept in passes:
        scored = []
        for i in free_old:
            for j in free_new:
                score = accept(old_rows[i], new_rows[j])
                if score > 0:
                    distance = abs(i / max(1, len(old_rows)) - j / max(1, len(new_rows)))
                    scored.append((-score, distance, i, j))
        taken_old: set[int] = set()
        taken_new: set[int] = set()
        for _, _, i, j in sorted(scored):
            if i in taken_old or j in taken_new:
                continue
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j))
        free_old = [i for i in free_old if i not in taken_old]
        free_new = [j for j in free_new if j not in taken_new]
    return pairs


# --- values -------------------------------------------------------------------------------


def _value(row: Row, column: str):
    """A comparable value: None for empty/NaN, ISO text for dates, names normalized."""
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars from pandas
        value = value.item()
    if value is False and column in _FALSE_IS_EMPTY:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value or value in _EMPTY_ENUMS:
            return None
        if column in _REFERENCE_FIELDS:
            return party_key(value) or None
        if column in _NAME_FIELDS:
            return normalized(value) or None
    return value


def _equal(old: Row, new: Row, column: str, renames: dict[str, str]) -> bool:
    """Equal values; a party reference is also equal under the party's new name."""
    x, y = _value(old, column), _value(new, column)
    return x == y or (column in _REFERENCE_FIELDS and x in renames and renames[x] == y)


def _same(old: Row, new: Row, columns, renames: dict[str, str]) -> bool:
    return all(_equal(old, new, c, renames) for c in columns)


def _words(name: str | None) -> set[str]:
    return set(name.split()) if name else set()


def name_similarity(a: str | None, b: str | None) -> float:
    """Share of words in common between two normalized names (1.0 when one contains the other)."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 0.0
    if wa <= wb or wb <= wa:
        return 1.0
    return len(wa & wb) / len(wa | wb)


def _contains(a: str | None, b: str | None) -> bool:
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _action_similarity(a: Row, b: Row) -> float:
    x, y = _value(a, "action"), _value(b, "action")
    if not x or not y:
        return 0.0
    return SequenceMatcher(None, x.lower().split(), y.lower().split(), autojunk=False).ratio()


# --- pairing passes -----------------------------------------------------------------------


def _passes(name: str, mode: str, renames: dict[str, str]) -> list[Pass]:
    compared = COMPARED[name] if mode == "drafts" else MEMO_COMPARED[name]

    def exact(a: Row, b: Row) -> float:
        return 1.0 if _same(a, b, compared, renames) and _same_action(a, b) else 0.0

    def _same_action(a: Row, b: Row) -> bool:
        return name != "obligations" or _value(a, "action") == _value(b, "action")

    def same(*columns: str, required: tuple[str, ...] = ()) -> Pass:
        def accept(a: Row, b: Row) -> float:
            if any(_value(a, c) is None for c in required):
                return 0.0
            return 1.0 if _same(a, b, columns, renames) else 0.0
        return accept

    if name == "amounts":
        if mode == "memo_agreement":
            def same_value_period(a: Row, b: Row) -> float:
                if _value(a, "amount_sek") != _value(b, "amount_sek"):
                    return 0.0
                return 1.0 if all(_compatible(a, b, c) for c in ("period_start",
                                                                  "period_end")) else 0.0
            return [same_value_period, same("amount_sek"),
                    same("period_start", "period_end", required=("period_end",)),
                    same("role", "basis", required=("role", "basis")),
                    same("basis", required=("basis",))]
        return [exact, same(*_AMOUNT_KEY), same("amount_sek"),
                same("payer", "payee", "role", required=("payer",))]
    if name == "periods":
        return [exact, same("kind", "start_date", "end_date"), same("kind")]
    if name == "parties":
        def similar_names(a: Row, b: Row) -> float:
            score = name_similarity(_value(a, "name"), _value(b, "name"))
            return score if score >= SIMILAR_NAMES else 0.0
        return [exact, same("org_number", required=("org_number",)), same("name"),
                similar_names]
    if name == "obligations":
        def same_party_similar_action(a: Row, b: Row) -> float:
            if not _party_matches(a, b, mode, renames):
                return 0.0
            score = _action_similarity(a, b)
            return score if score >= SIMILAR_ACTIONS else 0.0

        def very_similar_action(a: Row, b: Row) -> float:
            score = _action_similarity(a, b)
            return score if score >= VERY_SIMILAR_ACTIONS else 0.0
        passes = [exact, same_party_similar_action, very_similar_action]
        if mode == "memo_agreement":
            # A memo words a count its own way ("minst 6 grupper" / "minst sex
            # stödgrupper"): a count for the same party, as often, is the same obligation.
            def same_party_counted(a: Row, b: Row) -> float:
                counted = _value(a, "quantity") is not None and _value(b, "quantity") is not None
                return 1.0 if counted and _party_matches(a, b, mode, renames) and _same(
                    a, b, ("frequency",), renames) else 0.0
            passes[1:1] = [same("quantity", "frequency", required=("quantity",)),
                           same_party_counted]
        return passes
    if name == "signatories":
        return [exact, same("for_party", required=("for_party",)),
                same("person", required=("person",))]
    raise ValueError(f"no field diff for table {name!r}")


def _party_matches(a: Row, b: Row, mode: str, renames: dict[str, str]) -> bool:
    return _equal(a, b, "party", renames) or (
        mode == "memo_agreement" and _contains(_value(a, "party"), _value(b, "party")))


def _compatible(a: Row, b: Row, column: str) -> bool:
    x, y = _value(a, column), _value(b, column)
    return x is None or y is None or x == y


# --- describing ---------------------------------------------------------------------------


def _differences(name: str, old: Row, new: Row, mode: str,
                 renames: dict[str, str]) -> list[str]:
    columns = COMPARED[name] if mode == "drafts" else MEMO_COMPARED[name]
    changed = []
    for column in columns:
        x, y = _value(old, column), _value(new, column)
        if mode == "memo_agreement":
            if x is None or y is None:
                continue  # a memo states less than the agreement; silence is no difference
            if column in _NAME_FIELDS and _contains(x, y):
                continue
        if not _equal(old, new, column, renames):
            changed.append(column)
    # dates of an amount's period read as one: "period A–B → A–C"
    if "period_start" in changed or "period_end" in changed:
        at = min(changed.index(c) for c in ("period_start", "period_end") if c in changed)
        changed = [c for c in changed if c not in ("period_start", "period_end")]
        changed.insert(at, "period")
    return changed


def _describe_pair(name: str, old: Row, new: Row, changed: list[str]) -> FieldChange:
    status = "equal"
    if changed:
        status = "renamed" if name == "parties" and changed == ["name"] else "changed"
    change = FieldChange(name, status, old, new, changed)
    _fill_texts(change)
    return change


def _describe_single(name: str, status: str, old: Row | None, new: Row | None) -> FieldChange:
    change = FieldChange(name, status, old, new)
    _fill_texts(change)
    return change


@cache
def _lang() -> dict:
    return table("compare")


def _fill_texts(change: FieldChange) -> None:
    lang = _lang()
    templates = lang["messages"][change.table]
    row = change.new or change.old or {}
    kind = _period_kind(row) if change.table == "periods" else ""
    change.label = kind or templates["label"]
    change.old_summary = summary(change.table, change.old) if change.old else ""
    change.new_summary = summary(change.table, change.new) if change.new else ""
    if change.status in ("added", "removed"):
        text = change.new_summary if change.status == "added" else change.old_summary
        change.message = templates[change.status].format(row=text, kind=kind)
        return
    if change.status == "equal":
        change.message = f"{change.label}: {change.new_summary}"
        return
    parts = []
    for column in change.changed:
        before = show(change.table, column, change.old)
        after = show(change.table, column, change.new)
        label = "" if column == _main_column(change.table) else f"{_label(column)} "
        parts.append(f"{label}{before} → {after}")
    context = []
    for column in _CONTEXT[change.table]:
        if column in change.changed or (column.startswith("period_") and "period" in
                                        change.changed):
            continue
        column = "period" if column == "period_start" else column
        shown = show(change.table, column, change.new)
        if shown and shown != "–":
            context.append(_labelled(column, shown))
    change.message = templates[change.status].format(
        changes=", ".join(parts), context=f" ({', '.join(context)})" if context else "",
        kind=kind)


def _labelled(column: str, shown: str) -> str:
    if column in _BARE:
        return shown
    if column == "period":
        return f"{_label(column)} {shown}"
    return f"{_label(column)}: {shown}"


def _main_column(table_name: str) -> str:
    return {"amounts": "amount_sek", "parties": "name", "obligations": "quantity",
            "signatories": "person"}.get(table_name, "")


def _label(column: str) -> str:
    return _lang()["labels"].get(column, column)


def _period_kind(row: Row) -> str:
    kind = _value(row, "kind")
    return _lang()["values"]["period_kind"].get(kind, kind or "")


def show(table_name: str, column: str, row: Row | None) -> str:
    """One field as printed, in Swedish ('300 500 kr', 'per år', '6 månader'); '' if empty."""
    if row is None:
        return ""
    values = _lang()["values"]
    if column == "period":
        start, end = _value(row, "period_start"), _value(row, "period_end")
        return f"{start or '…'}–{end or '…'}" if start or end else ""
    raw = row.get(column)
    value = _value(row, column)
    if value is None:
        return "–" if column in COMPARED.get(table_name, ()) else ""
    if column in _NAME_FIELDS:
        return str(raw).strip()
    if column == "amount_sek":
        return values["currency"].format(n=f"{int(value):,}".replace(",", " "))
    if column == "months":
        return values["month"] if value == 1 else values["months"].format(n=value)
    if column == "kind":
        return _period_kind(row)
    if isinstance(value, bool):
        return values["yes"] if value else values["no"]
    if column in values and isinstance(values[column], dict):
        return values[column].get(value, str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


_SUMMARY = {
    "amounts": ("amount_sek", "basis", "period", "payer", "payee", "role", "source_of_funds",
                "in_kind"),
    "periods": ("start_date", "end_date", "months", "times_per_year"),
    "parties": ("name", "org_number"),
    "obligations": ("party", "action", "quantity", "frequency"),
    "signatories": ("person", "for_party", "place", "date_text"),
}
_BARE = {"basis", "vat", "frequency"}


_SUMMARY_BARE = _BARE | {"amount_sek", "period", "name", "person", "action", "party"}


def summary(table_name: str, row: Row) -> str:
    """A row in one line: '300 500 kr, för perioden, 2023-04-01–2024-03-31, betalare: X'."""
    parts = []
    for column in _SUMMARY[table_name]:
        if column == "in_kind" and not _value(row, column):
            continue
        shown = show(table_name, column, row)
        if not shown or shown == "–":
            continue
        parts.append(shown if column in _SUMMARY_BARE else _labelled(column, shown))
    return ", ".join(parts)
