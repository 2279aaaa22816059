"""The audit trail (issue 12, item 8): rows changed, deleted or inserted with plain SQL are
found by `shihyo audit verify`, which names the first bad entry and exits 1; the CLI's
actor is the operating system's user, `--as` a stated sender beside it."""

from __future__ import annotations

import json
import os
import pwd
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from indicators.catalog import Catalog
from kernel.settings import load_settings
from shihyo.cli import app
from tests.conftest import open_warehouse, ready_service
from warehouse import Warehouse
from warehouse.migrate import migrate

PASSWORD = "correct horse battery"
ME = pwd.getpwuid(os.getuid()).pw_name


@pytest.fixture
def trail(home: Path, catalog: Catalog) -> Warehouse:
    """A warehouse whose audit trail holds the catalog's first sync and a few more entries."""
    warehouse = open_warehouse(ready_service().settings)
    for n in range(5):
        warehouse.audit("kanri", "sign_in", "session", f"user{n}", None, {"n": n})
    return warehouse


def verify_cli() -> tuple[int, dict]:
    result = CliRunner().invoke(app, ["audit", "verify", "--json"])
    return result.exit_code, json.loads(result.output)


def sql(warehouse: Warehouse, statement: str, *params: object) -> None:
    """What someone with the file and a DuckDB shell can do."""
    with duckdb.connect(str(warehouse.path)) as con:
        con.execute(statement, list(params))


def ids(warehouse: Warehouse) -> list[int]:
    return sorted(warehouse.audit_trail()["id"].tolist())


def test_an_untouched_trail_verifies(trail: Warehouse) -> None:
    code, report = verify_cli()
    assert (code, report["ok"], report["problems"]) == (0, True, [])
    assert report["entries"] == len(ids(trail)) and len(report["head"]) == 64


Tamper = Callable[[Warehouse, list[int]], int]  # does it; returns the entry to be named


def _change(warehouse: Warehouse, every: list[int]) -> int:
    victim = every[-3]
    sql(warehouse, "UPDATE audit SET actor = 'someone-else' WHERE id = ?", victim)
    return victim


def _change_json(warehouse: Warehouse, every: list[int]) -> int:
    victim = every[-2]
    sql(warehouse, """UPDATE audit SET after = '{"n": 99}' WHERE id = ?""", victim)
    return victim


def _delete(warehouse: Warehouse, every: list[int]) -> int:
    victim = every[-3]
    sql(warehouse, "DELETE FROM audit WHERE id = ?", victim)
    return every[-2]  # the entry after the gap no longer follows the one before it


def _delete_first(warehouse: Warehouse, every: list[int]) -> int:
    sql(warehouse, "DELETE FROM audit WHERE id = ?", every[0])
    return every[1]


def _insert(warehouse: Warehouse, every: list[int]) -> int:
    sql(
        warehouse,
        "INSERT INTO audit (id, changed_at, actor, action, entity, entity_id)"
        " VALUES (?, TIMESTAMP '2026-11-20 08:00:00', 'kanri', 'sign_in', 'session', 'x')",
        every[-3] * 1000,  # after the last one, as a real entry would be
    )
    return every[-3] * 1000


def _insert_with_a_copied_hash(warehouse: Warehouse, every: list[int]) -> int:
    # a forger who copies the last entry's hashes into a new row between two others
    sql(
        warehouse,
        "INSERT INTO audit SELECT ? AS id, changed_at, actor, action, entity, 'forged',"
        " before, after, os_actor, stated_by, prev_hash, entry_hash FROM audit WHERE id = ?",
        every[-1] + 100,
        every[-1],
    )
    return every[-1] + 100


def _rechain_one(warehouse: Warehouse, every: list[int]) -> int:
    # changed, and its own hash recomputed with DuckDB by someone who read how
    from warehouse.audit import canonical_json

    victim = every[-3]
    sql(warehouse, "UPDATE audit SET actor = 'someone-else' WHERE id = ?", victim)
    sql(
        warehouse,
        f"UPDATE audit SET entry_hash = sha256({canonical_json('audit', 'audit.prev_hash')})"
        " WHERE id = ?",
        victim,
    )
    return every[-2]


@pytest.mark.parametrize(
    "tamper",
    [
        _change,
        _change_json,
        _delete,
        _delete_first,
        _insert,
        _insert_with_a_copied_hash,
        _rechain_one,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_plain_sql_tampering_is_found_and_the_first_bad_entry_named(
    trail: Warehouse, tamper: Tamper
) -> None:
    named = tamper(trail, ids(trail))
    code, report = verify_cli()
    assert code == 1 and report["ok"] is False
    assert report["first_bad_entry"] == named, report["problems"]
    result = CliRunner().invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and f"first bad entry {named}" in result.output


def test_entries_written_after_a_verification_keep_the_chain(trail: Warehouse) -> None:
    head = trail.verify_audit().head
    trail.record_state("config-file", "alert_channels", "alerts.yaml", {"default": []})
    again = trail.verify_audit()
    assert again.ok and again.head != head


def test_migration_007_chains_the_rows_written_before_it(tmp_path: Path, catalog: Catalog) -> None:
    from warehouse.migrate import bundled_migrations

    settings = load_settings({**os.environ, "SHIHYO_HOME": str(tmp_path)})
    path = settings.warehouse_path
    with duckdb.connect(str(path)) as con:
        migrate(con, bundled_migrations(), upto=4, now=_now())
    with duckdb.connect(str(path)) as con:  # the old code's appends
        for n in range(40):
            con.execute(
                "INSERT INTO audit (changed_at, actor, action, entity, entity_id, before, after)"
                " VALUES (?, 'yamada', 'change', 'target', ?, NULL, ?)",
                [_now(), f"t{n}", json.dumps({"value": n, "名前": "目標"}, ensure_ascii=False)],
            )
    ready_service(settings)  # applies 007 (and records the catalog, appending to the chain)
    store = open_warehouse(settings)
    result = store.verify_audit()
    assert result.ok, result.problems[:3]
    assert result.entries > 40
    sql(store, "UPDATE audit SET entity_id = 't99' WHERE entity_id = 't7'")
    assert store.verify_audit().problems[0].kind == "changed"


def _now():
    from tests.clock import now

    return now()


# ── who acted: the operating system's user, and a stated sender beside it ────


def test_cli_actor_is_the_os_user_whatever_logname_says(
    home: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_service()
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "kacho-forged")  # getpass.getuser() believed these
    result = CliRunner().invoke(
        app,
        ["users", "add", "yamada", "--role", "viewer", "--password-stdin", "--as", "suzuki"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    entry = open_warehouse(load_settings()).audit_trail(entity="user").iloc[0]
    assert (entry["actor"], entry["os_actor"], entry["stated_by"]) == (ME, ME, "suzuki")
    assert "kacho-forged" not in entry.astype(str).to_json()
    assert open_warehouse(load_settings()).verify_audit().ok


def test_every_entry_records_the_os_user_of_its_process(trail: Warehouse) -> None:
    assert set(trail.audit_trail()["os_actor"]) == {ME}
