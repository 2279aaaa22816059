"""Loads: one ingested file's figures written in one transaction, with revisions,
its quarantined rows and its load record; and the questions ingestion asks first."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

OBSERVATION_COLUMNS = ["row_number", "indicator_id", "period", "org_unit", "value", "note"]
QUARANTINE_COLUMNS = ["row_number", "column_name", "value", "rule", "reason", "reason_en"]


@dataclass(frozen=True)
class LoadRecord:
    """What is known about a file before it is written."""

    file_name: str
    sha256: str
    received_at: dt.datetime
    uploaded_by: str | None = None
    section: str | None = None
    validation: dict = field(default_factory=dict)
    message: str | None = None


@dataclass(frozen=True)
class FileRows:
    """What became of a file's data rows, as the caller counted them: total == accepted +
    rejected (a figure of a list may stand for several rows of it)."""

    total: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class LoadCounts:
    """What a load changed."""

    load_id: int
    status: str  # loaded | partial | rejected
    rows_total: int
    rows_accepted: int
    rows_rejected: int
    rows_new: int
    rows_revised: int
    rows_unchanged: int


def loaded_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The id of an earlier load of the same bytes that wrote figures, if any."""
    row = con.execute(
        "SELECT id FROM load WHERE sha256 = ? AND status IN ('loaded', 'partial')"
        " ORDER BY id LIMIT 1",
        [sha256],
    ).fetchone()
    return int(row[0]) if row else None


def load_of(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str] | None:
    """The newest load of these bytes, whatever became of it: (id, status)."""
    row = con.execute(
        "SELECT id, status FROM load WHERE sha256 = ? ORDER BY id DESC LIMIT 1", [sha256]
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def previous_figures(con: duckdb.DuckDBPyConnection, keys: pd.DataFrame) -> pd.DataFrame:
    """For each (row_number, indicator_id, org_unit, period), the figure in force for the
    latest earlier period of the same indicator and org unit: prev_period, prev_value."""
    if keys.empty:
        return pd.DataFrame(columns=["row_number", "prev_period", "prev_value"])
    frame = keys[["row_number", "indicator_id", "org_unit", "period"]].dropna(subset=["period"])
    con.register("incoming_keys", frame)
    try:
        return con.execute(
            """
            SELECT k.row_number, o.period AS prev_period, o.value AS prev_value
            FROM (
                SELECT row_number, indicator_id, org_unit, CAST(period AS DATE) AS period
                FROM incoming_keys
            ) k
            ASOF LEFT JOIN observation_current o
              ON k.indicator_id = o.indicator_id
             AND k.org_unit = o.org_unit
             AND k.period > o.period
            """
        ).df()
    finally:
        con.unregister("incoming_keys")


def _status(accepted: int, rejected: int) -> str:
    if not accepted:
        return "rejected"
    return "partial" if rejected else "loaded"


def write_load(
    con: duckdb.DuckDBPyConnection,
    record: LoadRecord,
    accepted: pd.DataFrame,
    quarantined: pd.DataFrame,
    rows: FileRows,
) -> LoadCounts:
    """Write the load record, its figures (new revisions where a figure changed, nothing
    where it is the same) and its quarantined rows. The caller owns the transaction."""
    status = _status(rows.accepted if not accepted.empty else 0, rows.rejected)
    load_id = con.execute(
        """
        INSERT INTO load (file_name, sha256, uploaded_by, section, received_at, status,
                          rows_total, rows_accepted, rows_rejected, validation, message)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """,
        [
            record.file_name,
            record.sha256,
            record.uploaded_by,
            record.section,
            record.received_at,
            status,
            rows.total,
            rows.accepted if not accepted.empty else 0,
            rows.rejected,
            json.dumps(record.validation, ensure_ascii=False, default=str),
            record.message,
        ],
    ).fetchone()[0]

    new = revised = unchanged = 0
    if not accepted.empty:
        new, revised, unchanged = _write_observations(
            con, load_id, accepted[OBSERVATION_COLUMNS], record.received_at
        )
        con.execute("UPDATE load SET rows_unchanged = ? WHERE id = ?", [unchanged, load_id])
    if not quarantined.empty:
        con.register("quarantined_rows", quarantined[QUARANTINE_COLUMNS])
        con.execute(
            "INSERT INTO quarantine SELECT ?, row_number, column_name, value, rule,"
            " reason, reason_en FROM quarantined_rows",
            [load_id],
        )
        con.unregister("quarantined_rows")
    return LoadCounts(
        load_id,
        status,
        rows.total,
        rows.accepted if not accepted.empty else 0,
        rows.rejected,
        new,
        revised,
        unchanged,
    )


def _write_observations(
    con: duckdb.DuckDBPyConnection, load_id: int, accepted: pd.DataFrame, at: dt.datetime
) -> tuple[int, int, int]:
    """Insert figures set-wise; return (new, revised, unchanged) counts."""
    con.register("accepted_rows", _columnar(accepted))
    try:
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE classified AS
            SELECT a.indicator_id, CAST(a.period AS DATE) AS period, a.org_unit,
                   CAST(a.value AS DOUBLE) AS value, a.note,
                   c.revision AS current_revision,
                   CASE WHEN c.revision IS NULL THEN 'new'
                        WHEN c.value = CAST(a.value AS DOUBLE)
                             AND c.note IS NOT DISTINCT FROM a.note THEN 'unchanged'
                        ELSE 'revised' END AS change
            FROM accepted_rows a
            LEFT JOIN observation_current c
              ON c.indicator_id = a.indicator_id
             AND c.period = CAST(a.period AS DATE)
             AND c.org_unit = a.org_unit
            """
        )
        con.execute(
            """
            UPDATE observation SET superseded_at = ?
            FROM classified k
            WHERE k.change = 'revised'
              AND observation.indicator_id = k.indicator_id
              AND observation.period = k.period
              AND observation.org_unit = k.org_unit
              AND observation.superseded_at IS NULL
            """,
            [at],
        )
        con.execute(
            """
            INSERT INTO observation
            SELECT indicator_id, period, org_unit, coalesce(current_revision, 0) + 1,
                   value, note, ?, ?, NULL
            FROM classified WHERE change <> 'unchanged'
            """,
            [load_id, at],
        )
        counts = dict(
            con.execute("SELECT change, count(*) FROM classified GROUP BY change").fetchall()
        )
        con.execute("DROP TABLE classified")
    finally:
        con.unregister("accepted_rows")
    return counts.get("new", 0), counts.get("revised", 0), counts.get("unchanged", 0)


def _columnar(frame: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """The frame as an Arrow table, which DuckDB scans in parallel without calling back into
    Python per cell (a million Python dates and floats otherwise); the frame itself when a
    column does not convert cleanly (mixed types), DuckDB then reading it as before."""
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame
