"""Display tables for the goal dashboard: the plan's status table, the targets in order of
urgency and the indicator coverage, labelled in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import pandas as pd

from indicators import display
from indicators.catalog import Catalog, Indicator
from indicators.coverage import Coverage
from indicators.evaluation import Evaluation
from indicators.plan import PlanSummary, Row
from indicators.status import TargetStatus
from kernel.formatting import number
from kernel.vocabulary import Lang, status_label
from ui.status import severity_rank
from ui.text import pick, t

COUNTS = ("achieved", "in_progress", "changed", "total")


def fmt(value: float | None, unit: str = "") -> str:
    """A figure for reading: thousands separators, no needless decimals, its unit."""
    if value is None or pd.isna(value):
        return "–"
    return f"{number(value)} {unit}".strip()


def fit_height(rows: int, row: int = 35) -> int:
    """A table height that shows every row (`row` pixels each, the header 35) without
    scrolling."""
    return row * rows + 35 + 3


def fmt_day(day: dt.date | None) -> str:
    return day.isoformat() if day else "–"


def fmt_gap(gap: float | None) -> str:
    return "–" if gap is None else f"{gap:+.1%}"


def times(values: pd.Series) -> pd.Series:
    """Timestamps to the minute for reading; blank where there is none."""
    stamps = pd.to_datetime(values, errors="coerce")
    return stamps.dt.strftime("%Y-%m-%d %H:%M").astype(object).fillna("")


def section_names(values: pd.Series, owners: dict[str, str]) -> list[str]:
    """Section ids as the sections' names; blank where none was given."""
    return [owners.get(v, v) if isinstance(v, str) and v else "" for v in values]


def owner_names(catalog: Catalog, lang: Lang) -> dict[str, str]:
    """Owner id → the section's name in `lang`."""
    return {o.id: pick(lang, o.name, o.name_en) for o in catalog.owners}


def indicator_scope(catalog: Catalog) -> dict[str, tuple[set[str], set[str]]]:
    """Indicator id → (policy ids, area ids) of the initiatives it evidences, for filters."""
    area_of = {item.id: item.area for item in catalog.initiatives}
    policy_of = {area.id: policy.id for policy, area in catalog.areas()}
    scope = {}
    for ind in catalog.indicators:
        areas = {area_of[i] for i in ind.initiatives if i in area_of}
        scope[ind.id] = ({policy_of[a] for a in areas}, areas)
    return scope


def _plan_row(row: Row, summary: PlanSummary, lang: Lang, name: str | None = None) -> dict:
    """A line of the status table: the counts as of the day, how many of them were decided
    since the report (and in which fiscal years), and the report's counts with the check of
    its own item list against them."""
    reported = row.reported
    text = " / ".join(str(reported[c]) for c in COUNTS) if reported else "–"
    updated = (
        display.plan_updated(row.since, summary.reported_on, lang) if summary.reported_on else ""
    )
    return {
        t("policy", lang): name or pick(lang, row.name, row.name_en),
        **{t(c, lang): getattr(row, c) for c in COUNTS},
        t("plan_updated_col", lang): updated or "–",
        t("reported", lang): text,
        t("check", lang): t("match" if row.agrees else "mismatch", lang),
    }


def plan_frame(summary: PlanSummary, lang: Lang) -> pd.DataFrame:
    """The report's table: a line per policy and the total, with the reported counts beside."""
    rows = [_plan_row(p, summary, lang) for p in summary.policies]
    rows.append(_plan_row(summary.total, summary, lang, name=t("total", lang)))
    return pd.DataFrame(rows)


def area_frame(summary: PlanSummary, lang: Lang, policy_id: str | None) -> pd.DataFrame:
    """The same table per area, of one policy or of all."""
    rows = []
    for policy in summary.policies:
        if policy_id and policy.id != policy_id:
            continue
        for area in policy.areas:
            row = _plan_row(area, summary, lang)
            row = {t("area", lang): row.pop(t("policy", lang)), **row}
            rows.append(row)
    return pd.DataFrame(rows)


