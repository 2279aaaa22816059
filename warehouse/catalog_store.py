"""The catalog in the warehouse: written from the YAML catalog in one transaction,
and read back as the same `Catalog` object so the domain rules see one shape."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from indicators.catalog import Catalog, StatusCounts

CATALOG_TABLES = (
    "plan",
    "policy",
    "area",
    "initiative",
    "owner",
    "indicator",
    "indicator_initiative",
    "report_figure",
    "target",
)


def _reported(counts: StatusCounts | None) -> dict[str, int | None]:
    return {
        "reported_achieved": counts.achieved if counts else None,
        "reported_in_progress": counts.in_progress if counts else None,
        "reported_changed": counts.changed if counts else None,
    }


def catalog_frames(catalog: Catalog) -> dict[str, pd.DataFrame]:
    """One data frame per catalog table."""
    plan = catalog.plan
    rows: dict[str, list[dict]] = {name: [] for name in CATALOG_TABLES}
    rows["plan"].append(
        {
            "id": plan.id,
            "name": plan.name,
            "name_en": plan.name_en,
            "start_fy": plan.start_fy,
            "end_fy": plan.end_fy,
            "report_title": plan.report.title,
            "report_title_en": plan.report.title_en,
            "report_published": plan.report.published,
            "report_publisher": plan.report.publisher,
            "admin_owner": plan.admin_owner,
        }
    )
    for policy in catalog.policies:
        rows["policy"].append(
            {
                "id": policy.id,
                "plan_id": plan.id,
                "seq": policy.seq,
                "name": policy.name,
                "name_en": policy.name_en,
                **_reported(policy.reported),
            }
        )
        for area in policy.areas:
            rows["area"].append(
                {
                    "id": area.id,
                    "policy_id": policy.id,
                    "seq": area.seq,
                    "name": area.name,
                    "name_en": area.name_en,
                    **_reported(area.reported),
                    "note": area.note,
                }
            )
    for seq, item in enumerate(catalog.initiatives, start=1):
        rows["initiative"].append(
            {
                "id": item.id,
                "seq": seq,
                "number": item.number,
                "area_id": item.area,
                "status": item.status,
                "text": item.text,
                "subitem": item.subitem,
                "group_text": item.group,
                "reason": item.reason,
                "note": item.note,
                "reconstructed": item.reconstructed,
            }
        )
    for seq, owner in enumerate(catalog.owners, start=1):
        rows["owner"].append({**owner.model_dump(), "seq": seq})
    for seq, ind in enumerate(catalog.indicators, start=1):
        rows["indicator"].append(
            {
                "id": ind.id,
                "seq": seq,
                "name": ind.name,
                "name_en": ind.name_en,
                "unit": ind.unit,
                "unit_en": ind.unit_en,
                "frequency": ind.frequency,
                "kind": ind.kind,
                "direction": ind.direction,
                "owner_id": ind.owner,
                "min_value": ind.min_value,
                "max_value": ind.max_value,
                "tolerance": ind.tolerance,
                "due_day": ind.due_day,
                "description": ind.description,
            }
        )
        rows["indicator_initiative"] += [
            {"indicator_id": ind.id, "initiative_id": ref} for ref in ind.initiatives
        ]
        figures = [("baseline", 1, ind.baseline)] + [
            ("reported", n, fig) for n, fig in enumerate(ind.report_figures, start=1)
        ]
        for role, n, fig in figures:
            rows["report_figure"].append(
                {
                    "indicator_id": ind.id,
                    "role": role,
                    "seq": n,
                    "value": fig.value,
                    "date": fig.date,
                    "window_kind": fig.window,
                    "approximate": fig.approximate,
                    "source": fig.source,
                }
            )
        for n, target in enumerate(ind.targets, start=1):
            rows["target"].append(
                {
                    "id": target.id,
                    "indicator_id": ind.id,
                    "seq": n,
                    "value": target.value,
                    "due": target.due,
                    "window_kind": target.window,
                    "path": target.path,
                    "tolerance": target.tolerance,
                    "illustrative": target.illustrative,
                    "note": target.note,
                }
            )
    return {name: pd.DataFrame(table_rows) for name, table_rows in rows.items()}


def synced_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute(
        "SELECT fingerprint FROM catalog_sync ORDER BY synced_at DESC LIMIT 1"
    ).fetchone()
    return row[0] if row else None


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog, now: dt.datetime) -> bool:
    """Replace the catalog tables with `catalog` unless it is already there; True if written.
    The caller owns the transaction."""
    fingerprint = catalog.fingerprint()
    if synced_fingerprint(con) == fingerprint:
        return False
    for name, frame in catalog_frames(catalog).items():
        con.execute(f"DELETE FROM {name}")  # names come from CATALOG_TABLES, never from input
        if not frame.empty:
            con.register("catalog_frame", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM catalog_frame")
            con.unregister("catalog_frame")
    con.execute("INSERT INTO catalog_sync VALUES (?, ?)", [fingerprint, now])
    return True


def _records(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    frame = con.execute(sql).df()
    return [
        {key: (None if _is_missing(value) else value) for key, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def _is_missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _counts(row: dict) -> dict | None:
    if row["reported_achieved"] is None:
        return None
    return {
        "achieved": int(row["reported_achieved"]),
        "in_progress": int(row["reported_in_progress"]),
        "changed": int(row["reported_changed"]),
    }


def _figure(row: dict) -> dict:
    figure = {
        "value": row["value"],
        "date": row["date"],
        "source": row["source"],
        "approximate": bool(row["approximate"]),
    }
    if row["window_kind"]:
        figure["window"] = row["window_kind"]
    return figure


def read_catalog(con: duckdb.DuckDBPyConnection) -> Catalog:
    """The catalog as last synced into the warehouse."""
    plan = _records(con, "SELECT * FROM plan")[0]
    areas = _records(con, "SELECT * FROM area ORDER BY policy_id, seq")
    policies = []
    for policy in _records(con, "SELECT * FROM policy ORDER BY seq"):
        policies.append(
            {
                "id": policy["id"],
                "seq": policy["seq"],
                "name": policy["name"],
                "name_en": policy["name_en"],
                "reported": _counts(policy),
                "areas": [
                    {
                        "id": a["id"],
                        "seq": a["seq"],
                        "name": a["name"],
                        "name_en": a["name_en"],
                        "reported": _counts(a),
                        "note": a["note"],
                    }
                    for a in areas
                    if a["policy_id"] == policy["id"]
                ],
            }
        )
    initiatives = [
        {
            "id": i["id"],
            "number": i["number"],
            "area": i["area_id"],
            "status": i["status"],
            "text": i["text"],
            "subitem": i["subitem"],
            "group": i["group_text"],
            "reason": i["reason"],
            "note": i["note"],
            "reconstructed": bool(i["reconstructed"]),
        }
        for i in _records(con, "SELECT * FROM initiative ORDER BY seq")
    ]
    links = _records(con, "SELECT * FROM indicator_initiative")
    figures = _records(con, "SELECT * FROM report_figure ORDER BY indicator_id, role, seq")
    targets = _records(con, "SELECT * FROM target ORDER BY indicator_id, seq")
    indicators = []
    for ind in _records(con, "SELECT * FROM indicator ORDER BY seq"):
        mine = [f for f in figures if f["indicator_id"] == ind["id"]]
        indicators.append(
            {
                "id": ind["id"],
                "name": ind["name"],
                "name_en": ind["name_en"],
                "unit": ind["unit"],
                "unit_en": ind["unit_en"],
                "frequency": ind["frequency"],
                "kind": ind["kind"],
                "direction": ind["direction"],
                "owner": ind["owner_id"],
                "initiatives": [
                    link["initiative_id"] for link in links if link["indicator_id"] == ind["id"]
                ],
                "baseline": next(_figure(f) for f in mine if f["role"] == "baseline"),
                "report_figures": [_figure(f) for f in mine if f["role"] == "reported"],
                "targets": [
                    {
                        "id": t["id"],
                        "value": t["value"],
                        "due": t["due"],
                        "window": t["window_kind"],
                        "path": t["path"],
                        "tolerance": t["tolerance"],
                        "illustrative": bool(t["illustrative"]),
                        "note": t["note"],
                    }
                    for t in targets
                    if t["indicator_id"] == ind["id"]
                ],
                "min_value": ind["min_value"],
                "max_value": ind["max_value"],
                "tolerance": ind["tolerance"],
                "due_day": int(ind["due_day"]),
                "description": ind["description"],
            }
        )
    return Catalog.model_validate(
        {
            "plan": {
                "id": plan["id"],
                "name": plan["name"],
                "name_en": plan["name_en"],
                "start_fy": plan["start_fy"],
                "end_fy": plan["end_fy"],
                "admin_owner": plan["admin_owner"],
                "report": {
                    "title": plan["report_title"],
                    "title_en": plan["report_title_en"],
                    "published": plan["report_published"],
                    "publisher": plan["report_publisher"],
                },
            },
            "policies": policies,
            "initiatives": initiatives,
            "owners": _records(con, "SELECT id, name, name_en, assumed FROM owner ORDER BY seq"),
            "indicators": indicators,
        }
    )
