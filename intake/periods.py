"""Periods as KPI owners write them (2019-04, 令和元年5月, 2019年度, FY2019Q1, Excel dates),
read into the fiscal calendar's `Period`: its first day and its granularity."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from indicators.periods import (
    FISCAL_YEAR_START_MONTH,
    Period,
    add_months,
    format_period,
    period_end,
)
from kernel.errors import BilingualError

MIN_YEAR = 1900
MAX_YEAR = 2200


class PeriodError(BilingualError, ValueError):
    """A period text that cannot be read, with the reason in Japanese and English."""


@dataclass(frozen=True)
class _Era:
    """A Japanese era: its name, year offset and the days it was in force."""

    name: str
    offset: int  # Western year = offset + era year
    first_day: dt.date
    last_day: dt.date | None


_HEISEI = _Era("平成", 1988, dt.date(1989, 1, 8), dt.date(2019, 4, 30))
_REIWA = _Era("令和", 2018, dt.date(2019, 5, 1), None)
_ERAS = {"平成": _HEISEI, "h": _HEISEI, "令和": _REIWA, "r": _REIWA}

_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_ERA = r"(?P<era>平成|令和|[hr])\s*(?P<ey>元|\d{1,3})"
_QUARTER = r"(?:第\s*(?P<q>[1-4一二三四])\s*四半期|q\s*(?P<q2>[1-4]))"
_TIME_ZERO = r"(?:[ t]0{1,2}:00(?::00(?:\.0+)?)?)?"

# Order matters only where shapes overlap; each pattern is anchored at both ends.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(p, re.IGNORECASE))
    for k, p in [
        (
            "date",
            rf"(?P<y>\d{{4}})\s*([-/.])\s*(?P<m>\d{{1,2}})\s*\2\s*(?P<d>\d{{1,2}}){_TIME_ZERO}",
        ),
        ("date", r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        ("month", r"(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})"),
        ("month", r"(?P<y>\d{4})(?P<m>\d{2})"),
        ("month", r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月"),
        ("era_month", _ERA + r"\s*(?:年|[./-])\s*(?P<m>\d{1,2})\s*月?"),
        ("fiscal_year", r"(?P<y>\d{4})\s*年度"),
        ("fiscal_year", r"fy\s*(?P<y>\d{4})"),
        ("era_fiscal_year", _ERA + r"\s*年度"),
        ("quarter", r"(?P<y>\d{4})\s*年度\s*" + _QUARTER),
        ("quarter", r"fy\s*(?P<y>\d{4})\s*[-_ ]?\s*" + _QUARTER),
        ("era_quarter", _ERA + r"\s*年度\s*" + _QUARTER),
    ]
]
_OTHER_ERA = re.compile(r"(明治|大正|昭和|[mts])\s*(元|\d{1,2})\s*(年|[./-])", re.IGNORECASE)
_YEAR_ONLY = re.compile(r"(\d{4}\s*年?|" + _ERA + r"\s*年)", re.IGNORECASE)

_SERIAL = re.compile(r"(?P<n>\d{5})(?:\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel counts 1900-02-29)
_SERIAL_RANGE = (18264, 73050)  # 1950-01-01 to 2099-12-31

_HINT_JA = "2019-04 や 令和元年5月（年度は 2019年度、四半期は FY2019Q1）の形で入力してください。"
_HINT_EN = "write it like 2019-04 or 令和元年5月 (fiscal year 2019年度, quarter FY2019Q1)."


def _fail(text: str, why_ja: str = "", why_en: str = "") -> PeriodError:
    """Return a PeriodError quoting `text`, with a specific reason or the general hint."""
    shown = text if len(text) <= 40 else text[:39] + "…"
    return PeriodError(
        f"期間「{shown}」を解釈できません。{why_ja or _HINT_JA}",
        f'Cannot read period "{shown}": {why_en or _HINT_EN}',
    )


def _check_year(text: str, year: int) -> None:
    """Raise unless `year` is within the supported range."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(
            text,
            f"年は{MIN_YEAR}〜{MAX_YEAR}の範囲で入力してください。",
            f"the year must be between {MIN_YEAR} and {MAX_YEAR}.",
        )


def _check_month(text: str, month: int) -> None:
    """Raise unless `month` is 1–12."""
    if not 1 <= month <= 12:
        raise _fail(text, "月は1〜12で入力してください。", "the month must be 1 to 12.")


def _month(text: str, year: int, month: int) -> Period:
    """Return the month period after range checks."""
    _check_year(text, year)
    _check_month(text, month)
    return Period(dt.date(year, month, 1), "month")


def _fiscal(text: str, fy: int, quarter: int | None) -> Period:
    """Return the fiscal year period, or its quarter (1 = April–June) when given."""
    _check_year(text, fy)
    start = dt.date(fy, FISCAL_YEAR_START_MONTH, 1)
    if quarter is None:
        return Period(start, "fiscal_year")
    return Period(add_months(start, 3 * (quarter - 1)), "quarter")


