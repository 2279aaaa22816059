"""Display tables for the indicator, initiative, alert and load pages, labelled in the
reader's language. Only renaming, joining and formatting: the rules live elsewhere."""

from __future__ import annotations

import json

import pandas as pd

from access.roles import INBOX_PREFIX
from indicators import display
from indicators.catalog import Catalog, Indicator
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang, rule_label, status_label, word
from ui.desk import CODE_PREFIX
from ui.frames import fmt_gap, owner_names, section_names, times
from ui.status import alert_color, alert_rank, plan_label
from ui.text import pick, t

_TEXT_COLUMNS = ["note", "file_name", "uploaded_by", "section"]


def _blank_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with missing text shown as blank rather than 'None'."""
    return frame.assign(**{c: frame[c].astype(object).fillna("") for c in _TEXT_COLUMNS})


def senders(users: pd.Series, sections: pd.Series, owners: dict[str, str], lang: Lang) -> list[str]:
    """Who sent each row and for which section in one cell, e.g. 山田（情報企画課）, a file
    dropped in a section's inbox folder as 受信フォルダ（情報企画課）: one column where two
    made the tables scroll sideways at 1280 px."""
    names = section_names(sections, owners)
    inbox = t("sender_inbox", lang)
    users = [inbox if isinstance(u, str) and u.startswith(INBOX_PREFIX) else u for u in users]
    return [
        t("sender_with_section", lang, user=user, section=section)
        if isinstance(user, str) and user and section
        else (user if isinstance(user, str) and user else section)
        for user, section in zip(users, names, strict=True)
    ]


def period_label(indicator: Indicator, value: object, lang: Lang) -> str:
    """A period for reading: 2026年10月, 2025年度 (Oct 2026, FY2025)."""
    day = value.date() if isinstance(value, pd.Timestamp) else value
    return display.period(indicator, day, lang)  # type: ignore[arg-type]


def value_header(indicator: Indicator, lang: Lang) -> str:
    """The figures' column, named with the unit they are shown in."""
    return f"{t('value', lang)} ({display.unit(indicator, lang)})"


def period_labels(indicator: Indicator, values: pd.Series, lang: Lang) -> list[str]:
    """Periods for reading, each distinct period worded once (a page of figures holds
    thousands of rows but a few periods)."""
    labels = {value: period_label(indicator, value, lang) for value in dict.fromkeys(values)}
    return [labels[value] for value in values]


def figures_table(
    indicator: Indicator, figures: pd.DataFrame, owners: dict[str, str], lang: Lang
) -> pd.DataFrame:
    """A page of the figures in force (newest period first, as the warehouse orders them),
    each with the file and sender it came from."""
    rows = _blank_text(figures)
    return pd.DataFrame(
        {
            t("period", lang): period_labels(indicator, rows["period"], lang),
            t("org_unit", lang): rows["org_unit"],
            value_header(indicator, lang): rows["value"] * display.scale(indicator, lang),
            t("revision", lang): rows["revision"],
            t("note", lang): rows["note"],
            t("recorded_at", lang): times(rows["recorded_at"]),
            t("file", lang): rows["file_name"],
            t("uploaded_by", lang): senders(rows["uploaded_by"], rows["section"], owners, lang),
        }
    )


def revisions_table(
    indicator: Indicator, revisions: pd.DataFrame, owners: dict[str, str], lang: Lang
) -> pd.DataFrame:
    """Versions of figures (newest period first, as the warehouse orders them): who sent
    each, when, in which file, and when it was replaced."""
    rows = _blank_text(revisions)
    return pd.DataFrame(
        {
            t("period", lang): period_labels(indicator, rows["period"], lang),
            t("org_unit", lang): rows["org_unit"],
            t("revision", lang): rows["revision"],
            value_header(indicator, lang): rows["value"] * display.scale(indicator, lang),
            t("note", lang): rows["note"],
            t("recorded_at", lang): times(rows["recorded_at"]),
            t("superseded_at", lang): times(rows["superseded_at"]),
            t("file", lang): rows["file_name"],
            t("uploaded_by", lang): senders(rows["uploaded_by"], rows["section"], owners, lang),
        }
    )


