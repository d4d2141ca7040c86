"""Write a synthetic IOP archive with known facts, for the benchmark (`make bench`).

    python bench/generate_archive.py --n 1000 --out data/bench/archive-1000

Half of the documents are text-layer PDFs of 4-7 pages (drawn with fpdf2, a pinned bench
dependency), half are TXT files. Each is built from varied templates (agreements and memos,
`§ 1 Parter` or `1. Parter` headings, `org.nr` or `organisationsnummer`, amounts as
`300 500 kr`, `1 725 tkr`, `1,8 mnkr`, `SEK 650 000`, `1 725 000:-`, periods as
`fr.o.m. ... t.o.m. ...` or `april 2023 till och med mars 2024`, obligations with
frequencies) and filled with random facts that are written, per document, to
`<out>.truth.jsonl` beside the archive folder (not inside it: iop would read it).

Document i depends only on (seed, i), so an archive of 10 000 holds the archive of 1 000
as its first 1 000 files, and files that already exist are not written again.

    python bench/generate_archive.py --funding --n 200 --out data/bench/funding-200

writes instead an archive with known funding: agreement families (an agreement, maybe the
memo that proposes it, an UTKAST it replaces and a PDF rendering of it) and, beside it,
`<out>.funding.json` with the money the archive's funding views must give
(bench/funding_check.py compares them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import textwrap
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from stdnum import luhn

MUNICIPALITIES = [
    "Linköping", "Norrköping", "Uppsala", "Västerås", "Örebro", "Umeå", "Gävle", "Borås",
    "Eskilstuna", "Södertälje", "Karlstad", "Växjö", "Halmstad", "Sundsvall", "Luleå",
    "Trollhättan", "Östersund", "Borlänge", "Falun", "Kalmar", "Kristianstad", "Skövde",
]
BOARDS = [
    "Social- och omsorgsnämnden", "Socialnämnden", "Kultur- och fritidsnämnden",
    "Barn- och ungdomsnämnden", "Arbetsmarknadsnämnden", "Vård- och omsorgsnämnden",
]
NONPROFITS = [
    "Stadsmissionen", "Föreningen Läxhjälpen", "Domkyrkopastoratet", "Kvinnojouren Frida",
    "Röda Korsets krets", "Idrottsföreningen Kamraterna", "Föreningen Fritidsbanken",
    "Brottsofferjouren", "Ungdomens Hus ideell förening", "Studieförbundet Vuxenskolan",
    "Föreningen Mötesplats Öst", "Hela Människan", "Equmeniakyrkan", "BRIS region",
]
ACTIVITIES = [
    ("stödgrupper för barn och unga", "träffar"), ("läxhjälp för elever i årskurs 4-9", "pass"),
    ("samtalsstöd för våldsutsatta kvinnor", "samtal"), ("öppen mötesplats för äldre", "träffar"),
    ("fritidsaktiviteter för unga", "aktiviteter"), ("språkcafé för nyanlända", "träffar"),
    ("stöd till anhöriga", "samtal"), ("nattvandring i centrala staden", "pass"),
]
FREQUENCIES = [("per vecka", "per_week"), ("i veckan", "per_week"), ("per månad", "per_month"),
               ("varje månad", "per_month"), ("per kvartal", "per_quarter"),
               ("per år", "per_year"), ("varje halvår", "per_half_year")]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]
NUMBER_WORDS = {2: "två", 3: "tre", 4: "fyra", 5: "fem", 6: "sex", 8: "åtta", 10: "tio"}

FILLER = [
    "Idéburet offentligt partnerskap (IOP) är en samverkansmodell mellan offentlig sektor "
    "och civilsamhällets organisationer i frågor som rör komplexa samhällsutmaningar.",
    "Partnerskapet ska bygga på ömsesidig respekt, öppenhet och dialog som karaktäriseras av "
    "tillit, lyhördhet och förståelse för varandras olika förutsättningar.",
    "Parterna ska samverka för ett gemensamt lärande kring målgruppen och för spridning av "
    "kunskap inom respektive organisation.",
    "Verksamheten är religiöst och partipolitiskt obunden och präglas av professionalitet, "
    "engagemang och omtanke om de människor som deltar.",
    "Insatsen ska bidra till att skapa en känsla av sammanhang och leda till att deltagarna "
    "upplever tillvaron som hanterbar och meningsfull.",
    "Uppföljning sker genom gemensamma möten där parterna går igenom verksamhetens innehåll, "
    "antal deltagare och de erfarenheter som gjorts under perioden.",
    "Den idéburna organisationen ansvarar för att rekrytera, utbilda och stödja de frivilliga "
    "som medverkar i verksamheten.",
    "Kommunen ska möjliggöra för organisationen att delta i kommunala nätverk som berör "
    "målgruppen samt främja deltagande vid kommunala arrangemang.",
    "Personuppgifter ska behandlas i enlighet med dataskyddsförordningen och parterna ska "
    "informera varandra om incidenter utan dröjsmål.",
    "Om någon av parterna bryter mot överenskommelsen kan den andra parten säga upp den med "
    "omedelbar verkan efter skriftligt meddelande.",
    "Tvist med anledning av överenskommelsen ska i första hand lösas genom dialog mellan "
    "parterna och i andra hand av allmän domstol.",
    "Målgruppen är barn och unga i åldern 7-20 år och deras föräldrar som befinner sig i en "
    "utsatt livssituation.",
    "Verksamheten ska vara tillgänglig för personer med funktionsnedsättning och lokalerna "
    "ska vara anpassade efter deltagarnas behov.",
    "Parterna är överens om att verksamheten ska utvärderas under det sista året och att "
    "resultatet ska ligga till grund för ett eventuellt fortsatt partnerskap.",
    "Organisationen ska lämna en skriftlig verksamhetsberättelse med en ekonomisk redovisning "
    "senast den 31 mars året efter verksamhetsåret.",
]
HEADINGS_FILL = ["Bakgrund", "Värdegrund", "Målsättning och syfte", "Målgrupp",
                 "Uppföljning och utvärdering", "Kommunikation", "Dataskydd", "Tvister"]


@dataclass
class Truth:
    source: str
    kind: str
    format: str
    pages: int
    parties: list[dict] = field(default_factory=list)
    amounts: list[int] = field(default_factory=list)
    periods: list[dict] = field(default_factory=list)
    obligations: list[dict] = field(default_factory=list)


def org_number(rng: random.Random, group: str) -> str:
    """A valid organisationsnummer (Luhn) in the group: 2 = public sector, 8 = associations."""
    body = group + "".join(rng.choice("0123456789") for _ in range(7))
    body = body[:2] + str(rng.randint(2, 9)) + body[3:]  # third digit >= 2
    number = body + luhn.calc_check_digit(body)
    return f"{number[:6]}-{number[6:]}"


def written_amount(rng: random.Random) -> tuple[str, int]:
    """An amount in one of the ways Swedish documents write money, and its value in kronor."""
    thousands = rng.randint(50, 4000)
    value = thousands * 1000 + rng.choice([0, 0, 500])
    grouped = f"{value:,}".replace(",", " ")
    form = rng.randrange(7)
    if form == 0:
        return f"{grouped} kr", value
    if form == 1:
        return f"{grouped} kronor", value
    if form == 2:
        return f"{thousands} tkr", thousands * 1000
    if form == 3:
        millions = rng.randint(11, 49)
        return f"{millions // 10},{millions % 10} mnkr", millions * 100_000
    if form == 4:
        return f"SEK {grouped}", value
    if form == 5:
        return f"{grouped}:-", value
    return f"{grouped.replace(' ', '.')} kronor", value


def written_period(rng: random.Random, start: date, years: int) -> tuple[str, str, str]:
    end = date(start.year + years, start.month, 1) - timedelta(days=1)
    form = rng.randrange(3)
    if form == 0:
        text = f"fr.o.m. {start.isoformat()} t.o.m. {end.isoformat()}"
    elif form == 1:
        text = (f"{MONTHS[start.month - 1]} {start.year} till och med "
                f"{MONTHS[end.month - 1]} {end.year}")
    else:
        text = f"{start.day} {MONTHS[start.month - 1]} {start.year} - {end.day} " \
               f"{MONTHS[end.month - 1]} {end.year}"
    return text, start.isoformat(), end.isoformat()


def document(seed: int, index: int) -> tuple[list[list[str]], Truth]:
    """The pages (lists of paragraphs; headings start with '#') and the known facts."""
    rng = random.Random(f"{seed}-{index}")
    is_pdf = index % 2 == 0
    kind = "memo" if rng.random() < 0.25 else "agreement"
    town = rng.choice(MUNICIPALITIES)
    board = f"{rng.choice(BOARDS)} i {town}s kommun"
    partner = f"{rng.choice(NONPROFITS)} i {town}"
    board_nr, partner_nr = org_number(rng, "21"), org_number(rng, "80")
    activity, unit = rng.choice(ACTIVITIES)
    years = rng.randint(1, 3)
    start = date(rng.randint(2015, 2025), rng.choice([1, 4, 7, 9]), 1)
    period_text, period_start, period_end = written_period(rng, start, years)
    numbered = rng.choice(["§ {n} {h}", "{n}. {h}", "{h}"])
    label = rng.choice(["organisationsnummer", "org.nr", "org nr", "Org.nr:"])
    truth = Truth(source="", kind=kind, format="pdf" if is_pdf else "txt", pages=0)
    truth.parties = [{"name": board, "org_number": board_nr},
                     {"name": partner, "org_number": partner_nr}]
    truth.periods = [{"kind": "term", "start": period_start, "end": period_end}]

    sections: list[tuple[str, list[str]]] = []
    if kind == "agreement":
        title = f"Överenskommelse om idéburet offentligt partnerskap avseende {activity}"
        sections.append(("Parter", [
            "Denna överenskommelse är upprättad mellan:",
            f"{board}, {label} {board_nr} (offentlig sektor).",
            f"{partner}, {label} {partner_nr} (idéburen sektor).",
        ]))
    else:
        title = f"Tjänsteskrivelse: Förslag till idéburet offentligt partnerskap om {activity}"
        sections.append(("Förslag till beslut", [
            f"{board} föreslås besluta att ingå ett idéburet offentligt partnerskap med "
            f"{partner} ({label} {partner_nr}) avseende {activity}.",
            f"Ärendet bereds av förvaltningen på uppdrag av {board} ({label} {board_nr}).",
        ]))
    sections.append(("Period", [f"Överenskommelsen gäller {period_text}."]))
    money = []
    for _ in range(rng.randint(2, 4)):
        text, value = written_amount(rng)
        truth.amounts.append(value)
        money.append(rng.choice([
            f"Kommunen bidrar med {text} per år till verksamheten.",
            f"{partner} bidrar med {text} i form av ideella insatser och lokaler.",
            f"Den totala ekonomiska omfattningen uppgår till {text} för hela perioden.",
            f"För år {start.year + 1} avsätts {text} till lönekostnader.",
        ]))
    sections.append(("Ekonomi", money))
    duties = []
    for _ in range(rng.randint(1, 3)):
        count = rng.choice(list(NUMBER_WORDS))
        written_count = NUMBER_WORDS[count] if rng.random() < 0.5 else str(count)
        freq_text, freq = rng.choice(FREQUENCIES)
        truth.obligations.append({"party": partner, "quantity": count, "frequency": freq})
        duties.append(f"{partner} ska genomföra minst {written_count} {unit} {freq_text} "
                      f"inom ramen för {activity}.")
    sections.append(("Åtaganden", duties))
    target_pages = rng.randint(4, 7)
    body = [f"#{title}"]
    for n, (heading, paragraphs) in enumerate(sections, start=1):
        body.append("#" + numbered.format(n=n, h=heading))
        body.extend(paragraphs)
    fill = rng.sample(HEADINGS_FILL, len(HEADINGS_FILL))
    n = len(sections)
    pages = paginate(body)
    while len(pages) < target_pages or (len(pages) == target_pages and _height(pages[-1]) < 500):
        n += 1
        heading = fill[n % len(fill)]
        body.append("#" + numbered.format(n=n, h=heading))
        body.extend(" ".join(rng.sample(FILLER, rng.randint(3, 5)))
                    for _ in range(rng.randint(2, 3)))
        pages = paginate(body)
    if len(pages) > target_pages:  # the last section spilled over: drop what spilled
        pages = pages[:target_pages]
    truth.pages = len(pages)
    return pages, truth


PAGE_HEIGHT = 700  # points of text between the header and the footer of an A4 page


def _wrap(paragraph: str) -> list[str]:
    return textwrap.wrap(paragraph.lstrip("#"), 80 if paragraph.startswith("#") else 92)


@lru_cache(maxsize=4096)
def _paragraph_height(paragraph: str) -> int:
    return (16 if paragraph.startswith("#") else 13) * len(_wrap(paragraph)) + 8


def _height(page: list[str]) -> int:
    return sum(_paragraph_height(p) for p in page)


def paginate(body: list[str]) -> list[list[str]]:
    """Paragraphs -> pages as the PDF writer lays them out (a paragraph is not split)."""
    pages: list[list[str]] = [[]]
    for paragraph in body:
        if pages[-1] and _height(pages[-1]) + _paragraph_height(paragraph) > PAGE_HEIGHT:
            pages.append([])
        pages[-1].append(paragraph)
    return pages


def write_txt(path: Path, pages: list[list[str]], index: int) -> None:
    lines = []
    for number, page in enumerate(pages):
        if number and index % 3 == 0:
            lines.append("\f")  # some exports mark pages with a form feed
        for paragraph in page:
            lines.append(paragraph.lstrip("#"))
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def write_pdf(path: Path, pages: list[list[str]], header: str) -> None:
    """One text line per `text()` call, wrapped by textwrap: fpdf2's multi_cell measures
    every glyph and takes ~0.4 s per document, too slow for 10 000 documents."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    lines = [[(p.startswith("#"), line) for p in page for line in [*_wrap(p), ""]]
             for page in pages]
    for number, page_lines in enumerate(lines, start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=8)
        pdf.text(57, 50, header)
        y = 80.0
        for heading, line in page_lines:
            pdf.set_font("Helvetica", style="B" if heading else "", size=12 if heading else 10)
            if line:
                pdf.text(57, y, line)
            y += 16 if heading and line else (13 if line else 8)
        pdf.set_font("Helvetica", size=8)
        pdf.text(270, 810, f"Sida {number} av {len(lines)}")
    pdf.output(str(path))


