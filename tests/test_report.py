"""The HTML report built from small tables: pages, highlights, links, escaping, languages."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import Markup

from pipeline import schemas, store
from pipeline.report import ReportError, build_report, charts, comparisons, model
from pipeline.report.build import org_file
from pipeline.report.highlight import Span, highlight, mark_value, snippet
from tests import report_tables as rt
from tests.conftest import SEEDS
from tests.test_cli import run

# --- highlight: text + spans -> HTML ------------------------------------------------------
S = Span  # (start, end, anchor, label, css)
HIGHLIGHTS = [
    # one span
    ("ab 300 kr cd", [S(3, 9, "f-a-0", "Belopp", "f")],
     'ab <mark class="hl f" id="f-a-0" data-label="Belopp">300 kr</mark> cd'),
    # identical spans: both get their own element and id (fact + flag evidence)
    ("x 5 kr", [S(2, 6, "f-a-0", "A", "f"), S(2, 6, "ev-1-2-6", "F", "ev")],
     'x <mark class="hl f" id="f-a-0" data-label="A"><mark class="hl ev" id="ev-1-2-6" '
     'data-label="F">5 kr</mark></mark>'),
    # nested: the longer span encloses the shorter
    ("abcdef", [S(1, 3, "in", "I", "f"), S(0, 6, "out", "O", "f")],
     '<mark class="hl f" id="out" data-label="O">a<mark class="hl f" id="in" data-label="I">bc'
     '</mark>def</mark>'),
    # crossing: the second is closed and reopened (without a second id)
    ("abcdef", [S(0, 4, "one", "1", "f"), S(2, 6, "two", "2", "f")],
     '<mark class="hl f" id="one" data-label="1">ab<mark class="hl f" id="two" data-label="2">'
     'cd</mark></mark><mark class="hl f" data-label="2">ef</mark>'),
    # offsets outside the text are ignored, empty spans too
    ("abc", [S(2, 9, "bad", "B", "f"), S(1, 1, "empty", "E", "f")], "abc"),
    # untrusted text and labels are escaped
    ("<script>x</script>", [S(8, 9, "s", 'a"><script>', "f")],
     '&lt;script&gt;<mark class="hl f" id="s" data-label="a&#34;&gt;&lt;script&gt;">x</mark>'
     '&lt;/script&gt;'),
]


@pytest.mark.parametrize("text,spans,html", HIGHLIGHTS)
def test_highlight(text, spans, html):
    assert str(highlight(text, spans)) == html


def test_highlight_keeps_the_text():
    text = "Kommunen bidrar med 200 000 kr & <b>mer</b>."
    spans = [S(20, 30, "a", "x", "f"), S(0, 8, "b", "y", "f"), S(24, 40, "c", "z", "f")]
    html = str(highlight(text, spans))
    assert Markup(re.sub(r"<[^>]+>", "", html)).unescape() == text


# --- snippet: one line of context with the span marked ------------------------------------
SNIPPETS = [
    ("Kommunen bidrar med 200 000 kr per år.", 20, 30, 70,
     'Kommunen bidrar med <mark class="hl ev">200 000 kr</mark> per år.'),
    ("aaa bbb ccc\nddd 5 kr eee fff ggg", 16, 20, 6,
     '… ddd <mark class="hl ev">5 kr</mark> eee …'),
    ("<i>5</i>", 3, 4, 70, '&lt;i&gt;<mark class="hl ev">5</mark>&lt;/i&gt;'),
]


@pytest.mark.parametrize("text,start,end,width,html", SNIPPETS)
def test_snippet(text, start, end, width, html):
    assert str(snippet(text, start, end, width)) == html


@pytest.mark.parametrize("start,end", [(5, 99), (-1, 2), (3, 3)])
def test_snippet_of_bad_offsets_is_none(start, end):
    assert snippet("kort text", start, end) is None


# quote, flagged value -> the value marked in the quote
MARKS = [
    ("300 500 kr", 300500, '<mark class="hl ev">300 500</mark> kr'),
    ("med 160\u00a0000 kronor", 160000, 'med <mark class="hl ev">160\u00a0000</mark> kronor'),
    ("2022-11-xx", "2022-11-xx", '<mark class="hl ev">2022-11-xx</mark>'),
    ("1 300 500 kr", 300500, '<mark class="hl ev">1 300 500 kr</mark>'),  # not a part of 1300500
    ("ingen träff", 42, '<mark class="hl ev">ingen träff</mark>'),
]


@pytest.mark.parametrize("quote,value,html", MARKS)
def test_mark_value(quote, value, html):
    assert str(mark_value(quote, value)) == html


# --- model --------------------------------------------------------------------------------
EVIDENCE = [
    (json.dumps([{"doc_id": rt.MEMO, "page": 2, "char_start": 5, "char_end": 9, "quote": "q"}]),
     [(rt.MEMO, 2, 5, 9, "ev-2-5-9")]),
    ('{"page": 1, "char_start": 0, "char_end": 3}', [(rt.AGREEMENT, 1, 0, 3, "ev-1-0-3")]),
    ('[{"doc_id": "../../etc", "quote": "q"}]', [(rt.AGREEMENT, None, None, None, "")]),
    ("not json", [(rt.AGREEMENT, None, None, None, "")]),
    ("", []),
]


@pytest.mark.parametrize("text,parsed", EVIDENCE)
def test_parse_evidence(text, parsed):
    got = model.parse_evidence(text, rt.AGREEMENT)
    assert [(e.doc_id, e.page, e.char_start, e.char_end, e.anchor) for e in got] == parsed


def _amount(amount_id, value, part_of="", role="contribution", **extra):
    return {"doc_id": rt.AGREEMENT, "amount_id": amount_id, "amount_sek": value,
            "part_of": part_of, "role": role, "payer": "Kommunen", "payee": "Föreningen",
            "period_start": "2023-01-01", "period_end": None, "in_kind": False, **extra}


# amounts of one document -> (stated amount, its parts) per group
SUM_GROUPS = [
    ([_amount("a1", 300, role="total"), _amount("a2", 100, "a1"), _amount("a3", 150, "a1"),
      _amount("a4", 999)], [(300, [100, 150])]),
    # a split restated later in the text counts once
    ([_amount("a1", 300, role="cost"), _amount("a2", 100, "a1"), _amount("a3", 200, "a1"),
      _amount("a4", 200, "a1"), _amount("a5", 100, "a1")], [(300, [100, 200])]),
    # a contribution that is itself divided into allocations: two groups
    ([_amount("a1", 500, role="total"), _amount("a2", 300, "a1"),
      _amount("a3", 200, "a2", role="allocation", payee="B"),
      _amount("a4", 100, "a2", role="allocation", payee="C")],
     [(500, [300]), (300, [200, 100])]),
    ([_amount("a1", 300, role="total"), _amount("a2", 100)], []),
    ([_amount("a1", 100, "a9")], []),  # a part of an amount that is not there
]


@pytest.mark.parametrize("amounts,groups", SUM_GROUPS)
def test_sum_groups(amounts, groups):
    got = model.sum_groups(amounts)
    assert [(g.total["amount_sek"], [r["amount_sek"] for _, r in g.parts]) for g in got] == groups


@pytest.mark.parametrize("largest,step", [(0, 1), (7, 2), (350_000, 100_000),
                                          (1_200_000, 500_000), (90, 50)])
def test_nice_step(largest, step):
    assert charts.nice_step(largest) == step


def test_stacked_series_keeps_the_largest_and_merges_the_rest():
    totals = {("2023", f"p{i}"): 10 * (i + 1) for i in range(12)}
    series = charts.stacked_series(totals, "Övriga")
    assert len(series) == charts.TOP_SERIES
    assert series[0].label == "p11"
    assert series[-1].label == "Övriga (5)"
    assert series[-1].values == {"2023": sum(10 * (i + 1) for i in range(5))}


# --- the built report ---------------------------------------------------------------------
class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("report")
    tables = rt.write(base / "tables")
    build_report(tables, base / "report", page_size=2)
    return base / "report"


def test_files_of_the_report(report):
    names = {p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file()}
    organisations = model.load_tables(report.parent / "tables")["organisations"]
    assert len(organisations) == 5  # the municipality, the förening, three hostile names
    assert names == {
        "index.html", "report.json", "funding.html", "links-1.html", "flags-1.html",
        "flags-2.html", "documents-1.html", "organisations-1.html", "organisations-2.html",
        "organisations-3.html",
        "documents-2.html", f"docs/{rt.AGREEMENT}.html", f"docs/{rt.MEMO}.html",
        f"docs/{rt.HOSTILE}.html", f"compare/{rt.MEMO}_{rt.AGREEMENT}.html",
        *(f"orgs/{org_file(org)}" for org in organisations["organisation_id"])}


def test_overview_lists_counts_links_chart_and_flags(report):
    html = (report / "index.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "Översikt" in html
    assert "MEMO_AGREEMENT_MISMATCH" in html and "SUM_MISMATCH" in html
    assert "Tjänsteskrivelsen anger 250 000 kr men överenskommelsen 200 000 kr." in html
    listed = html[html.index('id="flag-list"'):]
    # the most severe flag first
    assert listed.index("MEMO_AGREEMENT_MISMATCH") < listed.index("SUM_MISMATCH") \
        < listed.index("PLACEHOLDER")
    assert f'href="compare/{rt.MEMO}_{rt.AGREEMENT}.html"' in html
    assert "<svg" in html and "Pengar per år i arkivet" in html  # the money per year chart
    tags = parse(report / "index.html").tags
    flag_links = [a["href"] for tag, a in tags if tag == "a" and a.get("class") == "flag-message"]
    start = rt.AGREEMENT_PAGES[0].index("200 000 kr")
    assert flag_links[0] == f"docs/{rt.AGREEMENT}.html#ev-1-{start}-{start + 10}"


def test_flag_evidence_shows_both_quotes_with_the_value_marked(report):
    html = (report / "flags-1.html").read_text(encoding="utf-8")
    assert 'med <mark class="hl ev">200 000 kr</mark> per år' in html
    assert 'bidra med <mark class="hl ev">250 000 kr</mark> per år.' in html
    assert f'href="docs/{rt.MEMO}.html#ev-1-' in html
    assert 'href="flags-2.html"' in html  # three flags, two per page


def test_document_page_highlights_every_value_in_place(report):
    page = report / "docs" / f"{rt.AGREEMENT}.html"
    html = page.read_text(encoding="utf-8")
    marks = {a["id"]: a for tag, a in parse(page).tags if tag == "mark" and "id" in a}
    expected = {"f-parties-0", "f-amounts-0", "f-amounts-1", "f-amounts-2", "f-periods-0",
                "f-signatories-0"}
    assert expected <= set(marks)
    assert marks["f-amounts-0"]["data-label"] == \
        "Belopp: 200\u00a0000\u00a0kr, Linköpings kommun, Föreningen Hopp [amount.test]"
    for anchor in ("f-amounts-0", "f-signatories-0"):
        assert f'href="#{anchor}"' in html  # the fact row links to its highlight
    ev = [i for i in marks if i.startswith("ev-")]
    assert len(ev) == 2  # the mismatch's and the sum's evidence in this document
    assert re.search(r'id="f-signatories-0"[^>]*>Anna Andersson</mark>', html)
    assert 'class="funding-bar"' in html and "Skillnad: -50\u00a0000\u00a0kr" in html


def test_document_page_shows_the_memo_date_and_where_it_was_read(report):
    html = (report / "docs" / f"{rt.MEMO}.html").read_text(encoding="utf-8")
    assert re.search(r"<th>Daterad</th><td>2022-10-19 .*sidan 1: \"2022-10-19\".*"
                     r"document_date\.header", html)
    assert "<th>Daterad</th>" not in (report / "docs" / f"{rt.AGREEMENT}.html").read_text(
        encoding="utf-8")


def test_offsets_outside_the_text_are_listed_not_highlighted(report):
    html = (report / "docs" / f"{rt.MEMO}.html").read_text(encoding="utf-8")
    assert 'id="f-amounts-0"' in html and 'id="f-amounts-1"' not in html
    assert "ej hittad i texten" in html


def test_the_related_document_marks_its_evidence_too(report):
    start = rt.MEMO_PAGES[0].index("250 000 kr")
    page = report / "docs" / f"{rt.MEMO}.html"
    marks = {a["id"]: a for tag, a in parse(page).tags if tag == "mark" and "id" in a}
    label = marks[f"ev-1-{start}-{start + 10}"]["data-label"]
    assert label.startswith("Flagga MEMO_AGREEMENT_MISMATCH: Tjänsteskrivelsen anger")


def test_document_index_pages_and_unreadable_files(report):
    first = (report / "documents-1.html").read_text(encoding="utf-8")
    second = (report / "documents-2.html").read_text(encoding="utf-8")
    assert "Sida 1 av 2" in first and 'href="documents-2.html"' in first
    assert "trasig.pdf" in second and "DAMAGED" in second and "docs/.html" not in second


def test_comparison_page_is_compare_with_a_bar_back_into_the_report(report):
    page = report / "compare" / f"{rt.MEMO}_{rt.AGREEMENT}.html"
    html = page.read_text(encoding="utf-8")
    bar = html[html.index('<div role="navigation" class="iop-report-bar"'):]
    bar = bar[:bar.index("</div>")]
    assert 'href="../index.html"' in bar and "föreslår" in bar and "Flaggor: 1" in bar
    # the title with the file and its format: renderings of one document share a title
    assert f'href="../docs/{rt.MEMO}.html">Tjänsteskrivelse IOP – memo.docx (DOCX)</a>' in bar
    assert re.search(r'<tr class="changed"><td>Belopp</td><td>250 000 kr.*?</td>\s*<td>200 000 kr',
                     html, re.S)  # compare pairs the memo's amount with the agreement's


def test_comparison_page_is_what_iop_compare_writes(tmp_path, shared):
    """The report's page for a memo and its agreement = `iop compare --html`, plus the bar."""
    memo, agreement = SEEDS / "002_2b68fa102c319169.txt", SEEDS / "000_d3bc919bb2a10656.txt"
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (memo, agreement):
        (raw / path.name).write_bytes(path.read_bytes())
    assert run("extract", str(raw), "--out", str(tmp_path / "t"), "--no-cache").returncode == 0
    frames = {name: store.read_table(tmp_path / "t", name) for name in schemas.TABLES}
    docs = dict(zip(frames["documents"]["source"], frames["documents"]["doc_id"], strict=True))
    link = {"doc_id": docs[memo.name], "related_doc_id": docs[agreement.name],
            "relation": "proposes", "score": 1.0}
    frames["links"] = schemas.frame("links", [link])
    store.write_tables(frames, tmp_path / "tables", {})
    build_report(tmp_path / "tables", tmp_path / "report")
    ours = (tmp_path / "report" / "compare" / f"{link['doc_id']}_{link['related_doc_id']}.html"
            ).read_text(encoding="utf-8")
    assert run("compare", str(memo), str(agreement), "--html", str(tmp_path / "c.html")
               ).returncode in (0, 1)
    theirs = (tmp_path / "c.html").read_text(encoding="utf-8")
    bar = re.compile(r'<div role="navigation" class="iop-report-bar".*?</div>\n', re.S)
    ours = bar.sub("", ours, count=1).replace(f"{comparisons.CSP}\n", "", 1)
    assert ours == theirs


