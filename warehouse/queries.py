"""Read-only questions about figures and loads; every value is a bound parameter."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

_KNOWN_AT = """
    recorded_at < ?
    AND (superseded_at IS NULL OR superseded_at >= ?)
"""


def figures(
    con: duckdb.DuckDBPyConnection, indicator_id: str | None, as_of: dt.date | None
) -> pd.DataFrame:
    """indicator_id, period, org_unit, value, revision, recorded_at, load_id, note."""
    where, params = [], []
    if as_of is None:
        where.append("superseded_at IS NULL")
    else:
        end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
        where.append(_KNOWN_AT)
        params += [end_of_day, end_of_day]
    if indicator_id is not None:
        where.append("indicator_id = ?")
        params.append(indicator_id)
    return con.execute(
        f"""
        SELECT indicator_id, period, org_unit, value, revision, recorded_at, load_id, note
        FROM observation
        WHERE {" AND ".join(where)}
        ORDER BY indicator_id, org_unit, period
        """,  # the WHERE clause is assembled from fixed fragments only
        params,
    ).df()


def revisions(con: duckdb.DuckDBPyConnection, indicator_id: str) -> pd.DataFrame:
    """period, org_unit, revision, value, note, recorded_at, superseded_at, file, sender."""
    return con.execute(
        """
        SELECT o.period, o.org_unit, o.revision, o.value, o.note, o.recorded_at,
               o.superseded_at, o.load_id, l.file_name, l.uploaded_by, l.section
        FROM observation o LEFT JOIN load l ON l.id = o.load_id
        WHERE o.indicator_id = ?
        ORDER BY o.period, o.org_unit, o.revision
        """,
        [indicator_id],
    ).df()


def loads(con: duckdb.DuckDBPyConnection, limit: int | None) -> pd.DataFrame:
    """The load records, newest first."""
    return con.execute(
        """
        SELECT id, file_name, sha256, uploaded_by, section, received_at, status,
               rows_total, rows_accepted, rows_rejected, rows_unchanged, validation, message
        FROM load ORDER BY id DESC LIMIT ?
        """,
        [limit if limit is not None else 2**62],
    ).df()


def quarantine(con: duckdb.DuckDBPyConnection, load_id: int | None) -> pd.DataFrame:
    """load_id, file_name, row_number, column_name, value, rule, reason, reason_en."""
    return con.execute(
        """
        SELECT q.load_id, l.file_name, q.row_number, q.column_name, q.value, q.rule,
               q.reason, q.reason_en
        FROM quarantine q JOIN load l ON l.id = q.load_id
        WHERE ? IS NULL OR q.load_id = ?
        ORDER BY q.load_id DESC, q.row_number NULLS FIRST
        """,
        [load_id, load_id],
    ).df()


def indicator_totals(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> pd.DataFrame:
    """indicator_id, period, value: each indicator's figure per period — its total row
    (no org unit) where one was sent, else the sum of its org-unit rows. Aggregated here
    so that millions of org-unit figures never travel to Python."""
    if as_of is None:
        known, params = "superseded_at IS NULL", []
    else:
        end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
        known, params = _KNOWN_AT, [end_of_day, end_of_day]
    return con.execute(
        f"""
        SELECT indicator_id, period,
               coalesce(max(value) FILTER (WHERE org_unit = ''),
                        sum(value) FILTER (WHERE org_unit <> '')) AS value
        FROM observation
        WHERE {known}
        GROUP BY indicator_id, period
        ORDER BY indicator_id, period
        """,  # `known` is one of two fixed fragments
        params,
    ).df()


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a load, an alert, a message, the catalog, the owners' words or the
    report's edits change: a cache key."""
    return con.execute(
        """
        SELECT (SELECT max(id) FROM load), (SELECT count(*) FROM observation),
               (SELECT max(id) FROM alert),
               (SELECT max(coalesce(resolved_at, last_seen_at)) FROM alert),
               (SELECT max(id) FROM outbox),
               (SELECT count(*) FROM outbox WHERE state = 'sent'),
               (SELECT max(next_attempt_at) FROM outbox),
               (SELECT max(id) FROM catalog_version),
               (SELECT max(id) FROM commentary), (SELECT max(id) FROM improvement_action),
               (SELECT max(closed_at) FROM improvement_action),
               (SELECT max(id) FROM report_edit)
        """
    ).fetchone()


def validation_keys(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """load_id, kind ("refused": a rejected row's figure; "written": a figure the load
    wrote), indicator_id, period: what each load meant to bring and what it brought."""
    return con.execute(
        """
        SELECT DISTINCT load_id, 'refused' AS kind, indicator_id, period FROM quarantine
        WHERE indicator_id IS NOT NULL AND period IS NOT NULL
        UNION ALL
        SELECT DISTINCT load_id, 'written' AS kind, indicator_id, period FROM observation
        WHERE load_id IS NOT NULL
        """
    ).df()
