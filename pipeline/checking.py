"""Judging an upload before anything is written: parse, validate with the suite, and
refuse the rows of indicators the acting user does not own. The upload desk previews
with this; a load writes what it accepts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from access.roles import SYSTEM, Actor, may_send_figures_for
from expectations import IndicatorRule, ValidationContext, validate_observations
from indicators.catalog import Catalog
from intake import FileRejected, ParsedUpload, read_upload
from warehouse import Warehouse


@dataclass(frozen=True)
class RowIssue:
    """A rejected (or warned) cell: where, what was sent, and why."""

    row: int | None
    column: str
    value: str
    rule: str
    reason: str
    reason_en: str


def validation_context(
    catalog: Catalog, warehouse: Warehouse, parsed: ParsedUpload, today: dt.date, jump_factor: float
) -> ValidationContext:
    """What the suite needs to judge these rows: the catalog's rules and the figures before."""
    rules = {
        ind.id: IndicatorRule(ind.frequency, ind.kind, ind.min_value, ind.max_value)
        for ind in catalog.indicators
    }
    return ValidationContext(
        indicators=rules,
        today=today,
        previous=warehouse.previous_figures(first_periods(parsed.frame)),
        jump_factor=jump_factor,
    )


def first_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Each (indicator_id, org_unit) of `frame` once with its earliest period: what
    Warehouse.previous_figures reads of the rows, a million rows shrunk to the distinct keys.
    The frame as it is when its periods cannot be ordered."""
    keys = frame[["indicator_id", "org_unit", "period"]]
    ids, id_names = pd.factorize(keys["indicator_id"], use_na_sentinel=True)
    orgs, org_names = pd.factorize(keys["org_unit"], use_na_sentinel=True)
    periods, period_values = pd.factorize(keys["period"], use_na_sentinel=True)
    try:
        ranked = sorted(period_values)
    except TypeError:
        return keys
    rank_of = {period: rank for rank, period in enumerate(ranked)}
    ranks = np.array([rank_of[p] for p in period_values] + [-1])[periods]
    # Rows missing any of the three are left out, as groupby and dropna leave them out.
    usable = (ids >= 0) & (orgs >= 0) & (ranks >= 0)
    width = max(len(org_names), 1)
    key = ids[usable].astype(np.int64) * width + orgs[usable]
    order = np.lexsort((ranks[usable], key))
    first = np.ones(len(order), dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    chosen = order[first]  # the earliest period of each key
    key, rank = key[chosen], ranks[usable][chosen]
    if all(type(p) is dt.date and 1700 < p.year < 2200 for p in ranked):
        # As datetime64 the warehouse's groupby takes the minimum in C, not key by key.
        starts = pd.Series(pd.DatetimeIndex(ranked, dtype="datetime64[ns]")[rank])
    else:
        table = np.empty(len(ranked), dtype=object)
        table[:] = ranked
        starts = pd.Series(table[rank], dtype=object)
    return pd.DataFrame(
        {
            "indicator_id": np.asarray(id_names, dtype=object)[key // width],
            "org_unit": np.asarray(org_names, dtype=object)[key % width],
            "period": starts,
        }
    )


def _issues_from_parse(parsed: ParsedUpload) -> list[RowIssue]:
    return [
        RowIssue(e.row, e.column, e.value, e.rule, e.reason_ja, e.reason_en) for e in parsed.errors
    ]


def _row_issues(parsed: ParsedUpload, outcome) -> list[RowIssue]:
    """Parse errors first; the suite's failures for cells that did parse."""
    issues = _issues_from_parse(parsed)
    unparsed = {(i.row, i.column) for i in issues}
    for failure in outcome.row_failures:
        if (failure.row, failure.column) in unparsed:
            continue  # already explained by the parser, in its words
        issues.append(
            RowIssue(
                failure.row,
                failure.column,
                failure.value,
                failure.rule,
                failure.reason_ja,
                failure.reason_en,
            )
        )
    return sorted(issues, key=lambda i: (i.row or 0, i.column))


def ownership_issues(
    frame: pd.DataFrame, catalog: Catalog, actor: Actor, already: set[int]
) -> list[RowIssue]:
    """Rows for indicators of a section the actor does not send figures for."""
    if frame.empty or actor.is_admin:
        return []
    owners = {ind.id: ind.owner for ind in catalog.indicators}
    names = {o.id: (o.name, o.name_en) for o in catalog.owners}
    issues = []
    for row, indicator_id in zip(frame["row_number"], frame["indicator_id"], strict=True):
        owner = owners.get(indicator_id)
        if owner is None or row in already or may_send_figures_for(actor, owner):
            continue  # unknown indicators are the suite's to explain
        name, name_en = names.get(owner, (owner, owner))
        issues.append(
            RowIssue(
                int(row),
                "indicator_id",
                str(indicator_id),
                "not_your_indicator",
                f"担当外の指標です（担当: {name}）",
                f"not your indicator (owned by {name_en})",
            )
        )
    return issues


@dataclass
class Checked:
    """An upload parsed and validated, nothing written: what the upload desk previews."""

    frame: pd.DataFrame
    errors: list[RowIssue]
    warnings: list[RowIssue]
    file_error: str | None = None
    summary: dict = field(default_factory=dict)  # the suite's results, kept with the load

    @property
    def rows_rejected(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def rows_accepted(self) -> int:
        return 0 if self.file_error else len(self.frame) - self.rows_rejected


def check_upload(
    data: bytes,
    file_name: str,
    warehouse: Warehouse,
    catalog: Catalog,
    *,
    actor: Actor = SYSTEM,
    period: str | None = None,
    today: dt.date,
    jump_factor: float = 10.0,
    stage: Callable[[str], None] = lambda _step: None,
) -> Checked:
    """Parse and validate an upload exactly as a load would, without writing anything;
    `stage` hears "parse" and "validate" as each begins (for a progress display)."""
    stage("parse")
    try:
        parsed = read_upload(data, file_name, period=period)
    except FileRejected as exc:
        issue = RowIssue(None, "", "", "file_readable", exc.message_ja, exc.message_en)
        return Checked(pd.DataFrame(), [issue], [], str(exc))
    stage("validate")
    context = validation_context(catalog, warehouse, parsed, today, jump_factor)
    outcome = validate_observations(parsed.frame, context)
    warnings = [
        RowIssue(w.row, w.column, w.value, w.rule, w.reason_ja, w.reason_en)
        for w in outcome.warnings
    ]
    summary = {
        **outcome.summary,
        "encoding": parsed.encoding,
        "source_kind": parsed.source_kind,
        "warnings": len(warnings),
    }
    if outcome.file_errors:
        issues = [RowIssue(None, "", "", "suite", msg, msg) for msg in outcome.file_errors]
        return Checked(parsed.frame, issues, warnings, "; ".join(outcome.file_errors), summary)
    issues = _row_issues(parsed, outcome)
    issues += ownership_issues(parsed.frame, catalog, actor, {i.row for i in issues})
    issues.sort(key=lambda i: (i.row or 0, i.column))
    return Checked(parsed.frame, issues, warnings, None, summary)
