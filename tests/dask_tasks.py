"""A per-document task for the Dask tests: it blocks until the test releases it, so the
test can take the cluster away while a run is in the middle of its files.

A module of its own, light to import: the Dask workers' helper processes import it by name.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

RELEASE = "release"  # the file, beside the input folder, that lets blocked files finish
BLOCKED = "blocked-"  # ... and the files that say a file is being read (one per process)


def block(task):
    """Say that this file is being read, wait for the release, then read it for real."""
    here = Path(task.path).parent.parent
    (here / f"{BLOCKED}{os.getpid()}").touch()
    deadline = time.monotonic() + 300
    while not (here / RELEASE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    from pipeline.run import work

    return work(task)


def blocking_cli(argv: list[str]) -> None:
    """`iop` whose per-document work is block() (run as a subprocess by the tests)."""
    import pipeline.run
    from pipeline.cli import app

    pipeline.run.work = block
    pipeline.run.WORKER_PRELOAD = ()  # nothing to warm up: the test's files never get read
    app(argv)
