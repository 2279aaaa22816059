"""Target judgements: every kind, direction and status, glide paths, fiscal-year windows,
due dates and lateness, forecasts, headlines and the rollup to initiatives. Expected
values are worked out by hand and written as numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import display
from indicators.catalog import GradeScheme, Indicator, load_catalog
from indicators.evaluation import judge as judge_all
from indicators.grades import Grade, grade_indicator, speaking
from indicators.status import (
    SEVERITY,
    Figure,
    TargetStatus,
    due_date,
    evaluate_indicator,
    evaluate_target,
    glide,
    headline,
    latest_due_period,
    rollup_initiatives,
    status_counts,
)
from indicators.trend import crossing_date, fiscal_year_totals
from kernel.settings import PACKAGE_CATALOG
from kernel.vocabulary import Lang

D = dt.date
CATALOG = load_catalog(PACKAGE_CATALOG)
REAL = {indicator.id: indicator for indicator in CATALOG.indicators}
BASELINE_DAY, DUE_DAY = D(2025, 3, 31), D(2027, 3, 31)


def make(
    kind: str = "stock",
    direction: str = "higher",
    baseline: float = 100.0,
    target: float | None = 200.0,
    *,
    frequency: str = "monthly",
    baseline_date: dt.date = BASELINE_DAY,
    due: dt.date = DUE_DAY,
    **target_extra: object,
) -> Indicator:
    """An indicator shaped like the real Wi-Fi one, with one target; a flow gets FY windows."""
    window = "fiscal_year" if kind == "flow" else None
    data = REAL["wifi_access_points"].model_dump()
    data.update(
        kind=kind,
        direction=direction,
        frequency=frequency,
        baseline={"value": baseline, "date": baseline_date, "source": "test", "window": window},
        targets=[]
        if target is None
        else [{"id": "t", "value": target, "due": due, "window": window, **target_extra}],
    )
    return Indicator.model_validate(data)


def monthly(start: dt.date, values: list[float]) -> list[Figure]:
    """Figures for consecutive months from `start`."""
    figures = []
    for i, value in enumerate(values):
        index = start.year * 12 + start.month - 1 + i
        figures.append(Figure(D(index // 12, index % 12 + 1, 1), value))
    return figures


def judge(indicator: Indicator, figures: list[Figure], as_of: dt.date, **kw) -> TargetStatus:
    target = indicator.targets[0] if indicator.targets else None
    return evaluate_target(indicator, target, figures, as_of, **kw)


# --- each kind x direction x status ---------------------------------------------------------
# Stock and cumulative: baseline 100 on 2025-03-31, target due 2027-03-31 (730 days later);
# the March 2026 figure ends 365 days in, half way: expected 150 (higher, to 200) or 75
# (lower, to 50). as_of 2026-04-15: the March figure was due 04-10 and is in; on 2026-05-11
# April's (due 05-10) is late: a mark beside the status, which stays what it is.
MID, MID_LATE, AFTER = D(2026, 4, 15), D(2026, 5, 11), D(2027, 4, 15)
MARCH26, MARCH27 = D(2026, 3, 1), D(2027, 3, 1)
# case: (target, figures, as_of, status, actual, expected, gap, late)
LEVEL_CASES = {
    "higher": {
        "achieved": (200, [(MARCH26, 200)], MID, "achieved", 200, 150, 0.3333333, False),
        "on_track": (200, [(MARCH26, 165)], MID, "on_track", 165, 150, 0.1, False),
        "at_risk": (200, [(MARCH26, 135)], MID, "at_risk", 135, 150, -0.1, False),
        "off_track": (200, [(MARCH26, 120)], MID, "off_track", 120, 150, -0.2, False),
        "late": (200, [(MARCH26, 165)], MID_LATE, "on_track", 165, 150, 0.1, True),
        "late_and_off": (200, [(MARCH26, 120)], MID_LATE, "off_track", 120, 150, -0.2, True),
        "missed": (200, [(MARCH27, 190)], AFTER, "missed", 190, 200, -0.05, False),
        "achieved_final": (200, [(MARCH27, 200)], AFTER, "achieved", 200, 200, 0.0, False),
        "no_data": (200, [], MID, "no_data", None, None, None, True),
        "no_target": (None, [(MARCH26, 165)], MID, "no_target", 165, None, None, False),
    },
    "lower": {
        "achieved": (50, [(MARCH26, 50)], MID, "achieved", 50, 75, 0.3333333, False),
        "on_track": (50, [(MARCH26, 67.5)], MID, "on_track", 67.5, 75, 0.1, False),
        "at_risk": (50, [(MARCH26, 82.5)], MID, "at_risk", 82.5, 75, -0.1, False),
        "off_track": (50, [(MARCH26, 90)], MID, "off_track", 90, 75, -0.2, False),
        "late": (50, [(MARCH26, 67.5)], MID_LATE, "on_track", 67.5, 75, 0.1, True),
        "missed": (50, [(MARCH27, 55)], AFTER, "missed", 55, 50, -0.1, False),
        "achieved_final": (50, [(MARCH27, 50)], AFTER, "achieved", 50, 50, 0.0, False),
        "no_data": (50, [], MID, "no_data", None, None, None, True),
        "no_target": (None, [(MARCH26, 67.5)], MID, "no_target", 67.5, None, None, False),
    },
}

# Flow, monthly, with fiscal-year windows: baseline FY2025's total (dated 2026-03-31) of 1200
# (higher, target 2400) or 2400 (lower, target 1200) for FY2026. as_of 2026-10-15: April to
# September are in (September's was due 10-10), so 6/12 of the target is expected: 1200 or
# 600. On 2026-11-11 October's figure is late.
IN_YEAR, IN_YEAR_LATE, AFTER_YEAR = D(2026, 10, 15), D(2026, 11, 11), D(2027, 4, 15)
APR26 = D(2026, 4, 1)
FLOW_CASES = {
    "higher": {
        "achieved": (2400, [400] * 6, IN_YEAR, "achieved", 2400, 1200, 1.0, False),
        "on_track": (2400, [220] * 6, IN_YEAR, "on_track", 1320, 1200, 0.1, False),
        "at_risk": (2400, [180] * 6, IN_YEAR, "at_risk", 1080, 1200, -0.1, False),
        "off_track": (2400, [150] * 6, IN_YEAR, "off_track", 900, 1200, -0.25, False),
        "late": (2400, [220] * 6, IN_YEAR_LATE, "on_track", 1320, 1200, 0.1, True),
        "missed": (2400, [190] * 12, AFTER_YEAR, "missed", 2280, 2400, -0.05, False),
        "achieved_final": (2400, [200] * 12, AFTER_YEAR, "achieved", 2400, 2400, 0.0, False),
        "no_data": (2400, [], IN_YEAR, "no_data", None, None, None, True),
        "no_target": (None, [220] * 6, IN_YEAR, "no_target", 220, None, None, False),
    },
    "lower": {
        # A part-year sum under the ceiling is not yet an achievement: on track at best.
        "achieved": (1200, [100] * 12, AFTER_YEAR, "achieved", 1200, 1200, 0.0, False),
        "on_track": (1200, [90] * 6, IN_YEAR, "on_track", 540, 600, 0.1, False),
        "at_risk": (1200, [110] * 6, IN_YEAR, "at_risk", 660, 600, -0.1, False),
        "off_track": (1200, [120] * 6, IN_YEAR, "off_track", 720, 600, -0.2, False),
        "late": (1200, [90] * 6, IN_YEAR_LATE, "on_track", 540, 600, 0.1, True),
        "missed": (1200, [110] * 12, AFTER_YEAR, "missed", 1320, 1200, -0.1, False),
        "achieved_early_is_not": (1200, [10] * 6, IN_YEAR, "on_track", 60, 600, 0.9, False),
        "no_data": (1200, [], IN_YEAR, "no_data", None, None, None, True),
        "no_target": (None, [90] * 6, IN_YEAR, "no_target", 90, None, None, False),
    },
}


def _check(result: TargetStatus, status, actual, expected, gap, late) -> None:
    assert result.status == status
    assert result.late is late
    assert result.actual == (None if actual is None else pytest.approx(actual))
    assert result.expected == (None if expected is None else pytest.approx(expected))
    assert result.gap == (None if gap is None else pytest.approx(gap, abs=1e-7))


@pytest.mark.parametrize("kind", ["stock", "cumulative"])
@pytest.mark.parametrize(
    ("direction", "case"),
    [(direction, case) for direction, cases in LEVEL_CASES.items() for case in cases],
)
def test_stock_and_cumulative_statuses(kind: str, direction: str, case: str) -> None:
    target, points, as_of, status, actual, expected, gap, late = LEVEL_CASES[direction][case]
    indicator = make(kind, direction, 100, target)
    result = judge(indicator, [Figure(p, v) for p, v in points], as_of)
    _check(result, status, actual, expected, gap, late)
    if points:
        assert result.actual_period == points[-1][0]


@pytest.mark.parametrize(
    ("direction", "case"),
    [(direction, case) for direction, cases in FLOW_CASES.items() for case in cases],
)
def test_flow_window_statuses(direction: str, case: str) -> None:
    target, values, as_of, status, actual, expected, gap, late = FLOW_CASES[direction][case]
    baseline = 1200 if direction == "higher" else 2400
    indicator = make("flow", direction, baseline, target, baseline_date=D(2026, 3, 31))
    result = judge(indicator, monthly(APR26, values), as_of)
    _check(result, status, actual, expected, gap, late)
    if values:  # the last period in the sum (or, without a target, the latest figure)
        assert result.actual_period == (D(2026, 9, 1) if len(values) == 6 else MARCH27)


# --- the tolerance band -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tolerance", "value", "status"),
    [
        (None, 135.0, "at_risk"),  # gap exactly -10 %: inside the band
        (None, 134.99, "off_track"),
        (None, 149.99, "at_risk"),
        (None, 150.0, "on_track"),
        (0.2, 121.0, "at_risk"),  # the target's own tolerance wins: gap -19.3 %
        (0.2, 119.0, "off_track"),  # gap -20.7 %
    ],
)
def test_tolerance_band(tolerance: float | None, value: float, status: str) -> None:
    indicator = make(tolerance=tolerance) if tolerance else make()
    assert judge(indicator, [Figure(MARCH26, value)], MID).status == status


def test_indicator_tolerance_used_without_a_target_tolerance() -> None:
    indicator = make().model_copy(update={"tolerance": 0.05})
    assert judge(indicator, [Figure(MARCH26, 141)], MID).status == "off_track"  # gap -6 %
    assert judge(indicator, [Figure(MARCH26, 143)], MID).status == "at_risk"  # gap -4.7 %


# --- glide paths --------------------------------------------------------------------------------
def test_linear_path_on_the_real_wifi_target() -> None:
    """591 on 2019-03-31 to 700 on 2023-03-31 (1461 days); 2021-03-31 is 731 days in:
    591 + 109 × 731 / 1461 = 645.5373."""
    indicator = REAL["wifi_access_points"]
    result = evaluate_indicator(indicator, [Figure(D(2021, 3, 1), 643)], D(2021, 4, 15))[0]
    assert result.target_id == "wifi_access_points-fy2022"
    assert result.expected == pytest.approx(645.5373, abs=1e-4)
    assert result.gap == pytest.approx(-0.0039305, abs=1e-6)
    assert result.status == "at_risk"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2019, 3, 31), 591.0),
        (D(2018, 1, 1), 591.0),  # before the baseline: the baseline
        (D(2023, 3, 31), 700.0),
        (D(2030, 1, 1), 700.0),  # after the due date: the target
    ],
)
def test_linear_path_ends(day: dt.date, expected: float) -> None:
    indicator = REAL["wifi_access_points"]
    assert glide(indicator, indicator.targets[0], day) == expected


@pytest.mark.parametrize(
    ("figures", "as_of", "status", "expected"),
    [
        # Step path of the real open-data target: 5 until 2028-03-31, then 30.
        ([(D(2027, 10, 1), 5)], D(2028, 1, 15), "on_track", 5),
        ([(D(2027, 10, 1), 4.5)], D(2028, 1, 15), "at_risk", 5),  # gap -10 %
        ([(D(2027, 10, 1), 4)], D(2028, 1, 15), "off_track", 5),
        ([(D(2027, 10, 1), 30)], D(2028, 1, 15), "achieved", 5),
        ([(D(2028, 1, 1), 29)], D(2028, 4, 15), "missed", 30),
        ([(D(2028, 1, 1), 30)], D(2028, 4, 15), "achieved", 30),
    ],
)
def test_step_path(figures, as_of: dt.date, status: str, expected: float) -> None:
    indicator = REAL["opendata_private_services"]
    result = evaluate_indicator(indicator, [Figure(p, v) for p, v in figures], as_of)[0]
    assert (result.status, result.expected) == (status, expected)
    target = indicator.targets[0]
    assert glide(indicator, target, D(2028, 3, 30)) == 5
    assert glide(indicator, target, D(2028, 3, 31)) == 30


# --- after the due date, before its last figure is due -------------------------------------
@pytest.mark.parametrize(
    ("figures", "as_of", "status", "late"),
    [
        # 2027-04-05: due date passed, but March's figure is on time until 04-10. February's
        # 190 against the path at 2027-02-28 (699 of 730 days: 195.75) is only at risk.
        ([(D(2027, 2, 1), 190)], D(2027, 4, 5), "at_risk", False),
        ([(D(2027, 2, 1), 190)], D(2027, 4, 10), "at_risk", False),  # the due day itself
        ([(D(2027, 2, 1), 190)], D(2027, 4, 11), "missed", True),  # March is overdue: verdict
        ([(D(2027, 2, 1), 190), (MARCH27, 200)], D(2027, 4, 5), "achieved", False),
        ([(D(2027, 2, 1), 190), (MARCH27, 199)], D(2027, 4, 5), "missed", False),
    ],
)
def test_verdict_waits_for_the_last_figure(figures, as_of, status, late) -> None:
    result = judge(make(), [Figure(p, v) for p, v in figures], as_of)
    assert (result.status, result.late) == (status, late)


# --- fiscal-year windows ------------------------------------------------------------------------
def test_window_takes_april_to_march() -> None:
    """March 2026 belongs to FY2025 and April 2027 to FY2027: neither is in FY2026's sum."""
    figures = [
        Figure(D(2026, 3, 1), 1000),
        *monthly(APR26, [100] * 12),
        Figure(D(2027, 4, 1), 1000),
    ]
    result = judge(make("flow", "lower", 2400, 1200), figures, D(2027, 6, 1))
    assert (result.actual, result.actual_period, result.status) == (1200, MARCH27, "achieved")