def _target_text(indicator: Indicator, status: TargetStatus, lang: Lang) -> str:
    if status.target_value is None:
        return "–"
    due = display.day(status.target_date, lang)
    return f"{display.target(indicator, status.target_id, lang)} ({due})"


def targets_frame(
    result: Evaluation, lang: Lang, indicator_ids: Collection[str], link: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every target of the chosen indicators, most urgent first; and, row for row, its
    status code and indicator id."""
    owners = owner_names(result.catalog, lang)
    records = []
    for ind in result.catalog.indicators:
        if ind.id not in indicator_ids:
            continue
        for s in result.target_statuses([ind.id]):
            # What a reader acts on comes first: at 1280 px the columns up to the forecast show.
            records.append(
                {
                    "status": s.status,
                    "indicator_id": ind.id,
                    "_rank": severity_rank(s.status),
                    "_due": s.target_date or dt.date.max,
                    t("status", lang): status_label(s.status, lang) + (" !" if s.late else ""),
                    t("indicator", lang): pick(lang, ind.name, ind.name_en),
                    t("open", lang): link[ind.id],
                    t("actual_vs_expected", lang): (
                        f"{display.value(ind, s.actual, lang)}"
                        f" / {display.figure(ind, s.expected, lang)}"
                    ),
                    # the progress grade against this target, as plan reviews write it
                    t("grade", lang): display.grade(result.target_grade(ind.id, s.target_id), lang),
                    t("target_due", lang): _target_text(ind, s, lang),
                    t("forecast", lang): display.month(s.forecast_date, lang),
                    t("late_column", lang): late_text(ind, s, lang),
                    t("gap", lang): fmt_gap(s.gap),
                    t("owner", lang): owners.get(ind.owner, ind.owner),
                }
            )
    frame = pd.DataFrame(records)
    if frame.empty:
        return frame, pd.DataFrame(columns=["status", "indicator_id"])
    frame = frame.sort_values(["_rank", "_due"], kind="stable").reset_index(drop=True)
    meta = frame[["status", "indicator_id"]]
    return frame.drop(columns=["status", "indicator_id", "_rank", "_due"]), meta


def late_text(indicator: Indicator, status: TargetStatus, lang: Lang) -> str:
    """The periods whose figures are overdue, e.g. '2026年9月, 2026年10月 分が未着'; blank when
    none is."""
    if not status.late:
        return ""
    names = [display.period(indicator, p, lang) for p in status.missing[:3]]
    more = len(status.missing) - len(names)
    listed = ", ".join(names) + (f" (+{more})" if more else "")
    return t("missing_text", lang, periods=listed)


def coverage_frames(
    cov: Coverage, catalog: Catalog, lang: Lang, policy_id: str | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coverage per policy and per area (of the chosen policy), with the share covered."""
    names = {p.id: pick(lang, p.name, p.name_en) for p in catalog.policies}
    names |= {a.id: pick(lang, a.name, a.name_en) for _, a in catalog.areas()}
    policy_areas = {p.id: {a.id for a in p.areas} for p in catalog.policies}

    def table(groups: list, head: str) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    head: names.get(g.id, g.name),
                    t("initiatives", lang): g.initiatives,
                    t("with_indicator", lang): g.with_indicator,
                    t("with_target", lang): g.with_target,
                    t("share", lang): round(100 * g.ratio),
                }
                for g in groups
            ]
        )

    areas = [g for g in cov.areas if not policy_id or g.id in policy_areas[policy_id]]
    return table(cov.policies, t("policy", lang)), table(areas, t("area", lang))


def indicator_choices(catalog: Catalog, lang: Lang) -> dict[str, str]:
    """Indicator id → its name in `lang`, in catalog order."""
    return {ind.id: pick(lang, ind.name, ind.name_en) for ind in catalog.indicators}


def find_indicator(catalog: Catalog, indicator_id: str) -> Indicator:
    return next(ind for ind in catalog.indicators if ind.id == indicator_id)
