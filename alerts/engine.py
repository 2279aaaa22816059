"""One alert run: conditions from the evaluation, the loads and the catalog; the
alert state machine in the warehouse; one message per recipient through the outbox;
then delivery of whatever is due, with back-off for channels that are down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from alerts.config import AlertConfig, mask
from alerts.messages import AlertLine, compose
from alerts.reminders import plan_reminders
from alerts.rules import (
    RULES,
    Condition,
    coverage_conditions,
    target_conditions,
    validation_conditions,
)
from indicators import display
from indicators.evaluation import Evaluation
from kernel.vocabulary import Lang
from warehouse import Warehouse
from warehouse.alerts import Outgoing

MAX_BACKOFF = dt.timedelta(hours=24)
DEFAULT_RECIPIENT = ""  # a load whose sender's section is unknown goes to the default channel


class Sender(Protocol):
    def send(self, url: str, title: str, body: str) -> tuple[bool, str | None]: ...


class AppriseSender:
    """Delivers through Apprise as plain text: a channel that can show plain text (e-mail
    as text/plain) gets it as such, and one that takes only HTML or Markdown gets it
    escaped by Apprise, so that nothing in a message (a file name, a summary) is markup.
    An unreachable target fails without an exception; so does a plugin that raises."""

    def send(self, url: str, title: str, body: str) -> tuple[bool, str | None]:
        import apprise  # here: a run with nothing to deliver does not import it (0.15 s)

        try:
            notifier = apprise.Apprise()
            if not notifier.add(url):
                return False, f"not a usable notification URL: {mask(url)}"
            if notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT):
                return True, None
        except Exception as exc:  # its text may quote the URL: name only its kind
            return False, f"delivery to {mask(url)} failed ({type(exc).__name__})"
        return False, f"delivery to {mask(url)} failed"


@dataclass
class AlertReport:
    """What one run did."""

    opened: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    messages_written: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "alerts_opened": len(self.opened),
            "alerts_resolved": len(self.resolved),
            "messages_written": self.messages_written,
            "messages_sent": self.sent,
            "messages_failed": self.failed,
            "errors": self.errors,
        }


def conditions_on(
    evaluation: Evaluation,
    loads: pd.DataFrame,
    config: AlertConfig,
    keys: pd.DataFrame | None = None,
) -> list[Condition]:
    """Every condition that holds on the evaluation's day, given the loads received by then
    (and what they meant to bring and brought: `keys`)."""
    return [
        *target_conditions(evaluation, config.at_risk),
        *validation_conditions(loads, keys),
        *coverage_conditions(evaluation.catalog),
    ]


@dataclass
class AlertPreview:
    """What an evaluation as of a past day would open and resolve, against the live alerts;
    nothing is written or sent."""

    would_open: list[Condition] = field(default_factory=list)
    would_resolve: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "dry_run": True,
            "would_open": [
                {
                    "rule": c.rule,
                    "recipient": c.recipient,
                    "summary": c.summary,
                    "summary_en": c.summary_en,
                }
                for c in self.would_open
            ],
            "would_resolve": self.would_resolve,
        }


def preview_alerts(
    evaluation: Evaluation, warehouse: Warehouse, config: AlertConfig
) -> AlertPreview:
    """The alerts an evaluation as of its (past) day would open and resolve, compared with
    the alerts open now; a dry run that writes and sends nothing."""
    end = dt.datetime.combine(evaluation.as_of + dt.timedelta(days=1), dt.time())
    loads = warehouse.loads()
    received = pd.to_datetime(loads["received_at"]) < end if not loads.empty else []
    known = loads[received] if len(loads) else loads
    holding = conditions_on(evaluation, known, config, warehouse.validation_keys())
    live = warehouse.alerts("open")
    open_keys = set(live["key"]) if not live.empty else set()
    held_keys = {c.key for c in holding}
    preview = AlertPreview([c for c in holding if c.key not in open_keys])
    for row in live.itertuples():
        if row.key not in held_keys:
            preview.would_resolve.append(
                {
                    "id": int(row.id),
                    "rule": row.rule,
                    "summary": row.summary,
                    "summary_en": row.summary_en,
                }
            )
    return preview


def digest_due(last: dt.datetime | None, now: dt.datetime, weekday: int) -> bool:
    """Whether the weekly digest is due: none was sent since this week's digest day (the
    latest `weekday` on or before today). By calendar day, so that a run at any hour of the
    digest day sends it, and a run later the same week does not."""
    digest_day = now.date() - dt.timedelta(days=(now.weekday() - weekday) % 7)
    return last is None or last.date() < digest_day


def _names(evaluation: Evaluation) -> dict[str, tuple[str, str]]:
    names = {o.id: (o.name, o.name_en) for o in evaluation.catalog.owners}
    names[DEFAULT_RECIPIENT] = ("既定の宛先", "Default recipients")
    return names


def open_actions(warehouse: Warehouse) -> pd.DataFrame:
    """The improvement actions still open, soonest due first."""
    found = warehouse.actions()
    return found[found["state"] == "open"].sort_values(["due", "id"])


def _action_notes(actions: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per indicator with an open action, what an alert says of it: the soonest due day."""
    notes: dict[str, tuple[str, str]] = {}
    for row in actions.itertuples():
        if row.indicator_id in notes:
            continue
        due = pd.Timestamp(row.due).date()
        notes[row.indicator_id] = (
            f"改善策を記録済み（期限 {display.day(due, Lang.ja)}）",
            f"action recorded, due {display.day(due, Lang.en)}",
        )
    return notes