def write_one(args: tuple[int, int, str]) -> dict:
    seed, index, out = args
    pages, truth = document(seed, index)
    suffix = truth.format
    name = f"{index // 1000:03d}/{truth.kind}-{index:06d}.{suffix}"
    truth.source = name
    path = Path(out) / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        if suffix == "pdf":
            write_pdf(tmp, pages, f"IOP {truth.parties[0]['name']} - dnr {seed}-{index}")
        else:
            write_txt(tmp, pages, index)
        os.replace(tmp, path)
    return asdict(truth)


def generate(n: int, out: Path, seed: int = 2024, jobs: int | None = None) -> Path:
    """Write documents 0..n-1 under `out` (existing ones are kept) and the truth file."""
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(seed, i, str(out)) for i in range(n)]
    with ProcessPoolExecutor(jobs or os.cpu_count()) as pool:
        truths = list(pool.map(write_one, tasks, chunksize=32))
    truth_path = out.with_name(out.name + ".truth.jsonl")
    with open(truth_path, "w", encoding="utf-8") as handle:
        for truth in truths:
            handle.write(json.dumps(truth, ensure_ascii=False) + "\n")
    return truth_path


# --- an archive with known funding (--funding) --------------------------------------------
#
# Agreement families with coherent money: an agreement between a municipality's nämnd and
# an organisation, and maybe the memo that proposes it (the same money), an UTKAST it
# replaces (other money) and a PDF rendering of it (the same money). The truth file
# `<out>.funding.json` says what the archive's funding views must give: each organisation's
# cash received, each payer's cash paid and each organisation's in-kind contribution per
# year, counted once per agreement by the rule of pipeline/archive/funding.py (a yearly
# amount a twelfth per month of the term, a period's amount pro rata over its months, a
# year's allocation in its year), computed here month by month on its own.

