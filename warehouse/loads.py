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
QUARANTINE_COLUMNS = [
    "row_number",
    "column_name",
    "value",
    "rule",
    "reason",
    "reason_en",
    "indicator_id",
    "period",
]


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


class DuplicateFigure(ValueError):
    """A load that would write the same figure (indicator, period, org unit) twice."""


def loaded_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The id of an earlier load of the same bytes that wrote figures, if any."""
    found = earlier_load(con, sha256)
    return int(found[0]) if found else None


def figures_version(con: duckdb.DuckDBPyConnection) -> tuple[int, int, int]:
    """What the figures are as of: the loads that wrote figures (how many, the latest, a
    digest of all of them). Only such a load changes an observation, so while this is the
    same so are the figures; a restore that puts back other loads changes the digest."""
    row = con.execute(
        "SELECT count(*), coalesce(max(id), 0), coalesce(bit_xor(hash(id, sha256)), 0)"
        " FROM load WHERE status IN ('loaded', 'partial')"
    ).fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def earlier_load(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple | None:
    """The first load of the same bytes that wrote figures, if any: (id, file_name,
    received_at, uploaded_by)."""
    return con.execute(
        "SELECT id, file_name, received_at, uploaded_by FROM load"
        " WHERE sha256 = ? AND status IN ('loaded', 'partial') ORDER BY id LIMIT 1",
        [sha256],
    ).fetchone()


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
            "INSERT INTO quarantine (load_id, row_number, column_name, value, rule, reason,"
            " reason_en, indicator_id, period) SELECT ?, row_number, column_name, value, rule,"
            " reason, reason_en, indicator_id, period FROM quarantined_rows",
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
        # The table has no key index (migration 008): uniqueness is kept here. Each key in
        # force has one current revision, and a load may write each key at most once.
        found = con.execute(
            """
            SELECT indicator_id, period, org_unit, count(*) AS n
            FROM classified GROUP BY ALL HAVING count(*) > 1 LIMIT 1
            """
        ).fetchall()
        if found:
            repeated = found[0]
            raise DuplicateFigure(
                f"a load may write each figure once: {repeated[0]} {repeated[1]} "
                f"{repeated[2]!r} is in it {repeated[3]} times"
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


def reverting_figures(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """Rows (row_number, indicator_id, period, org_unit, value) that would put a figure back
    to a value it had in an earlier revision, one since corrected: row_number, value,
    current_value, current_revision, earlier_revision, corrected_at, corrected_by_file."""
    columns = [
        "row_number",
        "value",
        "current_value",
        "current_revision",
        "earlier_revision",
        "corrected_at",
        "corrected_by_file",
    ]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    con.register("incoming_rows", _columnar(rows[["row_number", *OBSERVATION_COLUMNS[1:5]]]))
    try:
        return con.execute(
            """
            WITH k AS (
                SELECT row_number, indicator_id, TRY_CAST(period AS DATE) AS period,
                       org_unit, TRY_CAST(value AS DOUBLE) AS value
                FROM incoming_rows
            )
            SELECT k.row_number, k.value, c.value AS current_value,
                   c.revision AS current_revision, max(o.revision) AS earlier_revision,
                   c.recorded_at AS corrected_at, l.file_name AS corrected_by_file
            FROM k
            JOIN observation_current c
              ON c.indicator_id = k.indicator_id AND c.period = k.period
             AND c.org_unit = k.org_unit
            JOIN observation o
              ON o.indicator_id = k.indicator_id AND o.period = k.period
             AND o.org_unit = k.org_unit AND o.revision < c.revision AND o.value = k.value
            LEFT JOIN load l ON l.id = c.load_id
            WHERE c.revision > 1 AND c.value <> k.value
            GROUP BY ALL
            ORDER BY k.row_number
            """
        ).df()[columns]
    finally:
        con.unregister("incoming_rows")


def claim_recorded(con: duckdb.DuckDBPyConnection, claim: str) -> bool:
    """Whether a load record names the inbox claim `claim` (its file was dealt with)."""
    row = con.execute(
        "SELECT count(*) FROM load WHERE json_extract_string(validation, '$.inbox_claim') = ?",
        [claim],
    ).fetchone()
    return bool(row and row[0])