@pytest.mark.parametrize(
    ("frequency", "figures", "totals"),
    [
        ("monthly", [(D(2026, 3, 1), 7), *((D(2026, m, 1), 1) for m in range(4, 13))], {}),
        (
            "monthly",
            [(D(2025, 3, 1), 7), *((p.period, p.value) for p in monthly(APR26, [1] * 12))],
            {2026: 12},
        ),
        (
            "quarterly",
            [(D(2025, 4, 1), 1), (D(2025, 7, 1), 2), (D(2025, 10, 1), 3), (D(2026, 1, 1), 4)],
            {2025: 10},  # the January quarter closes FY2025
        ),
        ("quarterly", [(D(2026, 1, 1), 4), (APR26, 1), (D(2026, 7, 1), 2)], {}),
        ("fiscal_year", [(D(2024, 4, 1), 5), (D(2025, 4, 1), 6)], {2024: 5, 2025: 6}),
    ],
)
def test_fiscal_year_totals_of_complete_years(frequency, figures, totals) -> None:
    indicator = make("flow", frequency=frequency)
    assert fiscal_year_totals(indicator, dict(figures)) == totals


@pytest.mark.parametrize(
    ("figures", "as_of", "status", "actual", "expected", "period"),
    [
        # In the year, April not yet due (05-10): FY2025's complete total against the path
        # at 2026-03-31, half way from 1200 to 2400.
        (monthly(D(2025, 4, 1), [150] * 12), D(2026, 4, 20), "on_track", 1800, 1800, MARCH26),
        # Before the year: FY2024 (the baseline year, path = 1200) is the latest complete one.
        # (FY2025 runs to October, all that is due on 2025-12-01.)
        (
            monthly(D(2024, 4, 1), [100] * 11 + [0] + [100] * 7),
            D(2025, 12, 1),
            "at_risk",
            1100,
            1200,
            D(2025, 3, 1),
        ),
        # An incomplete year is passed over; with no complete one there is nothing to judge.
        (monthly(D(2025, 4, 1), [150] * 11), D(2026, 4, 20), "no_data", None, None, None),
        # September is in early (due 10-10): it counts with its share, 6/12 of 2400.
        (monthly(APR26, [200] * 6), D(2026, 10, 5), "on_track", 1200, 1200, D(2026, 9, 1)),
    ],
)
def test_window_before_and_during_the_year(figures, as_of, status, actual, expected, period):
    result = judge(make("flow", "higher", 1200, 2400), figures, as_of)
    assert (result.status, result.actual, result.expected) == (status, actual, expected)
    assert result.actual_period == period


