"""The officer's edits of the drafted review report: per edition (as-of day, language) and
block, kept as revisions. Callers own the transaction for the writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd


@dataclass(frozen=True)
class ReportEdit:
    """An edit of one block of one edition, as written."""

    as_of: dt.date
    lang: str
    block: str
    body: str
    draft: str


def set_edit(
    con: duckdb.DuckDBPyConnection, edit: ReportEdit, author: str, at: dt.datetime
) -> tuple[str | None, int] | None:
    """Make `edit.body` the text in force for its block: a new revision, the one before
    superseded. None when it is the text in force already (nothing written), else (the text
    before, the new revision)."""
    key = [edit.as_of, edit.lang, edit.block]
    current = con.execute(
        "SELECT revision, body FROM report_edit"
        " WHERE as_of = ? AND lang = ? AND block = ? AND superseded_at IS NULL",
        key,
    ).fetchone()
    before = current[1] if current else None
    if (before or "") == edit.body:
        return None
    revision = (
        con.execute(
            "SELECT coalesce(max(revision), 0) FROM report_edit"
            " WHERE as_of = ? AND lang = ? AND block = ?",
            key,
        ).fetchone()
        or (0,)
    )[0] + 1
    con.execute(
        "UPDATE report_edit SET superseded_at = ?"
        " WHERE as_of = ? AND lang = ? AND block = ? AND superseded_at IS NULL",
        [at, *key],
    )
    con.execute(
        """
        INSERT INTO report_edit (as_of, lang, block, revision, body, draft, author,
                                 recorded_at, superseded_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)
        """,
        [*key, int(revision), edit.body, edit.draft, author, at],
    )
    return before, int(revision)


def edits(con: duckdb.DuckDBPyConnection, as_of: dt.date, lang: str) -> pd.DataFrame:
    """The edits in force for an edition, withdrawn ones left out: block, revision, body,
    draft, author, recorded_at."""
    return con.execute(
        """
        SELECT block, revision, body, draft, author, recorded_at FROM report_edit
        WHERE as_of = ? AND lang = ? AND superseded_at IS NULL AND body <> ''
        ORDER BY block
        """,
        [as_of, lang],
    ).df()


def history(con: duckdb.DuckDBPyConnection, as_of: dt.date, lang: str) -> pd.DataFrame:
    """Every revision of an edition's edits, newest first."""
    return con.execute(
        """
        SELECT block, revision, body, draft, author, recorded_at, superseded_at
        FROM report_edit WHERE as_of = ? AND lang = ?
        ORDER BY block, revision DESC
        """,
        [as_of, lang],
    ).df()
