"""Mutation tests: plant one inconsistency in a copy of the seeds, run the pipeline, and
the expected flag (and no other) appears on the right document.

Text mode copies the five seed texts and edits one. PDF mode copies the PDF renderings
(../shared/fixtures: the agreements 000 and 003, the memo 002, the slides 004) and edits
one PDF's content stream: the words are glyph ids of an embedded font subset, so the
helper encodes old and new text through the font's ToUnicode map, replaces them in the
page's text operators (words of justified lines are separate strings: the phrase may span
them) and rewrites the stream and the cross-reference table. The layout stays the
rendering's own (two-column signature blocks, running headers), which a re-rendering of the
text would not keep.

Each run goes through the real per-document stages (ingest, normalize, extract, resolve)
and the archive-wide stage (assemble: links, then checks). Unchanged files are processed
once per session.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.process import process
from pipeline.run import assemble
from tests.conftest import FIXTURES, SEEDS

SEED_FILES = {
    "000": "000_d3bc919bb2a10656.txt", "001": "001_088b6c7d61ba9907.txt",
    "002": "002_2b68fa102c319169.txt", "003": "003_6febc1509cba0eef.txt",
    "004": "004_1e1b26bf03f114b4.txt",
}
PDF_FILES = {
    "000": "agreement-biv-2023.pdf", "002": "memo-biv-2022.pdf",
    "003": "agreement-utsatta-2018.pdf", "004": "slides-ensamkommande-2015.pdf",
}


# --- editing a PDF rendering ------------------------------------------------------------

_OBJECT = re.compile(rb"(\d+) 0 obj\n(.*?)\nendobj\n", re.S)
_STREAM = re.compile(rb"stream\n(.*)\nendstream", re.S)


def _to_unicode_maps(objects: dict[int, bytes]) -> list[dict[str, bytes]]:
    """char -> 2-byte glyph code, one map per embedded font (its ToUnicode CMap)."""
    maps = []
    for body in objects.values():
        if b"beginbfchar" not in body and b"beginbfrange" not in body:
            continue
        cmap = _STREAM.search(body).group(1)
        if b"/FlateDecode" in body.split(b"stream")[0]:
            cmap = zlib.decompress(cmap)
        chars: dict[str, bytes] = {}
        for code, uni in re.findall(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]{4})>", cmap):
            chars.setdefault(chr(int(uni, 16)), bytes.fromhex(code.decode()))
        maps.append(chars)
    return maps


def _literal(codes: bytes) -> bytes:
    """Bytes as written inside a PDF literal string (the escapes fpdf2 writes)."""
    return (codes.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            .replace(b"\r", b"\\r"))


def _phrase(words: list[str], chars: dict[str, bytes]) -> bytes | None:
    """A regex for the words in one text operator: either in one string, or split into
    strings at the spaces (justified lines: `(word) -35.9( next)`)."""
    if any(c not in chars for w in words for c in w) or " " not in chars:
        return None
    space = re.escape(_literal(chars[" "]))
    gap = rb"(?:" + space + rb"|\)\s*-?[\d.]+\s*\(" + space + rb")"
    return gap.join(b"(" + re.escape(_literal(b"".join(chars[c] for c in w))) + b")"
                    for w in words)


def pdf_replace(data: bytes, old: str, new: str, count: int = 1) -> bytes:
    """Replace the words `old` by `new` (as many words, or '' to blank them) in the page
    content streams: exactly `count` times, or raise."""
    objects = {int(n): body for n, body in _OBJECT.findall(data)}
    old_words, new_words = old.split(" "), new.split(" ") if new else []
    assert not new_words or len(new_words) == len(old_words), "same number of words"
    found = 0
    for number, body in list(objects.items()):
        head = body.split(b"stream")[0]
        if b"/FlateDecode" not in head or b"/Length1" in head or b"stream" not in body:
            continue
        content = zlib.decompress(_STREAM.search(body).group(1))
        if b" Tj" not in content and b" TJ" not in content:
            continue
        for chars in _to_unicode_maps(objects):
            pattern = _phrase(old_words, chars)
            if pattern is None:
                continue

            def swap(match: re.Match, chars=chars) -> bytes:
                text = match.group(0)
                for index in range(len(old_words), 0, -1):  # right to left keeps offsets
                    start, end = match.span(index)
                    start, end = start - match.start(), end - match.start()
                    word = new_words[index - 1] if new_words else ""
                    glyphs = _literal(b"".join(chars[c] for c in word))
                    text = text[:start] + glyphs + text[end:]
                return text

            content, n = re.subn(pattern, swap, content)
            found += n
        stream = zlib.compress(content)
        head = re.sub(rb"/Length \d+", b"/Length %d" % len(stream), head)
        objects[number] = head + b"stream\n" + stream + b"\nendstream"
    assert found == count, f"{old!r} found {found} times in the PDF, expected {count}"
    return _write_pdf(data, objects)


def _write_pdf(original: bytes, objects: dict[int, bytes]) -> bytes:
    """The same objects with a fresh cross-reference table."""
    trailer = re.search(rb"trailer\s*(<<.*?>>)", original, re.S).group(1)
    out = bytearray(original[: original.index(b"1 0 obj")])
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else \
            b"0000000000 65535 f \n"
    trailer = re.sub(rb"/Size \d+", b"/Size %d" % size, trailer)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_pdf_replace_changes_only_the_words(tmp_path, shared):
    original = (FIXTURES / "agreement-biv-2023.pdf").read_bytes()
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf_replace(original, "300 500 kr för perioden",
                                 "350 500 kr för perioden"))
    before = read_document(FIXTURES / "agreement-biv-2023.pdf", "a.pdf")
    after = read_document(path, "a.pdf")
    assert after.status == "ok" and len(after.pages) == len(before.pages)
    old = "\n".join(p.text for p in before.pages)
    new = "\n".join(p.text for p in after.pages)
    assert new == old.replace("300 500 kr", "350 500 kr") and new != old
    with pytest.raises(AssertionError, match="found 0 times"):
        pdf_replace(original, "no such words", "none such words")


# --- running the pipeline on an archive --------------------------------------------------

_FACTS: dict[str, tuple[dict, dict]] = {}


def facts(path: Path, source: str) -> tuple[dict, dict]:
    key = hashlib.sha256(path.read_bytes()).hexdigest() + source
    if key not in _FACTS:
        _FACTS[key] = process(read_document(path, source))
    row, tables = _FACTS[key]
    return dict(row), {name: [dict(r) for r in rows] for name, rows in tables.items()}


def run_archive(files: dict[str, Path]) -> dict:
    """files: short name -> path. Returns the assembled tables and doc_id -> short name."""
    rows, collected = [], {}
    for name, path in files.items():
        row, tables = facts(path, f"{name}{path.suffix}")
        rows.append(row)
        for table, table_rows in tables.items():
            collected.setdefault(table, []).extend(table_rows)
    tables = assemble(rows, collected)
    names = dict(zip(tables["documents"]["doc_id"], tables["documents"]["source"].str[:3],
                     strict=True))
    return {"tables": tables, "names": names}


def labels(result: dict) -> Counter:
    names = result["names"]
    return Counter((f["code"], names[f["doc_id"]], names.get(f["related_doc_id"], ""))
                   for f in result["tables"]["flags"].to_dict("records"))


def archive(mode: str, tmp_path: Path, mutation: Mutation | None = None) -> dict:
    sources = SEED_FILES if mode == "text" else PDF_FILES
    root = SEEDS if mode == "text" else FIXTURES
    files = {name: root / file for name, file in sources.items()}
    if mutation is not None:
        original = files[mutation.doc].read_bytes()
        if mode == "text":
            text = original.decode("utf-8")
            assert text.count(mutation.old) == mutation.count, (mutation.old, mutation.doc)
            changed = text.replace(mutation.old, mutation.new).encode("utf-8")
        else:
            changed = pdf_replace(original, mutation.old, mutation.new, mutation.count)
        path = tmp_path / files[mutation.doc].name
        path.write_bytes(changed)
        files[mutation.doc] = path
    return run_archive(files)


# The seeds as they are: the unfinished dates in 000 and 001, the Word placeholder and the
# three unsigned lines in 003, nothing else.
SEED_FLAGS = {
    "text": Counter({("PLACEHOLDER", "000", ""): 1, ("PLACEHOLDER", "001", ""): 1,
                     ("PLACEHOLDER", "003", ""): 1, ("UNSIGNED", "003", ""): 3}),
    "pdf": Counter({("PLACEHOLDER", "000", ""): 1, ("PLACEHOLDER", "003", ""): 1,
                    ("UNSIGNED", "003", ""): 3}),
}


@pytest.mark.parametrize("mode", ["text", "pdf"])
def test_the_seeds_give_exactly_the_expected_flags(mode, tmp_path, shared):
    result = archive(mode, tmp_path)
    assert labels(result) == SEED_FLAGS[mode]
    links = result["tables"]["links"]
    names = result["names"]
    found = {(names[a], names[b], r) for a, b, r in
             zip(links["doc_id"], links["related_doc_id"], links["relation"], strict=True)}
    expected = {("002", "000", "proposes")}
    if mode == "text":
        expected |= {("002", "001", "proposes"), ("001", "000", "draft_of")}
    assert found == expected


# --- the mutations -----------------------------------------------------------------------

@dataclass(frozen=True)
class Mutation:
    name: str
    doc: str  # the file edited (seed number)
    old: str
    new: str
    expected: tuple[tuple[str, str, str], ...]  # (code, doc, related doc) added
    says: tuple[str, ...] = ()  # what the new flags' message names
    count: int = 1
    modes: tuple[str, ...] = field(default=("text",))


MEMO = (("MEMO_AGREEMENT_MISMATCH", "002", "000"), ("MEMO_AGREEMENT_MISMATCH", "002", "001"))
MEMO_PDF = (("MEMO_AGREEMENT_MISMATCH", "002", "000"),)
BOTH = ("text", "pdf")

MUTATIONS = [
    # SUM_MISMATCH: parts the text says make up a total
    Mutation("one contribution (in kind)", "003", "ett värde av 809 000 kr",
             "ett värde av 859 000 kr", (("SUM_MISMATCH", "003", ""),),
             ("4 232 475 kr", "4 282 475 kr"), modes=BOTH),
    Mutation("another contribution", "003", "1 023 800 kr per år", "1 032 800 kr per år",
             (("SUM_MISMATCH", "003", ""),), ("4 232 475 kr", "4 241 475 kr")),
    Mutation("the ekonomisk omfattning", "003", "omfattning är 4 232 475 kr",
             "omfattning är 4 332 475 kr", (("SUM_MISMATCH", "003", ""),),
             ("4 332 475 kr", "4 232 475 kr"), modes=BOTH),
    Mutation("one allocation", "003", "300 000 kr till Biståndsorganisationen",
             "350 000 kr till Biståndsorganisationen", (("SUM_MISMATCH", "003", ""),),
             ("1 800 000 kr", "1 850 000 kr"), modes=BOTH),
    Mutation("the memo's split in the proposal", "002", "med 100 000 kr och nyttjande",
             "med 150 000 kr och nyttjande", (("SUM_MISMATCH", "002", ""),),
             ("300 500 kr", "150 000 + 200 500 kr", "350 500 kr"), modes=BOTH),
    Mutation("the memo's split restated", "002", "200 500 kr från statliga",
             "210 500 kr från statliga", (("SUM_MISMATCH", "002", ""),),
             ("300 500 kr", "210 500 + 100 000 kr", "310 500 kr")),
    Mutation("the memo's cost: its split and the agreement no longer match it", "002",
             "beräknas till 300 500 för", "beräknas till 320 500 för",
             (("SUM_MISMATCH", "002", ""), *(("MEMO_AGREEMENT_MISMATCH", "002", "000"),
                                             ("MEMO_AGREEMENT_MISMATCH", "002", "001"))),
             ("320 500 kr",)),
    # MEMO_AGREEMENT_MISMATCH: the memo against each version of the agreement it proposes
    Mutation("the agreement's amount", "000", "med 300 500 kr för perioden",
             "med 350 500 kr för perioden", (MEMO[0],), ("350 500 kr", "300 500 kr"),
             modes=BOTH),
    Mutation("the parish's contribution in the agreement", "000", "med 160 000 kr per år",
             "med 180 000 kr per år", (MEMO[0],), ("180 000 kr", "160 000 kr")),
    Mutation("the memo's end date", "002", "till och med den 31 mars 2024",
             "till och med den 30 juni 2024", MEMO, ("2024-03-31", "2024-06-30")),
    Mutation("the memo's count in digits", "002", "minst 6 grupper", "minst 8 grupper", MEMO,
             ("6 stödgrupper per år", "beslutsförslaget 8")),
    Mutation("the agreement's count in words", "000", "minst sex stödgrupper",
             "minst fem stödgrupper", (MEMO[0],), ("5 stödgrupper per år",
                                                   "beslutsförslaget 6"), modes=BOTH),
    Mutation("the second version's count in words", "001", "minst sex stödgrupper",
             "minst sju stödgrupper", (MEMO[1],), ("7 stödgrupper", "beslutsförslaget 6")),
    Mutation("the parish's support in the memo", "002", "stöd om 160 000 kr",
             "stöd om 150 000 kr", MEMO, ("160 000 kr", "150 000 kr")),
    # DURATION_MISMATCH: the stated duration against the dates
    Mutation("the stated duration (ett -> två år)", "000", "gäller ett år från",
             "gäller två år från", (("DURATION_MISMATCH", "000", ""),), ("2 år", "1 år"),
             modes=BOTH),
    Mutation("the stated duration (tre -> två år)", "003", "under tre år", "under två år",
             (("DURATION_MISMATCH", "003", ""),), ("2 år", "3 år"), modes=BOTH),
    # PERIOD_MISMATCH: a funding or allocation period outside the term
    Mutation("the funding period past the term", "000", "20230401 -20240331",
             "20230401 -20250331", (("PERIOD_MISMATCH", "000", ""),),
             ("2025-03-31", "2024-03-31"), modes=BOTH),
    Mutation("an allocation period past the term", "003", "2019-07-01 – 2021-06-30",
             "2019-07-01 – 2022-06-30", (("PERIOD_MISMATCH", "003", ""),),
             ("2022-06-30", "2021-06-30"), modes=BOTH),
    # INVALID_ORG_NUMBER: one digit of an organisationsnummer
    Mutation("the nämnd's org number", "000", "212000-0449", "212000-0448",
             (("INVALID_ORG_NUMBER", "000", ""),), ("212000-0448",), modes=BOTH),
    Mutation("the parish's org number", "001", "252003-0228", "252003-0229",
             (("INVALID_ORG_NUMBER", "001", ""),), ("252003-0229",)),
    # UNSIGNED: a signature removed
    Mutation("a signature removed", "000", "\n\nKarolina Einehag", "",
             (("UNSIGNED", "000", ""),), ("Domkyrkopastorat",)),
    Mutation("a signature removed (two-column block)", "001", "Karolina Einehag", "",
             (("UNSIGNED", "001", ""),), ("Domkyrkopastorat",)),
    Mutation("a signature removed in the rendering", "000", "Karolina Einehag", "",
             (("UNSIGNED", "000", ""),), ("Domkyrkopastorat",), modes=("pdf",)),
    Mutation("the remaining signature removed", "003", "Linda Ljungqvist", "",
             (("UNSIGNED", "003", ""),), ("omsorgsnämnden",), modes=BOTH),
    # PLACEHOLDER: unfinished text
    Mutation("the signing date left open", "003", "Linköping 2018-05-30",
             "Linköping 2018-05-xx", (("PLACEHOLDER", "003", ""),), ("2018-05-xx",),
             modes=BOTH),
    Mutation("an amount left open", "000", "med 160 000 kr per år", "med XX kr per år",
             (("PLACEHOLDER", "000", ""),), ("XX kr",)),
    Mutation("a Word control left in the memo", "002", "Ärende\n\n",
             "Ärende\n\nKlicka här för att ange text.\n\n", (("PLACEHOLDER", "002", ""),),
             ("Klicka här för att ange text.",)),
]

CASES = [(m, mode) for m in MUTATIONS for mode in m.modes]


def _pdf_expected(expected: tuple) -> tuple:
    """In PDF mode there is one version of the agreement (no 001)."""
    return tuple(e for e in expected if "001" not in e[1:])


@pytest.mark.parametrize("mutation,mode", CASES,
                         ids=[f"{mode}: {m.name}" for m, mode in CASES])
def test_mutation_gives_exactly_the_expected_flag(mutation, mode, tmp_path, shared):
    result = archive(mode, tmp_path, mutation)
    expected = mutation.expected if mode == "text" else _pdf_expected(mutation.expected)
    added = _flag_keys(result) - _flag_keys(_baseline(mode, tmp_path))
    assert Counter(key[:3] for key in added.elements()) == Counter(expected)
    assert not SEED_FLAGS[mode] - labels(result)  # nothing the seeds have is lost
    new = [f for f in result["tables"]["flags"].to_dict("records")
           if _key(f, result["names"]) in added]
    for flag in new:
        for value in mutation.says:
            assert value in flag["message"], (value, flag["message"])
        _evidence_reads_as_quoted(flag, result, mode, tmp_path, mutation)


def _key(flag: dict, names: dict) -> tuple:
    return (flag["code"], names[flag["doc_id"]], names.get(flag["related_doc_id"], ""),
            flag["message"])


def _flag_keys(result: dict) -> Counter:
    return Counter(_key(f, result["names"]) for f in result["tables"]["flags"].to_dict("records"))


_BASELINE: dict[str, dict] = {}


def _baseline(mode: str, tmp_path: Path) -> dict:
    if mode not in _BASELINE:
        _BASELINE[mode] = archive(mode, tmp_path)
    return _BASELINE[mode]


def _evidence_reads_as_quoted(flag: dict, result: dict, mode: str, tmp_path: Path,
                              mutation: Mutation) -> None:
    """Each quote is where the evidence says: page text[char_start:char_end]."""
    sources = SEED_FILES if mode == "text" else PDF_FILES
    root = SEEDS if mode == "text" else FIXTURES
    squash = lambda s: re.sub(r"[\s\-­]", "", s)  # noqa: E731
    quotes = json.loads(flag["evidence"])
    assert quotes
    for quote in quotes:
        name = result["names"][quote["doc_id"]]
        path = tmp_path / sources[name] if name == mutation.doc else root / sources[name]
        pages = {p.number: p.text for p in read_document(path, path.name).pages}
        if quote["char_start"] is None:
            continue
        source = pages[quote["page"]][quote["char_start"]:quote["char_end"]]
        assert squash(source) == squash(quote["quote"]), (source, quote)


def test_at_least_twenty_distinct_mutations_over_every_code():
    codes = {e[0] for m in MUTATIONS for e in m.expected}
    assert len(MUTATIONS) >= 20 and len({m.name for m in MUTATIONS}) == len(MUTATIONS)
    assert codes == {"SUM_MISMATCH", "MEMO_AGREEMENT_MISMATCH", "DURATION_MISMATCH",
                     "PERIOD_MISMATCH", "PLACEHOLDER", "UNSIGNED", "INVALID_ORG_NUMBER"}
    assert {e[0] for m in MUTATIONS if "pdf" in m.modes for e in m.expected} == codes
