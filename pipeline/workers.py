"""A process pool where every task has a wall-clock deadline and every worker a memory cap.

concurrent.futures cannot kill one stuck task, and PDF libraries can hang, recurse or
allocate without bound on a hostile file, so this small pool is written by hand: a worker
that passes its deadline is killed and replaced, and its task is reported as TIMEOUT; a
worker that dies (the C++ allocator aborts when it reaches RLIMIT_AS) is reported as
MEMORY_LIMIT. Workers are forked, so they share the parent's loaded modules.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


@dataclass(slots=True)
class Failure:
    """A task that did not return: code is TIMEOUT, MEMORY_LIMIT or INTERNAL_ERROR."""

    code: str
    detail: str


def _worker_main(conn: Connection, func: Callable, memory_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if memory_bytes:
        # The cap is what a worker may add to the address space it inherits: a parent that
        # has already written tables holds GiBs of reserved, untouched address space
        # (pyarrow and DuckDB pools), which would leave a forked worker no room at all.
        limit = memory_bytes + _inherited_address_space()
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: Any = func(task)
        except MemoryError:
            result = Failure("MEMORY_LIMIT", "out of memory")
        except RecursionError:
            result = Failure("DAMAGED", "structure nested too deeply (RecursionError)")
        except Exception as exc:  # the boundary: one bad file must not stop the batch
            result = Failure("INTERNAL_ERROR", f"{type(exc).__name__}: {exc}"[:300])
        try:
            conn.send(result)
        except Exception as exc:  # an unpicklable result
            conn.send(Failure("INTERNAL_ERROR", f"result not sendable: {exc}"[:300]))


def _inherited_address_space() -> int:
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


@dataclass(slots=True)
class _Slot:
    process: mp.Process
    conn: Connection
    task: Any = None
    started: float = 0.0


class Pool:
    def __init__(self, func: Callable, workers: int, timeout_s: float, memory_bytes: int):
        self.func, self.timeout_s, self.memory_bytes = func, timeout_s, memory_bytes
        self.context = mp.get_context("fork")
        self.slots = [self._spawn() for _ in range(max(1, workers))]

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main,
                                       args=(child, self.func, self.memory_bytes), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _replace(self, slot: _Slot) -> _Slot:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join(5)
        slot.conn.close()
        fresh = self._spawn()
        self.slots[self.slots.index(slot)] = fresh
        return fresh

    def map_unordered(self, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        """Yield (task, result or Failure) as tasks finish. Tasks are pulled lazily."""
        pending = iter(tasks)
        queue: deque = deque()
        exhausted = False

        def next_task():
            nonlocal exhausted
            if queue:
                return queue.popleft()
            if exhausted:
                return None
            try:
                return next(pending)
            except StopIteration:
                exhausted = True
                return None

        while True:
            for slot in self.slots:
                if slot.task is None:
                    task = next_task()
                    if task is None:
                        break
                    slot.task, slot.started = task, time.monotonic()
                    slot.conn.send(task)
            busy = [s for s in self.slots if s.task is not None]
            if not busy:
                return
            now = time.monotonic()
            wait_for = max(0.0, min(s.started + self.timeout_s for s in busy) - now)
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy],
                         timeout=min(wait_for, 1.0))
            for slot in list(busy):
                if slot.conn in ready:
                    try:
                        result = slot.conn.recv()
                    except (EOFError, OSError):
                        result = self._death(slot)
                        task = slot.task
                        self._replace(slot)
                        yield task, result
                        continue
                    task, slot.task = slot.task, None
                    yield task, result
                elif slot.process.sentinel in ready and not slot.process.is_alive():
                    task = slot.task
                    result = self._death(slot)
                    self._replace(slot)
                    yield task, result
                elif time.monotonic() - slot.started > self.timeout_s:
                    task = slot.task
                    self._replace(slot)
                    yield task, Failure("TIMEOUT", f"stopped after {self.timeout_s:g} s")

    def _death(self, slot: _Slot) -> Failure:
        slot.process.join(5)
        code = slot.process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            if -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGBUS):
                limit = self.memory_bytes / 2**30
                return Failure("MEMORY_LIMIT", f"the reader was stopped by {name} at the "
                                               f"{limit:.1f} GiB memory cap")
            return Failure("INTERNAL_ERROR", f"the reader crashed ({name})")
        return Failure("INTERNAL_ERROR", f"the reader exited with code {code}")

    def close(self) -> None:
        for slot in self.slots:
            try:
                if slot.task is None:
                    slot.conn.send(None)
            except OSError:
                pass
        for slot in self.slots:
            slot.process.join(2)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join(2)
            slot.conn.close()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
