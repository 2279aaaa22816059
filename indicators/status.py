"""The judgement of every target, made once here and used by the CLI, flows, dashboard and
report: the figure judged, the glide path's expectation, the status, lateness and forecast,
and the rollup to initiatives. Pure functions: no database, orchestration or UI imports.

Lateness is a mark beside the status, never a status that hides one: an indicator can be
off track and late. A figure is late from the day after its due day (`due_day` days after
the day it describes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol, TypeVar, cast

from indicators.catalog import Catalog, Direction, Indicator, Target
from indicators.periods import fiscal_year_of
from indicators.trend import (
    figure_day,
    fiscal_year_end,
    fiscal_year_periods,
    fiscal_year_totals,
    forecast,
    period_of,
    shift_period,
    year_weights,
)

Status = Literal[
    "achieved", "on_track", "at_risk", "off_track", "missed", "incomplete", "no_data", "no_target"
]
RollupStatus = Status | Literal["no_indicator"]

# Most severe first. Missed is a verdict that stays; incomplete is a year whose sum cannot be
# judged because a period is missing (the missing period is late, too).
SEVERITY: tuple[RollupStatus, ...] = (
    "missed",
    "off_track",
    "incomplete",
    "at_risk",
    "no_data",
    "on_track",
    "achieved",
    "no_target",
    "no_indicator",
)
TARGET_STATUSES: tuple[Status, ...] = tuple(s for s in SEVERITY if s != "no_indicator")
# Verdicts on a target whose due date has passed that keep speaking for the indicator.
_STANDING: tuple[Status, ...] = ("missed", "incomplete")
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
    late: bool  # a figure that is due is missing (a mark beside the status)
    missing: tuple[dt.date, ...]  # the periods due without a figure, oldest first
    gap: float | None  # signed relative gap, positive = better than expected
    forecast_date: dt.date | None
    last_period: dt.date | None  # the newest period with a figure
    next_due: dt.date | None  # the due date of the oldest missing period, else the next one


@dataclass(frozen=True)
class InitiativeStatus:
    """The worst headline status of the indicators evidencing an initiative."""

    initiative_id: str
    status: RollupStatus
    counts: dict[str, int]
    indicator_ids: list[str]
    inconsistent: bool  # the catalog says achieved but an indicator is off_track or missed
    late: bool  # an indicator evidencing it has a figure overdue


@dataclass(frozen=True)
class _Point:
    """The figure a target is judged by and what the glide path expects of it."""

    actual: float
    period: dt.date
    expected: float
    final: bool  # the due date has passed and its last figure is in, or overdue
    partial: bool  # a flow's sum over part of its fiscal year


def due_date(indicator: Indicator, period: dt.date) -> dt.date:
    """Return the last day the figure for `period` is on time: `due_day` days after the day
    it describes (the 10th of the following month, by default)."""
    return figure_day(indicator, period) + dt.timedelta(days=indicator.due_day)


def overdue(indicator: Indicator, period: dt.date, as_of: dt.date) -> bool:
    """Whether the figure for `period` is late on `as_of` if it is not in: from the day after
    its due day."""
    return as_of > due_date(indicator, period)


def first_period(indicator: Indicator) -> dt.date:
    """Return the first period a figure is expected for: the one after the baseline's."""
    return shift_period(indicator, indicator.baseline.date, 1)


def latest_due_period(indicator: Indicator, as_of: dt.date) -> dt.date | None:
    """Return the newest period whose figure is overdue on `as_of` if missing, or None when
    no period after the baseline is."""
    period = period_of(indicator, as_of)
    while not overdue(indicator, period, as_of):
        period = shift_period(indicator, period, -1)
    return period if period >= first_period(indicator) else None


def latest_reportable_period(indicator: Indicator, as_of: dt.date) -> dt.date | None:
    """Return the newest period whose figure can be sent on `as_of` (the day it describes
    has passed), or None when none after the baseline can: what a template asks for."""
    period = period_of(indicator, as_of)
    while figure_day(indicator, period) >= as_of:
        period = shift_period(indicator, period, -1)
    return period if period >= first_period(indicator) else None


