"""Comparison pages: `iop compare --html` for each linked pair, built from the tables.

The facts come from the extracted tables (the ones the rest of the report shows) and the
wording from the pages table, so nothing is read or extracted twice; the page itself is
compare's own (pipeline.compare.render.to_html), with a bar on top that leads back into
the report.
"""

from __future__ import annotations

from markupsafe import Markup

from pipeline.compare import Comparison, DocumentInfo, mode_for
from pipeline.compare.fields import fields_diff
from pipeline.compare.render import to_html
from pipeline.compare.wording import wording_diff
from pipeline.normalize import normalize
from pipeline.records import Page
from pipeline.report.model import PageTexts

# A div, not a nav or header: compare's stylesheet styles those for its own layout.
_BAR = Markup(
    '<div role="navigation" class="iop-report-bar" style="padding:.5rem 1.5rem;'
    'background:#14325a;color:#fff;font:14px system-ui,sans-serif">'
    '<a style="color:#fff;font-weight:600;margin-right:1.2rem" href="{root}index.html">{report}'
    '</a><a style="color:#dfe8f5" href="{old_href}">{old}</a> {relation} '
    '<a style="color:#dfe8f5" href="{new_href}">{new}</a>{flags}</div>')


def info(row: dict) -> DocumentInfo:
    return DocumentInfo(row["source"], row["doc_id"], row["kind"] or "other", row["title"] or "",
                        int(row["pages"] or 0), row["format"] or "")


def comparison(old: dict, new: dict, facts: dict[str, dict[str, list[dict]]],
               pages: PageTexts) -> Comparison:
    """What `iop compare OLD NEW` finds, from the documents' rows, facts and page texts.

    As in `iop compare`, the wording is compared for drafts and not for a memo against
    its agreement.
    """
    mode = mode_for(old["kind"], new["kind"])
    tables = [{name: rows.get(row["doc_id"], []) for name, rows in facts.items()}
              for row in (old, new)]
    old_clean, new_clean = (
        normalize([Page(p["page"], p["text"], bool(p["ocr"])) for p in pages.of(row["doc_id"])])
        for row in (old, new))
    return Comparison(
        old=info(old), new=info(new), mode=mode,
        fields=fields_diff(tables[0], tables[1], mode),
        wording=wording_diff(old_clean.text, new_clean.text) if mode == "drafts" else None,
        old_clean=old_clean, new_clean=new_clean)


# compare's page has no script: forbid any, as the report's other pages do for foreign ones.
CSP = Markup('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
             'img-src data:; style-src \'unsafe-inline\'">')


def page(found: Comparison, bar: dict) -> str:
    """compare's HTML page with the report's policy in <head> and its bar after <body>."""
    html = to_html(found)
    html = html.replace("<head>", f"<head>\n{CSP}", 1)
    return html.replace("<body>", f"<body>\n{_BAR.format(**bar)}", 1)
