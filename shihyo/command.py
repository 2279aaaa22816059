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
import sys
from collections.abc import Sequence

# Python's default is (700, 10, 10): a full collection every 10 collections of the middle
# generation (and only once the old one grew by a quarter). 1,000 makes them rare, not gone.
THRESHOLDS = (700, 10, 1000)
# `shihyo ingest`'s options that take a value: what follows one is not a file to load.
_INGEST_VALUE_OPTIONS = frozenset({"--inbox", "--period", "--as"})


def names_files_to_ingest(args: Sequence[str]) -> bool:
    """Whether `args` (the command line after the script) are `ingest` naming files: such a
    run hands each file to the parse server, whatever else it does."""
    if not args or args[0] != "ingest" or "--help" in args:
        return False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--":
            return next(rest, None) is not None
        if arg in _INGEST_VALUE_OPTIONS:
            next(rest, None)
        elif not arg.startswith("-"):
            return True
    return False


def main() -> None:
    gc.set_threshold(*THRESHOLDS)
    if names_files_to_ingest(sys.argv[1:]):
        # The parse server (a Python process importing the parser, about half a second on
        # its own core) starts now, beside the command's own imports (about a second), not
        # after them: the first file then waits for neither. Service.ingest asks again.
        from intake.isolation import prestart

        prestart()
    from shihyo.cli import app

    try:
        app()
    finally:
        # What is left when the command ends is freed with the process: moved out of the
        # collector's sight, so that Python does not walk it once more on the way out.
        gc.freeze()
