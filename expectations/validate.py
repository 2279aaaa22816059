"""Validate a canonical frame of uploaded figures with the Great Expectations suite kept in
suites/observations.json. Catalog- and warehouse-dependent facts are derived here as helper
columns and run-time parameters, so that the suite file stays static and GX does the judging."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

SUITE_FILE = Path(__file__).parent / "suites" / "observations.json"
REQUIRED_COLUMNS = ("indicator_id", "period", "value")
# Months that open a fiscal quarter (fiscal years run April–March).
QUARTER_OPENING_MONTHS = (4, 7, 10, 1)

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


@dataclass(frozen=True)
class RowFailure:
    """One rule one uploaded row broke, with the reason in Japanese and English."""

    row: int
    column: str
    value: str
    rule: str
    reason_ja: str
    reason_en: str


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


def load_suite_config() -> dict[str, Any]:
    """The suite as written in suites/observations.json."""
    return json.loads(SUITE_FILE.read_text(encoding="utf-8"))


def load_suite() -> ExpectationSuite:
    """The suite file as a GX ExpectationSuite."""
    return _build_suite(load_suite_config(), scope=None)


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
    row_results = engine.run(work, engine.row_suite, parameters)
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


def derive_helper_columns(frame: pd.DataFrame, context: ValidationContext) -> pd.DataFrame:
    """The frame with the catalog- and warehouse-dependent columns the suite checks."""
    # A fresh 0..n-1 index makes GX's unexpected_index_list the row positions.
    work = frame.reset_index(drop=True).copy()
    defaults: dict[str, Any] = {
        "row_number": np.arange(1, len(work) + 1),
        "period_text": "",
        "granularity": None,
        "value_text": "",
        "org_unit": "",
        "note": None,
    }
    for column, default in defaults.items():
        if column not in work.columns:
            work[column] = default
    work["org_unit"] = work["org_unit"].fillna("").astype(object)
    if pd.api.types.is_datetime64_any_dtype(work["period"]):
        # The suite compares periods with a datetime.date `today`.
        dates = work["period"].dt.date.astype(object)
        work["period"] = dates.where(work["period"].notna(), None)

    rules = context.indicators
    ids = work["indicator_id"]
    work["frequency"] = ids.map({key: rule.frequency for key, rule in rules.items()})
    work["kind"] = ids.map({key: rule.kind for key, rule in rules.items()})
    work["min_value"] = pd.to_numeric(ids.map({k: r.min_value for k, r in rules.items()}))
    work["max_value"] = pd.to_numeric(ids.map({k: r.max_value for k, r in rules.items()}))

    has_period = work["period"].notna()
    months = pd.to_datetime(work["period"], errors="coerce").dt.month
    granularity = work["granularity"].astype(object)
    shape = granularity.where(granularity.notna(), "unknown")
    shape = shape.mask(
        (granularity == "month") & months.isin(QUARTER_OPENING_MONTHS), "quarter_opening_month"
    )
    work["period_shape"] = shape.where(has_period, None)
    # One column, so that the suite's allowed frequency/period pairs are a plain value set
    # (GX's column-pair set check walks rows in Python: seconds on 100k rows).
    frequency_period = work["frequency"].astype(object) + "/" + work["period_shape"].astype(object)
    work["frequency_period"] = frequency_period.where(
        work["frequency"].notna() & work["period_shape"].notna(), None
    )

    previous = _previous_figures(work, context)
    work["previous_value"] = previous["value"]
    work["previous_period"] = previous["period"]
    work["previous_row"] = previous["row"]

    value = pd.to_numeric(work["value"], errors="coerce")
    prior = work["previous_value"]
    both_positive = (value > 0) & (prior > 0)
    # Symmetric ratio: one upper bound catches both ×factor and ÷factor jumps.
    ratio = np.maximum(value / prior, prior / value)
    work["jump_ratio"] = ratio.where(both_positive)
    return work


def _previous_figures(work: pd.DataFrame, context: ValidationContext) -> pd.DataFrame:
    """For each row, the latest earlier figure of its (indicator_id, org_unit)."""
    n = len(work)
    out_value = np.full(n, np.nan)
    out_period: list[dt.date | None] = [None] * n
    out_row: list[int | None] = [None] * n

    ids = work["indicator_id"].tolist()
    orgs = work["org_unit"].tolist()
    periods = work["period"].tolist()
    rows = work["row_number"].tolist()
    values = pd.to_numeric(work["value"], errors="coerce").tolist()
    usable = [
        i
        for i in range(n)
        # Rows of the wrong type are left to the suite, which reports them as an error.
        if isinstance(ids[i], str) and isinstance(periods[i], dt.date) and not math.isnan(values[i])
    ]
    usable.sort(key=lambda i: (ids[i], orgs[i], periods[i], rows[i]))

    # key -> (last row's (period, value, row), the figure that preceded it)
    state: dict[tuple[str, str], tuple[tuple, tuple | None]] = {}
    for i in usable:
        key = (ids[i], orgs[i])
        last, before_last = state.get(key, (None, None))
        # A row of the same period (a duplicate) is not "previous": look past it.
        in_file = last if last is not None and last[0] < periods[i] else before_last
        best = in_file
        stored = context.previous.get(key)
        if stored is not None and stored[0] < periods[i] and (best is None or stored[0] > best[0]):
            best = (stored[0], float(stored[1]), None)
        if best is not None:
            out_period[i], out_value[i], out_row[i] = best
        state[key] = ((periods[i], values[i], rows[i]), best)
    return pd.DataFrame(
        {
            "value": out_value,
            "period": pd.Series(out_period, dtype=object),
            "row": pd.Series(out_row, dtype=object),
        }
    )


@dataclass(frozen=True)
class _Engine:
    """An ephemeral GX context with one pandas batch definition and the suite split by scope."""

    name: str
    batch_definition: BatchDefinition
    file_suite: ExpectationSuite
    row_suite: ExpectationSuite
    lock: threading.Lock

    def run(
        self, frame: pd.DataFrame, suite: ExpectationSuite, parameters: dict[str, Any]
    ) -> list[ExpectationValidationResult]:
        """Validate `frame` with `suite`, failing rows listed in full."""
        # GX keeps project state globally; one validation at a time.
        with self.lock:
            batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(
                suite,
                result_format={"result_format": "COMPLETE"},
                expectation_parameters=parameters,
            )
        return list(result.results)


@cache
def _engine() -> _Engine:
    """Import GX and build the context once per process (the import alone takes seconds)."""
    # No analytics events and no progress bars, whatever the caller's environment says.
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    gx_context = gx.get_context(
        mode="ephemeral",
        project_config=DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        ),
    )
    batch_definition = (
        gx_context.data_sources.add_pandas("shihyo_upload")
        .add_dataframe_asset("observations")
        .add_batch_definition_whole_dataframe("whole_file")
    )
    config = load_suite_config()
    return _Engine(
        name=config["name"],
        batch_definition=batch_definition,
        file_suite=_build_suite(config, scope="file"),
        row_suite=_build_suite(config, scope="row"),
        lock=threading.Lock(),
    )


def _build_suite(config: dict[str, Any], scope: str | None) -> ExpectationSuite:
    """The suite file's expectations of one scope (all when None) as an ExpectationSuite."""
    import great_expectations as gx

    chosen = [
        expectation
        for expectation in config["expectations"]
        if scope is None or expectation["meta"]["scope"] == scope
    ]
    name = config["name"] if scope is None else f"{config['name']}.{scope}"
    suite = gx.ExpectationSuite(name=name, expectations=chosen, notes=config.get("notes"))
    # GX logs and drops an expectation it cannot parse; a dropped check must not pass silently.
    if len(suite.expectations) != len(chosen):
        raise RuntimeError(f"{SUITE_FILE}: some expectations could not be loaded by GX")
    return suite


