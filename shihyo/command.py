"""The `shihyo` script: the command line run as its own process. Its imports are made with
the garbage collector paused and then frozen out of its sight, and what is alive when the
command ends is left to the process's end (kernel/memory.py says why)."""

from __future__ import annotations

from kernel.memory import leave_to_exit, long_lived


def main() -> None:
    with long_lived():
        from shihyo.cli import app
    try:
        app()
    finally:
        leave_to_exit()
