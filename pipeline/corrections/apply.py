"""Applying corrections: pure functions from rows and corrections to rows and outcomes.

`apply_facts` takes one document's fact rows (as resolve gives them, or as the cache kept
them) and that document's corrections; `apply_decisions` takes flag rows and the
decisions on flags. Both copy what they change, mark every row's `origin` and
`correction_id`, and say for each correction whether it was applied, orphaned (its fact or
flag is not there, or more than one fits) or in conflict with another (neither is
applied). A correction is never applied to a row its target does not single out.
`Corrector` keeps those outcomes for a whole run.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable

from stdnum.se import orgnr

from pipeline.corrections.model import (
    IDENTITY,
    REFERENCES,
    Correction,
    FactKey,
    FlagKey,
    Outcome,
)
from pipeline.identity import normalized, sector

ADDED_RULE = "correction.add"
CORRECTED_RULE = "correction"
# Columns that say which rule decided another column (amounts): a corrected value says so.
_RULE_OF = {("amounts", "payer"): "payer_rule", ("amounts", "payee"): "payee_rule",
            ("amounts", "period_start"): "period_rule", ("amounts", "period_end"): "period_rule"}


def plain(value: object) -> object:
    """A cell as a plain Python value: empty (None, NaN, pd.NA, "") is None."""
    if value is None or value == "":
        return None
    try:
        if value != value:  # NaN, and pd.NA raises
            return None
    except TypeError:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def same(a: object, b: object) -> bool:
    a, b = plain(a), plain(b)
    if isinstance(a, int | float) and isinstance(b, int | float) and \
            not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b)
    return a == b


def shown(value: object) -> str:
    value = plain(value)
    if value is None:
        return "(empty)"
    if isinstance(value, FactKey):
        return value.describe()
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def describe_row(table: str, row: dict) -> str:
    """A fact in a few words: its identifying values and where it was read."""
    values = ", ".join(f"{k} {shown(row.get(k))}" for k in IDENTITY[table]
                       if plain(row.get(k)) is not None)
    where = f" (page {row['page']}, {row.get('char_start')}-{row.get('char_end')})" \
        if plain(row.get("page")) is not None else ""
    return f"{table} {values}{where}"


# --- which row a target names ------------------------------------------------------------

def matches(rows: list[dict], key: FactKey) -> list[int]:
    """The rows that `key` names: those read at exactly its place (narrowed by its
    identifying values when several were), else those overlapping it with the same
    identifying values (a new pipeline version that reads a word more or less)."""
    if key.correction:
        return [i for i, row in enumerate(rows) if row.get("origin") == "added"
                and _ids(row)[:1] == [key.correction]]
    identity = dict(key.values)

    def fits(row: dict) -> bool:
        return all(same(row.get(k), v) for k, v in identity.items())

    if key.page is None:
        return [i for i, row in enumerate(rows)
                if identity and plain(row.get("page")) is None and fits(row)]
    place = (key.page, key.char_start, key.char_end)
    exact = [i for i, row in enumerate(rows)
             if (plain(row.get("page")), plain(row.get("char_start")),
                 plain(row.get("char_end"))) == place]
    if len(exact) > 1:
        exact = [i for i in exact if fits(rows[i])]
    if exact or not identity or key.char_start is None or key.char_end is None:
        return exact
    return [i for i, row in enumerate(rows)
            if plain(row.get("page")) == key.page and fits(row)
            and plain(row.get("char_start")) is not None and plain(row.get("char_end")) is not None
            and row["char_start"] < key.char_end and key.char_start < row["char_end"]]


def _ids(row: dict) -> list[str]:
    return [i for i in str(plain(row.get("correction_id")) or "").split(",") if i]


def _mark(row: dict, correction: Correction, origin: str) -> None:
    row["correction_id"] = ",".join([*_ids(row), correction.id])
    if row.get("origin") != "added":
        row["origin"] = origin


def supersede(corrections: Iterable[Correction]) -> tuple[list[Correction], list[Outcome]]:
    """The corrections in force, and the outcomes of those a later one replaced or revoked
    (superseded) and of the revocations themselves (applied)."""
    corrections = list(corrections)
    replaced_by: dict[str, str] = {}
    for c in corrections:
        for old in c.replaces:
            replaced_by.setdefault(old, c.id)
    active, outcomes = [], []
    for c in corrections:
        if c.id in replaced_by:
            outcomes.append(Outcome(c, "superseded", f"replaced by {replaced_by[c.id]}"))
        elif c.action == "revoke":
            outcomes.append(Outcome(c, "applied", change="withdraws " + ", ".join(c.replaces)))
        else:
            active.append(c)
    return active, outcomes


# --- facts ---------------------------------------------------------------------------------

def apply_facts(doc_id: str, tables: dict[str, list[dict]], corrections: list[Correction]
                ) -> tuple[dict[str, list[dict]], list[Outcome]]:
    """One document's fact rows with its corrections (set, add, remove) applied.

    Every row gets `origin` (extracted, corrected, added) and `correction_id`. The input
    rows are not changed."""
    out = {name: [dict(row) for row in rows] for name, rows in tables.items()}
    for rows in out.values():
        for row in rows:
            row["origin"] = plain(row.get("origin")) or "extracted"
            row["correction_id"] = plain(row.get("correction_id")) or ""
    outcomes: dict[str, Outcome] = {}
    adds = [c for c in corrections if c.action == "add"]
    added_ids = {c.id for c in adds}
    # 1. what each set or remove names
    hits: dict[tuple[str, int], list[Correction]] = defaultdict(list)
    for c in corrections:
        if c.action not in ("set", "remove"):
            continue
        rows = out.get(c.table, [])
        found = matches(rows, c.target)
        if len(found) == 1:
            hits[(c.table, found[0])].append(c)
        elif not found:
            outcomes[c.id] = Outcome(c, "orphaned", f"no {c.table} fact at "
                                     f"{c.target.describe()} any more", applied_doc_id=doc_id)
        else:
            outcomes[c.id] = Outcome(c, "orphaned", f"{len(found)} {c.table} facts fit "
                                     f"{c.target.describe()}; none was changed",
                                     applied_doc_id=doc_id)
    # 2. two corrections that say different things of one fact: neither is applied
    for (table, index), group in hits.items():
        for c, other in _conflicts(group):
            outcomes[c.id] = Outcome(c, "conflict", f"{other.id} ({other.where}) says "
                                     f"otherwise about {describe_row(table, out[table][index])}",
                                     applied_doc_id=doc_id)
    # 3. references (part_of, same_as) to amounts that will be there
    removed = {key for key, group in hits.items()
               if any(c.action == "remove" and c.id not in outcomes for c in group)}

    def reference(key: FactKey) -> str | None:
        if key.correction:
            return key.correction if key.correction in added_ids else None
        found = [i for i in matches(out.get("amounts", []), key) if ("amounts", i) not in removed]
        return plain(out["amounts"][found[0]].get("amount_id")) if len(found) == 1 else None

    resolved: dict[str, dict[str, object]] = {}
    for c in [*adds, *(c for group in hits.values() for c in group)]:
        if c.id in outcomes or c.action == "remove":
            continue
        values = dict(c.values)
        for name, value in c.values.items():
            if (c.table, name) in REFERENCES and isinstance(value, FactKey):
                values[name] = reference(value)
                if values[name] is None:
                    outcomes[c.id] = Outcome(c, "orphaned", f"its {name} names "
                                             f"{value.describe()}, which is not an amount of "
                                             "this document any more", applied_doc_id=doc_id)
        resolved[c.id] = values
    # 4. apply: sets, then removes, then adds
    drop: dict[str, set[int]] = defaultdict(set)
    for (table, index), group in hits.items():
        row = out[table][index]
        before = describe_row(table, row)
        for c in group:
            if c.id in outcomes:
                continue
            if c.action == "remove":
                drop[table].add(index)
                outcomes[c.id] = Outcome(c, "applied", change=f"removes {before}",
                                         applied_doc_id=doc_id)
                continue
            changes = []
            for name, value in resolved[c.id].items():
                changes.append(f"{name}: {shown(row.get(name))} -> {shown(value)}")
                row[name] = value
                _derived(table, name, row)
            _mark(row, c, "corrected")
            outcomes[c.id] = Outcome(c, "applied", change="; ".join(changes),
                                     message=f"applied to {before}", applied_doc_id=doc_id)
    for table, indexes in drop.items():
        out[table] = [row for i, row in enumerate(out[table]) if i not in indexes]
    for c in adds:
        if c.id in outcomes:
            continue
        row = {**resolved[c.id], "doc_id": doc_id, "rule_id": ADDED_RULE, "origin": "added",
               "correction_id": c.id}
        if c.table == "amounts":
            row["amount_id"] = c.id
        for name in list(row):
            _derived(c.table, name, row)
        out.setdefault(c.table, []).append(row)
        outcomes[c.id] = Outcome(c, "applied", change=f"adds {describe_row(c.table, row)}",
                                 applied_doc_id=doc_id)
    return out, [outcomes[c.id] for c in corrections if c.id in outcomes]


def _conflicts(group: list[Correction]) -> list[tuple[Correction, Correction]]:
    """(correction, one it conflicts with): a removal beside a change, or two changes
    that set one field to different values."""
    removes = [c for c in group if c.action == "remove"]
    sets = [c for c in group if c.action == "set"]
    if removes and sets:
        return [(c, sets[0] if c.action == "remove" else removes[0]) for c in group]
    found = []
    for c in sets:
        other = next((o for o in sets if o is not c and any(
            name in o.values and not same(o.values[name], value)
            for name, value in c.values.items())), None)
        if other is not None:
            found.append((c, other))
    return found


def _derived(table: str, name: str, row: dict) -> None:
    """Columns computed from a corrected one: a party's key name and org number check,
    and for amounts the rule that decided payer, payee or period."""
    if table == "parties" and name == "name" and row.get("name"):
        row["name_normalized"] = normalized(row["name"])
        if row.get("origin") == "added" and row.get("sector") in (None, "unknown"):
            row["sector"] = sector(row["name"], row.get("org_number") or "")
    if table == "parties" and name == "org_number":
        row["org_number_valid"] = orgnr.is_valid(row["org_number"]) if row.get("org_number") \
            else None
    if (table, name) in _RULE_OF and row.get("origin") != "added":
        row[_RULE_OF[(table, name)]] = CORRECTED_RULE


# --- flags ---------------------------------------------------------------------------------

def flag_key(row: dict) -> FlagKey:
    """A flags row's key: code, related document, the places of its evidence."""
    try:
        items = json.loads(row.get("evidence") or "[]")
    except json.JSONDecodeError:
        items = []
    items = items if isinstance(items, list) else [items]
    spans = tuple(span for span in (
        (plain(i.get("page")), plain(i.get("char_start")), plain(i.get("char_end")))
        for i in items if isinstance(i, dict)) if None not in span)
    return FlagKey(code=row["code"], related_doc_id=plain(row.get("related_doc_id")) or "",
                   spans=spans, message=row.get("message") or "")


