"""Connections to the DuckDB file. DuckDB lets one process hold the file at a
time and fails any other at once, so connections here are short, and opening
one waits its turn (jittered retries up to a deadline) instead of failing."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse for longer than we were willing to wait."""


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet."""


def _is_lock_error(exc: Exception) -> bool:
    return any(marker in str(exc) for marker in _LOCK_MARKERS)


@contextmanager
def connect(
    path: Path, *, timeout: float = 30.0, create: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, closed on exit; waits while another process holds it."""
    if not create and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `shihyo init` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {path} stayed locked by another process for {timeout:.0f} s; "
                    "try again when the running load has finished"
                ) from exc
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def transaction(
    path: Path, *, timeout: float = 30.0, create: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection inside one transaction: committed on success, rolled back on any error."""
    with connect(path, timeout=timeout, create=create) as con:
        con.begin()
        try:
            yield con
        except BaseException:
            con.rollback()
            raise
        con.commit()
