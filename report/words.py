"""How the report writes: its wording (the one vocabulary, in its "report" context), names,
area marks, fiscal years, dates and numbers (the one formatter)."""

from __future__ import annotations

import datetime as dt

from kernel import formatting, vocabulary
from kernel.vocabulary import Lang

# The seed marks the areas of a policy ア, イ, ウ …; English uses a, b, c ….
_KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノ"


def word(key: str, lang: Lang | str, **values: object) -> str:
    """The report's wording for `key` in `lang`: its own where the report words a thing
    differently (the vocabulary's "report" context), else the common one."""
    return vocabulary.word(key, lang, "report", **values)


def status_label(status: str, lang: Lang | str) -> str:
    """Icon and label of a status as the report words it: an indicator without a figure has
    its baseline printed beside it, so it reads "baseline only", not "no data"."""
    return f"{vocabulary.STATUS_ICONS.get(status, '')} {word(status, lang)}".strip()


def named(name: str, name_en: str | None, lang: Lang | str) -> str:
    """A catalog name as the report writes it: Japanese, with the English name in English."""
    if Lang(lang) is Lang.en and name_en and name_en != name:
        return f"{name} ({name_en})"
    return name


def area_mark(seq: int, lang: Lang | str) -> str:
    """The mark of the `seq`-th area of a policy: ア, イ, ウ … (a, b, c … in English)."""
    if Lang(lang) is Lang.en:
        return f"{chr(ord('a') + seq - 1)}."
    return _KANA[seq - 1] if 0 < seq <= len(_KANA) else str(seq)


def era_year(fiscal_year: int) -> tuple[str, int]:
    """The era and year of a fiscal year: 平成 up to FY2018, 令和 from FY2019 (令和元年度)."""
    return ("平成", fiscal_year - 1988) if fiscal_year <= 2018 else ("令和", fiscal_year - 2018)


def fiscal_span(start_fy: int, end_fy: int, lang: Lang | str) -> str:
    """A plan period as the report writes it: 平成26年度～30年度, or FY2014–FY2018."""
    if Lang(lang) is Lang.en:
        return f"FY{start_fy}–FY{end_fy}"
    (era1, y1), (era2, y2) = era_year(start_fy), era_year(end_fy)

    def year(n: int) -> str:
        return "元" if n == 1 else str(n)

    end = f"{year(y2)}年度" if era1 == era2 else f"{era2}{year(y2)}年度"
    return f"{era1}{year(y1)}年度～{end}"


def long_date(day: dt.date, lang: Lang | str) -> str:
    """A date in running text: 2026年11月29日, or 29 November 2026."""
    return formatting.long_date(day, lang)


def num(value: float | None) -> str:
    """A figure for reading: thousands separated, whole numbers without decimals."""
    return formatting.number(value)


def percent(share: float) -> str:
    """A share as a percentage with one decimal."""
    return formatting.percent(share)
