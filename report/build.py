"""The report's data as of one day: the evaluation of every target (the one its caller
computed, so that the report shows what every other face shows), the figures, coverage,
the plan's status table and the alerts, read once from the warehouse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from indicators import display
from indicators.catalog import Area, Catalog, Indicator, Initiative, Owner, Policy
from indicators.evaluation import Evaluation, indicator_series
from indicators.goals import outcome_ids
from indicators.grades import Grade
from indicators.plan import PlanSummary
from indicators.status import Figure, InitiativeStatus
from kernel.vocabulary import Lang
from report import drafting, method
from report.drafting import Edit
from report.model import (
    AreaSection,
    GradeRow,
    IndicatorRow,
    InitiativeRow,
    PolicySection,
    ReportData,
    TargetRow,
)
from report.summary import row_counts, summarise
from report.words import area_mark, fiscal_span, named, status_label, word
from warehouse import Warehouse

# A handful of the senders' notes on the latest figures is enough to read them by.
_MAX_NOTES = 3


def build(
    result: Evaluation,
    warehouse: Warehouse,
    lang: Lang | str = Lang.ja,
    totals: pd.DataFrame | None = None,
) -> ReportData:
    """The review report of `result` (every target judged as of its day), in `lang`.
    `totals`: the figures `result` was judged on, as `indicator_totals` of its day gave
    them, when the caller has them (else they are read again)."""
    lang, day = Lang(lang), result.as_of
    # Every figure comes through calls with the day, so nothing recorded later shows.
    if totals is None:
        totals = warehouse.indicator_totals(as_of=day)
    series = indicator_series(totals)
    catalog = result.catalog
    owners = {o.id: o for o in catalog.owners}
    said = _latest_comments(warehouse.commentary(None, as_of=day))
    indicators = {
        ind.id: _indicator(
            ind,
            owners.get(ind.owner),
            result,
            series.get(ind.id, []),
            warehouse,
            said.get(ind.id),
            lang,
        )
        for ind in catalog.indicators
    }
    # The officer's edits of this edition (the day and the language), by block.
    edits = drafting.edits_by_block(warehouse.report_edits(day, lang.value), result.further_plan)
    words = _Words(warehouse.actions(None, as_of=day), edits)
    summary = result.plan_summary  # the statuses as of the day, each count with its date
    policies = _policies(catalog, summary, result, indicators, words, lang)
    plan = catalog.plan
    cited = drafting.cited_figures(catalog, indicators, lang)
    overall = summarise(catalog, summary, result, warehouse.alerts(), day, lang)
    return ReportData(
        lang=lang,
        as_of=day,
        title=named(plan.report.title, plan.report.title_en, lang),
        plan_name=named(plan.name, plan.name_en, lang),
        period=fiscal_span(plan.start_fy, plan.end_fy, lang),
        publisher=plan.report.publisher,
        intro=method.intro(catalog, day, lang),
        policies=policies,
        summary=replace(overall, cited=cited, results=drafting.results_block(cited, edits, lang)),
        illustrative_note=word("illustrative_note", lang),
        appendix_note=_appendix_note(result, lang),
        grade_note=display.grade_note(plan.grades, lang),
    )


class _Words:
    """What the drafts read beside the figures: the actions as of the day, the edits."""

    def __init__(self, actions: pd.DataFrame, edits: Mapping[str, Edit]) -> None:
        self.actions = actions
        self.edits = edits


def _latest_comments(frame: pd.DataFrame) -> dict[str, tuple[dt.date, str]]:
    """Each indicator's commentary on its latest period that has one, as known on the day."""
    found: dict[str, tuple[dt.date, str]] = {}
    for row in frame.itertuples(index=False):
        period = pd.Timestamp(row.period).date()
        if row.indicator_id not in found or period > found[row.indicator_id][0]:
            found[row.indicator_id] = (period, " ".join(str(row.body).split()))
    return found


def _period_text(ind: Indicator, day: dt.date | None, lang: Lang) -> str | None:
    return display.period(ind, day, lang) if day else None