def test_window_counts_figures_that_are_in() -> None:
    """July missing and overdue, August in: the five months in are held to 5/12, and July
    is late until it arrives."""
    figures = [f for f in monthly(APR26, [200] * 6) if f.period != D(2026, 7, 1)]
    indicator = make("flow", "higher", 1200, 2400, baseline_date=D(2026, 3, 31))
    result = judge(indicator, figures, IN_YEAR)
    assert (result.actual, result.expected, result.status) == (1000, 1000, "on_track")
    assert (result.late, result.missing, result.next_due) == (
        True,
        (D(2026, 7, 1),),
        D(2026, 8, 10),
    )


# --- due dates and lateness -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frequency", "period", "due_day", "due"),
    [
        ("monthly", D(2026, 9, 1), 10, D(2026, 10, 10)),
        ("monthly", D(2026, 12, 1), 10, D(2027, 1, 10)),
        ("monthly", D(2026, 9, 1), 25, D(2026, 10, 25)),
        ("monthly", D(2026, 9, 17), 10, D(2026, 10, 10)),  # any day names its period
        ("quarterly", D(2026, 7, 1), 10, D(2026, 10, 10)),  # Q2 FY2026
        ("quarterly", D(2027, 1, 1), 10, D(2027, 4, 10)),  # Q4 FY2026
        ("fiscal_year", D(2025, 4, 1), 10, D(2026, 4, 10)),  # FY2025
        ("fiscal_year", D(2025, 4, 1), 1, D(2026, 4, 1)),
    ],
)
def test_due_date(frequency: str, period: dt.date, due_day: int, due: dt.date) -> None:
    indicator = make(frequency=frequency).model_copy(update={"due_day": due_day})
    assert due_date(indicator, period) == due


