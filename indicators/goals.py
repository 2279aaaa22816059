"""The plan's logic model, as the review report's 総括 asks for it: each policy's and area's
goal (目指すべき姿), the outcome indicators that show it, the initiatives meant to bring it
about and the output indicators that show they are done. Read from one evaluation, so every
status here is the one the Goals table, the report and the command line show."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.catalog import Area, Catalog, Indicator, Initiative, Policy
from indicators.evaluation import Evaluation
from indicators.status import TargetStatus


@dataclass(frozen=True)
class Measured:
    """An indicator in the tree with the judgement that speaks for it (its headline)."""

    indicator: Indicator
    headline: TargetStatus


@dataclass(frozen=True)
class Activity:
    """An initiative that has an indicator, with its output indicators (none: the activity
    is evidenced by outcome indicators only)."""

    initiative: Initiative
    outputs: list[Measured]


@dataclass(frozen=True)
class AreaGoal:
    """An area: its goal, the outcomes that show it, the initiatives measured, and how many
    of its initiatives have no indicator at all."""

    area: Area
    outcomes: list[Measured]
    activities: list[Activity]
    initiatives: int
    without_indicator: int

    @property
    def has_goal(self) -> bool:
        return bool(self.area.goal)


@dataclass(frozen=True)
class PolicyGoal:
    """A policy: its goal, the outcomes that show it (its areas' and its own), its areas."""

    policy: Policy
    outcomes: list[Measured]
    areas: list[AreaGoal]

    @property
    def has_goal(self) -> bool:
        return bool(self.policy.goal)

    @property
    def without_indicator(self) -> int:
        return sum(a.without_indicator for a in self.areas)


def _outcome_ids(catalog: Catalog, initiative_ids: set[str], explicit: list[str]) -> list[str]:
    """The outcome indicators of the initiatives named, then those listed explicitly, each
    once, in catalog order."""
    found = {
        ind.id
        for ind in catalog.indicators
        if ind.level == "outcome" and initiative_ids & set(ind.initiatives)
    }
    found |= set(explicit)
    return [ind.id for ind in catalog.indicators if ind.id in found]


def outcome_ids(catalog: Catalog, entry: Policy | Area) -> list[str]:
    """The outcome indicators that show a policy's or an area's goal: those of its
    initiatives, and those it lists itself (`outcomes`)."""
    areas = {entry.id} if isinstance(entry, Area) else {a.id for a in entry.areas}
    items = {item.id for item in catalog.initiatives if item.area in areas}
    explicit = list(entry.outcomes)
    if isinstance(entry, Policy):
        explicit += [ref for area in entry.areas for ref in area.outcomes]
    return _outcome_ids(catalog, items, explicit)


def goal_tree(result: Evaluation) -> list[PolicyGoal]:
    """Goal → outcome indicators → initiatives → output indicators, per policy and area in
    the plan's order, each indicator with its headline judgement from `result`."""
    catalog = result.catalog
    by_id = {ind.id: ind for ind in catalog.indicators}

    def measured(ids: list[str]) -> list[Measured]:
        return [Measured(by_id[i], result.headlines[i]) for i in ids]

    rollup = {i.initiative_id: i for i in result.initiatives}
    tree = []
    for policy in sorted(catalog.policies, key=lambda p: p.seq):
        areas = []
        for area in sorted(policy.areas, key=lambda a: a.seq):
            items = [item for item in catalog.initiatives if item.area == area.id]
            activities = [
                Activity(
                    item,
                    measured(
                        [i for i in rollup[item.id].indicator_ids if by_id[i].level == "output"]
                    ),
                )
                for item in items
                if rollup[item.id].indicator_ids
            ]
            areas.append(
                AreaGoal(
                    area,
                    measured(outcome_ids(catalog, area)),
                    activities,
                    len(items),
                    len(items) - len(activities),
                )
            )
        tree.append(PolicyGoal(policy, measured(outcome_ids(catalog, policy)), areas))
    return tree
