"""Section 3 of the report (全体総括): the plan's status table, the indicators' statuses,
coverage, the alerts opened up to the day and the checks against the reported counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from indicators.catalog import Catalog
from indicators.coverage import coverage
from indicators.evaluation import Evaluation
from indicators.plan import PlanSummary, Row
from kernel.vocabulary import Lang, status_label
from report import method
from report.model import AlertRow, Counts, CoverageRow, MismatchRow, Summary
from report.words import named, word


def row_counts(row: Row) -> Counts:
    """A status-table row's counts."""
    return Counts(row.achieved, row.in_progress, row.changed, row.total)


def summarise(
    catalog: Catalog,
    summary: PlanSummary,
    result: Evaluation,
    alerts: pd.DataFrame,
    day: dt.date,
    lang: Lang,
) -> Summary:
    """Section 3: the status table, indicator statuses, coverage, alerts and checks."""
    en_names = {p.id: p.name_en for p in catalog.policies}
    en_names |= {a.id: a.name_en for _, a in catalog.areas()}
    en_names[catalog.plan.id] = catalog.plan.name_en
    total = row_counts(summary.total)
    cov = coverage(catalog)
    counts = result.counts
    return Summary(
        policies=[(named(p.name, p.name_en, lang), row_counts(p)) for p in summary.policies],
        total=total,
        sentence=method.status_sentence(total, lang),
        indicator_counts=[(s, status_label(s, lang), n) for s, n in counts.items()],
        indicators_total=sum(counts.values()),
        indicator_sentence=method.indicator_sentence(counts, day, lang),
        coverage=[
            CoverageRow(
                named(g.name, en_names.get(g.id), lang), g.initiatives, g.with_indicator, g.ratio
            )
            for g in cov.policies
        ],
        coverage_total=CoverageRow(
            word("total", lang), cov.initiatives_total, cov.with_indicator, cov.ratio
        ),
        coverage_sentence=method.coverage_sentence(cov.initiatives_total, cov.with_indicator, lang),
        alerts=alert_rows(catalog, alerts, day, lang),
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
    )


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
