"""An indicator's figures, periods and dates as its readers write them, in Japanese or English:
the one place every page, report, message and command turns a value into words.

Figures keep the precision the catalog gives the unit (`decimals`), so a glide path's 98.03
reads "98システム"; English may count in a larger unit (`unit_en_scale`: 50 億円 is "5.0
billion yen"). Periods read as a calendar does: 2026年10月 / Oct 2026, 2025年度 / FY2025,
2026年度第2四半期 / FY2026 Q2."""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date

from indicators.catalog import Indicator, Target
from indicators.periods import FISCAL_YEAR_START_MONTH, fiscal_year_of
from indicators.trend import period_of
from kernel.formatting import LOCALES, MISSING, number
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
