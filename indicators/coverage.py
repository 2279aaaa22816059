"""Indicator coverage, as two numbers: initiatives with an indicator, and initiatives with an
indicator that has a target. The report's conclusion asks that every initiative get both."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from indicators.catalog import Catalog


@dataclass(frozen=True)
class Uncovered:
    """An initiative that no indicator evidences yet."""

    id: str
    number: str | None
    policy: str
    area: str
    text: str
    status: str
    reconstructed: bool  # a row rebuilt where the report's text was lost (see the catalog)


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage of one policy or area."""

    id: str
    name: str
    initiatives: int
    with_indicator: int
    with_target: int

    @property
    def ratio(self) -> float:
        return self.with_indicator / self.initiatives if self.initiatives else 0.0

    @property
    def target_ratio(self) -> float:
        return self.with_target / self.initiatives if self.initiatives else 0.0


@dataclass(frozen=True)
class Coverage:
    initiatives_total: int
    with_indicator: int
    with_target: int
    without_indicator: list[Uncovered]
    policies: list[GroupCoverage]
    areas: list[GroupCoverage]

    @property
    def ratio(self) -> float:
        return self.with_indicator / self.initiatives_total if self.initiatives_total else 0.0

    @property
    def target_ratio(self) -> float:
        return self.with_target / self.initiatives_total if self.initiatives_total else 0.0

    def as_dict(self) -> dict:
        def group(g: GroupCoverage) -> dict:
            return {
                **asdict(g),
                "ratio": round(g.ratio, 4),
                "target_ratio": round(g.target_ratio, 4),
            }

        return {
            "initiatives_total": self.initiatives_total,
            "with_indicator": self.with_indicator,
            "with_target": self.with_target,
            "ratio": round(self.ratio, 4),
            "target_ratio": round(self.target_ratio, 4),
            "without_indicator": [asdict(u) for u in self.without_indicator],
            "policies": [group(g) for g in self.policies],
            "areas": [group(g) for g in self.areas],
        }


def covered_initiatives(catalog: Catalog) -> set[str]:
    """Ids of the initiatives evidenced by at least one indicator."""
    return {ref for indicator in catalog.indicators for ref in indicator.initiatives}


def targeted_initiatives(catalog: Catalog) -> set[str]:
    """Ids of the initiatives evidenced by at least one indicator that has a target."""
    return {ref for ind in catalog.indicators if ind.targets for ref in ind.initiatives}


def coverage(catalog: Catalog) -> Coverage:
    """Which initiatives have an indicator (and one with a target), in total and per policy
    and area."""
    covered, targeted = covered_initiatives(catalog), targeted_initiatives(catalog)
    area_of = {area.id: (policy, area) for policy, area in catalog.areas()}
    uncovered = []
    for item in catalog.initiatives:
        if item.id not in covered:
            policy, area = area_of[item.area]
            uncovered.append(
                Uncovered(
                    item.id,
                    item.number,
                    policy.name,
                    area.name,
                    item.text,
                    item.status,
                    item.reconstructed,
                )
            )

    def group(id: str, name: str, area_ids: set[str]) -> GroupCoverage:
        items = [i for i in catalog.initiatives if i.area in area_ids]
        return GroupCoverage(
            id,
            name,
            len(items),
            sum(i.id in covered for i in items),
            sum(i.id in targeted for i in items),
        )

    policies = [
        group(p.id, p.name, {a.id for a in p.areas})
        for p in sorted(catalog.policies, key=lambda p: p.seq)
    ]
    areas = [group(a.id, a.name, {a.id}) for _, a in catalog.areas()]
    total = len(catalog.initiatives)
    with_target = sum(item.id in targeted for item in catalog.initiatives)
    return Coverage(total, total - len(uncovered), with_target, uncovered, policies, areas)
