"""`Warehouse`: one DuckDB file and the named questions asked of it."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from kernel.clock import Clock
from warehouse import (
    alerts,
    audit,
    backups,
    catalog_drafts,
    catalog_versions,
    checks,
    jobs,
    loads,
    migrate,
    plan_statuses,
    queries,
    report_edits,
    snapshots,
    words,
)
from warehouse.backups import Digest
from warehouse.catalog_versions import CatalogVersion
from warehouse.db import WarehouseMissing, connect, release_all, transaction
from warehouse.jobs import Job
from warehouse.loads import FileRows, LoadCounts, LoadRecord
from warehouse.report_edits import ReportEdit
from warehouse.words import NewAction

FACT_TABLES = (
    "observation",
    "load",
    "quarantine",
    "alert",
    "outbox",
    "audit",
    "commentary",
    "improvement_action",
    "reminder",
    "report_edit",
    "initiative_status",
)

# Audit entries are chained: each takes the hash of the one before, so two written at once
# by threads of one process (two sign-ins) must not both follow the same head. Other
# processes wait for DuckDB's own file lock.
_AUDIT_APPENDS = threading.RLock()


class ReminderLike(Protocol):
    """A reminder as the alerts engine plans it: its key, and its messages per channel."""

    key: str
    kind: str
    recipient: str
    due: dt.date
    details: dict
    messages: Sequence[alerts.Outgoing]


@dataclass(frozen=True)
class AuditEntry:
    """One row for the audit trail: what happened to which entity, before and after."""

    action: str
    entity: str
    entity_id: str | None
    before: object = None
    after: object = None


@dataclass(frozen=True)
class Migrated:
    """What migrating the file did."""

    path: Path
    schema_version: int
    applied: list[str]


WriterSlot = Callable[[], AbstractContextManager[None]]


class ReadOnlyWarehouse(RuntimeError):
    """A warehouse read from its published snapshots takes no writes."""


@dataclass(frozen=True)
class Publishing:
    """Where and how often the one writer publishes snapshots for readers on other hosts."""

    folder: Path
    every_seconds: float


class Warehouse:
    """The DuckDB file at `path`. Connections are opened per call and closed at once,
    so that another process (the dashboard, a scheduled flow) can have its turn. Times
    the warehouse stamps itself (audit entries) come from `clock`.

    Past one machine: every write is made holding `writer` (the one writer slot across
    hosts), and with `publishing` a committed write is followed by a snapshot (at most every
    so many seconds; `publish_snapshot` at the end of a run). A warehouse opened with
    `snapshots` reads the latest published snapshot, read-only, and takes no writes."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float,
        clock: Clock,
        writer: WriterSlot | None = None,
        publishing: Publishing | None = None,
        snapshots: Path | None = None,
    ):
        self.path = path
        self.lock_timeout = lock_timeout
        self.clock = clock
        self.writer = writer or nullcontext
        self.publishing = publishing
        self.snapshots = snapshots
        self._unpublished = False
        self._published_at = 0.0  # time.monotonic() of this process's last publication

    def exists(self) -> bool:
        if self.snapshots is not None:
            return snapshots.current(self.snapshots) is not None
        return self.path.exists()

    # ── connections: reads, and writes in the writer's slot ──────────────────

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.snapshots is None:
            with connect(self.path, timeout=self.lock_timeout) as con:
                yield con
            return
        try:
            con = snapshots.connect_read_only(self.snapshots)
        except FileNotFoundError as exc:
            raise WarehouseMissing(str(exc)) from exc
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def _writing(
        self, *, atomic: bool = False, chained: bool = False, create: bool = False
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for a write, in one transaction when `atomic`, holding the writer slot
        (then, for audit entries, the chain's lock: always in that order); a snapshot follows
        the commit when one is due."""
        if self.snapshots is not None:
            raise ReadOnlyWarehouse(f"{self.snapshots} holds read-only snapshots")
        opener = transaction if atomic else connect
        with self.writer():
            with (
                _AUDIT_APPENDS if chained else nullcontext(),
                opener(self.path, timeout=self.lock_timeout, create=create) as con,
            ):
                yield con
            self._unpublished = True
            if self.publishing and (
                time.monotonic() - self._published_at >= self.publishing.every_seconds
            ):
                self._publish()

    def _publish(self) -> snapshots.Snapshot:
        assert self.publishing is not None
        with connect(self.path, timeout=self.lock_timeout) as con:
            published = snapshots.publish(con, self.path, self.publishing.folder, self.clock.now())
        self._unpublished = False
        self._published_at = time.monotonic()
        return published

    def publish_snapshot(self, force: bool = False) -> snapshots.Snapshot | None:
        """Publish a snapshot now if this process wrote since its last one (or `force`),
        holding the writer slot; None when there was nothing to publish."""
        if self.publishing is None or not (self._unpublished or force):
            return None
        with self.writer():
            return self._publish()

    def snapshot(self) -> snapshots.Snapshot | None:
        """The snapshot this warehouse reads (None: it reads the live file, or none yet)."""
        return snapshots.current(self.snapshots) if self.snapshots is not None else None

    def migrate(self) -> Migrated:
        """Create the file or bring its schema up to date; idempotent."""
        with self._writing(create=True) as con:
            applied = migrate.migrate(con, now=self.clock.now())
            version = migrate.current_version(con)
        return Migrated(self.path, version, [f"{m.version:03d}_{m.name}" for m in applied])

    # ── the catalog ───────────────────────────────────────────────────────────

    def catalog_version(self, until: dt.datetime | None = None) -> CatalogVersion | None:
        """The newest catalog recorded before `until` (None: the newest); the first one
        recorded when none was yet (a replay of a day before shihyo held any catalog)."""
        with self._reading() as con:
            found = catalog_versions.latest(con, until)
            if found is None and until is not None:
                found = catalog_versions.latest(con, None)
                if found is not None:
                    first = catalog_versions.first_recorded(con)
                    found = catalog_versions.latest(con, first + dt.timedelta(microseconds=1))
            return found

    def record_catalog(
        self,
        document: dict,
        fingerprint: str,
        actor: str,
        changes: Sequence[AuditEntry] = (),
    ) -> bool:
        """Record `document` as the catalog in force from now, with each change in the audit
        trail, in one transaction; False (nothing written) when it is the catalog already."""
        with self._writing(atomic=True, chained=True) as con:
            current = catalog_versions.latest(con, None)
            if current is not None and current.fingerprint == fingerprint:
                return False
            _record_catalog(con, document, fingerprint, self.clock.now(), actor, changes)
            return True

    # ── drafts of catalog changes (the catalog desk) ──────────────────────────

    def add_draft(
        self, kind: str, initiative_id: str, indicator_id: str, payload: dict, actor: str
    ) -> int:
        """Keep a proposed catalog change as a draft, audited (after: the draft), in one
        transaction; its id."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            draft_id = catalog_drafts.add(
                con, kind, initiative_id, indicator_id, payload, actor, now
            )
            after = catalog_drafts.get(con, draft_id)
            audit.append(con, now, actor, "propose", "catalog_draft", str(draft_id), None, after)
            return draft_id

    def draft(self, draft_id: int) -> dict | None:
        with self._reading() as con:
            return catalog_drafts.get(con, draft_id)

    def drafts(self, state: str | None = None) -> list[dict]:
        """The drafts (in `state`; None: all), newest first."""
        with self._reading() as con:
            return catalog_drafts.every(con, state)

    def approve_draft(
        self,
        draft_id: int,
        actor: str,
        document: dict,
        fingerprint: str,
        changes: Sequence[AuditEntry],
        expected_version: int | None,
    ) -> int | None:
        """In one transaction: record `document` as the catalog in force from now with each
        change audited, and close the draft as approved (audited, before and after). None,
        nothing written, when the draft is no longer a draft or the catalog in force is no
        longer `expected_version` (the candidate was built on another); else the version."""
        with self._writing(atomic=True, chained=True) as con:
            before = catalog_drafts.get(con, draft_id)
            current = catalog_versions.latest(con, None)
            current_id = None if current is None else current.id
            if before is None or before["state"] != "draft" or current_id != expected_version:
                return None
            now = self.clock.now()
            version = _record_catalog(con, document, fingerprint, now, actor, changes)
            catalog_drafts.decide(con, draft_id, "approved", actor, now, None, version)
            after = catalog_drafts.get(con, draft_id)
            audit.append(con, now, actor, "approve", "catalog_draft", str(draft_id), before, after)
            return version

    def reject_draft(self, draft_id: int, actor: str, note: str) -> bool:
        """Close a draft as rejected with the reason, audited; False if it was not a draft."""
        with self._writing(atomic=True, chained=True) as con:
            before = catalog_drafts.get(con, draft_id)
            now = self.clock.now()
            if not catalog_drafts.decide(con, draft_id, "rejected", actor, now, note, None):
                return False
            after = catalog_drafts.get(con, draft_id)
            audit.append(con, now, actor, "reject", "catalog_draft", str(draft_id), before, after)
            return True

    def table_counts(self) -> dict[str, int]:
        """Row counts of the fact tables, for `shihyo init`'s summary."""
        with self._reading() as con:
            return {
                name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]  # fixed names
                for name in FACT_TABLES
            }

    # ── jobs handed to flows ──────────────────────────────────────────────────

    def add_job(self, kind: str, actor: dict, options: dict) -> int:
        with self._writing() as con:
            return jobs.add(con, kind, actor, options, self.clock.now())

    def start_job(self, job_id: int, kind: str) -> Job | None:
        """The job, now marked started; None if unknown, of another kind, or already run."""
        with self._writing() as con:
            return jobs.start(con, job_id, kind, self.clock.now())

    # ── ingestion ─────────────────────────────────────────────────────────────

    def loaded_sha(self, sha256: str) -> int | None:
        """The id of an earlier load of the same bytes that wrote figures, if any."""
        with self._reading() as con:
            return loads.loaded_sha(con, sha256)

    def figures_version(self) -> tuple[int, int, int]:
        """What the figures are as of (loads.figures_version): the same while no load
        changed them."""
        with self._reading() as con:
            return loads.figures_version(con)

    def earlier_load(self, sha256: str) -> tuple | None:
        """The first load of the same bytes that wrote figures, if any: (id, file_name,
        received_at, uploaded_by)."""
        with self._reading() as con:
            return loads.earlier_load(con, sha256)

    def previous_figures(self, keys: pd.DataFrame) -> dict[tuple[str, str], tuple]:
        """For each (indicator_id, org_unit) in `keys`, the figure in force for the latest
        period before the earliest period of that key in `keys`: (period, value)."""
        usable = keys.dropna(subset=["period"])
        if usable.empty:
            return {}
        first = (
            usable.groupby(["indicator_id", "org_unit"], as_index=False)["period"]
            .min()
            .reset_index(names="row_number")
        )
        with self._reading() as con:
            found = loads.previous_figures(con, first)
        merged = first.merge(found, on="row_number").dropna(subset=["prev_value"])
        return {
            (row.indicator_id, row.org_unit): (
                pd.Timestamp(row.prev_period).date(),
                float(row.prev_value),
            )
            for row in merged.itertuples()
        }

    def reverting_figures(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Rows that would put a figure back to the value of an earlier, since corrected
        revision (see loads.reverting_figures for the columns)."""
        with self._reading() as con:
            return loads.reverting_figures(con, rows)

    def claim_recorded(self, claim: str) -> bool:
        """Whether a load record names the inbox claim `claim` (its file was dealt with)."""
        with self._reading() as con:
            return loads.claim_recorded(con, claim)

    def write_load(
        self,
        record: LoadRecord,
        accepted: pd.DataFrame,
        quarantined: pd.DataFrame,
        rows: FileRows,
        actor: str = "system",
        stated_by: str | None = None,
        before_commit: Callable[[], object] | None = None,
    ) -> LoadCounts | None:
        """Write one file's load in one transaction; None if the same bytes were loaded
        meanwhile by another process (then nothing is written). `stated_by`: whom the caller
        says it sends for (`--as`), recorded beside the actor, not as it. `before_commit` is
        called last inside the transaction: what it raises rolls the load back."""
        with self._writing(atomic=True, chained=True) as con:
            if loads.loaded_sha(con, record.sha256) is not None and not accepted.empty:
                return None
            counts = loads.write_load(con, record, accepted, quarantined, rows)
            if "comment" in accepted.columns:
                _write_comments(con, accepted, counts.load_id, record.received_at, actor)
            audit.append(
                con,
                record.received_at,
                actor,
                "load",
                "load",
                str(counts.load_id),
                None,
                {
                    "file_name": record.file_name,
                    "sha256": record.sha256,
                    "status": counts.status,
                    "rows_accepted": counts.rows_accepted,
                    "rows_rejected": counts.rows_rejected,
                    "section": record.section,
                    "uploaded_by": record.uploaded_by,
                },
                stated_by,
            )
            if before_commit is not None:
                before_commit()
            return counts

    # ── keeping the file: backups, restores, checks ───────────────────────────

    def backup_to(self, target: Path) -> Digest:
        """A consistent copy of the warehouse file at `target`, proven to read back the same
        as the original; the digest of what it holds. Holds the writer slot (no host writes
        meanwhile)."""
        with self.writer(), connect(self.path, timeout=self.lock_timeout) as con:
            return backups.snapshot(con, self.path, target)

    def restore_from(self, backup: Path, aside_suffix: str) -> list[Path]:
        """Put a copy of `backup` in place of the warehouse file, setting the file there now
        (and its write-ahead log) aside with `aside_suffix`; the paths set aside. Holds the
        writer slot; this process's instance of the file is closed first, so that the next
        connection opens the file put back."""
        with self.writer():
            release_all()
            return backups.put_back(self.path, backup, aside_suffix)

    def digest(self) -> Digest:
        """What the warehouse holds, every block read: schema version, rows per table."""
        with self._reading() as con:
            return backups.digest(con)

    def loads_written(self) -> pd.DataFrame:
        """Every load with what it wrote (see checks.loads_written for the columns)."""
        with self._reading() as con:
            return checks.loads_written(con)

    def figures_not_found(self, received_at: dt.datetime, rows: pd.DataFrame) -> list[int]:
        """The row_numbers of `rows` whose figure no revision recorded by `received_at` holds."""
        with self._reading() as con:
            return checks.figures_not_found(con, received_at, rows)

    def quarantined_rows(self, load_id: int) -> set[int]:
        """The row numbers a load refused."""
        with self._reading() as con:
            return checks.quarantined_rows(con, load_id)

    def figures_of_no_load(self) -> int:
        """Revisions whose load is not recorded."""
        with self._reading() as con:
            return checks.figures_of_no_load(con)

    # ── reading figures and loads ─────────────────────────────────────────────

    def figures(
        self, indicator_id: str | None = None, as_of: dt.date | None = None
    ) -> pd.DataFrame:
        """The figures in force (one per indicator, period, org unit): today's, or as they
        were known at the end of `as_of`, ignoring revisions recorded later."""
        with self._reading() as con:
            return queries.figures(con, indicator_id, as_of)

    def revisions(self, indicator_id: str) -> pd.DataFrame:
        """Every revision of an indicator's figures, with the file and sender of each."""
        with self._reading() as con:
            return queries.revisions(con, indicator_id)

    def figures_page(
        self, indicator_id: str, as_of: dt.date | None, limit: int | None, offset: int = 0
    ) -> tuple[pd.DataFrame, int]:
        """One page of an indicator's figures in force, newest first, with file and sender,
        and how many there are in all (`limit` None: all of them)."""
        with self._reading() as con:
            return queries.figures_page(con, indicator_id, as_of, limit, offset)

    def revisions_page(
        self, indicator_id: str, limit: int | None, offset: int = 0
    ) -> tuple[pd.DataFrame, int]:
        """One page of every revision of an indicator's figures, newest first, and how many
        there are in all (`limit` None: all of them)."""
        with self._reading() as con:
            return queries.revisions_page(con, indicator_id, limit, offset)

    def org_unit_figures(
        self, indicator_id: str, as_of: dt.date | None, units: int, periods: int
    ) -> tuple[pd.DataFrame, int]:
        """The largest org units' figures over the last periods, and how many org units the
        latest period has."""
        with self._reading() as con:
            return queries.org_unit_figures(con, indicator_id, as_of, units, periods)

    def period_notes(
        self, indicator_id: str, period: dt.date, as_of: dt.date | None, limit: int
    ) -> list[str]:
        """The distinct notes sent with an indicator's figures of one period (at most
        `limit`), as known at the end of `as_of`."""
        with self._reading() as con:
            return queries.period_notes(con, indicator_id, period, as_of, limit)

    def loads(self, limit: int | None = None) -> pd.DataFrame:
        """The load records, newest first."""
        with self._reading() as con:
            return queries.loads(con, limit)

    def validation_keys(self) -> pd.DataFrame:
        """Per load, the figures its rejected rows meant and the figures it wrote."""
        with self._reading() as con:
            return queries.validation_keys(con)

    def quarantine(self, load_id: int | None = None) -> pd.DataFrame:
        """Rejected rows with their reasons, of one load or of all."""
        with self._reading() as con:
            return queries.quarantine(con, load_id)

    # ── alerts and outbox ─────────────────────────────────────────────────────

    def sync_alerts(
        self, conditions: Sequence[alerts.ConditionLike], now: dt.datetime, rules: Iterable[str]
    ) -> tuple[list[int], list[int]]:
        """Open, keep and resolve alerts to match the conditions, in one transaction."""
        with self._writing(atomic=True) as con:
            found = alerts.sync_alerts(con, conditions, now, rules)
            alerts.resolve_untold(con)
            return found

    def alerts_to_notify(
        self, now: dt.datetime, renotify_after: dt.timedelta | None
    ) -> pd.DataFrame:
        with self._reading() as con:
            return alerts.to_notify(con, now, renotify_after)

    def last_told(self, rule: str, recipient: str) -> dt.datetime | None:
        with self._reading() as con:
            return alerts.last_told(con, rule, recipient)

    def enqueue(self, messages: Sequence[alerts.Outgoing], now: dt.datetime) -> list[int]:
        """Write the messages to the outbox and mark their alerts told, in one transaction."""
        with self._writing(atomic=True) as con:
            ids = [
                alerts.add_message(
                    con,
                    now,
                    m.recipient,
                    m.channel,
                    m.channel_hash,
                    m.subject,
                    m.body,
                    m.alert_ids,
                    m.state,
                )
                for m in messages
            ]
            alerts.mark_told(con, sorted({a for m in messages for a in m.alert_ids}), now)
            return ids

    def reroute(self, channels_of: Callable[[str], list[tuple[str, str]]], now: dt.datetime) -> int:
        """Copy each message kept for want of a channel to the channels its recipient has
        now — `channels_of(recipient)` gives (masked, hash) pairs — in one transaction;
        the number of messages rerouted."""
        with self._writing(atomic=True) as con:
            rerouted = 0
            for message in alerts.unchannelled(con).itertuples():
                targets = channels_of(message.recipient)
                if not targets:
                    continue
                ids = json.loads(message.alert_ids)
                for masked, hashed in targets:
                    alerts.add_message(
                        con,
                        now,
                        message.recipient,
                        masked,
                        hashed,
                        message.subject,
                        message.body,
                        ids,
                    )
                alerts.mark_rerouted(con, int(message.id))
                rerouted += 1
            return rerouted

    def due_messages(self, now: dt.datetime) -> pd.DataFrame:
        with self._reading() as con:
            return alerts.due_messages(con, now)

    def mark_sent(self, message_id: int, now: dt.datetime) -> None:
        with self._writing() as con:
            alerts.mark_sent(con, message_id, now)

    def mark_failed(self, message_id: int, error: str, next_attempt: dt.datetime) -> None:
        with self._writing() as con:
            alerts.mark_failed(con, message_id, error, next_attempt)

    def retry_message(self, message_id: int, now: dt.datetime) -> bool:
        """Make an unsent message due at once (the app's resend button)."""
        with self._writing() as con:
            return alerts.retry_now(con, message_id, now)

    def alerts(self, state: str | None = None) -> pd.DataFrame:
        with self._reading() as con:
            return alerts.alerts(con, state)

    def outbox(self) -> pd.DataFrame:
        with self._reading() as con:
            return alerts.outbox(con)

    def indicator_totals(self, as_of: dt.date | None = None) -> pd.DataFrame:
        """Each indicator's figure per period (its total, else the sum over org units)."""
        with self._reading() as con:
            return queries.indicator_totals(con, as_of)

    def data_version(self) -> tuple:
        """A value that changes whenever anything the dashboard shows changes."""
        with self._reading() as con:
            return queries.data_version(con)

    # ── the owners' words: commentary, actions, reminders ─────────────────────

    def write_comment(
        self,
        indicator_id: str,
        period: dt.date,
        body: str,
        author: str,
        stated_by: str | None = None,
    ) -> int | None:
        """Make `body` the commentary in force for (indicator, period), audited, in one
        transaction; the new revision, or None when the text is in force already."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            written = words.set_comment(con, indicator_id, period, body, author, now)
            if written is None:
                return None
            before, revision = written
            _audit_comment(
                con, now, author, indicator_id, period, before, body, revision, None, stated_by
            )
            return revision

    def commentary(
        self, indicator_id: str | None = None, as_of: dt.date | None = None
    ) -> pd.DataFrame:
        """The commentary in force (now, or as known at the end of `as_of`)."""
        with self._reading() as con:
            return words.commentary(con, indicator_id, as_of)

    def commentary_history(self, indicator_id: str) -> pd.DataFrame:
        """Every revision of an indicator's commentary, newest first."""
        with self._reading() as con:
            return words.commentary_history(con, indicator_id)

    def add_action(self, new: NewAction, actor: str, stated_by: str | None = None) -> int:
        """Record an improvement action, audited, in one transaction; its id."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            action_id = words.add_action(con, new, now, actor)
            after = words.action(con, action_id)
            audit.append(
                con, now, actor, "add", "improvement_action", str(action_id), None, after, stated_by
            )
            return action_id

    def action(self, action_id: int) -> dict | None:
        with self._reading() as con:
            return words.action(con, action_id)

    def close_action(
        self, action_id: int, actor: str, outcome: str, stated_by: str | None = None
    ) -> bool:
        """Mark an open action done, audited; False if it was not open."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            before = words.action(con, action_id)
            if not words.close_action(con, action_id, now, actor, outcome):
                return False
            after = words.action(con, action_id)
            audit.append(
                con,
                now,
                actor,
                "close",
                "improvement_action",
                str(action_id),
                before,
                after,
                stated_by,
            )
            return True

    def actions(
        self, indicator_id: str | None = None, as_of: dt.date | None = None
    ) -> pd.DataFrame:
        """The improvement actions recorded (by the end of `as_of`), in their state then."""
        with self._reading() as con:
            return words.actions(con, indicator_id, as_of)

    def reminded(self, keys: Sequence[str]) -> set[str]:
        """Those of the reminder `keys` already written."""
        with self._reading() as con:
            return words.reminded(con, keys)

    def enqueue_reminders(self, reminders: Sequence[ReminderLike], now: dt.datetime) -> list[str]:
        """Write each reminder not yet written — its key and its messages to the outbox — in
        one transaction; the keys written. A key already there is skipped, so a reminder is
        written once however often (or from however many processes) this runs."""
        with self._writing(atomic=True) as con:
            told = words.reminded(con, [r.key for r in reminders])
            written: list[str] = []
            for r in reminders:
                if r.key in told or r.key in written:
                    continue
                words.add_reminder(con, r.key, r.kind, r.recipient, r.due, now, r.details)
                for m in r.messages:
                    alerts.add_message(
                        con,
                        now,
                        m.recipient,
                        m.channel,
                        m.channel_hash,
                        m.subject,
                        m.body,
                        [],
                        m.state,
                    )
                written.append(r.key)
            return written

    def reminders(self) -> pd.DataFrame:
        with self._reading() as con:
            return words.reminders(con)

    # ── the plan's statuses of initiatives, decided after the report ──────────

    def record_initiative_status(
        self,
        initiative_id: str,
        status: str,
        decided_on: dt.date,
        reason: str | None,
        actor: str,
        before: dict | None,
        stated_by: str | None = None,
    ) -> int:
        """Record a decision on an initiative's status and audit it (`before`: the status in
        force on its day, as the caller read it; after: the decision), in one transaction;
        the decision's id."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            decision_id = plan_statuses.add(
                con, initiative_id, status, decided_on, reason, actor, now
            )
            after = plan_statuses.get(con, decision_id)
            audit.append(
                con,
                now,
                actor,
                "change",
                "initiative_status",
                initiative_id,
                before,
                after,
                stated_by,
            )
            return decision_id

    def initiative_statuses(self, initiative_id: str | None = None) -> list[dict]:
        """Every decision on initiatives' statuses (of one; None: all), in the order they
        take effect: by the day decided, then as recorded."""
        with self._reading() as con:
            return plan_statuses.every(con, initiative_id)

    # ── the officer's edits of the drafted report ─────────────────────────────

    def write_report_edit(
        self, edit: ReportEdit, author: str, stated_by: str | None = None
    ) -> int | None:
        """Make `edit` the text in force for its block of its edition (an empty body withdraws
        it), audited, in one transaction; the new revision, or None when it is in force."""
        with self._writing(atomic=True, chained=True) as con:
            now = self.clock.now()
            written = report_edits.set_edit(con, edit, author, now)
            if written is None:
                return None
            before, revision = written
            audit.append(
                con,
                now,
                author,
                "change" if before else "add",
                "report_edit",
                f"{edit.as_of.isoformat()}|{edit.lang}|{edit.block}",
                None if before is None else {"body": before},
                {"body": edit.body, "revision": revision},
                stated_by,
            )
            return revision

    def report_edits(self, as_of: dt.date, lang: str) -> pd.DataFrame:
        """The edits in force for the report of `as_of` in `lang`, by block."""
        with self._reading() as con:
            return report_edits.edits(con, as_of, lang)

    def report_edit_history(self, as_of: dt.date, lang: str) -> pd.DataFrame:
        """Every revision of the edits of one edition, newest first per block."""
        with self._reading() as con:
            return report_edits.history(con, as_of, lang)

    # ── audit trail ───────────────────────────────────────────────────────────

    def audit(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str | None,
        before: object = None,
        after: object = None,
        at: dt.datetime | None = None,
        stated_by: str | None = None,
    ) -> None:
        """Append one entry to the audit trail's chain. `stated_by`: whom the caller says it
        acts for (`--as`), kept beside the actor, who is the one known for sure."""
        with self._writing(chained=True) as con:
            audit.append(
                con,
                at or self.clock.now(),
                actor,
                action,
                entity,
                entity_id,
                before,
                after,
                stated_by,
            )

    def verify_audit(self) -> audit.Verification:
        """Check the audit trail's hash chain: every changed, deleted or inserted entry."""
        with self._reading() as con:
            return audit.verify(con)

    def audit_trail(
        self, entity: str | None = None, actor: str | None = None, since: dt.datetime | None = None
    ) -> pd.DataFrame:
        with self._reading() as con:
            return audit.trail(con, entity, actor, since)

    def record_state(self, actor: str, entity: str, entity_id: str, state: dict) -> bool:
        """Append `state` to the audit trail if it differs from the last one recorded for
        this entity (configuration kept in files, such as the alert channels); True if so."""
        with self._writing(chained=True) as con:
            last = audit.last_after(con, entity, entity_id)
            if last == state:
                return False
            action = "add" if last is None else "change"
            audit.append(con, self.clock.now(), actor, action, entity, entity_id, last, state)
            return True


def _audit_comment(
    con: duckdb.DuckDBPyConnection,
    at: dt.datetime,
    author: str,
    indicator_id: str,
    period: dt.date,
    before: str | None,
    body: str,
    revision: int,
    load_id: int | None,
    stated_by: str | None = None,
) -> None:
    audit.append(
        con,
        at,
        author,
        "change" if before else "add",
        "commentary",
        f"{indicator_id}|{period.isoformat()}",
        None if before is None else {"body": before},
        {"body": body, "revision": revision, "load_id": load_id},
        stated_by,
    )


def _write_comments(
    con: object, accepted: pd.DataFrame, load_id: int, at: dt.datetime, author: str
) -> None:
    """The `comment` cells of a load's accepted rows as commentary per indicator and period
    (several org-unit rows' distinct texts joined, in row order), each change audited."""
    rows = accepted.dropna(subset=["comment", "period"])
    rows = rows[rows["comment"].astype(str).str.strip() != ""]
    texts: dict[tuple[str, dt.date], list[str]] = {}
    for row in rows.sort_values("row_number").itertuples():
        period = pd.Timestamp(row.period).date()
        said = texts.setdefault((row.indicator_id, period), [])
        text = str(row.comment).strip()
        if text not in said:
            said.append(text)
    for (indicator_id, period), said in texts.items():
        body = "\n".join(said)
        written = words.set_comment(con, indicator_id, period, body, author, at, load_id)
        if written is not None:
            _audit_comment(
                con, at, author, indicator_id, period, written[0], body, written[1], load_id
            )


def _record_catalog(
    con: duckdb.DuckDBPyConnection,
    document: dict,
    fingerprint: str,
    now: dt.datetime,
    actor: str,
    changes: Sequence[AuditEntry],
) -> int:
    """Record `document` as the catalog version in force from `now` and each change in the
    audit trail, in the caller's transaction; the new version's id."""
    version = catalog_versions.record(con, document, fingerprint, now, actor)
    for change in changes:
        audit.append(
            con,
            now,
            actor,
            change.action,
            change.entity,
            change.entity_id,
            change.before,
            change.after,
        )
    return version
