"""The DuckDB warehouse: migrations, idempotent init, the catalog's versions, and
waiting for another process that holds the file."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import time
from pathlib import Path

import duckdb
import pytest

from access.roles import SYSTEM
from alerts.rules import Condition
from indicators.catalog import Catalog
from kernel.settings import load_settings
from service import Service
from tests.clock import now
from tests.conftest import open_warehouse
from warehouse import Warehouse, WarehouseBusy, WarehouseMissing, migrate
from warehouse.db import connect

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock


def _versions(warehouse: Warehouse) -> int:
    with connect(warehouse.path) as con:
        return con.execute("SELECT count(*) FROM catalog_version").fetchone()[0]


def test_init_on_an_empty_folder_creates_the_schema(service: Service, catalog: Catalog) -> None:
    fresh = Service(load_settings({**os.environ, "SHIHYO_HOME": str(service.settings.home / "x")}))
    result = fresh.init(SYSTEM)
    assert result.migrated.schema_version == migrate.latest_version()
    assert result.migrated.applied[0].startswith("001_")
    assert result.catalog_recorded
    held = fresh.catalog()
    assert len(held.initiatives) == 101 and len(held.policies) == 3 and len(held.areas()) == 18
    assert held == catalog


def test_second_init_changes_nothing(service: Service) -> None:
    warehouse = open_warehouse(service.settings)
    before, versions = warehouse.table_counts(), _versions(warehouse)
    result = service.init(SYSTEM)
    assert result.migrated.applied == []
    assert not result.catalog_recorded
    assert warehouse.table_counts() == before
    assert _versions(warehouse) == versions


def test_catalog_round_trips_through_the_warehouse(service: Service, catalog: Catalog) -> None:
    assert service.catalog() == catalog


def test_a_changed_catalog_is_a_new_version_and_figures_are_kept(
    service: Service, catalog: Catalog
) -> None:
    warehouse = open_warehouse(service.settings)
    with connect(warehouse.path) as con:
        con.execute(
            "INSERT INTO observation VALUES ('wifi_access_points', DATE '2019-03-01', '', 1, 591,"
            " NULL, NULL, ?, NULL)",
            [now()],
        )
    fewer = catalog.model_copy(update={"indicators": catalog.indicators[:-1]})
    assert service.record_catalog(fewer, SYSTEM)
    assert len(service.catalog().indicators) == len(catalog.indicators) - 1
    assert warehouse.table_counts()["observation"] == 1
    assert _versions(warehouse) == 2
    removed = service.audit_trail(SYSTEM, entity="indicator")
    assert removed.iloc[0]["action"] == "remove"


def test_a_replay_reads_the_catalog_in_force_on_its_day(service: Service, catalog: Catalog) -> None:
    before = service.today() - dt.timedelta(days=1)
    fewer = catalog.model_copy(update={"indicators": catalog.indicators[:-1]})
    later = Service(service.settings, clock=_clock_at(service.now() + dt.timedelta(days=2)))
    later.record_catalog(fewer, SYSTEM)
    assert later.catalog(service.today()) == catalog  # in force until the change
    assert later.catalog(before) == catalog  # before any version: the first one
    assert later.catalog() == fewer


def _clock_at(moment: dt.datetime):
    from kernel.clock import Clock

    return Clock.at(moment)


def test_older_file_is_migrated_without_losing_rows(tmp_path: Path) -> None:
    settings = load_settings({**os.environ, "SHIHYO_HOME": str(tmp_path)})
    with connect(settings.warehouse_path, create=True) as con:
        applied = migrate.migrate(con, upto=1, now=now())
        assert [m.version for m in applied] == [1]
        con.execute(
            "INSERT INTO load (file_name, sha256, received_at, status, rows_total, rows_accepted)"
            " VALUES ('jan.csv', 'abc', ?, 'loaded', 1, 1)",
            [now()],
        )
        con.execute(
            "INSERT INTO observation VALUES ('etax_payments', DATE '2019-04-01', '', 1, 42437,"
            " NULL, 1, ?, NULL)",
            [now()],
        )
    result = Service(settings).init(SYSTEM)
    assert [name[:3] for name in result.migrated.applied] == [
        f"{m.version:03d}" for m in migrate.bundled_migrations()[1:]
    ]
    with connect(settings.warehouse_path) as con:
        assert con.execute("SELECT value FROM observation_current").fetchall() == [(42437.0,)]
        assert con.execute("SELECT file_name FROM load").fetchall() == [("jan.csv",)]


def test_the_figures_lose_their_key_index_and_keep_every_revision(tmp_path: Path) -> None:
    path = tmp_path / "seven.duckdb"
    with connect(path, create=True) as con:
        migrate.migrate(con, upto=7, now=now())
        con.execute(
            "INSERT INTO observation VALUES"
            " ('etax_payments', DATE '2019-04-01', '', 1, 42000, NULL, 1, ?, ?),"
            " ('etax_payments', DATE '2019-04-01', '', 2, 42437, '訂正', 2, ?, NULL),"
            " ('etax_payments', DATE '2019-05-01', '横浜市', 1, 9, NULL, 2, ?, NULL)",
            [now(), now(), now(), now()],
        )
        assert con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE table_name ="
            " 'observation' AND constraint_type = 'PRIMARY KEY'"
        ).fetchone()[0]
        applied = migrate.migrate(con, upto=8, now=now())
        assert [m.version for m in applied] == [8]
        keys = con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'observation'"
            " AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')"
        ).fetchone()[0]
        indexes = "SELECT count(*) FROM duckdb_indexes() WHERE table_name = 'observation'"
        assert keys == 0 and con.execute(indexes).fetchone()[0] == 0
        rows = con.execute(
            "SELECT period, org_unit, revision, value, note, superseded_at IS NULL"
            " FROM observation ORDER BY period, org_unit, revision"
        ).fetchall()
        assert rows == [
            (dt.date(2019, 4, 1), "", 1, 42000.0, None, False),
            (dt.date(2019, 4, 1), "", 2, 42437.0, "訂正", True),
            (dt.date(2019, 5, 1), "横浜市", 1, 9.0, None, True),
        ]
        assert con.execute("SELECT count(*) FROM observation_current").fetchone()[0] == 2


def test_a_load_never_writes_one_figure_twice(service: Service) -> None:
    import pandas as pd

    from warehouse import FileRows, LoadRecord
    from warehouse.loads import DuplicateFigure

    warehouse = open_warehouse(service.settings)
    twice = pd.DataFrame(
        {
            "row_number": [2, 3],
            "indicator_id": ["etax_payments"] * 2,
            "period": [dt.date(2019, 4, 1)] * 2,
            "org_unit": [""] * 2,
            "value": [1.0, 2.0],
            "note": [None, None],
        }
    )
    record = LoadRecord("twice.csv", "f" * 64, now())
    with pytest.raises(DuplicateFigure, match="etax_payments"):
        warehouse.write_load(record, twice, pd.DataFrame(), FileRows(2, 2, 0))
    assert warehouse.table_counts()["observation"] == 0  # the whole load rolled back
    assert warehouse.table_counts()["load"] == 0


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


def test_reading_before_init_is_a_clear_error(home: Path) -> None:
    with pytest.raises(WarehouseMissing, match="shihyo init"):
        Service(load_settings()).catalog()


def _hold_file(path: str, seconds: float, ready) -> None:
    con = duckdb.connect(path)
    ready.set()
    time.sleep(seconds)
    con.close()


@pytest.mark.processes  # timed waits between processes: not under faketime (Makefile)
def test_a_second_process_waits_for_the_writer(warehouse: Warehouse) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_file, args=(str(warehouse.path), 1.5, ready))
    holder.start()
    try:
        assert ready.wait(30)
        started = time.monotonic()
        assert warehouse.table_counts()["load"] == 0
        assert time.monotonic() - started > 0.5  # it really had to wait its turn
    finally:
        holder.join(30)


@pytest.mark.processes  # timed waits between processes: not under faketime (Makefile)
def test_waiting_gives_up_with_a_clear_message(warehouse: Warehouse) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold_file, args=(str(warehouse.path), 4, ready))
    holder.start()
    try:
        assert ready.wait(30)
        impatient = Warehouse(warehouse.path, lock_timeout=0.3, clock=warehouse.clock)
        with pytest.raises(WarehouseBusy, match="locked by another process"):
            impatient.table_counts()
    finally:
        holder.join(30)


def test_alerts_open_in_the_order_of_their_conditions_and_resolve_when_gone(
    warehouse: Warehouse,
) -> None:
    def condition(key: str, **fields: object) -> Condition:
        return Condition(key, "late", "joho-kikaku", f"{key} 未着", f"{key} late", **fields)

    first = [
        condition("c", indicator_id="wifi_access_points", details={"periods": ["2024-04"]}),
        condition("a", load_id=7),
        condition("b", target_id="t1", initiative_id="1-1-1"),
    ]
    at = dt.datetime(2026, 11, 29, 7, 0)
    opened, resolved = warehouse.sync_alerts(first, at, ["late"])
    assert resolved == [] and len(opened) == 3
    assert opened == sorted(opened)  # numbered in the conditions' order
    rows = warehouse.alerts().set_index("id").loc[opened]
    assert rows["key"].tolist() == ["c", "a", "b"]
    assert rows["state"].tolist() == ["open"] * 3
    assert rows["summary"].tolist() == ["c 未着", "a 未着", "b 未着"]
    assert rows["indicator_id"].tolist()[0] == "wifi_access_points"
    assert rows["load_id"].tolist()[1] == 7 and rows["target_id"].tolist()[2] == "t1"
    with connect(warehouse.path) as con:
        details = con.execute("SELECT details FROM alert WHERE id = ?", [opened[0]]).fetchone()
    assert json.loads(details[0]) == {"periods": ["2024-04"]}

    later = at + dt.timedelta(days=1)
    again, gone = warehouse.sync_alerts([first[1], condition("d")], later, ["late"])
    assert gone == [opened[0], opened[2]]  # c and b no longer hold
    assert len(again) == 1 and again[0] > max(opened)
    states = warehouse.alerts().set_index("key")["state"].to_dict()
    assert states == {"a": "open", "b": "resolved", "c": "resolved", "d": "open"}
