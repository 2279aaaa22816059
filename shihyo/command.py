"""The `shihyo` script: the command line run as its own process. Its imports are made with
the garbage collector paused and then frozen out of its sight, and what is alive when the
command ends is left to the process's end (kernel/memory.py says why). A run of `ingest`
naming files starts the parse server first."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kernel.memory import leave_to_exit, long_lived

# `shihyo ingest`'s options that take a value: what follows one is not a file to load.
INGEST_VALUE_OPTIONS = frozenset({"--inbox", "--period", "--as"})


def names_files_to_ingest(args: Sequence[str]) -> bool:
    """Whether `args` (the command line after the script) are `ingest` naming files: such a
    run hands each file to the parse server, whatever else it does. A wrong guess costs
    only time: Service.ingest starts the server itself when it has not started."""
    if not args or args[0] != "ingest" or "--help" in args:
        return False
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--":
            return next(rest, None) is not None
        if arg in INGEST_VALUE_OPTIONS:
            next(rest, None)
        elif not arg.startswith("-"):
            return True
    return False


def main() -> None:
    with long_lived():
        if names_files_to_ingest(sys.argv[1:]):
            # The parse server (a Python process importing the parser, about half a second
            # on its own core) starts now, beside the command's own imports, not after them:
            # the first file then waits for neither.
            from intake.isolation import prestart

            prestart()
        from shihyo.cli import app
    try:
        app()
    finally:
        leave_to_exit()
