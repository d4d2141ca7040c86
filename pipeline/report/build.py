"""Build the static HTML report from the tables: overview, flags, documents, comparisons.

Every page is a self-contained file (CSS and JS inline, charts as inline SVG, no network)
and the files link to each other by relative paths, so the folder works from a file
system and can be attached to an audit file. Index pages hold `page_size` rows and each
document has its own file, so a 10 000-document archive opens as fast as a small one.
The whole folder is written beside --out and swapped in at once (store.publish).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from pipeline import outdir, store
from pipeline.report import charts, model
from pipeline.report import corrections as review
from pipeline.report.highlight import Span, highlight, mark_value, snippet

LANGUAGES = ("sv", "en")
MARKER = outdir.REPORT_MANIFEST  # lists the report's files: a new report may replace them
OVERVIEW_ROWS = 100  # flags and links listed on the overview; their own pages list all

# Columns shown per fact table, and the label section that names a column's values.
FACT_COLUMNS = {
    "parties": ("name", "org_number", "org_number_valid", "sector", "role"),
    "amounts": ("amount_sek", "payer", "payee", "basis", "role", "in_kind", "period",
                "amount_id", "part_of"),
    "periods": ("kind", "start_date", "end_date", "months"),
    "obligations": ("party", "action", "quantity", "frequency"),
    "signatories": ("person", "for_party", "place", "date"),
    "placeholders": ("kind", "quote"),
}
VALUE_LABELS = {
    ("parties", "sector"): "sector", ("parties", "role"): "role", ("amounts", "role"): "role",
    ("amounts", "basis"): "basis", ("periods", "kind"): "period_kind",
    ("obligations", "frequency"): "frequency",
}


@dataclass(slots=True)
class ReportSummary:
    out: Path
    documents: int
    document_pages: int
    flags: int
    comparisons: int
    files: int
    bytes: int


def labels(lang: str) -> dict:
    if lang not in LANGUAGES:
        raise model.ReportError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    text = (resources.files("pipeline.report") / "labels" / f"{lang}.toml").read_text("utf-8")
    return tomllib.loads(text)


def money_formatter(lang: str) -> Callable[[object], str]:
    def money(value: object) -> str:
        if value is None or pd.isna(value):
            return ""
        grouped = f"{int(value):,}"
        if lang == "sv":
            return grouped.replace(",", "\u00a0") + "\u00a0kr"
        return "SEK\u00a0" + grouped
    return money


class Renderer:
    """Jinja templates with the labels of one language and the inline CSS and JS."""

    def __init__(self, lang: str):
        self.lang = lang
        self.L = labels(lang)
        self.money = money_formatter(lang)
        self.env = Environment(loader=PackageLoader("pipeline.report", "templates"),
                               autoescape=True, undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["money"] = self.money
        self.env.filters["value"] = self.value
        self.env.globals["L"] = self.L
        self.css = Markup(self.env.loader.get_source(self.env, "report.css")[0])
        script = self.env.loader.get_source(self.env, "report.js")[0]
        self.js = Markup(script)
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        # Only our own script may run: a <script> smuggled in by a document would not.
        self.csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                    f"script-src 'sha256-{digest}'")

    def value(self, value: object, section: str) -> str:
        """An enum value in the report's language (unknown values as they are)."""
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return self.L["bool"]["true" if value else "false"]
        return self.L.get(section, {}).get(str(value), str(value))

    def render(self, template: str, root: str, **context) -> str:
        return self.env.get_template(template).render(
            root=root, css=self.css, js=self.js, csp=self.csp, lang=self.lang, **context)

    def cell(self, table: str, column: str, row: dict) -> str:
        if column == "period":
            start, end = row.get("period_start"), row.get("period_end")
            return f"{start or ''} – {end or ''}" if start or end else ""
        if column == "date":
            return row.get("date") or row.get("date_text") or ""
        value = row.get(column)
        if column == "amount_sek":
            return self.money(value)
        if (table, column) in VALUE_LABELS:
            return self.value(value, VALUE_LABELS[(table, column)])
        if isinstance(value, bool):
            return self.value(value, "bool")
        return "" if value is None else str(value)


