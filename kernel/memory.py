"""Python's garbage collector and what shihyo imports.

shihyo's processes import about 250,000 objects that live as long as the process (pandas,
DuckDB, Great Expectations, Prefect on the flow path), and Python's collector walks every one
of them on each full collection: several times while they are imported, again in every later
full collection, and once more as a command's process ends. Imported objects are not
garbage, so they are imported with the collector paused and then moved out of its sight
(`gc.freeze`); what a load or a page makes afterwards is collected as Python sets it.
Measured on a 2-core machine, a month's file through `shihyo ingest`: see bench/README.md."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_paused = 0  # blocks running now, in any thread
_was_enabled = True  # the collector's state when the first of them began


@contextmanager
def long_lived() -> Iterator[None]:
    """Within the block, the collector pauses (the block imports, making objects that live
    until the process ends); afterwards every object alive is frozen out of its sight, and
    once no thread is within such a block the collector is as it was before the first."""
    global _paused, _was_enabled
    with _LOCK:
        if _paused == 0:
            _was_enabled = gc.isenabled()
        _paused += 1
        gc.disable()
    try:
        yield
    finally:
        with _LOCK:
            _paused -= 1
            gc.freeze()
            if _paused == 0 and _was_enabled:
                gc.enable()


def leave_to_exit() -> None:
    """At the end of a command: what is alive is freed with the process, so the collector
    need not walk it once more on the way out."""
    gc.freeze()