def missing_periods(
    indicator: Indicator, known: Mapping[dt.date, float], as_of: dt.date
) -> list[dt.date]:
    """Return the overdue periods without a figure, oldest first. A flow needs every period
    (a hole in a year leaves its sum unknown); a stock or running total only those after its
    newest figure, which the older ones would not change."""
    last_due = latest_due_period(indicator, as_of)
    if last_due is None:
        return []
    start = first_period(indicator)
    if indicator.kind != "flow" and known:
        start = max(start, shift_period(indicator, max(known), 1))
    missing, period = [], start
    while period <= last_due:
        if period not in known:
            missing.append(period)
        period = shift_period(indicator, period, 1)
    return missing


def glide(indicator: Indicator, target: Target, day: dt.date) -> float:
    """Return the value the path from the baseline to `target` expects on `day`."""
    start, goal = indicator.baseline, target.value
    if day >= target.due:
        return goal
    if target.path == "step" or day <= start.date:
        return start.value
    share = (day - start.date).days / (target.due - start.date).days
    return start.value + (goal - start.value) * share


def known_figures(
    indicator: Indicator, figures: Iterable[Figure], as_of: dt.date
) -> dict[dt.date, float]:
    """Return the figures whose period starts by `as_of`, by period start, oldest first."""
    known = {period_of(indicator, f.period): float(f.value) for f in figures if f.period <= as_of}
    return dict(sorted(known.items()))


def _judge(
    indicator: Indicator, target: Target, known: Mapping[dt.date, float], as_of: dt.date
) -> _Point | None:
    """Return the figure `target` is judged by on `as_of`, or None if there is none."""
    # The last period whose figure is taken by the due date (for a count as of April, the
    # fiscal year that began before the due date).
    last = period_of(indicator, target.due)
    # Until the figure for that period is in or overdue, a verdict would be premature.
    final = as_of > target.due and (last in known or overdue(indicator, last, as_of))
    if indicator.kind == "flow" and target.window == "fiscal_year":
        return _judge_window(indicator, target, known, as_of, final)
    candidates = [period for period in known if period <= last]
    if not candidates:
        return None
    period = candidates[-1]
    # A figure is held to the expectation for the day it describes, not today's.
    expected = glide(indicator, target, figure_day(indicator, period))
    return _Point(known[period], period, expected, final, partial=False)


def _judge_window(
    indicator: Indicator,
    target: Target,
    known: Mapping[dt.date, float],
    as_of: dt.date,
    final: bool,
) -> _Point | None:
    """Return the fiscal-year sum a flow target is judged by: the whole year after its due
    date; during the year, the periods in, against their share of the target."""
    year = fiscal_year_of(target.due)
    periods = fiscal_year_periods(indicator, year)
    present = [p for p in periods if p in known]
    if present:
        total = sum(known[p] for p in present)
        whole = len(present) == len(periods)
        if final:
            return _Point(total, present[-1], target.value, True, partial=not whole)
        weights = year_weights(indicator, year, known)
        expected = target.value * sum(weights[p] for p in present) / sum(weights.values())
        return _Point(total, present[-1], expected, False, partial=not whole)
    if final:
        return None
    # Before the year has a figure: the latest complete earlier year against the glide path
    # at its end (the baseline of a flow is a fiscal-year total too).
    totals = fiscal_year_totals(indicator, known)
    years = [y for y in totals if y < year]
    if not years:
        return None
    expected = glide(indicator, target, fiscal_year_end(years[-1]))
    last_year = years[-1]
    period = fiscal_year_periods(indicator, last_year)[-1]
    return _Point(totals[last_year], period, expected, False, False)


