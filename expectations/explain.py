"""Failure explanations: suite failures turned into messages a KPI owner can act on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from expectations.failures import RowFailure, short

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

    from expectations.context import ValidationContext


def file_failure_text(check: str, result: ExpectationValidationResult) -> str:
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
    """A frame's columns by row position, each read on first use, and then only at the
    `positions` explained when they are given: a million-row file with thirty thousand
    failures does not become a million Python objects per column."""

    def __init__(self, work: pd.DataFrame, positions: Any = None):
        super().__init__()
        self.work = work
        self.positions = None if positions is None else np.unique(np.asarray(positions, int))

    def __missing__(self, column: str) -> Any:
        series = self.work[column]
        if self.positions is None:
            values: Any = series.tolist()
        else:
            values = dict(
                zip(self.positions.tolist(), series.take(self.positions).tolist(), strict=True)
            )
        self[column] = values
        return values


class Explainer:
    """Turns (check, row position) into a RowFailure with reasons a KPI owner can act on;
    given the `positions` it will be asked about, it reads the frame at those rows only."""

    def __init__(self, work: pd.DataFrame, context: ValidationContext, positions: Any = None):
        self.context = context
        self.columns = _Columns(work, positions)
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
        """Row `i`'s `column` as text, cut to a length that can be quoted back."""
        return short(_text(self.columns[column][i]))

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

    def know_duplicates(self, positions: list[int]) -> None:
        """Group the rows the uniqueness check refused (every row of each repeated key, and
        no other) by key, so that each one can name the others without a pass over every
        row of the file."""
        rows = self.columns["row_number"]
        groups: dict[tuple, list[int]] = {}
        for j in sorted(positions):
            groups.setdefault(self._keys_at(j), []).append(int(rows[j]))
        self._duplicates = groups

    def _duplicate(self, i: int) -> tuple[str, str, str, str]:
        if self._duplicates is None:
            self._duplicates = {}
            rows = self.columns.work["row_number"].tolist()
            for j, key in enumerate(self._keys()):
                self._duplicates.setdefault(key, []).append(int(rows[j]))
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
        work = self.columns.work
        return list(
            zip(
                work["indicator_id"].tolist(),
                work["period_key"].tolist(),
                work["org_unit"].tolist(),
                strict=True,
            )
        )

    def _keys_at(self, i: int) -> tuple:
        return tuple(self.columns[c][i] for c in ("indicator_id", "period_key", "org_unit"))

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
