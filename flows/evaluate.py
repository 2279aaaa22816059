"""The `evaluate` flow: judge every target, keep the alert table, write one message per
recipient to the outbox and deliver what is due. Scheduled daily by `shihyo serve` and
run after each ingestion that changed something."""

from __future__ import annotations

import datetime as dt

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from alerts.config import load_alert_config
from alerts.engine import AlertReport, AppriseSender, Sender, run_alerts
from indicators.evaluation import Evaluation
from kernel.settings import Settings, load_settings
from shihyo.service import evaluation
from warehouse import Warehouse


def run_evaluate(
    as_of: dt.date | None = None,
    settings: Settings | None = None,
    sender: Sender | None = None,
    now: dt.datetime | None = None,
) -> tuple[Evaluation, AlertReport]:
    """Evaluate and alert without Prefect; the same steps as the flow."""
    settings = settings or load_settings()
    warehouse = Warehouse.of(settings)
    result = evaluation(warehouse, as_of or settings.clock.today())
    config = load_alert_config(settings.alert_config_path)
    # The channels live in a file an administrator edits: each change reaches the audit
    # trail (URLs masked) the first time it is used.
    warehouse.record_state("config-file", "alert_channels", "alerts.yaml", config.public())
    report = run_alerts(
        result, warehouse, config, sender or AppriseSender(), now or settings.clock.now()
    )
    return result, report


@task(name="evaluate-and-alert", persist_result=False)
def evaluate_and_alert(as_of: str | None) -> dict:
    result, report = run_evaluate(dt.date.fromisoformat(as_of) if as_of else None)
    return {"as_of": result.as_of.isoformat(), "counts": result.counts, **report.as_dict()}


@flow(name="evaluate", persist_result=False, log_prints=True)
def evaluate(as_of: str | None = None) -> dict:
    """Judge every target as of a day (default today) and send the alerts that are due."""
    summary = evaluate_and_alert(as_of)
    lines = [
        f"# 評価 / Evaluation ({summary['as_of']})",
        "",
        "| status | indicators |",
        "|---|---:|",
        *(f"| {k} | {v} |" for k, v in summary["counts"].items() if v),
        "",
        f"alerts opened {summary['alerts_opened']}, resolved {summary['alerts_resolved']}; "
        f"messages written {summary['messages_written']}, sent {summary['messages_sent']}, "
        f"failed {summary['messages_failed']}",
    ]
    create_markdown_artifact(
        "\n".join(lines), key="evaluation-summary", description="target statuses and alerts"
    )
    print(lines[-1])
    return summary
