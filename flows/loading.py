"""Loading one file, step by step, as plain functions: fingerprint, parse, validate,
write in one transaction, then move the raw file. Prefect's flow (flows/ingest.py)
orchestrates these; tests call them directly."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
from filelock import FileLock, Timeout

from expectations import IndicatorRule, ValidationContext, validate_observations
from expectations.validate import warm_up
from indicators.catalog import Catalog
from intake import FileRejected, ParsedUpload, read_upload
from shihyo.exports import write_errors_csv
from shihyo.settings import Settings
from warehouse import Warehouse, WarehouseBusy
from warehouse.loads import LoadRecord

Progress = Callable[[str, str], None]  # (file name, stage)
# A file this large takes long enough to read that importing Great Expectations beside it
# pays; a small one is read before the import has got far.
WARM_UP_BYTES = 1 << 20


@dataclass(frozen=True)
class RowIssue:
    """A rejected (or warned) cell: where, what was sent, and why."""

    row: int | None
    column: str
    value: str
    rule: str
    reason: str
    reason_en: str


@dataclass
class FileResult:
    """What happened to one file."""

    name: str
    sha256: str
    status: str  # loaded | partial | rejected | duplicate
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    load_id: int | None = None
    message: str | None = None
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["errors"] = [
            {
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "reason": e.reason,
                "reason_en": e.reason_en,
                "rule": e.rule,
            }
            for e in self.errors
        ]
        data["warnings"] = [
            {
                "row": w.row,
                "column": w.column,
                "value": w.value,
                "reason": w.reason,
                "reason_en": w.reason_en,
                "rule": w.rule,
            }
            for w in self.warnings
        ]
        return data


@dataclass(frozen=True)
class IngestOptions:
    """How to load: strict rejects a whole file for one bad row; period feeds the
    open-data adapters; uploaded_by and section say who sent it."""

    strict: bool = False
    period: str | None = None
    uploaded_by: str | None = None
    section: str | None = None
    today: dt.date | None = None
    keep_source: bool = False  # files named on the command line stay where they are


class IngestBusy(RuntimeError):
    """Another load held the ingestion lock for longer than we were willing to wait."""


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inbox_files(inbox: Path, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Files waiting in the inbox (sub-folders included), oldest first; hidden, partial
    and still-changing files are left for the next run."""
    if not inbox.is_dir():
        return []
    cutoff = (now if now is not None else dt.datetime.now().timestamp()) - settle_seconds
    found = [
        path
        for path in inbox.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
        and path.suffix.lower() not in (".part", ".tmp", ".crdownload")
        and path.stat().st_mtime <= cutoff
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


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
        previous=warehouse.previous_figures(_first_periods(parsed.frame)),
        jump_factor=jump_factor,
    )


def _first_periods(frame: pd.DataFrame) -> pd.DataFrame:
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


def _quarantine_frame(issues: list[RowIssue]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "row_number": i.row,
                "column_name": i.column,
                "value": i.value,
                "rule": i.rule,
                "reason": i.reason,
                "reason_en": i.reason_en,
            }
            for i in issues
        ],
        columns=["row_number", "column_name", "value", "rule", "reason", "reason_en"],
    )


