"""The append-only audit trail, made tamper-evident: every entry carries the hash of the one
before it (prev_hash) and its own (entry_hash), the SHA-256 of the row's canonical JSON
with prev_hash in it. A row changed, deleted or inserted with plain SQL breaks the chain
where it happened, and `verify` names the first broken entry.

The canonical JSON is DuckDB's `to_json` of the row as a struct in a fixed key order
(CANONICAL below; migration 007 chains the older rows with the same expression), so the
hash is computed and checked in one place, the database, the same way every time. What a
chain cannot show by itself is a rewrite of the whole tail by someone who recomputes every
hash after their change: keep the head (`head`, printed by `shihyo audit verify`) somewhere
else from time to time, and compare."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from kernel.identity import os_user


def canonical_json(row: str, prev_hash: str) -> str:
    """The SQL expression of a row's canonical JSON, from the table alias `row`."""
    return f"""to_json({{
        id: {row}.id,
        changed_at: strftime({row}.changed_at, '%Y-%m-%dT%H:%M:%S.%f'),
        actor: {row}.actor,
        os_actor: {row}.os_actor,
        stated_by: {row}.stated_by,
        action: {row}.action,
        entity: {row}.entity,
        entity_id: {row}.entity_id,
        before: {row}.before,
        after: {row}.after,
        prev_hash: {prev_hash}
    }})::VARCHAR"""


CANONICAL = canonical_json("a", "a.prev_hash")


def append(
    con: duckdb.DuckDBPyConnection,
    at: dt.datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | None,
    before: object,
    after: object,
    stated_by: str | None = None,
) -> int:
    """Add one entry at the end of the chain; its id. The caller serialises appends within
    the process (Warehouse holds a lock); DuckDB lets one process write at a time."""
    entry_id = con.execute("SELECT nextval('audit_id')").fetchone()[0]  # type: ignore[index]
    head = con.execute("SELECT entry_hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    con.execute(
        "INSERT INTO audit (id, changed_at, actor, os_actor, stated_by, action, entity,"
        " entity_id, before, after, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            entry_id,
            at,
            actor,
            os_user(),
            stated_by,
            action,
            entity,
            entity_id,
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
            None if head is None else head[0],
        ],
    )
    con.execute(
        f"UPDATE audit SET entry_hash = sha256({canonical_json('audit', 'audit.prev_hash')})"
        " WHERE id = ?",
        [entry_id],
    )
    return int(entry_id)


def trail(
    con: duckdb.DuckDBPyConnection, entity: str | None, actor: str | None, since: dt.datetime | None
) -> pd.DataFrame:
    """Audit rows, newest first, filtered by entity kind, actor and time."""
    return con.execute(
        """
        SELECT id, changed_at, actor, action, entity, entity_id, before, after,
               os_actor, stated_by
        FROM audit
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


@dataclass(frozen=True)
class Problem:
    """One place where the chain does not hold."""

    entry_id: int
    kind: str  # changed | unsealed | broken_link
    detail: str


@dataclass(frozen=True)
class Verification:
    """What `verify` found: the entries checked, the chain's head, and every problem in id
    order (the first is the first bad entry)."""

    entries: int
    head: str | None
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(con: duckdb.DuckDBPyConnection) -> Verification:
    """Check every entry: its hash against its content (a changed row), its link against
    the entry before it (a row deleted or inserted before it), its presence (a row added
    without a hash)."""
    rows = con.execute(
        f"SELECT a.id, a.entry_hash, a.prev_hash, sha256({CANONICAL}) FROM audit a ORDER BY a.id"
    ).fetchall()
    problems: list[Problem] = []
    previous: str | None = None  # the first entry follows none
    for entry_id, entry_hash, prev_hash, recomputed in rows:
        if entry_hash is None:
            problems.append(Problem(entry_id, "unsealed", "no hash: added outside shihyo"))
        elif entry_hash != recomputed:
            problems.append(Problem(entry_id, "changed", "its content no longer matches its hash"))
        if prev_hash != previous:
            problems.append(
                Problem(
                    entry_id,
                    "broken_link",
                    "does not follow the entry before it: an entry was deleted or inserted "
                    "before it, or the one before it was rewritten",
                )
            )
        previous = entry_hash
    return Verification(len(rows), previous, problems)
