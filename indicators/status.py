"""The judgement of every target, made once here and used by the CLI, flows, dashboard and
report: the figure judged, the glide path's expectation, the status, lateness and forecast,
and the rollup to initiatives. Pure functions: no database, orchestration or UI imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

from indicators.catalog import Catalog, Direction, Indicator, Target
from indicators.periods import fiscal_year_of
from indicators.trend import (
    fiscal_year_end,
    fiscal_year_periods,
    fiscal_year_totals,
    forecast,
    period_last_day,
    period_of,
    shift_period,
)

Status = Literal[
    "achieved", "on_track", "at_risk", "off_track", "missed", "no_data", "late", "no_target"
]
RollupStatus = Status | Literal["no_indicator"]

SEVERITY: tuple[RollupStatus, ...] = (
    "missed",
    "off_track",
    "late",
    "at_risk",
    "no_data",
    "on_track",
    "achieved",
    "no_target",
    "no_indicator",
)
TARGET_STATUSES: tuple[Status, ...] = tuple(s for s in SEVERITY if s != "no_indicator")
# Only these give way to "late": achieved and missed are verdicts a late figure cannot undo,
# and no_data / no_target say more than "late" about an indicator without figures or goal.
_TRACKING: tuple[Status, ...] = ("on_track", "at_risk", "off_track")
# An indicator in one of these contradicts an initiative the catalog calls achieved.
_CONTRADICTING: tuple[Status, ...] = ("off_track", "missed")
# Relative slack for comparisons, so that sums of decimal figures meet round targets.
_EPS = 1e-9


@dataclass(frozen=True)
class Figure:
    """One current figure of an indicator (the org_unit total) for the period starting on
    `period`."""

    period: dt.date
    value: float


@dataclass(frozen=True)
class TargetStatus:
    """The judgement of one target (or of an indicator without one) on a day."""

    indicator_id: str
    target_id: str | None
    target_value: float | None
    target_date: dt.date | None
    actual: float | None  # for a flow with a fiscal-year window: the sum
    actual_period: dt.date | None  # the (last) period in the figure judged
    expected: float | None  # the glide path's value at the point judged
    status: Status
    late: bool  # kept apart from `status` for the alert rules
    judged: Status  # the status against the path, before lateness is taken into account
    gap: float | None  # signed relative gap, positive = better than expected
    forecast_date: dt.date | None
    last_period: dt.date | None  # the newest period with a figure
    next_due: dt.date | None  # the due date of the oldest period still to arrive


@dataclass(frozen=True)
class InitiativeStatus:
    """The worst headline status of the indicators evidencing an initiative."""

    initiative_id: str
    status: RollupStatus
    counts: dict[str, int]
    indicator_ids: list[str]
    inconsistent: bool  # the catalog says achieved but an indicator is off_track or missed


@dataclass(frozen=True)
class _Point:
    """The figure a target is judged by and what the glide path expects of it."""

    actual: float
    period: dt.date
    expected: float
    final: bool  # the due date has passed and its last figure is in, or due
    partial: bool  # a flow's sum over part of its fiscal year


def due_date(indicator: Indicator, period: dt.date) -> dt.date:
    """Return the day the figure for `period` is due: due_day of the month after it ends."""
    return period_last_day(indicator, period) + dt.timedelta(days=indicator.due_day)


def first_period(indicator: Indicator) -> dt.date:
    """Return the first period a figure is expected for: the one after the baseline's."""
    return shift_period(indicator, indicator.baseline.date, 1)


def latest_due_period(indicator: Indicator, as_of: dt.date) -> dt.date | None:
    """Return the newest period whose figure is due on or before `as_of`, or None when no
    period after the baseline is due yet."""
    period = period_of(indicator, as_of)
    while due_date(indicator, period) > as_of:
        period = shift_period(indicator, period, -1)
    return period if period >= first_period(indicator) else None


def glide(indicator: Indicator, target: Target, day: dt.date) -> float:
    """Return the value the path from the baseline to `target` expects on `day`."""
    start, goal = indicator.baseline, target.value
    if day >= target.due:
        return goal
    if target.path == "step" or day <= start.date:
        return start.value
    share = (day - start.date).days / (target.due - start.date).days
    return start.value + (goal - start.value) * share


