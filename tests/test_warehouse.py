"""The DuckDB warehouse: migrations, idempotent init, catalog round trip, and
waiting for another process that holds the file."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import duckdb
import pytest

from indicators.catalog import Catalog
from tests.clock import now
from warehouse import Warehouse, WarehouseBusy, WarehouseMissing, migrate
from warehouse.db import connect

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock


def test_init_on_an_empty_folder_creates_the_schema(tmp_path: Path, catalog: Catalog) -> None:
    store = Warehouse(tmp_path / "new" / "shihyo.duckdb")
    result = store.init(catalog)
    assert result.schema_version == migrate.latest_version()
    assert result.migrations_applied[0].startswith("001_")
    assert result.catalog_synced
    counts = store.table_counts()
    assert counts["initiative"] == 101 and counts["policy"] == 3 and counts["area"] == 18
    assert counts["indicator"] == len(catalog.indicators)


def test_second_init_changes_nothing(warehouse: Warehouse, catalog: Catalog) -> None:
    before = warehouse.table_counts()
    with connect(warehouse.path) as con:
        syncs_before = con.execute("SELECT count(*) FROM catalog_sync").fetchone()[0]
    result = warehouse.init(catalog)
    assert result.migrations_applied == []
    assert not result.catalog_synced
    assert warehouse.table_counts() == before
    with connect(warehouse.path) as con:
        assert con.execute("SELECT count(*) FROM catalog_sync").fetchone()[0] == syncs_before


def test_catalog_round_trips_through_the_warehouse(warehouse: Warehouse, catalog: Catalog) -> None:
    assert warehouse.catalog() == catalog


def test_changed_catalog_is_resynced_and_figures_are_kept(
    warehouse: Warehouse, catalog: Catalog
) -> None:
    with connect(warehouse.path) as con:
        con.execute(
            "INSERT INTO observation VALUES ('wifi_access_points', DATE '2019-03-01', '', 1, 591,"
            " NULL, NULL, now()::TIMESTAMP, NULL)"
        )
    fewer = catalog.model_copy(update={"indicators": catalog.indicators[:-1]})
    assert warehouse.init(fewer).catalog_synced
    assert warehouse.table_counts()["indicator"] == len(catalog.indicators) - 1
    assert warehouse.table_counts()["observation"] == 1


def test_older_file_is_migrated_without_losing_rows(tmp_path: Path, catalog: Catalog) -> None:
    path = tmp_path / "old.duckdb"
    with connect(path, create=True) as con:
        applied = migrate.migrate(con, upto=1, now=now())
        assert [m.version for m in applied] == [1]
        con.execute(
            "INSERT INTO load (file_name, sha256, received_at, status, rows_total, rows_accepted)"
            " VALUES ('jan.csv', 'abc', now()::TIMESTAMP, 'loaded', 1, 1)"
        )
        con.execute(
            "INSERT INTO observation VALUES ('etax_payments', DATE '2019-04-01', '', 1, 42437,"
            " NULL, 1, now()::TIMESTAMP, NULL)"
        )
    result = Warehouse(path).init(catalog)
    assert [name[:3] for name in result.migrations_applied] == [
        f"{m.version:03d}" for m in migrate.bundled_migrations()[1:]
    ]
    with connect(path) as con:
        assert con.execute("SELECT value FROM observation_current").fetchall() == [(42437.0,)]
        assert con.execute("SELECT file_name FROM load").fetchall() == [("jan.csv",)]


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "broken.duckdb"
    good = migrate.bundled_migrations()[:1]
    bad = [*good, migrate.Migration(2, "broken", "CREATE TABLE x (a INT); SELECT * FROM nowhere;")]
    with connect(path, create=True) as con:
        with pytest.raises(duckdb.Error):
            migrate.migrate(con, bad, now=now())
        assert migrate.current_version(con) == 1
        rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        tables = {r[0] for r in rows}
        assert "x" not in tables


def test_reading_before_init_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WarehouseMissing, match="shihyo init"):
        Warehouse(tmp_path / "none.duckdb").catalog()


def _hold_file(path: str, seconds: float, ready) -> None:
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


def test_a_second_process_waits_for_the_writer(warehouse: Warehouse) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_file, args=(str(warehouse.path), 1.5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        started = time.monotonic()
        assert warehouse.table_counts()["initiative"] == 101
        assert time.monotonic() - started > 0.5  # it really had to wait its turn
    finally:
        holder.join(30)


def test_waiting_gives_up_with_a_clear_message(warehouse: Warehouse) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_file, args=(str(warehouse.path), 4, ready))
    holder.start()
    try:
        assert ready.wait(30)
        impatient = Warehouse(warehouse.path, lock_timeout=0.3)
        with pytest.raises(WarehouseBusy, match="locked by another process"):
            impatient.table_counts()
    finally:
        holder.join(30)
