"""Starting and stopping shihyo's own processes (the services, the parse server, Prefect's
server and worker)."""

from __future__ import annotations

import subprocess
import sys


def python_module(module: str, *args: str) -> list[str]:
    """The command that runs `module` as `python -m` does, with this interpreter, but
    without the working directory first on the import path (`-P`): a folder where the
    command is started that is named like a package it imports (an older checkout of
    shihyo, say) is never run in place of the installed code."""
    return [sys.executable, "-P", "-m", module, *args]


def stop(process: subprocess.Popen, seconds: float, *, terminate: bool = True) -> int:
    """Stop a child and return its exit code: asked to end (SIGTERM; not again with
    `terminate=False`, for a child already asked or expected to end by itself), given
    `seconds`, then killed."""
    if terminate and process.poll() is None:
        process.terminate()
    try:
        return process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
