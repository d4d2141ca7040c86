"""A redacted edition, as a user makes one: personal data planted in an archive in several
forms, and none of it in any file that `iop extract --redact persons`, `iop report
--redact persons` or `iop export --redact persons` writes (bytes searched, and Parquet,
DuckDB and xlsx read back, since they may compress what they hold)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline import store
from tests.test_cli import run

AGREEMENT = """Överenskommelse om idéburet offentligt partnerskap

§ 1 Parter

Västerås stad, socialnämnden, organisationsnummer 212000-2080 (offentlig sektor).
Föreningen Gemenskap i Västerås, organisationsnummer 802000-1239 (idéburen sektor).
Lundgrens Omsorgskonsult, organisationsnummer 811218-9876 (enskild firma).

§ 2 Syfte

Överenskommelsen ska ge stöd till äldre som lever i ensamhet i Västerås.

§ 3 Ekonomi

Västerås stad bidrar med 500 000 kr per år till Föreningen Gemenskap i Västerås.

§ 4 Period

Överenskommelsen gäller från och med 2024-02-01 till och med 2025-01-31.

§ 5 Kontaktpersoner

Kontaktperson för föreningen är Maja Eriksdotter, tel 070-123 45 67, maja.eriksdotter@gemenskap.se.
Kontaktperson: Johan Bergström, telefon 021-39 10 00.

§ 6 Underskrifter

Västerås 2024-01-15

För Västerås stad

Anna Lindqvist
Socialdirektör

För Föreningen Gemenskap i Västerås

Erik Tornbladh
Ordförande
"""

MEMO = """Tjänsteskrivelse
Datum: 2023-12-01
Handläggare: Sofia Nyberg, telefon +46 (0)70-987 65 43, e-post sofia.nyberg@vasteras.se

Förslag till socialnämndens beslut

Socialnämnden föreslås besluta att ingå idéburet offentligt partnerskap med Föreningen
Gemenskap i Västerås om stöd till äldre som lever i ensamhet.

Ärende

Ärendet har beretts av Anna Lindqvist och Sofia Nyberg. Frågor besvaras av Sofia Nyberg
på 08-123 456 78 eller 0701234567.

Ekonomiska konsekvenser

Kostnaden är 500 000 kr per år för perioden 2024-02-01 till 2025-01-31. Lundgrens
Omsorgskonsult (org.nr 8112189876) anlitas för uppföljningen; en deltagare med
samordningsnummer 811278-9873 har lämnat synpunkter.