def _note(
    evaluation: Evaluation,
    rule: str,
    indicator_id: str | None,
    resolved: bool,
    actions: dict[str, tuple[str, str]],
) -> tuple[str, str]:
    """What a line adds to its alert's summary: for a resolution, the figure that stands now
    (the summary repeats the figures of the day it opened); for an off-track, missed or late
    indicator, the action recorded and its due day, or that one is asked for."""
    indicator = next((i for i in evaluation.catalog.indicators if i.id == indicator_id), None)
    if indicator is None:
        return "", ""
    if resolved:
        now = evaluation.headlines.get(indicator.id)
        if now is None or now.last_period is None:
            return "", ""
        amount = now.actual if now.actual is not None else None
        period = now.actual_period or now.last_period
        return (
            f"現在の実績 {display.figure(indicator, amount, Lang.ja)}"
            f"（{display.period(indicator, period, Lang.ja)}）",
            f"now {display.figure(indicator, amount, Lang.en)}"
            f" ({display.period(indicator, period, Lang.en)})",
        )
    if rule in ("missed", "off_track", "late"):
        if indicator.id in actions:
            return actions[indicator.id]
        if rule != "late":
            return (
                "原因と改善策（何を・誰が・いつまでに）を指標ページで記録してください",
                "please record the cause and an action (what, who, by when) on its page",
            )
    return "", ""


def plan_messages(
    evaluation: Evaluation, warehouse: Warehouse, config: AlertConfig, now: dt.datetime
) -> list[Outgoing]:
    """One message per recipient and channel for what has not been told yet. The
    administrator's no-indicator alerts wait for the weekly digest."""
    renotify = dt.timedelta(hours=config.renotify_hours) if config.renotify_hours else None
    pending = warehouse.alerts_to_notify(now, renotify)
    if pending.empty:
        return []
    admin = evaluation.catalog.plan.admin_owner
    last_digest = warehouse.last_told("no_indicator", admin)
    if not digest_due(last_digest, now, config.digest_weekday):
        pending = pending[~((pending["rule"] == "no_indicator") & ~pending["resolved"])]
    names = _names(evaluation)
    actions = _action_notes(open_actions(warehouse))
    outgoing: list[Outgoing] = []
    for recipient, rows in pending.groupby("recipient", sort=True):
        lines = []
        for r in rows.itertuples():
            indicator_id = r.indicator_id if isinstance(r.indicator_id, str) else None
            note = _note(evaluation, r.rule, indicator_id, bool(r.resolved), actions)
            lines.append(
                AlertLine(
                    int(r.id),
                    r.rule,
                    r.summary,
                    r.summary_en,
                    indicator_id,
                    bool(r.resolved),
                    *note,
                )
            )
        name, name_en = names.get(recipient, (recipient, recipient))
        message = compose(recipient, name, name_en, lines, config.dashboard_url)
        channels = config.channels(recipient, admin)
        if not channels:
            outgoing.append(
                Outgoing(
                    recipient,
                    "(none configured)",
                    "",
                    message.subject,
                    message.body,
                    message.alert_ids,
                    state="no_channel",
                )
            )
        for url in channels:
            outgoing.append(
                Outgoing(
                    recipient,
                    mask(url),
                    config.url_hash(url),
                    message.subject,
                    message.body,
                    message.alert_ids,
                )
            )
    return outgoing


