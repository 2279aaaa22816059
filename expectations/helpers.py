"""Derivation of the catalog- and warehouse-dependent helper columns the suite checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from expectations.context import ValidationContext

# Months that open a fiscal quarter (fiscal years run April–March).
QUARTER_OPENING_MONTHS = (4, 7, 10, 1)


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
        "comment": None,
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
    work["period_key"] = _period_keys(periods, granularities, pairs, context.today)

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


@cache
def _frequency_periods() -> frozenset[str]:
    """The frequency/period pairs the suite's period_matches_frequency check allows."""
    from expectations.engine import load_suite_config

    for expectation in load_suite_config()["expectations"]:
        if expectation["meta"]["check"] == "period_matches_frequency":
            return frozenset(expectation["kwargs"]["value_set"])
    return frozenset()


def _period_keys(
    periods: _Distinct, granularities: _Distinct, pairs: _Distinct, today: dt.date
) -> pd.Series:
    """Per row, its period as '<granularity>:<first day>' when the row passed the period
    checks (readable, not in the future, of its indicator's frequency), else missing: the
    duplicate check compares periods, not start days (a fiscal year and its April start on
    the same day), and only among rows whose periods are valid."""
    allowed = _frequency_periods()
    valid_pair = np.array([p in allowed for p in pairs.uniques] + [False])[pairs.codes]

    def key(g: int, p: int) -> Any:
        if g < 0 or p < 0:
            return None
        start = periods.uniques[p]
        if not isinstance(start, dt.date) or start > today:
            return None
        return f"{granularities.uniques[g]}:{start.isoformat()}"

    keys = _Distinct.of_pairs(granularities, periods, key)
    out = keys.spread(keys.uniques)
    return out.where(valid_pair)


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
