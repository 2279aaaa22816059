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