def meets(direction: Direction, actual: float, goal: float) -> bool:
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
    """Return the status of a judged point."""
    reached = meets(indicator.direction, point.actual, target.value)
    if point.final:
        # A year's sum with a hole is neither reached nor missed: it is not known yet.
        if point.partial:
            return "incomplete"
        return "achieved" if reached else "missed"
    # Part of a year's flow being under a ceiling says nothing about the whole year.
    if reached and not (point.partial and indicator.direction == "lower"):
        return "achieved"
    if gap is None:  # nothing was expected: judge by the side of zero the figure is on
        return "on_track" if meets(indicator.direction, point.actual, 0.0) else "off_track"
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
    known = known_figures(indicator, figures, as_of)
    last = next(reversed(known)) if known else None
    missing = missing_periods(indicator, known, as_of)
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
        late=bool(missing),
        missing=tuple(missing),
        gap=None,
        forecast_date=None,
        last_period=last,
        next_due=due_date(indicator, missing[0] if missing else upcoming),
    )
    if last is None:
        return base
    if target is None:
        return replace(base, status="no_target", actual=known[last], actual_period=last)
    point = _judge(indicator, target, known, as_of)
    if point is None:
        return base
    gap = _gap(indicator.direction, point.actual, point.expected)
    status = _classify(indicator, target, point, gap)
    annual = indicator.kind == "flow" and target.window == "fiscal_year"
    predicted = (
        None
        if status == "achieved" or point.final
        else forecast(indicator, target.value, known, trend_window, annual)
    )
    if predicted is not None and predicted <= as_of:
        # A trend that "reached" the goal on a day already past, while the figures have not,
        # forecasts nothing: a date in the past is no forecast.
        predicted = None
    return replace(
        base,
        actual=point.actual,
        actual_period=point.period,
        expected=point.expected,
        status=status,
        gap=gap,
        forecast_date=predicted,
    )


def evaluate_indicator(
    indicator: Indicator, figures: Sequence[Figure], as_of: dt.date, trend_window: int = 12
) -> list[TargetStatus]:
    """Return one judgement per target, or a single no_target (no_data) one without targets."""
    targets: list[Target | None] = list(indicator.targets) or [None]
    return [evaluate_target(indicator, t, figures, as_of, trend_window) for t in targets]


class _Dated(Protocol):
    @property
    def target_date(self) -> dt.date | None: ...


_D = TypeVar("_D", bound=_Dated)


def nearest_target(items: Sequence[_D], as_of: dt.date) -> _D:
    """Of an indicator's per-target results (statuses, grades), the one of its nearest target
    not yet due, else of its last; the first where no target has a date."""
    dated = [i for i in items if i.target_date is not None]
    if not dated:
        return items[0]
    pending = [i for i in dated if (i.target_date or dt.date.min) >= as_of]
    if pending:
        return min(pending, key=lambda i: i.target_date or dt.date.max)
    return max(dated, key=lambda i: i.target_date or dt.date.min)


def headline(statuses: Sequence[TargetStatus], as_of: dt.date) -> TargetStatus:
    """Return the judgement that speaks for an indicator: the worst of its nearest target not
    yet due (else its last) and any earlier target missed or left incomplete, which stays
    in sight after its deadline."""
    if not statuses:
        raise ValueError("headline needs at least one target status")
    speaking = nearest_target(statuses, as_of)
    dated = [s for s in statuses if s.target_date is not None]
    before = speaking.target_date or dt.date.max
    standing = [
        s for s in dated if s.status in _STANDING and (s.target_date or dt.date.max) < before
    ]
    return min([speaking, *standing], key=lambda s: SEVERITY.index(s.status))


# The verdicts that ask the owner for an improvement action (改善策), with the late mark.
ACTION_STATUSES: tuple[Status, ...] = ("off_track", "missed")


def needs_action(targets: Sequence[TargetStatus], headline: TargetStatus) -> list[str]:
    """Why an indicator asks its owner for an improvement action: each of its targets' verdicts
    that is off track or missed, and "late" when a figure is overdue; empty: none."""
    found = [s.status for s in targets if s.status in ACTION_STATUSES]
    reasons = list(dict.fromkeys(found))
    return [*reasons, "late"] if headline.late else reasons


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
        late = any(headlines[i].late for i in ids if i in headlines)
        inconsistent = item.status == "achieved" and any(s in _CONTRADICTING for s in statuses)
        rollup.append(
            InitiativeStatus(
                item.id, worst(statuses), status_counts(statuses), ids, inconsistent, late
            )
        )
    return rollup
