"""Reminders before a due day: a section whose figures for a period have not arrived is told
once, a few days before the figures are due (the 10th of the following month by default),
and the owner of an open improvement action once before its due day. Each reminder has a
key; the warehouse writes a key and its messages in one transaction, so a reminder goes
into the outbox once, and the outbox delivers it once, however often the evaluation runs
or a channel is down."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd

from alerts.config import AlertConfig, mask
from alerts.messages import indicator_link
from indicators import display
from indicators.catalog import Catalog, Indicator
from indicators.status import due_date, first_period, latest_reportable_period
from indicators.trend import shift_period
from kernel.vocabulary import Lang
from warehouse.alerts import Outgoing


@dataclass(frozen=True)
class Reminder:
    """One reminder: its key (told once), to whom, the due day, what it says per channel."""

    key: str
    kind: str  # figures_due | action_due
    recipient: str
    due: dt.date
    details: dict
    messages: list[Outgoing] = field(default_factory=list)


def upload_link(dashboard_url: str, section: str) -> str:
    """The upload desk, with the section chosen."""
    return f"{dashboard_url.rstrip('/')}/upload?{urlencode({'section': section})}"


def template_link(dashboard_url: str, section: str) -> str:
    """The upload desk with the section's template offered first."""
    query = urlencode({"section": section, "template": "1"})
    return f"{dashboard_url.rstrip('/')}/upload?{query}"


def periods_due(
    catalog: Catalog, known: set[tuple[str, dt.date]], today: dt.date, days_before: int
) -> dict[tuple[str, dt.date], list[tuple[Indicator, dt.date]]]:
    """Per (section, due day) within `days_before` days from today (the due day itself
    included), the indicators and periods whose figures have not arrived. A period counts
    once it has ended (its figure can be sent) and while its due day has not passed."""
    found: dict[tuple[str, dt.date], list[tuple[Indicator, dt.date]]] = {}
    if days_before <= 0:
        return found
    horizon = today + dt.timedelta(days=days_before)
    for ind in catalog.indicators:
        period = latest_reportable_period(ind, today)
        while period is not None and period >= first_period(ind):
            due = due_date(ind, period)
            if due < today:
                break  # this one and older are late, told by the late alert
            if due <= horizon and (ind.id, period) not in known:
                found.setdefault((ind.owner, due), []).append((ind, period))
            period = shift_period(ind, period, -1)
    return found


def _figures_text(
    section_name: str,
    section_name_en: str,
    due: dt.date,
    items: list[tuple[Indicator, dt.date]],
    upload: str,
    template: str,
) -> tuple[str, str]:
    day = display.day(due, Lang.ja)
    ja = [
        f"{section_name} ご担当者様",
        "",
        f"次の実績の報告期限は {day} です。まだ届いていません。",
        "",
        *(
            f"  ・{ind.name}: {display.period(ind, period, Lang.ja)} の実績"
            for ind, period in items
        ),
        "",
        f"アップロード: {upload}",
        f"テンプレート: {template}",
    ]
    en = [
        f"To {section_name_en}",
        "",
        f"These figures are due by {display.day(due, Lang.en)} and have not arrived yet:",
        "",
        *(f"  - {ind.name_en}: {display.period(ind, period, Lang.en)}" for ind, period in items),
        "",
        f"Upload: {upload}",
        f"Template: {template}",
    ]
    return "\n".join(ja), "\n".join(en)


def _action_text(
    section_name: str,
    section_name_en: str,
    ind: Indicator,
    what: str,
    who: str,
    due_day: dt.date,
    link: str,
) -> tuple[str, str]:
    due = display.day(due_day, Lang.ja)
    ja = [
        f"{section_name} ご担当者様",
        "",
        f"改善策の期限 {due} が近づいています。",
        f"  ・指標: {ind.name}",
        f"  ・改善策: {what}",
        f"  ・担当: {who}",
        "",
        f"完了したら指標ページで「完了」にしてください: {link}",
    ]
    en = [
        f"To {section_name_en}",
        "",
        f"An improvement action is due by {due}.",
        f"  - Indicator: {ind.name_en}",
        f"  - Action: {what}",
        f"  - Who: {who}",
        "",
        f"When it is done, mark it done on the indicator's page: {link}",
    ]
    return "\n".join(ja), "\n".join(en)


def _date(value: object) -> dt.date:
    return pd.Timestamp(str(value)).date()


def _with_channels(
    reminder: Reminder, subject: str, body: str, config: AlertConfig, admin: str
) -> Reminder:
    channels = config.channels(reminder.recipient, admin)
    if not channels:
        out = [
            Outgoing(reminder.recipient, "(none configured)", "", subject, body, [], "no_channel")
        ]
    else:
        out = [
            Outgoing(reminder.recipient, mask(u), config.url_hash(u), subject, body, [])
            for u in channels
        ]
    return Reminder(
        reminder.key, reminder.kind, reminder.recipient, reminder.due, reminder.details, out
    )


def plan_reminders(
    catalog: Catalog,
    known: set[tuple[str, dt.date]],
    open_actions: pd.DataFrame,
    config: AlertConfig,
    today: dt.date,
    already: Iterable[str] = (),
) -> list[Reminder]:
    """The reminders due today that have not been written yet (`already`: the keys written),
    each with one message per channel of its recipient, Japanese first, English below."""
    told = set(already)
    days = config.remind_days_before
    names = {o.id: (o.name, o.name_en) for o in catalog.owners}
    admin = catalog.plan.admin_owner
    base = config.dashboard_url
    found: list[Reminder] = []
    for (section, due), items in sorted(periods_due(catalog, known, today, days).items()):
        key = f"figures_due|{section}|{due.isoformat()}"
        if key in told:
            continue
        name, name_en = names.get(section, (section, section))
        ja, en = _figures_text(
            name, name_en, due, items, upload_link(base, section), template_link(base, section)
        )
        subject = (
            f"[shihyo] {name}: 実績の報告期限 {display.day(due, Lang.ja)}（{len(items)}件）"
            f" / figures due {display.day(due, Lang.en)} ({len(items)})"
        )
        details = {
            "figures": [
                {"indicator_id": ind.id, "period": period.isoformat()} for ind, period in items
            ]
        }
        reminder = Reminder(key, "figures_due", section, due, details)
        found.append(_with_channels(reminder, subject, _bilingual(ja, en), config, admin))
    if days > 0 and not open_actions.empty:
        indicators = {ind.id: ind for ind in catalog.indicators}
        horizon = today + dt.timedelta(days=days)
        for row in open_actions.itertuples():
            due = _date(row.due)
            ind = indicators.get(row.indicator_id)
            if ind is None or row.state != "open" or not today <= due <= horizon:
                continue
            key = f"action_due|{int(row.id)}|{due.isoformat()}"
            if key in told:
                continue
            name, name_en = names.get(row.section, (row.section, row.section))
            link = indicator_link(base, ind.id)
            ja, en = _action_text(name, name_en, ind, row.action, row.assignee, due, link)
            subject = (
                f"[shihyo] {name}: 改善策の期限 {display.day(due, Lang.ja)}"
                f" / action due {display.day(due, Lang.en)}"
            )
            reminder = Reminder(key, "action_due", row.section, due, {"action_id": int(row.id)})
            found.append(_with_channels(reminder, subject, _bilingual(ja, en), config, admin))
    return found


def _bilingual(ja: str, en: str) -> str:
    return "\n".join([ja, "", "―" * 20, "", en])
