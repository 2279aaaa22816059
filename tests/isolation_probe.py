"""Functions the parse server calls in tests/test_parse_server.py: a module's functions, as
pickle names them, so that the server and its children can import them."""

from __future__ import annotations

import os

PREPARED_IN: list[int] = []  # the processes `mark` ran in


def mark() -> None:
    PREPARED_IN.append(os.getpid())


def where() -> tuple[int, int, list[int]]:
    """This process, its parent, and where `mark` ran as far as this process knows."""
    return os.getpid(), os.getppid(), list(PREPARED_IN)


def refuse() -> None:
    raise ValueError("refused on purpose")


def end_abruptly() -> None:
    """End the child without an outcome, as a crash in a C extension would."""
    os._exit(3)


def large(megabytes: int) -> tuple[int, bytes]:
    """The server's pid and an outcome of `megabytes` (a parsed million rows is ~100 MB)."""
    return os.getppid(), b"x" * (megabytes << 20)
