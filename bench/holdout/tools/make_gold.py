"""Writes /work/holdout/gold/*.json (hand-annotated gold, kept as code for consistency)."""
import json, pathlib
G = pathlib.Path(__file__).resolve().parent.parent / "gold"
ALL = ["MEMO_AGREEMENT_MISMATCH", "SUM_MISMATCH", "PERIOD_MISMATCH", "DURATION_MISMATCH",
       "PLACEHOLDER", "UNSIGNED", "INVALID_ORG_NUMBER"]

def A(v, payer, payee, basis, role, in_kind=False, ps=None, pe=None, note=None, **kw):
    d = {"amount_sek": v, "payer": payer, "payee": payee, "basis": basis, "in_kind": in_kind, "role": role}
    if ps: d["period_start"] = ps
    if pe: d["period_end"] = pe
    d.update(kw)
    if note: d["note"] = note
    return d

def O(party, action, q=None, f=None):
    d = {"party": party, "action_contains": action}
    if q is not None: d["quantity"] = q
    if f: d["frequency"] = f
    return d

def P(name, org, sector):
    return {"name": name, "org_number": org, "sector": sector}

def write(stem, d, flags=(), flagged_from_memo=()):
    """flagged_from_memo: a memo-agreement flag the proposing memo carries; score.py counts
    it on the agreement too (related_doc_id), so it is not absent there (as the dev gold)."""
    d.setdefault("flags", list(flags))
    d.setdefault("absent_flags", [c for c in ALL if c not in flags and c not in flagged_from_memo])
    (G / f"{stem}.json").write_text(json.dumps(d, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

# ---------------------------------------------------------------- h01 / h02 Luleå
HL = "Stiftelsen Hamnljuset"
write("h01_lulea-hamnljuset-memo-2025", {
  "source": "h01_lulea-hamnljuset-memo-2025.txt", "kind": "memo", "memo_date": "2025-01-29",
  "title_contains": "Idéburet offentligt partnerskap med Stiftelsen Hamnljuset",
  "proposes": "h02_lulea-hamnljuset-agreement-2025.txt",
  "parties": [P("Socialnämnden", None, "public"), P(HL, None, "nonprofit")],
  "mentioned_not_parties": ["Polisen", "Region Norrbotten"],
  "amounts": [
    A(850000, "Socialnämnden", HL, "per_year", "grant", note="'850 tkr per år', in decision point 2 and again under Ekonomiska konsekvenser: one amount"),
    A(1700000, "Socialnämnden", HL, "per_period", "total", ps="2025-04-01", pe="2027-03-31",
      note="'sammanlagt 1,7 miljoner kronor för avtalsperioden' = 2 x 850 tkr; the same money in another written form, so recorded; period = the proposed term"),
    A(310000, HL, None, "per_year", "contribution", in_kind=True, note="'310 tkr per år', own premises and volunteer night hosts; in kind, no payee"),
  ],
  "not_amounts": ["400 000 kr per år (the expiring föreningsbidrag, background)", "971 85 (postal code)", "0920-45 30 00 (phone)", "SOCN 2025.0087-1.4.2 (dnr)"],
  "sums": [],
  "term": {"start": "2025-04-01", "end": "2027-03-31", "stated_duration_months": 24},
  "notice_months": 6,
  "follow_up": {"text_contains": "två gånger per år", "per_year": 2},
  "obligations": [
    O(HL, "sex jourplatser öppna", 6),
    O(HL, "stödsamtal med socionom"),
    O(HL, "minst 40 gruppträffar per år", 40, "per_year"),
    O("Socialnämnden", "utse en kontaktperson"),
    O("Socialnämnden", "nätverk mot hemlöshet"),
  ],
  "signatories": None,
  "traps": [
    "the expiring föreningsbidrag (400 000 kr per år, ends 2025-03-31) is background: not an amount, not a period, no PERIOD_MISMATCH",
    "'löper i två år från och med den 1 april 2025' gives the term 2025-04-01..2027-03-31; duration matches",
    "'850 tkr per år' vs '1,7 miljoner kronor för avtalsperioden' agree (2 years); 310 tkr in kind equals the agreement's 190 000 + 120 000: no MEMO_AGREEMENT_MISMATCH",
    "'38 olika gäster', '212 nätter', '18 och 25 år' are background counts and ages, not obligations or amounts",
    "the authors' names at the end are not signatories",
  ],
  "note": "Tjänsteskrivelse. End date computed from 'två år från och med den 1 april 2025' (the memo writes no end date). 'alla nätter i veckan' gets no frequency (as dev's 'alla dagar i veckan'); quantity 6 is the number of places. 'Partnerskapet följs upp två gånger per år' is a plain statement: follow_up only, not an obligation.",
})

LK = "Luleå kommun, socialnämnden"
write("h02_lulea-hamnljuset-agreement-2025", {
  "source": "h02_lulea-hamnljuset-agreement-2025.txt", "kind": "agreement",
  "title_contains": "Jourboende och stöd för unga vuxna i hemlöshet",
  "parties": [P(LK, "212000-2742", "public"), P(HL, "802471-3920", "nonprofit")],
  "amounts": [
    A(850000, LK, HL, "per_year", "grant", note="'kr 850 000 per år'; 'Kommunen' is defined as Luleå kommun, socialnämnden, so either name is right"),
    A(190000, HL, None, "per_year", "contribution", in_kind=True, note="'ställer lokaler till förfogande värda 190 000 kr per år'"),
    A(120000, HL, None, "per_year", "contribution", in_kind=True, note="ideella nattvärdar"),
    A(310000, HL, None, "per_year", "total", in_kind=True, note="'Stiftelsens egen insats uppgår därmed till sammanlagt 310 000 kr per år'"),
  ],
  "sums": [{"total": 310000, "parts": [190000, 120000], "holds": True}],
  "term": {"start": "2025-04-01", "end": "2027-03-31", "stated_duration_months": 24},
  "notice_months": 6,
  "follow_up": {"text_contains": "två gånger per år", "per_year": 2},
  "other_periods": [
    {"kind": "payment", "per_year": 4, "text_contains": "kvartalsvis i förskott"},
    {"kind": "extension_option", "months": 12, "text_contains": "förlänga överenskommelsen med högst ett år"},
  ],
  "obligations": [
    O(HL, "sex jourplatser öppna", 6),
    O(HL, "minst två nattvärdar", 2),
    O(HL, "stödsamtal med socionom"),
    O(HL, "minst 40 gruppträffar per år", 40, "per_year"),
    O(HL, "verksamhetsberättelse", None, "per_year"),
    O("Luleå kommun", "utse en kontaktperson"),
    O("Luleå kommun", "nätverk mot hemlöshet"),
    O("Luleå kommun", "utbildning i motiverande samtal en gång per år", 1, "per_year"),
    O(HL, "uppföljningsmöte två gånger per år", 2, "per_year"),
    O("Luleå kommun", "uppföljningsmöte två gånger per år", 2, "per_year"),
  ],
  "signed": {"place": "Luleå", "date": "2025-03-24", "date_text": "Luleå den 24 mars 2025"},
  "signatories": [
    {"person": "Maria Öhman", "for": LK, "place": "Luleå", "date": "2025-03-20", "date_text": "Luleå den 20 mars 2025"},
    {"person": "Johan Bergkvist", "for": HL, "place": "Luleå", "date": "2025-03-24", "date_text": "Luleå den 24 mars 2025"},
  ],
  "traps": [
    "'löper i två år' matches 2025-04-01..2027-03-31: no DURATION_MISMATCH",
    "'senast den 30 september 2026' is a deadline for agreeing an extension; the option does not move the end",
    "310 000 = 190 000 + 120 000 holds: no SUM_MISMATCH",
    "'Ort och datum' is a label; every signature block has a name after 'Namnförtydligande:': no UNSIGNED",
    "'två likalydande exemplar' is not an obligation count",
  ],
  "note": "Proposed by h01. 'Avtalsparter' list with org numbers on their own lines and 'Nedan kallad'. 212000-2742 is what I believe is Luleå kommun's real number (passes Luhn); the Stiftelse number is invented and Luhn-valid. Two-column signature block with a date per party; `signed` holds the later date. 'ha minst två nattvärdar i tjänst varje natt' is 2 with no frequency (no per_day value). The joint follow-up 'Parterna ska hålla uppföljningsmöte två gånger per år' is follow_up and one obligation row per party. The repayment clause and the right to terminate immediately are conditional, not obligations.",
})

# ---------------------------------------------------------------- h03 / h04 / h12 Jönköping
UA = "Föreningen Unga Anhöriga Jönköping"
JK = "Jönköpings kommun, socialnämnden"
RJ = "Region Jönköpings län"
write("h03_jonkoping-ungaanhoriga-memo-2024", {
  "source": "h03_jonkoping-ungaanhoriga-memo-2024.txt", "kind": "memo", "memo_date": "2024-12-04",
  "title_contains": "Partnerskap med Föreningen Unga Anhöriga Jönköping",
  "proposes": "h04_jonkoping-ungaanhoriga-agreement-2025.txt",
  "parties": [P("Socialnämnden", None, "public"), P(RJ, None, "public"), P(UA, None, "nonprofit")],
  "amounts": [
    A(700000, None, UA, "per_year", "total", note="public funding from two payers (kommun and region): no payer; 'Beloppen betalas ut till föreningen' names the payee"),
    A(400000, JK, UA, "per_year", "allocation", note="'kommunens andel, 400 000 kronor per år' (decision list) and 'Jönköpings kommun svarar för 400 000 kronor': one amount; financed 'ur socialnämndens budgetram', so kommun and nämnd are both right"),
    A(300000, RJ, UA, "per_year", "allocation"),
    A(250000, JK, None, "per_year", "allocation", source_of_funds="socialnämndens budgetram", note="split of the kommun's share by source: no payee"),
    A(100000, JK, None, "per_year", "allocation", source_of_funds="statsbidrag", note="split by source: no payee"),
    A(140000, UA, None, "per_year", "contribution", in_kind=True, note="ideella gruppledare; in kind, no payee"),
  ],
  "sums": [
    {"total": 700000, "parts": [400000, 300000], "holds": True},
    {"total": 400000, "parts": [250000, 100000], "holds": False},
  ],
  "term": {"start": "2025-03-01", "end": "2026-02-28", "stated_duration_months": 12},
  "notice_months": 3,
  "follow_up": {"text_contains": "en gång per år", "per_year": 1},
  "other_periods": [
    {"kind": "extension_option", "months": 12, "text_contains": "möjlighet till förlängning i ett år"},
    {"kind": "payment", "per_year": 2, "text_contains": "i två lika delar per år"},
  ],
  "obligations": [
    O(UA, "minst sex stödgrupper per år", 6, "per_year"),
    O(UA, "minst 60 barn och unga per år", 60, "per_year"),
    O(RJ, "kurator från barn- och ungdomspsykiatrin en dag per vecka", 1, "per_week"),
    O("Socialnämnden", "utse en kontaktperson"),
    O("Socialnämnden", "informera elevhälsan"),
  ],
  "signatories": None,
  "flags": ["SUM_MISMATCH"],
  "flag_details": [{"code": "SUM_MISMATCH",
    "this": "'Kommunens andel, 400 000 kronor per år' financed 'med 250 000 kronor per år ur socialnämndens budgetram och 100 000 kronor per år ur statsbidraget'",
    "other": "250 000 + 100 000 = 350 000, not 400 000"}],
  "traps": [
    "700 000 = 400 000 + 300 000 holds: only the funding-source split is wrong (one SUM_MISMATCH)",
    "the agreement h04 repeats 400 000 / 300 000 / 700 000 / 140 000 and does not repeat the source split: no MEMO_AGREEMENT_MISMATCH",
    "'ettårig' matches 2025-03-01..2026-02-28: no DURATION_MISMATCH",
    "'den 20 november 2024' is the date of the region's decision, not the memo's date and not a period",
    "'7 och 20 år', '2019' are not amounts",
  ],
  "note": "Tjänsteskrivelse proposing a three-party agreement (kommun via socialnämnden, region, förening); two public parties share the cost. Party introduced as 'socialnämnden tillsammans med Region Jönköpings län'. 'Parterna följer gemensamt upp partnerskapet en gång per år' is a plain statement: follow_up only. The memo's authors are not signatories. Payer of the kommun's share written 'Jönköpings kommun, socialnämnden' (either matches).",
}, flags=["SUM_MISMATCH"])

write("h04_jonkoping-ungaanhoriga-agreement-2025", {
  "source": "h04_jonkoping-ungaanhoriga-agreement-2025.txt", "kind": "agreement",
  "title_contains": "stödgrupper för barn och unga som anhöriga",
  "parties": [P(JK, None, "public"), P(RJ, None, "public"), P(UA, "802530-6187", "nonprofit")],
  "amounts": [
    A(400000, JK, UA, "per_year", "allocation", note="'Kommunen betalar 400 000 kr per år'; Kommunen = Jönköpings kommun genom socialnämnden"),
    A(300000, RJ, UA, "per_year", "allocation"),
    A(700000, None, UA, "per_year", "total", note="two payers: no payer; 'Ersättningen utbetalas till Föreningen'"),
    A(140000, UA, None, "per_year", "contribution", in_kind=True),
  ],
  "sums": [{"total": 700000, "parts": [400000, 300000], "holds": True}],
  "term": {"start": "2025-03-01", "end": "2026-02-28"},
  "notice_months": 3,
  "follow_up": {"text_contains": "en gång per år", "per_year": 1},
  "other_periods": [
    {"kind": "payment", "per_year": 2, "text_contains": "i två lika delar, i mars och i september"},
    {"kind": "extension_option", "months": 12, "text_contains": "förlänga överenskommelsen med ytterligare tolv månader"},
  ],
  "obligations": [
    O(UA, "minst sex stödgrupper per år", 6, "per_year"),
    O(UA, "minst 60 barn och unga per år", 60, "per_year"),
    O(UA, "enskilda samtal"),
    O(UA, "verksamhetsberättelse", 1, "per_year"),
    O("Jönköpings kommun", "utse en kontaktperson"),
    O("Jönköpings kommun", "informera elevhälsan"),
    O(RJ, "kurator från barn- och ungdomspsykiatrin", 1, "per_week"),
    O(RJ, "hänvisa barn från vuxenpsykiatrin"),
    O(UA, "gemensamt följa upp partnerskapet en gång per år", 1, "per_year"),
    O("Jönköpings kommun", "gemensamt följa upp partnerskapet en gång per år", 1, "per_year"),
    O(RJ, "gemensamt följa upp partnerskapet en gång per år", 1, "per_year"),
  ],
  "signed": {"place": "Jönköping", "date": "2025-02-14", "date_text": "Jönköping 2025-02-14"},
  "signatories": [
    {"person": "Lena Marklund", "for": JK, "place": "Jönköping", "date": "2025-02-12", "date_text": "Jönköping 2025-02-12"},
    {"person": "Per-Olof Ek", "for": RJ, "place": "Jönköping", "date": "2025-02-14", "date_text": "Jönköping 2025-02-14"},
    {"person": "Sofia Rahimi", "for": UA, "place": "Jönköping", "date": "2025-02-10", "date_text": "Jönköping 2025-02-10"},
  ],
  "traps": [
    "700 000 = 400 000 + 300 000 holds: no SUM_MISMATCH",
    "the extension option (tolv månader) does not move the end date",
    "'varav minst två för åldern 7–12 år' is a sub-count of the six groups, not a separate quantity for the main commitment",
    "'RJL 2024/2215', 'Soc 2024:1187' are dnr, '7 och 20 år' ages",
  ],
  "note": "Proposed by h03 (which carries the SUM_MISMATCH; this agreement is clean). '§ 1 Parter' with a numbered list, two public parties introduced 'genom' their nämnd. Region Jönköpings län's and the kommun's org numbers are left out (not written). Regionen's kurator 'en dag per vecka' is a contribution in kind not valued in kronor: obligation only. 'Kommunen kallar till uppföljningsmötet' is not listed (optional). 'För X:' signature blocks with place+date, name, title, one date per party; `signed` = latest.",
})

write("h12_jonkoping-ungaanhoriga-agreement-2026", {
  "source": "h12_jonkoping-ungaanhoriga-agreement-2026.txt", "kind": "agreement",
  "title_contains": "TILLÄGG NR 1 – FÖRLÄNGNING",
  "amends": "h04_jonkoping-ungaanhoriga-agreement-2025.txt",
  "parties": [P(JK, None, "public"), P(RJ, None, "public"), P(UA, "802530-6187", "nonprofit")],
  "amounts": [
    A(420000, JK, UA, "per_period", "allocation", ps="2026-03-01", pe="2027-02-28", note="'420 000 kr ... för förlängningsperioden'"),
    A(300000, RJ, UA, "per_period", "allocation", ps="2026-03-01", pe="2027-02-28"),
    A(720000, None, UA, "per_period", "total", ps="2026-03-01", pe="2027-02-28", note="two payers: no payer"),
  ],
  "not_amounts": ["400 000 kr per år (the old amount the amendment replaces)"],
  "sums": [{"total": 720000, "parts": [420000, 300000], "holds": True}],
  "term": {"start": "2025-03-01", "end": "2027-02-28"},
  "term_before_amendment": {"start": "2025-03-01", "end": "2026-02-28"},
  "extension_months": 12,
  "other_periods": [
    {"kind": "funding", "start": "2026-03-01", "end": "2027-02-28"},
    {"kind": "payment", "per_year": 2, "text_contains": "i två lika delar, i mars och i september 2026"},
  ],
  "obligations": [O(UA, "ny stödgrupp för unga vuxna", None, "once")],
  "signed": {"place": None, "date": "2026-01-23", "date_text": "2026-01-23"},
  "signatories": [
    {"person": "Lena Marklund", "for": JK, "date": "2026-01-21", "date_text": "2026-01-21"},
    {"person": "Per-Olof Ek", "for": RJ, "date": "2026-01-23", "date_text": "2026-01-23"},
    {"person": "Sofia Rahimi", "for": UA, "date": "2026-01-19", "date_text": "2026-01-19"},
  ],
  "traps": [
    "the funding span 2026-03-01..2027-02-28 lies outside the original term but inside the amended one: no PERIOD_MISMATCH",
    "'förlängs med tolv månader' is the length of the extension, not of the whole term: no DURATION_MISMATCH",
    "400 000 kr per år is the replaced amount: not an amount; do not link h03 to this amendment and compare 400 000 with 420 000 (no MEMO_AGREEMENT_MISMATCH)",
    "'den 14 februari 2025' is the date the original was concluded, not a signature of this document",
    "2027-02-28 (not 02-29): 2027 is not a leap year",
    "'mellan 18 och 20 år' are ages",
  ],
  "note": "Förlängning of h04 using its extension option; term is the term after the change ('gäller därmed från och med 1 mars 2025 till och med 28 februari 2027'). The notice period is unchanged and not restated, so no notice_months. Signatures in a 'Part | Namn | Datum' table with no place; `signed` = latest date.",
})

# ---------------------------------------------------------------- h05 / h06 Halmstad
IK = "IK Nissastigen"
KFN = "Kultur- och fritidsnämnden"
HK = "Halmstads kommun, kultur- och fritidsnämnden"
write("h05_halmstad-nissastigen-memo-2025", {
  "source": "h05_halmstad-nissastigen-memo-2025.txt", "kind": "memo", "memo_date": "2025-05-20",
  "title_contains": "Idéburet offentligt partnerskap med IK Nissastigen",
  "proposes": "h06_halmstad-nissastigen-agreement-2025.txt",
  "parties": [P(KFN, None, "public"), P(IK, None, "nonprofit")],
  "mentioned_not_parties": ["Allmänna arvsfonden"],
  "amounts": [
    A(300000, KFN, IK, "per_year", "grant", note="in the decision list and under Ekonomi: one amount"),
    A(50000, KFN, IK, "one_off", "grant", note="'startbidrag om 50 000 kronor som engångsbelopp'; repeated under Ekonomi: one amount"),
    A(350000, KFN, IK, "per_period", "total", ps="2025-08-01", pe="2026-07-31", note="'Totalt för avtalsåret ... 350 000 kronor': both parts from the nämnd, so it pays; one public and one non-profit party, so the club receives; period = the one-year term"),
    A(120000, "Halmstads kommun", None, "per_year", "contribution", in_kind=True, note="'Kommunen upplåter dessutom Andersbergshallen ... hyresvärdet motsvarar 120 000 kronor per år'; in kind, no payee"),
  ],
  "not_amounts": ["'bidrag över 100 000 kronor' (delegation threshold)", "Box 153, 301 05 (postal address)", "450 medlemmar"],
  "sums": [{"total": 350000, "parts": [300000, 50000], "holds": True}],
  "term": {"start": "2025-08-01", "end": "2026-07-31", "stated_duration_months": 12},
  "notice_months": 2,
  "follow_up": {"text_contains": "två gånger per år", "per_year": 2},
  "obligations": [
    O(IK, "Öppen hall två kvällar per vecka", 2, "per_week"),
    O(IK, "minst två vuxna ledare", 2),
    O(IK, "sommarläger en gång per år", 1, "per_year"),
    O(KFN, "utse en kontaktperson"),
    O(KFN, "utbildning i ledarskap"),
  ],
  "signatories": None,
  "traps": [
    "350 000 = 300 000 per år + 50 000 one-off over a one-year term: holds, no SUM_MISMATCH",
    "300 000 kronor per år vs the agreement's 25 000 kr per månad: equal over twelve months, no MEMO_AGREEMENT_MISMATCH",
    "'över 100 000 kronor' is a delegation threshold, not an amount",
    "'ettårigt partnerskap' matches 2025-08-01..2026-07-31",
    "the Arvsfonden project 'löper ut i juni 2025' is background, not a period",
    "'Sida 1 (2)' is page furniture",
  ],
  "note": "Beslutsunderlag with '–' decision list and the date written '20 maj 2025'. 'Förvaltningen ska utse ...' counts for its nämnd. 'två månaders varsel' is the notice period. The follow-up ('ett möte per termin, det vill säga två gånger per år') is a plain statement: follow_up only.",
})

write("h06_halmstad-nissastigen-agreement-2025", {
  "source": "h06_halmstad-nissastigen-agreement-2025.txt", "kind": "agreement",
  "title_contains": "Öppen hall i Andersberg",
  "parties": [P(HK, None, "public"), P(IK, "802519-7743", "nonprofit")],
  "amounts": [
    A(25000, HK, IK, "per_month", "grant", note="'Kommunen betalar 25 000 kr per månad till Klubben'"),
    A(50000, HK, IK, "one_off", "grant", note="'startbidrag på femtiotusen kronor (50 000 kr)': words and figures, one amount"),
    A(120000, "Halmstads kommun", None, "per_year", "contribution", in_kind=True, note="hall free of charge; 'Hyresvärdet motsvarar 120 000 kr per år'"),
  ],
  "sums": [],
  "term": {"start": "2025-08-01", "end": "2026-07-31", "stated_duration_months": 12},
  "notice_months": 2,
  "follow_up": {"text_contains": "en gång per termin", "per_year": 2},
  "other_periods": [{"kind": "payment", "per_year": 12, "text_contains": "senast den 25:e varje månad"}],
  "obligations": [
    O(IK, "Öppen hall två kvällar per vecka", 2, "per_week"),
    O(IK, "minst två vuxna ledare", 2),
    O(IK, "sommarläger en gång per år", 1, "per_year"),
    O(IK, "statistik över antal besökare"),
    O("Halmstads kommun", "ställer Andersbergshallen till förfogande"),
    O("Halmstads kommun", "utse en kontaktperson"),
    O("Halmstads kommun", "utbildning i ledarskap"),
  ],
  "signed": {"place": "Halmstad", "date": "2025-06-18", "date_text": "Halmstad 2025-06-18"},
  "signatories": [
    {"person": "Eva Strand", "for": HK},
    {"person": "Karim Haddad", "for": IK},
  ],
  "traps": [
    "'ettårig' matches 2025-08-01 -- 2026-07-31: no DURATION_MISMATCH",
    "the written report due 'senast den 31 augusti 2026' is after the term: a deadline, no PERIOD_MISMATCH",
    "'den 25:e varje månad' is a day of the month, not a quantity",
    "'mellan 12 och 19 år' are ages",
  ],
  "note": "Proposed by h05. No 'Parter' heading: the parties are introduced in one sentence 'mellan Halmstads kommun genom kultur- och fritidsnämnden, nedan kallad Kommunen, och IK Nissastigen, org nr 8025197743'. 4.1 and 5.1 are worded in the present tense under an 'åtaganden' heading ('Klubben håller', 'Kommunen ställer'): I record them as commitments. 'Parterna träffas för uppföljning en gång per termin' is a plain statement: follow_up only (2 per year). Two-column signature block with the same place and date for both.",
})

# ---------------------------------------------------------------- h07 / h08 Örebro
MV = "Föreningen Minnesvännerna i Örebro län"
VON = "Vård- och omsorgsnämnden"
OK = "Örebro kommun, vård- och omsorgsnämnden"
write("h07_orebro-minnesvannerna-memo-2024", {
  "source": "h07_orebro-minnesvannerna-memo-2024.txt", "kind": "memo", "memo_date": "2024-10-23",
  "title_contains": "Överenskommelse om idéburet offentligt partnerskap med Föreningen Minnesvännerna",
  "proposes": "h08_orebro-minnesvannerna-agreement-2024.txt",
  "parties": [P(VON, None, "public"), P(MV, None, "nonprofit")],
  "mentioned_not_parties": ["Demensförbundet", "Region Örebro län"],
  "amounts": [
    A(1200000, VON, MV, "per_period", "grant", ps="2025-01-01", pe="2026-12-31", note="'totalt 1,2 miljoner kronor för perioden 2025–2026', in the decision list and under Ekonomiska konsekvenser: one amount"),
    A(80000, VON, None, "per_year", "contribution", in_kind=True, note="'Nämnden upplåter lokalen ... ett värde av 80 000 kronor per år'"),
    A(200000, MV, None, "per_year", "contribution", in_kind=True, note="ideella insatser"),
  ],
  "sums": [],
  "term": {"start": "2025-01-01", "end": "2026-12-31", "stated_duration_months": 24},
  "notice_months": 4,
  "follow_up": {"text_contains": "två gånger per år", "per_year": 2},
  "obligations": [
    O(MV, "minst 40 anhörigträffar per år", 40, "per_year"),
    O(MV, "minst tio nya volontärer per år", 10, "per_year"),
    O(MV, "avlösning i hemmet"),
    O(VON, "kontaktperson på anhörigcentrum"),
    O(VON, "utbildning två gånger per år", 2, "per_year"),
  ],
  "signatories": None,
  "flags": ["MEMO_AGREEMENT_MISMATCH"],
  "flag_details": [{"code": "MEMO_AGREEMENT_MISMATCH", "related": "h08_orebro-minnesvannerna-agreement-2024.txt", "field": "amount",
    "this": "'totalt 1,2 miljoner kronor för perioden 2025–2026' (1 200 000 kr)",
    "other": "Summa 1 250 000 kr (2025: 600 000 kr, 2026: 650 000 kr)",
    "message": "Avtalet anger totalt 1 250 000 kr för 2025–2026, tjänsteskrivelsen 1 200 000 kr."}],
  "traps": [
    "'tvåårigt' matches 2025-01-01..2026-12-31: no DURATION_MISMATCH",
    "in-kind values (80 000, 200 000), counts (40, tio, två), term, notice and follow-up all agree with h08: only the total differs",
    "'de kommande tio åren' is background, not an obligation",
  ],
  "note": "Tjänsteskrivelse. Planted: the memo's period total (1,2 miljoner kronor) differs from the agreement's Summa (1 250 000 kr); one MEMO_AGREEMENT_MISMATCH on this memo pointing at h08. The agreement's per-year rows are not in the memo, so nothing else to compare.",
}, flags=["MEMO_AGREEMENT_MISMATCH"])

write("h08_orebro-minnesvannerna-agreement-2024", {
  "source": "h08_orebro-minnesvannerna-agreement-2024.txt", "kind": "agreement",
  "title_contains": "Stöd till anhöriga till personer med demenssjukdom",
  "parties": [P(OK, None, "public"), P(MV, "802460-8351", "nonprofit")],
  "amounts": [
    A(600000, OK, MV, "per_period", "allocation", ps="2025-01-01", pe="2025-12-31", note="table row '2025  600 000 kr'"),
    A(650000, OK, MV, "per_period", "allocation", ps="2026-01-01", pe="2026-12-31"),
    A(1250000, OK, MV, "per_period", "total", ps="2025-01-01", pe="2026-12-31", note="Summa row: covers the rows' span"),
    A(80000, OK, None, "per_year", "contribution", in_kind=True, note="the lokal the nämnd lends ('ska upplåta lokalen'); in kind, no payee"),
    A(200000, MV, None, "per_year", "contribution", in_kind=True),
  ],
  "sums": [{"total": 1250000, "parts": [600000, 650000], "holds": True}],
  "term": {"start": "2025-01-01", "end": "2026-12-31"},
  "notice_months": 4,
  "follow_up": {"text_contains": "två gånger per år", "per_year": 2},
  "other_periods": [
    {"kind": "allocation", "start": "2025-01-01", "end": "2025-12-31"},
    {"kind": "allocation", "start": "2026-01-01", "end": "2026-12-31"},
    {"kind": "payment", "per_year": 2, "text_contains": "i två delar, i januari och i juli"},
  ],
  "obligations": [
    O(MV, "minst 40 anhörigträffar per år", 40, "per_year"),
    O(MV, "minst tio nya volontärer per år", 10, "per_year"),
    O(MV, "avlösning i hemmet"),
    O(MV, "verksamhetsberättelse", None, "per_year"),
    O(OK, "kontaktperson på anhörigcentrum"),
    O(OK, "upplåta lokalen i Träffpunkt Vivalla"),
    O(OK, "utbildning två gånger per år", 2, "per_year"),
  ],
  "signed": {"place": "Örebro", "date": None, "date_text": None},
  "signatories": [
    {"person": "Anders Wikström", "for": OK},
    {"person": "Birgitta Lund", "for": MV},
  ],
  "traps": [
    "'Örebro den ______' and the underscores are lines left for handwriting: not PLACEHOLDER; both blocks carry a typed name: not UNSIGNED",
    "Summa 1 250 000 = 600 000 + 650 000 holds",
    "'varav hälften på kvällstid' is not a separate count",
    "the verksamhetsberättelse due 'senast den 31 mars året efter' is a deadline",
  ],
  "note": "Target of h07's MEMO_AGREEMENT_MISMATCH (the flag is raised on the memo). UPPERCASE headings, 'PARTER' as two lines with '(nedan ...)'; org number with a space. Allocation table 'År / Belopp' with a Summa row; the year rows are calendar years inside the term. The signature block has no date (blank for handwriting): `signed.date` is null.",
}, flagged_from_memo=("MEMO_AGREEMENT_MISMATCH",))

# ---------------------------------------------------------------- h09 / h10 Region Gotland
GG = "Gutegårdens Arbetsgemenskap ekonomisk förening"
RG = "Region Gotland, socialnämnden"
write("h09_gotland-gutegarden-memo-2025", {
  "source": "h09_gotland-gutegarden-memo-2025.txt", "kind": "memo", "memo_date": "2025-06-12",
  "title_contains": "Idéburet offentligt partnerskap med Gutegårdens Arbetsgemenskap",
  "proposes": "h10_gotland-gutegarden-agreement-2025.txt",
  "parties": [P("Socialnämnden", None, "public"), P(GG, None, "nonprofit")],
  "mentioned_not_parties": ["Arbetsförmedlingen", "Försäkringskassan"],
  "amounts": [
    A(400000, "Socialnämnden", GG, "per_year", "grant"),
    A(96000, "Region Gotland", None, "per_year", "contribution", in_kind=True, note="'Regionen ställer lokaler i Roma till förfogande värda 96 000 kr per år'"),
  ],
  "sums": [],
  "term": {"start": "2025-09-01", "end": None},
  "notice_months": 6,
  "follow_up": {"text_contains": "en gång per halvår", "per_year": 2},
  "obligations": [
    O(GG, "minst 15 platser i arbetsträning", 15),
    O(GG, "fyra dagar i veckan", 4, "per_week"),
    O("Region Gotland", "anvisa deltagare via biståndshandläggare"),
  ],
  "signatories": None,
  "traps": [
    "'tills vidare': a start and no end",
    "'Tjänsteskrivelse 2025-05-27' is the date of the underlying memo, not the protocol's date",
    "Justerare / Ordförande / Utdragsbestyrkande names are protocol attestation, not agreement signatories",
    "'SON § 88' and 'Dnr SON 2025/412' are not amounts",
  ],
  "note": "Protokollsutdrag with one §. 'drivs som ekonomisk förening utan vinstsyfte' and 'återinvesterar hela sitt överskott': the ekonomisk förening is non-profit. 'Nämnden avsätter 400 000 kr per år': payer the nämnd. The lokaler sentence is a statement ('ställer'), recorded as an in-kind amount only.",
})

write("h10_gotland-gutegarden-agreement-2025", {
  "source": "h10_gotland-gutegarden-agreement-2025.txt", "kind": "agreement",
  "title_contains": "arbetsträning för personer med psykisk",
  "parties": [P(RG, "212000-0803", "public"), P(GG, "769641-2050", "nonprofit")],
  "amounts": [
    A(400000, "Region Gotland", GG, "per_year", "grant", note="'ett årligt bidrag om 400 000 SEK'"),
    A(96000, "Region Gotland", None, "per_year", "contribution", in_kind=True),
  ],
  "sums": [],
  "term": {"start": "2025-09-01", "end": None},
  "notice_months": 6,
  "follow_up": {"text_contains": "en gång per halvår", "per_year": 2},
  "other_periods": [{"kind": "payment", "per_year": 12, "text_contains": "månadsvis i efterskott"}],
  "obligations": [
    O(GG, "minst 15 platser i arbetsträning", 15),
    O(GG, "fyra dagar i veckan", 4, "per_week"),
    O(GG, "individuell plan"),
    O(GG, "skriftlig redovisning", 1, "per_half_year"),
    O("Region Gotland", "anvisa deltagare via biståndshandläggare"),
    O("Region Gotland", "utse en kontaktperson"),
    O("Region Gotland", "ställa lokaler i Roma till förfogande"),
  ],
  "signed": {"place": None, "date": "2025-07-03", "date_text": "2025-07-03"},
  "signatories": [
    {"person": "Stefan Klintberg", "for": RG, "date": "2025-07-03", "date_text": "2025-07-03"},
    {"person": "Maja Olofsson", "for": GG, "date": "2025-07-01", "date_text": "2025-07-01"},
  ],
  "traps": [
    "'tills vidare' term: start only",
    "running header with Dnr and 'Sida 1 av 2' / 'Sida 2 av 2' footers are page furniture",
    "'sedan 2018' is background",
    "'en arbetshandledare per sex deltagare' is a staffing ratio; not in gold (an extracted row is not an error)",
  ],
  "note": "Proposed by h09. PDF-like text with hard line wraps (no hyphenation) and a running header; the duty 'lämna en skriftlig redovisning ... en gång / per halvår' wraps, so its action_contains is the part on one line. 212000-0803 is, I believe, Region Gotland's real number (passes Luhn). Digital signatures ('Signerat digitalt av …') count as signed; no place given.",
})

# ---------------------------------------------------------------- h11 Karlstad protocol
KS = "Kamratstödet Värmland"
ASN = "Arbetsmarknads- och socialnämnden"
write("h11_karlstad-kamratstodet-memo-2025", {
  "source": "h11_karlstad-kamratstodet-memo-2025.txt", "kind": "memo", "memo_date": "2025-09-24",
  "title_contains": "Idéburet offentligt partnerskap med Kamratstödet Värmland",
  "proposes": None,
  "parties": [P(ASN, None, "public"), P(KS, "802498-1279", "nonprofit")],
  "mentioned_not_parties": ["Region Värmland", "Polisen", "Karlstads Schackklubb", "Karlstads Bostads AB"],
  "amounts": [
    A(480000, ASN, KS, "per_year", "grant", note="'fyrahundraåttiotusen (480 000) kronor per år': words and figures, one amount"),
    A(90000, KS, None, "per_year", "contribution", in_kind=True),
  ],
  "not_amounts": ["3,4 mnkr and 1,8 mnkr (§ 102 budgetuppföljning)", "85 000 kronor (§ 103 föreningsbidrag to another organisation)", "1,1 mnkr (§ 105 årshyra)"],
  "sums": [],
  "term": {"start": "2026-01-01", "end": "2027-12-31", "stated_duration_months": 24},
  "notice_months": 3,
  "follow_up": {"text_contains": "varje kvartal", "per_year": 4},
  "obligations": [
    O(KS, "samtalsmottagningen tre dagar i veckan", 3, "per_week"),
    O(KS, "minst 24 utbildade kamratstödjare", 24),
    O(KS, "anhöriggrupper fyra gånger per år", 4, "per_year"),
    O(ASN, "kontaktperson inom beroendeenheten"),
  ],
  "signatories": None,
  "traps": [
    "only § 104 concerns the IOP; amounts, dates and organisations of §§ 102, 103, 105 are other matters",
    "§ 103's 2026-01-01 – 2026-06-30 and § 105's lease 2025-11-01 – 2030-10-31 are not IOP periods: no PERIOD_MISMATCH",
    "'tvåårigt' matches 2026-01-01 – 2027-12-31: no DURATION_MISMATCH",
    "the blank 'Utdragsbestyrkande: ______' line is protocol furniture: no UNSIGNED",
    "the agreement (bilaga 3) is not in the set: no link, no MEMO_AGREEMENT_MISMATCH",
    "'sex lägenheter' (§ 105) is not an obligation; times of day 08.30–12.15 are not amounts",
  ],
  "note": "Full sammanträdesprotokoll (§§ 101–106) in a one-line pipe header style; the IOP decision is § 104, whose agreement is not in the set, so proposes is null. Org number written without dash (8024981279), Luhn-valid. The sekreterare/ordförande/justerare names attest the minutes and are not signatories. 'Partnerskapet följs upp varje kvartal' is follow_up only.",
})
print("ok")
