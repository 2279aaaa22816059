"""Evaluating and alerting as one step: every target judged as of a day, the alert table
kept, one message per recipient written to the outbox and what is due delivered. Judging a
day other than today is a dry run: it says what would open and resolve, and touches neither
the live alerts nor any channel."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from indicators.catalog import Catalog
from indicators.evaluation import Evaluation, judge
from indicators.plan_status import Decision
from warehouse import Warehouse

if TYPE_CHECKING:  # the alert channels (Apprise) are imported when alerts are kept or sent
    from alerts.config import AlertConfig
    from alerts.engine import AlertPreview, AlertReport, Sender


@dataclass(frozen=True)
class Evaluated:
    """One evaluation and what it did to the alerts: a report when it ran live, a preview
    when it was a dry run."""

    evaluation: Evaluation
    report: AlertReport | None
    preview: AlertPreview | None

    @property
    def dry_run(self) -> bool:
        return self.preview is not None

    def summary(self) -> dict:
        """The evaluation's counts and the alerts' outcome, as plain data."""
        from alerts.engine import AlertReport

        outcome = self.preview.as_dict() if self.preview else (self.report or AlertReport())
        data = outcome if isinstance(outcome, dict) else outcome.as_dict()
        return {
            "as_of": self.evaluation.as_of.isoformat(),
            "counts": self.evaluation.as_dict()["counts"],
            **data,
        }


def evaluation(
    warehouse: Warehouse, catalog: Catalog, as_of: dt.date, totals: pd.DataFrame | None = None
) -> Evaluation:
    """Every target judged on the figures known at the end of `as_of`, the initiatives with
    their statuses in the plan as of that day (the decisions recorded, by the day decided).
    `totals`: those figures as `Warehouse.indicator_totals(as_of=as_of)` gives them, when
    the caller has read them already (the dashboard shows them too: one read of every
    figure, not two)."""
    decisions = [Decision.from_record(row) for row in warehouse.initiative_statuses()]
    if totals is None:
        totals = warehouse.indicator_totals(as_of=as_of)
    return judge(catalog, totals, as_of, decisions)


def evaluate_and_alert(
    warehouse: Warehouse,
    catalog: Catalog,
    as_of: dt.date,
    config: AlertConfig,
    sender: Sender,
    now: dt.datetime,
) -> Evaluated:
    """Judge every target as of `as_of`; when that is today, open and resolve alerts and send
    messages, else only say what would change."""
    from alerts.engine import preview_alerts, run_alerts

    result = evaluation(warehouse, catalog, as_of)
    # Alerts are of the instance: every indicator and every plan's initiatives, whichever
    # plan the evaluation's counts are of.
    whole = result.whole or result
    if as_of != now.date():
        return Evaluated(result, None, preview_alerts(whole, warehouse, config))
    # The channels live in a file an administrator edits: each change reaches the audit
    # trail (URLs masked) the first time it is used.
    warehouse.record_state("config-file", "alert_channels", "alerts.yaml", config.public())
    return Evaluated(result, run_alerts(whole, warehouse, config, sender, now), None)


@dataclass(frozen=True)
class Delivered:
    """One pass over the outbox: messages sent, failed (waiting on their back-off), why."""

    sent: int
    failed: int
    errors: list[str]


def deliver_due(
    warehouse: Warehouse, config: AlertConfig, sender: Sender, now: dt.datetime
) -> Delivered:
    """Send every message in the outbox that is due now (never one already sent)."""
    from alerts.engine import deliver

    return Delivered(*deliver(warehouse, config, sender, now))
