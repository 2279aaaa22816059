"""The report's drafted words: each area's 主な取組, 成果 and 課題・今後の予定等, and the
3(2) 成果, written from the initiatives' results, the indicators' baselines and latest
figures, and the owners' commentary and open improvement actions — then replaced, block by
block, by the officer's edit of this edition where there is one. A paragraph of an edit that
is not one of the draft's is marked as written by a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from indicators import display
from indicators.catalog import Catalog, Indicator
from indicators.catalog import Figure as CatalogFigure
from indicators.evaluation import Evaluation
from indicators.periods import fiscal_year_of
from indicators.status import needs_action
from kernel.vocabulary import Lang
from report.model import Block, CitedFigure, IndicatorRow, InitiativeRow, OutcomeRow, Paragraph
from report.words import named, word

# 主な取組 names a few initiatives (those its indicators speak for first); the 別紙 lists all.
MAX_MAIN = 3
# The section of the prefecture's report whose figures 3(2) 成果 gives again.
RESULTS_SOURCE = "3(2)"
# Where an edit is kept: an area's three blocks, and 3(2).
PARTS = ("main", "results", "issues")
RESULTS_KEY = "summary|results"


@dataclass(frozen=True)
class Edit:
    """The officer's edit in force for one block."""

    body: str
    draft: str
    author: str
    recorded_at: dt.datetime
    revision: int


# A further plan's edits are kept under its id, `plan:<id>|area|…`: two plans' reports of one
# day and language are two editions, and the default plan's keys stay as they always were.
_PLAN = "plan:"


def stored_key(key: str, plan_id: str | None) -> str:
    """The key a block's edit is kept under in the warehouse, for the plan `plan_id` (None:
    the default plan)."""
    return f"{_PLAN}{plan_id}|{key}" if plan_id else key


def of_plan(frame: pd.DataFrame, plan_id: str | None) -> pd.DataFrame:
    """The rows (with a `block` column) of one plan's edition, their blocks by the report's
    own keys (None: the default plan's)."""
    blocks = frame["block"].astype(str)
    if plan_id is None:
        return frame[~blocks.str.startswith(_PLAN)]
    prefix = stored_key("", plan_id)
    mine = frame[blocks.str.startswith(prefix)].copy()
    mine["block"] = mine["block"].astype(str).str.slice(len(prefix))
    return mine


def edits_by_block(frame: pd.DataFrame, plan_id: str | None = None) -> dict[str, Edit]:
    """The edits in force of one edition (the warehouse's frame) of the plan `plan_id` (None:
    the default plan), by block key."""
    return {
        str(row.block): Edit(
            str(row.body),
            str(row.draft),
            str(row.author),
            pd.Timestamp(row.recorded_at).to_pydatetime(),
            int(row.revision),
        )
        for row in of_plan(frame, plan_id).itertuples(index=False)
    }


def area_key(area_id: str, part: str) -> str:
    """The key of one of an area's blocks: area|p1-08|results."""
    return f"area|{area_id}|{part}"


def lines(text: str) -> list[str]:
    """A block's text as paragraphs: one a line, blank lines and a leading bullet dropped."""
    found = []
    for line in text.splitlines():
        line = line.strip().lstrip("・-•").strip()
        if line:
            found.append(line)
    return found


def block(key: str, heading: str, drafted: Sequence[str], edits: Mapping[str, Edit]) -> Block:
    """A block as drafted, or as edited: the edit's paragraphs that are not the draft's (the
    draft of today, or the one the officer edited from) are marked as written by a person."""
    draft = "\n".join(drafted)
    edit = edits.get(key)
    if edit is None:
        return Block(key, heading, [Paragraph(p) for p in drafted], draft)
    known = set(drafted) | set(lines(edit.draft))
    paragraphs = [Paragraph(p, by_person=p not in known) for p in lines(edit.body)]
    return Block(key, heading, paragraphs, draft, edit.author, edit.recorded_at, edit.revision)


# ── figures as the drafts write them ─────────────────────────────────────────


def _amount(ind: Indicator, fig: CatalogFigure, lang: Lang, unit: bool = True) -> str:
    text = (display.figure if unit else display.value)(ind, fig.value, lang)
    return word("approx", lang, x=text) if fig.approximate else text


def when(ind: Indicator, fig: CatalogFigure, lang: Lang) -> str:
    """When a catalog figure was taken: a fiscal year for a year's total, a month for a
    month's end (as the report writes 平成30年4月時点), else the day."""
    return display.taken(ind, fig, lang)


def _comparable_latest(ind: Indicator, row: IndicatorRow, lang: Lang) -> tuple[str, str] | None:
    """The latest figure to set beside the baseline, and its period: the latest period's;
    for a baseline that is a year's total of a monthly or quarterly flow, the total of the
    latest whole fiscal year known (None when there is none yet)."""
    if ind.baseline.window == "fiscal_year" and ind.frequency != "fiscal_year":
        per_year = 12 if ind.frequency == "monthly" else 4
        years: dict[int, list[float]] = {}
        for period, value in row.series:
            years.setdefault(fiscal_year_of(period), []).append(value)
        whole = [y for y, values in years.items() if len(values) >= per_year]
        if not whole:
            return None
        year = max(whole)
        return display.figure(ind, sum(years[year]), lang), display.fiscal_year(year, lang)
    if row.latest is None or row.last_period is None:
        return None
    return display.figure(ind, row.latest, lang), row.last_period


