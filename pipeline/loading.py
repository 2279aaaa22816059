"""Loading one file, step by step, as plain functions: open it (an inbox file without
following links), fingerprint, parse, validate, keep the raw bytes, write in one
transaction, then take the file out of the inbox. The ingest flow (flows/ingest.py) and the
service's direct path both run these."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from filelock import FileLock, Timeout

from access.roles import SYSTEM, Actor, PermissionDenied, inbox_actor, require_uploader
from expectations import warm_up
from indicators.catalog import Catalog
from kernel.clock import Clock
from kernel.settings import Settings
from pipeline.checking import (
    REVERTS_CORRECTION,
    Checked,
    RowIssue,
    check_upload,
    first_periods,
    validated_apart,
)
from pipeline.inbox import (
    InboxRefused,
    Origin,
    open_inbox_file,
    origin_of,
    remove_inbox_file,
)
from pipeline.limits import UploadTooLarge, check_size
from pipeline.storing import Kept, StorageUnwritable, keep
from warehouse import QUARANTINE_COLUMNS, FileRows, LoadRecord, Warehouse

Progress = Callable[[str, str], None]  # (file name, stage)
# Parsed in this process, a file this large takes long enough to read that importing Great
# Expectations beside it pays; a small one is read before the import has got far. (A file
# parsed by the parse server leaves this process waiting: the import always runs then.)
WARM_UP_BYTES = 1 << 20
LOCK_POLL = 0.01  # seconds between looks at a busy load lock
STRICT_MESSAGE = "--strict: 1行でも不備があればファイル全体を受け付けません"
DUPLICATE_MESSAGE = "同じファイルは読込済みです / already loaded"


@dataclass
class FileResult:
    """What happened to one file."""

    name: str
    sha256: str
    status: str  # loaded | partial | rejected | duplicate | held (left for the next run)
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_new: int = 0
    rows_revised: int = 0
    rows_unchanged: int = 0
    load_id: int | None = None
    message: str | None = None
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)

    def as_dict(self, errors: bool = True) -> dict:
        """The result as plain data; the rejected rows and warnings only when `errors`."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["errors"] = [e.as_dict() for e in self.errors] if errors else []
        data["warnings"] = [w.as_dict() for w in self.warnings] if errors else []
        data["errors_count"] = len(self.errors)
        data["warnings_count"] = len(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> FileResult:
        """The result from `as_dict`'s data."""
        fields = {k: v for k, v in data.items() if k not in ("errors_count", "warnings_count")}
        fields["errors"] = [RowIssue(**e) for e in data.get("errors", [])]
        fields["warnings"] = [RowIssue(**w) for w in data.get("warnings", [])]
        return cls(**fields)


@dataclass(frozen=True)
class IngestOptions:
    """How to load: strict rejects a whole file for one bad row; period feeds the
    open-data adapters; uploaded_by and section say who sent it."""

    strict: bool = False
    period: str | None = None
    uploaded_by: str | None = None
    section: str | None = None
    keep_source: bool = False  # files named on the command line stay where they are
    actor: Actor | None = None  # who acts; None: decided by where the file lies
    # Parsed in this process rather than a bounded child: only for files shihyo ships itself
    # (the sample figures); anything sent by people is untrusted.
    trusted: bool = False
    # A row that would put a figure back to the value of an earlier, since corrected
    # revision is refused (rule reverts_correction) unless the sender says so.
    allow_revert: bool = False
    # The file's name as the sender gave it, for the load record, when the file is kept
    # under another (the upload desk shortens a name too long for the file system).
    sent_name: str | None = None


class IngestBusy(RuntimeError):
    """Another load held the ingestion lock for longer than we were willing to wait."""


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest_lock(settings: Settings) -> FileLock:
    """The lock a load holds while it writes (across the processes of a host), and a backup
    or restore too."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path))


def _quarantine_frame(issues: list[RowIssue], frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rejected cells as the warehouse keeps them; with the parsed `frame`, each row's
    indicator and period where the row said them readably (so that a later clean file for
    the same figures can be seen to have put the rejection right)."""
    if not issues:
        return pd.DataFrame([], columns=QUARANTINE_COLUMNS)
    numbers = [i.row for i in issues]
    indicator_of: dict[int, object] = {}
    period_of: dict[int, object] = {}
    rejected = {n for n in numbers if n is not None}
    if (
        rejected
        and frame is not None
        and not frame.empty
        and {"row_number", "indicator_id", "period"} <= set(frame.columns)
    ):
        # Only the rejected rows are looked at (a clean million-row file has none to key),
        # column by column: tens of thousands of rejected rows are keyed in milliseconds.
        rows = frame.loc[frame["row_number"].isin(rejected), ["row_number", "indicator_id"]]
        periods = pd.to_datetime(frame.loc[rows.index, "period"], errors="coerce")
        ids = rows["indicator_id"].astype(object)
        known = ids.map(lambda i: isinstance(i, str) and i != "").astype(bool) & periods.notna()
        row_numbers = rows["row_number"].astype(int).tolist()
        indicator_of = dict(zip(row_numbers, ids.where(known, None).tolist(), strict=True))
        days = periods.dt.date.astype(object).where(known, None)
        period_of = dict(zip(row_numbers, days.tolist(), strict=True))
    return pd.DataFrame(
        {
            "row_number": numbers,
            "column_name": [i.column for i in issues],
            "value": [i.value for i in issues],
            "rule": [i.rule for i in issues],
            "reason": [i.reason for i in issues],
            "reason_en": [i.reason_en for i in issues],
            "indicator_id": [indicator_of.get(n) if n is not None else None for n in numbers],
            "period": [period_of.get(n) if n is not None else None for n in numbers],
        },
        columns=QUARANTINE_COLUMNS,
    )


class Loader:
    """Loads files into one warehouse against one catalog, taking each raw file out of the
    inbox when done; times come from `clock`."""

    def __init__(
        self,
        settings: Settings,
        warehouse: Warehouse,
        catalog: Catalog,
        clock: Clock,
        progress: Progress | None = None,
    ):
        self.settings = settings
        self.warehouse = warehouse
        self.catalog = catalog
        self.clock = clock
        self.progress = progress or (lambda _name, _stage: None)
        self._lock = ingest_lock(settings)

    def load(self, path: Path, options: IngestOptions) -> FileResult:
        """Load one file. It is read and judged in parallel with other loads; what it writes
        waits its turn, on a file lock (the processes of one host), then in the warehouse's
        writer slot (several hosts) — and is judged again there if a figure it was judged
        against changed meanwhile. ClaimLost when an inbox file claimed for this run is no
        longer there."""
        try:
            return self._load(path, options)
        except Timeout as exc:
            raise IngestBusy(
                f"another load kept the ingestion lock for {self.settings.lock_timeout:.0f} s; "
                f"{path.name} stays in the inbox for the next run"
            ) from exc

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """The writer's turn: the host's load lock, then the writer slot across hosts."""
        with (
            self._lock.acquire(timeout=self.settings.lock_timeout, poll_interval=LOCK_POLL),
            self.warehouse.writer(),
        ):
            yield

    def _load(self, path: Path, options: IngestOptions) -> FileResult:
        origin = origin_of(path, self.settings.inbox)
        name = options.sent_name or path.name
        try:
            handle = open_inbox_file(origin) if origin else path.open("rb")
        except InboxRefused as refused:
            return self._refuse_unread(name, origin, refused, options)
        try:
            with handle:
                return self._load_open(path, handle, origin, name, options)
        except StorageUnwritable as unwritable:  # nothing recorded: left for the next run
            return FileResult(name, unwritable.sha256, "held", message=str(unwritable))

    def _load_open(
        self,
        path: Path,
        handle: BinaryIO,
        origin: Origin | None,
        name: str,
        options: IngestOptions,
    ) -> FileResult:
        received = self.clock.now()
        try:
            check_size(self.settings, os.fstat(handle.fileno()).st_size)
            too_big = None
        except UploadTooLarge as refused:
            too_big = refused
        # A file over the cap is fingerprinted in chunks and never read whole.
        data = b"" if too_big else handle.read()
        sha = _fingerprint_handle(handle) if too_big else fingerprint(data)
        self.progress(name, "fingerprint")
        done = _Done(path, origin, options)
        try:
            actor = self._actor(origin, options)
        except PermissionDenied as exc:
            record = _record(name, sha, received, options, None, origin)
            issue = RowIssue(None, "", "", "permission", exc.message_ja, exc.message_en)
            whole = _Whole(handle, data, record, [issue], None, str(exc))
            with self._turn():
                return self._reject_whole(whole, done, options)
        record = _record(name, sha, received, options, actor, origin)
        if too_big:
            issue = RowIssue(None, "", "", "size", too_big.message_ja, too_big.message_en)
            whole = _Whole(handle, data, record, [issue], None, str(too_big))
            with self._turn():
                return self._reject_whole(whole, done, options, actor)
        if self.warehouse.loaded_sha(sha) is not None:
            self._archive(data, sha, name)
            done()
            return FileResult(name, sha, "duplicate", message=DUPLICATE_MESSAGE)
        if (not options.trusted or len(data) >= WARM_UP_BYTES) and not validated_apart(len(data)):
            # Great Expectations' import (a second or two) runs in a thread while this one
            # waits for the parse server, or, parsing here, while the file is long to read;
            # not at all when the parse server validates the file (checking.validate).
            warm_up()

        def judged() -> Checked:
            return check_upload(
                data,
                name,
                self.warehouse,
                self.catalog,
                self.settings,
                actor=actor,
                period=options.period,
                today=received.date(),
                isolated=not options.trusted,
                allow_revert=options.allow_revert,
                stage=lambda step: self.progress(name, step),
            )

        checked = judged()
        with self._turn():
            if self._figures_moved(checked, options):  # another load changed them meanwhile
                checked = judged()
            return self._commit(handle, data, record, checked, done, options, actor)

    def _figures_moved(self, checked: Checked, options: IngestOptions) -> bool:
        """Whether the figures the upload was judged against changed since: those before its
        rows (jumps, running totals), or which of its rows would undo a correction."""
        frame = checked.frame
        if frame.empty or "period" not in frame:
            return False
        if checked.figures_as_of == self.warehouse.figures_version():
            return False  # no load has written figures since they were read
        keys = checked.keys if checked.keys is not None else first_periods(frame)
        if self.warehouse.previous_figures(keys) != checked.previous:
            return True
        if options.allow_revert or checked.file_error:
            return False
        reverting = {i.row for i in checked.errors if i.rule == REVERTS_CORRECTION}
        rest = frame[~frame["row_number"].isin(checked.refused - reverting)]
        found = self.warehouse.reverting_figures(rest)
        return {int(row) for row in found["row_number"]} != reverting

    def _commit(
        self,
        handle: BinaryIO,
        data: bytes,
        record: LoadRecord,
        checked: Checked,
        done: _Done,
        options: IngestOptions,
        actor: Actor,
    ) -> FileResult:
        """Write the judged upload (or its rejection) and take the file out of the inbox:
        the writer's part of a load."""
        name, sha = record.file_name, record.sha256
        record = replace(record, validation={**checked.summary, **record.validation})
        if checked.file_error or (options.strict and checked.errors):
            message = checked.file_error or STRICT_MESSAGE
            whole = _Whole(handle, data, record, checked.errors, checked.rows_in_file, message)
            return self._reject_whole(whole, done, options, actor)
        frame = checked.frame
        refused = checked.refused
        accepted = frame[~frame["row_number"].isin(refused)] if refused else frame
        self.progress(name, "write")
        rows = FileRows(checked.rows_in_file, checked.rows_accepted, checked.rows_rejected)
        # The raw bytes and the errors file are kept while the rows are written, and the
        # record commits only once they are: a folder that cannot be written to costs no
        # record, and the file stays for the next run.
        with ThreadPoolExecutor(1, thread_name_prefix="keep") as keeper:
            keeping = keeper.submit(self._archive, data, sha, name, checked.errors)
            try:
                counts = self.warehouse.write_load(
                    record,
                    accepted,
                    _quarantine_frame(checked.errors, checked.frame),
                    rows,
                    actor=actor.name,
                    stated_by=_stated(options),
                    before_commit=keeping.result,
                )
                keeping.result()  # also when nothing was written (a duplicate meanwhile)
            except BaseException:
                if keeping.exception() is None:
                    keeping.result().undo()
                raise
        done()
        if counts is None:  # the same bytes were loaded by another process meanwhile
            return FileResult(name, sha, "duplicate", message=DUPLICATE_MESSAGE)
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
            errors=checked.errors,
            warnings=checked.warnings,
        )

    def _actor(self, origin: Origin | None, options: IngestOptions) -> Actor:
        """Who sends this file: the signed-in user, the section whose inbox folder it lay
        in, or — for a file named on the command line, at the inbox's top or in another
        inbox than the settings' — the system."""
        if options.actor is not None:
            require_uploader(options.actor)
            return options.actor
        if origin is None or not origin.folders or not _same(origin.root, self.settings.inbox):
            return SYSTEM
        section = origin.folders[0]
        if section not in {owner.id for owner in self.catalog.owners}:
            raise PermissionDenied(
                f"受信箱のフォルダ「{section}」はどの担当課にも対応していません",
                f"the inbox folder {section!r} is not a section",
            )
        return inbox_actor(section)

    def _refuse_unread(
        self, name: str, origin: Origin | None, refused: InboxRefused, options: IngestOptions
    ) -> FileResult:
        """Record an inbox entry refused without reading it (a link, a special file …): the
        reason, no bytes kept, no hash (nothing was read); then take the entry away."""
        try:
            actor = self._actor(origin, options)
        except PermissionDenied:
            actor = SYSTEM
        record = _record(name, "", self.clock.now(), options, actor, origin)
        record = replace(record, message=str(refused))
        issue = RowIssue(None, "", "", refused.rule, refused.message_ja, refused.message_en)
        with self._turn():
            counts = self.warehouse.write_load(
                record,
                _EMPTY_ROWS,
                _quarantine_frame([issue]),
                FileRows(0, 0, 0),
                actor=actor.name,
                stated_by=_stated(options),
            )
            if origin is not None and not options.keep_source:
                remove_inbox_file(origin)
        return FileResult(
            name,
            "",
            "rejected",
            load_id=counts.load_id if counts else None,
            message=str(refused),
            errors=[issue],
        )

    def _reject_whole(
        self, whole: _Whole, done: _Done, options: IngestOptions, actor: Actor = SYSTEM
    ) -> FileResult:
        """Keep the file in rejected/ with its errors beside it, then record the rejection
        (every data row of the file rejected, as far as they could be counted)."""
        rows_total = whole.rows_total or 0
        record = replace(whole.record, message=whole.message)
        quarantine = _quarantine_frame(whole.issues)
        if quarantine["row_number"].notna().all():
            # strict mode: every row of the file is refused, not only the bad ones
            strict = RowIssue(None, "", "", "strict", whole.message, whole.message)
            quarantine = pd.concat([quarantine, _quarantine_frame([strict])])
        if not whole.data:
            whole.handle.seek(0)  # too big to have been read: copied as it is
        kept = keep(
            self.settings.rejected,
            record.sha256 + _safe_suffix(record.file_name),
            whole.data or whole.handle,
            record.file_name,
            record.sha256,
            [i.as_dict() for i in whole.issues],
        )
        try:
            counts = self.warehouse.write_load(
                record,
                _EMPTY_ROWS,
                quarantine,
                FileRows(rows_total, 0, rows_total),
                actor=actor.name,
                stated_by=_stated(options),
            )
        except BaseException:
            kept.undo()
            raise
        done()
        return FileResult(
            record.file_name,
            record.sha256,
            "rejected",
            0,
            counts.rows_rejected if counts else rows_total,
            load_id=counts.load_id if counts else None,
            message=whole.message,
            errors=whole.issues,
        )

    def _archive(
        self, data: bytes, sha: str, name: str, issues: list[RowIssue] | None = None
    ) -> Kept:
        """Keep the raw bytes under archive/<sha256> (and the rejected rows beside them)."""
        errors = [i.as_dict() for i in issues] if issues else None
        return keep(self.settings.archive, sha, data, name, sha, errors)


