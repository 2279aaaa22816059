"""The owners' words: commentary per indicator and period (kept as revisions), improvement
actions (改善策) tracked to closure, and the reminders written to the outbox once per key.
Callers own the transaction for the writes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

_KNOWN_AT = """
    recorded_at < ?
    AND (superseded_at IS NULL OR superseded_at >= ?)
"""


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


# ── commentary ───────────────────────────────────────────────────────────────


def set_comment(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    period: dt.date,
    body: str,
    author: str,
    at: dt.datetime,
    load_id: int | None = None,
) -> tuple[str | None, int] | None:
    """Make `body` the commentary in force for (indicator, period): a new revision, the one
    before superseded. None when it is the text in force already (nothing written), else
    (the text before, the new revision)."""
    current = con.execute(
        "SELECT revision, body FROM commentary"
        " WHERE indicator_id = ? AND period = ? AND superseded_at IS NULL",
        [indicator_id, period],
    ).fetchone()
    before = current[1] if current else None
    if (before or "") == body:
        return None
    revision = (int(current[0]) if current else 0) + 1
    con.execute(
        "UPDATE commentary SET superseded_at = ?"
        " WHERE indicator_id = ? AND period = ? AND superseded_at IS NULL",
        [at, indicator_id, period],
    )
    con.execute(
        """
        INSERT INTO commentary (indicator_id, period, revision, body, author, load_id,
                                recorded_at, superseded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
        """,
        [indicator_id, period, revision, body, author, load_id, at],
    )
    return before, revision


def commentary(
    con: duckdb.DuckDBPyConnection, indicator_id: str | None, as_of: dt.date | None
) -> pd.DataFrame:
    """The commentary in force (now, or as known at the end of `as_of`), withdrawn texts left
    out: indicator_id, period, revision, body, author, load_id, recorded_at."""
    where, params = [], []
    if as_of is None:
        where.append("superseded_at IS NULL")
    else:
        where.append(_KNOWN_AT)
        params += [_end_of(as_of), _end_of(as_of)]
    if indicator_id is not None:
        where.append("indicator_id = ?")
        params.append(indicator_id)
    return con.execute(
        f"""
        SELECT indicator_id, period, revision, body, author, load_id, recorded_at
        FROM commentary
        WHERE body <> '' AND {" AND ".join(where)}
        ORDER BY indicator_id, period DESC
        """,  # the WHERE clause is assembled from fixed fragments only
        params,
    ).df()


def commentary_history(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """Every revision of an indicator's commentary, newest first."""
    return con.execute(
        """
        SELECT period, revision, body, author, load_id, recorded_at, superseded_at
        FROM commentary WHERE indicator_id = ? ORDER BY period DESC, revision DESC
        """,
        [indicator_id],
    ).df()


# ── improvement actions ──────────────────────────────────────────────────────

ACTION_COLUMNS = """
    id, indicator_id, section, raised_by_status, cause, action, assignee, due, state,
    created_at, created_by, closed_at, closed_by, outcome
"""


@dataclass(frozen=True)
class NewAction:
    """An improvement action as its owner records it."""

    indicator_id: str
    section: str
    raised_by_status: str | None
    cause: str
    action: str
    assignee: str
    due: dt.date


def add_action(
    con: duckdb.DuckDBPyConnection, new: NewAction, at: dt.datetime, created_by: str
) -> int:
    row = con.execute(
        """
        INSERT INTO improvement_action (indicator_id, section, raised_by_status, cause, action,
                                        assignee, due, state, created_at, created_by)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id
        """,
        [
            new.indicator_id,
            new.section,
            new.raised_by_status,
            new.cause,
            new.action,
            new.assignee,
            new.due,
            at,
            created_by,
        ],
    ).fetchone()
    return int(row[0])


def action(con: duckdb.DuckDBPyConnection, action_id: int) -> dict | None:
    """One action as a plain record, or None."""
    frame = con.execute(
        f"SELECT {ACTION_COLUMNS} FROM improvement_action WHERE id = ?", [action_id]
    ).df()
    if frame.empty:
        return None
    return json.loads(frame.iloc[0].to_json(date_format="iso"))


def close_action(
    con: duckdb.DuckDBPyConnection, action_id: int, at: dt.datetime, by: str, outcome: str
) -> bool:
    """Mark an open action done; False if it was not open."""
    row = con.execute(
        "UPDATE improvement_action SET state = 'done', closed_at = ?, closed_by = ?, outcome = ?"
        " WHERE id = ? AND state = 'open' RETURNING id",
        [at, by, outcome, action_id],
    ).fetchone()
    return row is not None


def actions(
    con: duckdb.DuckDBPyConnection, indicator_id: str | None, as_of: dt.date | None
) -> pd.DataFrame:
    """The actions recorded (by the end of `as_of`; None: now), newest first, each in the
    state it had then."""
    where, params = ["TRUE"], []
    state = "state"
    if as_of is not None:
        end = _end_of(as_of)
        where.append("created_at < ?")
        params.append(end)
        state = "CASE WHEN closed_at IS NOT NULL AND closed_at < ? THEN 'done' ELSE 'open' END"
        params.insert(0, end)
    if indicator_id is not None:
        where.append("indicator_id = ?")
        params.append(indicator_id)
    return con.execute(
        f"""
        SELECT id, indicator_id, section, raised_by_status, cause, action, assignee, due,
               {state} AS state, created_at, created_by, closed_at, closed_by, outcome
        FROM improvement_action
        WHERE {" AND ".join(where)}
        ORDER BY id DESC
        """,  # assembled from fixed fragments only
        params,
    ).df()


# ── reminders ────────────────────────────────────────────────────────────────


def reminded(con: duckdb.DuckDBPyConnection, keys: Sequence[str]) -> set[str]:
    """Those of `keys` already told."""
    if not keys:
        return set()
    rows = con.execute(
        "SELECT key FROM reminder WHERE list_contains(?, key)", [list(keys)]
    ).fetchall()
    return {key for (key,) in rows}


def add_reminder(
    con: duckdb.DuckDBPyConnection,
    key: str,
    kind: str,
    recipient: str,
    due: dt.date,
    at: dt.datetime,
    details: dict,
) -> None:
    con.execute(
        "INSERT INTO reminder (key, kind, recipient, due, written_at, details)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [key, kind, recipient, due, at, json.dumps(details, ensure_ascii=False, default=str)],
    )


def reminders(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every reminder written, newest first."""
    return con.execute(
        "SELECT key, kind, recipient, due, written_at, details FROM reminder"
        " ORDER BY written_at DESC, key"
    ).df()
