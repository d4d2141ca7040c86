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

A cluster that goes away is not a file's fault: when the scheduler cannot be reached, the
connection to it is lost, or no worker has been alive for `cluster_timeout` seconds, the
run ends with ClusterLost (nothing is published; the files read so far are cached). Only a
batch that failed while the cluster was up (a worker that died twice on it) becomes
INTERNAL_ERROR rows.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import islice
from typing import Any, BinaryIO

from pipeline.config import Limits
from pipeline.workers import Failure, Pool

EXECUTORS = ("local", "dask")
DEFAULT_CLUSTER_TIMEOUT = 60.0  # seconds without a scheduler or a live worker: the run ends
POLL_S = 0.1  # how often the Dask loop looks for finished batches
WATCH_EVERY_S = 1.0  # how often it asks the scheduler how many workers are alive
ASK_TIMEOUT_S = 10.0  # the longest it waits for that answer


class ClusterLost(Exception):
    """The Dask cluster went away mid-run (or was never there): nothing can be published."""


def quiet_dask_logs() -> None:
    """distributed logs connection errors with tracebacks on stderr; iop says it in one line
    instead (shown again with --debug). Imported first: importing distributed sets the
    levels of its loggers."""
    import distributed  # noqa: F401

    prefixes = ("distributed", "tornado", "asyncio")
    names = [name for name in list(logging.root.manager.loggerDict)
             if name.split(".", 1)[0] in prefixes]
    for name in {*prefixes, *names}:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


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
                 preload: tuple[str, ...] = (), batch: int = 8,
                 cluster_timeout: float = DEFAULT_CLUSTER_TIMEOUT):
        self.func, self.scheduler, self.limits = func, scheduler, limits
        self.preload, self.batch = preload, batch
        self.cluster_timeout = cluster_timeout
        self.peak_rss = 0  # the workers are the cluster's; not measured here

    def _connect(self):
        from distributed import Client

        try:
            return Client(self.scheduler, set_as_default=False, timeout=self.cluster_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterLost(f"cannot reach the Dask scheduler at {self.scheduler} "
                              f"({_plain(exc)})") from exc

    def map_unordered(self, tasks: Iterable) -> Iterator[tuple[Any, Any]]:
        from distributed import as_completed

        client = self._connect()
        try:
            watch = _Watch(client, self.scheduler, self.cluster_timeout)
            threads = max(1, watch.threads() or 0)
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
            while not running.is_empty():
                done = running.next_batch(block=False)
                if not done:
                    watch.check()
                    time.sleep(POLL_S)
                    continue
                for future in done:
                    watch.check_future(future)
                    originals = sent.pop(future.key)
                    try:
                        results = future.result()
                    except Exception as exc:  # the worker died twice on this batch
                        watch.check()  # ... or the cluster went away under it
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
            try:
                client.close(timeout=min(10, self.cluster_timeout))
            except Exception:  # a client whose scheduler is gone may not close cleanly
                pass


class _Watch:
    """Whether the cluster is still there: connected to the scheduler, which answers and
    has a live worker at least once every `timeout` seconds."""

    def __init__(self, client, scheduler: str, timeout: float):
        self.client, self.scheduler, self.timeout = client, scheduler, timeout
        self.last_asked = 0.0
        self.unwell_since: float | None = None  # no answer, or no worker, since then

    def _lost(self, why: str) -> ClusterLost:
        return ClusterLost(f"lost the Dask cluster at {self.scheduler}: {why}")

    def _connected(self) -> None:
        if self.client.status != "running":
            raise self._lost("the connection to the scheduler was lost")

    def threads(self) -> int | None:
        """Worker threads alive now, as the scheduler says; None when it does not answer
        within ASK_TIMEOUT_S (a busy scheduler is not yet a lost one)."""
        self._connected()
        try:
            info = self.client.sync(self.client.scheduler.identity, n_workers=0,
                                    callback_timeout=min(ASK_TIMEOUT_S, self.timeout))
        except Exception:
            return None
        return int(info.get("total_threads", 0))

    def check_future(self, future) -> None:
        """A batch the cluster gave up (cancelled: the scheduler went away) ends the run."""
        self._connected()
        if future.cancelled():
            raise self._lost("the scheduler cancelled the work (connection lost)")

    def check(self) -> None:
        self._connected()
        now = time.monotonic()
        if now - self.last_asked < WATCH_EVERY_S:
            return
        self.last_asked = now
        threads = self.threads()
        if threads:
            self.unwell_since = None
        elif self.unwell_since is None:
            self.unwell_since = now
        elif now - self.unwell_since >= self.timeout:
            raise self._lost(f"no worker has been alive for {self.timeout:g} s" if threads == 0
                             else f"the scheduler has not answered for {self.timeout:g} s")


def _plain(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def make_executor(name: str, func: Callable, workers: int, limits: Limits,
                  scheduler: str | None = None, preload: tuple[str, ...] = (),
                  cluster_timeout: float = DEFAULT_CLUSTER_TIMEOUT):
    if name == "local":
        return LocalExecutor(func, workers, limits, preload)
    if name == "dask":
        if not scheduler:
            raise ValueError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
        return DaskExecutor(func, scheduler, limits, preload, cluster_timeout=cluster_timeout)
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