def _by_check(results: list[ExpectationValidationResult]) -> dict[str, ExpectationValidationResult]:
    """Results keyed by the suite's meta.check (GX does not keep the suite's order)."""
    return {result.expectation_config.meta["check"]: result for result in results}


def _collect(
    suite: ExpectationSuite, results: list[ExpectationValidationResult], summary: dict[str, Any]
) -> list[str]:
    """Add each expectation's outcome to `summary`; return errors for checks that did not run."""
    errors: list[str] = []
    by_check = _by_check(results)
    for expectation in suite.expectations:
        meta = expectation.meta or {}
        result = by_check.get(meta["check"])
        error = "GX returned no result" if result is None else _exception_message(result)
        count = None if result is None else result.result.get("unexpected_count")
        summary["expectations"].append(
            {
                "name": meta["check"],
                "expectation": expectation.expectation_type,
                "rule": meta["rule"],
                "severity": str(expectation.severity.value),
                "success": bool(result is not None and result.success and not error),
                "unexpected_count": None if count is None else int(count),
                "error": error,
            }
        )
        if error:
            errors.append(
                f"検査「{meta['check']}」を実行できませんでした: {error} / "
                f"check '{meta['check']}' could not run: {error}"
            )
    return errors


def _exception_message(result: ExpectationValidationResult) -> str | None:
    """The error a check raised, if any; GX reports it only in exception_info."""
    info = result.exception_info or {}
    # GX gives either one {raised_exception, exception_message} or one per metric.
    candidates = [info, *(value for value in info.values() if isinstance(value, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return str(candidate.get("exception_message") or "unknown error")
    return None


def _file_failure_text(check: str, result: ExpectationValidationResult) -> str:
    """A table-level failure, explained."""
    if check == "required_columns":
        missing = result.result.get("details", {}).get("mismatched", {}).get("missing", [])
        listed = ", ".join(sorted(missing))
        return f"必須の列がありません: {listed} / required columns are missing: {listed}"
    return f"ファイル全体の検査「{check}」に失敗しました / file check '{check}' failed"


FREQUENCY_JA = {"monthly": "月次", "quarterly": "四半期", "fiscal_year": "年度"}
FREQUENCY_EN = {"monthly": "monthly", "quarterly": "quarterly", "fiscal_year": "fiscal-year"}
SHAPE_JA = {
    "month": "月",
    "quarter_opening_month": "月",
    "quarter": "四半期",
    "fiscal_year": "年度",
}
SHAPE_EN = {
    "month": "month",
    "quarter_opening_month": "month",
    "quarter": "quarter",
    "fiscal_year": "fiscal-year",
}


def _number(value: Any) -> str:
    """A figure as a KPI owner writes it: 1,200 or 0.75."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,}"


def _month(period: Any) -> str:
    """A period start as YYYY-MM."""
    return period.strftime("%Y-%m") if isinstance(period, dt.date) else str(period)


def _text(value: Any) -> str:
    """A cell as text, '' for missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


class _Explainer:
    """Turns (check, row position) into a RowFailure with reasons a KPI owner can act on."""

    def __init__(self, work: pd.DataFrame, context: ValidationContext):
        self.context = context
        self.columns = {column: work[column].tolist() for column in work.columns}
        self._duplicates: dict[tuple, list[int]] | None = None
        self.messages: dict[str, Callable[[int], tuple[str, str, str, str]]] = {
            "indicator_id_present": self._indicator_missing,
            "indicator_in_catalog": self._indicator_unknown,
            "period_parseable": self._period_unreadable,
            "period_not_future": self._period_future,
            "period_matches_frequency": self._period_wrong_frequency,
            "value_numeric": self._value_unreadable,
            "value_at_least_min": self._value_below_min,
            "value_at_most_max": self._value_above_max,
            "key_unique": self._duplicate,
            "cumulative_not_falling": self._cumulative_fell,
            "value_jump": self._jump,
        }

    def __call__(self, check: str, rule: str, i: int) -> RowFailure:
        """The failure of row position `i` under `check`."""
        column, value, ja, en = self.messages[check](i)
        return RowFailure(int(self.columns["row_number"][i]), column, value, rule, ja, en)

    def cell(self, column: str, i: int) -> str:
        """Row `i`'s `column` as text."""
        return _text(self.columns[column][i])

    def _indicator_missing(self, i: int) -> tuple[str, str, str, str]:
        return "indicator_id", "", "指標IDが空です", "indicator id is empty"

    def _indicator_unknown(self, i: int) -> tuple[str, str, str, str]:
        ident = self.cell("indicator_id", i)
        return (
            "indicator_id",
            ident,
            f"指標ID「{ident}」は目録にありません",
            f"indicator '{ident}' is not in the catalog",
        )

    def _period_unreadable(self, i: int) -> tuple[str, str, str, str]:
        text = self.cell("period_text", i)
        return (
            "period",
            text,
            f"期間「{text}」を読み取れません",
            f"period '{text}' could not be read",
        )

    def _period_future(self, i: int) -> tuple[str, str, str, str]:
        text = self.cell("period_text", i) or _month(self.columns["period"][i])
        return "period", text, f"{text} は未来の期間です", f"{text} is a future period"

    def _period_wrong_frequency(self, i: int) -> tuple[str, str, str, str]:
        text = self.cell("period_text", i)
        frequency = self.columns["frequency"][i]
        shape = self.columns["period_shape"][i]
        if shape not in SHAPE_JA:
            return (
                "period",
                text,
                f"期間「{text}」が月・四半期・年度のどれか分かりません",
                f"period '{text}' is not a month, a quarter or a fiscal year",
            )
        if frequency == "quarterly" and shape == "month":
            return (
                "period",
                text,
                "四半期の指標に四半期の初月（4・7・10・1月）でない月が指定されています",
                "a quarterly indicator was given a month that does not open a fiscal quarter "
                "(Apr, Jul, Oct, Jan)",
            )
        return (
            "period",
            text,
            f"{FREQUENCY_JA[frequency]}の指標に{SHAPE_JA[shape]}の期間が指定されています",
            f"a {FREQUENCY_EN[frequency]} indicator was given a {SHAPE_EN[shape]} period",
        )

    def _value_unreadable(self, i: int) -> tuple[str, str, str, str]:
        text = self.cell("value_text", i)
        return (
            "value",
            text,
            f"値「{text}」を数値として読み取れません",
            f"value '{text}' is not a number",
        )

    def _value_below_min(self, i: int) -> tuple[str, str, str, str]:
        value, bound = _number(self.columns["value"][i]), _number(self.columns["min_value"][i])
        return (
            "value",
            self.cell("value_text", i),
            f"値 {value} は下限 {bound} を下回っています",
            f"value {value} is below the minimum {bound}",
        )

    def _value_above_max(self, i: int) -> tuple[str, str, str, str]:
        value, bound = _number(self.columns["value"][i]), _number(self.columns["max_value"][i])
        return (
            "value",
            self.cell("value_text", i),
            f"値 {value} は上限 {bound} を超えています",
            f"value {value} is above the maximum {bound}",
        )

    def _duplicate(self, i: int) -> tuple[str, str, str, str]:
        if self._duplicates is None:
            self._duplicates = {}
            for j, key in enumerate(self._keys()):
                self._duplicates.setdefault(key, []).append(int(self.columns["row_number"][j]))
        row = int(self.columns["row_number"][i])
        others = [r for r in self._duplicates[self._keys_at(i)] if r != row]
        listed = ", ".join(str(r) for r in others)
        key_text = " / ".join(
            self.cell(column, i) for column in ("indicator_id", "period_text", "org_unit")
        ).rstrip(" /")
        return (
            "indicator_id, period, org_unit",
            key_text,
            f"指標・期間・組織が同じ行が {listed} 行目にもあります",
            f"row(s) {listed} have the same indicator, period and org unit",
        )

    def _keys(self) -> list[tuple]:
        return list(
            zip(
                self.columns["indicator_id"],
                self.columns["period"],
                self.columns["org_unit"],
                strict=True,
            )
        )

    def _keys_at(self, i: int) -> tuple:
        return tuple(self.columns[c][i] for c in ("indicator_id", "period", "org_unit"))

    def _previous_label(self, i: int) -> tuple[str, str]:
        """The previous figure as (ja, en), e.g. 2019-03: 1,200 (and its row when in this file)."""
        label = (
            f"{_month(self.columns['previous_period'][i])}: "
            f"{_number(self.columns['previous_value'][i])}"
        )
        row = self.columns["previous_row"][i]
        if row is None or pd.isna(row):
            return label, label
        return f"{label}、{int(row)}行目", f"{label}, row {int(row)}"

    def _cumulative_fell(self, i: int) -> tuple[str, str, str, str]:
        ja, en = self._previous_label(i)
        value = _number(self.columns["value"][i])
        return (
            "value",
            self.cell("value_text", i),
            f"累計値が前回（{ja}）より減っています",
            f"cumulative value {value} is below the previous figure ({en})",
        )

    def _jump(self, i: int) -> tuple[str, str, str, str]:
        ja, en = self._previous_label(i)
        value = _number(self.columns["value"][i])
        factor = _number(self.context.jump_factor)
        return (
            "value",
            self.cell("value_text", i),
            f"値 {value} が前回（{ja}）から{factor}倍を超えて変わっています",
            f"value {value} differs from the previous figure ({en}) by more than {factor}×",
        )
