"""A process pool where every task has a wall-clock deadline and every worker a memory cap.

concurrent.futures cannot kill one stuck task, and PDF libraries can hang, recurse or
allocate without bound on a hostile file, so this small pool is written by hand: a worker
that passes its deadline is killed and replaced, and its task is reported as TIMEOUT; a
worker that dies (the C++ allocator aborts when it reaches RLIMIT_AS) is reported as
MEMORY_LIMIT.

Workers are forked from a fork server (multiprocessing "forkserver"), a small process
that imported the pipeline once: a worker starts with the same few hundred MiB every
time, whatever the parent holds by then (pandas frames, DuckDB and Arrow arenas), so the
RLIMIT_AS cap means the same thing in the CLI, a test session or a long-running caller.

The boundary is here: whatever a task raises (PDF libraries raise RecursionError,
MemoryError, zlib.error and more besides their own classes) becomes a Failure for that
task, with its traceback kept for --debug; nothing a task does can stop the batch.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import resource
import signal
import time
import traceback
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any


@dataclass(slots=True)
class Failure:
    """A task that did not return: code is TIMEOUT, MEMORY_LIMIT, DAMAGED or INTERNAL_ERROR.

    `trace` is the Python traceback when the task raised (shown only with --debug).
    """

    code: str
    detail: str
    trace: str = ""


class PoolConfigError(ValueError):
    """Limits a worker cannot even start under (a usage error, not a file's fault)."""


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the parent dies, even by SIGKILL, so a
    worker stuck on a hostile file never outlives a killed run."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(0)


def _failure(exc: BaseException) -> Failure:
    """The code for an exception that escaped a task."""
    trace = traceback.format_exc()
    if isinstance(exc, MemoryError):
        return Failure("MEMORY_LIMIT", "the reader ran out of memory under the cap", trace)
    if isinstance(exc, RecursionError):
        return Failure("DAMAGED", "structure nested too deeply or in a cycle", trace)
    if isinstance(exc, zlib.error):
        return Failure("DAMAGED", f"a compressed stream is corrupt ({exc})", trace)
    return Failure("INTERNAL_ERROR", f"{type(exc).__name__}: {exc}", trace)


def _worker_main(conn: Connection, func: Callable, memory_bytes: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _die_with_parent()
    conn.send(_address_space())  # what the worker starts with, before the cap applies
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result: Any = func(task)
        except BaseException as exc:  # the boundary: one bad file must not stop the batch
            result = _failure(exc)  # SystemExit from a library too; SIGINT is ignored here
        try:
            conn.send(result)
        except (BrokenPipeError, EOFError):
            return  # the parent is gone
        except BaseException as exc:  # an unpicklable or unsendable result
            result = _failure(exc)
            result.detail = f"result not sendable: {result.detail}"
            conn.send(result)


@dataclass(slots=True)
class _Slot:
    process: mp.Process
    conn: Connection
    task: Any = None
    started: float = 0.0


class Pool:
    """`func` must be importable (a module-level function); `preload` names the modules
    the fork server imports once, so that workers start warm."""

    def __init__(self, func: Callable, workers: int, timeout_s: float, memory_bytes: int,
                 preload: tuple[str, ...] = ()):
        self.func, self.timeout_s, self.memory_bytes = func, timeout_s, memory_bytes
        self.context = mp.get_context("forkserver")
        self.context.set_forkserver_preload(list(preload))
        self.last_seconds = 0.0  # how long the task just yielded took
        self.peak_rss = 0  # bytes: the largest worker's peak resident memory (VmHWM)
        self.slots: list[_Slot] = []
        try:
            for _ in range(max(1, workers)):
                self.slots.append(self._spawn())
        except BaseException:
            self.close()
            raise

    def _spawn(self) -> _Slot:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main,
                                       args=(child, self.func, self.memory_bytes), daemon=True)
        process.start()
        child.close()
        slot = _Slot(process, parent)
        try:
            start_size = parent.recv() if parent.poll(120) else None
        except (EOFError, OSError):
            start_size = None
        if start_size is None:
            process.kill()
            raise RuntimeError(f"a worker process did not start (exit code {process.exitcode})")
        _check_memory_cap(self.memory_bytes, start_size)
        return slot

    def _sample(self, slot: _Slot) -> None:
        """Workers are the fork server's children, not ours (RUSAGE_CHILDREN misses them):
        their peak RSS is read from /proc while they live."""
        try:
            with open(f"/proc/{slot.process.pid}/status") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        self.peak_rss = max(self.peak_rss, int(line.split()[1]) * 1024)
                        return
        except (OSError, ValueError, IndexError):
            pass

    def _replace(self, slot: _Slot) -> _Slot:
        self._sample(slot)
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
            for slot in list(self.slots):
                if slot.task is None:
                    task = next_task()
                    if task is None:
                        break
                    self._start(slot, task)
            busy = [s for s in self.slots if s.task is not None]
            if not busy:
                return
            now = time.monotonic()
            wait_for = max(0.0, min(s.started + self.timeout_s for s in busy) - now)
            ready = wait([s.conn for s in busy] + [s.process.sentinel for s in busy],
                         timeout=min(wait_for, 0.25))
            for slot in busy:
                self._sample(slot)
            for slot in list(busy):
                self.last_seconds = time.monotonic() - slot.started
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
                    if isinstance(result, Failure) and result.code == "MEMORY_LIMIT":
                        self._replace(slot)  # a fresh process, not a fragmented heap
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

    def _start(self, slot: _Slot, task: Any) -> None:
        """Send a task; a worker that died while idle is replaced and the task resent."""
        for _ in range(3):
            slot.task, slot.started = task, time.monotonic()
            try:
                slot.conn.send(task)
                return
            except (BrokenPipeError, ConnectionResetError, EOFError, OSError):
                slot.task = None
                slot = self._replace(slot)
        slot.task, slot.started = task, time.monotonic()
        slot.conn.send(task)

    def _death(self, slot: _Slot) -> Failure:
        slot.process.join(5)
        code = slot.process.exitcode
        if code is not None and code < 0:
            name = signal.Signals(-code).name
            if -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGBUS):
                limit = self.memory_bytes / 2**30
                return Failure("MEMORY_LIMIT", f"the reader was stopped by {name} at the "
                                               f"{limit:.1f} GiB cap")
            return Failure("INTERNAL_ERROR", f"the reader crashed ({name})")
        return Failure("INTERNAL_ERROR", f"the reader exited with code {code}")

    def close(self) -> None:
        for slot in self.slots:
            self._sample(slot)
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


def _address_space() -> int:
    """This process's virtual size (what a forked worker starts with under RLIMIT_AS)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _check_memory_cap(memory_bytes: int, start: int) -> None:
    headroom = 256 * 2**20
    if memory_bytes and memory_bytes < start + headroom:
        raise PoolConfigError(
            f"a memory cap of {memory_bytes / 2**30:.2f} GiB leaves a worker no room: it starts "
            f"at {start / 2**30:.2f} GiB of address space; use --memory "
            f"{(start + headroom) / 2**30 + 0.05:.1f} or more")


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
