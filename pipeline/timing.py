"""Per-stage timers: a run adds up the seconds each stage took, for the benchmark to read.

Nothing is printed; `iop extract --timings FILE` writes them as JSON. Worker processes time
their stages per document and return the seconds with the result.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from time import perf_counter, thread_time

# ingest, normalize and extract run per document (in workers: CPU seconds added over all
# documents); check and write run once in the parent (wall-clock seconds).
STAGES = ("ingest", "normalize", "extract", "check", "write")


class StageTimes:
    __slots__ = ("seconds",)

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Adds wall-clock seconds under `name` and this thread's CPU seconds under
        `name_cpu` (on a busy machine the wall clock also counts time spent waiting)."""
        start, cpu = perf_counter(), thread_time()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + perf_counter() - start
            key = f"{name}_cpu"
            self.seconds[key] = self.seconds.get(key, 0.0) + thread_time() - cpu

    def add(self, seconds: Mapping[str, float]) -> None:
        for name, value in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + value
