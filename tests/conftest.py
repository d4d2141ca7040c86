"""Shared test helpers. Tests read the seeds, fixtures and gold files at ../shared/."""

from __future__ import annotations

import json
import os
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
    cases: list[tuple[Path, dict]] = []
    if not SHARED.is_dir():
        return cases  # the tests that take them are left out (see below)
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
    """../shared (corpora, gold, seeds). Every test that reads it takes this fixture: that
    is how a clone alone knows which tests to leave out."""
    if not SHARED.exists():
        pytest.fail(f"{SHARED} is missing: the tests need ../shared beside the repo")
    return SHARED


# Modules that read ../shared while they are imported (their case tables are built from it).
NEEDS_SHARED_TO_IMPORT = {
    "test_checks_gold.py", "test_gold_facts.py", "test_gold_spine.py", "test_hostile_corpus.py",
    "test_ocr.py", "test_outdir.py", "test_report_pages.py",
}
_LEFT_OUT_MODULES: set[str] = set()
_LEFT_OUT_TESTS: list[int] = [0]


def _shared_required() -> bool:
    """Without ../shared, its tests are left out with one line saying so; under CI (the CI
    environment variable set) its absence is an error, so CI always runs everything."""
    if SHARED.is_dir():
        return False
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI is set and {SHARED} is missing: CI runs every test")
    return True


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if collection_path.name in NEEDS_SHARED_TO_IMPORT and _shared_required():
        _LEFT_OUT_MODULES.add(collection_path.name)
        return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _shared_required():
        return
    keep = [item for item in items if "shared" not in getattr(item, "fixturenames", ())]
    _LEFT_OUT_TESTS[0] += len(items) - len(keep)
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in keep])
        items[:] = keep


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist each worker collects: it hands its counts to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["left_out"] = (_LEFT_OUT_TESTS[0], sorted(_LEFT_OUT_MODULES))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """The controller of an xdist run: every worker collected the same tests."""
    tests, modules = getattr(node, "workeroutput", {}).get("left_out", (0, []))
    _LEFT_OUT_TESTS[0] = max(_LEFT_OUT_TESTS[0], tests)
    _LEFT_OUT_MODULES.update(modules)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _LEFT_OUT_MODULES or _LEFT_OUT_TESTS[0]:
        terminalreporter.write_line(
            f"left out: {_LEFT_OUT_TESTS[0]} tests and {len(_LEFT_OUT_MODULES)} whole modules "
            f"that need {SHARED} (corpora, gold, seeds), which is missing; put ../shared "
            "beside the repo to run them")


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