def deliver(
    warehouse: Warehouse, config: AlertConfig, sender: Sender, now: dt.datetime
) -> tuple[int, int, list[str]]:
    """Send every due message once; a failure waits, doubling, for a later run. One bad
    channel (an unusable URL, a plugin that raises) fails its own messages, not the others."""
    sent = failed = 0
    errors: list[str] = []
    for message in warehouse.due_messages(now).itertuples():
        url = config.url_of(message.channel_hash)
        if url is None:
            ok, error = False, f"channel {message.channel} is no longer configured"
        else:
            try:
                ok, error = sender.send(url, message.subject, message.body)
            except Exception as exc:  # a sender's error text may quote the URL
                ok, error = False, f"delivery to {mask(url)} failed ({type(exc).__name__})"
        if ok:
            warehouse.mark_sent(int(message.id), now)
            sent += 1
            continue
        wait = min(
            dt.timedelta(minutes=config.retry_minutes) * 2 ** int(message.attempts), MAX_BACKOFF
        )
        warehouse.mark_failed(int(message.id), error or "failed", now + wait)
        failed += 1
        errors.append(f"message {message.id} to {message.recipient}: {error}")
    return sent, failed, errors


def run_alerts(
    evaluation: Evaluation,
    warehouse: Warehouse,
    config: AlertConfig,
    sender: Sender,
    now: dt.datetime,
) -> AlertReport:
    """Update the alerts from the evaluation, write the messages, deliver what is due."""
    report = AlertReport()
    report.opened, report.resolved = warehouse.sync_alerts(
        conditions_on(evaluation, warehouse.loads(), config, warehouse.validation_keys()),
        now,
        RULES,
    )
    messages = plan_messages(evaluation, warehouse, config, now)
    warehouse.enqueue(messages, now)
    # A message kept while its recipient had no channel goes out once it has one.
    admin = evaluation.catalog.plan.admin_owner
    warehouse.reroute(
        lambda recipient: [
            (mask(u), config.url_hash(u)) for u in config.channels(recipient, admin)
        ],
        now,
    )
    report.messages_written = len(messages) + send_reminders(evaluation, warehouse, config, now)
    report.sent, report.failed, report.errors = deliver(warehouse, config, sender, now)
    return report


def send_reminders(
    evaluation: Evaluation, warehouse: Warehouse, config: AlertConfig, now: dt.datetime
) -> int:
    """Write to the outbox the reminders due on the evaluation's day not written before (a
    section's figures due soon, an action due soon); the messages written."""
    if config.remind_days_before <= 0:
        return 0
    totals = warehouse.indicator_totals(as_of=evaluation.as_of)
    known = {(row.indicator_id, pd.Timestamp(row.period).date()) for row in totals.itertuples()}
    actions = open_actions(warehouse)
    planned = plan_reminders(evaluation.catalog, known, actions, config, evaluation.as_of)
    if not planned:
        return 0
    written = set(warehouse.enqueue_reminders(planned, now))
    return sum(len(r.messages) for r in planned if r.key in written)
