"""Documents written in other municipalities' conventions than the seeds: `§ 1 Parter` with
numbered parties and `org.nr`, `tkr`, `fr.o.m./t.o.m.`, a two-column signature block,
an inline 'upprättad mellan A och B', `mnkr`/`miljoner kronor`/`:-`, dates in words, a memo
that 'ingår IOP med A, B och C', `1/7 2021` dates, amounts in a Word table; `1 § Parter` with
'Org. nr:' and '(nedan kallad kommunen)', a town without genitive s ('Umeå kommun'), duties as
a list under 'åtar sig att', in-kind values ('värderad till'), a total stated after its parts;
a protocol excerpt ('Sammanträdesdatum', '§ 27') naming 'Stadsmissionen i Västerås' and
'Stiftelsen Västerås Stadsmission, org.nr ...'."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.resolve.parties import party_key
from tests.helpers import facts_of, facts_of_text

HERE = Path(__file__).parent / "conventions"


def doc(name: str):
    return facts_of(HERE / name)


NORRKOPING = "norrkoping_paragraf_parter_orgnr_tkr.txt"
REGION = "region_mellan_mnkr_datum_i_ord.txt"
MEMO = "goteborg_memo_ingå_iop_med.txt"
UMEA = "umea_paragraf_efter_nummer_lista_ataganden.txt"
PROTOCOL = "vasteras_protokollsutdrag_stadsmissionen_i.txt"
LUND = "lund_nedan_kallad.txt"

# (document, kind)
KINDS = [(NORRKOPING, "agreement"), (REGION, "agreement"), (MEMO, "memo"),
         (UMEA, "agreement"), (PROTOCOL, "memo")]


@pytest.mark.parametrize("name,kind", KINDS)
def test_kind(name, kind):
    assert doc(name)[0]["kind"] == kind


# (document, party name, org number, sector)
PARTIES = [
    (NORRKOPING, "Norrköpings kommun genom socialnämnden", "212000-0449", "public"),
    (NORRKOPING, "Föreningen Kvinnojouren Väst", "802479-8996", "nonprofit"),
    (REGION, "Region Östergötland", "", "public"),
    (REGION, "Stiftelsen Bräcke diakoni", "802000-1239", "nonprofit"),
    (MEMO, "Rädda Barnen", "", "nonprofit"),
    (MEMO, "Stiftelsen Läxhjälpen", "", "nonprofit"),
    (MEMO, "Räddningsmissionen", "", "nonprofit"),
    (MEMO, "Socialnämnden Centrum", "", "public"),
    (UMEA, "Umeå kommun, äldrenämnden", "212000-2627", "public"),
    (UMEA, "Föreningen Gemenskap i Ersboda", "802477-1118", "nonprofit"),
    # named 'Stadsmissionen i Västerås' in the title: one party with the org number
    (PROTOCOL, "Stadsmissionen i Västerås", "802411-4509", "nonprofit"),
    (PROTOCOL, "Socialnämnden", "", "public"),
]


# (document, number of parties): no name split or joined across the party lines
PARTY_COUNTS = [(UMEA, 2), (PROTOCOL, 2), (LUND, 2)]


@pytest.mark.parametrize("name,count", PARTY_COUNTS)
def test_party_count(name, count):
    rows = [r for r in doc(name)[1]["parties"] if r["role"] == "party"]
    assert len(rows) == count, [r["name"] for r in rows]


@pytest.mark.parametrize("name,party,org_number,sector", PARTIES)
def test_parties(name, party, org_number, sector):
    rows = [r for r in doc(name)[1]["parties"] if r["role"] == "party"]
    match = [r for r in rows if party_key(r["name"]) == party_key(party)]
    assert match, [r["name"] for r in rows]
    assert match[0]["org_number"] == org_number
    assert match[0]["sector"] == sector


# (document, amount, field, expected)
AMOUNTS = [
    (NORRKOPING, 1725000, "basis", "per_year"),
    (NORRKOPING, 1725000, "rule_id", "amount.number_unit"),
    (REGION, 3700000, "role", "total"),
    (REGION, 1800000, "payer", "Region Östergötland"),
    (REGION, 1800000, "part_of", "a1"),
    (REGION, 1900000, "payer", "Stiftelsen Bräcke diakoni"),
    (REGION, 1900000, "rule_id", "amount.colon_dash"),
    (MEMO, 2400000, "role", "cost"),
    (MEMO, 1400000, "source_of_funds", "budget"),
    (MEMO, 1000000, "source_of_funds", "state_grant"),
    (MEMO, 1000000, "part_of", "a1"),
    # 'Kommunen' of 'Umeå kommun' (no genitive s) pays
    (UMEA, 450000, "payer", "Umeå kommun, äldrenämnden"),
    # a list item under 'Kommunen åtar sig att': the lead line's subject pays, in kind
    (UMEA, 96000, "payer", "Umeå kommun, äldrenämnden"),
    (UMEA, 96000, "in_kind", True),
    (UMEA, 120000, "in_kind", True),
    # the total after its parts, which add up to it: 96 + 450 + 120 = 666 tkr
    (UMEA, 666000, "role", "total"),
    (UMEA, 96000, "part_of", "a4"),
    (UMEA, 450000, "part_of", "a4"),
    (UMEA, 120000, "part_of", "a4"),
    (PROTOCOL, 150000, "in_kind", True),
    (PROTOCOL, 1750000, "role", "total"),
    (PROTOCOL, 400000, "payer", "Stiftelsen Västerås Stadsmission"),
    (PROTOCOL, 2400000, "basis", "per_period"),
    # '(nedan kallad nämnden)' and '(nedan kallad FiL)': the aliases pay and receive
    (LUND, 300000, "payer", "Lunds kommun, socialnämnden"),
    (LUND, 300000, "payee", "Föreningen Fixarna i Lund"),
]


@pytest.mark.parametrize("name,amount,field,expected", AMOUNTS)
def test_amounts(name, amount, field, expected):
    rows = [r for r in doc(name)[1]["amounts"] if r["amount_sek"] == amount]
    assert rows, [r["amount_sek"] for r in doc(name)[1]["amounts"]]
    assert rows[0][field] == expected


# (document, period kind, start, end, months, times per year)
PERIODS = [
    (NORRKOPING, "term", "2024-01-01", "2025-12-31", None, None),
    (NORRKOPING, "notice", None, None, 3, None),
    (NORRKOPING, "follow_up", None, None, None, 2),
    (NORRKOPING, "payment", None, None, None, 4),
    (REGION, "term", "2020-01-01", "2021-12-31", None, None),
    (UMEA, "term", "2024-01-01", "2026-12-31", None, None),
    (UMEA, "notice", None, None, 3, None),
    (PROTOCOL, "term", "2023-04-01", "2025-03-31", None, None),
]


@pytest.mark.parametrize("name,kind,start,end,months,times", PERIODS)
def test_periods(name, kind, start, end, months, times):
    rows = [r for r in doc(name)[1]["periods"] if r["kind"] == kind]
    assert rows, doc(name)[1]["periods"]
    row = rows[0]
    assert (row["start_date"], row["end_date"], row["months"], row["times_per_year"]) == (
        start, end, months, times)


# (document, for party, person, place, date)
SIGNATORIES = [
    (NORRKOPING, "socialnämnden", "Anna Andersson", "Norrköping", "2023-12-15"),
    (NORRKOPING, "Föreningen Kvinnojouren Väst", "Berit Bengtsson", "Norrköping", "2023-12-15"),
    (REGION, "Region Östergötland", "Karl Karlsson", "Linköping", "2019-12-01"),
    (REGION, "Stiftelsen Bräcke diakoni", "Eva Eriksson", "Linköping", "2019-12-01"),
    # under '7 § Underskrifter'
    (UMEA, "Umeå kommun", "Karin Lund", "Umeå", "2023-12-12"),
    (UMEA, "Föreningen Gemenskap i Ersboda", "Per Ek", "Umeå", "2023-12-12"),
]


@pytest.mark.parametrize("name,for_party,person,place,date", SIGNATORIES)
def test_signatories(name, for_party, person, place, date):
    rows = [r for r in doc(name)[1]["signatories"] if r["for_party"] == for_party]
    assert rows, doc(name)[1]["signatories"]
    assert (rows[0]["person"], rows[0]["place"], rows[0]["date"]) == (person, place, date)


# (document, party, action contains, quantity, frequency)
OBLIGATIONS = [
    (NORRKOPING, "Föreningen Kvinnojouren Väst", "jourtelefonen", 5, "per_week"),
    (NORRKOPING, "Norrköpings kommun genom socialnämnden", "lokaler", None, ""),
    # one row per list item under 'Föreningen åtar sig att'
    (UMEA, "Föreningen Gemenskap i Ersboda", "hålla mötesplatsen öppen", 3, "per_week"),
    (UMEA, "Föreningen Gemenskap i Ersboda", "anordna en gemensam måltid", None, "per_week"),
    (UMEA, "Föreningen Gemenskap i Ersboda", "redovisa antal besökare", 2, "per_year"),
    # money in the action is no count: '96 000 kr per år' is not 96 of anything
    (UMEA, "Umeå kommun, äldrenämnden", "tillhandahålla lokal", None, "per_year"),
    (UMEA, "Umeå kommun, äldrenämnden", "utse en kontaktperson", None, ""),
    (LUND, "Föreningen Fixarna i Lund", "utföra 200 hembesök", 200, "per_year"),
]


@pytest.mark.parametrize("name,party,action,quantity,frequency", OBLIGATIONS)
def test_obligations(name, party, action, quantity, frequency):
    rows = [r for r in doc(name)[1]["obligations"]
            if party_key(r["party"]) == party_key(party) and action in r["action"]]
    assert rows, doc(name)[1]["obligations"]
    assert (rows[0]["quantity"], rows[0]["frequency"]) == (quantity, frequency)


def test_memo_period_with_slash_dates():
    periods = doc(MEMO)[1]["periods"]
    assert any(r["start_date"] == "2021-07-01" and r["end_date"] == "2022-06-30" for r in periods)


def test_amounts_in_a_word_table(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Överenskommelse om idéburet offentligt partnerskap")
    document.add_paragraph("Denna överenskommelse är upprättad mellan Umeå kommun och "
                           "Föreningen Gemenskap.")
    table = document.add_table(rows=3, cols=2)
    for row, (label, value) in zip(table.rows, [("År", "Bidrag (kr)"), ("2024", "450 000 kr"),
                                                ("2025", "475 000 kr")], strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    path = tmp_path / "tabell.docx"
    document.save(path)
    amounts = facts_of(path)[1]["amounts"]
    assert sorted(r["amount_sek"] for r in amounts) == [450000, 475000]


def test_a_memo_funding_table_with_a_summa_row(tmp_path):
    """Lund: a Word table 'Finansiär | Belopp per år' whose 'Summa' row is the total of the
    rows above it; the column header gives the basis."""
    import docx

    document = docx.Document()
    for line in ("Tjänsteskrivelse", "Datum: 2024-05-06", "Förslag till beslut",
                 "Socialnämnden beslutar att ingå idéburet offentligt partnerskap med "
                 "Föreningen Fixarna i Lund under perioden 2024-07-01 – 2026-06-30.",
                 "Ekonomiska konsekvenser", "Kostnaden fördelas enligt tabellen."):
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=2)
    for row, cells in zip(table.rows, [("Finansiär", "Belopp per år"),
                                       ("Socialnämnden", "500 000 kr"),
                                       ("Statsbidrag", "300 000 kr"),
                                       ("Summa", "800 000 kr")], strict=True):
        row.cells[0].text, row.cells[1].text = cells
    path = tmp_path / "tjansteskrivelse.docx"
    document.save(path)
    row, tables = facts_of(path)
    amounts = {r["amount_sek"]: r for r in tables["amounts"]}
    assert (row["kind"], row["date"]) == ("memo", "2024-05-06")
    assert {v: r["basis"] for v, r in amounts.items()} == \
        {500000: "per_year", 300000: "per_year", 800000: "per_year"}
    total = amounts[800000]
    assert total["role"] == "total"
    assert [amounts[v]["part_of"] for v in (500000, 300000)] == [total["amount_id"]] * 2
    assert amounts[300000]["source_of_funds"] == "state_grant"


# (text, amount, its basis): a column header states the basis of the cells under it
COLUMN_BASIS = [
    ("Finansiär\tBelopp per år\nKommunen\t100 000 kr\n", 100000, "per_year"),
    ("Finansiär\tBelopp för perioden\nKommunen\t100 000 kr\n", 100000, "per_period"),
    ("Finansiär\tBelopp\nKommunen\t100 000 kr\n", 100000, "unknown"),
    # the header of another column says nothing of this one
    ("Per år\tBelopp\nKommunen\t100 000 kr\n", 100000, "unknown"),
    # no table: the words above are no header
    ("Belopp per år\nKommunen bidrar med 100 000 kr.\n", 100000, "unknown"),
]


@pytest.mark.parametrize("text,amount,basis", COLUMN_BASIS)
def test_column_header_basis(text, amount, basis, tmp_path):
    rows = [r for r in facts_of_text(text, tmp_path)[1]["amounts"] if r["amount_sek"] == amount]
    assert [r["basis"] for r in rows] == [basis]


# (the municipal party's line, how the text refers to it): 'kommunen', 'staden', 'regionen'
# mean the municipality or region that is a party, whatever its name's form
MUNICIPAL_REFERENCES = [
    ("Umeå kommun, org.nr 212000-2627", "Kommunen"),  # no genitive s after a vowel
    ("Malmö stad, org.nr 212000-1124", "Staden"),
    ("Region Skåne, org.nr 232100-0255", "Regionen"),
    ("Linköpings kommun, org.nr 212000-0449", "Kommunen"),
]


@pytest.mark.parametrize("line,reference", MUNICIPAL_REFERENCES)
def test_the_municipality_pays(line, reference, tmp_path):
    text = ("Överenskommelse om idéburet offentligt partnerskap\n\nParter\n" + line +
            "\nFöreningen Fixarna, org.nr 802479-8996\n\n"
            f"{reference} bidrar med 200 000 kr per år.\n")
    [amount] = facts_of_text(text, tmp_path)[1]["amounts"]
    assert amount["payer"] == line.split(",")[0]


def test_the_parties_section_ends_at_the_next_heading(tmp_path):
    """Gävle: 'Parter' then the party lines, a blank line and the 'Ersättning' section."""
    text = ("Avtal om idéburet offentligt partnerskap\n\nParter\n"
            "Gävle kommun, kultur- och fritidsnämnden, organisationsnummer 212000-2312\n"
            "IFK Gävle Ungdom, organisationsnummer 817600-1234\n\n"
            "Ersättning\nKommunen betalar ut 25 000 kr per månad till föreningen.\n")
    parties = [r["name"] for r in facts_of_text(text, tmp_path)[1]["parties"]
               if r["role"] == "party"]
    assert sorted(parties) == ["Gävle kommun, kultur- och fritidsnämnden", "IFK Gävle Ungdom"]


def test_thousands_with_no_break_spaces(tmp_path):
    text = "Föreningen erhåller 150\u00a0000\u00a0kr per år och 450\u202f000 kr i startbidrag."
    amounts = facts_of_text(text, tmp_path)[1]["amounts"]
    assert [r["amount_sek"] for r in amounts] == [150000, 450000]


# (sentence, kind, start, end, months)
PERIOD_FORMS = [
    ("Bidraget avser verksamhetsåret 2020.", "funding", "2020-01-01", "2020-12-31", None),
    # a start and a stated length: the end follows
    ("Avtalstiden är 24 månader från och med 2022-01-01.", "term", "2022-01-01", "2023-12-31",
     24),
    ("Överenskommelsen gäller fr o m 1/7 2021 t o m 30/6 2023.", "term", "2021-07-01",
     "2023-06-30", None),
    ("Överenskommelsen gäller 20230401-20240331.", "term", "2023-04-01", "2024-03-31", None),
    ("Uppsägningstiden är sex (6) månader.", "notice", None, None, 6),
    ("Överenskommelsen gäller i två år, från och med 2019-01-01 till och med 2020-12-31.",
     "term", "2019-01-01", "2020-12-31", 24),
    # a range of whole years
    ("Överenskommelsen gäller under åren 2024–2026.", "term", "2024-01-01", "2026-12-31", None),
    ("Bidrag utgår för verksamhetsåren 2024-2025.", "funding", "2024-01-01", "2025-12-31",
     None),
    # a double hyphen with no spaces between the dates
    ("Överenskommelsen gäller 2024-01-01--2026-12-31.", "term", "2024-01-01", "2026-12-31",
     None),
    ("Avtalsperiod: 2024-01-01 – 2026-12-31.", "term", "2024-01-01", "2026-12-31", None),
    ("Partnerskapet gäller fr.o.m. den 1 mars 2024 t.o.m. den 28 februari 2025.", "term",
     "2024-03-01", "2025-02-28", None),
    ("Överenskommelsen gäller i tre år från och med 2024-01-01.", "term", "2024-01-01",
     "2026-12-31", 36),
    ("Överenskommelsen kan sägas upp med sex månaders uppsägningstid.", "notice", None, None,
     6),
]


@pytest.mark.parametrize("sentence,kind,start,end,months", PERIOD_FORMS)
def test_period_forms(sentence, kind, start, end, months, tmp_path):
    rows = [r for r in facts_of_text(sentence, tmp_path)[1]["periods"] if r["kind"] == kind]
    assert rows, facts_of_text(sentence, tmp_path)[1]["periods"]
    assert (rows[0]["start_date"], rows[0]["end_date"], rows[0]["months"]) == (start, end, months)


PARTIES_HEAD = ("Överenskommelse om idéburet offentligt partnerskap\n\nParter\n"
                "Lunds kommun, socialnämnden, org.nr 212000-1124\n"
                "Föreningen Fixarna i Lund, org.nr 802479-8996\n\n")

# (sentence after the parties, party key word, action, quantity, frequency)
OBLIGATION_FORMS = [
    ("Föreningen ska erbjuda minst 20 platser per termin.", "fixarna",
     "erbjuda minst 20 platser per termin", 20, "per_half_year"),
    ("Föreningen har ansvar för rekrytering av volontärer.", "fixarna",
     "rekrytering av volontärer", None, ""),
    # the party after the cue
    ("Det åligger föreningen att redovisa hur medlen använts.", "fixarna",
     "redovisa hur medlen använts", None, ""),
    # a day of a month is no count
    ("Föreningen förbinder sig att lämna en verksamhetsberättelse senast den 31 mars varje år.",
     "fixarna", "lämna en verksamhetsberättelse senast den 31 mars varje år", None, "per_year"),
    # a joint duty binds each party; 'gemensamt' says how it is done, and stays
    ("Parterna ska gemensamt följa upp verksamheten två gånger per år.", "fixarna",
     "gemensamt följa upp verksamheten två gånger per år", 2, "per_year"),
    ("Parterna ska gemensamt följa upp verksamheten två gånger per år.", "socialnämnd",
     "gemensamt följa upp verksamheten två gånger per år", 2, "per_year"),
    ("Båda parter ansvarar för att informera om partnerskapet.", "socialnämnd",
     "informera om partnerskapet", None, ""),
    # 'följande:' announces a list: one row per item
    ("Socialnämnden åtar sig följande:\n• att upplåta lokal\n"
     "• att bistå med handledning en gång per månad", "socialnämnd", "upplåta lokal", None, ""),
    ("Socialnämnden åtar sig följande:\n• att upplåta lokal\n"
     "• att bistå med handledning en gång per månad", "socialnämnd",
     "bistå med handledning en gång per månad", 1, "per_month"),
]


@pytest.mark.parametrize("sentence,party,action,quantity,frequency", OBLIGATION_FORMS)
def test_obligation_forms(sentence, party, action, quantity, frequency, tmp_path):
    rows = facts_of_text(PARTIES_HEAD + sentence + "\n", tmp_path)[1]["obligations"]
    match = [r for r in rows if r["action"] == action and party in party_key(r["party"])]
    assert match, [(r["party"], r["action"]) for r in rows]
    assert (match[0]["quantity"], match[0]["frequency"]) == (quantity, frequency)
    assert "följande" not in [r["action"] for r in rows]


# (text, organisation, role)
ROLES = [
    ("Denna överenskommelse är upprättad mellan Umeå kommun och Föreningen Gemenskap.\n"
     "Kontaktpersoner är utvecklingsledare vid socialförvaltningen i Umeå kommun och "
     "verksamhetsledare vid Föreningen Gemenskap.", "Socialförvaltningen i Umeå kommun", "contact"),
    ("Denna överenskommelse är upprättad mellan Umeå kommun och Föreningen Gemenskap.\n"
     "Kontaktpersoner är utvecklingsledare vid socialförvaltningen i Umeå kommun och "
     "verksamhetsledare vid Föreningen Gemenskap.", "Föreningen Gemenskap", "party"),
    ("Denna överenskommelse är upprättad mellan Umeå kommun och Föreningen Gemenskap.\n"
     "Parterna ska samverka med Polisen och Migrationsverket.", "Polisen", "mentioned"),
    ("Denna överenskommelse är upprättad mellan Umeå kommun och Föreningen Gemenskap.\n"
     "Parterna ska samverka med Polisen och Migrationsverket.", "Migrationsverket", "mentioned"),
]


@pytest.mark.parametrize("text,organisation,role", ROLES)
def test_party_roles(text, organisation, role, tmp_path):
    rows = facts_of_text(text, tmp_path)[1]["parties"]
    match = [r for r in rows if party_key(r["name"]) == party_key(organisation)]
    assert match, [(r["name"], r["role"]) for r in rows]
    assert match[0]["role"] == role


def pdf_of(text: str, path: Path) -> Path:
    """A text-layer PDF of a convention document, laid out as a word processor would: lines
    wrapped at the margin, a two-column signature block (cells split at 3+ spaces)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("dejavu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("dejavu", size=10)
    for line in text.split("\n"):
        cells = [c.strip() for c in re.split(r"\s{3,}", line.strip()) if c.strip()]
        if len(cells) == 2:
            y = pdf.get_y()
            for x, cell in zip((20, 110), cells, strict=True):
                pdf.set_xy(x, y)
                pdf.cell(80, 5, cell)
            pdf.ln(5)
        elif cells:
            pdf.set_x(20)
            pdf.multi_cell(170, 5, line.strip())
        else:
            pdf.ln(3)
    pdf.output(str(path))
    return path


FACT_COLUMNS = {
    "parties": ("name", "org_number", "sector", "role"),
    "amounts": ("amount_sek", "payer", "payee", "basis", "in_kind", "role", "part_of"),
    "periods": ("kind", "start_date", "end_date", "months", "times_per_year"),
    "obligations": ("party", "action", "quantity", "frequency"),
    "signatories": ("person", "for_party", "place", "date"),
}


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.glob("*.txt")))
def test_a_pdf_rendering_gives_the_same_facts(name, tmp_path):
    text = (HERE / name).read_text(encoding="utf-8")
    from_text = doc(name)[1]
    from_pdf = facts_of(pdf_of(text, tmp_path / "rendering.pdf"))[1]
    for table, columns in FACT_COLUMNS.items():
        assert sorted(tuple(str(r[c]) for c in columns) for r in from_pdf[table]) == \
            sorted(tuple(str(r[c]) for c in columns) for r in from_text[table]), table
