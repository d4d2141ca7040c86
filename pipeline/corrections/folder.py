"""Where a run finds its corrections, and a digest of them (light: the up-to-date check
imports this before pandas or spaCy)."""

from __future__ import annotations

import hashlib
from pathlib import Path

FOLDER_NAME = "corrections"
SUFFIX = ".toml"


def default_folder(inputs: list[Path]) -> Path:
    """`corrections` beside the first input folder (beside the folder of a file input):
    data/raw -> data/corrections."""
    first = inputs[0] if inputs else Path("data/raw")
    folder = first.parent if first.is_file() else first
    if folder.name in ("", ".", ".."):
        folder = folder.resolve()
    return folder.parent / FOLDER_NAME


def files(folder: Path | None) -> list[Path]:
    """The corrections files under `folder`, in name order (none when it is absent);
    hidden files and folders are skipped."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for path in folder.rglob(f"*{SUFFIX}"):
        relative = path.relative_to(folder)
        if not any(part.startswith(".") for part in relative.parts) and path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def digest(folder: Path | None) -> str:
    """A hash of every corrections file (name and bytes), "" when there are none: a run's
    inputs include it, so editing a correction makes the tables out of date."""
    found = files(folder)
    if not found:
        return ""
    hasher = hashlib.sha256()
    for path in found:
        hasher.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape"))
        hasher.update(b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()