def apply_decisions(rows: list[dict], corrections: list[Correction]
                    ) -> tuple[list[dict], list[Outcome]]:
    """Flag rows with the decisions (accepted, dismissed) recorded on them. A decision
    names its flag by code, documents and evidence places; when the places moved, by the
    same message if one flag of that code has it."""
    out = [dict(row, decision=plain(row.get("decision")) or "",
                decision_reason=plain(row.get("decision_reason")) or "",
                correction_id=plain(row.get("correction_id")) or "") for row in rows]
    keys = [flag_key(row) for row in out]
    outcomes: dict[str, Outcome] = {}
    hits: dict[int, list[Correction]] = defaultdict(list)
    for c in corrections:
        if c.action != "decide":
            continue
        target = c.target
        same_flag = [i for i, row in enumerate(out) if row["doc_id"] == c.doc_id
                     and keys[i].code == target.code
                     and keys[i].related_doc_id == target.related_doc_id]
        found = [i for i in same_flag if keys[i].spans == target.spans]
        if not found and target.message:
            found = [i for i in same_flag if keys[i].message == target.message]
        if not found:
            outcomes[c.id] = Outcome(c, "orphaned", f"no flag {target.describe()} is raised "
                                     "on this document any more", applied_doc_id=c.doc_id)
        for i in found:
            hits[i].append(c)
    for index, group in hits.items():
        decisions = {c.decision for c in group}
        for c in group:
            if len(decisions) > 1:
                other = next(o for o in group if o.decision != c.decision)
                outcomes[c.id] = Outcome(c, "conflict", f"{other.id} ({other.where}) "
                                         f"{other.decision} the same flag",
                                         applied_doc_id=c.doc_id)
                continue
            row = out[index]
            row.update(decision=c.decision, decision_reason=c.why)
            row["correction_id"] = ",".join([*_ids(row), c.id])
            outcomes[c.id] = Outcome(c, "applied", change=f"{c.decision}: {row['code']} "
                                     f"\"{row['message']}\"", applied_doc_id=c.doc_id)
    return out, [outcomes[c.id] for c in corrections if c.id in outcomes]


