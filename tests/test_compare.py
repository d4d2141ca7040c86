"""compare_documents on real documents: the seeds, their renderings, and planted changes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.compare import compare_documents, mode_for
from pipeline.compare.render import print_terminal, redline, to_html, to_json
from pipeline.ingest import read_document
from tests.conftest import RENDERING_PAIRS, SEEDS

AGREEMENT = SEEDS / "000_d3bc919bb2a10656.txt"
PDF_LAYOUT = SEEDS / "001_088b6c7d61ba9907.txt"
MEMO = SEEDS / "002_2b68fa102c319169.txt"


def read(path: Path):
    return read_document(path, path.name)


def planted(tmp_path: Path, source: Path, old: str, new: str, name: str = "planted.txt"):
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {source.name}"
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return read(path)


def fields(comparison) -> list[tuple]:
    return [(c.table, c.status, c.changed) for c in comparison.field_changes]


def wording(comparison) -> list[tuple]:
    return [(c.kind, c.old_text, c.new_text, c.section) for c in comparison.wording.changes]


def test_000_vs_001_no_field_change_and_exactly_the_two_word_changes(shared):
    comparison = compare_documents(read(AGREEMENT), read(PDF_LAYOUT))
    assert comparison.mode == "drafts"
    assert fields(comparison) == []
    assert [(kind, old, new) for kind, old, new, _ in wording(comparison)][1:] == [
        ("replace", "inget", "inger"), ("replace", "gruppleddare", "gruppledare")]
    title_block = comparison.wording.changes[0]
    assert title_block.kind == "delete" and title_block.section == ""
    assert title_block.old_text.count("\n\n") == 2  # the three title lines, once
    assert comparison.different


@pytest.mark.parametrize("old,new", RENDERING_PAIRS, ids=lambda p: p.name)
def test_pdf_docx_txt_of_one_document_are_equal(old, new, shared):
    comparison = compare_documents(read(old), read(new))
    assert fields(comparison) == []
    assert comparison.wording.changes == []
    assert not comparison.different
    assert comparison.fields  # there were facts to compare


# (what is planted in 000: old text, new text; expected field changes; expected wording)
PLANTED = [
    pytest.param(
        "med 300 500 kr för perioden", "med 350 500 kr för perioden",
        [("amounts", "changed", ["amount_sek"])],
        [("replace", "300 500", "350 500", "Ekonomi")], id="amount"),
    pytest.param(
        "till och med 2024-03-31. Om någon", "till och med 2025-03-31. Om någon",
        [("periods", "changed", ["end_date"])],
        [("replace", "2024-03-31", "2025-03-31", "Period för överenskommelsen")],
        id="end-date"),
    pytest.param(
        "Svenska kyrkan, Linköpings Domkyrkopastorat, organisationsnummer",
        "Svenska kyrkan, Linköpings pastorat, organisationsnummer",
        [("parties", "renamed", ["name"])],
        [("replace", "Domkyrkopastorat", "pastorat", "Aktörer i överenskommelsen")],
        id="party-renamed"),
    pytest.param(
        "Uppföljningen dokumenteras.",
        "Uppföljningen dokumenteras. Protokollen sparas i tio år.",
        [],
        [("insert", "", "Protokollen sparas i tio år", "Uppföljning")],
        id="sentence-inserted"),
]


@pytest.mark.parametrize("old,new,expected_fields,expected_wording", PLANTED)
def test_planted_change_is_reported_once(tmp_path, old, new, expected_fields,
                                         expected_wording, shared):
    comparison = compare_documents(read(AGREEMENT), planted(tmp_path, AGREEMENT, old, new))
    assert fields(comparison) == expected_fields
    assert wording(comparison) == expected_wording


def test_planted_amount_message_names_the_amounts(tmp_path, shared):
    comparison = compare_documents(read(AGREEMENT), planted(
        tmp_path, AGREEMENT, "med 300 500 kr för perioden", "med 350 500 kr för perioden"))
    (change,) = comparison.field_changes
    assert change.message.startswith("Belopp ändrat: 300 500 kr → 350 500 kr")
    assert (change.old["amount_sek"], change.new["amount_sek"]) == (300500, 350500)
    assert change.new["quote"] == "350 500 kr"  # provenance travels with the row


def test_party_renamed_throughout_is_one_field_change(tmp_path, shared):
    text = AGREEMENT.read_text(encoding="utf-8")
    path = tmp_path / "renamed.txt"
    path.write_text(text.replace("Domkyrkopastorat", "Pastorat").replace(
        "domkyrkopastorat", "pastorat"), encoding="utf-8")
    comparison = compare_documents(read(AGREEMENT), read(path))
    assert [(c.table, c.status) for c in comparison.field_changes] == [("parties", "renamed")]
    assert len(comparison.wording.changes) > 5  # every place it is written


def test_moved_paragraph_is_reported_once_as_a_move(tmp_path, shared):
    text = AGREEMENT.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("Samtalen med föräldrarna"))
    moved = text.replace(paragraph + "\n\n", "").replace(
        "Uppföljning\n\n", f"Uppföljning\n\n{paragraph}\n\n")
    path = tmp_path / "moved.txt"
    path.write_text(moved, encoding="utf-8")
    comparison = compare_documents(read(AGREEMENT), read(path))
    assert fields(comparison) == []
    (change,) = comparison.wording.changes
    assert (change.kind, change.from_section, change.section) == (
        "move", "Barn i Väntan/Barn i Start (BIV/BIS)", "Uppföljning")
    assert change.new_text.startswith("Samtalen med föräldrarna")


def test_change_planted_in_the_pdf_layout_text_is_found_beside_the_layout(tmp_path, shared):
    """001 wraps "300 500\\nkr": the planted amount is one more change, nothing else."""
    comparison = compare_documents(read(AGREEMENT), planted(
        tmp_path, PDF_LAYOUT, "med 300 500 \nkr", "med 350 500 \nkr"))
    assert fields(comparison) == [("amounts", "changed", ["amount_sek"])]
    assert [(c.old_text, c.new_text) for c in comparison.wording.changes][1:] == [
        ("inget", "inger"), ("300 500", "350 500"), ("gruppleddare", "gruppledare")]


# --- memo against agreement ---------------------------------------------------------------


def test_memo_against_agreement_lists_facts_side_by_side(shared):
    comparison = compare_documents(read(MEMO), read(AGREEMENT))
    assert comparison.mode == "memo_agreement"
    assert comparison.wording is None  # off by default for documents of different kinds
    amounts = [(c.status, (c.old or c.new)["amount_sek"]) for c in comparison.fields
               if c.table == "amounts"]
    assert amounts == [("removed", 100000), ("removed", 200500), ("equal", 300500),
                       ("equal", 160000)]
    assert comparison.different  # the memo's funding split is only in the memo


def test_memo_against_agreement_with_another_amount(tmp_path, shared):
    agreement = planted(tmp_path, AGREEMENT, "med 300 500 kr", "med 350 500 kr")
    comparison = compare_documents(read(MEMO), agreement)
    different = [(c.changed, c.old["amount_sek"], c.new["amount_sek"])
                 for c in comparison.fields if c.status == "changed"]
    assert different == [(["amount_sek"], 300500, 350500)]


def test_wording_of_memo_against_agreement_on_request(shared):
    comparison = compare_documents(read(MEMO), read(AGREEMENT), wording=True)
    assert comparison.wording is not None and comparison.wording.changes


MODES = [
    ("memo", "agreement", "memo_agreement"),
    ("agreement", "memo", "memo_agreement"),
    ("agreement", "agreement", "drafts"),
    ("memo", "memo", "drafts"),
    ("other", "agreement", "drafts"),
]


@pytest.mark.parametrize("old,new,expected", MODES)
def test_mode_from_the_kinds(old, new, expected):
    assert mode_for(old, new) == expected


def test_an_unreadable_document_is_an_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"not a pdf at all")
    with pytest.raises(ValueError, match="broken.pdf"):
        compare_documents(read(path), read(path))


# --- output -------------------------------------------------------------------------------


def test_terminal_output_plain_when_not_a_terminal(shared):
    from rich.console import Console

    console = Console(record=True, force_terminal=False, soft_wrap=True, width=100)
    print_terminal(compare_documents(read(AGREEMENT), read(PDF_LAYOUT)), console)
    out = console.export_text()
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines.index("Fältändringar") < lines.index("Ordalydelse")
    assert "Inga fältändringar." in lines
    assert "  Dokumentets början" in lines
    assert any("[-inget-]{+inger+} framtidshopp" in line for line in lines)
    assert any("[-gruppleddare-]{+gruppledare+}" in line for line in lines)
    assert sum("Idéburet Offentligt Partnerskap avseende" in line for line in lines) == 1


def test_terminal_output_in_colour_on_a_terminal(shared):
    from rich.console import Console

    console = Console(record=True, force_terminal=True, color_system="standard", width=100)
    print_terminal(compare_documents(read(AGREEMENT), read(PDF_LAYOUT)), console)
    out = console.export_text(styles=True, clear=False)
    assert "\x1b[" in out
    assert "[-inget-]" in console.export_text()  # the marks stay: colour is not the only cue


class _TagBalance(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


@pytest.mark.parametrize("old,new", [(AGREEMENT, PDF_LAYOUT), (MEMO, AGREEMENT)],
                         ids=["drafts", "memo-agreement"])
def test_html_tags_are_balanced(old, new, shared):
    parser = _TagBalance()
    parser.feed(to_html(compare_documents(read(old), read(new))))
    assert parser.errors == [] and parser.stack == []


def test_json_carries_provenance_into_the_source(shared):
    comparison = compare_documents(read(AGREEMENT), read(PDF_LAYOUT))
    data = json.loads(json.dumps(to_json(comparison), ensure_ascii=False))
    assert data["fields"] == [] and data["different"] is True
    inger = data["wording"]["changes"][1]
    where = inger["new_where"]
    source = PDF_LAYOUT.read_text(encoding="utf-8")
    assert source[where["char_start"] : where["char_end"]] == "inger"
    assert AGREEMENT.read_text(encoding="utf-8")[
        inger["old_where"]["char_start"] : inger["old_where"]["char_end"]] == "inget"


def test_html_is_self_contained_and_escapes_document_text(tmp_path, shared):
    doc = planted(tmp_path, AGREEMENT, "Uppföljningen dokumenteras.",
                  "Uppföljningen dokumenteras <script>alert(1)</script> & <b>sparas</b>.")
    page = to_html(compare_documents(read(AGREEMENT), doc))
    assert "<script" not in page and "<b>" not in page
    assert "script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;sparas&lt;/b&gt;" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert '<ins id="c0">' in page
    assert 'href="#c0"' in page  # the section list links to the change


def test_redline_shows_the_new_text_with_the_old_spliced_in(shared):
    comparison = compare_documents(read(AGREEMENT), read(PDF_LAYOUT))
    paragraphs = redline(comparison.wording)
    shown_new = " ".join("".join(r.text for r in p.runs if r.kind != "del") for p in paragraphs)
    assert shown_new.split() == comparison.new_clean.text.split()
    deleted = ["".join(r.text for r in p.runs if r.kind == "del").strip() for p in paragraphs]
    assert [d for d in deleted if d] == [
        "Idéburet Offentligt Partnerskap avseende", "Barn i Väntan/Barn i Start (BIV/BIS)",
        "Linköpings kommun och Linköpings Domkyrkopastorat", "inget", "gruppleddare"]
    headings = ["".join(r.text for r in p.runs) for p in paragraphs if p.heading]
    assert headings[0] == "Bakgrund till överenskommelsen"
    assert headings[-1] == "Underskrifter"  # names in the signature block are not headings
