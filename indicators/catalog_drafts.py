"""Changes to the catalog proposed in the dashboard (the catalog desk): a new indicator for
an initiative, an existing indicator linked to one more, an existing indicator's owner or
targets edited, or a policy's or area's goal edited. A change is applied to the catalog in
force to make the candidate catalog, which is checked exactly as the YAML files are
(`catalog_from_parts`: the same checks, the same messages). No database or UI here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from indicators.catalog import (
    INDICATORS_FILE,
    PLAN_FILE,
    Catalog,
    CatalogError,
    catalog_from_parts,
    catalog_parts,
    more_parts,
)
from indicators.catalog_export import GOAL_FIELDS  # a policy's or area's goal fields

DraftKind = Literal["create", "link", "edit", "goal"]
DRAFT_KINDS: tuple[DraftKind, ...] = ("create", "link", "edit", "goal")
# What the desk edits of an indicator in force: the section that owns it and its targets
# (the whole list: a target added, changed or removed). The rest of an entry is the plan's
# definition of what is measured, changed in the files and reviewed there.
EDITABLE: tuple[str, ...] = ("owner", "targets")


@dataclass(frozen=True)
class DraftChange:
    """One proposed change: `create` carries the new indicator's entry as the indicators
    file would hold it (plain JSON data); `link` names the indicator that is to evidence
    `initiative_id` too; `edit` carries the edited fields of `indicator_id` (EDITABLE) and
    `goal` those of a policy or area (GOAL_FIELDS, with its `id`), each with `before`: the
    same fields as they stood when proposed, so that the trail shows before and after."""

    kind: DraftKind
    initiative_id: str
    indicator_id: str
    entry: dict | None = None
    before: dict | None = None

    @property
    def subject(self) -> str:
        """What the change is about: the indicator, or the policy or area of a goal."""
        return str((self.entry or {}).get("id", "")) if self.kind == "goal" else self.indicator_id

    def payload(self) -> dict:
        """What the warehouse keeps of the change."""
        kept: dict = {}
        if self.entry is not None:
            kept["goal" if self.kind == "goal" else "indicator"] = self.entry
        if self.before is not None:
            kept["before"] = self.before
        return kept

    @classmethod
    def from_record(
        cls, kind: str, initiative_id: str, indicator_id: str, payload: dict
    ) -> DraftChange:
        """The change from a kept draft's columns."""
        if kind not in DRAFT_KINDS:
            raise ValueError(f"unknown kind of catalog change {kind!r}")
        entry = payload.get("goal" if kind == "goal" else "indicator")
        return cls(kind, initiative_id, indicator_id, entry, payload.get("before"))  # type: ignore[arg-type]


def plain(value: object) -> object:
    """`value` as JSON data, the way the YAML file holds it: dates as ISO strings, fields
    given as None left out so that they take their defaults."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def new_indicator(initiative_id: str, entry: dict) -> DraftChange:
    """A `create` change: the entry (plain data) evidencing `initiative_id` first."""
    entry = dict(plain(entry))  # type: ignore[call-overload]
    others = [i for i in entry.get("initiatives") or [] if i != initiative_id]
    entry["initiatives"] = [initiative_id, *others]
    return DraftChange("create", initiative_id, str(entry.get("id") or ""), entry)


def link_indicator(initiative_id: str, indicator_id: str) -> DraftChange:
    """A `link` change: `indicator_id` evidences `initiative_id` as well."""
    return DraftChange("link", initiative_id, indicator_id)


def edit_indicator(catalog: Catalog, indicator_id: str, fields: dict) -> DraftChange:
    """An `edit` change: `indicator_id`'s owner and/or targets (the whole list) as `fields`
    give them, with the same fields as they stand in `catalog` (before)."""
    fields = dict(plain(fields))  # type: ignore[call-overload]
    found = next((i for i in catalog.indicators if i.id == indicator_id), None)
    before = None
    if found is not None:
        before = found.model_dump(mode="json", include=set(fields) & set(EDITABLE))
        before = {key: before[key] for key in fields if key in before}  # in the edit's order
    return DraftChange("edit", "", indicator_id, fields, before)


def edit_goal(catalog: Catalog, entry_id: str, fields: dict) -> DraftChange:
    """A `goal` change: the goal fields of the policy or area `entry_id` that `fields` gives
    (a blank goal: none written; a field not given is kept), with the same fields as they
    stand in `catalog` (before)."""
    given: dict = {}
    for key in (k for k in GOAL_FIELDS if k in fields):
        if key == "outcomes":
            given[key] = list(fields[key] or [])
        else:
            given[key] = str(fields[key] or "").strip() or None
    entries = [*catalog.policies, *(area for _, area in catalog.areas())]
    found = next((e for e in entries if e.id == entry_id), None)
    before = None if found is None else found.model_dump(mode="json", include=set(given))
    return DraftChange("goal", "", "", {"id": entry_id, **given}, before)


def _edited(indicators: list[dict], change: DraftChange) -> list[dict]:
    """The indicators' entries with the edited fields of `change.indicator_id` in place."""
    where = f"{INDICATORS_FILE}: indicator {change.indicator_id!r}"
    index = next((n for n, i in enumerate(indicators) if i["id"] == change.indicator_id), None)
    if index is None:
        raise CatalogError([f"{where}: unknown indicator"])
    fields = change.entry or {}
    others = sorted(set(fields) - set(EDITABLE))
    if others:
        raise CatalogError([f"{where}: not edited at the desk: {', '.join(others)}"])
    edited = {**indicators[index], **fields}
    return [*indicators[:index], edited, *indicators[index + 1 :]]


