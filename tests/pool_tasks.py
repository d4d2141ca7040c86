"""Tasks that misbehave in the ways PDF libraries do, for the worker pool's tests.

A module of its own: the pool's fork server imports it by name.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
import zlib


def run(task: str):
    if task.startswith("ok"):
        return f"done:{task}"
    if task == "sleep":
        time.sleep(60)
    if task == "allocate":
        # bytes(n) is calloc'ed: address space runs out under RLIMIT_AS without the pages
        # being written, so the cap is hit in milliseconds even on a loaded machine (a
        # zero-filled bytearray took over the test's 3 s deadline there).
        blocks = []
        while True:
            blocks.append(bytes(64 * 2**20))
    if task == "abort":
        os.abort()
    if task == "segfault":
        ctypes.string_at(0)
    if task == "recurse":
        sys.setrecursionlimit(10_000)

        def down(n):
            return down(n + 1) + 1

        return down(0)
    if task == "zlib":
        return zlib.decompress(b"not a zlib stream")
    if task == "raise":
        raise ValueError("a library raised something unexpected")
    if task == "exit":
        sys.exit(4)
    if task == "unpicklable":
        return threading.Lock()
    raise AssertionError(task)
