"""Loading one file, step by step, as plain functions: fingerprint, parse, validate,
write in one transaction, then move the raw file. The ingest flow (flows/ingest.py) and
the service's direct path both run these."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd
from filelock import FileLock, Timeout

from access.roles import SYSTEM, Actor, PermissionDenied, inbox_actor, require_uploader
from expectations import warm_up
from indicators.catalog import Catalog
from kernel.clock import Clock
from kernel.exports import write_errors_csv
from kernel.settings import Settings
from pipeline.checking import Checked, RowIssue, check_upload, first_periods
from pipeline.limits import UploadTooLarge, check_size
from warehouse import FileRows, LoadRecord, Warehouse

Progress = Callable[[str, str], None]  # (file name, stage)
# A file this large takes long enough to read that importing Great Expectations beside it
# pays; a small one is read before the import has got far.
WARM_UP_BYTES = 1 << 20


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

    def as_dict(self, errors: bool = True) -> dict:
        """The result as plain data; the rejected rows and warnings only when `errors`."""
        data = asdict(self)
        data["errors"] = [asdict(e) for e in self.errors] if errors else []
        data["warnings"] = [asdict(w) for w in self.warnings] if errors else []
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


class IngestBusy(RuntimeError):
    """Another load held the ingestion lock for longer than we were willing to wait."""


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inbox_files(inbox: Path, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Files waiting in the inbox (sub-folders included), oldest first; hidden, partial
    and still-changing files are left for the next run. `now` is the file system's time;
    by default it is read from the inbox itself."""
    if not inbox.is_dir():
        return []
    cutoff = (now if now is not None else filesystem_now(inbox)) - settle_seconds
    found = [
        path
        for path in inbox.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(inbox).parts)
        and path.suffix.lower() not in (".part", ".tmp", ".crdownload")
        and path.stat().st_mtime <= cutoff
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def filesystem_now(folder: Path) -> float:
    """The time by the clock that stamps files in `folder`: the modification time of a probe
    written there. File ages are measured against it, not against this process's clock,
    which may differ (a shared folder's server, a clock shifted for a test)."""
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".clock-probe-") as probe:
        return os.fstat(probe.fileno()).st_mtime


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
    """Loads files into one warehouse against one catalog, moving each raw file out of the
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
        self._lock = FileLock(str(lock_path(settings)))

    def load(
        self,
        path: Path,
        options: IngestOptions,
        origin: Path | None = None,
        recovered: bool = False,
    ) -> FileResult:
        """Load one file. It is read and judged in parallel with other loads; what it writes
        waits its turn, on a file lock (the processes of one host), then in the warehouse's
        writer slot (several hosts) — and is judged again there if a figure it was judged
        against changed meanwhile. `origin`: where a file claimed from the inbox lay there
        (it acts for that section folder); `recovered`: the file was taken over from a run
        that died, which may have committed it already."""
        self._lock_folder().mkdir(parents=True, exist_ok=True)
        try:
            return self._load(path, options, origin or path, recovered)
        except Timeout as exc:
            raise IngestBusy(
                f"another load kept the ingestion lock for {self.settings.lock_timeout:.0f} s; "
                f"{path.name} stays in the inbox for the next run"
            ) from exc

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """The writer's turn: the host's file lock, then the writer slot across hosts."""
        with self._lock.acquire(timeout=self.settings.lock_timeout), self.warehouse.writer():
            yield

    def _lock_folder(self) -> Path:
        return Path(self._lock.lock_file).parent

    def _load(
        self, path: Path, options: IngestOptions, origin: Path, recovered: bool
    ) -> FileResult:
        name = path.name
        received = self.clock.now()
        try:
            check_size(self.settings, path.stat().st_size)
            too_big = None
        except UploadTooLarge as refused:
            too_big = refused
        # A file over the cap is fingerprinted in chunks and never read whole.
        data = b"" if too_big else path.read_bytes()
        sha = _fingerprint_file(path) if too_big else fingerprint(data)
        self.progress(name, "fingerprint")
        if recovered and (done := self._done_before(path, data, sha, options)):
            return done
        try:
            actor = self._actor(origin, options)
        except PermissionDenied as exc:
            record = LoadRecord(name, sha, received, options.uploaded_by, options.section)
            issue = RowIssue(None, "", "", "permission", exc.message_ja, exc.message_en)
            with self._turn():
                return self._reject_whole(path, data, record, [issue], None, str(exc), options)
        record = LoadRecord(
            name,
            sha,
            received,
            options.uploaded_by or actor.name,
            options.section or _only_section(actor),
        )
        if too_big:
            issue = RowIssue(None, "", "", "size", too_big.message_ja, too_big.message_en)
            with self._turn():
                return self._reject_whole(
                    path, data, record, [issue], None, str(too_big), options, actor
                )
        if len(data) >= WARM_UP_BYTES:
            warm_up()  # Great Expectations' import (seconds) overlaps with parsing
        if self.warehouse.loaded_sha(sha) is not None:
            self._archive(path, data, sha, options)
            return FileResult(
                name, sha, "duplicate", message="同じファイルは読込済みです / already loaded"
            )

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
                stage=lambda step: self.progress(name, step),
            )

        checked = judged()
        with self._turn():
            if self._figures_moved(checked):  # another load changed what it was judged on
                checked = judged()
            return self._commit(path, data, record, checked, options, actor)

    def _figures_moved(self, checked: Checked) -> bool:
        """Whether the figures before the upload's rows changed since it was judged."""
        if checked.frame.empty or "period" not in checked.frame:
            return False
        return self.warehouse.previous_figures(first_periods(checked.frame)) != checked.previous

    def _commit(
        self,
        path: Path,
        data: bytes,
        record: LoadRecord,
        checked: Checked,
        options: IngestOptions,
        actor: Actor,
    ) -> FileResult:
        """Write the judged upload (or its rejection) and put the file away: the writer's
        part of a load."""
        name, sha = record.file_name, record.sha256
        record = replace(record, validation=checked.summary)
        if checked.file_error:
            return self._reject_whole(
                path,
                data,
                record,
                checked.errors,
                checked.rows_in_file,
                checked.file_error,
                options,
                actor,
            )
        if options.strict and checked.errors:
            return self._reject_whole(
                path,
                data,
                record,
                checked.errors,
                checked.rows_in_file,
                "--strict: 1行でも不備があればファイル全体を受け付けません",
                options,
                actor,
            )
        frame = checked.frame
        refused = checked.refused
        accepted = frame[~frame["row_number"].isin(refused)] if refused else frame
        self.progress(name, "write")
        rows = FileRows(checked.rows_in_file, checked.rows_accepted, checked.rows_rejected)
        counts = self.warehouse.write_load(
            record,
            accepted,
            _quarantine_frame(checked.errors),
            rows,
            actor=actor.name,
            stated_by=_stated(options),
        )
        if counts is None:  # the same bytes were loaded by another process meanwhile
            self._archive(path, data, sha, options)
            return FileResult(
                name, sha, "duplicate", message="同じファイルは読込済みです / already loaded"
            )
        self._archive(path, data, sha, options, checked.errors)
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

    def _done_before(
        self, path: Path, data: bytes, sha: str, options: IngestOptions
    ) -> FileResult | None:
        """For a file taken over from a run that died: if that run committed its load, keep
        the bytes where the load put them and take the file away (nothing doubled); None if
        it did not (the file is then loaded as any other, nothing lost)."""
        before = self.warehouse.load_of(sha)
        if before is None:
            return None
        load_id, status = before
        if status == "rejected":
            folder = self.settings.rejected
            folder.mkdir(parents=True, exist_ok=True)
            stored = folder / (sha + _safe_suffix(path))
            if not stored.exists():
                if data:
                    stored.write_bytes(data)
                else:
                    shutil.copyfile(path, stored)
            _done_with(path, options)
        else:
            self._archive(path, data, sha, options)
        return FileResult(
            path.name,
            sha,
            "duplicate",
            load_id=load_id,
            message="停止した取込が読込済みでした / already loaded by a run that stopped",
        )

    def _actor(self, path: Path, options: IngestOptions) -> Actor:
        """Who sends this file: the signed-in user, the section whose inbox folder it lies
        in, or — for a file named on the command line or at the inbox's top — the system."""
        if options.actor is not None:
            require_uploader(options.actor)
            return options.actor
        try:
            folder = path.resolve().relative_to(self.settings.inbox.resolve()).parts[:-1]
        except ValueError:
            return SYSTEM
        if not folder:
            return SYSTEM
        sections = {owner.id for owner in self.catalog.owners}
        if folder[0] not in sections:
            raise PermissionDenied(
                f"受信箱のフォルダ「{folder[0]}」はどの担当課にも対応していません",
                f"the inbox folder {folder[0]!r} is not a section",
            )
        return inbox_actor(folder[0])

    def _reject_whole(
        self,
        path: Path,
        data: bytes,
        record: LoadRecord,
        issues: list[RowIssue],
        rows_total: int | None,
        message: str,
        options: IngestOptions,
        actor: Actor = SYSTEM,
    ) -> FileResult:
        """Record the rejection (every data row of the file rejected, as far as they could be
        counted), and move the file to rejected/ with its errors beside it."""
        rows_total = rows_total or 0
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
        counts = self.warehouse.write_load(
            record,
            empty,
            quarantine,
            FileRows(rows_total, 0, rows_total),
            actor=actor.name,
            stated_by=_stated(options),
        )
        folder = self.settings.rejected
        folder.mkdir(parents=True, exist_ok=True)
        stored = folder / (record.sha256 + _safe_suffix(path))
        if data:
            stored.write_bytes(data)
        elif path.exists():  # too big to have been read: moved (or copied) as it is
            shutil.copyfile(path, stored)
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


def lock_path(settings: Settings) -> Path:
    """The ingestion lock: one for the home on one host; per host when the home is shared by
    several (SHIHYO_WRITER_LIMIT set: the writer slot orders the hosts, the lock only the
    processes of this one)."""
    if settings.writer_limit:
        return settings.home / "locks" / f"ingest-{socket.gethostname()}.lock"
    return settings.home / "ingest.lock"


def _fingerprint_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stated(options: IngestOptions) -> str | None:
    """Whom the sender says the file comes from (`shihyo ingest --as`), when that is only
    said: a signed-in actor is known, and uploaded_by then names them."""
    return options.uploaded_by if options.actor is None else None


def _only_section(actor: Actor) -> str | None:
    return actor.sections[0] if len(actor.sections) == 1 else None


def _safe_suffix(path: Path) -> str:
    """The file's extension if it is a plain one; names of stored files are ours."""
    suffix = path.suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 6 else ""


def _done_with(path: Path, options: IngestOptions) -> None:
    """Take an inbox file out of the inbox; leave a file named by the user where it is."""
    if not options.keep_source:
        path.unlink(missing_ok=True)
