"""An indicator's figures, periods and dates as its readers write them, in Japanese or English:
the one place every page, report, message and command turns a value into words.

Figures keep the precision the catalog gives the unit (`decimals`), so a glide path's 98.03
reads "98システム"; English may count in a larger unit (`unit_en_scale`: 50 億円 is "5.0
billion yen"). Periods read as a calendar does: 2026年10月 / Oct 2026, 2025年度 / FY2025,
2026年度第2四半期 / FY2026 Q2."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping

from babel.dates import format_date

from indicators.catalog import Figure, GradeScheme, Indicator, Target
from indicators.grades import Grade
from indicators.periods import FISCAL_YEAR_START_MONTH, fiscal_year_of
from indicators.plan_status import PlanStatus, updated_by_fiscal_year
from indicators.trend import period_of
from kernel.formatting import LOCALES, MISSING, long_date, number, percent
from kernel.vocabulary import Lang, word


def unit(indicator: Indicator, lang: Lang | str) -> str:
    """The indicator's unit in `lang`."""
    return indicator.unit if Lang(lang) is Lang.ja else indicator.unit_en


def value(indicator: Indicator, amount: float | None, lang: Lang | str) -> str:
    """A figure of the indicator without its unit, at the unit's precision in `lang`."""
    if amount is None or amount != amount:
        return MISSING
    return number(amount * scale(indicator, lang), lang, decimals(indicator, lang))


def decimals(indicator: Indicator, lang: Lang | str) -> int:
    """The decimals a figure is written with in `lang` (for a spreadsheet's number format)."""
    if Lang(lang) is Lang.ja or indicator.unit_en_scale == 1:
        return indicator.decimals
    # Counting in a larger unit moves the point: 50 億円 × 0.1 = 5.0 billion yen.
    return indicator.decimals + max(0, round(-math.log10(indicator.unit_en_scale)))


def figure(indicator: Indicator, amount: float | None, lang: Lang | str) -> str:
    """A figure with its unit: 2,200台, 50億円; 2,200 units, 5.0 billion yen."""
    text = value(indicator, amount, lang)
    if text == MISSING:
        return text
    # Japanese writes a unit against its number; English leaves a space.
    gap = "" if Lang(lang) is Lang.ja else " "
    return f"{text}{gap}{unit(indicator, lang)}"


def target(indicator: Indicator, target_id: str | None, lang: Lang | str) -> str:
    """A target's value with its unit, marked where it is illustrative (a placeholder, not
    the prefecture's own): the mark is a word, so it reads as such on every face."""
    goal = find_target(indicator, target_id)
    if goal is None:
        return MISSING
    mark = word("illustrative_mark", lang) if goal.illustrative else ""
    return figure(indicator, goal.value, lang) + mark


def find_target(indicator: Indicator, target_id: str | None) -> Target | None:
    """The indicator's target of that id, or None."""
    return next((x for x in indicator.targets if x.id == target_id), None)


def period(indicator: Indicator, day: dt.date | None, lang: Lang | str) -> str:
    """The indicator's period that contains `day`, for reading."""
    if day is None:
        return MISSING
    start = period_of(indicator, day)
    year = fiscal_year_of(start)
    if indicator.frequency == "fiscal_year":
        return fiscal_year(year, lang)
    if indicator.frequency == "quarterly":
        quarter = (start.month - FISCAL_YEAR_START_MONTH) % 12 // 3 + 1
        return f"{year}年度第{quarter}四半期" if Lang(lang) is Lang.ja else f"FY{year} Q{quarter}"
    return month(start, lang)


def fiscal_year(year: int, lang: Lang | str) -> str:
    """A fiscal year by its starting year: 2025年度, FY2025."""
    return f"{year}年度" if Lang(lang) is Lang.ja else f"FY{year}"


def scale(indicator: Indicator, lang: Lang | str) -> float:
    """The factor from stored figures to the unit read in `lang` (for charts' axes)."""
    return 1.0 if Lang(lang) is Lang.ja else indicator.unit_en_scale


