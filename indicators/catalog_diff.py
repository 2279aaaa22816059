"""What changed between two versions of the catalog, entry by entry, for the audit
trail: owners, indicators (without their targets), targets, the goals of policies and
areas (their goal fields only), and the further plans."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.catalog import Catalog
from indicators.catalog_export import GOAL_FIELDS


@dataclass(frozen=True)
class Change:
    """One entry added, changed or removed."""

    entity: str  # owner | indicator | target | goal | plan
    entity_id: str
    action: str  # add | change | remove
    before: dict | None
    after: dict | None


def _entries(catalog: Catalog | None) -> dict[tuple[str, str], dict]:
    if catalog is None:
        return {}
    entries: dict[tuple[str, str], dict] = {}
    for owner in catalog.owners:
        entries[("owner", owner.id)] = owner.model_dump(mode="json")
    # A further plan added, changed or removed: its whole files' content. The default plan is
    # left out, as it always was (its files are the catalog's own, reviewed in git).
    for book in catalog.more_plans:
        entries[("plan", book.plan.id)] = book.model_dump(mode="json")
    for ind in catalog.indicators:
        entries[("indicator", ind.id)] = ind.model_dump(mode="json", exclude={"targets"})
        for target in ind.targets:
            entries[("target", target.id)] = {
                **target.model_dump(mode="json"),
                "indicator_id": ind.id,
            }
    # A goal is audited by its fields alone (goal, goal_en, outcomes), under the id of its
    # policy or area: a policy or area without one has no entry, so a goal written for the
    # first time is an `add` and one cleared a `remove`.
    for entry in [*catalog.policies, *(area for _, area in catalog.areas())]:
        goal = entry.model_dump(mode="json", include=set(GOAL_FIELDS))
        if any(goal.values()):
            entries[("goal", entry.id)] = goal
    return entries


def catalog_changes(old: Catalog | None, new: Catalog) -> list[Change]:
    """Every owner, indicator, target and further plan that differs between `old` and `new`."""
    before, after = _entries(old), _entries(new)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        action = "add" if was is None else "remove" if now is None else "change"
        changes.append(Change(key[0], key[1], action, was, now))
    return changes
