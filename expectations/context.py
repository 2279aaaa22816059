"""What one validation is given and what it finds: the catalog's rules per indicator, the
day, the warehouse's latest figures, and the outcome. Shared by the validation step, the
helper columns and the explanations, so that none of them imports another's module."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from expectations.failures import RowFailure

REQUIRED_COLUMNS = ("indicator_id", "period", "value")

Frequency = Literal["monthly", "quarterly", "fiscal_year"]
Kind = Literal["stock", "flow", "cumulative"]


@dataclass(frozen=True)
class IndicatorRule:
    """What the catalog says about one indicator, as far as validation needs it."""

    frequency: Frequency
    kind: Kind
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class ValidationContext:
    """The catalog, the date and the warehouse's latest figures a file is judged against."""

    indicators: dict[str, IndicatorRule]
    today: dt.date
    previous: dict[tuple[str, str], tuple[dt.date, float]] = field(default_factory=dict)
    jump_factor: float = 10.0


@dataclass
class ValidationOutcome:
    """What the suite found in one file."""

    success: bool
    file_errors: list[str] = field(default_factory=list)
    row_failures: list[RowFailure] = field(default_factory=list)
    warnings: list[RowFailure] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
