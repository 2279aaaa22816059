"""The `deliver` flow: send what is due in the outbox. `shihyo serve` runs it every few
minutes (SHIHYO_DELIVER_EVERY_MINUTES), so that a message whose channel was down goes out
within minutes of the channel coming back, still exactly once."""

from __future__ import annotations

from prefect import flow

from alerts.config import load_alert_config
from alerts.engine import AppriseSender
from flows import runtime
from pipeline import deliver_due


@flow(name="deliver", persist_result=False, log_prints=True)
def deliver() -> dict:
    """Send every message that is due; the counts."""
    res = runtime.resources()
    config = load_alert_config(res.settings.alert_config_path)
    done = deliver_due(res.warehouse, config, AppriseSender(), res.clock.now())
    res.warehouse.publish_snapshot()
    if done.sent or done.failed:
        print(f"messages sent {done.sent}, failed {done.failed}")
    return {"sent": done.sent, "failed": done.failed, "errors": done.errors}
