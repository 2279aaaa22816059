"""Judging an upload before anything is written: parse, validate with the suite, and
refuse the rows of indicators the acting user does not own. The upload desk previews
with this; a load writes what it accepts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from access.roles import SYSTEM, Actor, may_send_figures_for
from expectations import (
    IndicatorRule,
    ValidationContext,
    ValidationOutcome,
    engine_built,
    shared_engine,
    validate_observations,
)
from indicators.catalog import Catalog
from intake import (
    DEFAULT_LIST_RULES,
    FileRejected,
    IsolatedRunFailed,
    ListRule,
    ParsedUpload,
    ReadLimits,
    RowCondition,
    RowCounts,
    parse_isolated,
    prepare,
    prepared,
    read_upload,
    run_isolated,
)
from kernel.settings import Settings
from warehouse import Warehouse

# Files up to this size may be validated in a child of the parse server (below); a larger
# one is validated in this process, so that its frame does not cross to another twice.
APART_BYTES = 8 << 20


def prepare_validation(paths: Iterable[str | Path]) -> None:
    """Have the parse server import Great Expectations and build its engine now, on its own
    core, when every file to come is small enough to be validated there. For a command on
    the flow path: its process imports Prefect and starts the flow run meanwhile, and never
    imports Great Expectations itself (each holds the interpreter's lock while imported, so
    in one process the two imports only take turns). A process that has built the engine
    (the dashboard's, after its first preview) validates here: it has nothing left to
    import, and its validations then wait for no parse."""
    if engine_built():
        return
    sizes = []
    for path in paths:
        try:
            sizes.append(Path(path).stat().st_size)
        except OSError:
            continue  # the load says what is wrong with it
    if sizes and all(size <= APART_BYTES for size in sizes):
        prepare(shared_engine)


def validated_apart(size: int) -> bool:
    """Whether a file of `size` bytes is validated in a child of the parse server, which
    holds Great Expectations prepared (prepare_validation), rather than here: not once this
    process has built the engine itself."""
    return size <= APART_BYTES and not engine_built() and prepared(shared_engine)


def validate(frame: pd.DataFrame, context: ValidationContext, size: int) -> ValidationOutcome:
    """The suite's outcome for one file's rows: in a child of the parse server when it holds
    Great Expectations prepared, else here. The same function judges either way; if the
    child fails, the rows are validated here, where an error shows as itself."""
    if validated_apart(size):
        try:
            return run_isolated(validate_observations, frame, context)
        except IsolatedRunFailed:
            pass
    return validate_observations(frame, context)


@dataclass(frozen=True)
class RowIssue:
    """A rejected (or warned) cell: where, what was sent, and why."""

    row: int | None
    column: str
    value: str
    rule: str
    reason: str
    reason_en: str

    def as_dict(self) -> dict:
        """The issue as plain data (what dataclasses.asdict gives, without its deep copy:
        tens of thousands of rejected rows are turned into dicts for a report)."""
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "reason": self.reason,
            "reason_en": self.reason_en,
        }


def validation_context(
    catalog: Catalog,
    warehouse: Warehouse,
    today: dt.date,
    jump_factor: float,
    keys: pd.DataFrame,
) -> ValidationContext:
    """What the suite needs to judge these rows: the catalog's rules and the figures before
    (asked for `keys`, the frame's first_periods)."""
    rules = {
        ind.id: IndicatorRule(ind.frequency, ind.kind, ind.min_value, ind.max_value)
        for ind in catalog.indicators
    }
    return ValidationContext(
        indicators=rules,
        today=today,
        previous=warehouse.previous_figures(keys),
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
    space = max(len(id_names), 1) * width
    if space <= max(4 * len(key), 1 << 16):
        # Few keys (a file's indicators × org units): the earliest period of each in one
        # pass over the rows, keys ascending, without sorting a million rows.
        earliest = np.full(space, len(ranked), dtype=np.int64)
        np.minimum.at(earliest, key, ranks[usable])
        key = np.flatnonzero(earliest < len(ranked))
        rank = earliest[key]
    else:
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


REVERTS_CORRECTION = "reverts_correction"


def revert_issues(frame: pd.DataFrame, warehouse: Warehouse) -> list[RowIssue]:
    """Rows that would put a figure back to the value it had before a correction (610 after
    a correction 610 → 650): an old file sent again, most often. Each is held back with the
    correction it would undo and how to send it anyway."""
    if frame.empty:
        return []
    found = warehouse.reverting_figures(frame)
    issues = []
    for row in found.itertuples():
        when = pd.Timestamp(row.corrected_at).strftime("%Y-%m-%d")
        source = row.corrected_by_file or "?"
        value, current = _figure(row.value), _figure(row.current_value)
        issues.append(
            RowIssue(
                int(row.row_number),
                "value",
                value,
                REVERTS_CORRECTION,
                f"{value} は訂正前の値です：この値（第{row.earlier_revision}版）は {when} に"
                f"「{source}」で {current}（第{row.current_revision}版）に訂正されています。"
                "古いファイルの再送なら送る必要はありません。訂正を取り消して戻すときは "
                "`shihyo ingest --allow-revert` で送り直してください",
                f"{value} is the value before a correction: revision {row.earlier_revision} "
                f"was corrected to {current} (revision {row.current_revision}) on {when} by "
                f"{source!r}. If this is an old file sent again, nothing needs doing; to undo "
                "the correction, send it again with `shihyo ingest --allow-revert`",
            )
        )
    return issues


def _figure(value: float) -> str:
    """A figure exactly as stored (610, 1,234.5), for a message about that very figure."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@dataclass
class Checked:
    """An upload parsed and validated, nothing written: what the upload desk previews.
    `refused` are the frame rows not to load; `counts` say what became of every data row of
    the file (accepted + rejected + set aside = the file's rows, always)."""

    frame: pd.DataFrame
    errors: list[RowIssue]
    warnings: list[RowIssue]
    file_error: str | None = None
    summary: dict = field(default_factory=dict)  # the suite's results, kept with the load
    counts: RowCounts = field(default_factory=lambda: RowCounts(0, 0, 0, 0))
    refused: frozenset[int] = frozenset()
    notices: list[RowIssue] = field(default_factory=list)  # rows set aside, sheets read …
    # The figures before that the suite judged these rows against (jumps, running totals):
    # a load that validated outside the writer's turn checks them again inside it.
    previous: dict = field(default_factory=dict)
    # What they were asked for: first_periods(frame), kept so that the check inside the
    # turn asks again without deriving it from the rows again (a fifth of a second a
    # million rows, spent while other loads wait for the turn).
    keys: pd.DataFrame | None = None
    # What the figures were as of when read for the judging (Warehouse.figures_version):
    # while it is the same inside the turn, nothing needs asking again.
    figures_as_of: tuple[int, int, int] | None = None

    @property
    def rows_in_file(self) -> int:
        return self.counts.rows

    @property
    def rows_rejected(self) -> int:
        return self.counts.rejected

    @property
    def rows_accepted(self) -> int:
        return self.counts.accepted


def list_rules(catalog: Catalog) -> tuple[ListRule, ...]:
    """Which standard open-data list may feed which indicator, as the catalog says."""
    return tuple(
        ListRule(
            ind.id,
            ind.open_data.list_kind,
            frozenset(ind.open_data.publishers),
            tuple(RowCondition(w.column, frozenset(w.values)) for w in ind.open_data.where),
        )
        for ind in catalog.indicators
        if ind.open_data is not None
    )


def read_limits(settings: Settings) -> ReadLimits:
    """The caps on reading one upload, from the settings."""
    return ReadLimits(max_rows=settings.max_rows, max_cell_chars=settings.max_cell_chars)


def check_upload(
    data: bytes,
    file_name: str,
    warehouse: Warehouse,
    catalog: Catalog,
    settings: Settings,
    *,
    actor: Actor = SYSTEM,
    period: str | None = None,
    today: dt.date,
    isolated: bool = True,
    allow_revert: bool = False,
    stage: Callable[[str], None] = lambda _step: None,
) -> Checked:
    """Parse and validate an upload exactly as a load would, without writing anything;
    `stage` hears "parse" and "validate" as each begins (for a progress display). An
    untrusted file is parsed in a child process bounded in memory and time (`isolated`).
    A row that would undo a correction is refused unless `allow_revert`."""
    stage("parse")
    read = parse_isolated if isolated else read_upload
    try:
        parsed = read(
            data,
            file_name,
            period=period,
            rules=list_rules(catalog) or DEFAULT_LIST_RULES,
            limits=read_limits(settings),
        )
    except FileRejected as exc:
        issue = RowIssue(None, "", "", "file_readable", exc.message_ja, exc.message_en)
        rows = exc.rows_in_file or 0
        counts = RowCounts(rows, 0, rows, 0)
        return Checked(pd.DataFrame(), [issue], [], str(exc), counts=counts)
    stage("validate")
    keys = first_periods(parsed.frame)
    as_of = warehouse.figures_version()  # before the figures are read: a load between moves it
    context = validation_context(catalog, warehouse, today, settings.jump_factor, keys)
    outcome = validate(parsed.frame, context, len(data))
    warnings = [
        RowIssue(w.row, w.column, w.value, w.rule, w.reason_ja, w.reason_en)
        for w in outcome.warnings
    ]
    notices = [
        RowIssue(n.row, n.column, n.value, n.rule, n.reason_ja, n.reason_en)
        for n in (*parsed.set_aside, *parsed.notices)
    ]
    summary = {
        **outcome.summary,
        "encoding": parsed.encoding,
        "source_kind": parsed.source_kind,
        "list_kind": parsed.list_kind,
        "layout": parsed.layout,
        "sheet": parsed.sheet,
        "warnings": len(warnings),
    }
    if outcome.file_errors:
        issues = [RowIssue(None, "", "", "suite", msg, msg) for msg in outcome.file_errors]
        rows = parsed.rows_in_file or 0
        counts = RowCounts(rows, 0, rows, 0)
        return Checked(
            parsed.frame,
            issues,
            warnings,
            "; ".join(outcome.file_errors),
            summary,
            counts,
            previous=context.previous,
            keys=keys,
            figures_as_of=as_of,
        )
    issues = _row_issues(parsed, outcome)
    issues += ownership_issues(parsed.frame, catalog, actor, {i.row for i in issues})
    parse_rows = {e.row for e in parsed.errors} if not parsed.sources else set()
    if not allow_revert and not parsed.frame.empty:
        judged = {f.row for f in outcome.row_failures} | {i.row for i in issues} | parse_rows
        rest = parsed.frame[~parsed.frame["row_number"].isin(judged)]
        issues += revert_issues(rest, warehouse)
    issues.sort(key=lambda i: (i.row or 0, i.column))
    # The frame rows refused after parsing (the suite, ownership, reverts). From the
    # template, a row the parser refused is a frame row too; from a list, parse errors name
    # list rows.
    after_parse = {f.row for f in outcome.row_failures} | {
        i.row for i in issues if i.rule in ("not_your_indicator", REVERTS_CORRECTION)
    }
    refused = frozenset(r for r in after_parse | parse_rows if r is not None)
    counts = parsed.file_row_counts(after_parse - {None})
    return Checked(
        parsed.frame,
        issues,
        warnings,
        None,
        summary,
        counts,
        refused,
        notices,
        context.previous,
        keys,
        as_of,
    )
