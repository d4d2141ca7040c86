"""Terms and other periods of an agreement as Swedish municipal writers state them: the
term's start and end, its stated length, notice, follow-up, payment, indexation and
allocation spans; what is not this agreement's period (a previous agreement, an extension
option, a deadline after the term, a guideline's rules). One case per line, grouped by
phenomenon; organisations are invented."""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.extract.dates import DateRecognizer
from pipeline.extract.periods import PeriodRecognizer, add_months
from tests.helpers import facts_of_text


@cache
def _recognizers() -> tuple[DateRecognizer, PeriodRecognizer]:
    return DateRecognizer(), PeriodRecognizer()


def periods_of(text: str) -> list[dict]:
    dates, periods = _recognizers()
    return [m.attrs for m in periods.match(text, dates.match(text))]


def terms_of(text: str) -> list[tuple]:
    return [(str(a["start"]) if a["start"] else None, str(a["end"]) if a["end"] else None,
             a["months"]) for a in periods_of(text) if a["kind"] == "term"]


# -- the term: start and end as written ----------------------------------------------------
# (sentence, start, end)
TERM_FORMS = [
    ("Överenskommelsen gäller fr.o.m. 1 januari 2025 t.o.m. 31 december 2027.",
     "2025-01-01", "2027-12-31"),
    ("Avtalet gäller 2025-03-01 – 2027-02-28.", "2025-03-01", "2027-02-28"),
    ("Partnerskapet gäller från och med den 1 september 2024 till och med den 31 augusti 2026.",
     "2024-09-01", "2026-08-31"),
    ("Överenskommelsen ska gälla under perioden 2025–2027.", "2025-01-01", "2027-12-31"),
    ("Nämnden godkänner förslaget till överenskommelse med Föreningen Gröna Rum för åren "
     "2026–2028.", "2026-01-01", "2028-12-31"),
    ("Nämnden ingår en överenskommelse om IOP med Stiftelsen Ljusglimten för perioden "
     "2025-07-01 -- 2027-06-30.", "2025-07-01", "2027-06-30"),
    ("Avtalsperiod: 2024-10-01–2026-09-30", "2024-10-01", "2026-09-30"),
    ("Överenskommelsen gäller 1/9 2025 – 31/8 2027.", "2025-09-01", "2027-08-31"),
    # a range broken over two lines (a dash at a line start reads as a list item)
    ("Avtalet gäller 2025-07-01\n– 2027-06-30 och bidraget betalas ut kvartalsvis.",
     "2025-07-01", "2027-06-30"),
    ("Överenskommelsen gäller från och med 2025-01-01 till och med\n2026-12-31.",
     "2025-01-01", "2026-12-31"),
    # 'tidigare överenskommelse' later in a sentence about this one
    ("Överenskommelsen ersätter tidigare överenskommelse och gäller 2025-01-01 – 2026-12-31.",
     "2025-01-01", "2026-12-31"),
    ("Överenskommelsen träder i kraft den 1 januari 2025 och upphör att gälla den 31 december "
     "2026.", "2025-01-01", "2026-12-31"),
    # open-ended: a start and no end
    ("Överenskommelsen gäller från och med 1 juli 2025 och tills vidare.", "2025-07-01", None),
    ("att gälla tills vidare från och med 2026-01-01,", "2026-01-01", None),
    ("Avtalet gäller från den 1 mars 2025 och tillsvidare med sex månaders uppsägningstid.",
     "2025-03-01", None),
    # a start and a stated length: the end follows
    ("Överenskommelsen gäller i 24 månader från och med 2025-04-01.", "2025-04-01",
     "2027-03-31"),
    ("Avtalet gäller i två år räknat från den 1 februari 2025.", "2025-02-01", "2027-01-31"),
]


@pytest.mark.parametrize("sentence,start,end", TERM_FORMS)
def test_term_forms(sentence, start, end):
    assert [(s, e) for s, e, _ in terms_of(sentence)] == [(start, end)]


# -- the term's stated length --------------------------------------------------------------
# (sentence, months)
DURATIONS = [
    ("Överenskommelsen är treårig och gäller från och med 2025-01-01 till och med "
     "2027-12-31.", 36),
    ("Förvaltningen föreslår ett tvåårigt partnerskap med Föreningen Gröna Rum.", 24),
    ("Nämnden föreslås ingå en fyraårig överenskommelse med Stiftelsen Ljusglimten.", 48),
    ("Överenskommelsen gäller i två år, från och med 2025-01-01 till och med 2026-12-31.", 24),
    ("Avtalet gäller i 18 månader, 2025-01-01 – 2026-06-30, med möjlighet till förlängning "
     "i ett år.", 18),
    ("Nämnden ingår IOP med föreningen under tre år, från och med 2025-02-01 till och med "
     "2028-01-31.", 36),
    ("Avtalstiden är 36 månader.", 36),
    ("Partnerskapet löper under två och ett halvt år från och med 2025-01-01.", 30),
]