def target_table(
    result: Evaluation, indicator: Indicator, lang: Lang
) -> tuple[pd.DataFrame, pd.Series]:
    """One line per target of the indicator, with its status; and the status codes."""
    rows, codes = [], []
    for s in result.targets[indicator.id]:
        codes.append(s.status)
        rows.append(
            {
                t("status", lang): status_label(s.status, lang),
                t("target", lang): display.target(indicator, s.target_id, lang),
                t("due", lang): display.day(s.target_date, lang),
                t("actual", lang): display.figure(indicator, s.actual, lang),
                t("expected", lang): display.figure(indicator, s.expected, lang),
                t("gap", lang): fmt_gap(s.gap),
                t("last_period", lang): display.period(indicator, s.last_period, lang),
                t("next_due", lang): display.day(s.next_due, lang),
                t("forecast", lang): display.month(s.forecast_date, lang),
            }
        )
    return pd.DataFrame(rows), pd.Series(codes, dtype=str)


def grade_table(result: Evaluation, indicator: Indicator, lang: Lang) -> pd.DataFrame:
    """The indicator's progress grade against each target (or why it has none), with the
    three figures a plan review prints: 策定時, 現状値 and 目標値."""
    rows = []
    for grade in result.grades.get(indicator.id, []):
        rows.append(
            {
                t("grade", lang): display.grade(grade, lang),
                t("grade_baseline", lang): display.baseline(indicator, lang),
                t("grade_current", lang): display.grade_current(indicator, grade, lang),
                t("grade_target", lang): display.grade_target(indicator, grade, lang),
                t("grade_progress", lang): display.progress(grade, lang),
            }
        )
    return pd.DataFrame(rows)


def evidenced_table(result: Evaluation, indicator: Indicator, lang: Lang) -> pd.DataFrame:
    """The initiatives an indicator evidences, with their status in the plan and by indicators:
    of every plan of the instance, each named where there are several."""
    plans = result.plan_ids
    rows = []
    for plan_id in plans:
        seen = result.for_plan(plan_id)
        rollup = {i.initiative_id: i for i in seen.initiatives}
        plan_name = pick(lang, seen.catalog.plan.name, seen.catalog.plan.name_en)
        for item in seen.catalog.initiatives:
            if item.id not in indicator.initiatives:
                continue
            row = {t("plan_choice", lang): plan_name} if len(plans) > 1 else {}
            row |= {
                t("initiative", lang): item.number or "–",
                t("plan_status", lang): plan_label(item.status, lang),
                t("indicator_status", lang): status_label(rollup[item.id].status, lang),
                t("inconsistent_count", lang): (
                    t("inconsistent", lang) if rollup[item.id].inconsistent else ""
                ),
                t("summary", lang): item.text
                + (t("reconstructed_mark", lang) if item.reconstructed else ""),
            }
            rows.append(row)
    return pd.DataFrame(rows)


def alerts_table(
    frame: pd.DataFrame, catalog: Catalog, lang: Lang, history: bool = False
) -> tuple[pd.DataFrame, pd.Series]:
    """Alerts, most urgent rule first (newest first in the history), in words; and the
    status colour code of each row. The open no-indicator alerts are one grouped row: they
    are the plan's gaps, listed on the Initiatives page, and would bury the rest."""
    if not history:
        gaps = frame[frame["rule"] == "no_indicator"]
        frame = frame[frame["rule"] != "no_indicator"]
        if len(gaps):
            grouped = gaps.sort_values("opened_at").iloc[[0]].copy()
            grouped["summary"] = t("grouped_no_indicator", Lang.ja, n=len(gaps))
            grouped["summary_en"] = t("grouped_no_indicator", Lang.en, n=len(gaps))
            frame = pd.concat([frame, grouped], ignore_index=True)
    ranked = frame.assign(_rank=[alert_rank(r) for r in frame["rule"]])
    if history:
        ordered = ranked.sort_values("id", ascending=False)
    else:
        ordered = ranked.sort_values(["_rank", "id"], ascending=[True, False])
    ordered = ordered.reset_index(drop=True)
    owners = owner_names(catalog, lang)
    columns = {
        t("rule", lang): [rule_label(r, lang) for r in ordered["rule"]],
        t("recipient", lang): section_names(ordered["recipient"], owners),
        t("summary", lang): ordered["summary_en"] if lang is Lang.en else ordered["summary"],
        t("opened_at", lang): times(ordered["opened_at"]),
    }
    if history:
        columns[t("state", lang)] = [
            t("open_state" if s == "open" else s, lang) for s in ordered["state"]
        ]
        columns[t("resolved_at", lang)] = times(ordered["resolved_at"])
    return pd.DataFrame(columns), ordered["rule"].map(alert_color)