class Loader:
    """Loads files into one warehouse, moving each raw file out of the inbox when done."""

    def __init__(self, settings: Settings, warehouse: Warehouse, progress: Progress | None = None):
        self.settings = settings
        self.warehouse = warehouse
        self.progress = progress or (lambda _name, _stage: None)
        self._lock = FileLock(str(settings.home / "ingest.lock"))

    def load(self, path: Path, options: IngestOptions) -> FileResult:
        """Load one file; loads from several processes wait their turn on a file lock."""
        self.settings.home.mkdir(parents=True, exist_ok=True)
        try:
            with self._lock.acquire(timeout=self.settings.lock_timeout):
                return self._load(path, options)
        except Timeout as exc:
            raise IngestBusy(
                f"another load kept the ingestion lock for {self.settings.lock_timeout:.0f} s; "
                f"{path.name} stays in the inbox for the next run"
            ) from exc

    def _load(self, path: Path, options: IngestOptions) -> FileResult:
        name = path.name
        data = path.read_bytes()
        if len(data) >= WARM_UP_BYTES:
            warm_up()  # Great Expectations' import (seconds) overlaps with parsing
        sha = fingerprint(data)
        self.progress(name, "fingerprint")
        if self.warehouse.loaded_sha(sha) is not None:
            self._archive(path, data, sha, options)
            return FileResult(
                name, sha, "duplicate", message="同じファイルは読込済みです / already loaded"
            )
        received = dt.datetime.now()
        record = LoadRecord(name, sha, received, options.uploaded_by, options.section)

        self.progress(name, "parse")
        try:
            parsed = read_upload(data, name, period=options.period)
        except FileRejected as exc:
            issue = RowIssue(None, "", "", "file_readable", exc.message_ja, exc.message_en)
            return self._reject_whole(path, data, record, [issue], 0, str(exc), options)

        self.progress(name, "validate")
        catalog = self.warehouse.catalog()
        today = options.today or dt.date.today()
        context = validation_context(
            catalog, self.warehouse, parsed, today, self.settings.jump_factor
        )
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
        record = LoadRecord(name, sha, received, options.uploaded_by, options.section, summary)
        rows_total = len(parsed.frame)

        if outcome.file_errors:
            issues = [RowIssue(None, "", "", "suite", msg, msg) for msg in outcome.file_errors]
            return self._reject_whole(
                path, data, record, issues, rows_total, "; ".join(outcome.file_errors), options
            )
        issues = _row_issues(parsed, outcome)
        bad_rows = {i.row for i in issues}
        if options.strict and issues:
            return self._reject_whole(
                path,
                data,
                record,
                issues,
                rows_total,
                "--strict: 1行でも不備があればファイル全体を受け付けません",
                options,
            )

        accepted = (
            parsed.frame[~parsed.frame["row_number"].isin(bad_rows)] if bad_rows else parsed.frame
        )
        self.progress(name, "write")
        counts = self.warehouse.write_load(record, accepted, _quarantine_frame(issues), rows_total)
        if counts is None:  # the same bytes were loaded by another process meanwhile
            self._archive(path, data, sha, options)
            return FileResult(
                name, sha, "duplicate", message="同じファイルは読込済みです / already loaded"
            )
        self._archive(path, data, sha, options, issues)
        return FileResult(
            name,
            sha,
            counts.status,
            counts.rows_accepted,
            counts.rows_rejected,
            counts.rows_new,
            counts.rows_revised,
            counts.rows_unchanged,
            counts.load_id,
            errors=issues,
            warnings=warnings,
        )

    def _reject_whole(
        self,
        path: Path,
        data: bytes,
        record: LoadRecord,
        issues: list[RowIssue],
        rows_total: int,
        message: str,
        options: IngestOptions,
    ) -> FileResult:
        """Record the rejection, and move the file to rejected/ with its errors beside it."""
        record = replace(record, message=message)
        empty = pd.DataFrame(
            columns=["row_number", "indicator_id", "period", "org_unit", "value", "note"]
        )
        quarantine = _quarantine_frame(issues)
        if quarantine["row_number"].notna().all():
            # strict mode: every row of the file is refused, not only the bad ones
            quarantine = pd.concat(
                [
                    quarantine,
                    _quarantine_frame([RowIssue(None, "", "", "strict", message, message)]),
                ]
            )
        counts = self.warehouse.write_load(record, empty, quarantine, rows_total)
        folder = self.settings.rejected
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / (record.sha256 + path.suffix.lower())
        stored.write_bytes(data)
        write_errors_csv(
            folder / f"{record.sha256}.errors.csv", record.file_name, [asdict(i) for i in issues]
        )
        _done_with(path, options)
        rows_rejected = counts.rows_rejected if counts else rows_total
        return FileResult(
            record.file_name,
            record.sha256,
            "rejected",
            0,
            rows_rejected,
            load_id=counts.load_id if counts else None,
            message=message,
            errors=issues,
        )

    def _archive(
        self,
        path: Path,
        data: bytes,
        sha: str,
        options: IngestOptions,
        issues: list[RowIssue] | None = None,
    ) -> None:
        """Keep the raw bytes under archive/<sha256>, then take the file out of the inbox."""
        folder = self.settings.archive
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / sha
        if not target.exists():
            partial = folder / f".{sha}.part"
            partial.write_bytes(data)
            partial.replace(target)
        if issues:
            write_errors_csv(folder / f"{sha}.errors.csv", path.name, [asdict(i) for i in issues])
        _done_with(path, options)


def _done_with(path: Path, options: IngestOptions) -> None:
    """Take an inbox file out of the inbox; leave a file named by the user where it is."""
    if not options.keep_source:
        path.unlink(missing_ok=True)


__all__ = [
    "FileResult",
    "IngestBusy",
    "IngestOptions",
    "Loader",
    "WarehouseBusy",
    "fingerprint",
    "inbox_files",
]


@dataclass
class Checked:
    """An upload parsed and validated, nothing written: what the upload desk previews."""

    frame: pd.DataFrame
    errors: list[RowIssue]
    warnings: list[RowIssue]
    file_error: str | None = None

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
    *,
    period: str | None = None,
    today: dt.date | None = None,
    jump_factor: float = 10.0,
) -> Checked:
    """Parse and validate an upload exactly as a load would, without writing anything."""
    try:
        parsed = read_upload(data, file_name, period=period)
    except FileRejected as exc:
        issue = RowIssue(None, "", "", "file_readable", exc.message_ja, exc.message_en)
        return Checked(pd.DataFrame(), [issue], [], str(exc))
    catalog = warehouse.catalog()
    context = validation_context(catalog, warehouse, parsed, today or dt.date.today(), jump_factor)
    outcome = validate_observations(parsed.frame, context)
    warnings = [
        RowIssue(w.row, w.column, w.value, w.rule, w.reason_ja, w.reason_en)
        for w in outcome.warnings
    ]
    if outcome.file_errors:
        issues = [RowIssue(None, "", "", "suite", msg, msg) for msg in outcome.file_errors]
        return Checked(parsed.frame, issues, warnings, "; ".join(outcome.file_errors))
    return Checked(parsed.frame, _row_issues(parsed, outcome), warnings)
