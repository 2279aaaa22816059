"""Section 3 of the report (全体総括): the plan's status table, the indicators' statuses,
coverage, the alerts opened up to the day and the checks against the reported counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators import display
from indicators.catalog import Catalog
from indicators.evaluation import Evaluation
from indicators.plan import PlanSummary, Row
from kernel.vocabulary import Lang
from report import method
from report.model import AlertRow, AttentionRow, Counts, CoverageRow, MismatchRow, Summary
from report.words import named, status_label, word


def row_counts(row: Row, reported_on: dt.date | None = None, lang: Lang = Lang.ja) -> Counts:
    """A status-table row's counts, with since when they hold when the day of the report's
    statuses is given."""
    dated = display.plan_row_dating(row.since, reported_on, lang) if reported_on else ""
    return Counts(row.achieved, row.in_progress, row.changed, row.total, dated)


def summarise(
    catalog: Catalog,
    summary: PlanSummary,
    result: Evaluation,
    alerts: pd.DataFrame,
    day: dt.date,
    lang: Lang,
) -> Summary:
    """Section 3: the status table, the targets' statuses, coverage, what needs action and
    the checks — every count the evaluation's own, none counted here."""
    en_names = {p.id: p.name_en for p in catalog.policies}
    en_names |= {a.id: a.name_en for _, a in catalog.areas()}
    en_names[catalog.plan.id] = catalog.plan.name_en
    total = row_counts(summary.total)
    statuses = ("achieved", "in_progress", "changed")
    dated = ""
    if summary.reported_on is not None:
        line = display.plan_counts_line(
            {k: getattr(summary.total, k) for k in statuses},
            summary.total.since,
            summary.reported_on,
            lang,
        )
        dated = word("plan_dated_sentence", lang, line=line)
    cov = result.coverage
    counts = result.target_counts()
    recorded = alert_rows(catalog, alerts, day, lang)
    key, values = summary.agreement
    return Summary(
        policies=[(named(p.name, p.name_en, lang), row_counts(p)) for p in summary.policies],
        total=total,
        sentence=method.status_sentence(total, lang) + dated,
        target_counts=[(s, status_label(s, lang), n) for s, n in counts.by_status.items()],
        targets_total=counts.total,
        late_total=result.indicator_counts.late,
        indicator_sentence=method.indicator_sentence(counts, result, day, lang),
        coverage=[
            CoverageRow(
                named(g.name, en_names.get(g.id), lang),
                g.initiatives,
                g.with_indicator,
                g.with_target,
                g.ratio,
            )
            for g in cov.policies
        ],
        coverage_total=CoverageRow(
            word("total", lang),
            cov.initiatives_total,
            cov.with_indicator,
            cov.with_target,
            cov.ratio,
        ),
        coverage_sentence=method.coverage_sentence(cov, lang),
        attention=attention_rows(result, lang),
        alerts_recorded=word(
            "alerts_recorded",
            lang,
            opened=len(recorded),
            still_open=sum(a.state == "open" for a in recorded),
        ),
        mismatches=[
            MismatchRow(
                word(f"level_{m.level}", lang),
                named(m.name, en_names.get(m.id), lang),
                word("total" if m.status == "total" else f"col_{m.status}", lang),
                m.counted,
                m.reported,
            )
            for m in summary.mismatches
        ],
        agreement=word(key, lang, **values),
    )


# The target statuses that need someone to act, most severe first.
_ACTION = ("missed", "off_track", "incomplete")


def attention_rows(result: Evaluation, lang: Lang) -> list[AttentionRow]:
    """The targets missed, off track or incomplete, then the indicators with figures overdue,
    as the evaluation judged them on its day."""
    owners = {o.id: named(o.name, o.name_en, lang) for o in result.catalog.owners}
    rows = []
    for status in _ACTION:
        for ind in result.catalog.indicators:
            for judged in result.target_statuses([ind.id]):
                if judged.status != status:
                    continue
                detail = (
                    f"{word('target', lang)} "
                    f"{display.target(ind, judged.target_id, lang)} "
                    f"({display.day(judged.target_date, lang)}) · "
                    f"{word('actual', lang)} {display.figure(ind, judged.actual, lang)}"
                )
                rows.append(
                    AttentionRow(
                        status,
                        status_label(status, lang),
                        named(ind.name, ind.name_en, lang),
                        owners.get(ind.owner, ind.owner),
                        detail,
                    )
                )
    for ind in result.catalog.indicators:
        head = result.headlines[ind.id]
        if not head.late:
            continue
        periods = word("number_sep", lang).join(
            display.period(ind, p, lang) for p in head.missing[:3]
        )
        if len(head.missing) > 3:
            periods += f" (+{len(head.missing) - 3})"
        name = named(ind.name, ind.name_en, lang)
        rows.append(
            AttentionRow(
                "late",
                word("late_mark", lang),
                name,
                owners.get(ind.owner, ind.owner),
                word(
                    "late_of",
                    lang,
                    indicator=name,
                    periods=periods,
                    due=display.day(head.next_due, lang),
                ),
            )
        )
    return rows


def _when(value: object) -> dt.datetime | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).to_pydatetime()


def alert_rows(catalog: Catalog, frame: pd.DataFrame, day: dt.date, lang: Lang) -> list[AlertRow]:
    """The alerts opened by the end of `day`, each open or resolved as it was then."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    owners = {o.id: named(o.name, o.name_en, lang) for o in catalog.owners}
    indicators = {i.id: named(i.name, i.name_en, lang) for i in catalog.indicators}
    rows = []
    for alert in frame.itertuples(index=False):
        opened, resolved = _when(alert.opened_at), _when(alert.resolved_at)
        if opened is None or opened >= end:
            continue
        if resolved is not None and resolved >= end:
            resolved = None  # resolved after the day: still open on it
        state = "open" if resolved is None else "resolved"
        indicator_id = alert.indicator_id if isinstance(alert.indicator_id, str) else None
        initiative_id = alert.initiative_id if isinstance(alert.initiative_id, str) else None
        summary = alert.summary if Lang(lang) is Lang.ja else alert.summary_en
        rows.append(
            AlertRow(
                id=int(alert.id),
                rule=alert.rule,
                rule_label=word(f"rule_{alert.rule}", lang),
                state=state,
                state_label=word(state, lang),
                recipient=owners.get(alert.recipient, str(alert.recipient)),
                indicator=indicators.get(indicator_id, indicator_id) if indicator_id else None,
                initiative_id=initiative_id,
                summary=str(summary) if isinstance(summary, str) else "",
                opened_at=opened,
                resolved_at=resolved,
            )
        )
    return sorted(rows, key=lambda a: (a.opened_at, a.id))
