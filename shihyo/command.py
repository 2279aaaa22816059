"""The `shihyo` script: the command line run as its own process, with the garbage collector
set for a process that imports much and lives briefly.

A command imports about 250,000 objects that live until it ends (pandas, DuckDB, Great
Expectations, Prefect on the flow path). Python's collector walks every one of them on each
full collection — several while they are imported, and once more as the process ends.
Measured on a 2-core machine, a month's file through `shihyo ingest` (direct): median 4.4 s
as Python sets it, 3.3 s with full collections rare and none at exit (`bench/cli.py`).
Young objects are still collected as usual, so a file's cyclic garbage does not wait for a
full collection to be freed."""

from __future__ import annotations

import gc

# Python's default is (700, 10, 10): a full collection every 10 collections of the middle
# generation (and only once the old one grew by a quarter). 1,000 makes them rare, not gone.
THRESHOLDS = (700, 10, 1000)


def main() -> None:
    gc.set_threshold(*THRESHOLDS)
    from shihyo.cli import app

    try:
        app()
    finally:
        # What is left when the command ends is freed with the process: moved out of the
        # collector's sight, so that Python does not walk it once more on the way out.
        gc.freeze()
