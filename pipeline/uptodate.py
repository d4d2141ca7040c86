"""A re-run with nothing to do: the tables in --out are already those this run would write.

As `make` does, a run whose inputs are exactly those of the tables in --out (every file's
path, size, mtime, ctime and inode as the cache's stat index last saw them, hence the same
content hash, and the same pipeline fingerprint and limits) writes nothing: it checks the
published tables against their manifest (sizes and sha256) and reports them. Any other
change, however small (a file added, removed, touched or edited, a rule changed, a table in
--out deleted or edited), and the run reads what changed and writes the tables again.

Light on purpose: the CLI asks this before importing the orchestrator (pandas, spaCy...),
so a run with nothing to do costs the stat of each file and the hash of the outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_from_bytes

from pipeline.cache import FILE_NAME, cache_version, path_key, stat_key
from pipeline.config import Limits
from pipeline.corrections.folder import digest
from pipeline.discover import discover
from pipeline.ingest import sha256_file


@dataclass(slots=True)
class Published:
    """What the manifest of tables that are still current says of them."""

    out: Path
    documents: int
    failed: int
    warnings: int
    counts: dict[str, int]
    corrections: dict[str, int] = field(default_factory=dict)  # per status


def inputs_key(files: list[tuple[Path, str, str]], cache_dir: Path | None,
               limits: Limits, corrections: str = "", redact: str | None = None) -> str | None:
    """A digest of the run's inputs, from the cache's stat index without opening a file;
    None when some file's stat is not in the index as it is now (it must be read).
    `corrections` is the digest of the corrections files (pipeline.corrections.digest). A
    redacted edition (`redact`) is another output of the same inputs: another digest."""
    if cache_dir is None:
        return None
    try:
        location = quote_from_bytes(os.fsencode(os.path.abspath(cache_dir / FILE_NAME)))
        db = sqlite3.connect(f"file:{location}?mode=ro", uri=True)
        try:
            index = dict(db.execute("SELECT path, stat || '|' || doc_id FROM files"))
        finally:
            db.close()
    except sqlite3.Error:
        return None
    digest = hashlib.sha256(cache_version(limits).encode())
    if corrections:
        digest.update(f"corrections\0{corrections}\n".encode())
    if redact:
        digest.update(f"redact={redact}\n".encode())
    for path, source, problem in files:
        if problem:
            line = f"{source}\0{problem}"
        else:
            absolute = os.path.abspath(path)
            known, stat = index.get(path_key(absolute)), stat_key(absolute)
            if known is None or stat is None or known.rsplit("|", 1)[0] != stat:
                return None
            line = f"{source}\0{known}"
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


def published(out: Path, key: str | None) -> Published | None:
    """The tables in `out` when they were written from inputs with this key and are whole
    (every file the manifest lists has its size and sha256); None otherwise."""
    if key is None:
        return None
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("inputs") != key:
            return None
        for name, entry in manifest["files"].items():
            path = out / name
            if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
                return None
        return Published(out, manifest["documents"], manifest["failed"],
                         manifest["warnings"], manifest["counts"],
                         manifest.get("corrections") or {})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current(inputs: list[Path], out: Path, cache_dir: Path | None,
            limits: Limits, corrections_dir: Path | None = None,
            redact: str | None = None) -> Published | None:
    """The published tables when this run would write them again unchanged, else None."""
    exclude = tuple(p for p in (out, cache_dir, corrections_dir) if p)
    return published(out, inputs_key(list(discover(inputs, exclude=exclude)), cache_dir,
                                      limits, digest(corrections_dir), redact))
