"""Validate a canonical frame of uploaded figures with the Great Expectations suite kept in
suites/observations.json. Catalog- and warehouse-dependent facts are derived here as helper
columns and run-time parameters, so that the suite file stays static and GX does the judging."""

from __future__ import annotations

import datetime as dt
import json
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


def derive_helper_columns(frame: pd.DataFrame, context: ValidationContext) -> pd.DataFrame:
    """The frame with the catalog- and warehouse-dependent columns the suite checks."""
    # A fresh 0..n-1 index makes GX's unexpected_index_list the row positions. (With
    # pandas' copy-on-write the caller's frame is never changed through `work`.)
    work = frame.reset_index(drop=True)
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
    work["org_unit"] = work["org_unit"].fillna("")
    if pd.api.types.is_datetime64_any_dtype(work["period"]):
        # The suite compares periods with a datetime.date `today`.
        dates = work["period"].dt.date.astype(object)
        work["period"] = dates.where(work["period"].notna(), None)

    # An upload repeats a few dozen indicators and periods: each rule runs once per
    # distinct value (or pair of values) and is spread back to the rows by code.
    rules = context.indicators
    ids = _Distinct.of(work["indicator_id"])
    known = [rules.get(i) if isinstance(i, str) else None for i in ids.uniques]
    work["frequency"] = ids.spread([None if r is None else r.frequency for r in known])
    work["kind"] = ids.spread([None if r is None else r.kind for r in known])
    work["min_value"] = ids.numbers([None if r is None else r.min_value for r in known])
    work["max_value"] = ids.numbers([None if r is None else r.max_value for r in known])

    periods = _Distinct.of(work["period"])
    granularities = _Distinct.of(work["granularity"].astype(object))
    months = pd.to_datetime(pd.Series(periods.uniques, dtype=object), errors="coerce").dt.month
    opening = [m in QUARTER_OPENING_MONTHS for m in months.tolist()]

    def shape(g: int, p: int) -> Any:
        if p < 0:
            return None
        if g < 0:
            return "unknown"
        granularity = granularities.uniques[g]
        if granularity == "month" and opening[p]:
            return "quarter_opening_month"
        return granularity

    shapes = _Distinct.of_pairs(granularities, periods, shape)
    work["period_shape"] = shapes.spread(shapes.uniques)
    frequencies = [None if r is None else r.frequency for r in known]

    # One column, so that the suite's allowed frequency/period pairs are a plain value set
    # (GX's column-pair set check walks rows in Python: seconds on 100k rows).
    def frequency_period(i: int, s: int) -> Any:
        if i < 0 or s < 0 or frequencies[i] is None:
            return None
        return f"{frequencies[i]}/{shapes.uniques[s]}"

    pairs = _Distinct.of_pairs(ids, shapes, frequency_period)
    work["frequency_period"] = pairs.spread(pairs.uniques)

    value = pd.to_numeric(work["value"], errors="coerce")
    previous = _previous_figures(work, context, ids, periods, np.asarray(value, dtype=float))
    work["previous_value"] = previous["value"]
    work["previous_period"] = previous["period"]
    work["previous_row"] = previous["row"]

    prior = work["previous_value"]
    both_positive = (value > 0) & (prior > 0)
    # Symmetric ratio: one upper bound catches both ×factor and ÷factor jumps.
    ratio = np.maximum(value / prior, prior / value)
    work["jump_ratio"] = ratio.where(both_positive)
    return work


