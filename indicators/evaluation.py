"""Every target judged as of one day: the one evaluation that the CLI, the flows, the
dashboard, the report and the alert messages all show. Every count any face shows comes
from here, with its unit: targets, indicators or initiatives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace

import pandas as pd

from indicators.catalog import Catalog
from indicators.coverage import Coverage, coverage
from indicators.grades import Grade, grade_counts, grade_indicator, speaking
from indicators.plan import PlanSummary, plan_summary
from indicators.plan_status import Decision, PlanStatuses, plan_statuses, with_statuses
from indicators.status import (
    Figure,
    InitiativeStatus,
    TargetStatus,
    evaluate_indicator,
    headline,
    rollup_initiatives,
    status_counts,
)


def indicator_series(totals: pd.DataFrame) -> dict[str, list[Figure]]:
    """Each indicator's figures in period order, from (indicator_id, period, value) rows:
    one figure per indicator and period (the warehouse sums org units where no total
    row was sent)."""
    series: dict[str, list[Figure]] = {}
    for row in totals.sort_values(["indicator_id", "period"]).itertuples(index=False):
        period = row.period.date() if hasattr(row.period, "date") else row.period
        series.setdefault(row.indicator_id, []).append(Figure(period, float(row.value)))
    return series


@dataclass(frozen=True)
class Counts:
    """How many of one unit (targets, indicators or initiatives) have each status, and how
    many of them have a figure overdue."""

    unit: str  # targets | indicators | initiatives
    by_status: dict[str, int]
    late: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def as_dict(self) -> dict:
        return {"unit": self.unit, "total": self.total, "late": self.late, **self.by_status}


@dataclass(frozen=True)
class Evaluation:
    """The plan's targets as of one day, and its initiatives' statuses in the plan then.
    `catalog`: the catalog in force that day, each initiative with its status as of the day
    (the report's, or a decision since: `plan` says which, since when, and the history)."""

    as_of: dt.date
    catalog: Catalog
    targets: dict[str, list[TargetStatus]]  # per indicator, one per target
    headlines: dict[str, TargetStatus]  # per indicator, the judgement that speaks for it
    initiatives: list[InitiativeStatus]
    coverage: Coverage = field(repr=False)
    # per indicator, one progress grade per target (A 達成 … D 後退), in the targets' order;
    # an indicator without a target has one, without a grade
    grades: dict[str, list[Grade]] = field(default_factory=dict)
    # per initiative, its status in the plan as of the day and since when
    plan: PlanStatuses | None = None
    # every plan's statuses as of the day, by plan id (empty: the catalog's one plan's are
    # `plan`); `for_plan` reads another plan's from here
    plans: dict[str, PlanStatuses] = field(default_factory=dict)
    # the evaluation of the catalog in force with every plan, where this one is one plan's
    # view of it (None: this is the whole, as it is when the instance holds one plan)
    whole: Evaluation | None = field(default=None, repr=False)

    @property
    def plan_id(self) -> str:
        """The plan this evaluation's counts are of."""
        return self.catalog.plan.id

    @property
    def further_plan(self) -> str | None:
        """The plan's id when it is not the instance's default (first) plan; None for that."""
        return None if self.plan_id == self.plan_ids[0] else self.plan_id

    @property
    def plan_ids(self) -> list[str]:
        """Every plan of the instance, the default first."""
        return (self.whole or self).catalog.plan_ids

    def for_plan(self, plan_id: str | None) -> Evaluation:
        """The same evaluation as one plan sees it (None: the default plan): its initiatives,
        coverage, statuses in the plan and the indicators that evidence them or show its
        goals, with the judgements made once for the whole (an indicator shared by plans
        has one history and one judgement, counted in each plan). UnknownPlan (a LookupError)
        for an id the catalog does not hold."""
        whole = self.whole or self
        scoped = self.whole is not None or not self.catalog.more_plans
        if scoped and (plan_id or whole.catalog.plan.id) == self.plan_id:
            return self
        view = whole.catalog.for_plan(plan_id)
        if view is whole.catalog:
            return whole
        ids = {ind.id for ind in view.indicators}
        return replace(
            whole,
            catalog=view,
            targets={k: v for k, v in whole.targets.items() if k in ids},
            headlines={k: v for k, v in whole.headlines.items() if k in ids},
            initiatives=rollup_initiatives(view, whole.headlines),
            coverage=coverage(view),
            grades={k: v for k, v in whole.grades.items() if k in ids},
            plan=whole.plans.get(view.plan.id),
            whole=whole,
        )

    @property
    def plan_statuses(self) -> PlanStatuses:
        """Each initiative's status in the plan as of the day, and since when."""
        if self.plan is None:  # an evaluation made without decisions: the report's
            return plan_statuses(self.catalog, (), self.as_of)
        return self.plan

    @property
    def plan_summary(self) -> PlanSummary:
        """The plan's status table as of the day, each count with the days it holds since:
        the table every face shows (the Goals page, `shihyo plan`, the report)."""
        return plan_summary(self.catalog, self.plan_statuses)

    def grade(self, indicator_id: str) -> Grade | None:
        """The grade that speaks for an indicator: against its nearest target not yet due,
        else its last; None when the evaluation has no grades for it."""
        found = self.grades.get(indicator_id)
        return speaking(found, self.as_of) if found else None

    def target_grade(self, indicator_id: str, target_id: str | None) -> Grade | None:
        """The grade against one target of an indicator (None: no such target graded)."""
        found = self.grades.get(indicator_id, [])
        return next((g for g in found if g.target_id == target_id), None)

    def grade_counts(self, indicator_ids: Collection[str] | None = None) -> dict[str, int]:
        """Indicators (of those named, default all) per grade A–D, and those without one
        ("none"), each by the grade that speaks for it."""
        speaking_grades = [
            g
            for ind in self.catalog.indicators
            if indicator_ids is None or ind.id in indicator_ids
            if (g := self.grade(ind.id)) is not None
        ]
        return grade_counts(speaking_grades)

    def target_statuses(self, indicator_ids: Collection[str] | None = None) -> list[TargetStatus]:
        """Every target's judgement (of the indicators named, default all), in catalog order;
        indicators without a target are not targets and are left out."""
        return [
            s
            for ind in self.catalog.indicators
            if indicator_ids is None or ind.id in indicator_ids
            for s in self.targets[ind.id]
            if s.target_id
        ]

    def without_target(self, indicator_ids: Collection[str] | None = None) -> list[str]:
        """The indicators (of those named, default all) that have no target yet."""
        return [
            ind.id
            for ind in self.catalog.indicators
            if (indicator_ids is None or ind.id in indicator_ids) and not ind.targets
        ]

    def target_counts(self, indicator_ids: Collection[str] | None = None) -> Counts:
        """Targets per status (of the indicators named, default all); late: those whose
        indicator has a figure overdue. The count every face shows first."""
        statuses = self.target_statuses(indicator_ids)
        return Counts("targets", _without_zero_rows(statuses), sum(s.late for s in statuses))

    @property
    def indicator_counts(self) -> Counts:
        """Indicators per headline status; late: those with a figure overdue."""
        heads = list(self.headlines.values())
        return Counts("indicators", status_counts(heads), sum(h.late for h in heads))

    @property
    def initiative_counts(self) -> Counts:
        """Initiatives per rolled-up status (no_indicator for those without one)."""
        rollup = self.initiatives
        return Counts("initiatives", status_counts(rollup), sum(i.late for i in rollup))

    @property
    def late_indicators(self) -> list[str]:
        """The indicators with a figure overdue, in catalog order."""
        return [i.id for i in self.catalog.indicators if self.headlines[i.id].late]

    @property
    def counts(self) -> dict[str, int]:
        """Targets per status: the headline count every face shows."""
        return self.target_counts().by_status

    def as_dict(self) -> dict:
        """The JSON shape of `shihyo status --json`."""
        rows = []
        for ind in self.catalog.indicators:
            for status in self.targets[ind.id]:
                graded = self.target_grade(ind.id, status.target_id)
                rows.append(
                    {
                        "id": ind.id,
                        "name": ind.name,
                        "name_en": ind.name_en,
                        "owner": ind.owner,
                        "target_id": status.target_id,
                        "target_value": status.target_value,
                        "target_date": _iso(status.target_date),
                        "actual": status.actual,
                        "actual_period": _iso(status.actual_period),
                        "expected": status.expected,
                        "gap": status.gap,
                        "status": status.status,
                        "late": status.late,
                        "missing_periods": [p.isoformat() for p in status.missing],
                        "forecast_date": _iso(status.forecast_date),
                        "last_period": _iso(status.last_period),
                        "next_due": _iso(status.next_due),
                        "headline": status is self.headlines[ind.id],
                        "grade": graded.letter if graded else None,
                        "grade_reason": graded.reason if graded else None,
                        "baseline": graded.baseline if graded else None,
                        "current": graded.current if graded else None,
                        "current_period": _iso(graded.current_period if graded else None),
                    }
                )
        return {
            "as_of": self.as_of.isoformat(),
            "plan_id": self.plan_id,
            "plans": self.plan_ids,
            "indicators": rows,
            "initiatives": [
                {
                    "id": i.initiative_id,
                    "status": i.status,
                    "counts": i.counts,
                    "indicators": i.indicator_ids,
                    "inconsistent": i.inconsistent,
                    "late": i.late,
                    "plan_status": self.plan_statuses[i.initiative_id].as_dict(),
                }
                for i in self.initiatives
            ],
            "plan": plan_counts(self.plan_summary),
            "counts": {
                "targets": self.target_counts().as_dict(),
                "indicators": self.indicator_counts.as_dict(),
                "initiatives": self.initiative_counts.as_dict(),
            },
            "coverage": {
                "initiatives": self.coverage.initiatives_total,
                "with_indicator": self.coverage.with_indicator,
                "with_target": self.coverage.with_target,
            },
        }


def plan_counts(summary: PlanSummary) -> dict:
    """The plan's counts as of the day, with the days they hold since: per status, the count
    and `since` (ISO day → initiatives holding it since then); the report's day beside."""
    total = summary.total
    return {
        "as_of": _iso(summary.as_of),
        "reported_on": _iso(summary.reported_on),
        **{
            status: {"count": getattr(total, status), "since": total.since.get(status, {})}
            for status in ("achieved", "in_progress", "changed")
        },
        "total": total.total,
    }


def _without_zero_rows(statuses: list[TargetStatus]) -> dict[str, int]:
    counts = status_counts(statuses)
    counts.pop("no_target", None)  # a target always has one: the status is never no_target
    return counts


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def judge(
    catalog: Catalog,
    totals: pd.DataFrame,
    as_of: dt.date,
    decisions: Iterable[Decision] = (),
) -> Evaluation:
    """Judge every target from the indicators' figures known on `as_of`; the initiatives'
    statuses in the plan are the report's, overridden by the `decisions` in force on `as_of`
    (indicators.plan_status states the rule), and every face reads them from here. Every
    indicator of every plan is judged here, once; the evaluation returned is the default
    plan's view of it, and `Evaluation.for_plan` gives another plan's."""
    decisions = list(decisions)
    plans = {
        book.plan.id: plan_statuses(catalog.for_plan(book.plan.id), decisions, as_of)
        for book in catalog.plans
    }
    plan = plans[catalog.plan.id]
    catalog = with_statuses(catalog, plan, plans)
    series = indicator_series(totals)
    targets = {
        ind.id: evaluate_indicator(ind, series.get(ind.id, []), as_of) for ind in catalog.indicators
    }
    # Grades follow the default plan's scheme: an indicator keeps one grade, whichever plan
    # shows it.
    scheme = catalog.plan.grades
    grades = {
        ind.id: grade_indicator(ind, series.get(ind.id, []), as_of, scheme)
        for ind in catalog.indicators
    }
    headlines = {ind_id: headline(statuses, as_of) for ind_id, statuses in targets.items()}
    whole = Evaluation(
        as_of,
        catalog,
        targets,
        headlines,
        rollup_initiatives(catalog, headlines),
        coverage(catalog),
        grades,
        plan,
        plans if catalog.more_plans else {},
    )
    return whole.for_plan(None)