def _known(indicator: Indicator, figures: Iterable[Figure], as_of: dt.date) -> dict[dt.date, float]:
    """Return the figures whose period starts by `as_of`, by period start, oldest first."""
    known = {period_of(indicator, f.period): float(f.value) for f in figures if f.period <= as_of}
    return dict(sorted(known.items()))


def _judge(
    indicator: Indicator, target: Target, known: Mapping[dt.date, float], as_of: dt.date
) -> _Point | None:
    """Return the figure `target` is judged by on `as_of`, or None if there is none."""
    last = period_of(indicator, target.due)
    # Until the figure for the due date's period is in or due, a verdict would be premature.
    final = as_of > target.due and (last in known or as_of >= due_date(indicator, last))
    if indicator.kind == "flow" and target.window == "fiscal_year":
        return _judge_window(indicator, target, known, as_of, final)
    candidates = [period for period in known if period <= last]
    if not candidates:
        return None
    period = candidates[-1]
    # A figure is held to the expectation for its own date, not today's.
    expected = glide(indicator, target, period_last_day(indicator, period))
    return _Point(known[period], period, expected, final, partial=False)


def _judge_window(
    indicator: Indicator,
    target: Target,
    known: Mapping[dt.date, float],
    as_of: dt.date,
    final: bool,
) -> _Point | None:
    """Return the fiscal-year sum a flow target is judged by, whole or pro rata."""
    periods = fiscal_year_periods(indicator, fiscal_year_of(target.due))
    if final:
        present = [p for p in periods if p in known]
        if not present:
            return None
        return _Point(sum(known[p] for p in present), present[-1], target.value, True, False)
    # Periods that are due and in; a missing one is reported as late, not counted as zero.
    counted = [p for p in periods if p in known and due_date(indicator, p) <= as_of]
    if counted:
        expected = target.value * len(counted) / len(periods)
        total = sum(known[p] for p in counted)
        return _Point(total, counted[-1], expected, False, len(counted) < len(periods))
    # Before the year has a figure: the latest complete earlier year against the glide path
    # at its end (the baseline of a flow is a fiscal-year total too).
    totals = fiscal_year_totals(indicator, known)
    years = [year for year in totals if year < fiscal_year_of(target.due)]
    if not years:
        return None
    year = years[-1]
    expected = glide(indicator, target, fiscal_year_end(year))
    return _Point(totals[year], fiscal_year_periods(indicator, year)[-1], expected, False, False)


def _meets(direction: Direction, actual: float, goal: float) -> bool:
    """Return whether `actual` is at or beyond `goal` in the better direction."""
    slack = _EPS * max(1.0, abs(goal))
    return actual >= goal - slack if direction == "higher" else actual <= goal + slack


def _gap(direction: Direction, actual: float, expected: float) -> float | None:
    """Return the signed relative gap to `expected`, positive when better; None if zero."""
    if expected == 0:
        return None
    better = actual - expected if direction == "higher" else expected - actual
    return better / abs(expected)


def _classify(indicator: Indicator, target: Target, point: _Point, gap: float | None) -> Status:
    """Return the status of a judged point, before lateness is taken into account."""
    meets = _meets(indicator.direction, point.actual, target.value)
    if point.final:
        return "achieved" if meets else "missed"
    # Part of a year's flow being under a ceiling says nothing about the whole year.
    if meets and not (point.partial and indicator.direction == "lower"):
        return "achieved"
    if gap is None:  # nothing was expected: judge by the side of zero the figure is on
        return "on_track" if _meets(indicator.direction, point.actual, 0.0) else "off_track"
    tolerance = target.tolerance or indicator.tolerance
    if gap >= -_EPS:
        return "on_track"
    return "at_risk" if gap >= -tolerance - _EPS else "off_track"