class _Distinct:
    """A column's distinct values, in order of appearance, and each row's code among them;
    -1 for a missing value (None, NaN)."""

    def __init__(self, codes: np.ndarray, uniques: list[Any]):
        self.codes = codes
        self.uniques = uniques

    @classmethod
    def of(cls, column: pd.Series) -> _Distinct:
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        return cls(np.asarray(codes, dtype=np.int64), list(uniques))

    @classmethod
    def of_pairs(cls, a: _Distinct, b: _Distinct, function: Callable[[int, int], Any]) -> _Distinct:
        """The distinct values of function(code in a, code in b) over the rows (a missing
        result is a missing value)."""
        width = len(b.uniques) + 1
        keys = (a.codes + 1) * width + (b.codes + 1)
        size = (len(a.uniques) + 1) * width
        if size <= max(4 * len(keys), 1 << 16):
            present = np.flatnonzero(np.bincount(keys, minlength=size))
            index = keys
        else:  # many distinct values on both sides: only the pairs that occur
            present, index = np.unique(keys, return_inverse=True)
        results = [function(k // width - 1, k % width - 1) for k in present.tolist()]
        codes, uniques = pd.factorize(pd.Series(results, dtype=object), use_na_sentinel=True)
        if size <= max(4 * len(keys), 1 << 16):
            table = np.full(size, -1, dtype=np.int64)
            table[present] = codes
        else:
            table = np.asarray(codes, dtype=np.int64)
        return cls(table[index.reshape(-1)], list(uniques))

    def spread(self, per_value: list[Any]) -> pd.Series:
        """Per row, per_value of its value, as a categorical; missing for a missing value or
        a None in per_value."""
        codes, categories = pd.factorize(pd.Series(per_value, dtype=object), use_na_sentinel=True)
        table = np.append(np.asarray(codes, dtype=np.int64), -1)
        return pd.Series(pd.Categorical.from_codes(table[self.codes], categories=categories))

    def numbers(self, per_value: list[float | None]) -> pd.Series:
        """Per row, the number of its value as float64; NaN for a missing value or None."""
        table = np.array([np.nan if v is None else v for v in per_value] + [np.nan], dtype=float)
        return pd.Series(table[self.codes])


def _previous_figures(
    work: pd.DataFrame,
    context: ValidationContext,
    ids: _Distinct,
    periods: _Distinct,
    values: np.ndarray,
) -> pd.DataFrame:
    """For each row, the latest earlier figure of its (indicator_id, org_unit): the last row
    of the latest earlier period in this file (a row of the same period is a duplicate, not
    an earlier figure), or the warehouse's figure when that is later still."""
    n = len(work)
    out_value = np.full(n, np.nan)
    out_period = np.full(n, None, dtype=object)
    out_row = np.zeros(n, dtype=np.int64)
    has_row = np.zeros(n, dtype=bool)
    orgs = _Distinct.of(work["org_unit"])

    # Rows of the wrong type are left to the suite, which reports them as an error.
    id_ok = np.array([isinstance(i, str) for i in ids.uniques] + [False])
    period_ok = np.array([isinstance(p, dt.date) for p in periods.uniques] + [False])
    usable = np.flatnonzero(
        id_ok[ids.codes] & period_ok[periods.codes] & (orgs.codes >= 0) & ~np.isnan(values)
    )
    # The file's periods ranked as Python orders them.
    codes = sorted(np.unique(periods.codes[usable]).tolist(), key=periods.uniques.__getitem__)
    in_file = [periods.uniques[code] for code in codes]
    file_rank = np.full(len(periods.uniques) + 1, -1, dtype=np.int64)
    file_rank[codes] = np.arange(len(codes))
    group = ids.codes[usable] * len(orgs.uniques) + orgs.codes[usable]
    rank = file_rank[periods.codes[usable]]
    rows = work["row_number"].to_numpy()

    # Sorted by (indicator, org unit, period, row), stable as Python's sort is.
    if np.all(np.diff(rows[usable]) >= 0) and len(orgs.uniques) * len(ids.uniques) < 2**40:
        order = np.argsort(group * max(len(in_file), 1) + rank, kind="stable")
    else:
        order = np.lexsort((rows[usable], rank, group))
    pos, grp, rank = usable[order], group[order], rank[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = grp[1:] != grp[:-1]
    new_run = new_group.copy()
    new_run[1:] |= rank[1:] != rank[:-1]
    # A row's earlier figure in the file is the row just before its (group, period) run.
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    before = np.maximum(run_start - 1, 0)
    has_file = (run_start > 0) & ~new_group[run_start]
    file_pos = pos[before]

    # The warehouse's figure of each group, its period ranked among the file's.
    heads = grp[new_group]
    width = len(orgs.uniques)
    stored = [
        context.previous.get((ids.uniques[g // width], orgs.uniques[g % width]))
        for g in heads.tolist()
    ]
    ranked = sorted(set(in_file) | {f[0] for f in stored if f is not None})
    rank_of = {period: r for r, period in enumerate(ranked)}
    to_all = np.array([rank_of[p] for p in in_file] + [-1], dtype=np.int64)
    rank_all = to_all[rank]
    owner = np.cumsum(new_group) - 1  # each sorted row's group among `heads`
    stored_rank = np.array([-1 if f is None else rank_of[f[0]] for f in stored] + [-1])[owner]
    file_prev_rank = np.where(has_file, rank_all[before], -1)
    use_stored = (
        (stored_rank >= 0) & (stored_rank < rank_all) & (~has_file | (stored_rank > file_prev_rank))
    )
    use_file = has_file & ~use_stored

    target, source = pos[use_file], file_pos[use_file]
    out_value[target] = values[source]
    out_period[target] = work["period"].to_numpy(dtype=object)[source]
    out_row[target] = rows[source]
    has_row[target] = True
    target, holder = pos[use_stored], owner[use_stored]
    out_value[target] = np.array([np.nan if f is None else float(f[1]) for f in stored])[holder]
    stored_period = np.empty(len(stored), dtype=object)
    stored_period[:] = [None if f is None else f[0] for f in stored]
    out_period[target] = stored_period[holder]
    return pd.DataFrame(
        {
            "value": out_value,
            "period": pd.Series(out_period, dtype=object),
            # Nullable: a row number only where the earlier figure is a row of this file.
            "row": pd.Series(pd.arrays.IntegerArray(out_row, ~has_row)),
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
    row_columns: frozenset[str] | None  # the columns the row suite reads; None: all

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


_ENGINE_LOCK = threading.Lock()


def _engine() -> _Engine:
    """The GX engine, built once per process; a caller arriving while another thread builds
    it waits for that one."""
    with _ENGINE_LOCK:
        return _build_engine()


def warm_up() -> None:
    """Start importing GX and building its context in the background (the import alone
    takes seconds), so that it overlaps with reading a file; validation waits for it."""

    def build() -> None:
        try:
            _engine()
        except Exception:  # the validation's own call raises it again, where it is handled
            return

    threading.Thread(target=build, name="gx-warm-up", daemon=True).start()


@cache
def _build_engine() -> _Engine:
    """Import GX and build the context (the import alone takes seconds)."""
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
        row_columns=_columns_read(config, scope="row"),
    )


def _columns_read(config: dict[str, Any], scope: str) -> frozenset[str] | None:
    """The columns the suite's expectations of `scope` name; None if one names none (a
    table-level expectation sees the whole frame) or filters rows by a query string."""
    columns: set[str] = set()
    for expectation in config["expectations"]:
        if expectation["meta"]["scope"] != scope:
            continue
        kwargs = expectation["kwargs"]
        named = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
        named += kwargs.get("column_list", [])
        condition = kwargs.get("row_condition")
        if isinstance(condition, str) or not named:
            return None
        columns.update(named)
        columns.update(_condition_columns(condition))
    return frozenset(columns)


def _condition_columns(condition: Any) -> set[str]:
    """The column names inside a structured row_condition."""
    if isinstance(condition, list):
        return set().union(*(_condition_columns(c) for c in condition))
    if not isinstance(condition, dict):
        return set()
    found = set()
    for key, value in condition.items():
        if key == "column" and isinstance(value, dict) and isinstance(value.get("name"), str):
            found.add(value["name"])
        else:
            found |= _condition_columns(value)
    return found


def _suite_frame(
    work: pd.DataFrame, columns: frozenset[str] | None, parameters: dict[str, Any]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The columns the suite reads, in dtypes GX checks with vectorised pandas instead of
    walking rows in Python; values, nulls and comparisons stay exactly as in `work`.
    Text becomes categorical, Python floats float64, dates datetime64 (and then a date
    parameter such as `today` a Timestamp of the same day)."""
    if columns is None:
        return work, parameters
    checked = pd.DataFrame(index=work.index)
    dates: list[str] = []
    for name in work.columns:
        if name not in columns:
            continue
        column = work[name]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            kind = pd.api.types.infer_dtype(column, skipna=True)
            if kind == "string":
                codes, uniques = pd.factorize(column, use_na_sentinel=True)
                column = pd.Series(
                    pd.Categorical.from_codes(codes, categories=uniques), index=work.index
                )
            elif kind == "floating":
                column = column.astype(float)
            elif kind == "date":
                dates.append(name)
        checked[name] = column
    converted = {name: _datetimes(checked[name]) for name in dates}
    if dates and all(c is not None for c in converted.values()):
        for name, column in converted.items():
            checked[name] = column
        parameters = {
            key: pd.Timestamp(value) if type(value) is dt.date else value
            for key, value in parameters.items()
        }
    return checked, parameters


def _datetimes(column: pd.Series) -> pd.Series | None:
    """A column of datetime.date (and nulls) as datetime64[ns], or None if it holds anything
    else or a date datetime64[ns] cannot hold."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    lowest, highest = pd.Timestamp.min.date(), pd.Timestamp.max.date()
    if not all(type(d) is dt.date and lowest < d < highest for d in uniques):
        return None
    stamps = pd.DatetimeIndex(list(uniques), dtype="datetime64[ns]").append(
        pd.DatetimeIndex([pd.NaT], dtype="datetime64[ns]")
    )
    return pd.Series(stamps[codes], index=column.index)


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


class _Columns(dict):
    """A frame's columns as lists, each made on first use: most files have few failures."""

    def __init__(self, work: pd.DataFrame):
        super().__init__()
        self.work = work

    def __missing__(self, column: str) -> list[Any]:
        values = self[column] = self.work[column].tolist()
        return values


class _Explainer:
    """Turns (check, row position) into a RowFailure with reasons a KPI owner can act on."""

    def __init__(self, work: pd.DataFrame, context: ValidationContext):
        self.context = context
        self.columns = _Columns(work)
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
