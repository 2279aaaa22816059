"""The one warehouse writer across hosts: a Prefect global concurrency limit of one slot,
held around every write, re-entrant in a thread, and "busy" after SHIHYO_LOCK_TIMEOUT."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from flows.pool import ensure_writer_limit
from flows.writers import WriterLimit, writer_slot
from kernel.settings import load_settings
from pipeline.resources import Resources
from service import WarehouseBusy
from tests.conftest import ready_service


@pytest.fixture
def limited(home: Path, monkeypatch: pytest.MonkeyPatch, prefect_api):
    monkeypatch.setenv("SHIHYO_WRITER_LIMIT", "warehouse-writes-test")
    monkeypatch.setenv("SHIHYO_LOCK_TIMEOUT", "2")
    settings = load_settings()
    ensure_writer_limit(settings.writer_limit)
    return settings


def test_no_limit_no_slot(home: Path) -> None:
    assert writer_slot(load_settings()) is None


def test_one_writer_at_a_time_and_busy_after_the_timeout(limited) -> None:
    from prefect.client.orchestration import get_client

    holder, other = WriterLimit(limited), WriterLimit(limited)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with holder(), holder():  # re-entrant: the second asks for nothing
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    assert held.wait(30)
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name("warehouse-writes-test")
    assert (limit.limit, limit.active_slots) == (1, 1)  # what the Prefect UI shows
    started = time.monotonic()
    with pytest.raises(WarehouseBusy, match="warehouse-writes-test"), other():
        pass
    assert time.monotonic() - started >= 2
    release.set()
    thread.join()
    with other():  # free again
        pass
    assert holder.turns == 1 and other.turns == 1


def test_every_write_holds_the_slot(limited) -> None:
    ready_service(limited)
    seen: list[bool] = []
    slot = WriterLimit(limited)

    def watching() -> object:
        seen.append(True)
        return slot()

    warehouse = Resources.open(limited, writer=watching).warehouse
    warehouse.audit("someone", "test", "thing", "1")
    warehouse.add_job("ingest", {}, {})
    warehouse.loads()  # a read asks for no slot
    assert len(seen) == 2 and slot.turns == 2
