"""The plan's statuses of initiatives decided after the review report: one row per decision,
never updated (a new decision is a new row). Callers own the transaction for the writes."""

from __future__ import annotations

import datetime as dt

import duckdb

_COLUMNS = "id, initiative_id, status, decided_on, reason, recorded_by, recorded_at"
_NAMES = [name.strip() for name in _COLUMNS.split(",")]


def add(
    con: duckdb.DuckDBPyConnection,
    initiative_id: str,
    status: str,
    decided_on: dt.date,
    reason: str | None,
    recorded_by: str,
    at: dt.datetime,
) -> int:
    """A new decision; its id."""
    row = con.execute(
        "INSERT INTO initiative_status (initiative_id, status, decided_on, reason, recorded_by,"
        " recorded_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        [initiative_id, status, decided_on, reason, recorded_by, at],
    ).fetchone()
    assert row is not None
    return int(row[0])


def get(con: duckdb.DuckDBPyConnection, decision_id: int) -> dict | None:
    """One decision as a mapping of its columns, or None."""
    row = con.execute(
        f"SELECT {_COLUMNS} FROM initiative_status WHERE id = ?",  # fixed column names
        [decision_id],
    ).fetchone()
    return None if row is None else dict(zip(_NAMES, row, strict=True))


def every(con: duckdb.DuckDBPyConnection, initiative_id: str | None = None) -> list[dict]:
    """Every decision (of one initiative; None: all), in the order they take effect: by the
    day decided, then as recorded."""
    where, params = ("WHERE initiative_id = ?", [initiative_id]) if initiative_id else ("", [])
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM initiative_status {where}"  # fixed fragments only
        " ORDER BY decided_on, recorded_at, id",
        params,
    ).fetchall()
    return [dict(zip(_NAMES, row, strict=True)) for row in rows]