def evaluate_target(
    indicator: Indicator,
    target: Target | None,
    figures: Sequence[Figure],
    as_of: dt.date,
    trend_window: int = 12,
) -> TargetStatus:
    """Return the judgement of `target` (None: of the indicator's figures alone) on `as_of`."""
    known = _known(indicator, figures, as_of)
    last = next(reversed(known)) if known else None
    due_period = latest_due_period(indicator, as_of)
    upcoming = first_period(indicator)
    if last is not None:
        upcoming = max(upcoming, shift_period(indicator, last, 1))
    base = TargetStatus(
        indicator_id=indicator.id,
        target_id=target.id if target else None,
        target_value=target.value if target else None,
        target_date=target.due if target else None,
        actual=None,
        actual_period=None,
        expected=None,
        status="no_data",
        judged="no_data",
        late=due_period is not None and due_period not in known,
        gap=None,
        forecast_date=None,
        last_period=last,
        next_due=due_date(indicator, upcoming),
    )
    if last is None:
        return base
    if target is None:
        return replace(
            base, status="no_target", judged="no_target", actual=known[last], actual_period=last
        )
    point = _judge(indicator, target, known, as_of)
    if point is None:
        return base
    gap = _gap(indicator.direction, point.actual, point.expected)
    judged = _classify(indicator, target, point, gap)
    status: Status = "late" if base.late and judged in _TRACKING else judged
    annual = indicator.kind == "flow" and target.window == "fiscal_year"
    predicted = (
        None
        if status == "achieved"
        else forecast(indicator, target.value, known, trend_window, annual)
    )
    return replace(
        base,
        actual=point.actual,
        actual_period=point.period,
        expected=point.expected,
        status=status,
        judged=judged,
        gap=gap,
        forecast_date=predicted,
    )


def evaluate_indicator(
    indicator: Indicator, figures: Sequence[Figure], as_of: dt.date, trend_window: int = 12
) -> list[TargetStatus]:
    """Return one judgement per target, or a single no_target (no_data) one without targets."""
    targets: list[Target | None] = list(indicator.targets) or [None]
    return [evaluate_target(indicator, t, figures, as_of, trend_window) for t in targets]


def headline(statuses: Sequence[TargetStatus], as_of: dt.date) -> TargetStatus:
    """Return the judgement that speaks for an indicator: its nearest target not yet due,
    else its last target."""
    if not statuses:
        raise ValueError("headline needs at least one target status")
    dated = [s for s in statuses if s.target_date is not None]
    if not dated:
        return statuses[0]
    pending = [s for s in dated if s.target_date is not None and s.target_date >= as_of]
    if pending:
        return min(pending, key=lambda s: s.target_date or dt.date.max)
    return max(dated, key=lambda s: s.target_date or dt.date.min)


def worst(statuses: Iterable[str]) -> RollupStatus:
    """Return the most severe of `statuses` by SEVERITY; no_indicator when there are none."""
    return cast(RollupStatus, min(statuses, key=SEVERITY.index, default="no_indicator"))


def status_counts(statuses: Iterable[TargetStatus | InitiativeStatus | str]) -> dict[str, int]:
    """Return how many of `statuses` have each status: every target status in SEVERITY order
    (zeros included), then no_indicator when any has it."""
    counts: dict[str, int] = dict.fromkeys(TARGET_STATUSES, 0)
    for item in statuses:
        status = item if isinstance(item, str) else item.status
        counts[status] = counts.get(status, 0) + 1
    return counts


def rollup_initiatives(
    catalog: Catalog, headlines: Mapping[str, TargetStatus]
) -> list[InitiativeStatus]:
    """Return the status of every initiative, in catalog order, from its indicators' headline
    statuses (an indicator missing from `headlines` counts as no_data)."""
    evidenced_by: dict[str, list[str]] = {item.id: [] for item in catalog.initiatives}
    for indicator in catalog.indicators:
        for ref in dict.fromkeys(indicator.initiatives):
            evidenced_by.setdefault(ref, []).append(indicator.id)
    rollup = []
    for item in catalog.initiatives:
        ids = evidenced_by[item.id]
        statuses = [headlines[i].status if i in headlines else "no_data" for i in ids]
        inconsistent = item.status == "achieved" and any(s in _CONTRADICTING for s in statuses)
        rollup.append(
            InitiativeStatus(item.id, worst(statuses), status_counts(statuses), ids, inconsistent)
        )
    return rollup