def test_documents_cannot_inject_script_or_markup(report):
    """Every string from a document is escaped; only the report's own script may run."""
    for page in report.rglob("*.html"):
        parsed = parse(page)
        csp = next(a["content"] for tag, a in parsed.tags
                   if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
        assert "default-src 'none'" in csp, page
        if page.parent.name == "compare":  # compare's page has no script: none may run
            assert parsed.scripts == [] and "script-src" not in csp, page
            continue
        assert len(parsed.scripts) == 1, page
        digest = base64.b64encode(hashlib.sha256(parsed.scripts[0].encode()).digest()).decode()
        assert f"script-src 'sha256-{digest}'" in csp
        assert not [tag for tag, a in parsed.tags if tag == "img"], page
        assert not [a for _, a in parsed.tags if any(k.startswith("on") for k in a)], page
    hostile = (report / "docs" / f"{rt.HOSTILE}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in hostile
    assert "&lt;/mark&gt;&lt;/pre&gt;slut." in hostile


def test_nothing_is_fetched_from_the_network(report):
    for page in report.rglob("*.html"):
        for tag, attrs in parse(page).tags:
            assert "src" not in attrs and tag not in ("link", "iframe", "object"), (page, tag)
            href = attrs.get("href", "")
            assert not re.match(r"[a-z]+:", href), (page, href)  # relative links only


def test_english_labels(tmp_path):
    tables = rt.write(tmp_path / "tables")
    build_report(tables, tmp_path / "report", lang="en")
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Overview" in html and "Översikt" not in html
    doc = (tmp_path / "report" / "docs" / f"{rt.AGREEMENT}.html").read_text(encoding="utf-8")
    assert "SEK\u00a0200,000" in doc and "Amounts (3)" in doc


def test_both_languages_have_the_same_labels():
    def keys(lang):
        path = Path(model.__file__).parent / "labels" / f"{lang}.toml"
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return {f"{section}.{key}" for section, values in data.items() if isinstance(values, dict)
                for key in values}
    assert keys("sv") == keys("en")


def test_report_of_empty_tables_and_without_pages(tmp_path):
    tables = rt.write(tmp_path / "tables", {"documents": rt.rows()["documents"][:1]})
    summary = build_report(tables, tmp_path / "report")
    assert summary.documents == 1 and summary.flags == 0
    html = (tmp_path / "report" / "docs" / f"{rt.AGREEMENT}.html").read_text(encoding="utf-8")
    assert "tabellen pages saknas" in html
    assert "Inga flaggor." in (tmp_path / "report" / "index.html").read_text(encoding="utf-8")


def test_a_new_report_replaces_the_old_one_whole(tmp_path):
    """Pages of documents no longer in the tables go (the old report listed them)."""
    tables = rt.write(tmp_path / "tables")
    out = tmp_path / "report"
    build_report(tables, out)
    assert (out / "docs" / f"{rt.MEMO}.html").exists()
    fewer = rt.write(tmp_path / "fewer", {"documents": rt.rows()["documents"][:1]})
    build_report(fewer, out)
    assert not (out / "docs" / f"{rt.MEMO}.html").exists()
    assert (out / "docs" / f"{rt.AGREEMENT}.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fewer", "report", "tables"]


def test_a_file_put_into_a_report_is_kept(tmp_path):
    tables = rt.write(tmp_path / "tables")
    out = tmp_path / "report"
    build_report(tables, out)
    (out / "docs" / "notes.html").write_text("mine")
    with pytest.raises(ReportError, match=r"holds files iop did not write \(docs/notes.html\)"):
        build_report(tables, out)
    assert (out / "docs" / "notes.html").read_text() == "mine"


@pytest.mark.parametrize("problem", ["no tables", "not a report", "language"])
def test_usage_problems_raise_and_touch_nothing(tmp_path, problem):
    tables = rt.write(tmp_path / "tables")
    out = tmp_path / "out"
    if problem == "no tables":
        tables = tmp_path / "missing"
    if problem == "not a report":
        out.mkdir()
        (out / "precious.csv").write_text("keep me")
    with pytest.raises(ReportError):
        build_report(tables, out, lang="fi" if problem == "language" else "sv")
    if problem == "not a report":
        assert (out / "precious.csv").read_text() == "keep me"
    else:
        assert not out.exists()


# --- the command --------------------------------------------------------------------------
def test_report_help_has_an_example():
    result = run("report", "--help")
    assert result.returncode == 0
    assert "Example: iop report" in result.stdout and "--lang" in result.stdout


def test_report_command_writes_and_exits_0(tmp_path):
    tables = rt.write(tmp_path / "tables")
    result = run("report", "--tables", str(tables), "--out", str(tmp_path / "r"), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "3 flags" in result.stdout
    assert (tmp_path / "r" / "index.html").exists()


def test_report_command_without_tables_is_a_usage_error(tmp_path):
    result = run("report", "--tables", str(tmp_path / "none"), "--out", str(tmp_path / "r"))
    assert result.returncode == 2
    assert "run iop extract first" in result.stderr and "Traceback" not in result.stderr


def test_money_in_swedish():
    from pipeline.report.build import money_formatter

    money = money_formatter("sv")
    assert [money(v) for v in (0, 1500, 300500, -50000, None, pd.NA)] == [
        "0\u00a0kr", "1\u00a0500\u00a0kr", "300\u00a0500\u00a0kr", "-50\u00a0000\u00a0kr", "", ""]


def test_overview_lists_the_first_rows_and_links_to_the_rest(tmp_path, monkeypatch):
    from pipeline.report import build as report_build

    monkeypatch.setattr(report_build, "OVERVIEW_ROWS", 1)
    build_report(rt.write(tmp_path / "tables"), tmp_path / "report")
    html = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    listed = html[html.index('id="flag-list"'):]
    assert listed.count("<article") == 1 and "Visa alla flaggor (3)" in listed
    assert (tmp_path / "report" / "flags-1.html").read_text().count("<article") == 3


def test_funding_page_spreads_the_agreement_over_its_years_and_counts_in_kind_apart(report):
    """200 000 kr for 2023-04-01..2024-03-31: nine months in 2023, three in 2024; the
    memo's 250 000 kr (it proposes the agreement) is not counted again; the in-kind
    100 000 kr stands in its own column."""
    html = (report / "funding.html").read_text(encoding="utf-8")
    kr = "\u00a0000\u00a0kr"
    assert f'<tr><td>2023</td><td class="num">150{kr}</td><td class="num">75{kr}</td>' in html
    assert f'<tr><td>2024</td><td class="num">50{kr}</td><td class="num">25{kr}</td>' in html
    assert re.search(r'<td>2023</td><td><a href="orgs/\w+\.html">Linköpings kommun</a></td>'
                     rf'<td></td><td class="num">150{kr}</td>', html)
    assert "beslutsförslag till en överenskommelse i arkivet" in html  # why 250 000 is not
    links = (report / "links-1.html").read_text(encoding="utf-8")
    assert "föreslår" in links and f"compare/{rt.MEMO}_{rt.AGREEMENT}.html" in links


# --- the archive's pages: funding, organisations, and words that do not run together -------

def _text(html: str) -> str:
    """The text a reader sees (HTML tags dropped; block tags as line breaks)."""
    parts: list[str] = []

    class Text(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in ("li", "p", "tr", "td", "th", "div", "h1", "h2", "br"):
                parts.append("\n")

        def handle_data(self, data):
            parts.append(data)

    Text().feed(html)
    return "".join(parts)


@pytest.mark.parametrize("page", ["index.html", "funding.html", "organisations-1.html",
                                  f"docs/{rt.AGREEMENT}.html"])
def test_every_page_links_the_funding_and_organisation_pages(report, page):
    html = (report / page).read_text(encoding="utf-8")
    nav = html[html.index("<nav>"):html.index("</nav>")]
    root = "../" if "/" in page else ""
    assert f'href="{root}funding.html"' in nav and f'href="{root}organisations-1.html"' in nav


@pytest.mark.parametrize("page,words", [
    (f"docs/{rt.AGREEMENT}.html", "föreslås av Tjänsteskrivelse IOP – memo.docx (DOCX)"),
    (f"docs/{rt.MEMO}.html", "föreslår Överenskommelse om IOP med Föreningen Hopp – avtal.pdf"),
])
def test_a_relation_and_the_title_after_it_do_not_run_together(report, page, words):
    lines = [" ".join(line.split()) for line in _text(
        (report / page).read_text(encoding="utf-8")).splitlines()]
    assert any(line.startswith(words) for line in lines)


def test_an_organisation_page_shows_its_money_agreements_and_flags(report):
    html = (report / "orgs" / org_file("kommun:0580")).read_text(encoding="utf-8")
    text = " ".join(_text(html).split())
    assert "<h1>Linköpings kommun</h1>" in html and html.count("<svg") == 2  # money, timeline
    assert "2023 0 kr 150 000 kr 0 kr" in text.replace("\u00a0", " ")  # paid, nine months
    assert f'href="../docs/{rt.AGREEMENT}.html"' in html
    assert "MEMO_AGREEMENT_MISMATCH" in html  # a flag of a document that names it