def _indicator(
    ind: Indicator,
    owner: Owner | None,
    result: Evaluation,
    figures: list[Figure],
    warehouse: Warehouse,
    comment: tuple[dt.date, str] | None,
    lang: Lang,
) -> IndicatorRow:
    """One indicator's row: its targets as judged, its figures and the latest notes, its
    baseline beside its latest figure, and its owner's latest commentary."""
    day = result.as_of
    targets = {t.id: t for t in ind.targets}
    headline = result.headlines[ind.id]
    rows = []
    for status in result.targets[ind.id]:
        target = targets.get(status.target_id or "")
        # the unit is beside the indicator's name; the mark reads as a word on every face
        mark = word("illustrative_mark", lang) if target and target.illustrative else ""
        rows.append(
            TargetRow(
                target_id=status.target_id,
                value=status.target_value,
                due=status.target_date,
                illustrative=bool(target and target.illustrative),
                note=target.note if target else None,
                actual=status.actual,
                actual_period=_period_text(ind, status.actual_period, lang),
                expected=status.expected,
                status=status.status,
                status_label=status_label(status.status, lang),
                late=status.late,
                forecast=status.forecast_date,
                headline=status is headline,
                value_text=display.value(ind, status.target_value, lang) + mark,
                due_text=display.day(status.target_date, lang),
                actual_text=display.value(ind, status.actual, lang),
                expected_text=display.value(ind, status.expected, lang),
                forecast_text=display.month(status.forecast_date, lang),
            )
        )
    # Figures of periods after the day are not known on it (as the evaluation has it).
    known = [(f.period, f.value) for f in figures if f.period <= day]
    last = headline.last_period
    row = IndicatorRow(
        id=ind.id,
        name=named(ind.name, ind.name_en, lang),
        unit=display.unit(ind, lang),
        owner=named(owner.name, owner.name_en, lang) if owner else ind.owner,
        status=headline.status,
        status_label=status_label(headline.status, lang),
        targets=rows,
        series=known,
        last_period=_period_text(ind, last, lang),
        last_period_start=last,
        latest=next((v for p, v in reversed(known) if p == last), None),
        notes=_notes(warehouse, ind.id, last, day),
        scale=display.scale(ind, lang),
        decimals=display.decimals(ind, lang),
        comment=comment[1] if comment else None,
        comment_period=_period_text(ind, comment[0], lang) if comment else None,
        grades=[_grade(ind, g, lang) for g in result.grades.get(ind.id, [])],
    )
    baseline, when, change = drafting.baseline_words(ind, row, lang)
    return replace(row, baseline=baseline, baseline_when=when, change=change)


def _grade(ind: Indicator, grade: Grade, lang: Lang) -> GradeRow:
    """A grade as the report prints it: the words, and the figures as numbers."""
    factor = display.scale(ind, lang)
    when = display.grade_when(ind, grade, lang) if grade.current_period else None
    return GradeRow(
        target_id=grade.target_id,
        letter=grade.letter,
        label=display.grade(grade, lang),
        baseline_text=display.baseline(ind, lang),
        current_text=display.grade_current(ind, grade, lang),
        target_text=display.grade_target(ind, grade, lang),
        progress_text=display.progress(grade, lang),
        baseline=grade.baseline * factor,
        current=None if grade.current is None else grade.current * factor,
        current_when=when,
        target=None if grade.target is None else grade.target * factor,
        due=grade.target_date,
        progress=grade.progress,
    )


def _notes(
    warehouse: Warehouse, indicator_id: str, last: dt.date | None, day: dt.date
) -> list[str]:
    """The distinct notes sent with the latest period's figures, as known on `day`."""
    if last is None:
        return []
    return warehouse.period_notes(indicator_id, last, day, _MAX_NOTES)


def _appendix_note(result: Evaluation, lang: Lang) -> str:
    """Under the 別紙 when a status was decided after the report: whose day the others hold."""
    statuses = result.plan_statuses
    if not statuses.updated:
        return ""
    return word("appendix_dated_note", lang, when=display.month(statuses.reported_on, lang))


