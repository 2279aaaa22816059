"""Questions `shihyo check` asks to compare the warehouse with the kept files: each load
with what it wrote, the figures of a kept file that cannot be found, figures of no load."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd


def loads_written(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every load, oldest first: id, file_name, sha256, status, received_at, rows_accepted,
    rows_rejected, rows_unchanged, source_kind (from its validation), figures_written (its
    revisions in `observation`) and quarantined (its rows in `quarantine`)."""
    return con.execute(
        """
        SELECT l.id, l.file_name, l.sha256, l.status, l.received_at, l.rows_accepted,
               l.rows_rejected, l.rows_unchanged,
               json_extract_string(l.validation, '$.source_kind') AS source_kind,
               (SELECT count(*) FROM observation o WHERE o.load_id = l.id) AS figures_written,
               (SELECT count(*) FROM quarantine q WHERE q.load_id = l.id) AS quarantined
        FROM load l
        ORDER BY l.id
        """
    ).df()


def figures_not_found(
    con: duckdb.DuckDBPyConnection, received_at: dt.datetime, rows: pd.DataFrame
) -> list[int]:
    """The row_numbers of `rows` (indicator_id, period, org_unit, value) whose figure is in
    no revision recorded by the end of their load (`received_at`): a revision the load
    wrote, or the same figure in force before it (unchanged)."""
    if rows.empty:
        return []
    con.register("kept_rows", rows[["row_number", "indicator_id", "period", "org_unit", "value"]])
    try:
        found = con.execute(
            """
            SELECT k.row_number FROM kept_rows k
            WHERE NOT EXISTS (
                SELECT 1 FROM observation o
                WHERE o.indicator_id = k.indicator_id
                  AND o.period = TRY_CAST(k.period AS DATE)
                  AND o.org_unit = k.org_unit
                  AND o.value = TRY_CAST(k.value AS DOUBLE)
                  AND o.recorded_at <= ?
            )
            ORDER BY k.row_number
            """,
            [received_at],
        ).fetchall()
    finally:
        con.unregister("kept_rows")
    return [int(r[0]) for r in found]


def quarantined_rows(con: duckdb.DuckDBPyConnection, load_id: int) -> set[int]:
    """The row numbers a load refused."""
    rows = con.execute(
        "SELECT DISTINCT row_number FROM quarantine WHERE load_id = ? AND row_number IS NOT NULL",
        [load_id],
    ).fetchall()
    return {int(r[0]) for r in rows}


def figures_of_no_load(con: duckdb.DuckDBPyConnection) -> int:
    """Revisions whose load is not in `load`."""
    row = con.execute(
        "SELECT count(*) FROM observation o"
        " WHERE o.load_id IS NULL OR NOT EXISTS (SELECT 1 FROM load l WHERE l.id = o.load_id)"
    ).fetchone()
    return int(row[0]) if row else 0
