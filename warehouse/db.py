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

from kernel.errors import BilingualError

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")
# What DuckDB says of a file it cannot read as a database: a header that is not DuckDB's, a
# file cut short, a block whose checksum is wrong, a write-ahead log that cannot be replayed.
_DAMAGE_MARKERS = (
    "not a valid DuckDB database file",
    "Corrupt database file",
    "does not match stored checksum",
    "Could not read enough bytes from file",
    "Failure while replaying WAL",
    "database file with version number",
)


class WarehouseBusy(RuntimeError):
    """Another process held the warehouse for longer than we were willing to wait."""


class WarehouseMissing(RuntimeError):
    """The warehouse file does not exist yet."""


class WarehouseDamaged(BilingualError, RuntimeError):
    """The warehouse file cannot be read as a database: it is damaged (or not DuckDB's)."""

    def __init__(self, path: Path, cause: str) -> None:
        cause = cause.splitlines()[0][:300] if cause else ""
        super().__init__(
            f"倉庫ファイル {path} が壊れていて読めません（{cause}）。"
            "`shihyo restore` で最新のバックアップから戻し、`shihyo check` で保管ファイルと"
            "照合してください（壊れたファイルは消さずに脇へ移されます）。",
            f"the warehouse file {path} is damaged and cannot be read ({cause}). Restore it "
            "from the latest backup with `shihyo restore`, then compare it with the kept files "
            "with `shihyo check` (the damaged file is set aside, not deleted).",
        )
        self.path = path
        self.cause = cause


def _is_lock_error(exc: Exception) -> bool:
    return any(marker in str(exc) for marker in _LOCK_MARKERS)


def is_damage(exc: BaseException) -> bool:
    """Whether DuckDB's error says that the file itself is damaged."""
    return isinstance(exc, duckdb.Error) and any(m in str(exc) for m in _DAMAGE_MARKERS)


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
        except duckdb.Error as exc:
            if is_damage(exc):
                raise WarehouseDamaged(path, str(exc)) from exc
            if not isinstance(exc, duckdb.IOException) or not _is_lock_error(exc):
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
    except duckdb.Error as exc:
        # A damaged block shows only when it is read, which may be well after opening.
        if is_damage(exc):
            raise WarehouseDamaged(path, str(exc)) from exc
        raise
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