@pytest.mark.parametrize(
    ("frequency", "as_of", "period"),
    [
        # A figure is overdue from the day after its due day (the 10th of the next month).
        ("monthly", D(2026, 10, 9), D(2026, 8, 1)),
        ("monthly", D(2026, 10, 10), D(2026, 8, 1)),
        ("monthly", D(2026, 10, 11), D(2026, 9, 1)),
        ("monthly", D(2026, 10, 31), D(2026, 9, 1)),
        ("quarterly", D(2026, 10, 10), D(2026, 4, 1)),
        ("quarterly", D(2026, 10, 11), D(2026, 7, 1)),
        ("fiscal_year", D(2026, 4, 10), D(2024, 4, 1)),
        ("fiscal_year", D(2026, 4, 11), D(2025, 4, 1)),
        ("monthly", D(2019, 4, 30), None),  # only March 2019, the baseline's month, is due
        ("monthly", D(2019, 5, 10), None),
        ("monthly", D(2019, 5, 11), D(2019, 4, 1)),
        ("fiscal_year", D(2020, 4, 10), None),  # FY2018 holds the baseline
        ("fiscal_year", D(2020, 4, 11), D(2019, 4, 1)),
    ],
)
def test_latest_due_period(frequency: str, as_of: dt.date, period: dt.date | None) -> None:
    indicator = make(frequency=frequency, baseline_date=D(2019, 3, 31))
    assert latest_due_period(indicator, as_of) == period


@pytest.mark.parametrize(
    ("as_of", "status", "late"),
    [
        (D(2026, 10, 9), "on_track", False),  # September's figure is due tomorrow
        (D(2026, 10, 10), "on_track", False),  # due today: not late yet
        (D(2026, 10, 11), "on_track", True),  # late from the day after, beside the status
    ],
)
def test_late_around_the_due_day(as_of: dt.date, status: str, late: bool) -> None:
    result = judge(make(), monthly(D(2026, 6, 1), [190, 190, 190]), as_of)
    assert (result.status, result.late) == (status, late)
    assert result.last_period == D(2026, 8, 1)
    assert result.next_due == D(2026, 10, 10)
    assert result.gap is not None and result.gap > 0  # kept, for the alert rules


@pytest.mark.parametrize(
    ("figures", "as_of", "last_period", "next_due"),
    [
        ([], D(2026, 1, 1), None, D(2025, 5, 10)),  # April 2025, the first after the baseline
        ([(MARCH26, 150)], MID_LATE, MARCH26, D(2026, 5, 10)),  # April's, overdue
        ([(MARCH26, 150), (D(2026, 4, 1), 150)], MID_LATE, D(2026, 4, 1), D(2026, 6, 10)),
    ],
)
def test_last_period_and_next_due(figures, as_of, last_period, next_due) -> None:
    result = judge(make(), [Figure(p, v) for p, v in figures], as_of)
    assert (result.last_period, result.next_due) == (last_period, next_due)


def test_figures_after_as_of_are_ignored() -> None:
    figures = [Figure(MARCH26, 165), Figure(D(2026, 5, 1), 100)]
    result = judge(make(), figures, MID)
    assert (result.actual, result.last_period, result.status) == (165, MARCH26, "on_track")


# --- forecasts ------------------------------------------------------------------------------
# Month ends 2026-01-31, 02-28, 03-31, 04-30 are days 0, 28, 59, 89; the values move 2 a day,
# so they reach the target on day 150, 2026-06-30.
LINE_UP = [1000, 1056, 1118, 1178]
LINE_DOWN = [1000, 944, 882, 822]


@pytest.mark.parametrize(
    ("direction", "values", "target", "window", "forecast"),
    [
        ("higher", LINE_UP, 1300, 12, D(2026, 6, 30)),
        ("lower", LINE_DOWN, 700, 12, D(2026, 6, 30)),
        ("higher", [5000, *LINE_UP], 1300, 4, D(2026, 6, 30)),  # the outlier is outside
        ("higher", LINE_UP[:2], 1300, 12, None),  # fewer than 3 figures
        ("higher", [1000, 1000, 1000], 1300, 12, None),  # flat
        ("higher", LINE_DOWN, 1300, 12, None),  # the wrong way
        ("lower", LINE_UP, 700, 12, None),
        ("higher", LINE_UP, 1100, 12, None),  # already achieved
    ],
)
def test_forecast_on_a_straight_line(direction, values, target, window, forecast) -> None:
    baseline = 900 if direction == "higher" else 1100
    indicator = make("stock", direction, baseline, target, baseline_date=D(2025, 12, 31))
    start = D(2026, 1, 1) if len(values) != 5 else D(2025, 12, 1)
    result = judge(indicator, monthly(start, values), D(2026, 5, 15), trend_window=window)
    assert result.forecast_date == forecast