def _policies(
    catalog: Catalog,
    summary: PlanSummary,
    result: Evaluation,
    indicators: dict[str, IndicatorRow],
    words: _Words,
    lang: Lang,
) -> list[PolicySection]:
    """Section 2: each policy and its areas, with initiatives, indicators and the drafted
    (or edited) 主な取組, 成果 and 課題・今後の予定等."""
    rollup = {i.initiative_id: i for i in result.initiatives}
    area_of = {item.id: item.area for item in catalog.initiatives}
    statuses = result.plan_statuses

    def decided(item: Initiative) -> str:
        """The day a status decided after the report was decided ("" for the report's)."""
        status = statuses[item.id]
        return display.plan_since(status, statuses.reported_on, lang) if status.updated else ""

    rows = {row.id: row for p in summary.policies for row in (p, *p.areas)}
    sections = []
    for policy in sorted(catalog.policies, key=lambda p: p.seq):
        chapter = word("chapter_name", lang).format(
            n=policy.seq, name=named(policy.name, policy.name_en, lang)
        )
        areas = []
        for area in sorted(policy.areas, key=lambda a: a.seq):
            name = named(area.name, area.name_en, lang)
            items = [
                _initiative(item, chapter, area.id, name, rollup[item.id], decided(item), lang)
                for item in catalog.initiatives
                if item.area == area.id
            ]
            measuring = [
                ind
                for ind in catalog.indicators
                if any(area_of.get(ref) == area.id for ref in ind.initiatives)
            ]
            evidencing = [indicators[ind.id] for ind in measuring]
            counted = rows[area.id]
            counts = (
                row_counts(counted, summary.reported_on, lang) if items or area.reported else None
            )
            blocks = drafting.area_blocks(
                area.id,
                items,
                list(zip(measuring, evidencing, strict=True)),
                result,
                words.actions,
                words.edits,
                lang,
            )
            areas.append(
                AreaSection(
                    area.id,
                    area_mark(area.seq, lang),
                    name,
                    counts,
                    items,
                    evidencing,
                    blocks,
                    drafting.goal_words(area.goal, area.goal_en, lang),
                    drafting.outcome_rows(_outcomes(catalog, area), indicators, lang),
                    drafting.goal_text(area.goal, area.goal_en, lang),
                )
            )
        sections.append(
            PolicySection(
                policy.id,
                f"({policy.seq})",
                named(policy.name, policy.name_en, lang),
                row_counts(rows[policy.id], summary.reported_on, lang),
                areas,
                drafting.goal_words(policy.goal, policy.goal_en, lang),
                drafting.outcome_rows(_outcomes(catalog, policy), indicators, lang),
                drafting.goal_text(policy.goal, policy.goal_en, lang),
            )
        )
    return sections


def _outcomes(catalog: Catalog, entry: Policy | Area) -> list[Indicator]:
    """The outcome indicators that show a policy's or an area's goal (the goal tree's)."""
    wanted = set(outcome_ids(catalog, entry))
    return [ind for ind in catalog.indicators if ind.id in wanted]


def _initiative(
    item: Initiative,
    chapter: str,
    area_id: str,
    area: str,
    rollup: InitiativeStatus,
    decided: str,
    lang: Lang,
) -> InitiativeRow:
    """One initiative's row of the 別紙 (and its count, change or gap in section 2); a status
    decided after the report carries its day in the result ("…（2026/11/02 決定）")."""
    return InitiativeRow(
        id=item.id,
        number=item.number,
        chapter=chapter,
        area_id=area_id,
        area=area,
        subitem=item.subitem,
        group=item.group,
        text=item.text + (word("reconstructed_mark", lang) if item.reconstructed else ""),
        status=item.status,
        result=word(f"result_{item.status}", lang)
        + (display.paren(decided, lang) if decided else ""),
        reason=item.reason,
        indicator_status=rollup.status,
        indicator_label=status_label(rollup.status, lang),
        inconsistent=rollup.inconsistent,
    )
