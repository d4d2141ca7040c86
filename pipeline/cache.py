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
safe when two runs share a cache.

Writes are gathered in memory and committed in short transactions (WRITE_BATCH entries or
WRITE_EVERY_S seconds, whichever comes first; each holds the write lock for milliseconds),
so two runs sharing a cache both cache, each waiting at most BUSY_TIMEOUT_S for the other.
The cache checks itself when opened (the SQLite header, then `PRAGMA quick_check`): a
damaged file (truncated, overwritten) is moved aside as `results.sqlite3.damaged-TIME`,
with a one-line warning, and a new cache is started. A cache that cannot be used or written
(a read-only or full disk) is said once and costs speed, never the run.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
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
FILE_NAME = "results.sqlite3"
WRITE_BATCH = 64  # entries per transaction: a few MB at most, written in milliseconds
WRITE_EVERY_S = 2.0  # ... or what was gathered in this many seconds (slow files, OCR)
BUSY_TIMEOUT_S = 10.0  # the longest one run waits for another's transaction
_HEADER = b"SQLite format 3\x00"
_DAMAGE_CODES = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}


def cache_version(limits: Limits) -> str:
    """The pipeline fingerprint plus the limits that decide whether a file is read at all."""
    return f"{fingerprint()}|pages={limits.max_pages}|bytes={limits.max_bytes}" \
           f"|unzipped={limits.max_unzipped}"


def path_key(path: str) -> str:
    """How the cache names a file: its absolute path, or, for a name that is not valid UTF-8
    (a latin-1 'å'; SQLite text must be UTF-8), `bytes:` and the path's bytes in hex, which
    no absolute path begins with."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "bytes:" + os.fsencode(path).hex()
    return path


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
    def __init__(self, db: sqlite3.Connection, version: str,
                 on_warning: Callable[[str], None] | None = None, where: Path | None = None):
        self.db, self.version = db, version
        self.on_warning = on_warning or (lambda _message: None)
        self.where = where
        self.pending: list[tuple[str, tuple]] = []
        self.pending_since = 0.0
        self.writable = True

    @classmethod
    def open(cls, directory: Path, version: str,
             on_warning: Callable[[str], None] | None = None) -> ResultCache | None:
        """None when the cache cannot be used (a read-only or full disk, a folder that is a
        file): the run goes on without it, slower, never failing because of it, and
        `on_warning` is told why. A damaged cache file is moved aside and a new one begun."""
        warn = on_warning or (lambda _message: None)
        path = directory / FILE_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
            damage = _damage(path)
            if damage:
                aside = _move_aside(path, damage[1])
                if aside is not None:  # else another run moved it aside first
                    warn(f"the cache {_shown(path)} was damaged ({damage[0]}); moved it to "
                         f"{_shown(aside.name)} and started a new one (this run reads every "
                         "file again)")
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(SCHEMA)
            except BaseException:
                db.close()
                raise
        except (OSError, sqlite3.Error, ValueError) as exc:
            warn(f"cannot use the cache {_shown(directory)} ({_reason(exc)}); every file is "
                 "read, and nothing is cached this run")
            return None
        return cls(db, version, warn, path)

    def close(self) -> None:
        self._flush(final=True)
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
        self._write("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                    lambda: (path_key(path), stat, doc_id))

    def _store(self, doc_id: str, row: dict, tables: dict) -> None:
        self._write("INSERT OR REPLACE INTO results VALUES (?, ?, ?)",
                    lambda: (doc_id, self.version,
                             pickle.dumps((row, tables), protocol=pickle.HIGHEST_PROTOCOL)))

    def _write(self, sql: str, values: Callable[[], tuple]) -> None:
        """Best effort: a full disk costs speed on the next run, never this run; and nothing
        about one file (its name, its rows) can stop the others from being cached."""
        if not self.writable:
            return
        try:
            entry = (sql, values())
        except Exception:  # this file's rows cannot be stored: it is read again next time
            return
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append(entry)
        if (len(self.pending) >= WRITE_BATCH
                or time.monotonic() - self.pending_since >= WRITE_EVERY_S):
            self._flush()

    def _flush(self, final: bool = False) -> None:
        """One short transaction for what was gathered. Another run's transaction is
        waited for (BUSY_TIMEOUT_S); if it is still busy the entries wait for the next
        flush, and at the end of the run they are given up with a warning."""
        if not self.pending or not self.writable:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for sql, values in self.pending:
                    try:
                        self.db.execute(sql, values)
                    except (sqlite3.InterfaceError, sqlite3.DataError, ValueError,
                            OverflowError):
                        continue  # one entry SQLite cannot take; the others go on
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
            self.pending.clear()
        except (sqlite3.Error, OSError) as exc:
            busy = isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
            if busy and not final:
                return
            self.writable = False
            self.pending.clear()
            self.on_warning(f"cannot write to the cache {_shown(self.where or '')} "
                            f"({_reason(exc)}); the files read this run are not cached")

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
            known = index.pop(path_key(path), None)
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


def _shown(path: Path | str) -> str:
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def _damage(path: Path) -> tuple[str, int] | None:
    """Why the cache file at `path` is damaged (and its inode), or None when it is sound
    (or absent, or busy: a cache another run is writing is not damaged)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
            st = os.fstat(handle.fileno())
    except FileNotFoundError:
        return None
    if not header:
        return None  # an empty file is an empty database
    if len(header) < 100 or not header.startswith(_HEADER):
        return "not an SQLite database", st.st_ino
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96] and pages > 0
    wal = path.with_name(path.name + "-wal")
    settled = not wal.exists() or wal.stat().st_size == 0  # else the WAL may complete it
    if valid and settled and st.st_size < pages * page_size:
        return f"truncated: {st.st_size} of {pages * page_size} bytes", st.st_ino
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
        try:
            found = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorname", "") in _DAMAGE_CODES:
            return str(exc), st.st_ino
        return None
    if found != [("ok",)]:
        return _first_problem(found), st.st_ino
    return None


def _first_problem(found: list[tuple]) -> str:
    """quick_check's first finding, on one line ('On tree page 2 cell 2: invalid page
    number 4096'); it heads its list with '*** in database main ***'."""
    lines = [" ".join(line.split()) for row in found for line in str(row[0]).splitlines()]
    lines = [line for line in lines if line and not line.startswith("***")]
    text = lines[0] if lines else "quick_check found errors"
    return text if len(text) <= 120 else text[:117] + "..."


def _move_aside(path: Path, inode: int) -> Path | None:
    """The damaged file (and its WAL files) renamed beside it; returns the new name. None
    when the file is no longer the damaged one (another run moved it aside first)."""
    try:
        if os.stat(path).st_ino != inode:
            return None
    except FileNotFoundError:
        return None
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            os.replace(companion, aside.with_name(aside.name + suffix))
        except FileNotFoundError:
            pass
    return aside