def test_forecast_of_a_flow_fits_complete_year_totals() -> None:
    """FY totals 1000, 1366, 1731 at 2023-03-31, 2024-03-31 (+366), 2025-03-31 (+731): one a
    day, so 2096 comes on day 1096, 2026-03-31. FY2025 is incomplete and left out."""
    figures = []
    for year, total in [(2022, 1000), (2023, 1366), (2024, 1731)]:
        figures += monthly(D(year, 4, 1), [total] + [0] * 11)
    figures += monthly(D(2025, 4, 1), [500] * 3)
    indicator = make("flow", "higher", 1000, 2096, baseline_date=D(2023, 3, 31))
    result = judge(indicator, figures, D(2025, 7, 15))
    assert result.status == "on_track"  # FY2024's 1731 against the path's 1548.4
    assert result.forecast_date == D(2026, 3, 31)


def test_a_crossing_already_past_is_no_forecast() -> None:
    """1000, 1056, 1118, 1178 from January to April reach 1300 on 2026-06-30 by the line; on
    2026-08-15, with no figure since April, that day is past and nothing is forecast."""
    indicator = make("stock", "higher", 900, 1300, baseline_date=D(2025, 12, 31))
    figures = monthly(D(2026, 1, 1), LINE_UP)
    assert judge(indicator, figures, D(2026, 6, 29)).forecast_date == D(2026, 6, 30)
    assert judge(indicator, figures, D(2026, 8, 15)).forecast_date is None


def test_crossing_date_is_exact_far_from_the_epoch() -> None:
    points = [(D(2100, 1, 1), 0.0), (D(2100, 1, 11), 1.0), (D(2100, 1, 21), 2.0)]
    assert crossing_date(points, 10.0, "higher") == D(2100, 4, 11)


# --- indicators, headlines and the rollup -------------------------------------------------------
def test_indicator_without_targets() -> None:
    indicator = REAL["tablets_deployed"]
    [with_figures] = evaluate_indicator(indicator, [Figure(D(2024, 4, 1), 2500)], D(2025, 5, 1))
    assert (with_figures.status, with_figures.actual, with_figures.target_id) == (
        "no_target",
        2500,
        None,
    )
    [without] = evaluate_indicator(indicator, [], D(2025, 5, 1))
    assert (without.status, without.actual) == ("no_data", None)


@pytest.mark.parametrize(
    ("as_of", "target_id"),
    [
        (D(2021, 6, 1), "wifi_access_points-fy2022"),
        (D(2023, 3, 31), "wifi_access_points-fy2022"),  # due today: not yet due
        (D(2023, 4, 1), "wifi_access_points-fy2027"),
        (D(2030, 1, 1), "wifi_access_points-fy2027"),  # all due: the last
    ],
)
def test_headline_is_the_nearest_target_not_yet_due(as_of: dt.date, target_id: str) -> None:
    statuses = evaluate_indicator(REAL["wifi_access_points"], [], as_of)
    assert headline(statuses, as_of).target_id == target_id


def test_headline_of_one_without_target_and_of_none() -> None:
    [only] = evaluate_indicator(REAL["tablets_deployed"], [], D(2025, 1, 1))
    assert headline([only], D(2025, 1, 1)) is only
    with pytest.raises(ValueError):
        headline([], D(2025, 1, 1))


def _headline(indicator_id: str, status: str, late: bool = False) -> TargetStatus:
    return TargetStatus(
        indicator_id, None, None, None, None, None, None, status, late, (), None, None, None, None
    )


HEADLINES = {
    "wifi_access_points": "on_track",
    "wifi_facilities": "at_risk",
    "mebyo_registrations": "off_track",
    "opendata_private_services": "achieved",
    "system_running_cost": "missed",
    "system_count": "incomplete",
    "tablets_deployed": "no_target",
    "phone_line_savings": "no_data",
    # etax_payments is left out: it counts as no_data
}


def test_rollup_over_the_real_catalog() -> None:
    headlines = {key: _headline(key, status) for key, status in HEADLINES.items()}
    rollup = rollup_initiatives(CATALOG, headlines)
    assert [r.initiative_id for r in rollup] == [item.id for item in CATALOG.initiatives]
    assert len(rollup) == 101
    by_id = {r.initiative_id: r for r in rollup}
    assert by_id["28"].status == "at_risk"
    assert by_id["28"].indicator_ids == ["wifi_access_points", "wifi_facilities"]
    assert {k: v for k, v in by_id["28"].counts.items() if v} == {"at_risk": 1, "on_track": 1}
    assert (by_id["44"].status, by_id["44"].inconsistent) == ("missed", False)  # in progress
    assert by_id["44-1"].status == "incomplete"
    assert (by_id["24-1"].status, by_id["24-1"].inconsistent) == ("off_track", True)
    assert (by_id["36d"].status, by_id["36d"].inconsistent) == ("achieved", False)
    assert by_id["33"].status == "no_data"
    assert by_id["40"].status == "no_target"
    assert by_id["p3-05-a"].status == "no_data"
    uncovered = [r for r in rollup if r.status == "no_indicator"]
    assert len(uncovered) == 88  # 101 less the 13 initiatives the 9 indicators evidence
    assert all(r.indicator_ids == [] and not r.inconsistent for r in uncovered)
    assert sum(status_counts(rollup).values()) == 101
    assert status_counts(rollup)["no_indicator"] == 88


