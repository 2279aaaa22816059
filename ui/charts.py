"""Altair charts: an indicator's figures against its targets, glide paths, tolerance band
and forecast; and an org-unit breakdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import altair as alt
import pandas as pd

from indicators import display
from indicators.catalog import Indicator, Target
from indicators.periods import FISCAL_YEAR_START_MONTH, fiscal_year_of
from indicators.status import SEVERITY, TargetStatus, glide
from indicators.trend import (
    fiscal_year_end,
    fiscal_year_totals,
    period_last_day,
    period_of,
    shift_period,
)
from kernel.vocabulary import Lang, status_label
from ui.status import color_scale
from ui.text import t

SERIES_COLOR = "#0B3D91"
PATH_COLOR = "#6B6B6B"
# A forecast decades away would squash the figures into a corner; draw it up to this far
# past the last target and say the date in the tooltip.
FORECAST_HORIZON = dt.timedelta(days=3 * 365)


def annual(indicator: Indicator) -> bool:
    """Whether the indicator's targets are fiscal-year sums of a flow (shown as yearly totals)."""
    return indicator.kind == "flow" and any(x.window == "fiscal_year" for x in indicator.targets)


def _day(value: object) -> dt.date:
    return value.date() if isinstance(value, pd.Timestamp | dt.datetime) else value  # type: ignore[return-value]


def series_points(indicator: Indicator, totals: pd.DataFrame) -> pd.DataFrame:
    """The figures to draw (day, value): each at its period's last day, or per fiscal year;
    a blank value where periods are missing, so that the line breaks instead of bridging."""
    known = {
        period_of(indicator, _day(row.period)): float(row.value)
        for row in totals.itertuples(index=False)
    }
    if annual(indicator):
        steps = [
            (fiscal_year_end(y), v, fiscal_year_end(y + 1))
            for y, v in fiscal_year_totals(indicator, known).items()
        ]
    else:
        steps = [
            (
                period_last_day(indicator, p),
                v,
                period_last_day(indicator, shift_period(indicator, p, 1)),
            )
            for p, v in sorted(known.items())
        ]
    points: list[tuple[dt.date, float | None]] = []
    # An indicator without a figure yet has no steps (zip's strict pairing would refuse them).
    for (day, value, following), after in zip(steps, [*steps[1:], None][: len(steps)], strict=True):
        points.append((day, value))
        if after is not None and after[0] > following:
            points.append((following, None))
    return pd.DataFrame(points, columns=["day", "value"])


def _path_days(indicator: Indicator, target: Target) -> list[dt.date]:
    """Days to sample a path on: monthly, plus the eve of a step and the due date."""
    start, end = indicator.baseline.date, target.due
    days = list(pd.date_range(start, end, freq="MS").date)
    return sorted({start, *days, end - dt.timedelta(days=1), end})


def _paths(indicator: Indicator) -> pd.DataFrame:
    rows = []
    for target in indicator.targets:
        tolerance = target.tolerance or indicator.tolerance
        for day in _path_days(indicator, target):
            value = glide(indicator, target, day)
            rows.append(
                {
                    "target": target.id,
                    "day": day,
                    "value": value,
                    "low": value - abs(value) * tolerance,
                    "high": value + abs(value) * tolerance,
                }
            )
    return pd.DataFrame(rows, columns=["target", "day", "value", "low", "high"])


