"""Functions the parse server calls in tests/test_parse_server.py: a module's functions, as
pickle names them, so that the server and its children can import them."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

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


def numbers(count: int) -> np.ndarray:
    """`count` int64 numbers, 0 … count − 1: an outcome whose buffer crosses out of band."""
    return np.arange(count, dtype=np.int64)


def texts(count: int) -> pd.Series:
    """`count` texts in the dtype the parser gives a text column (held by Arrow)."""
    return pd.Series([f"row {n}" for n in range(count)], dtype=pd.StringDtype(na_value=np.nan))