# --- a run -----------------------------------------------------------------------------------

class Corrector:
    """The corrections of one run: applied to each document's facts as they arrive and to
    the flags once checked; `outcomes()` says what became of every one."""

    def __init__(self, corrections: Iterable[Correction] = ()):
        corrections = list(corrections)
        active, done = supersede(corrections)
        self.all = {c.id: c for c in corrections}
        self._outcomes: dict[str, Outcome] = {o.correction.id: o for o in done}
        self.facts_of: dict[str, list[Correction]] = defaultdict(list)
        self.decisions: list[Correction] = []
        for c in active:
            if c.action == "decide":
                self.decisions.append(c)
            else:
                self.facts_of[c.doc_id].append(c)
        self.last_outcomes: list[Outcome] = []

    def __len__(self) -> int:
        return len(self.all)

    def facts(self, doc_id: str, tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
        """One document's fact rows, corrected."""
        rows, outcomes = apply_facts(doc_id, tables, self.facts_of.get(doc_id, []))
        for outcome in outcomes:
            self._outcomes[outcome.correction.id] = outcome
        return rows

    def flags(self, rows: list[dict]) -> list[dict]:
        rows, outcomes = apply_decisions(rows, self.decisions)
        for outcome in outcomes:
            self._outcomes[outcome.correction.id] = outcome
        return rows

    def outcomes(self, documents: Iterable[tuple[str, str, str]]) -> list[Outcome]:
        """Every correction's outcome, in file order (kept as `last_outcomes`).
        `documents` are the run's (doc_id, source, status): a correction of a document not
        among them is orphaned, and says whether its file is there with other content (it
        was edited) or gone."""
        read, by_source = set(), {}
        for doc_id, source, status in documents:
            if doc_id and status != "error":
                read.add(doc_id)
            by_source.setdefault(source, (doc_id, status))
        result = []
        for c in self.all.values():
            outcome = self._outcomes.get(c.id)
            if outcome is not None and (outcome.status == "superseded" or c.action == "revoke"):
                result.append(outcome)
                continue
            if c.doc_id not in read:
                now, status = by_source.get(c.source, ("", ""))
                if status == "error" or (now == c.doc_id and now):
                    message = f"{c.source} could not be read this time"
                elif now:
                    message = (f"{c.source} has changed since the correction was written (its "
                               f"content is now {now[:12]}…, the correction is for "
                               f"{c.doc_id[:12]}…)")
                else:
                    message = f"the document {c.source or c.doc_id[:12]} is not in the archive"
                outcome = Outcome(c, "orphaned", message, applied_doc_id=now)
            elif outcome is None:
                outcome = Outcome(c, "orphaned", "nothing in the document fits it",
                                  applied_doc_id=c.doc_id)
            result.append(outcome)
        self.last_outcomes = result
        return result
