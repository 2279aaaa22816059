"""The fiscal calendar: reporting periods (a month, a fiscal quarter, a fiscal year running
April to March), their ends and their canonical text. Pure functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

Granularity = Literal["month", "quarter", "fiscal_year"]
FISCAL_YEAR_START_MONTH = 4  # Japanese public bodies run April to March


@dataclass(frozen=True)
class Period:
    """A reporting period: `start` is its first day (1 April for a fiscal year)."""

    start: dt.date
    granularity: Granularity

    def __post_init__(self) -> None:
        """Return nothing; raise ValueError if `start` is not a valid start of its granularity."""
        # Guard the invariant here so a hand-made Period cannot disagree with a parsed one.
        ok_months = {"month": range(1, 13), "quarter": (1, 4, 7, 10), "fiscal_year": (4,)}
        months = ok_months.get(self.granularity)
        if months is None or self.start.day != 1 or self.start.month not in months:
            raise ValueError(f"not a valid {self.granularity} start: {self.start}")


def add_months(d: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after the month of `d`."""
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(p: Period) -> dt.date:
    """Return the last day of the period."""
    span = {"month": 1, "quarter": 3, "fiscal_year": 12}[p.granularity]
    return add_months(p.start, span) - dt.timedelta(days=1)


def fiscal_year_of(d: dt.date) -> int:
    """Return the fiscal year (April–March) that contains `d`, named by its starting year."""
    return d.year if d.month >= FISCAL_YEAR_START_MONTH else d.year - 1


def format_period(p: Period) -> str:
    """Return the canonical text of a period: "2019-04", "FY2019" or "FY2019Q1"."""
    if p.granularity == "month":
        return f"{p.start.year:04d}-{p.start.month:02d}"
    fy = fiscal_year_of(p.start)
    if p.granularity == "fiscal_year":
        return f"FY{fy}"
    quarter = (p.start.month - FISCAL_YEAR_START_MONTH) % 12 // 3 + 1
    return f"FY{fy}Q{quarter}"