@pytest.mark.parametrize("sentence,months", DURATIONS)
def test_stated_durations(sentence, months):
    assert [m for _, _, m in terms_of(sentence)] == [months]


# sentences whose durations are no term's length (near-misses)
NOT_DURATIONS = [
    "Verksamheten riktar sig till barn under 12 år och deras föräldrar.",
    "Avtalstiden förlängs med tolv månader.",
    "Överenskommelsen kan förlängas med ett år i taget.",
    "Föreningen har drivit en treårig satsning på läxhjälp.",  # no agreement named
    "Bidraget har hittills beviljats ett år i taget.",
    "Föreningen har funnits i över tio år och har 300 medlemmar.",
]


@pytest.mark.parametrize("sentence", NOT_DURATIONS)
def test_no_stated_duration(sentence):
    assert all(m is None for _, _, m in terms_of(sentence))


def test_an_extension_option_does_not_move_the_end():
    terms = terms_of("Överenskommelsen gäller i 24 månader, 2025-04-01 – 2027-03-31, med "
                     "möjlighet till förlängning i ett år.")
    assert terms == [("2025-04-01", "2027-03-31", 24)]


# -- notice ----------------------------------------------------------------------------------
# (sentence, months or None)
NOTICE = [
    ("Uppsägningstiden är sex (6) månader.", 6),
    ("Var och en av parterna kan säga upp överenskommelsen med nio månaders uppsägningstid.", 9),
    ("Avtalet gäller tills vidare med tolv månaders ömsesidig uppsägningstid.", 12),
    ("Parterna har en (1) månads uppsägningstid.", 1),
    ("Överenskommelsen kan sägas upp med en uppsägningstid om tre (3) månader.", 3),
    ("Uppsägning ska ske skriftligen senast fyra månader före avtalstidens slut.", 4),
    # a term's length in a sentence that also speaks of termination is no notice
    ("Överenskommelsen gäller i tre år och kan sägas upp vid väsentligt avtalsbrott.", None),
]


@pytest.mark.parametrize("sentence,months", NOTICE)
def test_notice(sentence, months):
    notice = [a["months"] for a in periods_of(sentence) if a["kind"] == "notice"]
    assert notice == ([months] if months is not None else [])


# -- how often: follow-up and payment ------------------------------------------------------
# (sentence, kind, times per year)
FREQUENCIES = [
    ("Överenskommelsen följs upp en gång per kvartal.", "follow_up", 4),
    ("Parterna följer upp överenskommelsen vid två tillfällen per år.", "follow_up", 2),
    ("Förvaltningen kallar till uppföljningsmöten tre gånger per år.", "follow_up", 3),
    ("Partnerskapet följs upp efter varje termin.", "follow_up", 2),
    ("Överenskommelsen följs upp varje kvartal.", "follow_up", 4),
    ("Uppföljning sker halvårsvis.", "follow_up", 2),
    ("Bidraget betalas ut med en tredjedel i början av varje kvartal.", "payment", 4),
    ("Bidraget om 300 000 kronor per år utbetalas i två lika delar.", "payment", 2),
    ("Nämnden betalar 400 000 kr per år, som betalas ut i fyra lika stora delar.", "payment", 4),
    ("Utbetalning sker månadsvis i efterskott.", "payment", 12),
    ("Bidraget betalas ut vid två utbetalningar per år.", "payment", 2),
    ("Bidraget betalas ut i två omgångar per år.", "payment", 2),
    ("Utbetalning sker per kvartal i förskott.", "payment", 4),
    # how much per year is not how often: the payment is quarterly
    ("Bidraget om 500 000 kr per år betalas ut kvartalsvis.", "payment", 4),
    ("Uppföljning ska ske två gånger om året.", "follow_up", 2),
]


@pytest.mark.parametrize("sentence,kind,times", FREQUENCIES)
def test_frequencies(sentence, kind, times):
    assert [a["times_per_year"] for a in periods_of(sentence) if a["kind"] == kind] == [times]


def test_installments_without_a_yearly_sum_are_not_a_frequency():
    # two payments in one year of an extension: no payments per year
    text = "Bidraget betalas ut i två lika stora delar, i mars och i september 2026."
    assert [a for a in periods_of(text) if a["kind"] == "payment"] == []


