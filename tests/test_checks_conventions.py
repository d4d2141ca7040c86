"""The checks through the real extraction on documents in another municipality's
conventions than the seeds (§ 1 Parter, org.nr, tkr, fr.o.m./t.o.m., a two-column signature
block): the Norrköping agreement of tests/conventions and a memo written for it, each case
one edit and the flags it must give (none for the documents as they are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.process import FACT_TABLES, process
from pipeline.run import assemble

AGREEMENT = (Path(__file__).parent / "conventions" /
             "norrkoping_paragraf_parter_orgnr_tkr.txt").read_text(encoding="utf-8")
MEMO = """Tjänsteskrivelse 2023-11-20

Idéburet offentligt partnerskap med Föreningen Kvinnojouren Väst

Förslag till beslut

1. Socialnämnden ingår idéburet offentligt partnerskap med Föreningen Kvinnojouren Väst \
för perioden 2024-01-01 -- 2025-12-31.
2. Socialnämnden lämnar ett bidrag om 1 725 tkr per år till föreningen.

Ärende

Föreningen ska hålla jourtelefonen öppen fem dagar per vecka.

Socialförvaltningen
"""
BUDGET = "Kommunen lämnar ett bidrag om 1 725 tkr per år till föreningen."


def flags_of(tmp_path: Path, texts: dict[str, str]) -> list[tuple[str, str, str]]:
    rows, facts = [], {name: [] for name in FACT_TABLES}
    for name, text in texts.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        row, tables = process(read_document(path, name))
        rows.append(row)
        for table in FACT_TABLES:
            facts[table].extend(tables[table])
    tables = assemble(rows, facts)
    source = dict(zip(tables["documents"]["doc_id"], tables["documents"]["source"],
                      strict=True))
    return [(f["code"], source[f["doc_id"]], f["message"])
            for f in tables["flags"].to_dict("records")]


# (case, old, new in the agreement, memo or None, expected flags)
CASES = [
    ("as written", "", "", None, []),
    ("as written, with its memo", "", "", MEMO, []),
    ("ekonomisk omfattning in tkr that does not add up", BUDGET,
     "Överenskommelsens ekonomiska omfattning är 2 000 tkr per år. Kommunen bidrar med "
     "1 725 tkr per år och föreningen bidrar med insatser till ett värde av 300 tkr per år.",
     None, [("SUM_MISMATCH", "avtal.txt", "Summan anges till 2 000 000 kr, men delarna "
             "1 725 000 + 300 000 kr blir 2 025 000 kr.")]),
    ("ekonomisk omfattning in tkr that adds up", BUDGET,
     "Överenskommelsens ekonomiska omfattning är 2 025 tkr per år. Kommunen bidrar med "
     "1 725 tkr per år och föreningen bidrar med insatser till ett värde av 300 tkr per år.",
     None, []),
    ("three years stated for fr.o.m./t.o.m. two", "gäller fr.o.m.", "gäller i tre år fr.o.m.",
     None, [("DURATION_MISMATCH", "avtal.txt",
             "Löptiden anges till 3 år, men 2024-01-01–2025-12-31 är 2 år.")]),
    ("two years stated for two", "gäller fr.o.m.", "gäller i två år fr.o.m.", None, []),
    ("a funding period past t.o.m.", "per år till föreningen.",
     "per år till föreningen för perioden 2024-01-01 -- 2026-12-31.", None,
     [("PERIOD_MISMATCH", "avtal.txt", "Perioden 2024-01-01–2026-12-31 för finansieringen "
       "ligger utanför avtalstiden 2024-01-01–2025-12-31.")]),
    ("org.nr with a wrong last digit", "802479-8996", "802479-8997", None,
     [("INVALID_ORG_NUMBER", "avtal.txt", "Organisationsnumret 802479-8997 för Föreningen "
       "Kvinnojouren Väst är ogiltigt (kontrollsiffran stämmer inte).")]),
    ("a two-column signature left empty", "Berit Bengtsson", "", None,
     [("UNSIGNED", "avtal.txt", "Ingen har skrivit under för Föreningen Kvinnojouren Väst.")]),
    ("the agreement's count differs from its memo's", "öppen fem dagar", "öppen sju dagar", MEMO,
     [("MEMO_AGREEMENT_MISMATCH", "memo.txt",
       "Avtalet anger 7 dagar per vecka, beslutsförslaget 5.")]),
]


@pytest.mark.parametrize("name,old,new,memo,expected", CASES, ids=[c[0] for c in CASES])
def test_other_conventions(name, old, new, memo, expected, tmp_path):
    assert not old or AGREEMENT.count(old) == 1
    texts = {"avtal.txt": AGREEMENT.replace(old, new) if old else AGREEMENT}
    if memo:
        texts["memo.txt"] = memo
    assert flags_of(tmp_path, texts) == expected
