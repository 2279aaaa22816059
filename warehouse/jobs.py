"""Jobs handed to Prefect flows: written by the service, read back by the flow by id."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Job:
    """What a flow run is to do, and for whom, as the service wrote it."""

    id: int
    kind: str
    created_at: dt.datetime
    actor: dict
    options: dict
    started_at: dt.datetime | None


def add(
    con: duckdb.DuckDBPyConnection, kind: str, actor: dict, options: dict, now: dt.datetime
) -> int:
    return int(
        con.execute(
            "INSERT INTO job (kind, created_at, actor, options) VALUES (?, ?, ?, ?) RETURNING id",
            [kind, now, json.dumps(actor), json.dumps(options, ensure_ascii=False)],
        ).fetchone()[0]
    )


def start(con: duckdb.DuckDBPyConnection, job_id: int, kind: str, now: dt.datetime) -> Job | None:
    """The job, marked started; None when there is no such job of that kind or it already ran
    (a job is done once: a replayed flow run cannot repeat it)."""
    row = con.execute(
        "UPDATE job SET started_at = ? WHERE id = ? AND kind = ? AND started_at IS NULL"
        " RETURNING id, kind, created_at, actor, options, started_at",
        [now, job_id, kind],
    ).fetchone()
    if row is None:
        return None
    return Job(int(row[0]), row[1], row[2], json.loads(row[3]), json.loads(row[4]), row[5])
