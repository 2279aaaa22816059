"""Connections to the DuckDB file. DuckDB lets one process hold the file at a
time and fails any other at once, so connections here are short, and opening
one waits its turn (jittered retries up to a deadline) instead of failing.

Opening the file makes a DuckDB database instance, which costs tens of milliseconds
(DuckDB registers its built-in functions and extensions each time, even for `:memory:`),
while a connection to an open instance costs almost nothing. A step asks a dozen
questions in a row (judging and alerting: eighteen), so the instance is kept open for a
moment after the last connection closes (`LINGER_SECONDS`) and the next connection within
that moment reuses it; then the file is released for other processes."""

from __future__ import annotations

import atexit
import os
import random
import threading
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
# How long an idle instance keeps the file: other processes wait at most this long more.
LINGER_SECONDS = 0.1


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


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


class _Instance:
    """The open DuckDB instance of one file in this process, while it is in use or has
    just been; connections are cursors on it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self.base: duckdb.DuckDBPyConnection | None = None
        self.identity: tuple[int, int] | None = None
        self.users = 0
        self.idle_since = 0.0
        self.timer: threading.Timer | None = None

    def acquire(self, timeout: float) -> duckdb.DuckDBPyConnection:
        """A new connection to the file, opening it (waiting its turn) if it is not open."""
        with self.lock:
            if self.base is not None and self.identity != _identity(self.path):
                self._close()  # the file was replaced (deleted and made again) meanwhile
            if self.base is None:
                self.base = _open(self.path, timeout)
                self.identity = _identity(self.path)
            self.users += 1
            try:
                return self.base.cursor()
            except BaseException:
                self.users -= 1
                raise

    def release(self) -> None:
        """One connection fewer; the last one leaves the instance open for a moment."""
        with self.lock:
            self.users -= 1
            if self.users:
                return
            self.idle_since = time.monotonic()
            if self.timer is None:
                self.timer = threading.Timer(LINGER_SECONDS, self._expire)
                self.timer.daemon = True
                self.timer.start()

    def _expire(self) -> None:
        with self.lock:
            self.timer = None
            if self.users or self.base is None:
                return
            left = self.idle_since + LINGER_SECONDS - time.monotonic()
            if left > 0:  # used again meanwhile: wait out the rest
                self.timer = threading.Timer(left, self._expire)
                self.timer.daemon = True
                self.timer.start()
                return
            self._close()

    def close(self) -> None:
        with self.lock:
            if not self.users:
                self._close()

    def _close(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.base is not None:
            base, self.base = self.base, None
            base.close()


_INSTANCES: dict[str, _Instance] = {}
_INSTANCES_LOCK = threading.Lock()


def _instance(path: Path) -> _Instance:
    key = os.path.abspath(path)
    with _INSTANCES_LOCK:
        if key not in _INSTANCES:
            _INSTANCES[key] = _Instance(path)
        return _INSTANCES[key]


def release_all() -> None:
    """Close every idle instance now (at exit; or before handing the file to another
    process without waiting for the moment to pass)."""
    with _INSTANCES_LOCK:
        instances = list(_INSTANCES.values())
    for instance in instances:
        instance.close()


atexit.register(release_all)


def _open(path: Path, timeout: float) -> duckdb.DuckDBPyConnection:
    """The file opened, waiting (jittered retries) while another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path))
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


@contextmanager
def connect(
    path: Path, *, timeout: float = 30.0, create: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse file, closed on exit; waits while another process holds it."""
    if not create and not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `shihyo init` first")
    instance = _instance(path)
    con = instance.acquire(timeout)
    try:
        yield con
    except duckdb.Error as exc:
        # A damaged block shows only when it is read, which may be well after opening.
        if is_damage(exc):
            raise WarehouseDamaged(path, str(exc)) from exc
        raise
    finally:
        try:
            con.close()
        finally:
            instance.release()


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
