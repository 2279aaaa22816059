"""Evaluating and alerting as one step: every target judged as of a day, the alert table
kept, one message per recipient written to the outbox and what is due delivered."""

from __future__ import annotations

import datetime as dt

from alerts.config import AlertConfig
from alerts.engine import AlertReport, Sender, run_alerts
from indicators.catalog import Catalog
from indicators.evaluation import Evaluation, judge
from warehouse import Warehouse


def evaluation(warehouse: Warehouse, catalog: Catalog, as_of: dt.date) -> Evaluation:
    """Every target judged on the figures known at the end of `as_of`."""
    return judge(catalog, warehouse.indicator_totals(as_of=as_of), as_of)


def evaluate_and_alert(
    warehouse: Warehouse,
    catalog: Catalog,
    as_of: dt.date,
    config: AlertConfig,
    sender: Sender,
    now: dt.datetime,
) -> tuple[Evaluation, AlertReport]:
    """Judge every target as of `as_of`, then open and resolve alerts and send messages."""
    result = evaluation(warehouse, catalog, as_of)
    # The channels live in a file an administrator edits: each change reaches the audit
    # trail (URLs masked) the first time it is used.
    warehouse.record_state("config-file", "alert_channels", "alerts.yaml", config.public())
    report = run_alerts(result, warehouse, config, sender, now)
    return result, report
