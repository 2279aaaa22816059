"""The alert table (one row per opening of a condition) and the outbox. Callers own
the transaction for the writes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import duckdb
import pandas as pd
import pyarrow as pa


class ConditionLike(Protocol):
    key: str
    rule: str
    recipient: str
    summary: str
    summary_en: str
    indicator_id: str | None
    target_id: str | None
    initiative_id: str | None
    load_id: int | None
    details: dict


@dataclass(frozen=True)
class Outgoing:
    """A message for one channel of one recipient, before it has an id."""

    recipient: str
    channel: str  # masked: safe to show
    channel_hash: str
    subject: str
    body: str
    alert_ids: list[int]
    state: str = "pending"  # or no_channel when the recipient has none


def sync_alerts(
    con: duckdb.DuckDBPyConnection,
    conditions: Sequence[ConditionLike],
    now: dt.datetime,
    rules: Iterable[str],
) -> tuple[list[int], list[int]]:
    """Open an alert for each new condition, touch the ones still holding, resolve the
    open ones (of `rules`) whose condition is gone; return (opened ids, resolved ids)."""
    rules = list(rules)
    open_rows = con.execute(
        "SELECT id, key FROM alert WHERE state = 'open' AND list_contains(?, rule)", [rules]
    ).fetchall()
    open_by_key = {key: alert_id for alert_id, key in open_rows}
    holding = {c.key: c for c in conditions}
    opened = _open_alerts(con, [c for key, c in holding.items() if key not in open_by_key], now)
    still = [open_by_key[key] for key in holding if key in open_by_key]
    if still:
        con.execute("UPDATE alert SET last_seen_at = ? WHERE list_contains(?, id)", [now, still])
    gone = [alert_id for key, alert_id in open_by_key.items() if key not in holding]
    if gone:
        con.execute(
            "UPDATE alert SET state = 'resolved', resolved_at = ? WHERE list_contains(?, id)",
            [now, gone],
        )
    return opened, gone


def _open_alerts(
    con: duckdb.DuckDBPyConnection, new: Sequence[ConditionLike], now: dt.datetime
) -> list[int]:
    """Insert an open alert for each of `new` in one statement; return their ids, in the
    order of `new` (numbered in that order, as one insert after another would)."""
    if not new:
        return []
    ids = sorted(
        row[0]
        for row in con.execute("SELECT nextval('alert_id') FROM range(?)", [len(new)]).fetchall()
    )
    rows = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "key": pa.array([c.key for c in new], pa.string()),
            "rule": pa.array([c.rule for c in new], pa.string()),
            "recipient": pa.array([c.recipient for c in new], pa.string()),
            "indicator_id": pa.array([c.indicator_id for c in new], pa.string()),
            "target_id": pa.array([c.target_id for c in new], pa.string()),
            "initiative_id": pa.array([c.initiative_id for c in new], pa.string()),
            "load_id": pa.array([c.load_id for c in new], pa.int64()),
            "summary": pa.array([c.summary for c in new], pa.string()),
            "summary_en": pa.array([c.summary_en for c in new], pa.string()),
            "details": pa.array(
                [json.dumps(c.details, ensure_ascii=False, default=str) for c in new],
                pa.string(),
            ),
        }
    )
    con.register("new_alerts", rows)
    try:
        con.execute(
            """
            INSERT INTO alert (id, key, rule, recipient, indicator_id, target_id, initiative_id,
                               load_id, state, opened_at, last_seen_at, summary, summary_en,
                               details)
            SELECT id, key, rule, recipient, indicator_id, target_id, initiative_id, load_id,
                   'open', ?, ?, summary, summary_en, details
            FROM new_alerts
            """,
            [now, now],
        )
    finally:
        con.unregister("new_alerts")
    return [int(alert_id) for alert_id in ids]


def to_notify(
    con: duckdb.DuckDBPyConnection, now: dt.datetime, renotify_after: dt.timedelta | None
) -> pd.DataFrame:
    """Alerts whose opening or resolution has not been told yet (and, with a re-notify
    interval, open alerts told longer ago than that)."""
    cutoff = now - renotify_after if renotify_after else None
    return con.execute(
        """
        SELECT id, key, rule, recipient, indicator_id, summary, summary_en,
               state = 'resolved' AS resolved
        FROM alert
        WHERE (state = 'open' AND (notified_at IS NULL OR notified_at < ?))
           OR (state = 'resolved' AND notified_at IS NOT NULL
               AND resolution_notified_at IS NULL)
        ORDER BY recipient, rule, id
        """,
        [cutoff],
    ).df()


def last_told(con: duckdb.DuckDBPyConnection, rule: str, recipient: str) -> dt.datetime | None:
    """When an alert of `rule` was last told to `recipient`."""
    row = con.execute(
        "SELECT max(notified_at) FROM alert WHERE rule = ? AND recipient = ?", [rule, recipient]
    ).fetchone()
    return row[0] if row else None


def mark_told(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[int], now: dt.datetime) -> None:
    """Record that these alerts' openings or resolutions are in the outbox."""
    if not alert_ids:
        return
    ids = list(alert_ids)
    con.execute(
        "UPDATE alert SET notified_at = ? WHERE list_contains(?, id) AND state = 'open'",
        [now, ids],
    )
    con.execute(
        "UPDATE alert SET resolution_notified_at = ?"
        " WHERE list_contains(?, id) AND state = 'resolved'",
        [now, ids],
    )


