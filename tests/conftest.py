"""Shared test helpers. Tests read the seeds, fixtures and gold files at ../shared/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
FIXTURES = SHARED / "fixtures"
GOLD = SHARED / "gold"

# The scanned rendering has no text layer; it is read by OCR (its own tests).
TEXT_FIXTURES = [
    "agreement-biv-2023.pdf", "agreement-biv-2023.docx", "agreement-utsatta-2018.pdf",
    "agreement-utsatta-2018.docx", "memo-biv-2022.pdf", "slides-ensamkommande-2015.pdf",
]


def gold_cases() -> list[tuple[Path, dict]]:
    cases = []
    for gold in sorted(GOLD.glob("*.json")):
        spec = json.loads(gold.read_text(encoding="utf-8"))
        cases.append((SEEDS / spec["source"], spec))
    for name in TEXT_FIXTURES:
        spec = json.loads((GOLD / "fixtures" / f"{name}.json").read_text(encoding="utf-8"))
        cases.append((FIXTURES / name, spec))
    return cases


def case_id(case) -> str:
    return case[0].name


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.fail(f"{SHARED} is missing: the tests need ../shared beside the repo")
    return SHARED


# Pairs of renderings of one document (text seed, PDF, DOCX): equal in facts and wording.
RENDERING_PAIRS = [
    (SEEDS / "000_d3bc919bb2a10656.txt", FIXTURES / "agreement-biv-2023.pdf"),
    (SEEDS / "000_d3bc919bb2a10656.txt", FIXTURES / "agreement-biv-2023.docx"),
    (FIXTURES / "agreement-biv-2023.docx", FIXTURES / "agreement-biv-2023.pdf"),
    (SEEDS / "003_6febc1509cba0eef.txt", FIXTURES / "agreement-utsatta-2018.pdf"),
    (SEEDS / "003_6febc1509cba0eef.txt", FIXTURES / "agreement-utsatta-2018.docx"),
    (FIXTURES / "agreement-utsatta-2018.pdf", FIXTURES / "agreement-utsatta-2018.docx"),
    (SEEDS / "002_2b68fa102c319169.txt", FIXTURES / "memo-biv-2022.pdf"),
]
