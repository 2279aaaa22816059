"""The Great Expectations engine: suite loading, the GX context, and reading its results."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

SUITE_FILE = Path(__file__).parent / "suites" / "observations.json"
# Rows from which the row suite is validated part by part (Engine.run_rows): below, one
# validation's fixed cost weighs more than GX's copies of the frame.
SPLIT_ROWS = 20_000


def load_suite_config() -> dict[str, Any]:
    """The suite as written in suites/observations.json."""
    return json.loads(SUITE_FILE.read_text(encoding="utf-8"))


def load_suite() -> ExpectationSuite:
    """The suite file as a GX ExpectationSuite."""
    return _build_suite(load_suite_config(), scope=None)


@dataclass(frozen=True)
class Engine:
    """An ephemeral GX context with one pandas batch definition and the suite split by scope."""

    name: str
    batch_definition: BatchDefinition
    file_suite: ExpectationSuite
    row_suite: ExpectationSuite
    lock: threading.Lock
    row_columns: frozenset[str] | None  # the columns the row suite reads; None: all
    # The row suite again, split by the columns each expectation reads (None when one reads
    # the whole frame): for a long frame each part is validated on its own columns.
    row_parts: tuple[tuple[tuple[str, ...], ExpectationSuite], ...] | None = None

    def run_rows(
        self, frame: pd.DataFrame, parameters: dict[str, Any], split_from: int = SPLIT_ROWS
    ) -> list[ExpectationValidationResult]:
        """Validate `frame` with the row suite. A long frame is validated part by part, each
        part of the suite on the columns it reads: GX filters the whole batch frame for
        every metric it computes (non-null rows, rows to ignore), and copying eleven columns
        a hundred times costs more than a few more validations. The verdicts and failing
        rows are the same, as each expectation sees the columns it reads, on the same index."""
        if self.row_parts is None or len(frame) < split_from:
            return self.run(frame, self.row_suite, parameters)
        results: list[ExpectationValidationResult] = []
        for columns, suite in self.row_parts:
            results += self.run(frame[list(columns)], suite, parameters)
        return results

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
_IMPORT_LOCK = threading.Lock()


def import_gx() -> ModuleType:
    """The `great_expectations` package, imported (once) without what the suite never uses:
    see `expectations.trimmed`."""
    with _IMPORT_LOCK:
        # No analytics events and no progress bars, whatever the caller's environment says.
        os.environ["GX_ANALYTICS_ENABLED"] = "False"
        from expectations.trimmed import trimmed_imports
        from kernel.memory import long_lived

        with long_lived(), trimmed_imports():
            import great_expectations

        return great_expectations


def shared_engine() -> Engine:
    """The GX engine, built once per process; a caller arriving while another thread builds
    it waits for that one."""
    with _ENGINE_LOCK:
        return build_engine()


def engine_built() -> bool:
    """Whether this process has built the engine (imported GX): validating here then costs
    no import, and nothing is gained by validating elsewhere."""
    return build_engine.cache_info().currsize > 0


def warm_up() -> None:
    """Start importing GX and building its context in the background (the import alone
    takes seconds), so that it overlaps with reading a file; validation waits for it."""

    def build() -> None:
        try:
            shared_engine()
        except Exception:  # the validation's own call raises it again, where it is handled
            return

    threading.Thread(target=build, name="gx-warm-up", daemon=True).start()


@cache
def build_engine() -> Engine:
    """Import GX and build the context (the import alone takes seconds)."""
    gx = import_gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every pandas batch below this many bytes (an md5 over a hash of each
    # row) and records it as a batch marker shihyo never reads: about 0.7 s per million rows
    # across the suite's validations. No frame is fingerprinted.
    pandas_execution_engine.HASH_THRESHOLD = 0

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
    return Engine(
        name=config["name"],
        batch_definition=batch_definition,
        file_suite=_build_suite(config, scope="file"),
        row_suite=_build_suite(config, scope="row"),
        lock=threading.Lock(),
        row_columns=_columns_read(config, scope="row"),
        row_parts=_row_parts(config),
    )


def _row_parts(
    config: dict[str, Any],
) -> tuple[tuple[tuple[str, ...], ExpectationSuite], ...] | None:
    """The row suite split into suites of the expectations that read the same columns, each
    with those columns; None when an expectation's columns cannot be told."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for expectation in config["expectations"]:
        if expectation["meta"]["scope"] != "row":
            continue
        columns = _columns_read({"expectations": [expectation]}, scope="row")
        if columns is None:
            return None
        groups.setdefault(tuple(sorted(columns)), []).append(expectation)
    return tuple(
        (columns, _build_suite({**config, "expectations": chosen}, scope="row"))
        for columns, chosen in groups.items()
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


def suite_frame(
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
    gx = import_gx()
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


def by_check(results: list[ExpectationValidationResult]) -> dict[str, ExpectationValidationResult]:
    """Results keyed by the suite's meta.check (GX does not keep the suite's order)."""
    return {result.expectation_config.meta["check"]: result for result in results}


def collect_failures(
    suite: ExpectationSuite, results: list[ExpectationValidationResult], summary: dict[str, Any]
) -> list[str]:
    """Add each expectation's outcome to `summary`; return errors for checks that did not run."""
    errors: list[str] = []
    results_by_check = by_check(results)
    for expectation in suite.expectations:
        meta = expectation.meta or {}
        result = results_by_check.get(meta["check"])
        error = "GX returned no result" if result is None else exception_message(result)
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


def exception_message(result: ExpectationValidationResult) -> str | None:
    """The error a check raised, if any; GX reports it only in exception_info."""
    info = result.exception_info or {}
    # GX gives either one {raised_exception, exception_message} or one per metric.
    candidates = [info, *(value for value in info.values() if isinstance(value, dict))]
    for candidate in candidates:
        if candidate.get("raised_exception"):
            return str(candidate.get("exception_message") or "unknown error")
    return None