def baseline_words(ind: Indicator, row: IndicatorRow, lang: Lang) -> tuple[str, str, str]:
    """An indicator's baseline with its unit, when it was taken, and baseline → latest
    (591 → 720台; the baseline alone while no figure is recorded)."""
    base = _amount(ind, ind.baseline, lang)
    latest = _comparable_latest(ind, row, lang)
    if latest is None:
        return base, when(ind, ind.baseline, lang), base
    change = f"{_amount(ind, ind.baseline, lang, unit=False)} → {latest[0]}"
    return base, when(ind, ind.baseline, lang), change


# ── an area's blocks ─────────────────────────────────────────────────────────


def _numbers(items: Sequence[InitiativeRow], lang: Lang) -> str:
    return word("number_sep", lang).join(dict.fromkeys(i.number or "—" for i in items))


def _result_short(status: str, lang: Lang) -> str:
    return word(f"col_{status}", lang)


def draft_main(items: Sequence[InitiativeRow], measured: set[str], lang: Lang) -> list[str]:
    """主な取組: a few initiatives, those the area's indicators speak for first."""
    if not items:
        return []
    ordered = sorted(items, key=lambda i: i.id not in measured)  # stable: the 別紙's order
    chosen = ordered[:MAX_MAIN]
    out = [
        word(
            "draft_item",
            lang,
            number=i.number or "—",
            text=i.text,
            result=_result_short(i.status, lang),
        )
        for i in chosen
    ]
    if len(items) > len(chosen):
        out.append(word("draft_more", lang, n=len(items) - len(chosen)))
    return out


def indicator_line(ind: Indicator, row: IndicatorRow, lang: Lang) -> str:
    """成果: an indicator's baseline → latest figure and how its nearest target stands."""
    name = named(ind.name, ind.name_en, lang)
    latest = _comparable_latest(ind, row, lang)
    if latest is None:
        return word("draft_baseline_only", lang, indicator=name, baseline=row.baseline,
                    when=row.baseline_when)  # fmt: skip
    span = f"{row.baseline_when} → {latest[1]}"
    headline = next((t for t in row.targets if t.headline and t.target_id), None)
    if headline is None:
        return word("draft_change_plain", lang, indicator=name, change=row.change, when=span)
    return word(
        "draft_change",
        lang,
        indicator=name,
        change=row.change,
        when=span,
        target=display.target(ind, headline.target_id, lang),
        due=headline.due_text,
        status=word(headline.status, lang),
    )


def draft_results(
    items: Sequence[InitiativeRow],
    indicators: Sequence[tuple[Indicator, IndicatorRow]],
    lang: Lang,
) -> list[str]:
    """成果: each indicator's baseline → latest figure and its owner's latest commentary,
    then the initiatives that achieved their content."""
    out = []
    for ind, row in indicators:
        out.append(indicator_line(ind, row, lang))
        if row.comment:
            out.append(
                word(
                    "draft_comment",
                    lang,
                    owner=row.owner,
                    period=row.comment_period or "—",
                    text=row.comment,
                )
            )
    achieved = [i for i in items if i.status == "achieved"]
    if achieved:
        out.append(word("draft_achieved", lang, n=len(achieved), numbers=_numbers(achieved, lang)))
    return out


def draft_issues(
    items: Sequence[InitiativeRow],
    indicators: Sequence[tuple[Indicator, IndicatorRow]],
    result: Evaluation,
    actions: pd.DataFrame,
    lang: Lang,
) -> list[str]:
    """課題・今後の予定等: the open improvement actions on the area's indicators (overdue
    marked), the indicators that need one and have none, the initiatives still in progress."""
    out = []
    day = result.as_of
    for ind, row in indicators:
        mine = actions[(actions["indicator_id"] == ind.id) & (actions["state"] == "open")]
        for action in mine.sort_values("due").itertuples(index=False):
            due = pd.Timestamp(action.due).date()
            text = word(
                "draft_action",
                lang,
                indicator=row.name,
                action=_one_line(action.action),
                cause=_one_line(action.cause),
                assignee=_one_line(action.assignee),
                due=display.day(due, lang),
            )
            out.append(text + (word("draft_overdue", lang) if due < day else ""))
        reasons = needs_action(result.targets[ind.id], result.headlines[ind.id])
        if reasons and mine.empty:
            status = word(reasons[0], lang)
            out.append(word("draft_unactioned", lang, indicator=row.name, status=status))
    if indicators and not out:
        out.append(word("draft_no_actions", lang))
    going = [i for i in items if i.status == "in_progress"]
    if going:
        out.append(word("draft_in_progress", lang, n=len(going), numbers=_numbers(going, lang)))
    return out


