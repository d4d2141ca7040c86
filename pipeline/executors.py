"""Where the per-document work runs: worker processes on this machine, or a Dask cluster.

Both give `map_unordered(tasks) -> (task, result or workers.Failure)` and both keep the
per-file deadline and memory cap of pipeline.workers.Pool, so a hostile file costs one error
row whichever executor reads it.

Dask: each Dask worker thread hands its files to a helper process (helper_main(), started
once per thread and kept) that runs a one-process workers.Pool. Why a helper rather than
the Pool inside the Dask task: Dask workers are daemonic processes, which multiprocessing
forbids to have children unless every worker is configured with
`distributed.worker.daemon: false`, and forking a process whose event loop and thread pool
are running is unsafe; a per-file subprocess would pay Python start-up and the spaCy load
(~1.5 s) for every file. The helper pays that once per thread (its pool's workers fork from
a fork server that has the pipeline loaded); per file it costs a pickle through a pipe.
Measured by
`make bench`: 1 000 documents on a LocalCluster of 2 one-thread workers took 30.5 s against
29.2 s with --workers 2 on the same 2-core machine (helpers' start-up included).
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice
from typing import Any, BinaryIO

from pipeline.config import Limits
from pipeline.workers import Failure, Pool

EXECUTORS = ("local", "dask")


class LocalExecutor:
    """N worker processes on this machine; `preload` names the modules they import once."""

    def __init__(self, func: Callable, workers: int, limits: Limits,
                 preload: tuple[str, ...] = ()):
        self.func, self.workers, self.limits, self.preload = func, workers, limits, preload
        self.peak_rss = 0  # bytes: the largest worker's peak resident memory

    def map_unordered(self, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        with Pool(self.func, self.workers, self.limits.timeout_s, self.limits.memory_bytes,
                  preload=self.preload) as pool:
            try:
                yield from pool.map_unordered(tasks)
            finally:
                self.peak_rss = max(self.peak_rss, pool.peak_rss)


class DaskExecutor:
    """Per-document work on an existing dask.distributed cluster; results come back here.

    Files are sent in batches (fewer scheduler round trips) and only a bounded number of
    batches is in flight, so millions of files never become millions of futures at once.
    Paths are sent as absolute paths: every worker must see the files at the same path.
    """

    def __init__(self, func: Callable, scheduler: str, limits: Limits,
                 preload: tuple[str, ...] = (), batch: int = 8):
        self.func, self.scheduler, self.limits = func, scheduler, limits
        self.preload, self.batch = preload, batch
        self.peak_rss = 0  # the workers are the cluster's; not measured here

    def map_unordered(self, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        from distributed import Client, as_completed

        client = Client(self.scheduler, set_as_default=False, timeout=30)
        try:
            threads = max(1, sum(client.nthreads().values()))
            batches = _batches(tasks, self.batch)
            sent: dict[str, list] = {}

            def submit_next():
                originals = next(batches, None)
                if originals is None:
                    return None
                batch = [replace(t, path=os.path.abspath(t.path)) for t in originals]
                future = client.submit(run_batch, self.func, batch, self.limits.timeout_s,
                                       self.limits.memory_bytes, self.preload,
                                       key=f"iop-{uuid.uuid4().hex}", pure=False, retries=1)
                sent[future.key] = originals
                return future

            first = [f for f in (submit_next() for _ in range(2 * threads)) if f is not None]
            if not first:
                return
            running = as_completed(first, loop=client.loop)
            for future in running:
                originals = sent.pop(future.key)
                try:
                    results = future.result()
                except Exception as exc:  # the worker died twice on this batch
                    detail = f"the Dask worker failed: {type(exc).__name__}: {exc}"[:300]
                    results = [(i, Failure("INTERNAL_ERROR", detail))
                               for i in range(len(originals))]
                future.release()
                for index, result in results:
                    yield originals[index], result
                following = submit_next()
                if following is not None:
                    running.add(following)
        finally:
            client.close()


def make_executor(name: str, func: Callable, workers: int, limits: Limits,
                  scheduler: str | None = None, preload: tuple[str, ...] = ()):
    if name == "local":
        return LocalExecutor(func, workers, limits, preload)
    if name == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
        return DaskExecutor(func, scheduler, limits, preload)
    raise ValueError(f"unknown executor {name!r}: use one of {', '.join(EXECUTORS)}")


def _batches(tasks: Iterable, size: int) -> Iterator[list]:
    it = iter(tasks)
    while chunk := list(islice(it, size)):
        yield chunk


# ---- On a Dask worker ---------------------------------------------------------------------

_HELPERS = threading.local()


def run_batch(func: Callable, batch: list, timeout_s: float, memory_bytes: int,
              preload: tuple[str, ...]) -> list[tuple[int, Any]]:
    """A Dask task: read a batch of files in this thread's capped helper process."""
    helper = getattr(_HELPERS, "helper", None)
    if helper is None or not helper.alive():
        helper = _HELPERS.helper = _Helper()
    try:
        return helper.call((func, preload, timeout_s, memory_bytes, batch))
    except (EOFError, OSError, pickle.UnpicklingError):
        helper.stop()
        _HELPERS.helper = None
        raise


class _Helper:
    """A Python process running helper_main(), with requests on its stdin and answers on
    its stdout. Started with -c rather than -m: the worker pool's fork server re-imports
    the main module of a -m process, which pipeline.run already imported."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from pipeline.executors import helper_main; helper_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def alive(self) -> bool:
        return self.process.poll() is None

    def call(self, request: Any) -> Any:
        _send(self.process.stdin, request)
        return _receive(self.process.stdout)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def _send(stream: BinaryIO, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError("the helper process ended")
    (size,) = struct.unpack("<Q", header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the helper process ended mid-answer")
    return pickle.loads(data)


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The helper: run each batch in a one-process Pool (deadline + memory cap) and answer
    with (position in batch, result) pairs. Ends when its stdin closes."""
    pool: Pool | None = None
    settings = None
    try:
        while True:
            try:
                func, preload, timeout_s, memory_bytes, batch = _receive(requests)
            except EOFError:
                return
            if pool is None or settings != (func, preload, timeout_s, memory_bytes):
                if pool is not None:
                    pool.close()
                for module in preload:
                    importlib.import_module(module)
                settings = (func, preload, timeout_s, memory_bytes)
                pool = Pool(func, 1, timeout_s, memory_bytes, preload=preload)
            positions = {id(task): i for i, task in enumerate(batch)}
            _send(answers, [(positions[id(task)], result)
                            for task, result in pool.map_unordered(batch)])
    except BrokenPipeError:
        return  # the Dask worker went away (cluster closed, task cancelled)
    finally:
        if pool is not None:
            pool.close()


def helper_main() -> None:
    # The protocol owns the real stdout; anything a library prints goes to stderr.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, protocol_out)
