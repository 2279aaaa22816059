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

from babel.dates import format_date

from indicators.catalog import Figure, GradeScheme, Indicator, Target
from indicators.grades import Grade
from indicators.periods import FISCAL_YEAR_START_MONTH, fiscal_year_of
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
