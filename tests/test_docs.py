"""The catalogues in docs/ are generated from the code and must be current."""

from __future__ import annotations

import pytest

from pipeline.docs import DOCS, GENERATED


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_doc_is_current(name):
    assert (DOCS / name).read_text(encoding="utf-8") == GENERATED[name](), (
        f"docs/{name} is stale: run python -m pipeline.docs")


def test_readme_names_the_two_commands():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "make extract" in readme and "make test" in readme
