"""Progress grades as Japanese plan reviews write them (e.g. 群馬県 第4次情報化推進計画): each
indicator's latest figure (現状値) set between its baseline (策定時) and its target (目標値),
and graded

- A 達成: the target is reached;
- B 前進: moved from the baseline toward the target by more than the plan's threshold;
- C 横ばい: within the threshold of the baseline, either way;
- D 後退: worse than the baseline, by direction, by more than the threshold.

The threshold is the plan's (`plan.grades` in plan.yaml): a share of the baseline-to-target
distance (default ±3 %), or of the baseline itself. A flow judged over fiscal years (its
baseline or target is a year's total) is graded on its latest complete fiscal year's total,
never on part of a year. No grade without a target (nothing to measure progress toward) or
without a figure since the baseline (nothing has been measured since the plan began).

Beside the glide-path statuses of indicators.status, made once in the one evaluation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from indicators.catalog import GradeScheme, Indicator, Target
from indicators.status import Figure, known_figures, meets, nearest_target
from indicators.trend import figure_day, fiscal_year_end, fiscal_year_periods, fiscal_year_totals

Letter = Literal["A", "B", "C", "D"]
LETTERS: tuple[Letter, ...] = ("A", "B", "C", "D")
NoGrade = Literal["no_target", "no_figure"]
# Relative slack for comparisons, as the statuses have it.
_EPS = 1e-9


@dataclass(frozen=True)
class Grade:
    """One target's grade on a day (or, for an indicator without a target, why it has none),
    with the three figures a plan review prints: 策定時, 現状値 and 目標値."""

    indicator_id: str
    target_id: str | None
    letter: Letter | None
    reason: NoGrade | None  # why there is no grade; None when there is one
    baseline: float
    baseline_date: dt.date
    current: float | None  # the latest figure since the baseline (a flow: a year's total)
    current_period: dt.date | None  # its (last) period's start
    annual: bool  # `current` is a complete fiscal year's total
    target: float | None
    target_date: dt.date | None
    progress: float | None  # share of the baseline-to-target distance covered (1.0: reached)

    @property
    def key(self) -> str:
        """The vocabulary key of the grade, or of the reason there is none."""
        return f"grade_{self.letter}" if self.letter else f"grade_none_{self.reason}"


def annual(indicator: Indicator, target: Target | None) -> bool:
    """Whether the indicator is graded on fiscal-year totals: a flow whose baseline or target
    is a year's total."""
    windows = (indicator.baseline.window, target.window if target else None)
    return indicator.kind == "flow" and "fiscal_year" in windows


def current_figure(
    indicator: Indicator, target: Target | None, known: Mapping[dt.date, float]
) -> tuple[float, dt.date] | None:
    """The latest figure taken after the baseline, and its (last) period's start: for a flow
    graded on fiscal years, the latest complete year's total; None when there is none."""
    since = indicator.baseline.date
    if annual(indicator, target):
        totals = fiscal_year_totals(indicator, known)
        years = [year for year in totals if fiscal_year_end(year) > since]
        if not years:
            return None
        return totals[years[-1]], fiscal_year_periods(indicator, years[-1])[-1]
    after = [period for period in known if figure_day(indicator, period) > since]
    if not after:
        return None
    last = max(after)
    return known[last], last


def grade_target(
    indicator: Indicator,
    target: Target | None,
    known: Mapping[dt.date, float],
    scheme: GradeScheme,
) -> Grade:
    """The grade of the latest figure in `known` against `target` (None: no grade)."""
    found = current_figure(indicator, target, known)
    current, period = found if found else (None, None)
    base = indicator.baseline.value
    goal = target.value if target else None
    progress = None
    if current is not None and goal is not None and goal != base:
        progress = (current - base) / (goal - base)
    grade = Grade(
        indicator_id=indicator.id,
        target_id=target.id if target else None,
        letter=None,
        reason=None,
        baseline=base,
        baseline_date=indicator.baseline.date,
        current=current,
        current_period=period,
        annual=annual(indicator, target),
        target=goal,
        target_date=target.due if target else None,
        progress=progress,
    )
    if goal is None:
        return replace(grade, reason="no_target")
    if current is None:
        return replace(grade, reason="no_figure")
    return replace(grade, letter=letter(indicator, current, goal, scheme))


def letter(indicator: Indicator, current: float, goal: float, scheme: GradeScheme) -> Letter:
    """The grade of `current` between the indicator's baseline and `goal` under `scheme`."""
    base = indicator.baseline.value
    if meets(indicator.direction, current, goal):
        return "A"
    sign = 1.0 if indicator.direction == "higher" else -1.0
    moved = sign * (current - base)  # positive: toward better
    span = abs(goal - base) if scheme.basis == "distance" else abs(base)
    band = scheme.threshold * span + _EPS * max(1.0, abs(base))
    if moved > band:
        return "B"
    return "D" if moved < -band else "C"


def grade_indicator(
    indicator: Indicator, figures: Sequence[Figure], as_of: dt.date, scheme: GradeScheme
) -> list[Grade]:
    """One grade per target of the indicator (one without a grade when it has no target), on
    the figures whose period starts by `as_of`."""
    known = known_figures(indicator, figures, as_of)
    targets: list[Target | None] = list(indicator.targets) or [None]
    return [grade_target(indicator, t, known, scheme) for t in targets]


def speaking(grades: Sequence[Grade], as_of: dt.date) -> Grade:
    """The grade that speaks for an indicator: against its nearest target not yet due, else
    its last (the target a plan review prints as 目標値)."""
    if not grades:
        raise ValueError("speaking needs at least one grade")
    return nearest_target(grades, as_of)


def grade_counts(grades: Sequence[Grade]) -> dict[str, int]:
    """How many of `grades` have each letter (zeros included), then those without one."""
    counts: dict[str, int] = dict.fromkeys(LETTERS, 0)
    counts["none"] = 0
    for grade in grades:
        counts[grade.letter or "none"] += 1
    return counts