def test_payment_and_indexation_in_one_sentence_each_take_their_own_frequency():
    text = ("Bidragen betalas ut till föreningen kvartalsvis i förskott och räknas upp "
            "årligen med omräkningsfaktorn.")
    kinds = {a["kind"]: a["times_per_year"] for a in periods_of(text)}
    assert kinds == {"payment": 4, "indexation": 1}


def test_indexation_from_a_day():
    text = ("Bidraget räknas upp årligen med den omräkningsfaktor som SKR publicerar, första "
            "gången den 1 juli 2026.")
    index = [a for a in periods_of(text) if a["kind"] == "indexation"]
    assert [(str(a["start"]), a["times_per_year"]) for a in index] == [("2026-07-01", 1)]


# -- funding and allocation spans ----------------------------------------------------------
# (text, kind, spans)
SPANS = [
    ("Nämnden lämnar följande bidrag:\n2025: 410 000 kr\n2026: 420 000 kr\n"
     "Totalt: 830 000 kr\n", "allocation", [("2025-01-01", "2025-12-31"),
                                            ("2026-01-01", "2026-12-31")]),
    ("Nämnden lämnar följande bidrag:\n2025: 410 000 kr\n2026: 420 000 kr\n\n"
     "Bidraget betalas ut i januari.\n", "funding", [("2025-01-01", "2025-12-31"),
                                                     ("2026-01-01", "2026-12-31")]),
    ("Period\tBelopp\n2025-01-01 – 2025-12-31\t500 000 kr\n2026-01-01 – 2026-12-31\t"
     "550 000 kr\nSumma\t1 050 000 kr\n", "allocation", [("2025-01-01", "2025-12-31"),
                                                        ("2026-01-01", "2026-12-31")]),
    ("Bidraget föreslås till 300 000 kronor 2025 och 310 000 kronor 2026, totalt 610 000 "
     "kronor.", "allocation", [("2025-01-01", "2025-12-31"), ("2026-01-01", "2026-12-31")]),
    ("Kommunen lämnar 850 000 kronor per år under perioden 2025-01-01 – 2026-12-31.",
     "funding", [("2025-01-01", "2026-12-31")]),
    ("Kostnaden för nämnden uppgår till 2 400 000 kr för perioden 2025–2027.", "funding",
     [("2025-01-01", "2027-12-31")]),
]


@pytest.mark.parametrize("text,kind,spans", SPANS)
def test_funding_and_allocation_spans(text, kind, spans):
    got = [(str(a["start"]), str(a["end"])) for a in periods_of(text) if a["kind"] == kind]
    assert got == spans
    assert not [a for a in periods_of(text) if a["kind"] == "term"]


# -- what is not this agreement's term -------------------------------------------------------
NOT_TERMS = [
    # the current or earlier agreement, recalled in a memo
    "Den nuvarande överenskommelsen gäller 2022-01-01 – 2024-12-31.",
    "Den befintliga överenskommelsen med föreningen gäller till och med den 31 december 2024.",
    "Enligt den ursprungliga överenskommelsen löper avtalstiden från och med 2023-02-01 till "
    "och med 2025-01-31.",
    "Det tidigare avtalet gällde 2021-01-01 – 2022-12-31.",
    "Föreningen har haft en överenskommelse med nämnden för perioden 2021-01-01 – 2023-12-31.",
    # a deadline after the term
    "Föreningen ska lämna en slutrapport senast den 31 mars 2028.",
    "Slutredovisning ska lämnas senast 2028-04-30.",
]


@pytest.mark.parametrize("text", NOT_TERMS)
def test_not_a_term(text):
    assert terms_of(text) == []


def test_an_amendment_records_the_term_after_the_change():
    text = ("Enligt den ursprungliga överenskommelsen löper avtalstiden från och med "
            "2025-03-01 till och med 2027-02-28.\n"
            "Avtalstiden förlängs med tolv månader. Överenskommelsen gäller därmed från och "
            "med 2025-03-01 till och med 2028-02-29.\n")
    assert terms_of(text) == [("2025-03-01", "2028-02-29", None)]


def test_an_extension_to_a_new_end_keeps_the_start():
    text = ("Överenskommelsen gäller 2025-03-01 – 2027-02-28.\n"
            "Genom detta tillägg förlängs överenskommelsen till och med 2028-02-29.\n")
    assert ("2025-03-01", "2028-02-29", None) in terms_of(text)


def test_an_extension_period_continues_the_term():
    text = ("Överenskommelsen gäller 2025-03-01 – 2027-02-28.\n"
            "Överenskommelsen förlängs för perioden 2027-03-01 – 2028-02-29.\n")
    assert ("2025-03-01", "2028-02-29", None) in terms_of(text)