_EMPTY_ROWS = pd.DataFrame(
    columns=["row_number", "indicator_id", "period", "org_unit", "value", "note"]
)


@dataclass(frozen=True)
class _Whole:
    """A file refused whole: its bytes (or its open handle, when too big to read), the
    record, the reasons, the rows it had and the message."""

    handle: BinaryIO
    data: bytes
    record: LoadRecord
    issues: list[RowIssue]
    rows_total: int | None
    message: str


class _Done:
    """Takes a file out of the inbox once its load is recorded; leaves a file named by the
    user where it is."""

    def __init__(self, path: Path, origin: Origin | None, options: IngestOptions) -> None:
        self.path, self.origin, self.keep = path, origin, options.keep_source

    def __call__(self) -> None:
        if self.keep:
            return
        if self.origin is not None:
            remove_inbox_file(self.origin)
        else:
            self.path.unlink(missing_ok=True)


def _record(
    name: str,
    sha: str,
    received: dt.datetime,
    options: IngestOptions,
    actor: Actor | None,
    origin: Origin | None,
) -> LoadRecord:
    """The load record as known before parsing; a claimed inbox file's claim goes into its
    validation summary (`inbox_claim`), so that a run that died after writing the record
    is known to have dealt with the file."""
    validation = {"inbox_claim": origin.claim} if origin and origin.claim else {}
    return LoadRecord(
        name,
        sha,
        received,
        options.uploaded_by or (actor.name if actor else None),
        options.section or (_only_section(actor) if actor else None),
        validation=validation,
    )


def _same(a: Path, b: Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def lock_path(settings: Settings) -> Path:
    """The load lock: one for the home on one host; one per host when the home is shared by
    several (SHIHYO_WRITER_LIMIT set: the writer slot orders the hosts, the lock only the
    processes of this one)."""
    if settings.writer_limit:
        return settings.home / "locks" / f"ingest-{socket.gethostname()}.lock"
    return settings.home / "ingest.lock"


def _fingerprint_handle(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _stated(options: IngestOptions) -> str | None:
    """Whom the sender says the file comes from (`shihyo ingest --as`), when that is only
    said: a signed-in actor is known, and uploaded_by then names them."""
    return options.uploaded_by if options.actor is None else None


def _only_section(actor: Actor) -> str | None:
    return actor.sections[0] if len(actor.sections) == 1 else None


def _safe_suffix(name: str) -> str:
    """The file's extension if it is a plain one; names of stored files are ours."""
    suffix = Path(name).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""