def _one_line(text: object) -> str:
    return " ".join(str(text or "").split())


def area_blocks(
    area_id: str,
    items: Sequence[InitiativeRow],
    indicators: Sequence[tuple[Indicator, IndicatorRow]],
    result: Evaluation,
    actions: pd.DataFrame,
    edits: Mapping[str, Edit],
    lang: Lang,
) -> list[Block]:
    """An area's 主な取組, 成果 and 課題・今後の予定等, drafted or as edited."""
    measured = {ref for ind, _ in indicators for ref in ind.initiatives}
    drafted = {
        "main": draft_main(items, measured, lang),
        "results": draft_results(items, indicators, lang),
        "issues": draft_issues(items, indicators, result, actions, lang),
    }
    return [
        block(
            area_key(area_id, part),
            word(f"area_{part}", lang),
            drafted[part] or [word("draft_nothing", lang)],
            edits,
        )
        for part in PARTS
    ]


# ── goals and their outcomes ─────────────────────────────────────────────────


def goal_words(goal: str | None, goal_en: str | None, lang: Lang) -> str:
    """A policy's or area's goal as the report opens its section with it: 目指すべき姿：…,
    or 目指すべき姿：未設定 where none is written (the work the 総括 asks for)."""
    text = (goal_en or goal) if lang is Lang.en else (goal or goal_en)
    return word("goal_line", lang, goal=text) if text else word("goal_unset", lang)


def goal_text(goal: str | None, goal_en: str | None, lang: Lang) -> str:
    """The goal alone, or 未設定, for a row or cell that is already named 目指すべき姿."""
    text = (goal_en or goal) if lang is Lang.en else (goal or goal_en)
    return text or word("goal_none", lang)


def outcome_rows(
    indicators: Sequence[Indicator], rows: Mapping[str, IndicatorRow], lang: Lang
) -> list[OutcomeRow]:
    """The outcome indicators that show a goal, each with its headline status (the one
    evaluation's, as the area's indicator table has it) and its headline target."""
    out = []
    for ind in indicators:
        row = rows[ind.id]
        head = next((t for t in row.targets if t.headline), None)
        if head is not None and head.target_id:
            text = word(
                "outcome_line",
                lang,
                status=row.status_label,
                indicator=row.name,
                target=display.target(ind, head.target_id, lang),
                due=head.due_text,
            )
        else:
            text = word("outcome_plain", lang, status=row.status_label, indicator=row.name)
        out.append(OutcomeRow(ind.id, row.status, text))
    return out


# ── 3(2) 成果 ────────────────────────────────────────────────────────────────


def cited_figures(
    catalog: Catalog, rows: Mapping[str, IndicatorRow], lang: Lang
) -> list[CitedFigure]:
    """The figures the prefecture's report gives in its 3(2) 成果, in catalog order: an
    indicator's report_figures where it has them, else its baseline; each with its source and
    the latest figure known on the day."""
    out = []
    for ind in catalog.indicators:
        given = [f for f in (ind.report_figures or [ind.baseline]) if RESULTS_SOURCE in f.source]
        row = rows.get(ind.id)
        if not given or row is None:
            continue
        latest = _comparable_latest(ind, row, lang)
        for fig in given:
            out.append(
                CitedFigure(
                    indicator_id=ind.id,
                    indicator=named(ind.name, ind.name_en, lang),
                    cited=_amount(ind, fig, lang),
                    when=when(ind, fig, lang) + (word("assumed_mark", lang) if fig.assumed else ""),
                    source=fig.source,
                    note=fig.note if fig.assumed else None,
                    latest=latest[0] if latest else "—",
                    latest_period=latest[1] if latest else "—",
                )
            )
    return out


def draft_cited(cited: Sequence[CitedFigure], lang: Lang) -> list[str]:
    """3(2) 成果: per indicator, what the report cites and where the figure stands now."""
    out = []
    by_indicator: dict[str, list[CitedFigure]] = {}
    for fig in cited:
        by_indicator.setdefault(fig.indicator_id, []).append(fig)
    for figs in by_indicator.values():
        said = " → ".join(word("cited_at", lang, value=f.cited, when=f.when) for f in figs)
        last = figs[-1]
        if last.latest == "—":
            out.append(word("draft_cited_only", lang, indicator=last.indicator, cited=said))
        else:
            out.append(
                word(
                    "draft_cited",
                    lang,
                    indicator=last.indicator,
                    cited=said,
                    latest=last.latest,
                    period=last.latest_period,
                )
            )
    return out


def results_block(cited: Sequence[CitedFigure], edits: Mapping[str, Edit], lang: Lang) -> Block:
    """The 3(2) 成果's words, drafted or as edited."""
    drafted = draft_cited(cited, lang) or [word("draft_nothing", lang)]
    return block(RESULTS_KEY, word("s3_results", lang), drafted, edits)
