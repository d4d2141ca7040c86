"""Where a command publishes: it replaces only what it wrote, and one writer at a time.

A command that publishes a folder (`iop extract` its tables, `iop report` its pages)
replaces that folder whole, so it must be sure the folder is its own: absent, empty, or its
own earlier output, i.e. a folder holding the command's manifest and nothing but the files
that manifest lists (a listed file may be missing: it was deleted, the run writes it
again). Anything else (a file, a folder with other content, the input folder or one that
holds an input, a folder holding the cache) is refused with one plain line before anything
is read or written (`OutDirError`, exit 2). Publishing then removes only what the previous
manifest listed (store.publish, remove_listed).

One writer per folder: `Lock` holds an flock on a hidden file beside it (`.NAME.lock`,
holding the writer's pid) for the whole run; a second run finds it and stops, naming the
first. The kernel drops the flock when its process dies, however it dies, so a lock left by
a killed run is simply taken over.

A run that cannot write (disk full, read-only file system, no permission) is told apart
from a bug by `storage_problem()`, so the CLI can say what to do (exit 4).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

EXTRACT_MANIFEST = "manifest.json"
REPORT_MANIFEST = "report.json"
EXTRACT = "iop extract"
REPORT = "iop report"
COMPARE_MARK = '<meta name="generator" content="iop compare">'
SHOWN = 3  # entries named in a message


class OutDirError(Exception):
    """The command may not write there: a usage problem, said in one line (exit 2)."""


def shown(path: Path | str) -> str:
    """A path for a message: a name that is not UTF-8 keeps its bytes as \\xNN escapes."""
    return os.fsencode(str(path)).decode("utf-8", errors="backslashreplace")


@dataclass(frozen=True, slots=True)
class Owner:
    """What a command's output folder holds: its manifest, which lists the rest."""

    tool: str  # EXTRACT or REPORT
    manifest: str  # the manifest's file name, in the folder
    option: str = "--out"  # how the user named the folder


EXTRACT_OUT = Owner(EXTRACT, EXTRACT_MANIFEST)
REPORT_OUT = Owner(REPORT, REPORT_MANIFEST)
OWNERS = (EXTRACT_OUT, REPORT_OUT)