FUNDING_FORMS = ("per_year", "per_period", "allocations")


def _org_number(key: str, group: str) -> str:
    """One organisation's own number, the same in every document that names it."""
    return org_number(random.Random(f"org-{key}"), group)


def _municipality_number(town: str) -> str:
    """A municipality's number: 212000-NNNN, as every Swedish municipality's is."""
    body = "212000" + f"{random.Random(f'org-{town} kommun').randrange(1000):03d}"
    number = body + luhn.calc_check_digit(body)
    return f"{number[:6]}-{number[6:]}"


def _kr(value: int) -> str:
    return f"{value:,}".replace(",", " ") + " kr"


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@dataclass
class Family:
    """One agreement and the documents around it, with the money it moves."""

    index: int
    town: str
    board: str
    board_nr: str
    partner: str
    partner_nr: str
    dnr: str
    activity: str
    start: date
    end: date
    form: str
    money: dict  # form's figures: per_year / per_period: int; allocations: {year: int}
    in_kind: int  # per year, 0 for none
    memo: bool
    draft: bool
    rendering: bool

    def yearly(self) -> tuple[dict[int, int], dict[int, int]]:
        """(cash per year, in kind per year) by the views' rule."""
        months = _months(self.start, self.end)
        cash: dict[int, int] = {}
        kind: dict[int, int] = {}
        for year, _month in months:
            if self.form == "per_year":
                cash[year] = cash.get(year, 0) + self.money["per_year"] // 12
            elif self.form == "per_period":
                cash[year] = cash.get(year, 0) + self.money["per_period"] // len(months)
            if self.in_kind:
                kind[year] = kind.get(year, 0) + self.in_kind // 12
        if self.form == "allocations":
            cash = dict(self.money["allocations"])
        return cash, kind


