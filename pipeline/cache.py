"""The result cache: per-document facts keyed by content and pipeline version, and an index
of file stats so that a re-run does not even open the files that did not change.

One SQLite file, `results.sqlite3` in the --cache folder, with two tables:
- results: (doc_id, version) -> the document's row and fact rows (pickled). doc_id is the
  sha256 of the file's bytes, version the pipeline fingerprint plus the limits that can
  change a result; a changed rule or word list gives a new fingerprint, so nothing cached
  under the old one is used.
- files: absolute path -> (size, mtime_ns, ctime_ns, inode) and the doc_id read at that
  stat, as git's index does: a file whose stat is unchanged is not opened again.

A file whose stat changed (touched, copied, renamed) is hashed by the parent: same content
means the cached facts are used; only new or changed content goes to the workers. All
reads and writes happen in the parent process, so workers (local or on a Dask cluster)
never need the cache folder. SQLite (stdlib) rather than a pickle per document: one file,
one transaction per batch of writes, safe when two runs share a cache.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Limits
from pipeline.fingerprint import fingerprint
from pipeline.ingest import read_input

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, payload BLOB NOT NULL,
    PRIMARY KEY (doc_id, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, stat TEXT NOT NULL, doc_id TEXT NOT NULL) WITHOUT ROWID;
"""
COMMIT_EVERY = 500  # writes per transaction: few fsyncs, little lost if the run is killed


def cache_version(limits: Limits) -> str:
    """The pipeline fingerprint plus the limits that decide whether a file is read at all."""
    return f"{fingerprint()}|pages={limits.max_pages}|bytes={limits.max_bytes}" \
           f"|unzipped={limits.max_unzipped}"


def stat_key(path: str) -> str | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def sha256_of(path: str, max_bytes: int) -> str | None:
    """The file's doc_id, read as ingest reads it (non-blocking and bounded: a FIFO that
    replaced the file must not hang the parent); None for a file ingest would refuse."""
    try:
        data = read_input(Path(path), max_bytes)
    except (OSError, ValueError):
        return None
    return hashlib.sha256(data).hexdigest() if len(data) <= max_bytes else None


@dataclass(slots=True)
class CacheCounts:
    """What a run did per file: taken from the cache (`cached`) or sent to workers."""

    cached: int = 0  # facts from the cache
    hashed: int = 0  # stat changed or file new: opened by the parent to hash it
    processed: int = 0  # sent to a worker
    by_stat: int = field(default=0)  # of `cached`: found by stat alone, file not opened


class ResultCache:
    def __init__(self, db: sqlite3.Connection, version: str):
        self.db, self.version = db, version
        self.pending = 0
        self.writable = True

    @classmethod
    def open(cls, directory: Path, version: str) -> ResultCache | None:
        """None when the cache cannot be used (a read-only or full disk, a damaged file):
        the run goes on without it, slower, never failing because of it."""
        try:
            directory.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(directory / "results.sqlite3", timeout=60)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except (OSError, sqlite3.Error):
            return None
        return cls(db, version)

    def close(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error:
            pass
        self.db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _load(self, doc_id: str) -> tuple[dict, dict] | None:
        try:
            found = self.db.execute("SELECT payload FROM results WHERE doc_id = ? AND "
                                    "version = ?", (doc_id, self.version)).fetchone()
            return None if found is None else pickle.loads(found[0])
        except Exception:  # a damaged entry (or file) is recomputed
            return None

    def _has_results(self) -> bool:
        try:
            return self.db.execute("SELECT 1 FROM results WHERE version = ? LIMIT 1",
                                   (self.version,)).fetchone() is not None
        except sqlite3.Error:
            return False

    def _index(self) -> dict[str, str]:
        try:
            return dict(self.db.execute("SELECT path, stat || '|' || doc_id FROM files"))
        except sqlite3.Error:
            return {}

    def _remember(self, path: str, stat: str, doc_id: str) -> None:
        self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path, stat, doc_id))

    def _store(self, doc_id: str, row: dict, tables: dict) -> None:
        self._write("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                    lambda: (doc_id, self.version,
                             pickle.dumps((row, tables), protocol=pickle.HIGHEST_PROTOCOL)))

    def _write(self, sql: str, values: tuple | Callable[[], tuple]) -> None:
        """Best effort: a full disk costs speed on the next run, never this run."""
        if not self.writable:
            return
        try:
            self.db.execute(sql, values() if callable(values) else values)
            self.pending += 1
            if self.pending >= COMMIT_EVERY:
                self.db.commit()
                self.pending = 0
        except (sqlite3.Error, OSError):
            self.writable = False

    def run(self, tasks: Iterable, submit: Callable[[Iterable], Iterator[tuple[Any, Any]]],
            counts: CacheCounts) -> Iterator[tuple[Any, Any, bool]]:
        """Yield (task, result, from_cache) for every task; only misses go to `submit`.

        A task has `.path`, `.source` and `.limits`; a result is (row, tables, stage
        seconds) or a worker Failure. `submit` is called once, and only if some file needs
        reading, so a run with nothing new starts no workers.
        """
        can_hit = self._has_results()
        index = self._index() if can_hit else {}
        misses: list[tuple[Any, str, str]] = []
        for task in tasks:
            path = os.path.abspath(task.path)
            stat = stat_key(path)
            known = index.pop(path, None)
            if stat is None or not can_hit:
                misses.append((task, path, stat or ""))
                continue
            found = None
            if known is not None and known.rsplit("|", 1)[0] == stat:
                found = self._load(known.rsplit("|", 1)[1])
                counts.by_stat += found is not None
            if found is None:
                counts.hashed += 1
                doc_id = sha256_of(path, task.limits.max_bytes)
                found = self._load(doc_id) if doc_id else None
                if found is not None:
                    self._remember(path, stat, doc_id)
            if found is None:
                misses.append((task, path, stat))
                continue
            counts.cached += 1
            row, tables = found
            yield task, ({**row, "source": task.source}, tables, {}), True
        del index
        if not misses:
            return
        stats = {id(task): (path, stat) for task, path, stat in misses}
        counts.processed += len(misses)
        for task, result in submit(task for task, _, _ in misses):
            path, stat = stats.pop(id(task), ("", ""))
            if isinstance(result, tuple):
                row, tables, _seconds = result
                if row["doc_id"] and row["status"] != "error":
                    self._store(row["doc_id"], row, tables)
                    if stat:
                        self._remember(path, stat, row["doc_id"])
            yield task, result, False
