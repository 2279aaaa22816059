"""Keeping the warehouse: backups (a consistent copy taken under the load lock, proven to
read back the same, rotated), a restore from the newest backup that reads whole (the file
it replaces set aside, never deleted), and a check of the warehouse against the kept files
(every load's file present with its SHA-256, every loaded file's figures found)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import Timeout

from intake import FileRejected, parse_isolated
from kernel.settings import Settings
from pipeline.checking import read_limits
from pipeline.loading import IngestBusy, ingest_lock
from warehouse import Digest, Warehouse, WarehouseDamaged, file_digest

_NAME = re.compile(r"^shihyo-(\d{8}T\d{6})(?:-(\d+))?\.duckdb$")


@dataclass(frozen=True)
class Backup:
    """One kept copy of the warehouse: where, when it was taken (by its name) and its size."""

    path: Path
    taken_at: dt.datetime
    size: int

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class BackedUp:
    """A backup taken: the copy, what it holds, and the older copies rotated away."""

    backup: Backup
    digest: Digest
    removed: list[Path]


@dataclass(frozen=True)
class Restored:
    """A restore: the backup put in place, what it holds, the files set aside (the file it
    replaced and its log), the backups passed over as unreadable (with why) and the schema
    migrations applied to bring an older copy up to date."""

    backup: Backup
    digest: Digest
    set_aside: list[Path]
    passed_over: list[tuple[str, str]]
    migrations: list[str]


class NoBackup(LookupError):
    """No backup to restore from (none kept, the one named unknown, or none reads whole)."""


def backups(settings: Settings) -> list[Backup]:
    """The kept backups, newest first."""
    folder = settings.backups
    found = []
    for path in folder.glob("shihyo-*.duckdb") if folder.is_dir() else []:
        match = _NAME.match(path.name)
        if match:
            taken = dt.datetime.strptime(match[1], "%Y%m%dT%H%M%S")
            found.append((taken, int(match[2] or 1), Backup(path, taken, path.stat().st_size)))
    return [backup for *_, backup in sorted(found, key=lambda f: f[:2], reverse=True)]


@contextmanager
def _locked(settings: Settings) -> Iterator[None]:
    """Hold the load lock, so that no load writes while the file is copied or replaced."""
    lock = ingest_lock(settings)
    try:
        lock.acquire(timeout=settings.lock_timeout)
    except Timeout as exc:
        raise IngestBusy(
            f"a load kept the ingestion lock for {settings.lock_timeout:.0f} s; try again"
        ) from exc
    try:
        yield
    finally:
        lock.release()


def take_backup(settings: Settings, warehouse: Warehouse, now: dt.datetime) -> BackedUp:
    """Copy the warehouse to `<backups>/shihyo-<now>.duckdb` under the load lock, prove the
    copy, then delete the oldest beyond SHIHYO_BACKUP_KEEP. WarehouseDamaged when the
    warehouse cannot be read whole (then no copy is kept, and none is deleted)."""
    folder = settings.backups
    stamp = now.strftime("%Y%m%dT%H%M%S")
    target, n = folder / f"shihyo-{stamp}.duckdb", 1
    while target.exists():
        n += 1
        target = folder / f"shihyo-{stamp}-{n}.duckdb"
    with _locked(settings):
        digest = warehouse.backup_to(target)
    kept = backups(settings)
    removed = [b.path for b in kept[settings.backup_keep :]]
    for path in removed:
        path.unlink(missing_ok=True)
    taken = next(b for b in kept if b.path == target)
    return BackedUp(taken, digest, removed)


def restore_backup(
    settings: Settings, warehouse: Warehouse, now: dt.datetime, name: str | None = None
) -> Restored:
    """Put the backup named (a file name of `backups`), else the newest that reads whole, in
    place of the warehouse, under the load lock; the file there now is set aside with the
    suffix `.before-restore-<now>`. NoBackup when there is none to restore."""
    kept = backups(settings)
    if name is not None:
        kept = [b for b in kept if b.name == Path(name).name]
        if not kept:
            raise NoBackup(f"no backup named {name} in {settings.backups}")
    if not kept:
        raise NoBackup(f"no backup in {settings.backups}: take one with `shihyo backup`")
    passed_over = []
    for backup in kept:
        try:
            digest = file_digest(backup.path)
        except WarehouseDamaged as exc:
            passed_over.append((backup.name, exc.cause))
            continue
        suffix = f".before-restore-{now:%Y%m%dT%H%M%S}"
        with _locked(settings):
            aside = warehouse.restore_from(backup.path, suffix)
        migrated = warehouse.migrate()
        return Restored(backup, digest, aside, passed_over, migrated.applied)
    raise NoBackup(
        f"none of the {len(kept)} backups in {settings.backups} reads whole: "
        + "; ".join(f"{n}: {why}" for n, why in passed_over)
    )


# ── the check ─────────────────────────────────────────────────────────────────

PROBLEMS = (
    "damaged",
    "file_missing",
    "file_changed",
    "figures_missing",
    "figures_unwritten",
    "figures_of_no_load",
    "audit_broken",
)
NOTES = ("file_unread", "file_not_loaded")


@dataclass(frozen=True)
class Finding:
    """One thing the check found: its kind (PROBLEMS are wrong, NOTES worth knowing), the
    load and file it concerns, how many rows or files, and a detail."""

    kind: str
    load_id: int | None = None
    file_name: str | None = None
    sha256: str | None = None
    count: int = 0
    detail: str = ""

    @property
    def problem(self) -> bool:
        return self.kind in PROBLEMS


@dataclass
class CheckReport:
    """The warehouse against the kept files: what was checked, and what was found."""

    schema_version: int = 0
    loads: int = 0
    figures: int = 0
    files_checked: int = 0
    rows_checked: int = 0
    audit_entries: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(f.problem for f in self.findings)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _kept_file(settings: Settings, sha: str) -> Path | None:
    """Where a load's raw file is kept: archive/<sha> when it was read through (loaded, or
    every row refused), rejected/<sha>.<ext> when it was refused whole."""
    path = settings.archive / sha
    if path.exists():
        return path
    folder = settings.rejected
    found = sorted(folder.glob(f"{sha}*")) if folder.is_dir() else []
    return next((p for p in found if not p.name.endswith(".errors.csv")), None)


def check_warehouse(settings: Settings, warehouse: Warehouse) -> CheckReport:
    """Read the warehouse whole and compare it with archive/ and rejected/: every load's
    file present with its SHA-256; every row a loaded template file still reads as found
    among the figures (those it refused aside); figures of no load; the audit chain."""
    report = CheckReport()
    try:
        digest = warehouse.digest()
    except WarehouseDamaged as exc:
        report.findings.append(Finding("damaged", detail=exc.cause))
        return report
    report.schema_version, report.figures = digest.schema_version, digest.observations
    loads = warehouse.loads_written()
    report.loads = len(loads)
    named = set()
    for load in loads.itertuples():
        report.findings += _check_load(settings, warehouse, load, report)
        named.add(load.sha256)
    no_load = warehouse.figures_of_no_load()
    if no_load:
        report.findings.append(Finding("figures_of_no_load", count=no_load))
    kept = settings.archive.iterdir() if settings.archive.is_dir() else []
    strays = sorted(
        p.name
        for p in kept
        if not p.name.startswith(".") and "." not in p.name and p.name not in named
    )
    if strays:
        report.findings.append(
            Finding("file_not_loaded", count=len(strays), detail=", ".join(strays[:20]))
        )
    audit = warehouse.verify_audit()
    report.audit_entries = audit.entries
    if not audit.ok:
        first = audit.problems[0]
        detail = f"entry {first.entry_id}: {first.kind}"
        report.findings.append(Finding("audit_broken", count=len(audit.problems), detail=detail))
    return report


def _check_load(
    settings: Settings, warehouse: Warehouse, load: Any, report: CheckReport
) -> list[Finding]:
    """What is wrong with one load's kept file and figures."""
    sha, status = str(load.sha256), str(load.status)
    where = {"load_id": int(load.id), "file_name": str(load.file_name), "sha256": sha}
    if not sha:
        return []  # refused unread (a link, a special file): no bytes were kept, by design
    path = _kept_file(settings, sha)
    if path is None:
        return [Finding("file_missing", **where)]
    report.files_checked += 1
    if _sha256(path) != sha:
        return [Finding("file_changed", **where, detail=str(path))]
    if status == "rejected":
        return []
    if load.source_kind != "template":
        # A list's figures stand for many rows each: what can be told is that it wrote some.
        unwritten = not load.figures_written and not load.rows_unchanged and load.rows_accepted
        return [Finding("figures_unwritten", **where)] if unwritten else []
    try:
        data = path.read_bytes()
        parsed = parse_isolated(data, str(load.file_name), limits=read_limits(settings))
    except FileRejected as exc:
        return [Finding("file_unread", **where, detail=exc.message_en)]
    refused = warehouse.quarantined_rows(int(load.id))
    rows = parsed.frame[~parsed.frame["row_number"].isin(refused)]
    report.rows_checked += len(rows)
    missing = warehouse.figures_not_found(load.received_at.to_pydatetime(), rows)
    if not missing:
        return []
    shown = ", ".join(str(r) for r in missing[:10]) + (" …" if len(missing) > 10 else "")
    return [Finding("figures_missing", **where, count=len(missing), detail=f"rows {shown}")]
