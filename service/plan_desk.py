"""The plan's statuses of initiatives, as the door offers them: an administrator records a
new status for an initiative (達成 / 実施中 / 変更) with the day it was decided and its reason
(required for 変更). Kept in the warehouse, audited with the status in force before it;
the one evaluation of any day applies it from its day on (indicators.plan_status). Owners
and viewers read the statuses; they record none: the plan's statuses are the plan's."""

from __future__ import annotations

import datetime as dt

from access.roles import Actor, require_admin
from indicators.catalog import INITIATIVE_STATUSES
from indicators.plan_status import Decision, plan_statuses, report_day
from kernel.errors import BilingualError
from kernel.formatting import long_date
from pipeline.resources import Resources

RECORD = ("取組の状況の記録", "record an initiative's status")

# The most an administrator writes as the reason of one decision.
MAX_REASON = 2000

# The statuses as the report and the dashboard write them, read as the codes.
_WRITTEN = {"達成": "achieved", "実施中": "in_progress", "変更": "changed"}


class StatusRefused(BilingualError, ValueError):
    """A status that cannot be recorded as given (unknown initiative or status, a day in the
    future or before the report, a change without its reason); the message says why."""


def status_code(status: str) -> str:
    """The status code of `status` as given (`achieved`, or 達成 as the report writes it);
    StatusRefused naming the known ones."""
    code = _WRITTEN.get(status.strip(), status.strip())
    if code not in INITIATIVE_STATUSES:
        known = " / ".join(INITIATIVE_STATUSES)
        raise StatusRefused(
            f"状況「{status}」はありません（{known}、または 達成 / 実施中 / 変更）",
            f"unknown status {status!r} (one of {known}, or 達成 / 実施中 / 変更)",
        )
    return code


def record(
    resources: Resources,
    actor: Actor,
    initiative_id: str,
    status: str,
    on: dt.date,
    reason: str | None = None,
    stated_by: str | None = None,
) -> int:
    """Record that `initiative_id` has `status` from `on` (the day it was decided), with the
    reason; audited with the status in force on that day before it. The decision's id.
    Administrators only; StatusRefused for an unknown initiative or status, a day after today
    or not after the report's, or a change (変更) without a reason."""
    require_admin(actor, *RECORD)
    whole = resources.catalog()
    plan_id = whole.plan_of(initiative_id)
    if plan_id is None:
        raise StatusRefused(
            f"取組「{initiative_id}」は目録にありません", f"no initiative {initiative_id!r}"
        )
    catalog = whole.for_plan(plan_id)  # its plan: the report whose day a decision follows
    code = status_code(status)
    today = resources.clock.today()
    if on > today:
        raise StatusRefused(
            f"決定日 {long_date(on)} は未来の日付です（今日は {long_date(today)}）",
            f"the day decided, {on.isoformat()}, is in the future (today is {today.isoformat()})",
        )
    reported_on = report_day(catalog.plan)
    if on <= reported_on:
        raise StatusRefused(
            f"点検報告書の状況は {long_date(reported_on)} 時点です。"
            "それより後に決定した日を記入してください",
            f"the review report's statuses are as of {reported_on.isoformat()}: "
            "a later decision is dated after that day",
        )
    text = (reason or "").strip()
    if code == "changed" and not text:
        raise StatusRefused(
            "「変更」には理由を記入してください", "a change (変更) needs its reason"
        )
    if len(text) > MAX_REASON:
        raise StatusRefused(
            f"理由は{MAX_REASON}文字以内にしてください",
            f"the reason is longer than {MAX_REASON} characters",
        )
    warehouse = resources.warehouse
    decisions = [Decision.from_record(row) for row in warehouse.initiative_statuses()]
    then = resources.catalog(on)
    if plan_id not in then.plan_ids:  # a plan not yet in force on the day decided
        before = None
    else:
        before = plan_statuses(then.for_plan(plan_id), decisions, on).by_initiative.get(
            initiative_id
        )
    return warehouse.record_initiative_status(
        initiative_id,
        code,
        on,
        text or None,
        actor.name,
        None if before is None else _audited(before.status, before.since, before.reason),
        stated_by,
    )


def _audited(status: str, since: dt.date, reason: str | None) -> dict:
    return {"status": status, "since": since.isoformat(), "reason": reason}