def resolve_untold(con: duckdb.DuckDBPyConnection) -> None:
    """An alert that opened and cleared before anyone was told needs no resolution notice."""
    con.execute(
        "UPDATE alert SET resolution_notified_at = resolved_at"
        " WHERE state = 'resolved' AND notified_at IS NULL AND resolution_notified_at IS NULL"
    )


def add_message(
    con: duckdb.DuckDBPyConnection,
    now: dt.datetime,
    recipient: str,
    channel: str,
    channel_hash: str,
    subject: str,
    body: str,
    alert_ids: Sequence[int],
    state: str = "pending",
) -> int:
    row = con.execute(
        """
        INSERT INTO outbox (created_at, recipient, channel, channel_hash, subject, body,
                            alert_ids, state, next_attempt_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """,
        [
            now,
            recipient,
            channel,
            channel_hash,
            subject,
            body,
            json.dumps(list(alert_ids)),
            state,
            now,
        ],
    ).fetchone()
    return int(row[0])


def unchannelled(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Messages kept because their recipient had no channel when they were written."""
    return con.execute(
        "SELECT id, recipient, subject, body, alert_ids FROM outbox WHERE state = 'no_channel'"
        " ORDER BY id"
    ).df()


def mark_rerouted(con: duckdb.DuckDBPyConnection, message_id: int) -> None:
    con.execute("UPDATE outbox SET state = 'rerouted' WHERE id = ?", [message_id])


def due_messages(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> pd.DataFrame:
    """Pending messages whose next attempt is due."""
    return con.execute(
        """
        SELECT id, recipient, channel, channel_hash, subject, body, attempts
        FROM outbox WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id
        """,
        [now],
    ).df()


def mark_sent(con: duckdb.DuckDBPyConnection, message_id: int, now: dt.datetime) -> None:
    con.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1,"
        " last_error = NULL WHERE id = ?",
        [now, message_id],
    )


def mark_failed(
    con: duckdb.DuckDBPyConnection, message_id: int, error: str, next_attempt: dt.datetime
) -> None:
    con.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
        " WHERE id = ?",
        [error, next_attempt, message_id],
    )


def retry_now(con: duckdb.DuckDBPyConnection, message_id: int, now: dt.datetime) -> bool:
    """Make an unsent message due at once; False if it was already sent."""
    row = con.execute(
        "UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND state = 'pending' RETURNING id",
        [now, message_id],
    ).fetchone()
    return row is not None


def alerts(con: duckdb.DuckDBPyConnection, state: str | None) -> pd.DataFrame:
    """Alerts, newest first, optionally only open or resolved ones."""
    return con.execute(
        """
        SELECT id, key, rule, state, recipient, indicator_id, target_id, initiative_id, load_id,
               summary, summary_en, opened_at, notified_at, resolved_at,
               resolution_notified_at
        FROM alert WHERE ? IS NULL OR state = ? ORDER BY id DESC
        """,
        [state, state],
    ).df()


def outbox(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Messages with their delivery state, newest first."""
    return con.execute(
        """
        SELECT id, created_at, recipient, channel, subject, state, attempts, last_error,
               next_attempt_at, sent_at, alert_ids, body
        FROM outbox ORDER BY id DESC
        """
    ).df()
