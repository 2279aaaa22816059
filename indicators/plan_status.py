"""The plan's statuses of its initiatives (達成 / 実施中 / 変更) as of a day, each with the day
it was decided, so that a count read years after the review report says since when it holds.

The catalog files keep the statuses the review report gives: they were decided as of the
report's date (plan.yaml `report.published`, 2019-03: the end of that month, 2019-03-31).
An administrator records later decisions (a status, the day it was decided, a reason:
required for 変更), kept in the warehouse.

The rule of a replay: an initiative's status as of a day is the latest decision on it decided
on or before that day — by the day decided; of two decided on one day, the one recorded
later — else the report's status. A decision takes effect from the day it was decided, not
from the day it was written down: one recorded later with an earlier day changes the replay
of every day from its own on (the status held from then, whenever it was recorded), and
nothing before. No database or UI here."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from indicators.catalog import INITIATIVE_STATUSES, Catalog, Initiative, Plan
from indicators.periods import fiscal_year_of


def report_day(plan: Plan) -> dt.date:
    """The day the report's statuses are as of: its publication (`2019-03`: the month's last
    day; a full date as given)."""
    published = str(plan.report.published).strip()
    try:
        return dt.date.fromisoformat(published)
    except ValueError:
        year, month = (int(part) for part in published.split("-")[:2])
        return dt.date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Decision:
    """An administrator's decision on an initiative's status, as recorded."""

    id: int
    initiative_id: str
    status: str
    decided_on: dt.date
    reason: str | None
    recorded_by: str
    recorded_at: dt.datetime

    @classmethod
    def from_record(cls, row: Mapping[str, object]) -> Decision:
        """A decision from the warehouse's row (its columns by name)."""
        decided = row["decided_on"]
        recorded = row["recorded_at"]
        return cls(
            int(row["id"]),  # type: ignore[call-overload]
            str(row["initiative_id"]),
            str(row["status"]),
            decided if isinstance(decided, dt.date) else dt.date.fromisoformat(str(decided)),
            None if row.get("reason") in (None, "") else str(row["reason"]),
            str(row["recorded_by"]),
            recorded  # type: ignore[arg-type]
            if isinstance(recorded, dt.datetime)
            else dt.datetime.fromisoformat(str(recorded)),
        )

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "decided_on": self.decided_on.isoformat(),
            "reason": self.reason,
            "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at.isoformat(),
        }


@dataclass(frozen=True)
class PlanStatus:
    """One initiative's status in the plan as of a day, and since when: from the report (as
    of its day) or from the latest decision in force. `history`: the decisions in force by
    the day, in the order they took effect (the report's status before the first)."""

    initiative_id: str
    status: str
    since: dt.date
    reason: str | None
    reported: str  # the report's status (the catalog files')
    reported_reason: str | None
    decision: Decision | None = None  # None: the report's status still holds
    history: tuple[Decision, ...] = field(default_factory=tuple)

    @property
    def updated(self) -> bool:
        """Whether a decision after the report gives the status."""
        return self.decision is not None

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "since": self.since.isoformat(),
            "reason": self.reason,
            "updated": self.updated,
            "reported": self.reported,
            "history": [d.as_dict() for d in self.history],
        }


@dataclass(frozen=True)
class PlanStatuses:
    """Every initiative's status in the plan as of `as_of`; `reported_on`: the day the
    report's statuses are as of."""

    as_of: dt.date
    reported_on: dt.date
    by_initiative: dict[str, PlanStatus]

    def __getitem__(self, initiative_id: str) -> PlanStatus:
        return self.by_initiative[initiative_id]

    @property
    def updated(self) -> list[PlanStatus]:
        """The initiatives whose status comes from a decision after the report."""
        return [s for s in self.by_initiative.values() if s.updated]


def plan_statuses(catalog: Catalog, decisions: Iterable[Decision], as_of: dt.date) -> PlanStatuses:
    """Each initiative's status as of the end of `as_of` by the rule in this module's
    docstring. Decisions on initiatives the catalog does not hold are left aside."""
    known = {item.id for item in catalog.initiatives}
    ordered = sorted(
        (d for d in decisions if d.initiative_id in known and d.decided_on <= as_of),
        key=lambda d: (d.decided_on, d.recorded_at, d.id),
    )
    history: dict[str, list[Decision]] = {}
    for decision in ordered:
        history.setdefault(decision.initiative_id, []).append(decision)
    base = report_day(catalog.plan)
    found: dict[str, PlanStatus] = {}
    for item in catalog.initiatives:
        made = tuple(history.get(item.id, ()))
        latest = made[-1] if made else None
        found[item.id] = PlanStatus(
            initiative_id=item.id,
            status=latest.status if latest else item.status,
            since=latest.decided_on if latest else base,
            reason=latest.reason if latest else item.reason,
            reported=item.status,
            reported_reason=item.reason,
            decision=latest,
            history=made,
        )
    return PlanStatuses(as_of, base, found)


def with_statuses(
    catalog: Catalog,
    statuses: PlanStatuses,
    others: Mapping[str, PlanStatuses] | None = None,
) -> Catalog:
    """The catalog with each initiative's status as of the day (a copy; the catalog in
    force is unchanged), so that every face reading an initiative's status reads that one.
    A changed initiative keeps its decision's reason; another carries none (the catalog's
    rule), its decision's words stay with the status in `statuses`. `others`: the further
    plans' statuses, by plan id."""
    update: dict[str, object] = {"initiatives": _with(catalog.initiatives, statuses)}
    if others and catalog.more_plans:
        update["more_plans"] = [
            book.model_copy(update={"initiatives": _with(book.initiatives, others[book.plan.id])})
            if book.plan.id in others
            else book
            for book in catalog.more_plans
        ]
    return catalog.model_copy(update=update)


def _with(initiatives: list[Initiative], statuses: PlanStatuses) -> list[Initiative]:
    items: list[Initiative] = []
    for item in initiatives:
        found = statuses.by_initiative.get(item.id)
        if found is None or not found.updated:
            items.append(item)
            continue
        reason = found.reason if found.status == "changed" else None
        items.append(item.model_copy(update={"status": found.status, "reason": reason}))
    return items


def dating(statuses: Iterable[PlanStatus]) -> dict[str, dict[str, int]]:
    """Per status, how many of `statuses` hold it since which day (ISO dates, oldest first):
    what a count needs to say since when it holds."""
    found: dict[str, Counter[str]] = {s: Counter() for s in INITIATIVE_STATUSES}
    for status in statuses:
        found.setdefault(status.status, Counter())[status.since.isoformat()] += 1
    return {s: dict(sorted(days.items())) for s, days in found.items()}


def updated_by_fiscal_year(since: Mapping[str, int], reported_on: dt.date) -> dict[int, int]:
    """Of one count's dating (`dating`'s value for a status), those updated after the report
    per fiscal year of their decision, oldest first."""
    years: Counter[int] = Counter()
    for day, n in since.items():
        decided = dt.date.fromisoformat(day)
        if decided != reported_on:
            years[fiscal_year_of(decided)] += n
    return dict(sorted(years.items()))
