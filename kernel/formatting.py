"""Numbers and dates as people read them, in Japanese or English, with Babel's locale data:
the one formatter of the command line, the dashboard, the report and the messages."""

from __future__ import annotations

import datetime as dt
import decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from kernel.vocabulary import Lang

# Babel's locales for the two languages (English as written in the UK and Japan: 29 November
# 2026, not November 29, 2026).
LOCALES = {Lang.ja: "ja_JP", Lang.en: "en_GB"}
MISSING = "—"


def _half_up() -> decimal.localcontext:  # type: ignore[valid-type]
    """Halves round up (四捨五入), as public reports round; Babel follows the decimal
    context, made afresh for each call (a context manager holds its caller's state)."""
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def number(value: float | None, lang: Lang | str = Lang.ja, decimals: int | None = None) -> str:
    """A figure with thousands separated, or a dash for none. Without `decimals`: past a
    hundred decimals are noise for a reader (851.41 → 851, 466,666.7 → 466,667); below,
    they matter and up to two are kept (53.5, 0.25). With `decimals`: exactly that many."""
    if value is None or value != value:  # None or NaN
        return MISSING
    if decimals is None:
        pattern = "#,##0" if abs(value) >= 100 else "#,##0.##"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    with _half_up():
        return format_decimal(value, format=pattern, locale=LOCALES[Lang(lang)])


def percent(share: float, lang: Lang | str = Lang.ja, decimals: int = 1) -> str:
    """A share (0.123) as a percentage with `decimals` decimals: 12.3%."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    with _half_up():
        return format_percent(share, format=pattern, locale=LOCALES[Lang(lang)])


def long_date(day: dt.date, lang: Lang | str = Lang.ja) -> str:
    """A date in running text: 2026年11月29日, or 29 November 2026."""
    pattern = "y年M月d日" if Lang(lang) is Lang.ja else "d MMMM y"
    return format_date(day, pattern, locale=LOCALES[Lang(lang)])