RENEWAL_EVERY = 7  # every 7th family renews the one before it: the next term, a new dnr


def _partners(seed: int) -> list[tuple[str, str]]:
    """(town, organisation) pairs in a fixed random order: each family its own partner (two
    agreements of one partner at once would be versions of one agreement to the linker)."""
    pairs = [(town, org) for town in MUNICIPALITIES for org in NONPROFITS]
    random.Random(f"{seed}-partners").shuffle(pairs)
    return pairs


def funding_family(seed: int, index: int) -> Family:
    rng = random.Random(f"{seed}-funding-{index}")
    renewal = index % RENEWAL_EVERY == RENEWAL_EVERY - 1
    base = funding_family(seed, index - 1) if renewal else None
    pairs = _partners(seed)
    town, organisation = pairs[(index - index // RENEWAL_EVERY) % len(pairs)]
    genitive = town if town[-1] in "sxzaeiouyåäö" else town + "s"  # Borås, Uppsala
    board = base.board if base else f"{rng.choice(BOARDS)} i {genitive} kommun"
    partner = base.partner if base else f"{organisation} i {town}"
    town = base.town if base else town
    form = FUNDING_FORMS[index % len(FUNDING_FORMS)]
    years = rng.randint(1, 3)
    if base is not None:  # the next term, right after the one it renews
        start = base.end + timedelta(days=1)
    elif form == "allocations":
        start = date(rng.randint(2019, 2025), 1, 1)  # a calendar year per row
    else:
        start = date(rng.randint(2019, 2025), rng.choice([1, 4, 7, 9]), 1)
    if form == "allocations" and start.month != 1:
        form = "per_year"
    end = date(start.year + years, start.month, 1) - timedelta(days=1)
    months = len(_months(start, end))
    if form == "per_year":
        money = {"per_year": rng.randint(10, 150) * 12_000}
    elif form == "per_period":
        money = {"per_period": rng.randint(20, 400) * months * 1000}
    else:
        money = {"allocations": {start.year + k: rng.randint(10, 150) * 10_000
                                 for k in range(years)}}
    return Family(
        index=index, town=town, board=board,
        board_nr=_municipality_number(town), partner=partner,
        partner_nr=_org_number(partner, "80"),
        dnr=f"SN {start.year - 1}/{100 + index}", activity=rng.choice(ACTIVITIES)[0],
        start=start, end=end, form=form, money=money,
        in_kind=rng.choice([0, 0, rng.randint(2, 30) * 12_000]),
        memo=rng.random() < 0.4, draft=rng.random() < 0.3, rendering=rng.random() < 0.3)


def _money_paragraphs(f: Family, draft: bool) -> list[str]:
    cut = 0.9 if draft else 1.0  # an UTKAST with other money than the final text
    out = []
    if f.form == "per_year":
        out.append(f"{f.board} betalar {_kr(int(f.money['per_year'] * cut))} per år till "
                   f"{f.partner} under avtalsperioden.")
    elif f.form == "per_period":
        out.append(f"{f.board} betalar totalt {_kr(int(f.money['per_period'] * cut))} till "
                   f"{f.partner} för hela avtalsperioden.")
    else:
        rows = {y: int(v * cut) for y, v in f.money["allocations"].items()}
        out.append(f"{f.board} bidrar till {f.partner} enligt följande:")
        out.append("\n".join([  # a table: one line per row
            "Period                           Belopp",
            *(f"{year}-01-01 – {year}-12-31          {_kr(value)}"
              for year, value in rows.items()),
            f"Summa                            {_kr(sum(rows.values()))}"]))
    if f.in_kind:
        out.append(f"{f.partner} bidrar med ideella insatser till ett värde av "
                   f"{_kr(f.in_kind)} per år.")
    return out


def _agreement_text(f: Family, draft: bool) -> str:
    lines = [("UTKAST " + f"{f.start.year - 1}-10-15\n\n") if draft else "",
             f"Överenskommelse om idéburet offentligt partnerskap avseende {f.activity}",
             "", f"Dnr {f.dnr}", "", "§ 1 Parter", "",
             "Denna överenskommelse är upprättad mellan:", "",
             f"{f.board}, organisationsnummer {f.board_nr} (offentlig sektor).", "",
             f"{f.partner}, organisationsnummer {f.partner_nr} (idéburen sektor).", "",
             "§ 2 Bakgrund", "", *(p + "\n" for p in FILLER[:6]),
             "§ 3 Avtalstid", "",
             f"Överenskommelsen gäller från och med {f.start.isoformat()} till och med "
             f"{f.end.isoformat()}.", "", "§ 4 Ekonomi", "",
             *(p + "\n" for p in _money_paragraphs(f, draft)),
             "§ 5 Åtaganden", "",
             f"{f.partner} ska genomföra minst fyra träffar per månad inom ramen för "
             f"{f.activity}.", "", "§ 6 Uppföljning", "", *(p + "\n" for p in FILLER[6:10]),
             "§ 7 Underskrifter", "", f"{f.town} {f.start.year - 1}-12-01", "",
             f"För {f.board}", "", "För " + f.partner]
    return "\n".join(lines) + "\n"


def _memo_text(f: Family) -> str:
    if f.form == "per_year":
        cost = f"{_kr(f.money['per_year'])} per år"
    elif f.form == "per_period":
        cost = f"totalt {_kr(f.money['per_period'])} för hela perioden"
    else:
        cost = f"totalt {_kr(sum(f.money['allocations'].values()))} för hela perioden"
    return "\n".join([
        f"Tjänsteskrivelse {f.start.year - 1}-11-02", "", f"Dnr {f.dnr}", "",
        f"Förslag till idéburet offentligt partnerskap med {f.partner}", "",
        "Förslag till beslut", "",
        f"{f.board} föreslås besluta att ingå ett idéburet offentligt partnerskap med "
        f"{f.partner} (organisationsnummer {f.partner_nr}) avseende {f.activity} för "
        f"perioden {f.start.isoformat()} till och med {f.end.isoformat()}.", "",
        "Ärendet", "", FILLER[0], "", "Ekonomi", "",
        f"Kostnaden för {f.board} uppgår till {cost} och ryms inom nämndens budget.", ""])


def write_funding_family(args: tuple[int, int, str, bool]) -> list[dict]:
    """Write one family's files; their documents for the truth file."""
    seed, index, out, with_pdf = args
    f = funding_family(seed, index)
    folder = Path(out) / f"family-{index:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    docs = [{"source": f"family-{index:04d}/agreement.txt", "role": "agreement",
             "counted": True}]
    (folder / "agreement.txt").write_text(_agreement_text(f, False), encoding="utf-8")
    if f.draft:
        (folder / "agreement-utkast.txt").write_text(_agreement_text(f, True),
                                                      encoding="utf-8")
        docs.append({"source": f"family-{index:04d}/agreement-utkast.txt", "role": "draft",
                     "counted": False})
    if f.memo:
        (folder / "memo.txt").write_text(_memo_text(f), encoding="utf-8")
        docs.append({"source": f"family-{index:04d}/memo.txt", "role": "memo",
                     "counted": False})
    if f.rendering and with_pdf:
        lines = _agreement_text(f, False).splitlines()
        write_pdf(folder / "agreement.pdf",
                  # Helvetica is Latin-1: the en dash is drawn as a hyphen
                  paginate([line.replace("–", "-") for line in lines if line.strip()]),
                  f"Dnr {f.dnr}")
        docs.append({"source": f"family-{index:04d}/agreement.pdf", "role": "rendering",
                     "counted": False})
    return [{**d, "family": _family_truth(f)} for d in docs]