def outbox_table(frame: pd.DataFrame, catalog: Catalog, lang: Lang) -> pd.DataFrame:
    """Messages with their delivery state; the channel is already masked by the warehouse."""
    owners = owner_names(catalog, lang)
    return pd.DataFrame(
        {
            "id": frame["id"],
            t("created_at", lang): times(frame["created_at"]),
            t("recipient", lang): section_names(frame["recipient"], owners),
            # A message with no channel configured says so in words (the warehouse keeps a mark).
            t("channel", lang): [
                t("no_channel", lang) if state == "no_channel" else channel
                for channel, state in zip(frame["channel"], frame["state"], strict=True)
            ],
            t("subject", lang): frame["subject"],
            t("state", lang): [t(s, lang) for s in frame["state"]],
            t("attempts", lang): frame["attempts"],
            t("last_error", lang): frame["last_error"].astype(object).fillna(""),
            t("next_attempt", lang): times(frame["next_attempt_at"]),
            t("sent_at", lang): times(frame["sent_at"]),
        }
    )


def checks_text(validation: object, lang: Lang) -> str:
    """The validation summary of a load in a few words, e.g. '9/9 件の検査に合格'."""
    try:
        summary = json.loads(validation) if isinstance(validation, str) else validation
        checks = summary.get("expectations", [])  # type: ignore[union-attr]
    except (TypeError, ValueError, AttributeError):
        return "–"
    ok = sum(bool(c.get("success")) for c in checks)
    return t("checks_passed", lang, ok=ok, n=len(checks)) if checks else "–"


def loads_table(frame: pd.DataFrame, catalog: Catalog, lang: Lang) -> pd.DataFrame:
    """Each load: what a reader checks first (when, which file, its state and checks, the
    row counts), then who sent it for which section; its hash is in the chosen load's
    details below the table."""
    owners = owner_names(catalog, lang)
    return pd.DataFrame(
        {
            t("received_at", lang): times(frame["received_at"]),
            t("file", lang): frame["file_name"],
            t("state", lang): [t(s, lang) for s in frame["status"]],
            t("validation", lang): [checks_text(v, lang) for v in frame["validation"]],
            t("accepted_short", lang): frame["rows_accepted"],
            t("rejected_short", lang): frame["rows_rejected"],
            t("rows_unchanged", lang): frame["rows_unchanged"],
            t("rows_total", lang): frame["rows_total"],
            t("uploaded_by", lang): senders(frame["uploaded_by"], frame["section"], owners, lang),
        }
    )


def issues_table(issues: list[dict], lang: Lang) -> pd.DataFrame:
    """Rejected rows (as dicts with row, column, value, reason, reason_en) with the reason."""
    return pd.DataFrame(
        {
            t("row", lang): [i.get("row") for i in issues],
            t("column", lang): [i.get("column") for i in issues],
            t("value", lang): [i.get("value") for i in issues],
            t("why", lang): [pick(lang, i.get("reason"), i.get("reason_en")) for i in issues],
        }
    )


