"""Validation of uploaded KPI figures with the Great Expectations suite in suites/:
`validate_observations(frame, ValidationContext)` → `ValidationOutcome` (its `RowFailure`s
explained in Japanese and English); `warm_up()` starts GX's import early, `shared_engine()`
imports it and builds the engine at once (in the parse server, for instance)."""

from expectations.context import IndicatorRule, ValidationContext, ValidationOutcome
from expectations.engine import engine_built, load_suite, shared_engine, warm_up
from expectations.failures import RowFailure
from expectations.validate import rejected_rows, validate_observations

__all__ = [
    "IndicatorRule",
    "RowFailure",
    "ValidationContext",
    "ValidationOutcome",
    "engine_built",
    "load_suite",
    "rejected_rows",
    "shared_engine",
    "validate_observations",
    "warm_up",
]
