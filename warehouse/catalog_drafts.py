"""Drafts of catalog changes made in the dashboard, each waiting for a second administrator.
The warehouse keeps what the domain hands it (the change as JSON); callers own the
transaction for the writes."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

_COLUMNS = (
    "id, kind, initiative_id, indicator_id, payload, state, proposed_by, proposed_at,"
    " decided_by, decided_at, decision_note, catalog_version_id"
)
_NAMES = [name.strip() for name in _COLUMNS.split(",")]


def _row(values: tuple) -> dict:
    draft = dict(zip(_NAMES, values, strict=True))
    draft["payload"] = json.loads(draft["payload"])
    return draft


def add(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    initiative_id: str,
    indicator_id: str,
    payload: dict,
    proposed_by: str,
    at: dt.datetime,
) -> int:
    """A new draft; its id."""
    return int(
        con.execute(
            "INSERT INTO catalog_draft (kind, initiative_id, indicator_id, payload, state,"
            " proposed_by, proposed_at) VALUES (?, ?, ?, ?, 'draft', ?, ?) RETURNING id",
            [
                kind,
                initiative_id,
                indicator_id,
                json.dumps(payload, ensure_ascii=False),
                proposed_by,
                at,
            ],
        ).fetchone()[0]  # type: ignore[index]
    )


def get(con: duckdb.DuckDBPyConnection, draft_id: int) -> dict | None:
    """One draft as a mapping of its columns (payload read back), or None."""
    found = con.execute(f"SELECT {_COLUMNS} FROM catalog_draft WHERE id = ?", [draft_id]).fetchone()
    return None if found is None else _row(found)


def every(con: duckdb.DuckDBPyConnection, state: str | None = None) -> list[dict]:
    """The drafts (in `state`, None: all), newest first."""
    rows = con.execute(
        f"SELECT {_COLUMNS} FROM catalog_draft WHERE ? IS NULL OR state = ? ORDER BY id DESC",
        [state, state],
    ).fetchall()
    return [_row(r) for r in rows]


def decide(
    con: duckdb.DuckDBPyConnection,
    draft_id: int,
    state: str,
    decided_by: str,
    at: dt.datetime,
    note: str | None,
    catalog_version_id: int | None,
) -> bool:
    """Close a draft as approved or rejected; False when it was decided already."""
    changed = con.execute(
        "UPDATE catalog_draft SET state = ?, decided_by = ?, decided_at = ?, decision_note = ?,"
        " catalog_version_id = ? WHERE id = ? AND state = 'draft' RETURNING id",
        [state, decided_by, at, note, catalog_version_id, draft_id],
    ).fetchall()
    return bool(changed)
