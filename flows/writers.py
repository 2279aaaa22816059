"""The one warehouse writer across hosts: a Prefect global concurrency limit of one slot
(SHIHYO_WRITER_LIMIT, e.g. "warehouse-writes"), held around every write to the warehouse.

DuckDB lets one process write a file; on one host its own lock and shihyo's file lock keep
writers in turn, but they do not reach other hosts. The slot does: a writer waits for it up
to SHIHYO_LOCK_TIMEOUT (the wait shows in the Prefect UI under Concurrency, with the holder),
then gives up with WarehouseBusy. The slot is leased: a holder renews its lease while it
writes, and the server takes back the slot of a holder that died (a host lost mid-load) once
its lease runs out (a minute, the least Prefect allows) — then the next writer goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from flows.orchestration import auth_string
from kernel.settings import Settings
from warehouse import WarehouseBusy, WriterSlot, release_all

LEASE_SECONDS = 60  # Prefect's least; renewed while held


class WriterLimit:
    """The writer slot of one process, re-entrant within a thread (a load holds it, and the
    writes inside it need not ask again)."""

    def __init__(self, settings: Settings) -> None:
        assert settings.writer_limit
        self.name = settings.writer_limit
        self.timeout = settings.lock_timeout
        self.settings = settings
        self._held = threading.local()
        self.turns = 0
        self.waited = 0.0  # seconds spent waiting for the slot, in all
        self.longest = 0.0

    def __call__(self) -> AbstractContextManager[None]:
        return self._slot()

    @contextmanager
    def _slot(self) -> Iterator[None]:
        depth = getattr(self._held, "depth", 0)
        if depth:
            self._held.depth = depth + 1
            try:
                yield
            finally:
                self._held.depth -= 1
            return
        from prefect.concurrency.sync import concurrency
        from prefect.settings import PREFECT_API_AUTH_STRING, temporary_settings

        auth = {PREFECT_API_AUTH_STRING: auth_string(self.settings)}
        acquired = False
        asked = time.monotonic()
        try:
            with (
                temporary_settings(updates=auth),
                concurrency(
                    self.name,
                    occupy=1,
                    timeout_seconds=self.timeout,
                    lease_duration=LEASE_SECONDS,
                    strict=True,
                ),
            ):
                acquired = True
                self._count(time.monotonic() - asked)
                self._held.depth = 1
                try:
                    yield
                finally:
                    self._held.depth = 0
                    # The file goes to the next host's writer: this process's instance, kept
                    # open a moment for the next question, is closed before the slot is free.
                    release_all()
        except TimeoutError as exc:
            if acquired:
                raise
            raise WarehouseBusy(
                f"another host kept the warehouse writer slot {self.name!r} for "
                f"{self.timeout:.0f} s; try again when its load has finished"
            ) from exc

    def _count(self, wait: float) -> None:
        self.turns += 1
        self.waited += wait
        self.longest = max(self.longest, wait)

    def summary(self) -> str:
        """The turns this process took and how long it waited for them."""
        return (
            f"writer slot {self.name!r}: {self.turns} turns, waited {self.waited:.1f} s in all, "
            f"longest {self.longest:.1f} s"
        )


def writer_slot(settings: Settings) -> WriterSlot | None:
    """The slot every warehouse write holds: the Prefect limit when SHIHYO_WRITER_LIMIT names
    one, else none (one host: DuckDB's lock and the file lock)."""
    return WriterLimit(settings) if settings.writer_limit else None
