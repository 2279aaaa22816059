"""An indicator's calendar (its periods and fiscal years) and the trend of its figures: the
least-squares line through them and the date it reaches a target. Pure functions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence

from indicators.catalog import Direction, Frequency, Indicator
from indicators.periods import (
    FISCAL_YEAR_START_MONTH,
    Granularity,
    Period,
    add_months,
    fiscal_year_of,
    format_period,
    period_end,
)

GRANULARITY: dict[Frequency, Granularity] = {
    "monthly": "month",
    "quarterly": "quarter",
    "fiscal_year": "fiscal_year",
}
MONTHS_PER_PERIOD: dict[Frequency, int] = {"monthly": 1, "quarterly": 3, "fiscal_year": 12}
PERIODS_PER_YEAR: dict[Frequency, int] = {"monthly": 12, "quarterly": 4, "fiscal_year": 1}

# Half a minute, in days: enough to absorb rounding in the fit, too little to move a date.
_DAY_ROUNDING = 1e-6


def period_of(indicator: Indicator, day: dt.date) -> dt.date:
    """Return the first day of the indicator's period that contains `day`."""
    if indicator.frequency == "fiscal_year":
        return dt.date(fiscal_year_of(day), FISCAL_YEAR_START_MONTH, 1)
    step = MONTHS_PER_PERIOD[indicator.frequency]
    # Fiscal quarters start in April, July, October and January: the calendar quarters.
    return dt.date(day.year, (day.month - 1) // step * step + 1, 1)


def period_last_day(indicator: Indicator, period: dt.date) -> dt.date:
    """Return the last day of the indicator's period that contains `period`."""
    start = period_of(indicator, period)
    return period_end(Period(start, GRANULARITY[indicator.frequency]))


def figure_day(indicator: Indicator, period: dt.date) -> dt.date:
    """Return the day a figure for `period` describes: its period's last day, or the end of
    its first month for an indicator measured then (a fiscal year's count as of April)."""
    if indicator.measured == "first_month":
        return add_months(period_of(indicator, period), 1) - dt.timedelta(days=1)
    return period_last_day(indicator, period)


def period_text(indicator: Indicator, day: dt.date) -> str:
    """The indicator's period containing `day`, as senders write it: 2026-10, FY2025 or
    FY2026Q2 (the one way periods are shown)."""
    return format_period(Period(period_of(indicator, day), GRANULARITY[indicator.frequency]))


def shift_period(indicator: Indicator, period: dt.date, count: int) -> dt.date:
    """Return the start of the period `count` periods after the one containing `period`."""
    step = MONTHS_PER_PERIOD[indicator.frequency]
    return add_months(period_of(indicator, period), count * step)


def fiscal_year_periods(indicator: Indicator, fiscal_year: int) -> list[dt.date]:
    """Return the starts of the indicator's periods in a fiscal year, April first."""
    start = dt.date(fiscal_year, FISCAL_YEAR_START_MONTH, 1)
    return [shift_period(indicator, start, i) for i in range(PERIODS_PER_YEAR[indicator.frequency])]


def fiscal_year_end(fiscal_year: int) -> dt.date:
    """Return 31 March, the last day of a fiscal year."""
    return dt.date(fiscal_year + 1, FISCAL_YEAR_START_MONTH, 1) - dt.timedelta(days=1)


def fiscal_year_totals(indicator: Indicator, known: Mapping[dt.date, float]) -> dict[int, float]:
    """Return the sum of each fiscal year whose every period has a figure, oldest year first."""
    totals = {}
    for year in sorted({fiscal_year_of(period) for period in known}):
        periods = fiscal_year_periods(indicator, year)
        # A year with a hole would look like a fall in the total; leave it out.
        if all(period in known for period in periods):
            totals[year] = sum(known[period] for period in periods)
    return totals


# The complete past years a learnt profile averages over: recent enough to follow a change.
LEARNT_YEARS = 3


def year_weights(
    indicator: Indicator, fiscal_year: int, known: Mapping[dt.date, float]
) -> dict[dt.date, float]:
    """Return each period's weight in `fiscal_year` (a period's share is its weight over
    their sum): the catalog's profile, or one learnt from the indicator's complete years
    before `fiscal_year` (their average share per period), else an even split."""
    periods = fiscal_year_periods(indicator, fiscal_year)
    weights: list[float] = [1.0] * len(periods)
    if isinstance(indicator.profile, list):
        weights = list(indicator.profile)
    elif indicator.profile == "learn":
        weights = _learnt_weights(indicator, fiscal_year, known) or weights
    return dict(zip(periods, weights, strict=True))


def _learnt_weights(
    indicator: Indicator, fiscal_year: int, known: Mapping[dt.date, float]
) -> list[float] | None:
    """The average share of each period over the last complete years before `fiscal_year`."""
    totals = fiscal_year_totals(indicator, known)
    years = [year for year, total in totals.items() if year < fiscal_year and total > 0]
    years = years[-LEARNT_YEARS:]
    if not years:
        return None
    shares = [
        [known[p] / totals[year] for p in fiscal_year_periods(indicator, year)] for year in years
    ]
    return [sum(column) / len(years) for column in zip(*shares, strict=True)]


def crossing_date(
    points: Sequence[tuple[dt.date, float]], goal: float, direction: Direction
) -> dt.date | None:
    """Return the first day the least-squares line through `points` reaches `goal`, if it
    heads there: None with fewer than 3 points or a flat or wrong-way line."""
    if len(points) < 3:
        return None
    xs = [day.toordinal() for day, _ in points]
    ys = [value for _, value in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    # Centred sums keep the fit exact for large day numbers, where polyfit's powers lose digits.
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    rise = slope * (max(xs) - min(xs))
    # A rise that is only rounding noise is a flat line.
    if abs(rise) <= 1e-9 * max(1.0, max(abs(y) for y in ys)):
        return None
    if (slope > 0) != (direction == "higher"):
        return None
    day = math.ceil(mean_x + (goal - mean_y) / slope - _DAY_ROUNDING)
    if not 1 <= day <= dt.date.max.toordinal():
        return None
    return dt.date.fromordinal(day)


def forecast(
    indicator: Indicator,
    goal: float,
    known: Mapping[dt.date, float],
    trend_window: int,
    annual: bool,
) -> dt.date | None:
    """Return the date the trend of the last `trend_window` figures (or fiscal-year totals,
    when `annual`) reaches `goal`, or None when it does not head there."""
    if annual:
        totals = fiscal_year_totals(indicator, known)
        points = [(fiscal_year_end(year), total) for year, total in totals.items()]
    else:
        # A figure describes its period: date it by the day it was taken.
        points = [(figure_day(indicator, p), known[p]) for p in sorted(known)]
    recent = points[max(len(points) - trend_window, 0) :]
    return crossing_date(recent, goal, indicator.direction)
