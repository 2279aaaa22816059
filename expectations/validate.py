"""Validate a canonical frame of uploaded figures with the Great Expectations suite kept in
suites/observations.json. Catalog- and warehouse-dependent facts become helper columns
(helpers.py) and run-time parameters, so that the suite file stays static and GX does the
judging (engine.py); explain.py turns failures into reasons people can act on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from expectations.engine import SUITE_FILE as SUITE_FILE
from expectations.engine import _build_engine as _build_engine
from expectations.engine import (
    _by_check,
    _collect,
    _engine,
    _exception_message,
    _suite_frame,
)
from expectations.engine import _Engine as _Engine
from expectations.engine import load_suite as load_suite
from expectations.engine import load_suite_config as load_suite_config
from expectations.engine import warm_up as warm_up
from expectations.explain import FREQUENCY_EN as FREQUENCY_EN
from expectations.explain import FREQUENCY_JA as FREQUENCY_JA
from expectations.explain import SHAPE_EN as SHAPE_EN
from expectations.explain import SHAPE_JA as SHAPE_JA
from expectations.explain import RowFailure, _Explainer, _file_failure_text
from expectations.helpers import QUARTER_OPENING_MONTHS as QUARTER_OPENING_MONTHS
from expectations.helpers import derive_helper_columns

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


def rejected_rows(outcome: ValidationOutcome) -> set[int]:
    """Row numbers to quarantine (file-level errors reject the whole file, not listed here)."""
    return {failure.row for failure in outcome.row_failures}


def validate_observations(frame: pd.DataFrame, context: ValidationContext) -> ValidationOutcome:
    """Run the observations suite over one file's rows and explain every failure."""
    engine = _engine()
    parameters = {
        "today": context.today,
        "known_indicator_ids": sorted(context.indicators),
        "jump_factor": float(context.jump_factor),
    }
    summary: dict[str, Any] = {"suite": engine.name, "row_count": len(frame), "expectations": []}

    # Table-level checks run first on the bare frame: without the required columns the
    # helper columns cannot be derived and every row-level check would only error.
    file_results = engine.run(frame.head(0), engine.file_suite, parameters)
    file_errors = _collect(engine.file_suite, file_results, summary)
    for check, result in _by_check(file_results).items():
        if not result.success and not _exception_message(result):
            file_errors.append(_file_failure_text(check, result))
    if file_errors:
        return ValidationOutcome(success=False, file_errors=file_errors, summary=summary)

    work = derive_helper_columns(frame, context)
    checked, parameters = _suite_frame(work, engine.row_columns, parameters)
    row_results = engine.run(checked, engine.row_suite, parameters)
    del checked
    file_errors = _collect(engine.row_suite, row_results, summary)

    failures: dict[tuple[int, str], RowFailure] = {}
    warnings: dict[tuple[int, str], RowFailure] = {}
    explain = _Explainer(work, context)
    results = _by_check(row_results)
    for expectation in engine.row_suite.expectations:
        meta = expectation.meta or {}
        result = results.get(meta["check"])
        if result is None or result.success or _exception_message(result):
            continue
        target = warnings if str(expectation.severity.value) == "warning" else failures
        for index in result.result.get("unexpected_index_list") or []:
            failure = explain(meta["check"], meta["rule"], int(index))
            # One failure per (row, rule): the first check of a rule in suite order speaks.
            target.setdefault((failure.row, failure.rule), failure)

    row_failures = sorted(failures.values(), key=lambda f: f.row)
    return ValidationOutcome(
        success=not file_errors and not row_failures,
        file_errors=file_errors,
        row_failures=row_failures,
        warnings=sorted(warnings.values(), key=lambda f: f.row),
        summary=summary,
    )
