"""The observations suite, run by Great Expectations itself on small hand-made files."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expectations import (
    IndicatorRule,
    ValidationContext,
    ValidationOutcome,
    load_suite,
    rejected_rows,
    validate_observations,
)
from expectations.engine import SUITE_FILE, shared_engine, suite_frame
from expectations.helpers import derive_helper_columns

TODAY = dt.date(2024, 6, 15)
CONTEXT = ValidationContext(
    indicators={
        "wifi": IndicatorRule("monthly", "stock", 0, None),
        "etax": IndicatorRule("quarterly", "flow", 0, None),
        "rate": IndicatorRule("fiscal_year", "stock", 0, 100),
        "cum": IndicatorRule("monthly", "cumulative", 0, None),
    },
    today=TODAY,
    previous={
        ("cum", ""): (dt.date(2024, 1, 1), 100.0),
        ("wifi", ""): (dt.date(2024, 1, 1), 590.0),
    },
)


def row(
    row_number: int,
    indicator_id: str | None,
    period: dt.date | None,
    value: float | None,
    granularity: str | None = "month",
    org_unit: str = "",
    period_text: str | None = None,
    value_text: str | None = None,
) -> dict[str, Any]:
    """One uploaded row as the intake hands it over."""
    return {
        "row_number": row_number,
        "indicator_id": indicator_id,
        "period_text": period_text or (period.strftime("%Y-%m") if period else "?"),
        "period": period,
        "granularity": granularity if period else None,
        "value_text": value_text or ("" if value is None else f"{value:g}"),
        "value": value,
        "org_unit": org_unit,
        "note": None,
    }


GOOD_ROWS = [
    row(2, "wifi", dt.date(2024, 2, 1), 591),
    row(3, "wifi", dt.date(2024, 3, 1), 600),
    row(4, "etax", dt.date(2024, 4, 1), 1200, granularity="quarter", period_text="2024Q1"),
    row(5, "etax", dt.date(2024, 1, 1), 1100),  # a month opening a fiscal quarter
    row(6, "rate", dt.date(2023, 4, 1), 45.5, granularity="fiscal_year", period_text="2023"),
    row(7, "cum", dt.date(2024, 2, 1), 120),
    row(8, "cum", dt.date(2024, 3, 1), 130),
    row(9, "wifi", dt.date(2024, 3, 1), 10, org_unit="港北区"),
]


def frame(*extra: dict[str, Any], base: list[dict[str, Any]] = GOOD_ROWS) -> pd.DataFrame:
    """The good rows plus `extra`."""
    return pd.DataFrame([*base, *extra])


@pytest.fixture(scope="module")
def validate():
    """validate_observations with GX imported once for the module (the import takes seconds)."""
    validate_observations(frame(), CONTEXT)
    return validate_observations


def only_failure(outcome: ValidationOutcome, row_number: int, rule: str):
    """The single failure, checking that nothing else was rejected."""
    assert outcome.file_errors == []
    assert not outcome.success
    assert rejected_rows(outcome) == {row_number}
    assert [(f.row, f.rule) for f in outcome.row_failures] == [(row_number, rule)]
    return outcome.row_failures[0]


def test_suite_file_on_disk_is_what_runs(validate):
    config = json.loads(SUITE_FILE.read_text(encoding="utf-8"))
    suite = load_suite()
    assert [e.expectation_type for e in suite.expectations] == [
        "expect_table_columns_to_match_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_null",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_compound_columns_to_be_unique",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_values_to_be_between",
    ]
    # The run reports exactly the file's checks, in the file's order.
    summary = validate(frame(), CONTEXT).summary
    assert [e["name"] for e in summary["expectations"]] == [
        e["meta"]["check"] for e in config["expectations"]
    ]
    assert [e["expectation"] for e in summary["expectations"]] == [
        e["type"] for e in config["expectations"]
    ]


def test_all_good_frame_passes(validate):
    outcome = validate(frame(), CONTEXT)
    assert outcome.success
    assert outcome.file_errors == []
    assert outcome.row_failures == []
    assert outcome.warnings == []
    assert rejected_rows(outcome) == set()
    json.dumps(outcome.summary)  # stored with the load
    assert all(e["success"] for e in outcome.summary["expectations"])


def test_validation_does_not_fingerprint_the_frame(validate, monkeypatch):
    # GX's batch fingerprint (a hash of every row) is a marker nothing reads; computing it
    # cost about 0.7 s per million rows.
    from great_expectations.execution_engine import pandas_execution_engine

    def refuse(_frame: pd.DataFrame) -> str:
        raise AssertionError("the frame was fingerprinted")

    monkeypatch.setattr(pandas_execution_engine, "hash_pandas_dataframe", refuse)
    outcome = validate(frame(), CONTEXT)
    assert outcome.success


def test_missing_required_column_fails_the_file(validate):
    outcome = validate(frame().drop(columns=["value"]), CONTEXT)
    assert not outcome.success
    assert outcome.row_failures == []
    assert len(outcome.file_errors) == 1
    assert "value" in outcome.file_errors[0]
    assert outcome.file_errors[0].startswith("必須の列がありません")


def test_unknown_indicator_is_rejected(validate):
    failure = only_failure(
        validate(frame(row(10, "foo", dt.date(2024, 3, 1), 5)), CONTEXT), 10, "indicator_known"
    )
    assert failure.column == "indicator_id"
    assert failure.reason_ja == "指標ID「foo」は目録にありません"
    assert failure.reason_en == "indicator 'foo' is not in the catalog"


def test_missing_indicator_id_is_rejected(validate):
    outcome = validate(frame(row(10, None, dt.date(2024, 3, 1), 5)), CONTEXT)
    only_failure(outcome, 10, "indicator_known")


def test_unreadable_period_is_rejected(validate):
    outcome = validate(frame(row(10, "wifi", None, 5, period_text="2024年13月")), CONTEXT)
    failure = only_failure(outcome, 10, "period_parseable")
    assert failure.value == "2024年13月"
    assert "2024年13月" in failure.reason_ja


def test_future_period_is_rejected(validate):
    outcome = validate(frame(row(10, "wifi", dt.date(2030, 4, 1), 600)), CONTEXT)
    failure = only_failure(outcome, 10, "period_not_future")
    assert failure.reason_ja == "2030-04 は未来の期間です"


def test_period_of_the_wrong_frequency_is_rejected(validate):
    fiscal_year_for_monthly = row(
        10, "wifi", dt.date(2023, 4, 1), 600, granularity="fiscal_year", period_text="2023"
    )
    failure = only_failure(
        validate(frame(fiscal_year_for_monthly), CONTEXT), 10, "period_matches_frequency"
    )
    assert failure.reason_ja == "月次の指標に年度の期間が指定されています"
    # A quarterly indicator takes a month only when it opens a fiscal quarter.
    outcome = validate(frame(row(10, "etax", dt.date(2024, 5, 1), 300)), CONTEXT)
    only_failure(outcome, 10, "period_matches_frequency")


def test_value_that_is_not_a_number_is_rejected(validate):
    outcome = validate(
        frame(row(10, "wifi", dt.date(2024, 4, 1), None, value_text="六百")), CONTEXT
    )
    failure = only_failure(outcome, 10, "value_numeric")
    assert failure.value == "六百"


def test_value_out_of_bounds_is_rejected(validate):
    below = validate(frame(row(10, "wifi", dt.date(2024, 4, 1), -3)), CONTEXT)
    assert "下限 0" in only_failure(below, 10, "value_within_bounds").reason_ja
    above = validate(
        frame(row(10, "rate", dt.date(2022, 4, 1), 120, granularity="fiscal_year")), CONTEXT
    )
    assert "上限 100" in only_failure(above, 10, "value_within_bounds").reason_ja


def test_duplicate_keys_are_all_rejected_naming_each_other(validate):
    outcome = validate(frame(row(10, "wifi", dt.date(2024, 3, 1), 600)), CONTEXT)
    assert outcome.file_errors == []
    assert rejected_rows(outcome) == {3, 10}
    by_row = {f.row: f for f in outcome.row_failures}
    assert {f.rule for f in outcome.row_failures} == {"key_unique"}
    assert "10 行目" in by_row[3].reason_ja
    assert "3 行目" in by_row[10].reason_ja


def test_a_valid_fiscal_year_row_is_not_a_duplicate_of_an_invalid_month_row(validate):
    # 令和元年度 and 2019-04 start on the same day; "rate" is a fiscal-year indicator, so
    # the month row fails its period check and the fiscal-year row is the only figure.
    fiscal = row(10, "rate", dt.date(2019, 4, 1), 40, "fiscal_year", period_text="令和元年度")
    month = row(11, "rate", dt.date(2019, 4, 1), 41, "month", period_text="2019-04")
    outcome = validate(frame(fiscal, month), CONTEXT)
    assert [(f.row, f.rule) for f in outcome.row_failures] == [(11, "period_matches_frequency")]


def test_rows_of_different_granularity_are_not_duplicates(validate):
    # A quarterly indicator takes the quarter FY2024Q1 or its opening month 2024-04.
    quarter = row(10, "etax", dt.date(2023, 4, 1), 900, "quarter", period_text="FY2023Q1")
    month = row(11, "etax", dt.date(2023, 4, 1), 300, "month", period_text="2023-04")
    outcome = validate(frame(quarter, month), CONTEXT)
    assert "key_unique" not in {f.rule for f in outcome.row_failures}


def test_duplicates_are_looked_for_only_among_rows_with_valid_periods(validate):
    future = [row(n, "wifi", dt.date(2030, 1, 1), 600) for n in (10, 11)]
    outcome = validate(frame(*future), CONTEXT)
    assert {(f.row, f.rule) for f in outcome.row_failures} == {
        (10, "period_not_future"),
        (11, "period_not_future"),
    }
    same_fy = [row(n, "rate", dt.date(2019, 4, 1), 40, "fiscal_year") for n in (10, 11)]
    outcome = validate(frame(*same_fy), CONTEXT)
    assert rejected_rows(outcome) == {10, 11}
    assert {f.rule for f in outcome.row_failures} == {"key_unique"}


def test_cumulative_falling_below_the_warehouse_is_rejected(validate):
    base = [r for r in GOOD_ROWS if r["indicator_id"] != "cum"]
    outcome = validate(frame(row(10, "cum", dt.date(2024, 2, 1), 90), base=base), CONTEXT)
    failure = only_failure(outcome, 10, "cumulative_not_falling")
    assert failure.reason_ja == "累計値が前回（2024-01: 100）より減っています"


def test_cumulative_falling_within_the_file_is_rejected(validate):
    outcome = validate(frame(row(10, "cum", dt.date(2024, 4, 1), 125)), CONTEXT)
    failure = only_failure(outcome, 10, "cumulative_not_falling")
    assert failure.reason_ja == "累計値が前回（2024-03: 130、8行目）より減っています"


def test_jump_is_a_warning_not_a_rejection(validate):
    outcome = validate(frame(row(10, "wifi", dt.date(2024, 4, 1), 6001)), CONTEXT)
    assert outcome.success
    assert outcome.row_failures == []
    assert [(w.row, w.rule) for w in outcome.warnings] == [(10, "value_jump")]
    assert "2024-03: 600" in outcome.warnings[0].reason_ja
    # A fall to under a tenth warns too.
    outcome = validate(frame(row(10, "wifi", dt.date(2024, 4, 1), 59)), CONTEXT)
    assert outcome.success
    assert [(w.row, w.rule) for w in outcome.warnings] == [(10, "value_jump")]


def test_an_expectation_that_errors_fails_the_file(validate):
    # Periods as text cannot be compared with `today`: GX errors, which must not pass silently.
    bad = frame().assign(period=lambda f: f["period"].astype(str))
    outcome = validate(bad, CONTEXT)
    assert not outcome.success
    assert any("period_not_future" in error for error in outcome.file_errors)
    errored = [e for e in outcome.summary["expectations"] if e["error"]]
    assert [e["name"] for e in errored] == ["period_not_future"]
    assert not errored[0]["success"]


# ── the helper columns and the frame GX sees, at scale ───────────────────────


def previous_row_by_row(frame: pd.DataFrame, context: ValidationContext) -> list[tuple]:
    """The rule for previous_*, walked a row at a time: per (indicator, org unit) in
    (period, row) order, the last row of an earlier period, or the warehouse's figure
    when it is later; a row of the same period is a duplicate, not an earlier figure."""
    rows = frame.to_dict("records")
    usable = sorted(
        (
            i
            for i, r in enumerate(rows)
            if isinstance(r["indicator_id"], str)
            and isinstance(r["period"], dt.date)
            and r["value"] is not None
            and r["value"] == r["value"]
        ),
        key=lambda i: (rows[i]["indicator_id"], rows[i]["org_unit"], rows[i]["period"],
                       rows[i]["row_number"]),
    )  # fmt: skip
    out: list[tuple] = [(None, None, None)] * len(rows)
    for i in usable:
        key = (rows[i]["indicator_id"], rows[i]["org_unit"])
        earlier = [
            j for j in usable
            if (rows[j]["indicator_id"], rows[j]["org_unit"]) == key
            and rows[j]["period"] < rows[i]["period"]
        ]  # fmt: skip
        best = None
        if earlier:
            j = earlier[-1]
            best = (rows[j]["period"], float(rows[j]["value"]), rows[j]["row_number"])
        stored = context.previous.get(key)
        if stored and stored[0] < rows[i]["period"] and (best is None or stored[0] > best[0]):
            best = (stored[0], float(stored[1]), None)
        out[i] = best or (None, None, None)
    return out


_DATES = st.sampled_from([dt.date(2023, m, 1) for m in (1, 3, 4, 7, 12)] + [dt.date(2024, 1, 1)])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["wifi", "cum", "etax", "foo", None]),
            st.one_of(st.none(), _DATES),
            st.sampled_from([None, 0.0, 5.0, 100.0, 590.0, 6000.0]),
            st.sampled_from(["", "港北区", "A"]),
            st.integers(min_value=2, max_value=40),
        ),
        min_size=1,
        max_size=60,
    ),
    st.booleans(),
)
def test_previous_figures_follow_the_row_by_row_rule(rows: list[tuple], in_order: bool) -> None:
    records = [
        {**row(n if not in_order else i + 2, ind, period, value, org_unit=org)}
        for i, (ind, period, value, org, n) in enumerate(rows)
    ]
    work = derive_helper_columns(pd.DataFrame(records), CONTEXT)
    got = list(
        zip(
            work["previous_period"],
            [None if v != v else v for v in work["previous_value"]],
            [None if r is pd.NA else r for r in work["previous_row"]],
            strict=True,
        )
    )
    assert got == previous_row_by_row(pd.DataFrame(records), CONTEXT)


def test_gx_judges_the_typed_frame_as_it_would_the_plain_one(validate):
    # The suite runs on the columns it reads, text as categories, dates as datetime64:
    # every check must flag exactly the rows it flags on the frame as derived.
    bad = frame(
        row(10, "foo", dt.date(2024, 3, 1), 5),
        row(11, None, dt.date(2024, 3, 1), 5),
        row(12, "wifi", None, 5, period_text="2024年13月"),
        row(13, "wifi", dt.date(2030, 4, 1), 600),
        row(14, "wifi", dt.date(2023, 4, 1), 600, granularity="fiscal_year"),
        row(15, "wifi", dt.date(2024, 4, 1), None, value_text="六百"),
        row(16, "rate", dt.date(2022, 4, 1), 120, granularity="fiscal_year"),
        row(17, "wifi", dt.date(2024, 3, 1), 600),
        row(18, "cum", dt.date(2024, 4, 1), 125),
        row(19, "wifi", dt.date(2024, 5, 1), 60001),
    )
    work = derive_helper_columns(bad, CONTEXT)
    engine = shared_engine()
    parameters = {
        "today": CONTEXT.today,
        "known_indicator_ids": sorted(CONTEXT.indicators),
        "jump_factor": CONTEXT.jump_factor,
    }
    typed, typed_parameters = suite_frame(work, engine.row_columns, parameters)
    assert isinstance(typed["indicator_id"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_ns_dtype(typed["period"])

    def verdicts(checked: pd.DataFrame, given: dict[str, Any]) -> dict[str, tuple]:
        results = engine.run(checked, engine.row_suite, given)
        return {
            r.expectation_config.meta["check"]: (
                r.success,
                r.result.get("unexpected_count"),
                sorted(r.result.get("unexpected_index_list") or []),
            )
            for r in results
        }

    plain = verdicts(work, parameters)
    assert plain == verdicts(typed, typed_parameters)
    assert sum(not success for success, _, _ in plain.values()) >= 8


def test_the_suite_validated_part_by_part_judges_as_it_does_whole(validate):
    # A long frame is validated part by part, each part on the columns it reads: every check
    # must flag exactly the rows, with the same counts, that it flags on the whole frame.
    bad = frame(
        row(10, "foo", dt.date(2024, 3, 1), 5),
        row(11, None, dt.date(2024, 3, 1), 5),
        row(12, "wifi", None, 5, period_text="2024年13月"),
        row(13, "wifi", dt.date(2030, 4, 1), 600),
        row(14, "wifi", dt.date(2023, 4, 1), 600, granularity="fiscal_year"),
        row(15, "wifi", dt.date(2024, 4, 1), None, value_text="六百"),
        row(16, "rate", dt.date(2022, 4, 1), 120, granularity="fiscal_year"),
        row(17, "wifi", dt.date(2024, 3, 1), 600),
        row(18, "cum", dt.date(2024, 4, 1), 125),
        row(19, "wifi", dt.date(2024, 5, 1), 60001),
        row(20, "rate", dt.date(2021, 4, 1), -3, granularity="fiscal_year"),
    )
    engine = shared_engine()
    assert engine.row_parts is not None and len(engine.row_parts) > 1
    parts = [check for _, suite in engine.row_parts for check in _checks(suite)]
    assert sorted(parts) == sorted(_checks(engine.row_suite))
    parameters = {
        "today": CONTEXT.today,
        "known_indicator_ids": sorted(CONTEXT.indicators),
        "jump_factor": CONTEXT.jump_factor,
    }
    checked, parameters = suite_frame(
        derive_helper_columns(bad, CONTEXT), engine.row_columns, parameters
    )

    def verdicts(results: list) -> dict[str, tuple]:
        return {
            r.expectation_config.meta["check"]: (
                r.success,
                r.result.get("unexpected_count"),
                sorted(r.result.get("unexpected_index_list") or []),
                r.exception_info.get("raised_exception", False),
            )
            for r in results
        }

    whole = verdicts(engine.run_rows(checked, parameters, split_from=len(checked) + 1))
    split = verdicts(engine.run_rows(checked, parameters, split_from=0))
    assert whole == split
    assert sum(not success for success, *_ in whole.values()) >= 9


def _checks(suite) -> list[str]:
    return [e.meta["check"] for e in suite.expectations]
