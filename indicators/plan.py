"""The plan's status table: initiatives counted by status per policy and area as of a day
(the report's statuses, overridden by the decisions recorded since: indicators.plan_status),
each count with the days its statuses were decided, set beside the counts the report itself
gives. The check against the report compares the report's own statuses (its item list) with
its counts, so that a status decided since is not a disagreement with the report."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from indicators.catalog import Catalog, Initiative, StatusCounts
from indicators.plan_status import PlanStatus, PlanStatuses, dating, plan_statuses, report_day


def count_statuses(initiatives: Iterable[Initiative]) -> StatusCounts:
    """Initiative counts by status."""
    counts = Counter(item.status for item in initiatives)
    return StatusCounts(**counts)


@dataclass(frozen=True)
class Row:
    """One line of the status table: counted from the items as of the day, and as reported.
    `listed`: the counts of the report's own statuses (its item list), which the check
    compares with `reported`; `since`: per status, how many hold it since which day (ISO)."""

    id: str
    name: str
    name_en: str
    achieved: int
    in_progress: int
    changed: int
    total: int
    reported: dict[str, int] | None
    listed: dict[str, int] = field(default_factory=dict)
    since: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        id: str,
        name: str,
        name_en: str,
        statuses: list[PlanStatus],
        reported: StatusCounts | None,
    ) -> Row:
        counted = _counts(s.status for s in statuses)
        return cls(
            id=id,
            name=name,
            name_en=name_en,
            achieved=counted.achieved,
            in_progress=counted.in_progress,
            changed=counted.changed,
            total=counted.total,
            reported=None if reported is None else _as_dict(reported),
            listed=_as_dict(_counts(s.reported for s in statuses)),
            since=dating(statuses),
        )

    @property
    def agrees(self) -> bool:
        """Whether the report's item list gives the report's counts (no counts: nothing to
        disagree with)."""
        return self.reported is None or all(
            self.listed.get(k) == n for k, n in self.reported.items()
        )


@dataclass(frozen=True)
class Mismatch:
    """A status whose count from the item list differs from the report's figure."""

    level: str  # "policy" | "area" | "plan"
    id: str
    name: str
    status: str  # achieved | in_progress | changed | total
    counted: int
    reported: int


@dataclass(frozen=True)
class PolicyRow(Row):
    areas: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class PlanSummary:
    policies: list[PolicyRow]
    total: Row
    mismatches: list[Mismatch]
    reconstructed: int = 0  # initiatives rebuilt where the report's text was lost
    reported_on: dt.date | None = None  # the day the report's statuses are as of
    as_of: dt.date | None = None  # the day the statuses are counted as of

    @property
    def agreement(self) -> tuple[str, dict[str, int]]:
        """The vocabulary key (and values) of the sentence saying the counts agree: it names
        the reconstructed rows the agreement rests on, when there are any."""
        if self.reconstructed:
            return "no_mismatch_reconstructed", {"n": self.reconstructed}
        return "no_mismatch", {}

    def as_dict(self) -> dict:
        return asdict(self)


def _as_dict(counts: StatusCounts) -> dict[str, int]:
    return {
        "achieved": counts.achieved,
        "in_progress": counts.in_progress,
        "changed": counts.changed,
        "total": counts.total,
    }


def _counts(statuses: Iterable[str]) -> StatusCounts:
    return StatusCounts(**Counter(statuses))


def _compare(level: str, row: Row) -> list[Mismatch]:
    if row.reported is None:
        return []
    return [
        Mismatch(level, row.id, row.name, status, row.listed[status], reported)
        for status, reported in row.reported.items()
        if row.listed[status] != reported
    ]


def plan_summary(catalog: Catalog, statuses: PlanStatuses | None = None) -> PlanSummary:
    """The report's status table (per policy, per area and in total), computed from the items
    with their statuses as of a day (`statuses`; None: the report's, as of its day)."""
    if statuses is None:
        statuses = plan_statuses(catalog, (), report_day(catalog.plan))
    by_area: dict[str, list[PlanStatus]] = {}
    for item in catalog.initiatives:
        by_area.setdefault(item.area, []).append(statuses[item.id])

    policies: list[PolicyRow] = []
    mismatches: list[Mismatch] = []
    for policy in sorted(catalog.policies, key=lambda p: p.seq):
        area_rows = []
        for area in sorted(policy.areas, key=lambda a: a.seq):
            row = Row.of(
                area.id,
                area.name,
                area.name_en,
                by_area.get(area.id, []),
                area.reported,
            )
            area_rows.append(row)
            mismatches += _compare("area", row)
        items = [item for area in policy.areas for item in by_area.get(area.id, [])]
        base = Row.of(policy.id, policy.name, policy.name_en, items, policy.reported)
        policy_row = PolicyRow(**asdict(base), areas=area_rows)
        policies.append(policy_row)
        mismatches += _compare("policy", base)

    reported_total = StatusCounts(
        achieved=sum(p.reported.achieved for p in catalog.policies),
        in_progress=sum(p.reported.in_progress for p in catalog.policies),
        changed=sum(p.reported.changed for p in catalog.policies),
    )
    total = Row.of(
        catalog.plan.id,
        catalog.plan.name,
        catalog.plan.name_en,
        [statuses[item.id] for item in catalog.initiatives],
        reported_total,
    )
    mismatches += _compare("plan", total)
    rebuilt = sum(item.reconstructed for item in catalog.initiatives)
    return PlanSummary(policies, total, mismatches, rebuilt, statuses.reported_on, statuses.as_of)