def _forecasts(statuses: Sequence[TargetStatus], series: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Dashed lines from the last figure to where the trend meets each target."""
    if series.empty:
        return pd.DataFrame(columns=["target", "day", "value", "when"])
    start_day, start_value = series["day"].iloc[-1], float(series["value"].iloc[-1])
    dues = [s.target_date for s in statuses if s.target_date]
    horizon = max(dues, default=start_day) + FORECAST_HORIZON
    rows = []
    for s in statuses:
        if s.forecast_date is None or s.target_value is None or s.forecast_date <= start_day:
            continue
        end_day, end_value = s.forecast_date, s.target_value
        if end_day > horizon:  # clip the line, keeping its slope
            share = (horizon - start_day).days / (end_day - start_day).days
            end_day, end_value = horizon, start_value + (end_value - start_value) * share
        when = display.month(s.forecast_date, lang)
        rows += [
            {"target": s.target_id, "day": start_day, "value": start_value, "when": when},
            {"target": s.target_id, "day": end_day, "value": end_value, "when": when},
        ]
    return pd.DataFrame(rows, columns=["target", "day", "value", "when"])


def _period_of_point(indicator: Indicator, day: dt.date, lang: Lang) -> str:
    """The period a drawn point stands for: a fiscal year's total, or the indicator's period."""
    if annual(indicator):
        return display.fiscal_year(day.year - 1, lang)  # drawn on 31 March
    return display.period(indicator, day, lang)


def _time_axis(
    indicator: Indicator, series: pd.DataFrame, paths: pd.DataFrame, lang: Lang
) -> alt.Axis:
    """Months for monthly and quarterly figures; fiscal years, ticked on 1 April, for yearly
    ones, so that no label names a calendar year the figures do not count by."""
    if indicator.frequency != "fiscal_year" and not annual(indicator):
        return alt.Axis(format="%Y-%m", labelAngle=0)
    days = [indicator.baseline.date, *series["day"], *paths["day"]]
    days += [x.due for x in indicator.targets]
    first, last = fiscal_year_of(min(days)), fiscal_year_of(max(days))
    step = max(1, (last - first + 1) // 8)  # at most about eight labels
    ticks = [
        alt.DateTime(year=y, month=FISCAL_YEAR_START_MONTH, date=1)
        for y in range(first, last + 2, step)
    ]
    label = "year(datum.value) + '年度'" if lang is Lang.ja else "'FY' + year(datum.value)"
    return alt.Axis(values=ticks, labelExpr=label, labelAngle=0)


def indicator_chart(
    indicator: Indicator,
    statuses: Sequence[TargetStatus],
    totals: pd.DataFrame,
    as_of: dt.date,
    lang: Lang,
) -> alt.LayerChart:
    """The series with its targets (points), paths, tolerance band and forecasts."""
    unit = display.unit(indicator, lang)
    factor = display.scale(indicator, lang)  # English may count in a larger unit
    series = series_points(indicator, totals)
    series["label"] = [display.figure(indicator, v, lang) for v in series["value"]]
    series["period"] = [_period_of_point(indicator, d, lang) for d in series["day"]]
    series["value"] = series["value"] * factor
    paths = _paths(indicator)
    paths[["value", "low", "high"]] = paths[["value", "low", "high"]] * factor
    forecasts = _forecasts(statuses, series, lang)
    by_id = {s.target_id: s for s in statuses}
    present = [c for c in SEVERITY if any(s.status == c for s in statuses if s.target_id)]
    targets = pd.DataFrame(
        [
            {
                "day": x.due,
                "value": x.value * factor,
                "status": status_label(by_id[x.id].status, lang) if x.id in by_id else "",
                "label": display.target(indicator, x.id, lang),
                "period": display.day(x.due, lang),
            }
            for x in indicator.targets
        ],
        columns=["day", "value", "status", "label", "period"],
    )
    base = indicator.baseline
    baseline = pd.DataFrame(
        [
            {
                "day": base.date,
                "value": base.value * factor,
                "label": display.figure(indicator, base.value, lang),
                "period": display.day(base.date, lang),
            }
        ]
    )
    x = alt.X("day:T", title=None, axis=_time_axis(indicator, series, paths, lang))
    # The unit reads across, above the axis: a rotated Japanese title reads sideways.
    y = alt.Y(
        "value:Q",
        title=unit,
        scale=alt.Scale(zero=False),
        axis=alt.Axis(titleAngle=0, titleAnchor="end", titleAlign="right", titleY=-12, titleX=0),
    )
    value_tip = [
        alt.Tooltip("period:N", title=t("period", lang)),
        alt.Tooltip("label:N", title=t("value", lang)),
    ]
    layers = [
        alt.Chart(paths)
        .mark_area(opacity=0.16, color=PATH_COLOR)
        .encode(x=x, y="low:Q", y2="high:Q", detail="target:N"),
        alt.Chart(paths)
        .mark_line(color=PATH_COLOR, strokeWidth=1.5)
        .encode(x=x, y=y, detail="target:N"),
        alt.Chart(forecasts)
        .mark_line(color="#333333", strokeDash=[6, 4], strokeWidth=1.5)
        .encode(
            x=x,
            y=y,
            detail="target:N",
            tooltip=[alt.Tooltip("when:N", title=t("forecast", lang))],
        ),
        alt.Chart(baseline)
        .mark_point(shape="square", size=70, filled=True, color=PATH_COLOR)
        .encode(x=x, y=y, tooltip=value_tip),
        alt.Chart(series)
        .mark_line(
            color=SERIES_COLOR,
            strokeWidth=2,
            point=alt.OverlayMarkDef(size=28),
            invalid="break-paths-show-domains",
        )
        .encode(x=x, y=y, tooltip=value_tip),
        alt.Chart(targets)
        .mark_point(shape="diamond", size=220, filled=True, stroke="#111111", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "status:N",
                scale=color_scale(lang, present),
                title=t("status", lang),
                # Filled diamonds in the legend, as on the chart; none without targets.
                legend=alt.Legend(symbolType="diamond", symbolStrokeWidth=0, symbolSize=160)
                if present
                else None,
            ),
            tooltip=[
                alt.Tooltip("period:N", title=t("due", lang)),
                alt.Tooltip("label:N", title=t("target", lang)),
                alt.Tooltip("status:N", title=t("status", lang)),
            ],
        ),
        alt.Chart(targets)
        .mark_text(dy=-16, fontSize=12, fontWeight="bold", color="#111111")
        .encode(x=x, y=y, text="label:N"),
        alt.Chart(pd.DataFrame([{"day": as_of}]))
        .mark_rule(color="#999999", strokeDash=[2, 3])
        .encode(x=x),
    ]
    return alt.layer(*layers).properties(height=400)


def org_unit_chart(frame: pd.DataFrame, unit: str) -> alt.Chart:
    """Bars of one period's figures by org unit, largest first."""
    return (
        alt.Chart(frame)
        .mark_bar(color=SERIES_COLOR)
        .encode(
            x=alt.X("value:Q", title=unit),
            y=alt.Y("org_unit:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
            tooltip=["org_unit:N", alt.Tooltip("value:Q", format=",.2~f")],
        )
        .properties(height=60 + 36 * len(frame))  # room for every unit's label
    )