def _pages(n: int, size: int) -> int:
    return max(1, -(-n // size))


def _chunks(items: list, size: int) -> Iterable[tuple[int, list]]:
    for number in range(1, _pages(len(items), size) + 1):
        yield number, items[(number - 1) * size: number * size]


class Report:
    """The report of one set of tables: computes each page's content and writes it."""

    def __init__(self, tables: dict[str, pd.DataFrame], pages: model.PageTexts,
                 renderer: Renderer, page_size: int, tables_dir: Path):
        self.r = renderer
        self.L = renderer.L
        self.page_size = page_size
        self.tables_dir = tables_dir
        self.documents = model.records(tables["documents"])
        self.doc_by_id = {}
        for row in self.documents:
            if model.is_doc_id(row["doc_id"]) and row["doc_id"] not in self.doc_by_id:
                self.doc_by_id[row["doc_id"]] = row
        sources = {d: row["source"] for d, row in self.doc_by_id.items()}
        self.facts = {name: model.by_doc(tables[name]) for name in model.FACT_TABLES}
        self.money = money_views(tables, renderer.L["ui"]["no_year"])
        self.pages = pages
        every_flag = model.flags(tables["flags"], sources)
        # dismissed flags (an analyst's false alarm) are listed apart from the open ones
        self.flags = [f for f in every_flag if f.decision != "dismissed"]
        self.dismissed = [f for f in every_flag if f.decision == "dismissed"]
        self.dismissed_of: dict[str, list[model.Flag]] = defaultdict(list)
        for flag in self.dismissed:
            self.dismissed_of[flag.doc_id].append(flag)
        self.commands = review.Commands(tables_dir)
        correction_rows = model.records(tables["corrections"]) if "corrections" in tables \
            else []
        self.corrections_of = review.by_document(correction_rows)
        self.correction_counts = review.status_counts(correction_rows)
        self.flags_of: dict[str, list[model.Flag]] = defaultdict(list)
        self.evidence_in: dict[str, list[tuple[model.Flag, model.Evidence]]] = defaultdict(list)
        for flag in self.flags:
            self.flags_of[flag.doc_id].append(flag)
            if flag.related_doc_id and flag.related_doc_id != flag.doc_id:
                self.flags_of[flag.related_doc_id].append(flag)
            for ev in flag.evidence:
                if ev.anchor:
                    self.evidence_in[ev.doc_id].append((flag, ev))
        known = self.doc_by_id
        self.links = [row for row in model.records(tables["links"])
                      if row["doc_id"] in known and row["related_doc_id"] in known]
        self.unlinked = model.unlinked_memos(tables)
        self.links_of: dict[str, list[dict]] = defaultdict(list)
        for link in self.links:
            self.links_of[link["doc_id"]].append(link)
            self.links_of[link["related_doc_id"]].append(link)

    # --- links between pages -------------------------------------------------------------
    @staticmethod
    def doc_href(root: str, doc_id: str, anchor: str = "") -> str:
        return f"{root}docs/{doc_id}.html" + (f"#{anchor}" if anchor else "")

    @staticmethod
    def compare_href(root: str, link: dict) -> str:
        return f"{root}compare/{link['doc_id']}_{link['related_doc_id']}.html"

    def doc_label(self, doc_id: str) -> str:
        """Its title with its file and format: the renderings of one agreement share a
        title ('Avtal – avtal.pdf (PDF)', '... avtal.docx (DOCX)')."""
        row = self.doc_by_id.get(doc_id)
        if not row:
            return doc_id[:12]
        file = f"{row['source']} ({self.file_format(row)})"
        return f"{row['title']} – {file}" if row["title"] else file

    def file_format(self, row: dict) -> str:
        fmt = (row.get("format") or Path(row.get("source") or "").suffix.lstrip(".")).upper()
        return f"{fmt}, {self.L['ui']['ocr']}" if row.get("ocr_pages") else fmt

    @staticmethod
    def org_href(root: str, organisation_id: str) -> str:
        return f"{root}orgs/{org_file(organisation_id)}"

    # --- flags ---------------------------------------------------------------------------
    def flag_view(self, flag: model.Flag, root: str) -> dict:
        target = flag.target
        href = (self.doc_href(root, target.doc_id, target.anchor) if target
                else self.doc_href(root, flag.doc_id))
        evidence = []
        for ev in flag.evidence:
            text = self.pages.text(ev.doc_id, ev.page)
            shown = None
            if text is not None and ev.char_start is not None and ev.char_end is not None:
                shown = snippet(text, ev.char_start, ev.char_end)
            if shown is None:
                shown = mark_value(ev.quote, ev.value) if ev.quote else Markup("")
            evidence.append({
                "ev": ev, "html": shown, "doc": self.doc_label(ev.doc_id),
                "href": self.doc_href(root, ev.doc_id, ev.anchor)
                if ev.doc_id in self.doc_by_id else "",
            })
        return {"flag": flag, "href": href if flag.doc_id in self.doc_by_id else "",
                "doc": self.doc_label(flag.doc_id),
                "related": self.doc_label(flag.related_doc_id) if flag.related_doc_id else "",
                "related_href": self.doc_href(root, flag.related_doc_id)
                if flag.related_doc_id in self.doc_by_id else "",
                "evidence": evidence}

    # --- overview ------------------------------------------------------------------------
    def overview(self) -> str:
        kinds, statuses, doc_counts = model.crosstab(
            [(row["kind"] or "", row["status"]) for row in self.documents])
        codes, severities, flag_counts = model.crosstab(
            [(flag.code, flag.severity) for flag in self.flags])
        severities.sort(key=lambda s: model.SEVERITY_ORDER.get(s, 9))
        years, series = self.year_series()
        chart = (charts.grouped_bars(years, series, self.r.money, self.L["ui"]["money_per_year"])
                 if years else None)
        relations = Counter(link["relation"] for link in self.links)
        return self.r.render(
            "overview.html.j2", "", active="overview",
            documents=len(self.documents), kinds=kinds, statuses=statuses, doc_counts=doc_counts,
            codes=codes, severities=severities, flag_counts=flag_counts,
            flag_total=len(self.flags),
            flags=[self.flag_view(f, "") for f in self.flags[:OVERVIEW_ROWS]],
            more_flags=len(self.flags) > OVERVIEW_ROWS,
            links=[self.link_view(link) for link in self.links[:OVERVIEW_ROWS]],
            link_total=len(self.links), relations=sorted(relations.items()),
            chart=chart, years=years, series=series, tables_dir=str(self.tables_dir),
            dismissed_total=len(self.dismissed), correction_counts=self.correction_counts)

    def year_series(self) -> tuple[list[str], list[charts.Series]]:
        """The archive's money per year: cash and in kind, side by side."""
        rows = self.money["by_year"]
        years = [r["year"] for r in rows]
        return years, [
            charts.Series(self.L["ui"]["cash"], charts.PALETTE[0],
                          {r["year"]: r["cash"] for r in rows}),
            charts.Series(self.L["ui"]["in_kind_money"], charts.PALETTE[1],
                          {r["year"]: r["in_kind"] for r in rows})]

    def funding_page(self) -> str:
        years, series = self.year_series()
        chart = charts.grouped_bars(years, series, self.r.money,
                                    self.L["ui"]["money_per_year"]) if years else None
        payers = [{**r, "href": self.org_href("", r["payer_id"])}
                  for r in self.money["by_payer"]]
        organisations = [{**r, "href": self.org_href("", r["organisation_id"])}
                         for r in self.money["by_organisation"]]
        return self.r.render("funding.html.j2", "", active="funding", years=self.money["by_year"],
                             chart=chart, payers=payers, organisations=organisations,
                             reasons=self.money["reasons"])

    # --- organisations -------------------------------------------------------------------
    def organisation_rows(self) -> list[dict]:
        totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for r in self.money["by_organisation"]:
            for key in ("received", "paid", "in_kind"):
                totals[r["organisation_id"]][key] += r[key] or 0
        rows = [{"received": 0, "paid": 0, "in_kind": 0, **org,
                 **totals.get(org["organisation_id"], {}),
                 "href": self.org_href("", org["organisation_id"])}
                for org in self.money["organisations"]]
        return sorted(rows, key=lambda r: (-(r.get("received", 0) + r.get("paid", 0)),
                                           r["name"]))

    def organisation_index_pages(self) -> Iterable[tuple[str, str]]:
        rows = self.organisation_rows()
        count = _pages(len(rows), self.page_size)
        for number, chunk in _chunks(rows, self.page_size):
            yield f"organisations-{number}.html", self.r.render(
                "organisations.html.j2", "", active="organisations", rows=chunk,
                total=len(rows), paging={"page": number, "pages": count,
                                         "stem": "organisations"})

    def organisation_page(self, org: dict) -> str:
        """An organisation: its money per year, its agreements over time, its flags."""
        root = "../"
        org_id = org["organisation_id"]
        years = [r for r in self.money["by_organisation"] if r["organisation_id"] == org_id]
        labels = [r["year"] for r in years]
        series = [charts.Series(self.L["ui"][key], colour, {r["year"]: r[field] or 0
                                                             for r in years})
                  for key, field, colour in (("received", "received", charts.PALETTE[0]),
                                             ("paid", "paid", charts.PALETTE[2]),
                                             ("in_kind_money", "in_kind", charts.PALETTE[1]))]
        series = [s for s in series if any(s.values.values())]
        chart = charts.grouped_bars(labels, series, self.r.money,
                                    self.L["ui"]["money_per_year_org"]) if series else None
        agreements = []
        for a in self.money["agreements_of"].get(org_id, []):
            agreements.append({**a, "label": self.doc_label(a["agreement_id"]),
                               "href": self.doc_href(root, a["agreement_id"])})
        agreements.sort(key=lambda a: (a["start_date"] or "9999", a["label"]))
        timeline = charts.timeline(
            [charts.Span(a["label"], a["start_date"], a["end_date"], a["href"],
                         a["status"] != "current") for a in agreements if a["start_date"]],
            self.L["ui"]["agreements_over_time"], self.L["ui"]["open_ended"])
        docs = self.money["documents_of"].get(org_id, set())
        flags = [self.flag_view(f, root) for f in self.flags
                 if f.doc_id in docs or f.related_doc_id in docs]
        return self.r.render("organisation.html.j2", root, active="organisations", org=org,
                             years=years, chart=chart, agreements=agreements,
                             timeline=timeline, flags=flags)

    def link_view(self, link: dict) -> dict:
        return {"link": link, "from": self.doc_label(link["doc_id"]),
                "to": self.doc_label(link["related_doc_id"]),
                "from_href": self.doc_href("", link["doc_id"]),
                "to_href": self.doc_href("", link["related_doc_id"]),
                "compare_href": self.compare_href("", link)}

    def link_pages(self) -> Iterable[tuple[str, str]]:
        count = _pages(len(self.links), self.page_size)
        for number, chunk in _chunks(self.links, self.page_size):
            yield f"links-{number}.html", self.r.render(
                "links.html.j2", "", active="links", links=[self.link_view(x) for x in chunk],
                paging={"page": number, "pages": count, "stem": "links"},
                link_total=len(self.links),
                unlinked=[self.unlinked_view(u) for u in self.unlinked] if number == 1 else [])

    def unlinked_view(self, memo: model.UnlinkedMemo) -> dict:
        candidate = memo.candidate_doc_id
        return {"memo": memo, "from": self.doc_label(memo.doc_id),
                "from_href": self.doc_href("", memo.doc_id),
                "to": self.doc_label(candidate) if candidate else "",
                "to_href": self.doc_href("", candidate) if candidate else ""}

    def flag_pages(self) -> Iterable[tuple[str, str]]:
        count = _pages(len(self.flags), self.page_size)
        for number, chunk in _chunks(self.flags, self.page_size):
            yield f"flags-{number}.html", self.r.render(
                "flags.html.j2", "", active="flags", flags=[self.flag_view(f, "") for f in chunk],
                paging={"page": number, "pages": count, "stem": "flags"},
                flag_total=len(self.flags),
                dismissed=[self.flag_view(f, "") for f in self.dismissed] if number == 1
                else [])

    def document_index_pages(self) -> Iterable[tuple[str, str]]:
        count = _pages(len(self.documents), self.page_size)
        flag_count = Counter(f.doc_id for f in self.flags)
        for number, chunk in _chunks(self.documents, self.page_size):
            rows = [{"doc": row, "flags": flag_count.get(row["doc_id"], 0),
                     "format": self.file_format(row),
                     "href": self.doc_href("", row["doc_id"])
                     if row["doc_id"] in self.doc_by_id else ""} for row in chunk]
            yield f"documents-{number}.html", self.r.render(
                "documents.html.j2", "", active="documents", rows=rows,
                paging={"page": number, "pages": count, "stem": "documents"},
                document_total=len(self.documents))

    # --- one document --------------------------------------------------------------------
    def fact_label(self, table: str, row: dict) -> str:
        values = [self.r.cell(table, c, row) for c in FACT_COLUMNS[table][:3]]
        text = ", ".join(v for v in values if v)
        rule = f" [{row['rule_id']}]" if row.get("rule_id") else ""
        return f"{self.L['table'][table]}: {text}{rule}"

    def document_page(self, doc_id: str) -> str:
        root = "../"
        doc = self.doc_by_id[doc_id]
        pages = self.pages.of(doc_id)
        lengths = {row["page"]: len(row["text"] or "") for row in pages}
        spans: dict[int, list[Span]] = defaultdict(list)
        facts = []
        for table in model.FACT_TABLES:
            rows = []
            for index, row in enumerate(self.facts[table].get(doc_id, [])):
                anchor = model.fact_anchor(table, index)
                start, end, page = row.get("char_start"), row.get("char_end"), row.get("page")
                fits = (page in lengths and start is not None and end is not None
                        and 0 <= start < end <= lengths[page])
                if fits:
                    spans[page].append(Span(start, end, anchor, self.fact_label(table, row),
                                            f"f-{table}"))
                rows.append({"anchor": anchor, "located": fits, "page": page,
                             "quote": row.get("quote") or "",
                             "cells": [self.r.cell(table, c, row) for c in FACT_COLUMNS[table]],
                             "origin": row.get("origin") or "extracted",
                             "correction_id": row.get("correction_id") or "",
                             "commands": self.commands.fact(
                                 table, row, self.facts[table].get(doc_id, []), doc["source"])})
            facts.append({"table": table, "columns": FACT_COLUMNS[table], "rows": rows,
                          "add": self.commands.add(table, doc["source"])})
        # One mark per evidence span, naming every flag that cites it.
        cited: dict[tuple, list[model.Flag]] = defaultdict(list)
        for flag, ev in self.evidence_in.get(doc_id, []):
            cited[(ev.page, ev.char_start, ev.char_end, ev.anchor)].append(flag)
        unplaced = sum(not row["located"] for fact in facts for row in fact["rows"])
        for (page, start, end, anchor), flags in cited.items():
            if not (page in lengths and 0 <= start < end <= lengths[page]):
                unplaced += 1
                continue
            label = " | ".join(dict.fromkeys(
                f"{self.L['table']['flags']} {f.code}: {f.message}" for f in flags))
            severity = min((f.severity for f in flags),
                           key=lambda s: model.SEVERITY_ORDER.get(s, 9))
            spans[page].append(Span(start, end, anchor, label, f"ev sev-{severity}"))
        text_pages = [{"number": row["page"], "ocr": bool(row["ocr"]),
                       "html": highlight(row["text"] or "", spans.get(row["page"], []))}
                      for row in pages]
        funding = []
        for group in model.sum_groups(self.facts["amounts"].get(doc_id, [])):
            parts = [charts.Part(self.fact_label("amounts", row), int(row["amount_sek"]),
                                 f"#{model.fact_anchor('amounts', i)}") for i, row in group.parts]
            total = int(group.total["amount_sek"])
            funding.append({
                "svg": charts.parts_bar(total, parts, self.r.money, (
                    self.L["ui"]["funding_bar"], self.L["ui"]["stated_total"],
                    self.L["ui"]["parts"])),
                "total": total, "parts_sum": group.parts_sum,
                "amount_id": group.total["amount_id"],
                "difference": group.parts_sum - total,
                "total_href": f"#{model.fact_anchor('amounts', group.total_index)}",
                "parts": [{"label": p.label, "value": p.value, "href": p.href} for p in parts],
            })
        related = []
        for link in self.links_of.get(doc_id, []):
            other = link["related_doc_id"] if link["doc_id"] == doc_id else link["doc_id"]
            related.append({"link": link, "outgoing": link["doc_id"] == doc_id,
                            "label": self.doc_label(other), "href": self.doc_href(root, other),
                            "compare_href": self.compare_href(root, link)})
        def decided(flag: model.Flag) -> dict:
            view = self.flag_view(flag, root)
            if flag.doc_id == doc_id:
                view["commands"] = self.commands.flag(flag, doc["source"])
            return view

        return self.r.render(
            "document.html.j2", root, active="documents", doc=doc, facts=facts,
            file_format=self.file_format(doc),
            flags=[decided(f) for f in self.flags_of.get(doc_id, [])],
            dismissed=[decided(f) for f in self.dismissed_of.get(doc_id, [])],
            corrections=self.corrections_of.get(doc_id, []),
            pages=text_pages, text_missing=not pages, funding=funding, related=related,
            unplaced=unplaced)

    # --- comparisons ---------------------------------------------------------------------
    def compare_page(self, link: dict) -> str:
        """`iop compare` of the pair (proposal -> agreement, or draft -> draft)."""
        from pipeline.report import comparisons

        root = "../"
        old, new = self.doc_by_id[link["doc_id"]], self.doc_by_id[link["related_doc_id"]]
        found = comparisons.comparison(old, new, self.facts, self.pages)
        between = sum({f.doc_id, f.related_doc_id} == {old["doc_id"], new["doc_id"]}
                      for f in self.flags_of.get(old["doc_id"], []))
        flags = f" · {self.L['ui']['flags']}: {between}" if between else ""
        return comparisons.page(found, {
            "root": root, "report": self.L["ui"]["report"],
            "old": self.doc_label(old["doc_id"]), "new": self.doc_label(new["doc_id"]),
            "old_href": self.doc_href(root, old["doc_id"]),
            "new_href": self.doc_href(root, new["doc_id"]),
            "relation": self.L["relation"].get(link["relation"], link["relation"]),
            "flags": flags})

    # --- writing -------------------------------------------------------------------------
    def files(self) -> Iterable[tuple[str, str]]:
        yield "index.html", self.overview()
        yield "funding.html", self.funding_page()
        yield from self.flag_pages()
        yield from self.link_pages()
        yield from self.document_index_pages()
        yield from self.organisation_index_pages()
        for org in self.money["organisations"]:
            yield f"orgs/{org_file(org['organisation_id'])}", self.organisation_page(org)
        for doc_id in self.doc_by_id:
            yield f"docs/{doc_id}.html", self.document_page(doc_id)
        for link in self.links:
            yield self.compare_href("", link), self.compare_page(link)


def org_file(organisation_id: str) -> str:
    """An organisation page's file name (ids hold spaces and ':')."""
    return hashlib.sha256(organisation_id.encode("utf-8")).hexdigest()[:16] + ".html"


def money_views(tables: dict[str, pd.DataFrame], no_year: str) -> dict:
    """The archive views as the report shows them (pipeline/archive): rows as dicts, a year
    of NULL as `no_year`, each organisation's agreements and documents."""
    def rows(name: str) -> list[dict]:
        out = model.records(tables[name])
        for row in out:
            if "year" in row:
                row["year"] = no_year if row["year"] is None else str(row["year"])
        return out

    by_year = [{"year": r["year"], "cash": r["cash_sek"] or 0, "in_kind": r["in_kind_sek"] or 0,
                "agreements": r["agreements"]} for r in rows("funding_by_year")]
    by_payer = [{**r, "payer": r["payer"] or r["payer_id"], "cash": r["cash_sek"] or 0,
                 "unallocated": r["unallocated_sek"] or 0, "in_kind": r["in_kind_sek"] or 0,
                 "units": r["units"] or ""} for r in rows("funding_by_payer_year")]
    by_organisation = [{**r, "organisation": r["organisation"] or r["organisation_id"],
                        "received": r["received_sek"] or 0, "paid": r["paid_sek"] or 0,
                        "in_kind": r["in_kind_sek"] or 0}
                       for r in rows("funding_by_organisation_year")]
    agreements_of: dict[str, list[dict]] = defaultdict(list)
    for a in model.records(tables["agreements"]):
        for ids in (a["partner_ids"], a["public_ids"]):
            for org in (ids or "").split(" | "):
                if org:
                    agreements_of[org].append(a)
    documents_of: dict[str, set[str]] = defaultdict(set)
    names = tables["organisation_names"]
    for doc, org in zip(names["doc_id"], names["organisation_id"], strict=True):
        if isinstance(org, str):
            documents_of[org].add(doc)
    amounts = tables["funding_amounts"]
    reasons = Counter(r for r in amounts["reason"].dropna()) if len(amounts) else Counter()
    return {"by_year": by_year, "by_payer": by_payer, "by_organisation": by_organisation,
            "organisations": model.records(tables["organisations"]),
            "agreements_of": agreements_of, "documents_of": documents_of,
            "reasons": sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))}