def quarantine_table(frame: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Quarantined rows with their file and reason."""
    return pd.DataFrame(
        {
            t("load", lang): frame["load_id"],
            t("file", lang): frame["file_name"],
            t("row", lang): frame["row_number"],
            t("column", lang): frame["column_name"],
            t("value", lang): frame["value"],
            t("why", lang): frame["reason_en"] if lang is Lang.en else frame["reason"],
        }
    )


_AUDIT_COLUMNS = ("changed_at", "actor", "action", "entity", "entity_id", "before", "after")
_AUDIT_SHOWN = 4  # fields listed for an addition; the CSV has the whole record


def audit_word(code: object, lang: Lang) -> str:
    """An audit code (action, entity, field, the actors "system" and "config-file") in
    words; a code without a word (a user's name, an entity id) as it is."""
    text = "" if code is None or (isinstance(code, float) and pd.isna(code)) else str(code)
    return word(text, lang, context="audit") if text else ""


# A recorded field whose value is a code (the catalog's and the user file's) → the prefix of
# its word: "level": "outcome" reads アウトカム（成果）, "role": "owner" reads 担当課.
_VALUE_WORDS: dict[str, str] = {**CODE_PREFIX, "role": "role_"}


def _field_value(value: object, lang: Lang, key: str = "") -> str:
    if isinstance(value, str) and key in _VALUE_WORDS:
        return t(f"{_VALUE_WORDS[key]}{value}", lang)
    if isinstance(value, bool):
        return audit_word(str(value).lower(), lang)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = "–" if value is None or value == "" else str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _record(raw: object) -> dict | None:
    if not isinstance(raw, str) or not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return {"": raw}
    return data if isinstance(data, dict) else {"": data}


def change_text(before: object, after: object, lang: Lang) -> str:
    """What an audit row changed, in words: each changed field as "名称: 旧 → 新" for a
    change; the first fields of what was added or removed; the page's language."""
    old, new = _record(before), _record(after)
    sep = "; " if lang is Lang.en else "、"

    def label(key: str) -> str:
        return audit_word(key, lang) if key else ""

    def pair(key: str, value: object) -> str:
        shown = _field_value(value, lang, key)
        return f"{label(key)}: {shown}" if key else shown

    if old is not None and new is not None:
        keys = [k for k in dict.fromkeys([*old, *new]) if old.get(k) != new.get(k)]
        return sep.join(
            f"{label(k)}: {_field_value(old.get(k), lang, k)} → {_field_value(new.get(k), lang, k)}"
            for k in keys
        )
    shown = new if new is not None else old
    if not shown:
        return ""
    items = [(k, v) for k, v in shown.items() if v not in (None, "", [])]
    text = sep.join(pair(k, v) for k, v in items[:_AUDIT_SHOWN])
    return text + (f"{sep}…" if len(items) > _AUDIT_SHOWN else "")


def audit_table(trail: pd.DataFrame, lang: Lang, seconds: bool = False) -> pd.DataFrame:
    """Audit rows in words: who, what they did to what, and what changed. The CSV
    (`seconds`: times to the second) keeps the codes and the whole record before and after
    beside the words, for whoever checks it by machine."""
    stamps = pd.to_datetime(trail["changed_at"], errors="coerce")
    table = pd.DataFrame(
        {
            "id": trail["id"],
            t("changed_at", lang): (
                stamps.dt.strftime("%Y-%m-%d %H:%M:%S") if seconds else times(trail["changed_at"])
            ),
            t("audit_actor", lang): [audit_word(a, lang) for a in trail["actor"]],
            t("action", lang): [audit_word(a, lang) for a in trail["action"]],
            t("entity", lang): [audit_word(e, lang) for e in trail["entity"]],
            t("entity_id", lang): trail["entity_id"].astype(object).fillna(""),
            t("what_changed", lang): [
                change_text(before, after, lang)
                for before, after in zip(trail["before"], trail["after"], strict=True)
            ],
        }
    )
    if seconds:
        for column in ("actor", "action", "entity", "before", "after"):
            table[column] = trail[column].astype(object).fillna("").to_numpy()
    return table


def initiatives_table(result: Evaluation, lang: Lang) -> pd.DataFrame:
    """Every initiative in the plan's order, one line each: its number, area, what it is, its
    status in the plan and by its indicators, and the indicators' names. The columns
    "id", "policy" and "search" are for the page, not for reading."""
    catalog = result.catalog
    plan = result.plan_statuses
    rollup = {i.initiative_id: i for i in result.initiatives}
    names = {ind.id: pick(lang, ind.name, ind.name_en) for ind in catalog.indicators}
    areas = {item.id: (policy, item) for policy, item in catalog.areas()}
    place = {
        area.id: (policy.seq, area.seq) for policy in catalog.policies for area in policy.areas
    }
    rows = []
    for order, item in enumerate(catalog.initiatives):
        policy, area = areas[item.area]
        status = rollup[item.id]
        title = item.title + (t("reconstructed_mark", lang) if item.reconstructed else "")
        linked = " / ".join(names[i] for i in status.indicator_ids)
        rows.append(
            {
                "id": item.id,
                "policy": policy.id,
                "_order": (*place[item.area], order),
                "search": " ".join(
                    filter(None, [item.number, item.title, item.subitem, item.note, linked])
                ).casefold(),
                t("number", lang): item.number or "–",
                t("area", lang): pick(lang, area.name, area.name_en),
                t("initiative", lang): title,
                t("plan_status", lang): plan_label(item.status, lang),
                t("plan_since_col", lang): display.plan_since(
                    plan[item.id], plan.reported_on, lang
                ),
                t("indicator_status", lang): status_label(status.status, lang)
                + (" ⚠" if status.inconsistent else ""),
                t("indicators", lang): linked,
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("_order", kind="stable").drop(columns="_order")