def _goal_edited(plan_raw: dict, change: DraftChange) -> dict:
    """The plan file's mapping with the goal fields of the policy or area in place."""
    fields = dict(change.entry or {})
    entry_id = str(fields.pop("id", ""))
    policies = []
    found = None
    for policy in plan_raw["policies"]:
        areas = []
        for area in policy["areas"]:
            if area["id"] == entry_id:
                found, area = area, {**area, **fields}
            areas.append(area)
        policy = {**policy, "areas": areas}
        if policy["id"] == entry_id:
            found, policy = policy, {**policy, **fields}
        policies.append(policy)
    if found is None:
        raise CatalogError([f"{PLAN_FILE}: unknown policy or area {entry_id!r}"])
    return {**plan_raw, "policies": policies}


def _stale(catalog: Catalog, change: DraftChange) -> list[str]:
    """The edited fields that no longer stand in `catalog` as they stood when the edit was
    proposed (another change approved since): applying the edit would silently undo that one,
    so it is refused until proposed again on what is in force."""
    if change.before is None or change.kind not in ("edit", "goal"):
        return []
    if change.kind == "edit":
        entries: list = [i for i in catalog.indicators if i.id == change.indicator_id]
        where = f"{INDICATORS_FILE}: indicator {change.indicator_id!r}"
    else:
        every = [*catalog.policies, *(area for _, area in catalog.areas())]
        entries = [e for e in every if e.id == change.subject]
        where = f"{PLAN_FILE}: {change.subject!r}"
    if not entries:
        return []  # unknown: said by the checks below
    now = entries[0].model_dump(mode="json", include=set(change.before))
    changed = [key for key in change.before if now.get(key) != change.before[key]]
    if not changed:
        return []
    return [f"{where}: changed since the draft was proposed ({', '.join(changed)}); propose again"]


def candidate(catalog: Catalog, change: DraftChange) -> Catalog:
    """The catalog `change` would make of `catalog`, checked as the files are; CatalogError
    with every problem (the files' messages) when it does not hold."""
    stale = _stale(catalog, change)
    if stale:
        raise CatalogError(stale)
    document = catalog.to_document()
    plan_raw, initiatives_raw, indicators_raw = catalog_parts(document)
    indicators = list(indicators_raw["indicators"])
    where = f"{INDICATORS_FILE}: indicator {change.indicator_id!r}"
    if change.kind == "create":
        indicators.append(change.entry or {})
    elif change.kind == "edit":
        indicators = _edited(indicators, change)
    elif change.kind == "goal":
        plan_raw = _goal_edited(plan_raw, change)
    else:
        index = next((n for n, i in enumerate(indicators) if i["id"] == change.indicator_id), None)
        if index is None:
            raise CatalogError([f"{where}: unknown indicator"])
        linked = indicators[index]
        if change.initiative_id in linked["initiatives"]:
            raise CatalogError([f"{where}: already evidences initiative {change.initiative_id!r}"])
        indicators[index] = {
            **linked,
            "initiatives": [*linked["initiatives"], change.initiative_id],
        }
    made = catalog_from_parts(
        plan_raw,
        initiatives_raw,
        {**indicators_raw, "indicators": indicators},
        more_parts(document),  # the further plans as they are: a draft changes the first plan
    )
    if change.kind in ("edit", "goal") and made == catalog:
        # An approval that changes nothing would still be a new version in the trail.
        what = where if change.kind == "edit" else f"{PLAN_FILE}: {change.subject!r}"
        raise CatalogError([f"{what}: the edit changes nothing"])
    return made
