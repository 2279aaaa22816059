"""What changed between two versions of the catalog, entry by entry, for the audit
trail: owners, indicators (without their targets), targets, and the further plans."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.catalog import Catalog


@dataclass(frozen=True)
class Change:
    """One entry added, changed or removed."""

    entity: str  # owner | indicator | target | plan
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
