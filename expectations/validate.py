"""Validate a canonical frame of uploaded figures with the Great Expectations suite kept in
suites/observations.json. Catalog- and warehouse-dependent facts become helper columns
(helpers.py) and run-time parameters, so that the suite file stays static and GX does the
judging (engine.py); explain.py turns failures into reasons people can act on."""

from __future__ import annotations

from typing import Any

import pandas as pd

from expectations.context import ValidationContext, ValidationOutcome
from expectations.engine import (
    by_check,
    collect_failures,
    exception_message,
    shared_engine,
    suite_frame,
)
from expectations.explain import Explainer, file_failure_text
from expectations.failures import RowFailure
from expectations.helpers import derive_helper_columns


def rejected_rows(outcome: ValidationOutcome) -> set[int]:
    """Row numbers to quarantine (file-level errors reject the whole file, not listed here)."""
    return {failure.row for failure in outcome.row_failures}


def validate_observations(frame: pd.DataFrame, context: ValidationContext) -> ValidationOutcome:
    """Run the observations suite over one file's rows and explain every failure."""
    engine = shared_engine()
    parameters = {
        "today": context.today,
        "known_indicator_ids": sorted(context.indicators),
        "jump_factor": float(context.jump_factor),
    }
    summary: dict[str, Any] = {"suite": engine.name, "row_count": len(frame), "expectations": []}

    # Table-level checks run first on the bare frame: without the required columns the
    # helper columns cannot be derived and every row-level check would only error.
    file_results = engine.run(frame.head(0), engine.file_suite, parameters)
    file_errors = collect_failures(engine.file_suite, file_results, summary)
    for check, result in by_check(file_results).items():
        if not result.success and not exception_message(result):
            file_errors.append(file_failure_text(check, result))
    if file_errors:
        return ValidationOutcome(success=False, file_errors=file_errors, summary=summary)

    work = derive_helper_columns(frame, context)
    checked, parameters = suite_frame(work, engine.row_columns, parameters)
    row_results = engine.run_rows(checked, parameters)
    del checked
    file_errors = collect_failures(engine.row_suite, row_results, summary)

    failures: dict[tuple[int, str], RowFailure] = {}
    warnings: dict[tuple[int, str], RowFailure] = {}
    results = by_check(row_results)
    failing = [
        index
        for result in results.values()
        if not result.success
        for index in result.result.get("unexpected_index_list") or []
    ]
    explain = Explainer(work, context, failing)
    for expectation in engine.row_suite.expectations:
        meta = expectation.meta or {}
        result = results.get(meta["check"])
        if result is None or result.success or exception_message(result):
            continue
        target = warnings if str(expectation.severity.value) == "warning" else failures
        indices = result.result.get("unexpected_index_list") or []
        if meta["check"] == "key_unique":
            explain.know_duplicates([int(index) for index in indices])
        for index in indices:
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