@pytest.mark.parametrize(
    ("status", "inconsistent"),
    [("missed", True), ("off_track", True), ("incomplete", False), ("at_risk", False)],
)
def test_inconsistency_flag(status: str, inconsistent: bool) -> None:
    """44-1 is achieved in the catalog; system_count alone evidences it."""
    rollup = rollup_initiatives(CATALOG, {"system_count": _headline("system_count", status)})
    by_id = {r.initiative_id: r for r in rollup}
    assert by_id["44-1"].inconsistent is inconsistent
    assert by_id["44"].inconsistent is False  # in progress: nothing to contradict


def test_status_counts_and_severity() -> None:
    assert SEVERITY[0] == "missed" and SEVERITY[-1] == "no_indicator"
    counts = status_counts(["incomplete", "incomplete", "achieved"])
    assert list(counts) == list(SEVERITY[:-1])
    assert counts == {
        "missed": 0,
        "off_track": 0,
        "incomplete": 2,
        "at_risk": 0,
        "no_data": 0,
        "on_track": 0,
        "achieved": 1,
        "no_target": 0,
    }


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 400), st.floats(0, 400))
def test_a_better_figure_never_judges_worse(low: float, high: float) -> None:
    low, high = sorted((low, high))
    rank = {status: i for i, status in enumerate(SEVERITY)}
    for direction, (worse, better) in [("higher", (low, high)), ("lower", (high, low))]:
        indicator = make("stock", direction, 100, 200 if direction == "higher" else 50)
        judged = [judge(indicator, [Figure(MARCH26, v)], MID).status for v in (worse, better)]
        assert rank[judged[1]] >= rank[judged[0]]


# --- the scenarios of the "one truth" review, worked out by hand ------------------------------
# A monthly flow: FY2021's 560,000 as baseline (2022-03-31), 650,000 targeted for FY2022.
ETAX_LIKE = {"baseline": 560_000, "target": 650_000, "baseline_date": D(2022, 3, 31)}


def _etax_like(direction: str = "higher", **extra: object) -> Indicator:
    return make(
        "flow",
        direction,
        ETAX_LIKE["baseline"],
        ETAX_LIKE["target"],
        baseline_date=ETAX_LIKE["baseline_date"],
        due=D(2023, 3, 31),
        **extra,
    )


def _fy2022(values: dict[int, float]) -> list[Figure]:
    """Figures for FY2022 by month number (4 … 12, 1 … 3)."""
    return [Figure(D(2022 if m >= 4 else 2023, m, 1), v) for m, v in values.items()]


def test_a_missing_month_stays_late_and_the_year_is_incomplete_until_it_arrives() -> None:
    """October 2022 missing. On 2023-01-15 eight months are in (Apr–Sep, Nov, Dec): 440,000
    against 8/12 of 650,000 = 433,333.33, +1.54 %: on track, and late for October. After the
    year, 11 × 55,000 = 605,000 is not a verdict: incomplete (and still late)."""
    months = {m: 55_000 for m in (4, 5, 6, 7, 8, 9, 11, 12, 1, 2, 3)}
    indicator = _etax_like()
    during = judge(
        indicator, _fy2022({m: v for m, v in months.items() if m not in (1, 2, 3)}), D(2023, 1, 15)
    )
    assert (during.status, during.actual) == ("on_track", 440_000)
    assert during.expected == pytest.approx(433_333.3333, abs=1e-3)
    assert during.gap == pytest.approx(0.0153846, abs=1e-6)
    assert (during.late, during.missing, during.next_due) == (
        True,
        (D(2022, 10, 1),),
        D(2022, 11, 10),
    )
    after = judge(indicator, _fy2022(months), D(2023, 4, 15))
    assert (after.status, after.actual, after.late) == ("incomplete", 605_000, True)
    arrived = judge(indicator, _fy2022({**months, 10: 45_000}), D(2023, 4, 15))
    assert (arrived.status, arrived.actual, arrived.late) == ("achieved", 650_000, False)


def test_a_lower_flow_with_months_missing_is_not_achieved() -> None:
    """A ceiling of 650,000 with four months never sent: 8 × 50,000 = 400,000 is under it,
    but the year is not known: incomplete."""
    values = {m: 50_000 for m in (4, 5, 6, 7, 8, 9, 10, 11)}
    result = judge(_etax_like("lower"), _fy2022(values), D(2023, 5, 1))
    assert (result.status, result.actual, len(result.missing)) == ("incomplete", 400_000, 4)


def test_a_missed_target_stays_in_the_headline_after_its_deadline() -> None:
    """Wi-Fi: 700 by 2023-03-31 (missed with 650), then 900 by 2028-03-31. On 2023-04-20 the
    next target speaks (650 on the path to 900 at 2023-03-31: 700 exactly, so off track by
    7.1 %), but the missed one is worse and stays the headline."""
    indicator = REAL["wifi_access_points"]
    figures = [Figure(D(2023, 3, 1), 650)]
    statuses = evaluate_indicator(indicator, figures, D(2023, 4, 20))
    assert [s.status for s in statuses] == ["missed", "off_track"]
    assert headline(statuses, D(2023, 4, 20)).target_id == "wifi_access_points-fy2022"
    rollup = rollup_initiatives(CATALOG, {indicator.id: headline(statuses, D(2023, 4, 20))})
    assert next(r for r in rollup if r.initiative_id == "28").status == "missed"


def test_an_indicator_that_never_reported_is_late_once_its_first_figure_is_due() -> None:
    """Baseline 2025-03-31: April 2025's figure is due 2025-05-10."""
    on_the_day = judge(make(), [], D(2025, 5, 10))
    day_after = judge(make(), [], D(2025, 5, 11))
    assert (on_the_day.status, on_the_day.late) == ("no_data", False)
    assert (day_after.status, day_after.late, day_after.missing) == (
        "no_data",
        True,
        (D(2025, 4, 1),),
    )


