"""Changes to the catalog proposed in the dashboard (the catalog desk): a new indicator for
an initiative, or an existing indicator linked to one more. A change is applied to the
catalog in force to make the candidate catalog, which is checked exactly as the YAML files
are (`catalog_from_parts`: the same checks, the same messages). No database or UI here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from indicators.catalog import (
    INDICATORS_FILE,
    Catalog,
    CatalogError,
    catalog_from_parts,
    catalog_parts,
    more_parts,
)

DraftKind = Literal["create", "link"]
DRAFT_KINDS: tuple[DraftKind, ...] = ("create", "link")


@dataclass(frozen=True)
class DraftChange:
    """One proposed change: `create` carries the new indicator's entry as the indicators
    file would hold it (plain JSON data); `link` names the indicator that is to evidence
    `initiative_id` too."""

    kind: DraftKind
    initiative_id: str
    indicator_id: str
    entry: dict | None = None

    def payload(self) -> dict:
        """What the warehouse keeps of the change."""
        return {} if self.entry is None else {"indicator": self.entry}

    @classmethod
    def from_record(
        cls, kind: str, initiative_id: str, indicator_id: str, payload: dict
    ) -> DraftChange:
        """The change from a kept draft's columns."""
        if kind not in DRAFT_KINDS:
            raise ValueError(f"unknown kind of catalog change {kind!r}")
        return cls(kind, initiative_id, indicator_id, payload.get("indicator"))  # type: ignore[arg-type]


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


def candidate(catalog: Catalog, change: DraftChange) -> Catalog:
    """The catalog `change` would make of `catalog`, checked as the files are; CatalogError
    with every problem (the files' messages) when it does not hold."""
    document = catalog.to_document()
    plan_raw, initiatives_raw, indicators_raw = catalog_parts(document)
    indicators = list(indicators_raw["indicators"])
    where = f"{INDICATORS_FILE}: indicator {change.indicator_id!r}"
    if change.kind == "create":
        indicators.append(change.entry or {})
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
    return catalog_from_parts(
        plan_raw,
        initiatives_raw,
        {**indicators_raw, "indicators": indicators},
        more_parts(document),  # the further plans as they are: a draft changes indicators
    )
