"""Which files a run reads: every file under the inputs, with the entries that must not
be opened (a symlink leaving its folder, a FIFO, an unlistable folder) named as problems.

Kept apart from the orchestrator so that the check for a run with nothing to do
(pipeline.uptodate) needs no heavy import.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path


def discover(inputs: list[Path], exclude: tuple[Path, ...] = ()) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, source, problem) for every file under the inputs, in sorted order.

    `source` is the path relative to the input folder; with several inputs, relative to
    the folder that holds them all, so two inputs' `a.pdf` stay apart. `problem` is empty
    for a regular file, else `CODE:detail` for an entry that must not be opened (a symlink
    leaving its input folder, a FIFO, a symlink loop, a folder that cannot be listed).
    Hidden files and folders are skipped, and so are the `exclude` folders (--out,
    --cache) when they lie inside an input.
    """
    roots = [Path(os.path.abspath(p)) for p in inputs]
    containers = [r if r.is_dir() else r.parent for r in roots]
    base = Path(os.path.commonpath(containers)) if containers else Path("/")
    # by the path as given and by the real path: an input reached through a symlink still
    # skips the --out inside it
    skip = {Path(os.path.abspath(p)) for p in exclude} | {Path(os.path.realpath(p))
                                                            for p in exclude}
    seen: set[Path] = set()

    def entry(path: Path, problem: str) -> tuple[Path, str, str] | None:
        if path in seen:
            return None
        seen.add(path)
        return path, _display(path.relative_to(base).as_posix()), problem

    for root in roots:
        try:
            root_real = root.resolve()
        except (OSError, RuntimeError):  # a looping symlink given as an input
            root_real = root
        if not root.is_dir():
            found = entry(root, _problem(root, root_real.parent))
            if found:
                yield found
            continue
        errors: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False,
                                                    onerror=errors.append):
            folder = Path(dirpath)
            yield from _unlisted(errors, entry)
            # the walk follows no symlink below the root: a folder's real path is the
            # root's real path and the same relative part
            real_folder = root_real / folder.relative_to(root)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                 and folder / d not in skip and real_folder / d not in skip)
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                found = entry(folder / name, _problem(folder / name, root_real))
                if found:
                    yield found
            for name in dirnames:
                path = folder / name
                if path.is_symlink():
                    found = entry(path, "UNREADABLE:a symlink to a folder, not followed")
                    if found:
                        yield found
        yield from _unlisted(errors, entry)


def _unlisted(errors: list[OSError], entry) -> Iterator[tuple[Path, str, str]]:
    """Folders os.walk could not list: one row each, so their files are not lost silently."""
    while errors:
        error = errors.pop(0)
        found = entry(Path(error.filename),
                      f"UNREADABLE:a folder that could not be listed ({error.strerror})")
        if found:
            yield found


def _display(source: str) -> str:
    """A file name that is not UTF-8 (a latin-1 'å') keeps its bytes as \\xNN escapes:
    the tables are UTF-8 and the name must stay unique."""
    return os.fsencode(source).decode("utf-8", errors="backslashreplace")


def _problem(path: Path, root_real: Path) -> str:
    try:
        if path.is_symlink():
            target = path.resolve(strict=True)
            if not target.is_relative_to(root_real):
                return "UNREADABLE:a symlink that leaves the input folder, not followed"
        mode = os.stat(path).st_mode
    except (OSError, RuntimeError) as exc:
        return f"UNREADABLE:{getattr(exc, 'strerror', None) or 'broken or looping symlink'}"
    if not stat.S_ISREG(mode):
        return "UNSUPPORTED_TYPE:not a regular file (a pipe, socket or device)"
    return ""