def build_report(tables_dir: Path, out: Path, lang: str = "sv",
                 page_size: int = 200, redact: str | None = None) -> ReportSummary:
    """Write the report of the tables in `tables_dir` to `out` (replaced as a whole).

    `out` must be absent, empty or an earlier report (its report.json lists its files);
    anything else is a ReportError before anything is written (pipeline.outdir), and one
    report is written at a time to one folder (outdir.Lock). With `redact` ("persons"),
    the tables and page texts are redacted first (pipeline.redact), unless the tables'
    manifest says they already are."""
    from pipeline import redact as redact_

    if page_size < 1:
        raise model.ReportError("page size must be at least 1")
    try:
        redact_.check_mode(redact)
    except ValueError as exc:
        raise model.ReportError(str(exc)) from None
    renderer = Renderer(lang)
    try:
        outdir.check_report(out, tables_dir)
    except outdir.OutDirError as exc:
        raise model.ReportError(str(exc)) from None
    tables = model.load_tables(tables_dir)
    pages = model.PageTexts.read(tables_dir)
    if redact and not redact_.already_redacted(tables_dir):
        tables, pages = redact_.redact_report_tables(tables, pages)
    report = Report(tables, pages, renderer, page_size, tables_dir)
    out = out.resolve()
    try:
        with outdir.Lock(out, "iop report"):
            files, size = _publish(report, out, tables_dir, lang, page_size, redact)
    except outdir.OutDirError as exc:
        raise model.ReportError(str(exc)) from None
    return ReportSummary(out=out, documents=len(report.documents),
                         document_pages=len(report.doc_by_id), flags=len(report.flags),
                         comparisons=len(report.links), files=files, bytes=size)


def _publish(report: Report, out: Path, tables_dir: Path, lang: str, page_size: int,
             redact: str | None = None) -> tuple[int, int]:
    """Write every page to a staging folder beside `out` and swap it in; (files, bytes)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    store.remove_stale_staging(out)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    store.remove(staging)
    folders = ["docs", "compare", "orgs"]
    for folder in folders:
        (staging / folder).mkdir(parents=True)
    names: list[str] = []
    size = 0
    try:
        for name, html in report.files():
            data = html.encode("utf-8")
            (staging / name).write_bytes(data)
            names.append(name)
            size += len(data)
        meta = {"tool": outdir.REPORT,
                "written": datetime.now(UTC).isoformat(timespec="seconds"),
                "tables": str(tables_dir.resolve()), "lang": lang, "page_size": page_size,
                "documents": len(report.documents), "flags": len(report.flags),
                "bytes": size, "folders": folders, "files": names,
                **({"redacted": redact} if redact else {})}
        (staging / MARKER).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        store.publish(staging, out, outdir.REPORT_OUT)
    finally:
        store.remove(staging)
    return len(names), size


__all__ = ["build_report", "ReportSummary", "Renderer"]