Beslutet skickas till:
Per Åström
Föreningen Gemenskap i Västerås
"""

# Planted personal data, by the form it is written in; none may be left anywhere.
PLANTED = [
    "Anna Lindqvist",  # signatory, also named in the memo's running text
    "Lindqvist",
    "Erik Tornbladh",  # signatory
    "Tornbladh",
    "Maja Eriksdotter",  # "Kontaktperson för föreningen är ..."
    "Eriksdotter",
    "Johan Bergström",  # "Kontaktperson: ..."
    "Bergström",
    "Sofia Nyberg",  # "Handläggare: ...", named again in the text
    "Nyberg",
    "Per Åström",  # "Beslutet skickas till:" and the name on the next line
    "Åström",
    "070-123 45 67",
    "021-39 10 00",
    "+46 (0)70-987 65 43",
    "08-123 456 78",
    "0701234567",
    "maja.eriksdotter@gemenskap.se",
    "sofia.nyberg@vasteras.se",
    "811218-9876",  # a sole trader's org number: a personnummer
    "8112189876",
    "811278-9873",  # a samordningsnummer
]
# What a redacted edition keeps: organisations, legal entities' org numbers, amounts.
KEPT = ["Föreningen Gemenskap i Västerås", "Västerås stad", "212000-2080", "802000-1239",
        "500 000 kr", "Lundgrens Omsorgskonsult"]


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """The archive extracted plain and redacted, the reports and workbooks of both ways."""
    root = tmp_path_factory.mktemp("persons")
    raw = root / "raw"
    raw.mkdir()
    (raw / "avtal-gemenskap.txt").write_text(AGREEMENT, encoding="utf-8")
    (raw / "memo-gemenskap.txt").write_text(MEMO, encoding="utf-8")
    cache = root / "cache"
    out = {name: root / name for name in ("tables", "public", "report-public",
                                          "report-redacted")}
    commands = [
        ("extract", str(raw), "--out", str(out["tables"]), "--cache", str(cache),
         "--workers", "1"),
        ("extract", str(raw), "--out", str(out["public"]), "--cache", str(cache),
         "--workers", "1", "--redact", "persons"),
        ("report", "--tables", str(out["public"]), "--out", str(out["report-public"])),
        ("report", "--tables", str(out["tables"]), "--out", str(out["report-redacted"]),
         "--redact", "persons"),
        ("export", "--xlsx", str(root / "redacted.xlsx"), "--tables", str(out["tables"]),
         "--report", str(out["report-redacted"]), "--redact", "persons"),
    ]
    for command in commands:
        result = run(*command)
        assert result.returncode == 0, (command, result.stderr)
    out["redacted.xlsx"] = root / "redacted.xlsx"
    return out


REDACTED = ["public", "report-public", "report-redacted", "redacted.xlsx"]


def contents(path: Path) -> str:
    """What a file holds, as a reader sees it: the bytes as text, and for Parquet, DuckDB
    and xlsx the values read back."""
    parts = [path.read_bytes().decode("utf-8", "replace")]
    if path.suffix == ".parquet":
        parts.append(str(pq.read_table(path).to_pylist()))
    elif path.suffix == ".duckdb":
        con = duckdb.connect(str(path), read_only=True)
        try:
            for (name,) in con.execute("SELECT table_name FROM information_schema.tables"
                                       ).fetchall():
                parts.append(str(con.execute(f'SELECT * FROM "{name}"').fetchall()))
        finally:
            con.close()
    elif path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return "\n".join(parts)


def every_file(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def written(editions) -> dict[str, str]:
    """Every output file of the redacted editions, by path, as read."""
    return {str(f): contents(f) for name in REDACTED for f in every_file(editions[name])}


@pytest.mark.parametrize("planted", PLANTED)
def test_planted_personal_data_is_in_no_redacted_output(planted, editions, written):
    plain = "\n".join(contents(f) for f in every_file(editions["tables"]))
    assert planted.casefold() in plain.casefold()  # it was there to be found
    found = [path for path, text in written.items() if planted.casefold() in text.casefold()]
    assert found == []


@pytest.mark.parametrize("kept", KEPT)
def test_organisations_org_numbers_and_amounts_stay(kept, editions):
    for name in ("public", "report-redacted"):
        text = "\n".join(contents(f) for f in every_file(editions[name]))
        assert kept in text, name


@pytest.mark.parametrize("edition", ["public", "tables"])
def test_the_redacted_tables_keep_their_facts(edition, editions):
    amounts = store.read_table(editions[edition], "amounts")
    assert sorted(amounts["amount_sek"].tolist()) == [500000, 500000]
    parties = store.read_table(editions[edition], "parties")
    numbers = set(parties["org_number"].dropna()) - {""}
    expected = {"212000-2080", "802000-1239"} | ({"811218-9876"} if edition == "tables"
                                                 else set())
    assert numbers == expected


def test_the_redacted_signatories_name_their_party(editions):
    signatories = store.read_table(editions["public"], "signatories")
    assert signatories["person"].tolist() == [
        "Undertecknare 1 för Västerås stad",
        "Undertecknare 1 för Föreningen Gemenskap i Västerås"]


def test_a_redacted_extraction_is_not_up_to_date_for_a_plain_one(editions, tmp_path):
    """The same inputs make another edition: a run without --redact writes again."""
    raw = editions["tables"].parent / "raw"
    cache = editions["tables"].parent / "cache"
    again = run("extract", str(raw), "--out", str(editions["public"]), "--cache", str(cache),
                "--workers", "1", "--redact", "persons")
    assert again.returncode == 0 and "up to date" in again.stdout
    plain = tmp_path / "plain"
    import shutil

    shutil.copytree(editions["public"], plain)
    result = run("extract", str(raw), "--out", str(plain), "--cache", str(cache),
                 "--workers", "1")
    assert result.returncode == 0 and "up to date" not in result.stdout
    assert "Anna Lindqvist" in store.read_table(plain, "signatories")["person"].tolist()


@pytest.mark.parametrize("edition", ["tables", "public"])
def test_extract_publishes_the_workbook_with_the_tables(edition, editions):
    """iop.xlsx is written in the run's staging folder and listed in its manifest, its
    rows linking to the report folder beside the tables."""
    import hashlib
    import json

    import openpyxl

    folder = editions[edition]
    entry = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"][
        "iop.xlsx"]
    data = (folder / "iop.xlsx").read_bytes()
    assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    wb = openpyxl.load_workbook(folder / "iop.xlsx")
    con = duckdb.connect(str(folder / "iop.duckdb"), read_only=True)
    names = {name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    con.close()
    assert set(wb.sheetnames[1:]) == names - {"pages"}  # every table and view but pages
    assert wb.sheetnames[1:4] == ["documents", "parties", "amounts"]
    link = wb["signatories"]["A2"].hyperlink
    assert link.target.startswith("..\\report\\docs\\") and link.location == "f-signatories-0"
    redacted = [row[1].value for row in wb.worksheets[0].iter_rows()
                if row[0].value == "Personuppgifter"]
    assert redacted[0].startswith("ersatta" if edition == "public" else "inte maskerade")


@pytest.mark.parametrize("command, example", [
    ("extract", "iop extract data/raw --out data/public --redact persons"),
    ("report", "iop report --out data/report-public --redact persons"),
    ("export", "iop export --xlsx iop.xlsx --tables data/extracted --report data/report"),
])
def test_help_offers_redaction_with_an_example(command, example):
    result = run(command, "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--redact" in text and "persons" in text and example in text


@pytest.mark.parametrize("command", [
    ["extract", "--redact", "everyone"],
    ["report", "--redact", "everyone"],
])
def test_an_unknown_redaction_is_a_usage_error(command, tmp_path):
    result = run(*command, "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "--redact 'everyone' is not known: the one mode is persons" in result.stderr
    assert not (tmp_path / "out").exists()


def test_the_workbook_of_an_extraction_names_its_folder_and_version(editions):
    import json

    import openpyxl

    folder = editions["public"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    about = {row[0].value: row[1].value for row in
             openpyxl.load_workbook(folder / "iop.xlsx").worksheets[0].iter_rows(max_row=8)}
    assert about["Tabellmapp"] == "public"
    assert about["iop-version"] == manifest["pipeline_version"]
