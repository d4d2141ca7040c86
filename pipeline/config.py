"""Run settings with their defaults (all overridable from the CLI)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 100 * 2**20  # a larger file is refused as TOO_LARGE
    max_pages: int = 1000
    max_unzipped: int = 200 * 2**20  # DOCX zip-bomb guard
    timeout_s: float = 60.0  # wall clock per file, enforced by the worker pool
    memory_bytes: int = 3 * 2**29  # 1.5 GiB address-space cap per worker


DEFAULT_LIMITS = Limits()


@dataclass(slots=True)
class Task:
    """One file for a worker to read. Here, in a light module, because a Dask scheduler
    unpickles the tasks it is sent: it imports this module, not the pipeline."""

    path: str
    source: str
    limits: Limits