def month(day: dt.date | None, lang: Lang | str) -> str:
    """The month of a day: 2026年10月, Oct 2026 (a forecast is no more precise than that)."""
    if day is None:
        return MISSING
    pattern = "y年M月" if Lang(lang) is Lang.ja else "MMM y"
    return format_date(day, pattern, locale=LOCALES[Lang(lang)])


def day(when: dt.date | None, lang: Lang | str) -> str:
    """A day in a table: 2028/03/31 reads in both languages and sorts as it reads."""
    return when.strftime("%Y/%m/%d") if when else MISSING


def taken(indicator: Indicator, fig: Figure, lang: Lang | str) -> str:
    """When a catalog figure (a baseline) was taken: a fiscal year for a year's total, a
    month for a month's end (as a report writes 平成30年4月時点), else the day."""
    if fig.window == "fiscal_year":
        return fiscal_year(fiscal_year_of(fig.date), lang)
    last = calendar.monthrange(fig.date.year, fig.date.month)[1]
    return month(fig.date, lang) if fig.date.day == last else long_date(fig.date, lang)


def baseline(indicator: Indicator, lang: Lang | str, when: bool = True) -> str:
    """The baseline (策定時) with its unit, 約 where approximate, and when it was taken:
    約56万件 reads 約560,000件（2018年度）."""
    fig = indicator.baseline
    text = figure(indicator, fig.value, lang)
    if fig.approximate:
        text = word("approx", lang, x=text)
    return word("figure_when", lang, value=text, when=taken(indicator, fig, lang)) if when else text


def grade(found: Grade | None, lang: Lang | str) -> str:
    """A grade as read: A 達成 … D 後退, or why there is none."""
    return MISSING if found is None else word(found.key, lang)


def grade_current(indicator: Indicator, found: Grade | None, lang: Lang | str) -> str:
    """The latest figure a grade is made on (現状値), with its period: a month, a quarter,
    or the fiscal year whose total it is."""
    if found is None or found.current is None or found.current_period is None:
        return MISSING
    when = grade_when(indicator, found, lang)
    return word("figure_when", lang, value=figure(indicator, found.current, lang), when=when)


def grade_when(indicator: Indicator, found: Grade, lang: Lang | str) -> str:
    """The period of the latest figure a grade is made on: its month or quarter, or the
    fiscal year whose total it is."""
    if found.current_period is None:
        return MISSING
    if found.annual:
        return fiscal_year(fiscal_year_of(found.current_period), lang)
    return period(indicator, found.current_period, lang)


def grade_target(indicator: Indicator, found: Grade | None, lang: Lang | str) -> str:
    """The target a grade is made against (目標値), marked where illustrative, with its due
    day."""
    if found is None or found.target_id is None:
        return MISSING
    when = day(found.target_date, lang)
    return word("figure_when", lang, value=target(indicator, found.target_id, lang), when=when)


def progress(found: Grade | None, lang: Lang | str) -> str:
    """The share of the baseline-to-target distance covered (進捗率), e.g. 41.7%."""
    if found is None or found.progress is None:
        return MISSING
    return percent(found.progress, lang)


def grade_note(scheme: GradeScheme, lang: Lang | str) -> str:
    """How the plan grades, with its threshold: ±3 % of the baseline-to-target distance."""
    points = scheme.threshold * 100
    share = percent(scheme.threshold, lang, decimals=0 if abs(points - round(points)) < 1e-9 else 1)
    return word(f"grade_note_{scheme.basis}", lang, pct=share)


# ── the plan's statuses of initiatives, with the days they hold since ───────────────


