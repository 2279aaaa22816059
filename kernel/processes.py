"""Starting shihyo's own Python processes (the services, the parse server, Prefect's server
and worker)."""

from __future__ import annotations

import sys


def python_module(module: str, *args: str) -> list[str]:
    """The command that runs `module` as `python -m` does, with this interpreter, but
    without the working directory first on the import path (`-P`): a folder where the
    command is started that is named like a package it imports (an older checkout of
    shihyo, say) is never run in place of the installed code."""
    return [sys.executable, "-P", "-m", module, *args]
