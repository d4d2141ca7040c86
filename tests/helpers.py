"""Run the per-document stages on one file, in-process (no worker pool)."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import read_document
from pipeline.process import process


def facts_of(path: Path) -> tuple[dict, dict[str, list[dict]]]:
    return process(read_document(path, path.name))


def facts_of_text(text: str, tmp_path: Path, name: str = "doc.txt") -> tuple[dict, dict]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return facts_of(path)