# -- the document: a memo's term, a guideline's rules ----------------------------------------
MEMO = ("Tjänsteskrivelse\nDatum: 2024-10-01\n\nFörslag till beslut\n"
        "Kulturnämnden beslutar att\n{items}\n\nÄrendet\n{body}\n")


def _terms_of_document(text: str, tmp_path) -> tuple[str, list[tuple]]:
    row, tables = facts_of_text(text, tmp_path)
    return row["kind"], [(r["start_date"], r["end_date"], r["months"]) for r in tables["periods"]
                         if r["kind"] == "term"]


def test_a_memo_records_the_term_it_proposes(tmp_path):
    text = MEMO.format(
        items="1. ingå överenskommelse om idéburet offentligt partnerskap med Föreningen "
              "Norrsken för perioden 2025-01-01 – 2026-12-31,\n2. avsätta 400 000 kronor "
              "per år.",
        body="Den nuvarande överenskommelsen gäller 2023-01-01 – 2024-12-31. Förvaltningen "
             "föreslår en ny överenskommelse som gäller i två år.")
    kind, terms = _terms_of_document(text, tmp_path)
    assert kind == "memo"
    assert terms == [("2025-01-01", "2026-12-31", None), (None, None, 24)]


def test_a_memo_proposing_agreements_with_different_terms_records_none(tmp_path):
    text = MEMO.format(
        items="1. ingå överenskommelse med Föreningen Norrsken enligt bilaga 1, att gälla "
              "tills vidare från och med 2025-01-01,\n2. ingå överenskommelse med Stiftelsen "
              "Ljusglimten enligt bilaga 2, för perioden 2025-01-01 – 2027-12-31.",
        body="Båda partnerskapen följs upp en gång per år.")
    kind, terms = _terms_of_document(text, tmp_path)
    assert kind == "memo"
    assert terms == []


def test_the_same_term_written_twice_is_one_row(tmp_path):
    text = ("Överenskommelse om idéburet offentligt partnerskap\n\nAvtalstid: "
            "2025-01-01–2026-12-31\nUppsägningstid: Tre månader\n\nParter\n"
            "Örebro kommun, socialnämnden\nFöreningen Norrsken\n\n"
            "Överenskommelsen gäller från och med 2025-01-01 till och med 2026-12-31 med tre "
            "månaders uppsägningstid.\n")
    _, tables = facts_of_text(text, tmp_path)
    periods = tables["periods"]
    assert [(r["start_date"], r["end_date"]) for r in periods if r["kind"] == "term"] == [
        ("2025-01-01", "2026-12-31")]
    assert [r["months"] for r in periods if r["kind"] == "notice"] == [3]


def test_a_protocol_keeps_the_periods_of_its_partnership_paragraph(tmp_path):
    text = ("Protokoll\nSocialnämnden\nSammanträdesdatum 2024-06-10\n\n"
            "§ 41 Idéburet offentligt partnerskap med Föreningen Norrsken\n\n"
            "Socialnämnden beslutar att ingå överenskommelse om idéburet offentligt partnerskap "
            "med Föreningen Norrsken för perioden 2024-09-01 – 2026-08-31.\n\n"
            "§ 42 Hyresavtal för träffpunkten\n\nFörvaltningen har förhandlat fram ett "
            "hyresavtal. Avtalet gäller 2024-07-01 – 2029-06-30 och hyran uppgår till "
            "200 000 kr per år.\n")
    kind, terms = _terms_of_document(text, tmp_path)
    assert kind == "memo"
    assert terms == [("2024-09-01", "2026-08-31", None)]


def test_a_guideline_holds_no_agreement_periods(tmp_path):
    text = ("Riktlinjer för idéburet offentligt partnerskap\n\nGiltighetstid: Gäller från och "
            "med 2024-01-01 och tills vidare\n\nEn överenskommelse bör inte löpa längre än "
            "fyra år. Uppsägningstiden bör vara minst tre månader. Partnerskapet följs upp "
            "minst en gång per år. Bidrag betalas ut kvartalsvis.\n")
    row, tables = facts_of_text(text, tmp_path)
    assert row["kind"] == "other"
    assert tables["periods"] == []


@pytest.mark.parametrize("start,months,end", [
    ("2025-01-01", 24, "2026-12-31"), ("2025-04-01", 12, "2026-03-31"),
    ("2024-03-31", 1, "2024-04-29"), ("2025-08-15", 10, "2026-06-14"),
])
def test_add_months(start, months, end):
    from datetime import date
    assert str(add_months(date.fromisoformat(start), months)) == end