def test_a_count_as_of_april_is_judged_on_its_own_day() -> None:
    """Running cost 60 as of 2018-04-30, to 50 by 2028-03-31 (3,623 days). FY2019's 58.9 is
    counted as of April 2019: the path on 2019-04-30 (365 days in) is 60 − 10 × 365/3623 =
    58.9925; lower is better, so +0.157 %: on track (at 2020-03-31 it would be 58.0651 and
    the same figure at risk)."""
    indicator = REAL["system_running_cost"]
    assert indicator.measured == "first_month"
    [result] = evaluate_indicator(indicator, [Figure(D(2019, 4, 1), 58.9)], D(2019, 6, 1))
    assert result.expected == pytest.approx(58.99255, abs=1e-5)
    assert (result.status, result.late) == ("on_track", False)
    assert due_date(indicator, D(2019, 4, 1)) == D(2019, 5, 10)
    as_at_year_end = indicator.model_copy(update={"measured": "period_end"})
    [old] = evaluate_indicator(as_at_year_end, [Figure(D(2019, 4, 1), 58.9)], D(2020, 5, 1))
    assert old.expected == pytest.approx(58.06514, abs=1e-5) and old.status == "at_risk"


def test_a_learnt_season_keeps_a_quiet_april_on_track() -> None:
    """Two past years of 1,000 with April 50 and May 260 (the car tax), the other ten
    months 69 each. FY2026 targets 1,200: April's 60 is 5 % of it, on track; an even split
    would have expected 100 and called it off track by 40 %."""
    past = {4: 50, 5: 260, **{m: 69 for m in (6, 7, 8, 9, 10, 11, 12, 1, 2, 3)}}
    figures = [
        Figure(D(year if m >= 4 else year + 1, m, 1), v)
        for year in (2024, 2025)
        for m, v in past.items()
    ] + [Figure(APR26, 60)]
    even = make("flow", "higher", 1000, 1200, baseline_date=D(2024, 3, 31))
    learnt = even.model_copy(update={"profile": "learn"})
    result = judge(learnt, figures, D(2026, 5, 15))
    assert result.expected == pytest.approx(60.0)
    assert (result.status, result.gap) == ("on_track", pytest.approx(0.0, abs=1e-9))
    flat = judge(even, figures, D(2026, 5, 15))
    assert (flat.expected, flat.status) == (100.0, "off_track")
    assert flat.gap == pytest.approx(-0.4)


# --- progress grades (A 達成, B 前進, C 横ばい, D 後退) ----------------------------------------
# Stock and cumulative: baseline 100 (2025-03-31). Higher, target 200: the distance is 100,
# so the plan's default ±3 % is a band of 3 around the baseline. Lower, target 50: distance
# 50, band 1.5. The figure graded is the latest one after the baseline (March 2026 here).
# case: (figure, grade, progress)
LEVEL_GRADES = {
    "higher": {
        "reached": (200, "A", 1.0),
        "beyond": (230, "A", 1.3),
        "advanced": (110, "B", 0.1),
        "just_past_the_band": (103.5, "B", 0.035),
        "band_edge_up": (103, "C", 0.03),  # within: not more than the threshold
        "unchanged": (100, "C", 0.0),
        "band_edge_down": (97, "C", -0.03),
        "declined": (96, "D", -0.04),
    },
    "lower": {
        "reached": (50, "A", 1.0),
        "beyond": (45, "A", 1.1),
        "advanced": (90, "B", 0.2),
        "band_edge_down": (98.5, "C", 0.03),
        "band_edge_up": (101.5, "C", -0.03),
        "declined": (102, "D", -0.04),
    },
}
# Flow, monthly, fiscal-year windows: baseline FY2024's total (dated 2025-03-31), 1200
# (higher, target 2400) or 2400 (lower, target 1200), due 2027-03-31: distance 1200, band 36.
# FY2025 (April 2025 – March 2026) complete; FY2026 has six months that must not count.
FLOW_GRADES = {
    "higher": {
        "reached": (200, "A", 1.0),  # 12 × 200 = 2400
        "advanced": (150, "B", 0.5),  # 1800: moved 600
        "unchanged": (103, "C", 0.03),  # 1236: moved 36, the band's edge
        "declined": (96, "D", -0.04),  # 1152: moved -48
    },
    "lower": {
        "reached": (100, "A", 1.0),  # 1200
        "advanced": (150, "B", 0.5),  # 1800: 600 less
        "unchanged": (203, "C", -0.03),  # 2436: 36 more, the band's edge
        "declined": (204, "D", -0.04),  # 2448
    },
}
APR25 = D(2025, 4, 1)


def grade_of(indicator: Indicator, figures: list[Figure], as_of: dt.date, **scheme) -> Grade:
    found = grade_indicator(indicator, figures, as_of, GradeScheme(**scheme))
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("kind", ["stock", "cumulative"])
@pytest.mark.parametrize(
    ("direction", "case"),
    [(direction, case) for direction, cases in LEVEL_GRADES.items() for case in cases],
)
def test_grades_of_a_stock_and_a_running_total(kind: str, direction: str, case: str) -> None:
    value, letter, progress = LEVEL_GRADES[direction][case]
    indicator = make(kind, direction, 100, 200 if direction == "higher" else 50)
    grade = grade_of(indicator, [Figure(D(2025, 6, 1), 120), Figure(MARCH26, value)], MID)
    assert (grade.letter, grade.reason) == (letter, None)
    assert grade.progress == pytest.approx(progress)
    assert (grade.baseline, grade.current, grade.current_period) == (100, value, MARCH26)
    assert grade.key == f"grade_{letter}" and not grade.annual


