"""The catalog's versions: each one the whole catalog as a JSON document, recorded with
when and by whom. The warehouse keeps documents; the domain reads them into its model."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class CatalogVersion:
    """One recorded catalog: its document as the domain wrote it."""

    id: int
    fingerprint: str
    document: dict
    recorded_at: dt.datetime
    actor: str


def latest(con: duckdb.DuckDBPyConnection, until: dt.datetime | None) -> CatalogVersion | None:
    """The newest version recorded before `until` (None: the newest of all)."""
    row = con.execute(
        """
        SELECT id, fingerprint, document, recorded_at, actor FROM catalog_version
        WHERE ? IS NULL OR recorded_at < ?
        ORDER BY id DESC LIMIT 1
        """,
        [until, until],
    ).fetchone()
    if row is None:
        return None
    return CatalogVersion(int(row[0]), row[1], json.loads(row[2]), row[3], row[4])


def first_recorded(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the first version was recorded (a replay before it reads that one)."""
    row = con.execute("SELECT min(recorded_at) FROM catalog_version").fetchone()
    return row[0] if row else None


def record(
    con: duckdb.DuckDBPyConnection,
    document: dict,
    fingerprint: str,
    now: dt.datetime,
    actor: str,
) -> int:
    """Append a version; its id. The caller owns the transaction."""
    return int(
        con.execute(
            "INSERT INTO catalog_version (fingerprint, document, recorded_at, actor)"
            " VALUES (?, ?, ?, ?) RETURNING id",
            [fingerprint, json.dumps(document, ensure_ascii=False), now, actor],
        ).fetchone()[0]
    )
