"""Bounded property tests (hypothesis): decoding, normalize's offset map, the amount and
org-number recognizers, and the whole per-document stage never crash on any text, and
what they return points back into the text they were given.

Bounded for CI: a fixed number of examples per property, about 20 s in all.
"""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.amounts import AmountRecognizer
from pipeline.extract.org_numbers import OrgNumberRecognizer, canonical
from pipeline.extract.patterns import TakenSpans
from pipeline.ingest import text as text_reader
from pipeline.ingest.quality import is_garbled
from pipeline.normalize import normalize
from pipeline.process import process
from pipeline.records import Document, Page

FUZZ = settings(deadline=None, max_examples=150, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Text that looks like agreements: Swedish words, amounts, dates, org numbers, odd spaces,
# hyphens at line ends, form feeds, control characters and the odd (cid:12).
PIECES = ["kr", "kronor", "tkr", "mnkr", "SEK", ":-", "org.nr", "organisationsnummer",
          "802000-1234", "212000-0449", "2023-01-01", "t.o.m.", "fr.o.m.", "per år",
          "Föreningen", "Kommunen", "ska", "mellan", "Parter", "§ 1", "xx", "XX kr",
          "integrations-\nprocessen", "Social- och", "\u00a0", "\u202f", "\u00ad", "\u200b",
          "\x00", "\ufeff", "\r\n", "\f", "\t", "(cid:12)", "1 000", "300 500", "1,5", "12.500",
          "-", "–", "=SUM(A1)", "\n\n"]
texty = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12),
                           st.integers(0, 10**9).map(str), st.just(" ")), max_size=60
                 ).map("".join)


@FUZZ
@given(st.binary(max_size=2000))
def test_decode_returns_text_or_refuses_cleanly(data):
    try:
        text, encoding = text_reader.decode(data)
    except ValueError:
        return
    assert isinstance(text, str) and encoding
    pages = text_reader.pages_of(text)
    assert "\r" not in "".join(p.text for p in pages)


@FUZZ
@given(st.lists(texty, min_size=1, max_size=4))
def test_normalize_maps_every_clean_character_back_to_its_page(texts):
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(texts)]
    clean = normalize(pages)
    assert len(clean.offsets) == len(clean.text)
    source = "\f".join(texts)
    for i, ch in enumerate(clean.text):
        origin = source[clean.offsets[i]]
        assert ch == origin or ch in " \n" or origin.isspace() or origin == "-", (ch, origin)
    if clean.text:
        p = clean.locate(0, len(clean.text))
        assert 1 <= p.page <= len(pages)
        assert 0 <= p.char_start <= p.char_end <= len(texts[p.page - 1])


@FUZZ
@given(texty)
def test_amounts_are_whole_kronor_found_in_the_text(text):
    for m in AmountRecognizer().match(text):
        assert m.text == text[m.start:m.end]
        assert isinstance(m.value, int) and m.value >= 0


@FUZZ
@given(texty)
def test_org_numbers_are_canonical_or_kept_as_written(text):
    for m in OrgNumberRecognizer().match(text):
        assert m.text == text[m.start:m.end]
        number = m.value
        assert number == canonical(m.text) and isinstance(m.attrs["valid"], bool)
        if m.attrs["valid"]:
            assert len(number) == 11 and number[6] == "-" and number.replace("-", "").isdigit()


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 20)), max_size=40),
       st.integers(0, 220), st.integers(1, 30))
def test_taken_spans_agree_with_a_linear_scan(spans, start, length):
    taken, plain = TakenSpans(), []
    for s, n in spans:
        if not any(a < s + n and s < b for a, b in plain):
            taken.add(s, s + n)
            plain.append((s, s + n))
    end = start + length
    assert taken.overlaps(start, end) == any(a < end and start < b for a, b in plain)


@settings(deadline=None, max_examples=60, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texty, min_size=1, max_size=3))
def test_the_per_document_stage_never_crashes(texts):
    doc = Document(doc_id="0" * 64, source="fuzz.txt", format="txt",
                   pages=[Page(number=i + 1, text=t) for i, t in enumerate(texts)])
    row, tables = process(doc)
    assert row["status"] == "ok"
    for rows in tables.values():
        for fact in rows:
            if "page" in fact and fact["page"] is not None:
                page = texts[fact["page"] - 1]
                assert 0 <= fact["char_start"] <= fact["char_end"] <= len(page)


@FUZZ
@given(st.text(alphabet=string.printable + "åäöÅÄÖ\ufffd\ue000", max_size=400))
def test_garbage_detector_is_total(text):
    assert is_garbled(text) in (True, False)