@pytest.mark.parametrize(
    ("direction", "case"),
    [(direction, case) for direction, cases in FLOW_GRADES.items() for case in cases],
)
def test_grades_of_a_flow_on_its_latest_complete_fiscal_year(direction: str, case: str) -> None:
    monthly_value, letter, progress = FLOW_GRADES[direction][case]
    base, goal = (1200, 2400) if direction == "higher" else (2400, 1200)
    indicator = make("flow", direction, base, goal)
    # FY2025 whole, then six months of FY2026 whose part-year sum (6 × 400 = 2400 or 6 × 10
    # = 60) would "reach" either target if it counted: it does not.
    part = 400 if direction == "higher" else 10
    figures = monthly(APR25, [monthly_value] * 12 + [part] * 6)
    grade = grade_of(indicator, figures, IN_YEAR)
    assert grade.letter == letter
    assert grade.annual and grade.current == pytest.approx(12 * monthly_value)
    assert grade.current_period == D(2026, 3, 1)  # the year's last month
    assert grade.progress == pytest.approx(progress)


def test_no_grade_without_a_target_the_latest_figure_still_shown() -> None:
    """Nothing to measure progress toward: no grade, though 策定時 and 現状値 are known."""
    grade = grade_of(make(target=None), [Figure(MARCH26, 130)], MID)
    assert (grade.letter, grade.reason, grade.key) == (None, "no_target", "grade_none_no_target")
    assert (grade.current, grade.target, grade.progress) == (130, None, None)


@pytest.mark.parametrize(
    ("kind", "figures"),
    [
        ("stock", []),  # nothing sent yet
        ("stock", [Figure(D(2024, 3, 1), 90), Figure(D(2025, 3, 1), 100)]),  # none after it
        ("flow", monthly(APR25, [150] * 11)),  # FY2025 lacks March: no complete year since
        ("flow", monthly(D(2024, 4, 1), [100] * 12)),  # FY2024 is the baseline's own year
    ],
)
def test_no_grade_without_a_figure_since_the_baseline(kind: str, figures: list[Figure]) -> None:
    """The baseline's own period (or a year with a hole) is no progress to grade."""
    grade = grade_of(make(kind, target=2400 if kind == "flow" else 200), figures, IN_YEAR)
    assert (grade.letter, grade.reason, grade.current) == (None, "no_figure", None)


def test_a_figure_after_the_day_is_not_graded() -> None:
    figures = [Figure(MARCH26, 110), Figure(D(2026, 6, 1), 200)]
    assert grade_of(make(), figures, MID).letter == "B"  # June's 200 is not known on 04-15


@pytest.mark.parametrize(
    ("threshold", "basis", "value", "letter"),
    [
        (0.05, "distance", 105, "C"),  # 5 % of the distance 100: a band of 5
        (0.05, "distance", 105.5, "B"),
        (0.1, "baseline", 110, "C"),  # 10 % of the baseline 100: a band of 10
        (0.1, "baseline", 89, "D"),
        (0.0, "distance", 100.5, "B"),  # no band: any move counts
    ],
)
def test_the_plans_scheme_sets_the_band(threshold, basis, value, letter) -> None:
    grade = grade_of(make(), [Figure(MARCH26, value)], MID, threshold=threshold, basis=basis)
    assert grade.letter == letter


def test_the_catalogs_scheme_is_three_percent_of_the_distance() -> None:
    assert CATALOG.plan.grades == GradeScheme(threshold=0.03, basis="distance")


def test_each_target_graded_and_the_nearest_not_yet_due_speaks() -> None:
    """Wi-Fi: baseline 591, targets 700 (FY2022) and 900 (FY2027); 720 in October 2026:
    the first reached (A), the second advanced by 129 of 309 (41.7 %: B), and B speaks."""
    wifi = REAL["wifi_access_points"]
    figures = [Figure(D(2026, 10, 1), 720)]
    grades = grade_indicator(wifi, figures, D(2026, 11, 20), CATALOG.plan.grades)
    assert [g.letter for g in grades] == ["A", "B"]
    assert grades[1].progress == pytest.approx(129 / 309)
    assert speaking(grades, D(2026, 11, 20)).target_id == "wifi_access_points-fy2027"
    assert speaking(grades, D(2022, 4, 1)).target_id == "wifi_access_points-fy2022"
    assert speaking(grades, D(2029, 1, 1)).target_id == "wifi_access_points-fy2027"  # the last
    assert display.grade(grades[1], Lang.ja) == "B 前進"
    assert display.grade_current(wifi, grades[1], Lang.ja) == "720台（2026年10月）"
    assert display.grade_target(wifi, grades[1], Lang.en) == "900 units (illustrative) (2028/03/31)"
    assert display.baseline(wifi, Lang.ja) == "591台（2019年3月）"
    assert display.progress(grades[1], Lang.ja) == "41.7%"


def test_the_evaluation_carries_the_grades() -> None:
    """Made once with the statuses: a flow's year total (e-tax) and an indicator without a
    target (tablets) included."""
    months = monthly(D(2024, 4, 1), [60000] * 12)  # FY2024: 720,000
    rows = [("etax_payments", f.period, f.value) for f in months]
    rows += [("tablets_deployed", D(2025, 4, 1), 1900.0)]
    frame = pd.DataFrame(rows, columns=["indicator_id", "period", "value"])
    result = judge_all(CATALOG, frame, D(2025, 5, 20))
    etax = result.grade("etax_payments")
    # baseline 560,000 (FY2018); FY2026's 800,000 speaks: moved 160,000 of 240,000
    assert etax is not None and etax.letter == "B" and etax.target == 800000
    assert etax.progress == pytest.approx(2 / 3)
    assert [g.letter for g in result.grades["etax_payments"]] == ["A", "B"]  # 650,000 reached
    tablets = result.grade("tablets_deployed")
    assert tablets is not None and tablets.reason == "no_target" and tablets.current == 1900
    wifi = result.grade("wifi_access_points")
    assert wifi is not None and wifi.reason == "no_figure"
    counts = result.grade_counts()
    assert counts == {"A": 0, "B": 1, "C": 0, "D": 0, "none": 8}
    rows_json = [r for r in result.as_dict()["indicators"] if r["id"] == "etax_payments"]
    assert [r["grade"] for r in rows_json] == ["A", "B"]
