"""Validation of uploaded KPI figures with the Great Expectations suite in suites/."""

from expectations.validate import (
    IndicatorRule,
    RowFailure,
    ValidationContext,
    ValidationOutcome,
    load_suite,
    rejected_rows,
    validate_observations,
    warm_up,
)

__all__ = [
    "IndicatorRule",
    "RowFailure",
    "ValidationContext",
    "ValidationOutcome",
    "load_suite",
    "rejected_rows",
    "validate_observations",
    "warm_up",
]
