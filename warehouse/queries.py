"""Read-only questions about figures and loads; every value is a bound parameter."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd


def _known(as_of: dt.date | None, prefix: str = "") -> tuple[str, list]:
    """The figures in force today (`as_of` None) or as known at the end of `as_of`."""
    if as_of is None:
        return f"{prefix}superseded_at IS NULL", []
    end_of_day = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    return (
        f"{prefix}recorded_at < ? AND ({prefix}superseded_at IS NULL"
        f" OR {prefix}superseded_at >= ?)",
        [end_of_day, end_of_day],
    )


def figures(
    con: duckdb.DuckDBPyConnection, indicator_id: str | None, as_of: dt.date | None
) -> pd.DataFrame:
    """indicator_id, period, org_unit, value, revision, recorded_at, load_id, note."""
    known, params = _known(as_of)
    where = [known]
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


def figures_page(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    as_of: dt.date | None,
    limit: int | None,
    offset: int,
) -> tuple[pd.DataFrame, int]:
    """One page of an indicator's figures in force, newest period first (period, org_unit,
    value, revision, note, recorded_at, file_name, uploaded_by, section), and how many
    there are in all: a page of millions reaches Python, never the millions."""
    known, params = _known(as_of, "o.")
    total = con.execute(
        f"SELECT count(*) FROM observation o WHERE o.indicator_id = ? AND {known}",
        [indicator_id, *params],
    ).fetchone()
    page = con.execute(
        f"""
        SELECT o.period, o.org_unit, o.value, o.revision, o.note, o.recorded_at,
               l.file_name, l.uploaded_by, l.section
        FROM observation o LEFT JOIN load l ON l.id = o.load_id
        WHERE o.indicator_id = ? AND {known}
        ORDER BY o.period DESC, o.org_unit
        LIMIT ? OFFSET ?
        """,  # `known` is one of two fixed fragments
        [indicator_id, *params, limit if limit is not None else 2**62, offset],
    ).df()
    return page, int(total[0]) if total else 0


def revisions_page(
    con: duckdb.DuckDBPyConnection, indicator_id: str, limit: int | None, offset: int
) -> tuple[pd.DataFrame, int]:
    """One page of every revision of an indicator's figures, newest period first (period,
    org_unit, revision, value, note, recorded_at, superseded_at, file_name, uploaded_by,
    section), and how many there are in all."""
    total = con.execute(
        "SELECT count(*) FROM observation WHERE indicator_id = ?", [indicator_id]
    ).fetchone()
    page = con.execute(
        """
        SELECT o.period, o.org_unit, o.revision, o.value, o.note, o.recorded_at,
               o.superseded_at, l.file_name, l.uploaded_by, l.section
        FROM observation o LEFT JOIN load l ON l.id = o.load_id
        WHERE o.indicator_id = ?
        ORDER BY o.period DESC, o.org_unit, o.revision
        LIMIT ? OFFSET ?
        """,
        [indicator_id, limit if limit is not None else 2**62, offset],
    ).df()
    return page, int(total[0]) if total else 0


def org_unit_figures(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    as_of: dt.date | None,
    units: int,
    periods: int,
) -> tuple[pd.DataFrame, int]:
    """The org units' figures of an indicator for its last `periods` periods with org-unit
    rows, for the `units` largest in the latest of them (period, org_unit, value), and how
    many org units that latest period has: a chart of the largest, not of thousands."""
    known, params = _known(as_of)
    rows = con.execute(
        f"""
        WITH units AS (
            SELECT period, org_unit, value FROM observation
            WHERE indicator_id = ? AND org_unit <> '' AND {known}
        ),
        recent AS (
            SELECT DISTINCT period FROM units ORDER BY period DESC LIMIT ?
        ),
        latest AS (SELECT max(period) AS period FROM units),
        largest AS (
            SELECT org_unit FROM units WHERE period = (SELECT period FROM latest)
            ORDER BY value DESC, org_unit LIMIT ?
        )
        SELECT u.period, u.org_unit, u.value,
               (SELECT count(*) FROM units WHERE period = (SELECT period FROM latest)) AS n
        FROM units u
        WHERE u.period IN (SELECT period FROM recent)
          AND u.org_unit IN (SELECT org_unit FROM largest)
        ORDER BY u.period, u.value DESC, u.org_unit
        """,  # `known` is one of two fixed fragments
        [indicator_id, *params, periods, units],
    ).df()
    count = int(rows["n"].iloc[0]) if not rows.empty else 0
    return rows.drop(columns="n"), count


def period_notes(
    con: duckdb.DuckDBPyConnection,
    indicator_id: str,
    period: dt.date,
    as_of: dt.date | None,
    limit: int,
) -> list[str]:
    """The distinct notes sent with an indicator's figures of one period, in the order of
    their org units, at most `limit`: asked of the warehouse, not of every figure."""
    known, params = _known(as_of)
    rows = con.execute(
        f"""
        SELECT note FROM (
            SELECT trim(note) AS note, min(org_unit) AS first_unit FROM observation
            WHERE indicator_id = ? AND period = ? AND {known}
              AND note IS NOT NULL AND trim(note) <> ''
            GROUP BY trim(note)
        ) ORDER BY first_unit, note LIMIT ?
        """,  # `known` is one of two fixed fragments
        [indicator_id, period, *params, limit],
    ).fetchall()
    return [str(row[0]) for row in rows]


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
    known, params = _known(as_of)
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
    """Changes whenever a load, an alert, a message, the catalog, the owners' words, the
    report's edits or the plan's statuses change: a cache key."""
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
               (SELECT max(id) FROM report_edit),
               (SELECT max(id) FROM initiative_status)
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