def _from_date(text: str, d: dt.date) -> Period:
    """Return the month of an Excel-style date, which must be the first of the month."""
    _check_year(text, d.year)
    if d.day != 1:
        raise _fail(
            text,
            f"日付は月の1日（{d.year}-{d.month:02d}-01）か {d.year}-{d.month:02d} の形で"
            "入力してください。",
            f"a date must be the first of the month ({d.year}-{d.month:02d}-01), "
            f"or write {d.year}-{d.month:02d}.",
        )
    return Period(dt.date(d.year, d.month, 1), "month")


def _era_year(text: str, m: re.Match[str]) -> tuple[_Era, int]:
    """Return the era and the Western year of an era-year match."""
    era = _ERAS[m["era"].lower()]
    n = 1 if m["ey"] == "元" else int(m["ey"])
    if n < 1:
        raise _fail(text, f"{era.name}の年は元年（1年）からです。", "era years start at 1.")
    return era, era.offset + n


def _check_era(text: str, era: _Era, p: Period) -> Period:
    """Return `p` if the era was in force during some part of it, else raise."""
    in_force = p.start <= (era.last_day or dt.date.max) and period_end(p) >= era.first_day
    if not in_force:
        span_ja = "平成は2019年4月まで、令和は2019年5月から"
        raise _fail(
            text,
            f"{format_period(p)} は{era.name}の期間外です（{span_ja}です）。{_HINT_JA}",
            f"{era.name} was not in force in {format_period(p)} (Heisei ended in April 2019, "
            f"Reiwa began in May 2019); {_HINT_EN}",
        )
    return p


def _quarter_of(m: re.Match[str]) -> int:
    """Return the quarter number of a quarter match (digits or kanji)."""
    q = m["q"] or m["q2"]
    return _KANJI_DIGITS.get(q) or int(q)


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Period:
    """Return the period of a text; cached because uploads repeat the same few periods."""
    s = unicodedata.normalize("NFKC", text).strip()
    if not s:
        raise PeriodError("期間が空です。" + _HINT_JA, "The period is empty; " + _HINT_EN)
    for kind, pattern in _PATTERNS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        if kind == "date":
            y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
            _check_year(text, y)
            _check_month(text, mo)
            if not 1 <= d <= calendar.monthrange(y, mo)[1]:
                raise _fail(text, "その日付は存在しません。", "that date does not exist.")
            return _from_date(text, dt.date(y, mo, d))
        if kind == "month":
            return _month(text, int(m["y"]), int(m["m"]))
        if kind == "fiscal_year":
            return _fiscal(text, int(m["y"]), None)
        if kind == "quarter":
            return _fiscal(text, int(m["y"]), _quarter_of(m))
        era, year = _era_year(text, m)
        if kind == "era_month":
            return _check_era(text, era, _month(text, year, int(m["m"])))
        quarter = _quarter_of(m) if kind == "era_quarter" else None
        return _check_era(text, era, _fiscal(text, year, quarter))
    serial = _SERIAL.fullmatch(s)
    if serial is not None and _SERIAL_RANGE[0] <= int(serial["n"]) <= _SERIAL_RANGE[1]:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(serial["n"]))
        month = f"{day.year}-{day.month:02d}"
        raise _fail(
            text,
            f"Excel の日付のシリアル値のようです（{serial['n']} は {day.isoformat()}）。"
            f"セルの書式を日付か文字列にして、{month} の形で送ってください。",
            f"it looks like an Excel date serial number ({serial['n']} is {day.isoformat()}); "
            f"format the cell as a date or text and write {month}.",
        )
    if _OTHER_ERA.match(s):
        raise _fail(
            text,
            "元号は平成と令和のみ対応しています。それ以前は西暦で入力してください。",
            "only the Heisei and Reiwa eras are supported; use the Western year before them.",
        )
    if _YEAR_ONLY.fullmatch(s):
        raise _fail(
            text,
            "年だけでは月か年度か分かりません。2019-04 や 2019年度 の形で入力してください。",
            "a bare year is ambiguous; write a month (2019-04) or a fiscal year (2019年度).",
        )
    raise _fail(text)


def parse_period(text: str | dt.date | int) -> Period:
    """Return the Period written in `text` (or held by an Excel date), else raise PeriodError."""
    if isinstance(text, dt.datetime):
        if text.time() != dt.time(0, 0):
            raise _fail(
                str(text), "時刻付きの日時は期間として使えません。", "a time is not a period."
            )
        return _from_date(str(text), text.date())
    if isinstance(text, dt.date):
        return _from_date(str(text), text)
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)  # a yyyymm number typed into a numeric Excel cell
    if not isinstance(text, str):
        raise _fail(repr(text), "文字列ではありません。", "it is not text.")
    return _parse_text(text)