def plan_dating(since: Mapping[str, int], reported_on: dt.date, lang: Lang | str) -> str:
    """Since when a count of the plan's statuses holds, from its dating (ISO day → how many):
    "2019年3月時点", or with the statuses decided since the report by fiscal year,
    "2019年3月時点、うち2件は2026年度に更新" / "as of Mar 2019; 2 of them updated in FY2026";
    "" for a count of none."""
    if not sum(since.values()):
        return ""
    years = updated_by_fiscal_year(since, reported_on)
    base = since.get(reported_on.isoformat(), 0)
    said = word("plan_dated_report", lang, when=month(reported_on, lang))
    if not years:
        return said
    parts = word("plan_dated_part_sep", lang).join(
        word(
            "plan_dated_first" if n == 0 else "plan_dated_more", lang, n=k, fy=fiscal_year(y, lang)
        )
        for n, (y, k) in enumerate(years.items())
    )
    if not base:
        return word("plan_dated_all", lang, parts=parts)
    return said + word("plan_dated_sep", lang) + word("plan_dated_updates", lang, parts=parts)


def plan_row_dating(
    since: Mapping[str, Mapping[str, int]], reported_on: dt.date, lang: Lang | str
) -> str:
    """Since when a row of the status table holds, all its statuses together:
    "2019年3月時点", "2019年3月時点、うち1件は2026年度に更新"."""
    merged: dict[str, int] = {}
    for days in since.values():
        for when, n in days.items():
            merged[when] = merged.get(when, 0) + n
    return plan_dating(merged, reported_on, lang)


def plan_count(
    status: str, count: int, since: Mapping[str, int], reported_on: dt.date, lang: Lang | str
) -> str:
    """A count of the plan's statuses with its date: "実施中 35（2019年3月時点）"."""
    dated = plan_dating(since, reported_on, lang)
    text = f"{word(status, lang)} {count}"
    return text + paren(dated, lang) if dated else text


def plan_counts_line(
    counts: Mapping[str, int],
    since: Mapping[str, Mapping[str, int]],
    reported_on: dt.date,
    lang: Lang | str,
) -> str:
    """The plan's three counts in one line, each with its date; one date for all when none
    was updated since the report: "達成 61・実施中 35・変更 5（2019年3月時点）"."""
    statuses = ("achieved", "in_progress", "changed")
    sep = word("plan_counts_sep", lang)
    if not any(updated_by_fiscal_year(since.get(s, {}), reported_on) for s in statuses):
        plain = sep.join(f"{word(s, lang)} {counts[s]}" for s in statuses)
        when = word("plan_dated_report", lang, when=month(reported_on, lang))
        return plain + paren(when, lang)
    return sep.join(plan_count(s, counts[s], since.get(s, {}), reported_on, lang) for s in statuses)


def paren(text: str, lang: Lang | str) -> str:
    """Words in parentheses after a figure: （…） in Japanese, " (…)" in English."""
    return ("" if Lang(lang) is Lang.ja else " ") + word("paren", lang, x=text)


def plan_updated(
    since: Mapping[str, Mapping[str, int]], reported_on: dt.date, lang: Lang | str
) -> str:
    """A row's statuses decided since the report, for a table cell: "1件（2026年度）" / "1
    (FY2026)"; "" when none."""
    years: dict[int, int] = {}
    for days in since.values():
        for year, n in updated_by_fiscal_year(days, reported_on).items():
            years[year] = years.get(year, 0) + n
    if not years:
        return ""
    named = word("plan_dated_part_sep", lang).join(fiscal_year(y, lang) for y in sorted(years))
    return word("plan_updated_cell", lang, n=sum(years.values()), years=named)


def plan_since(status: PlanStatus, reported_on: dt.date, lang: Lang | str) -> str:
    """Since when one initiative's status holds: "2019年3月時点（点検報告書）" / "as of Mar
    2019 (review report)", or the day it was decided: "2026/11/02 決定" / "decided
    2026/11/02"."""
    if status.decision is None:
        return word("plan_since_report", lang, when=month(reported_on, lang))
    return word("plan_since_decided", lang, day=day(status.since, lang))
