"""The append-only audit trail: rows are added and read, never changed."""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd


def append(
    con: duckdb.DuckDBPyConnection,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: object,
    after: object,
) -> None:
    con.execute(
        "INSERT INTO audit (changed_at, actor, action, entity, entity_id, before, after)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            at,
            actor,
            action,
            entity,
            entity_id,
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        ],
    )


def trail(
    con: duckdb.DuckDBPyConnection, entity: str | None, actor: str | None, since: dt.datetime | None
) -> pd.DataFrame:
    """Audit rows, newest first, filtered by entity kind, actor and time."""
    return con.execute(
        """
        SELECT id, changed_at, actor, action, entity, entity_id, before, after FROM audit
        WHERE (? IS NULL OR entity = ?) AND (? IS NULL OR actor = ?)
          AND (? IS NULL OR changed_at >= ?)
        ORDER BY id DESC
        """,
        [entity, entity, actor, actor, since, since],
    ).df()


def last_after(con: duckdb.DuckDBPyConnection, entity: str, entity_id: str) -> object | None:
    """The state last recorded for an entity, or None."""
    row = con.execute(
        "SELECT after FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 1",
        [entity, entity_id],
    ).fetchone()
    return None if row is None or row[0] is None else json.loads(row[0])