def manifest_entries(folder: Path, owner: Owner) -> set[str] | None:
    """Relative paths (POSIX) the folder's manifest says the command wrote, the manifest
    included; None when the folder holds no manifest of that command."""
    try:
        manifest = json.loads((folder / owner.manifest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    files = manifest.get("files")
    tool = manifest.get("tool")
    legacy_extract = (tool is None and owner.tool == EXTRACT and isinstance(files, dict)
                      and all(isinstance(v, dict) and "sha256" in v for v in files.values()))
    if not legacy_extract and (tool != owner.tool or not isinstance(files, (dict, list))):
        return None
    entries = {str(name) for name in files} | {owner.manifest}
    entries |= {str(name) for name in manifest.get("folders", [])}
    return entries


def _contents(folder: Path) -> list[str]:
    """Every entry under `folder` (files and folders, hidden ones too), relative, sorted."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath).relative_to(folder)
        for name in (*dirnames, *filenames):
            found.append((base / name).as_posix())
    return sorted(found)


def _implied(entries: Iterable[str]) -> set[str]:
    """The listed entries and the folders that hold them."""
    out = set()
    for entry in entries:
        out.add(entry)
        parent = Path(entry).parent
        while parent != Path("."):
            out.add(parent.as_posix())
            parent = parent.parent
    return out


def owned_entries(out: Path, owner: Owner) -> set[str] | None:
    """What publishing at `out` may remove: nothing (None) when `out` is absent or empty,
    else what it holds, every entry of which its manifest lists (or is a folder holding a
    listed entry). OutDirError when `out` is anything else."""
    label = f"{owner.option} {shown(out)}"
    if out.is_symlink() and not out.exists():
        raise OutDirError(f"{label} is a broken symlink: choose another {owner.option}")
    if not out.exists():
        for folder in Path(os.path.abspath(out)).parents:
            if folder.exists():
                if not folder.is_dir():
                    raise OutDirError(f"{label} cannot be made: {shown(folder)} is a file, "
                                      f"not a folder; choose another {owner.option}")
                break
        return None
    if not out.is_dir():
        raise OutDirError(f"{label} is a file, not a folder: choose another {owner.option} "
                          f"(iop writes a folder there and will not replace a file)")
    contents = _contents(out)
    if not contents:
        return None
    listed = manifest_entries(out, owner)
    if listed is None:
        for other in OWNERS:
            if other is not owner and manifest_entries(out, other) is not None:
                raise OutDirError(f"{label} holds the output of {other.tool}, not of "
                                  f"{owner.tool}: choose another {owner.option}")
        if (out / owner.manifest).exists():
            raise OutDirError(
                f"{label} has a {owner.manifest} that does not list its files (an older "
                f"{owner.tool}, or not iop): delete the folder yourself or choose another "
                f"{owner.option}")
        raise OutDirError(f"{label} holds files iop did not write ({_few(out, contents)}): "
                          f"choose a new or empty folder for {owner.option}")
    allowed = _implied(listed)
    extra = [entry for entry in contents if entry not in allowed]
    if extra:
        raise OutDirError(f"{label} holds files iop did not write ({_few(out, extra)}) beside "
                          f"its earlier output: move them out, or choose another "
                          f"{owner.option}")
    return set(contents)


def _few(folder: Path, entries: list[str]) -> str:
    """The first few entries, not those inside another one named; folders end in '/'."""
    named = set(entries)
    tops = [e for e in entries if Path(e).parent.as_posix() not in named]
    tops = [t + "/" if (folder / t).is_dir() and not (folder / t).is_symlink() else t
            for t in tops]
    named = ", ".join(shown(e) for e in tops[:SHOWN])
    return named + (f" and {len(tops) - SHOWN} more" if len(tops) > SHOWN else "")


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or inner.is_relative_to(outer)


def check_extract(out: Path, inputs: list[Path], cache: Path | None,
                  timings: Path | None = None) -> set[str] | None:
    """Whether `iop extract` may publish its tables at `out`; OutDirError if not.

    An `out` inside an input folder is allowed: discovery skips it (and hidden entries,
    which the run's own folders beside `out` are)."""
    real_out = _real(out)
    label = f"--out {shown(out)}"
    try:
        os.path.abspath(out).encode("utf-8")
    except UnicodeEncodeError:
        raise OutDirError(f"{label} is not a valid UTF-8 path, which the Parquet and DuckDB "
                          "writers need: choose another --out") from None
    for given in inputs:
        real_in = _real(given)
        if real_out == real_in:
            raise OutDirError(f"{label} is the input {shown(given)}: choose another --out "
                              "(the tables folder is replaced as a whole)")
        if real_in.is_relative_to(real_out) or Path(os.path.abspath(given)).is_relative_to(
                Path(os.path.abspath(out))):
            raise OutDirError(f"{label} holds the input {shown(given)}: choose an --out "
                              "outside the inputs (the tables folder is replaced as a whole)")
    if cache is not None and _within(_real(cache), real_out):
        raise OutDirError(f"--cache {shown(cache)} is inside {label}, which every run "
                          "replaces: choose a --cache outside it")
    if timings is not None:
        check_file(timings, inputs, "--timings", _is_timings, real_out)
    return owned_entries(out, EXTRACT_OUT)


def check_report(out: Path, tables: Path) -> set[str] | None:
    """Whether `iop report` may publish its pages at `out`; OutDirError if not."""
    real_out, real_tables = _real(out), _real(tables)
    label = f"--out {shown(out)}"
    if _within(real_tables, real_out):
        raise OutDirError(f"{label} holds the tables {shown(tables)}: choose an --out "
                          "outside them (the report folder is replaced as a whole)")
    if real_out.is_relative_to(real_tables):
        raise OutDirError(f"{label} is inside the tables folder {shown(tables)}, which "
                          "iop extract replaces as a whole: choose an --out outside it")
    return owned_entries(out, REPORT_OUT)


def check_file(path: Path, inputs: list[Path], option: str, is_own, out: Path | None = None
               ) -> None:
    """A single file a command writes (compare --html, extract --timings): absent, empty or
    its own earlier file; never an input, never inside a folder iop replaces as a whole."""
    label = f"{option} {shown(path)}"
    real = _real(path)
    for given in inputs:
        if real == _real(given):
            raise OutDirError(f"{label} is the input {shown(given)}: choose another file")
    if out is not None and real.is_relative_to(out):
        raise OutDirError(f"{label} is inside --out, which every run replaces: choose a "
                          "file outside it")
    for folder in real.parents:
        for owner in OWNERS:
            if manifest_entries(folder, owner) is not None:
                raise OutDirError(f"{label} is inside {shown(folder)}, the output of "
                                  f"{owner.tool}, which it replaces as a whole: choose a "
                                  "file outside it")
    if path.is_dir():
        raise OutDirError(f"{label} is a folder: give a file name")
    if path.exists() and not path.is_file():
        raise OutDirError(f"{label} is not a regular file: choose another file")
    if path.exists() and path.stat().st_size and not is_own(path):
        raise OutDirError(f"{label} exists and was not written by iop: choose another file "
                          "(iop will not replace it)")


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def is_compare_page(path: Path) -> bool:
    return COMPARE_MARK.encode() in _head(path)


def _is_timings(path: Path) -> bool:
    if path.stat().st_size > 1 << 20:
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "stages_s" in data and "executor" in data


def remove_listed(folder: Path, entries: set[str] | None, beside: Path | None = None) -> None:
    """Remove an earlier output that publishing moved aside: the entries owned_entries()
    found in it (each listed by its manifest), then the folder. Anything else found there
    (written into the folder while the run worked) is moved into `beside`, the new output,
    rather than deleted."""
    for entry in sorted(entries or (), key=lambda e: e.count("/"), reverse=True):
        path = folder / entry
        try:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            continue  # a listed folder that is not empty: handled below
    leftovers = _contents(folder)
    if leftovers and beside is not None:
        for name in sorted({e.split("/", 1)[0] for e in leftovers}):
            target = beside / name
            if not target.exists():
                os.rename(folder / name, target)
    for dirpath, _dirs, _files in sorted(os.walk(folder), key=lambda w: -len(w[0])):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass


# ---- one writer at a time -----------------------------------------------------------------

_HELD: dict[Path, list] = {}  # lock path -> [fd, depth]: a process may take its own lock again


def lock_path(out: Path) -> Path:
    out = Path(os.path.abspath(out))
    return out.parent / f".{out.name}.lock"


class Lock:
    """The run's claim on `out` (see the module's docstring); a context manager."""

    def __init__(self, out: Path, command: str):
        self.out, self.command = out, command
        self.path = lock_path(out)

    def __enter__(self) -> Lock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        held = _HELD.get(self.path)
        if held is not None:
            held[1] += 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                raise OutDirError(
                    f"{shown(self.out)} is being written by another iop ({holder}): wait "
                    "for it to finish, or choose another --out") from None
            except OSError as exc:
                if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP):
                    os.close(fd)
                    raise
                self._by_pid(fd)  # a file system without flock: the pid in the file decides
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the lock file was removed by its holder meanwhile: start again
                os.close(fd)
                continue
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            text = f"pid {os.getpid()} on {socket.gethostname()}, {self.command}, since {stamp}"
            os.ftruncate(fd, 0)
            os.pwrite(fd, text.encode("utf-8", "backslashreplace"), 0)
            _HELD[self.path] = [fd, 1]
            return

    def _by_pid(self, fd: int) -> None:
        text = _read(fd)
        parts = text.split()
        if (len(parts) > 3 and parts[0] == "pid" and parts[1].isdigit()
                and parts[3].rstrip(",") == socket.gethostname()
                and int(parts[1]) != os.getpid() and alive(int(parts[1]))):
            os.close(fd)
            raise OutDirError(f"{shown(self.out)} is being written by another iop ({text}): "
                              "wait for it to finish, or choose another --out")

    def release(self) -> None:
        held = _HELD.get(self.path)
        if held is None:
            return
        held[1] -= 1
        if held[1]:
            return
        del _HELD[self.path]
        try:
            self.path.unlink()  # while still holding it: a waiting run then starts afresh
        except OSError:
            pass
        os.close(held[0])


def _read(fd: int) -> str:
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "a process that has not said its pid yet"


def alive(pid: int) -> bool:
    """Is process `pid` running (on this host)? A process we may not signal is."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- could not publish --------------------------------------------------------------------

_ERRNO_REASONS = {
    errno.ENOSPC: "no space left on device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error",
}
_TEXT_REASONS = {  # libraries that say it in words (DuckDB, Arrow)
    "No space left on device": "no space left on device",
    "Disk quota exceeded": "disk quota exceeded",
    "Read-only file system": "read-only file system",
    "Permission denied": "permission denied",
    "Input/output error": "input/output error",
}
_WHAT_TO_DO = {
    "no space left on device": "free some space, or choose an --out on another disk, "
                               "and run again",
    "disk quota exceeded": "free some space, or choose an --out on another disk, and run again",
    "read-only file system": "choose an --out on a writable disk",
    "permission denied": "choose an --out you may write to, or fix its permissions",
    "input/output error": "check the disk, and run again",
}


def storage_problem(exc: BaseException) -> str | None:
    """The reason, in words, when `exc` (or what caused it) is the disk refusing a write;
    None for anything else."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _ERRNO_REASONS:
            return _ERRNO_REASONS[current.errno]
        text = str(current)
        for needle, reason in _TEXT_REASONS.items():
            if needle in text:
                return reason
        current = current.__cause__ or current.__context__
    return None


def what_to_do(reason: str) -> str:
    return _WHAT_TO_DO.get(reason, "run again")
