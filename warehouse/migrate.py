"""Ordered, versioned schema migrations: `NNN_name.sql` files applied once each,
in order, each in its own transaction, with the version recorded in the file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in warehouse/migrations, in version order."""
    folder = resources.files("warehouse") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number; found {versions}")
    # A number may be left free for a migration written on another branch (one that arrives
    # later is applied then: `migrate` applies every migration not yet recorded).
    return found


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the file (0 for a new file)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migration'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchone()
    return int(row[0]) if row else 0


def migrate(
    con: duckdb.DuckDBPyConnection,
    migrations: list[Migration] | None = None,
    upto: int | None = None,
    *,
    now: dt.datetime,
) -> list[Migration]:
    """Apply the migrations newer than the file's version (up to `upto`), recording each as
    applied at `now`; return those applied."""
    migrations = bundled_migrations() if migrations is None else migrations
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    have = {int(v) for (v,) in con.execute("SELECT version FROM schema_migration").fetchall()}
    applied = []
    for migration in migrations:
        if migration.version in have or (upto is not None and migration.version > upto):
            continue
        con.begin()
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO schema_migration VALUES (?, ?, ?)",
                [migration.version, migration.name, now],
            )
        except BaseException:
            con.rollback()
            raise
        con.commit()
        applied.append(migration)
    return applied


def latest_version() -> int:
    return bundled_migrations()[-1].version