def _family_truth(f: Family) -> dict:
    cash, kind = f.yearly()
    return {"index": f.index, "board": f.board, "board_nr": f.board_nr,
            "partner": f.partner, "partner_nr": f.partner_nr, "form": f.form,
            "start": f.start.isoformat(), "end": f.end.isoformat(),
            "cash": {str(y): v for y, v in sorted(cash.items())},
            "in_kind": {str(y): v for y, v in sorted(kind.items())}}


def generate_funding(n: int, out: Path, seed: int = 2024, with_pdf: bool = True,
                     jobs: int | None = None) -> Path:
    """Write n agreement families under `out` and `<out>.funding.json`: per organisation
    (by org number) and year, the cash it receives and pays and what it gives in kind."""
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(seed, i, str(out), with_pdf) for i in range(n)]
    with ProcessPoolExecutor(jobs or os.cpu_count()) as pool:
        written = [d for docs in pool.map(write_funding_family, tasks) for d in docs]
    received: dict[str, dict[str, int]] = {}
    paid: dict[str, dict[str, int]] = {}
    in_kind: dict[str, dict[str, int]] = {}
    totals: dict[str, dict[str, int]] = {}

    def add(table: dict, key: str, year: str, value: int) -> None:
        table.setdefault(key, {})
        table[key][year] = table[key].get(year, 0) + value

    families = {d["family"]["index"]: d["family"] for d in written}
    for family in families.values():
        for year, value in family["cash"].items():
            add(received, family["partner_nr"], year, value)
            add(paid, family["board_nr"], year, value)
            add(totals, "cash", year, value)
        for year, value in family["in_kind"].items():
            add(in_kind, family["partner_nr"], year, value)
            add(totals, "in_kind", year, value)
    truth = {
        "rule": "pipeline/archive/funding.py: per_year a twelfth per month of the term, "
                "per_period pro rata over its months, a year's allocation in its year",
        "documents": [{k: v for k, v in d.items() if k != "family"} for d in written],
        "families": [families[i] for i in sorted(families)],
        "received": received, "paid": paid, "in_kind": in_kind, "by_year": totals}
    path = out.with_name(out.name + ".funding.json")
    path.write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of documents (with "
                        "--funding: of agreement families)")
    parser.add_argument("--out", type=Path, default=Path("data/bench/archive-1000"))
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--funding", action="store_true",
                        help="an archive with known funding: agreements, their memos, drafts "
                        "and PDF renderings, and <out>.funding.json")
    args = parser.parse_args()
    if "data/raw" in args.out.resolve().as_posix():
        parser.error("never write into data/raw (the sample archive is immutable input)")
    if args.funding:
        truth = generate_funding(args.n, args.out, args.seed)
        print(f"{args.n} agreement families in {args.out}; their funding in {truth}")
        return
    truth = generate(args.n, args.out, args.seed)
    print(f"{args.n} documents in {args.out}; known facts in {truth}")


if __name__ == "__main__":
    main()
