"""Every target judged as of one day: the one evaluation that the CLI, the flows,
the dashboard and the report all show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from indicators.catalog import Catalog
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
class Evaluation:
    """The plan's targets as of one day."""

    as_of: dt.date
    catalog: Catalog
    targets: dict[str, list[TargetStatus]]  # per indicator, one per target
    headlines: dict[str, TargetStatus]  # per indicator, the target that speaks for it
    initiatives: list[InitiativeStatus]

    @property
    def counts(self) -> dict[str, int]:
        """Indicators per headline status."""
        return status_counts(self.headlines.values())

    def as_dict(self) -> dict:
        """The JSON shape of `shihyo status --json`."""
        rows = []
        for ind in self.catalog.indicators:
            for status in self.targets[ind.id]:
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
                        "forecast_date": _iso(status.forecast_date),
                        "last_period": _iso(status.last_period),
                        "next_due": _iso(status.next_due),
                        "headline": status is self.headlines[ind.id],
                    }
                )
        return {
            "as_of": self.as_of.isoformat(),
            "indicators": rows,
            "initiatives": [
                {
                    "id": i.initiative_id,
                    "status": i.status,
                    "counts": i.counts,
                    "indicators": i.indicator_ids,
                    "inconsistent": i.inconsistent,
                }
                for i in self.initiatives
            ],
            "counts": self.counts,
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def judge(catalog: Catalog, totals: pd.DataFrame, as_of: dt.date) -> Evaluation:
    """Judge every target from the indicators' figures known on `as_of`."""
    series = indicator_series(totals)
    targets = {
        ind.id: evaluate_indicator(ind, series.get(ind.id, []), as_of) for ind in catalog.indicators
    }
    headlines = {ind_id: headline(statuses, as_of) for ind_id, statuses in targets.items()}
    return Evaluation(as_of, catalog, targets, headlines, rollup_initiatives(catalog, headlines))
