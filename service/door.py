"""`Service`: the one door every face (the command line, the dashboard, the launcher) goes
through. It opens the warehouse from the settings once, holds the clock, decides whether
a job runs as a Prefect flow or directly, applies who may read and do what, records the
audit trail, and answers with typed results."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from access.roles import (
    SYSTEM,
    Actor,
    PermissionDenied,
    inbox_actor,
    may_read_raw,
    may_resend,
    may_see_load,
    require_admin,
    require_owner_of,
    require_uploader,
)
from access.sessions import Limits, SessionStore
from indicators.catalog import INDICATORS_FILE, Catalog, CatalogError, Indicator, load_catalog
from indicators.status import needs_action
from indicators.trend import figure_day, period_of
from kernel.clock import Clock
from kernel.errors import BilingualError
from kernel.private import home_key
from kernel.settings import Settings, load_settings
from pipeline.limits import UploadTooLarge, check_size
from pipeline.resources import Resources
from pipeline.samples import read_sends
from service import jobs
from service.uploads import file_name_as_sent, safe_name
from warehouse import AuditEntry, Migrated, NewAction, ReportEdit, Snapshot

# Each command imports only what it runs (a cold `shihyo status` needs neither the parser,
# Great Expectations, the alert channels nor Prefect): the steps are imported in the methods.
if TYPE_CHECKING:
    from access.users import UserStore
    from alerts.config import AlertConfig
    from alerts.engine import AlertReport, Sender
    from indicators.catalog_import import InitiativeImport
    from indicators.evaluation import Evaluation
    from pipeline import Checked, Delivered, IngestOptions, IngestReport, Loader
    from pipeline.evaluating import Evaluated as EvaluateOutcome
    from pipeline.keeping import BackedUp, Backup, CheckReport, Restored
    from pipeline.loading import Progress
    from report import ReportData
    from service.desk import CatalogDraft
    from warehouse.audit import Verification


@dataclass(frozen=True)
class Initialised:
    """What `init` did: the schema's migrations, and whether the catalog was recorded."""

    migrated: Migrated
    catalog_recorded: bool
    catalog: Catalog


@dataclass(frozen=True)
class Ingested:
    """One ingestion run and where it ran: the Prefect API's URL, or None when direct."""

    report: IngestReport
    api: str | None


@dataclass(frozen=True)
class Evaluated:
    """One evaluation as of a day and where it ran: live, the alerts it opened and resolved
    and the messages it sent; as of another day, a dry run saying what would change."""

    as_of: dt.date
    counts: dict[str, dict]  # per unit (targets, indicators, initiatives), as status --json
    alerts: AlertReport | None  # None for a dry run
    would_open: list[dict]
    would_resolve: list[dict]
    api: str | None

    @property
    def dry_run(self) -> bool:
        return self.alerts is None

    @classmethod
    def from_summary(cls, summary: dict, api: str | None) -> Evaluated:
        """The result from the evaluation's summary (what the flow returns)."""
        from alerts.engine import AlertReport

        alerts = None
        if not summary.get("dry_run"):
            alerts = AlertReport(
                opened=[0] * summary["alerts_opened"],
                resolved=[0] * summary["alerts_resolved"],
                messages_written=summary["messages_written"],
                sent=summary["messages_sent"],
                failed=summary["messages_failed"],
                errors=list(summary["errors"]),
            )
        return cls(
            dt.date.fromisoformat(summary["as_of"]),
            summary["counts"],
            alerts,
            list(summary.get("would_open", [])),
            list(summary.get("would_resolve", [])),
            api,
        )

    def as_dict(self) -> dict:
        """The JSON shape of `shihyo evaluate --json`."""
        outcome = (
            {"dry_run": True, "would_open": self.would_open, "would_resolve": self.would_resolve}
            if self.alerts is None
            else {"dry_run": False, **self.alerts.as_dict()}
        )
        return {"as_of": self.as_of.isoformat(), "counts": self.counts, **outcome}


# The most an owner writes in one commentary or one field of an action.
MAX_WORDS = 2000
# The most an officer writes in one block of the report (several paragraphs).
MAX_REPORT_WORDS = 10000


class WordsRefused(BilingualError, ValueError):
    """A commentary or an action that cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class EarlierLoad:
    """A load that already brought in a file's exact bytes: which, when and from whom."""

    load_id: int
    file_name: str
    received_at: dt.datetime
    uploaded_by: str


@dataclass(frozen=True)
class LoadFiles:
    """The kept files of one load: the raw bytes as sent (None when not kept, or withheld
    from the reader: `raw_withheld`), and the errors file."""

    raw: Path | None
    errors: Path | None
    raw_withheld: bool = False


class Service:
    """The application's door, over the warehouse the settings name."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self._resources = Resources.open(settings, clock, jobs.writer_slot(settings))

    @classmethod
    def from_environment(cls) -> Service:
        """The service the SHIHYO_* environment describes (ValueError for a bad setting)."""
        return cls(load_settings())

    @property
    def settings(self) -> Settings:
        return self._resources.settings

    @property
    def clock(self) -> Clock:
        return self._resources.clock

    def today(self) -> dt.date:
        return self.clock.today()

    def now(self) -> dt.datetime:
        return self.clock.now()

    # ── the warehouse and its catalog ─────────────────────────────────────────

    def exists(self) -> bool:
        """Whether the warehouse file is there yet."""
        return self._resources.reader.exists()

    def init(self, actor: Actor) -> Initialised:
        """Create or migrate the warehouse, then record the catalog files as the catalog in
        force (an administrator's act: each changed owner, indicator and target goes to the
        audit trail). Idempotent. CatalogError when the files are wrong."""
        require_admin(actor, "目録・目標の変更", "change the catalog or its targets")
        catalog = load_catalog(self.settings.catalog)
        migrated = self._resources.warehouse.migrate()
        recorded = self.record_catalog(catalog, actor)
        self._resources.warehouse.publish_snapshot(force=True)  # replicas: a first version
        return Initialised(migrated, recorded, catalog)

    def record_catalog(self, catalog: Catalog, actor: Actor) -> bool:
        """Put `catalog` in force from now (an administrator's act), each changed owner,
        indicator and target in the audit trail; False when it is in force already."""
        from indicators.catalog_diff import catalog_changes
        from pipeline.checking import list_rules

        require_admin(actor, "目録・目標の変更", "change the catalog or its targets")
        try:
            list_rules(catalog)  # the open-data list of each indicator is one intake can read
        except ValueError as exc:
            raise CatalogError([f"{INDICATORS_FILE}: open_data: {exc}"]) from exc
        warehouse = self._resources.warehouse
        current = warehouse.catalog_version()
        previous = Catalog.from_document(current.document) if current else None
        changes = [
            AuditEntry(c.action, c.entity, c.entity_id, c.before, c.after)
            for c in catalog_changes(previous, catalog)
        ]
        return warehouse.record_catalog(
            catalog.to_document(), catalog.fingerprint(), actor.name, changes
        )

    def catalog(self, as_of: dt.date | None = None) -> Catalog:
        """The catalog in force at the end of `as_of` (None: now)."""
        return self._resources.catalog(as_of)

    def table_counts(self) -> dict[str, int]:
        return self._resources.warehouse.table_counts()

    # ── the catalog desk: drafts, four eyes, export ───────────────────────────

    def propose_indicator(self, actor: Actor, initiative_id: str, entry: dict) -> int:
        """Propose a new indicator for an initiative (an administrator's act): `entry` as the
        indicators file would hold it. Checked as the files are (CatalogError with their
        messages), then kept as a draft, audited; its id."""
        from indicators.catalog_drafts import new_indicator
        from service import desk

        return desk.propose(self._resources, actor, new_indicator(initiative_id, entry))

    def propose_link(self, actor: Actor, initiative_id: str, indicator_id: str) -> int:
        """Propose that an existing indicator evidence one more initiative (an
        administrator's act); checked, kept as a draft, audited; its id."""
        from indicators.catalog_drafts import link_indicator
        from service import desk

        return desk.propose(self._resources, actor, link_indicator(initiative_id, indicator_id))

    def propose_edit(self, actor: Actor, indicator_id: str, fields: dict) -> int:
        """Propose new values for an indicator's owner and/or targets (`fields`: `owner`, the
        section's id; `targets`, the whole list as the indicators file holds it — a target
        added, changed or removed), administrators only (an owner section asks one: README);
        checked as the files are, kept as a draft with the fields before, audited; its id."""
        from indicators.catalog_drafts import edit_indicator
        from service import desk

        change = edit_indicator(self._resources.catalog(), indicator_id, fields)
        return desk.propose(self._resources, actor, change)

    def propose_goal(self, actor: Actor, entry_id: str, fields: dict) -> int:
        """Propose a policy's or area's goal (`goal`, `goal_en`, `outcomes`; a blank goal:
        none written), administrators only; checked as the plan file is, kept as a draft
        with the fields before, audited; its id."""
        from indicators.catalog_drafts import edit_goal
        from service import desk

        change = edit_goal(self._resources.catalog(), entry_id, fields)
        return desk.propose(self._resources, actor, change)

    def catalog_drafts(self, actor: Actor, state: str | None = None) -> list[CatalogDraft]:
        """The drafts of catalog changes (in `state`; None: all), newest first
        (administrators)."""
        from service import desk

        return desk.drafts(self._resources, actor, state)

    def approve_draft(self, actor: Actor, draft_id: int) -> int:
        """Put a draft in force from now as a new catalog version (an administrator other
        than its proposer: four eyes); audited; the version."""
        from service import desk

        return desk.approve(self._resources, actor, draft_id)

    def reject_draft(self, actor: Actor, draft_id: int, reason: str) -> None:
        """Close a draft without putting it in force, with the reason (an administrator;
        the proposer so withdraws their own); audited."""
        from service import desk

        desk.reject(self._resources, actor, draft_id, reason)

    def export_catalog(self, out: Path | None = None, as_of: dt.date | None = None) -> list[Path]:
        """Write the catalog in force (at the end of `as_of`; None: now) as the YAML files,
        in the format and order of the files the settings name, into `out` (None: back into
        those files, for review in git). The files written."""
        from indicators.catalog_export import export_catalog

        source = self.settings.catalog
        return export_catalog(self.catalog(as_of), source, out or source)

    def import_initiatives(self, data: bytes, sheet: str | None = None) -> InitiativeImport:
        """The plan's initiative list read from an .xlsx workbook as a prefecture keeps it
        (the review report's 別紙), beside the initiatives of the catalog files the settings
        name: what would change, and each row refused with its reason. Nothing is written.
        The sheet is the first with the 別紙's header, or the one named `sheet`.
        The workbook is read with the uploads' bounds (UploadTooLarge, FileRejected);
        SheetRefused when no sheet holds the 別紙's header or a column is missing."""
        from indicators.catalog_import import import_initiatives
        from intake import ReadLimits
        from intake.isolation import read_isolated
        from intake.plan_sheet import read_plan_sheet

        check_size(self.settings, len(data))
        limits = ReadLimits(
            max_rows=self.settings.max_rows, max_cell_chars=self.settings.max_cell_chars
        )
        # In a child process under a memory and CPU-time cap, as uploads are parsed: the
        # workbook comes from an office, and one built to explode costs a clean refusal.
        table = read_isolated(read_plan_sheet, data, limits, sheet)
        catalog = load_catalog(self.settings.catalog)
        imported = import_initiatives(table.rows, catalog, table.problems)
        return replace(imported, sheet=table.name, notes=tuple(table.notes))

    def write_imported(self, actor: Actor, imported: InitiativeImport, out: Path) -> list[Path]:
        """Write the catalog folder into `out` with the imported list as its initiatives file
        (the other files as they are), for an administrator to review in git and put in force
        with `shihyo init`. Refused (ValueError) while any row is refused; CatalogError
        unless the files read back as the list. The files written."""
        from indicators.catalog_export import export_initiatives

        require_admin(actor, "目録・目標の変更", "change the catalog or its targets")
        if imported.refusals:
            raise ValueError("rows were refused: nothing is written")
        return export_initiatives(imported.initiatives, self.settings.catalog, out)

    def data_version(self) -> tuple:
        """Changes whenever anything the dashboard shows changes: a cache key."""
        return self._resources.reader.data_version()

    def snapshot(self) -> Snapshot | None:
        """The published snapshot the faces read (SHIHYO_READ=snapshot), None when they read
        the live warehouse."""
        return self._resources.reader.snapshot()

    # ── the judgement ─────────────────────────────────────────────────────────

    def evaluation(
        self,
        as_of: dt.date | None = None,
        plan: str | None = None,
        totals: pd.DataFrame | None = None,
    ) -> Evaluation:
        """Every target judged on the figures known at the end of `as_of` (None: today),
        against the catalog in force then: the one evaluation every face shows, as the plan
        `plan` sees it (None: the catalog's first plan). UnknownPlan for an id the catalog
        does not hold. `totals`: those figures as `indicator_totals(as_of)` answered them,
        when already read."""
        from pipeline.evaluating import evaluation

        day = as_of or self.today()
        judged = evaluation(self._resources.reader, self.catalog(day), day, totals)
        return judged.for_plan(plan)

    # ── figures, loads, alerts: what each actor may read ──────────────────────

    def indicator_totals(self, as_of: dt.date) -> pd.DataFrame:
        """Each indicator's figure per period as known at the end of `as_of`."""
        return self._resources.reader.indicator_totals(as_of=as_of)

    def figures(self, indicator_id: str, as_of: dt.date) -> pd.DataFrame:
        """An indicator's figures in force at the end of `as_of`, org units included."""
        return self._resources.reader.figures(indicator_id, as_of=as_of)

    def revisions(self, indicator_id: str) -> pd.DataFrame:
        """Every revision of an indicator's figures, with the file and sender of each."""
        return self._resources.reader.revisions(indicator_id)

    def figures_page(
        self, indicator_id: str, as_of: dt.date, limit: int | None, offset: int = 0
    ) -> tuple[pd.DataFrame, int]:
        """One page of an indicator's figures in force at the end of `as_of`, newest first,
        with the file and sender of each, and how many there are in all."""
        return self._resources.reader.figures_page(indicator_id, as_of, limit, offset)

    def revisions_page(
        self, indicator_id: str, limit: int | None, offset: int = 0
    ) -> tuple[pd.DataFrame, int]:
        """One page of every revision of an indicator's figures, and how many in all."""
        return self._resources.reader.revisions_page(indicator_id, limit, offset)

    def org_unit_figures(
        self, indicator_id: str, as_of: dt.date, units: int, periods: int
    ) -> tuple[pd.DataFrame, int]:
        """The `units` largest org units' figures over the last `periods` periods, and how
        many org units the latest period has."""
        return self._resources.reader.org_unit_figures(indicator_id, as_of, units, periods)

    def loads(self, actor: Actor) -> pd.DataFrame:
        """The load records `actor` may see, newest first: all for viewers and admins, an
        owner's own sections' loads."""
        loads = self._resources.reader.loads()
        return loads[[may_see_load(actor, _section(s)) for s in loads["section"]]]

    def quarantine(self, actor: Actor, load_id: int | None = None) -> pd.DataFrame:
        """Rejected rows with their reasons, of one load or of every load `actor` may see."""
        rows = self._resources.reader.quarantine(load_id)
        visible = set(self.loads(actor)["id"])
        return rows[rows["load_id"].isin(visible)]

    def earlier_load(self, sha256: str) -> EarlierLoad | None:
        """The load that already brought in these exact bytes, if one did: sending them again
        changes nothing, and the upload desk says so before the sender commits."""
        found = self._resources.warehouse.earlier_load(sha256)
        if found is None:
            return None
        load_id, file_name, received_at, uploaded_by = found
        sender = uploaded_by if isinstance(uploaded_by, str) else ""
        return EarlierLoad(int(load_id), str(file_name), received_at, sender)

    def load_files(self, actor: Actor, sha256: str) -> LoadFiles:
        """Where the raw file and the errors file of a load are kept, if they are and the
        actor may see that load: the archive holds a loaded file by its hash, rejected/ a
        refused one with its extension. The raw bytes go only to administrators and the
        owners of the sending section; a viewer gets the errors file (and the counts)."""
        every = self._resources.reader.loads()
        if not sha256 or sha256 not in set(every["sha256"]):
            return LoadFiles(None, None)  # unknown, or refused unread: nothing was kept
        visible = self.loads(actor)
        if sha256 not in set(visible["sha256"]):
            raise PermissionDenied(
                "この取込のファイルを見る権限がありません", "you may not see this load's files"
            )
        settings = self.settings
        errors_name = f"{sha256}.errors.csv"
        kept = (settings.archive / errors_name, settings.rejected / errors_name)
        errors = next((p for p in kept if p.exists()), None)
        sections = visible.loc[visible["sha256"] == sha256, "section"]
        if not all(may_read_raw(actor, _section(s)) for s in sections):
            return LoadFiles(None, errors, raw_withheld=True)
        raw: Path | None = settings.archive / sha256
        if not raw.exists():
            refused = settings.rejected.glob(f"{sha256}.*") if settings.rejected.is_dir() else []
            raw = next((p for p in sorted(refused) if p.name != errors_name), None)
        return LoadFiles(raw, errors)

    def alerts(self) -> pd.DataFrame:
        """Every alert, newest first."""
        return self._resources.reader.alerts()

    def outbox(self) -> pd.DataFrame:
        """The messages with their delivery state (channels masked), newest first."""
        return self._resources.reader.outbox()

    # ── the audit trail ───────────────────────────────────────────────────────

    def audit_trail(
        self,
        actor: Actor,
        entity: str | None = None,
        who: str | None = None,
        since: dt.datetime | None = None,
    ) -> pd.DataFrame:
        """The audit trail, newest first, filtered; administrators only."""
        require_admin(actor, "監査ログの閲覧", "read the audit trail")
        return self._resources.reader.audit_trail(entity=entity, actor=who, since=since)

    def verify_audit(self, actor: Actor) -> Verification:
        """Check the audit trail's hash chain (administrators): every entry changed, deleted
        or inserted outside shihyo, and the chain's head."""
        require_admin(actor, "監査ログの検証", "verify the audit trail")
        return self._resources.reader.verify_audit()

    def record(
        self,
        actor: str,
        action: str,
        entity: str,
        entity_id: str | None,
        before: object = None,
        after: object = None,
        stated_by: str | None = None,
    ) -> None:
        """Append one entry to the audit trail, now (`stated_by`: whom the caller said it
        acted for, recorded as said, not verified)."""
        self._resources.warehouse.audit(
            actor, action, entity, entity_id, before, after, stated_by=stated_by
        )

    # ── the owners' words: commentary and improvement actions ─────────────────

    def _indicator(self, indicator_id: str) -> Indicator:
        found = next((i for i in self.catalog().indicators if i.id == indicator_id), None)
        if found is None:
            raise WordsRefused(
                f"指標「{indicator_id}」は目録にありません", f"no indicator {indicator_id!r}"
            )
        return found

    def comment(
        self,
        actor: Actor,
        indicator_id: str,
        period: dt.date,
        body: str,
        stated_by: str | None = None,
        plan: str | None = None,
    ) -> int | None:
        """Write the owner's commentary (状況・要因) on an indicator's period — the owner
        section's or an administrator's to write — as a new revision, audited; an empty text
        withdraws it. The revision, or None when the text is in force already."""
        indicator = self._indicator(indicator_id)
        require_owner_of(actor, indicator.owner)
        start = period_of(indicator, period)
        if figure_day(indicator, start) > self.today():
            raise WordsRefused(
                "まだ終わっていない期間にはコメントできません",
                "a period that has not ended yet cannot have commentary",
            )
        text = _words(body, "コメント", "commentary", required=False)
        return self._resources.warehouse.write_comment(
            indicator_id, start, text, actor.name, stated_by
        )

    def commentary(
        self, indicator_id: str | None = None, as_of: dt.date | None = None
    ) -> pd.DataFrame:
        """The commentary in force (as known at the end of `as_of`; None: now), for all to
        read: indicator_id, period, revision, body, author, load_id, recorded_at."""
        return self._resources.warehouse.commentary(indicator_id, as_of)

    def commentary_history(self, indicator_id: str) -> pd.DataFrame:
        """Every revision of an indicator's commentary, newest first."""
        return self._resources.warehouse.commentary_history(indicator_id)

    def record_action(
        self,
        actor: Actor,
        indicator_id: str,
        cause: str,
        action: str,
        assignee: str,
        due: dt.date,
        stated_by: str | None = None,
    ) -> int:
        """Record an improvement action (改善策) on an indicator: the cause, what will be done,
        by whom, by when. The owner section's or an administrator's to write; audited. The
        indicator's status today (off_track, missed, late …) is kept with it. Its id."""
        indicator = self._indicator(indicator_id)
        require_owner_of(actor, indicator.owner)
        if due < self.today():
            raise WordsRefused("期限が過去の日付です", "the due date is in the past")
        today = self.evaluation()
        today = today.whole or today  # the indicator may evidence another plan's only
        statuses = needs_action(today.targets[indicator_id], today.headlines[indicator_id])
        new = NewAction(
            indicator_id=indicator_id,
            section=indicator.owner,
            raised_by_status=",".join(statuses) or today.headlines[indicator_id].status,
            cause=_words(cause, "原因", "the cause"),
            action=_words(action, "改善策", "the action"),
            assignee=_words(assignee, "担当者", "who"),
            due=due,
        )
        return self._resources.warehouse.add_action(new, actor.name, stated_by)

    def close_action(
        self, actor: Actor, action_id: int, outcome: str = "", stated_by: str | None = None
    ) -> bool:
        """Mark an open action done, with what came of it (the owner section's or an
        administrator's act; audited); False if it was done already."""
        found = self._resources.warehouse.action(action_id)
        if found is None:
            raise WordsRefused(f"改善策 {action_id} はありません", f"no action {action_id}")
        require_owner_of(actor, found["section"])
        text = _words(outcome, "結果", "the outcome", required=False)
        return self._resources.warehouse.close_action(action_id, actor.name, text, stated_by)

    def actions(
        self, indicator_id: str | None = None, as_of: dt.date | None = None
    ) -> pd.DataFrame:
        """The improvement actions recorded by the end of `as_of` (None: today), each in its
        state then, with `overdue` (open past its due day), newest first; for all to read."""
        day = as_of or self.today()
        frame = self._resources.warehouse.actions(indicator_id, as_of)
        due = pd.to_datetime(frame["due"]).dt.date
        return frame.assign(overdue=(frame["state"] == "open") & (due < day))

    def unactioned(self, as_of: dt.date | None = None) -> list[str]:
        """The indicators off track, missed or late on `as_of` (None: today) without an
        open action, in catalog order: what an administrator asks the owners about."""
        result = self.evaluation(as_of)
        result = result.whole or result  # every plan's indicators: the owners' work is one
        actions = self.actions(None, as_of)
        covered = set(actions.loc[actions["state"] == "open", "indicator_id"])
        return [
            ind.id
            for ind in result.catalog.indicators
            if ind.id not in covered
            and needs_action(result.targets[ind.id], result.headlines[ind.id])
        ]

    # ── the plan's statuses of initiatives (administrators record) ────────────

    def record_initiative_status(
        self,
        actor: Actor,
        initiative_id: str,
        status: str,
        on: dt.date,
        reason: str | None = None,
        stated_by: str | None = None,
    ) -> int:
        """Record a new status in the plan for an initiative (achieved / in_progress /
        changed, or 達成 / 実施中 / 変更), decided on `on`, with its reason (required for a
        change): an administrator's act, audited with the status in force before it. Every
        evaluation as of `on` or later shows it; the day before still shows the old one. The
        decision's id; StatusRefused (unknown initiative or status, a day in the future or
        not after the report's, a change without a reason), PermissionDenied."""
        from service import plan_desk

        decision = plan_desk.record(
            self._resources, actor, initiative_id, status, on, reason, stated_by
        )
        self._resources.warehouse.publish_snapshot()
        return decision

    # ── figures coming in ─────────────────────────────────────────────────────

    def ingest(
        self,
        files: Iterable[str] | None = None,
        inbox: str | None = None,
        options: IngestOptions | None = None,
        progress: Progress | None = None,
        *,
        direct: bool = False,
    ) -> Ingested:
        """Load the files named (or those waiting in the inbox) — as the Prefect flow when
        a server answers (unless `direct`), else the same steps directly — then, if anything
        changed, evaluate and alert. Every file's rejected rows come back in the report."""
        files = list(files) if files else None
        if files:
            from intake.isolation import prestart

            prestart()  # the parse server starts while the steps below are imported
        from pipeline import IngestOptions, prepare_validation, run_ingestion

        options = options or IngestOptions(keep_source=bool(files))
        if options.actor is not None:
            require_uploader(options.actor)
        api = None if direct else jobs.choose_api(self.settings)
        if api is not None:
            if files:  # Great Expectations, imported by the parse server while Prefect is here
                prepare_validation(files)
            report = jobs.ingest_as_flow(self._resources, api, files, inbox, options, progress)
            return Ingested(report, api)
        report = run_ingestion(self._loader(progress), files, inbox, options)
        if report.changed:
            self._evaluate_directly(self.today())
        self._resources.warehouse.publish_snapshot()
        return Ingested(report, None)

    def _loader(self, progress: Progress | None = None) -> Loader:
        from pipeline import Loader

        res = self._resources
        return Loader(res.settings, res.warehouse, res.catalog(), res.clock, progress)

    def preview_upload(
        self,
        data: bytes,
        file_name: str,
        actor: Actor,
        period: str | None = None,
        *,
        allow_revert: bool = False,
    ) -> Checked:
        """The upload judged as a load by `actor` would judge it; nothing is written. Rows
        that would undo a correction are refused unless `allow_revert`."""
        from pipeline import check_upload

        require_uploader(actor)
        check_size(self.settings, len(data))
        res = self._resources
        return check_upload(
            data,
            file_name,
            res.warehouse,
            res.catalog(),
            self.settings,
            actor=actor,
            period=period,
            today=self.today(),
            allow_revert=allow_revert,
        )

    def upload(
        self,
        data: bytes,
        file_name: str,
        actor: Actor,
        *,
        section: str | None = None,
        period: str | None = None,
        allow_revert: bool = False,
    ) -> IngestReport:
        """Load an uploaded file with the scheduled ingestion, then evaluate and alert. With
        `allow_revert`, rows that undo a correction are loaded (the sender confirmed)."""
        from pipeline import IngestOptions

        require_uploader(actor)  # a viewer's upload is refused before anything is kept
        check_size(self.settings, len(data))
        # A folder of our own per upload; the file keeps the sender's (cleaned) base name,
        # shortened to what the file system takes; the load record shows it as sent.
        folder = Path(tempfile.mkdtemp(prefix="upload-", dir=self._uploads()))
        path = folder / safe_name(file_name, folder)
        path.write_bytes(data)
        options = IngestOptions(
            period=period,
            uploaded_by=actor.name,
            section=section,
            actor=actor,
            keep_source=True,
            allow_revert=allow_revert,
            sent_name=file_name_as_sent(file_name),
        )
        try:
            return self.ingest([str(path)], None, options).report
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def load_samples(
        self, schedule: Path, progress: Callable[[int, int, str], None] | None = None
    ) -> IngestReport:
        """Load the synthetic sample figures as their schedule sends them: each file on its
        day, as its section's inbox would, so that replaying a past day shows the figures
        known then; `progress` hears (done, of, file name) after each file."""
        from pipeline import IngestOptions, IngestReport, Loader

        # A file the schedule sends after today has not arrived yet.
        sends = [s for s in read_sends(schedule) if s.sent_at <= self.now()]
        folder = Path(tempfile.mkdtemp(prefix="samples-", dir=self._uploads()))
        report = IngestReport()
        try:
            for done, send in enumerate(sends, start=1):
                # Each file is received on its own day: its records and audit carry that day.
                res = Resources.open(self.settings, Clock.at(send.sent_at))
                loader = Loader(res.settings, res.warehouse, res.catalog(), res.clock)
                path = folder / safe_name(send.file_name)
                path.write_bytes(send.data)
                options = IngestOptions(
                    section=send.section, actor=inbox_actor(send.section), trusted=True
                )
                report.files.append(loader.load(path, options))
                if progress is not None:
                    progress(done, len(sends), send.file_name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return report

    def _uploads(self) -> Path:
        uploads = self.settings.home / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        return uploads

    # ── judging and alerting ──────────────────────────────────────────────────

    def evaluate(self, as_of: dt.date | None = None, *, direct: bool = False) -> Evaluated:
        """Judge every target as of `as_of` (None: today), open and resolve alerts and send
        what is due — as the Prefect flow when a server answers (unless `direct`), else
        directly. A day other than today is a dry run: what would open and resolve, nothing
        written or sent."""
        day = as_of or self.today()
        live = day == self.today() and not direct
        api = jobs.choose_api(self.settings) if live else None
        if api is not None:
            return Evaluated.from_summary(jobs.evaluate_as_flow(self._resources, api, day), api)
        done = self._evaluate_directly(day).summary()
        self._resources.warehouse.publish_snapshot()
        return Evaluated.from_summary(done, None)

    def _evaluate_directly(self, day: dt.date, sender: Sender | None = None) -> EvaluateOutcome:
        from alerts.engine import AppriseSender
        from pipeline.evaluating import evaluate_and_alert

        res = self._resources
        return evaluate_and_alert(
            res.warehouse,
            res.catalog(day),
            day,
            self.alert_config(),
            sender or AppriseSender(),
            self.now(),
        )

    def deliver(self, sender: Sender | None = None) -> Delivered:
        """Send what is due in the outbox now (the schedule does this every few minutes)."""
        from alerts.engine import AppriseSender
        from pipeline.evaluating import deliver_due

        res = self._resources
        return deliver_due(
            res.warehouse, self.alert_config(), sender or AppriseSender(), self.now()
        )

    def alert_config(self) -> AlertConfig:
        """The alert channels and options (AlertConfigError when the file is wrong)."""
        from alerts.config import load_alert_config

        return load_alert_config(self.settings.alert_config_path)

    def resend(self, message_id: int, actor: Actor) -> tuple[int, int]:
        """Make a failed message due now and run delivery; (sent, failed). An administrator
        resends any message, an owner those to its sections."""
        warehouse = self._resources.warehouse
        outbox = warehouse.outbox()
        recipient = outbox.loc[outbox["id"] == message_id, "recipient"]
        if not may_resend(actor, recipient.iloc[0] if len(recipient) else None):
            raise PermissionDenied(
                "この通知を再送する権限がありません", "you may not resend this message"
            )
        from alerts.engine import AppriseSender, deliver

        now = self.now()
        warehouse.retry_message(message_id, now)
        sent, failed, _ = deliver(warehouse, self.alert_config(), AppriseSender(), now)
        warehouse.publish_snapshot()
        return sent, failed

    # ── keeping the warehouse (administrators) ────────────────────────────────

    def backup(self, actor: Actor) -> BackedUp:
        """A consistent copy of the warehouse, kept with the last SHIHYO_BACKUP_KEEP."""
        from service import keeping

        return keeping.backup(self._resources, actor)

    def backups(self, actor: Actor) -> list[Backup]:
        """The kept backups of the warehouse, newest first."""
        from service import keeping

        return keeping.kept_backups(actor, self._resources)

    def restore(self, actor: Actor, name: str | None = None) -> Restored:
        """Put a backup (by name; else the newest that reads whole) in place of the
        warehouse; the file it replaces is set aside, never deleted."""
        from service import keeping

        restored = keeping.restore(self._resources, actor, name)
        self._resources.warehouse.publish_snapshot(force=True)  # replicas follow the restore
        return restored

    def check(self, actor: Actor) -> CheckReport:
        """The warehouse read whole and compared with the kept files: every load's file
        present with its SHA-256, every loaded file's figures found, the audit chain."""
        from service import keeping

        return keeping.check(self._resources, actor)

    # ── the schedules ─────────────────────────────────────────────────────────

    def serve(self) -> None:
        """The flows as Prefect deployments with their schedules, until interrupted."""
        from flows.serve import serve_flows

        serve_flows(self.settings)

    def scheduler_ui(self) -> str:
        """The address of the local Prefect server's UI that `serve` starts."""
        return jobs.local_api(self.settings).removesuffix("/api")

    def scheduler_answers(self) -> bool:
        """Whether the local Prefect server answers."""
        return jobs.server_answers(jobs.local_api(self.settings))

    def work(self, api: str | None = None, limit: int = 1, name: str | None = None) -> int:
        """Run a Prefect worker on this host for the work pool (SHIHYO_WORK_POOL) until it
        stops; its exit code. `api`: the Prefect API (default PREFECT_API_URL, else this
        host's local server)."""
        from flows.pool import run_worker

        return run_worker(self.settings, api or jobs.configured_api(self.settings), limit, name)

    # ── users ─────────────────────────────────────────────────────────────────

    def user_store(self) -> UserStore:
        """The local users who sign in to the dashboard ($SHIHYO_HOME/users.json)."""
        from access.users import UserStore

        return UserStore(self.settings.home / "users.json")

    def sessions(self) -> SessionStore:
        """The dashboard's sessions, kept on the server ($SHIHYO_HOME/sessions.sqlite)."""
        home = self.settings.home
        limits = Limits(
            idle=dt.timedelta(minutes=self.settings.session_minutes),
            absolute=dt.timedelta(hours=self.settings.session_max_hours),
        )
        return SessionStore(home / "sessions.sqlite", home_key(home / "session.key"), limits)

    def change_password(self, actor: Actor, current: str, new: str, client: str) -> None:
        """The signed-in user changes their own password (the current one checked as a
        sign-in is); every session of theirs ends, this one included, and it is audited.
        SignInFailed for a wrong current password, UserError for a weak new one."""
        store, now = self.user_store(), self.now()
        store.authenticate(actor.name, current, now, client)
        user = store.set_password(actor.name, new, now)
        self.sessions().end_all(actor.name, now, "password_changed")
        self.record(actor.name, "passwd", "user", actor.name, None, user.public())

    def set_password(self, actor: Actor, name: str, password: str, stated_by: str | None) -> None:
        """An administrator sets a user's password (the user changes it at the next sign-in);
        the user's sessions end; audited."""
        require_admin(actor, "パスワードの設定", "set a user's password")
        store, now = self.user_store(), self.now()
        user = store.set_password(name, password, now, must_change=name != actor.name)
        self.sessions().end_all(name, now, "password_changed")
        self.record(actor.name, "passwd", "user", name, None, user.public(), stated_by=stated_by)

    def disable_user(self, actor: Actor, name: str, stated_by: str | None) -> None:
        """An administrator disables a user: their sessions end at once; audited."""
        require_admin(actor, "利用者の無効化", "disable a user")
        store, now = self.user_store(), self.now()
        before = store.get(name)
        user = store.disable(name, now)
        self.sessions().end_all(name, now, "account_gone")
        self.record(
            actor.name,
            "disable",
            "user",
            name,
            before.public() if before else None,
            user.public(),
            stated_by=stated_by,
        )

    # ── what is handed out ────────────────────────────────────────────────────

    def _judged_for_report(
        self, as_of: dt.date, plan: str | None, totals: pd.DataFrame | None
    ) -> tuple[Evaluation, pd.DataFrame]:
        """The figures of `as_of` (read here unless given) and the evaluation judged on them:
        a report shows both, from one read of every figure."""
        if totals is None:
            totals = self.indicator_totals(as_of)
        return self.evaluation(as_of, plan, totals), totals

    def report(
        self,
        as_of: dt.date,
        lang: str = "ja",
        fmt: str = "md",
        plan: str | None = None,
        totals: pd.DataFrame | None = None,
    ) -> bytes:
        """The review report (点検報告書) of `plan` (None: the catalog's first plan) as of the
        end of `as_of`, in `lang` and `fmt`. UnknownPlan for an id the catalog does not hold.
        `totals`: the figures of `as_of` as `indicator_totals` answered them, when already
        read."""
        import report as review  # Jinja and openpyxl only when a report is asked for

        result, totals = self._judged_for_report(as_of, plan, totals)
        return review.draft(result, self._resources.reader, lang, fmt, totals)

    def report_data(
        self,
        as_of: dt.date,
        lang: str = "ja",
        plan: str | None = None,
        totals: pd.DataFrame | None = None,
    ) -> ReportData:
        """What the review report of `plan` (None: the first) as of `as_of` in `lang` says, as
        data: its drafted blocks (with the officer's edits of this edition) for the editor.
        `totals`: the figures of `as_of` as `indicator_totals` answered them, when already
        read."""
        import report as review

        result, totals = self._judged_for_report(as_of, plan, totals)
        return review.build(result, self._resources.warehouse, lang, totals)

    def edit_report(
        self,
        actor: Actor,
        as_of: dt.date,
        lang: str,
        block: str,
        body: str,
        stated_by: str | None = None,
        plan: str | None = None,
    ) -> int | None:
        """Put the officer's text in place of a drafted block (an area's 主な取組, 成果 or
        課題・今後の予定等, or the 3(2) 成果) in the report of `as_of` in `lang`: an
        administrator's act, kept as a new revision and audited. One paragraph a line; an
        empty text, or the draft itself, withdraws the edit (the draft shows again). The
        revision, or None when the text is in force already. `plan`: the plan whose report
        it is (None: the first)."""
        from report.drafting import lines, stored_key

        require_admin(actor, "報告書の編集", "edit the review report")
        drafted = self.report_data(as_of, lang, plan)
        found = next((b for b in drafted.blocks if b.key == block), None)
        if found is None:
            raise WordsRefused(
                f"報告書に「{block}」の箇所はありません", f"the report has no part {block!r}"
            )
        text = _words(body, "本文", "the text", required=False, limit=MAX_REPORT_WORDS)
        paragraphs = lines(text)
        kept = "" if paragraphs == lines(found.draft) else "\n".join(paragraphs)
        further = self.evaluation(as_of, plan).further_plan
        edit = ReportEdit(as_of, str(lang), stored_key(block, further), kept, found.draft)
        return self._resources.warehouse.write_report_edit(edit, actor.name, stated_by)

    def report_edit_history(
        self, as_of: dt.date, lang: str = "ja", plan: str | None = None
    ) -> pd.DataFrame:
        """Every revision of the edits of the report of `plan` (None: the first) as of `as_of`
        in `lang`, for all to read: block, revision, body, draft, author, recorded_at,
        superseded_at."""
        from report.drafting import of_plan

        further = self.evaluation(as_of, plan).further_plan
        return of_plan(self._resources.warehouse.report_edit_history(as_of, str(lang)), further)

    def template(
        self, owner: str | None = None, indicator: str | None = None, as_of: dt.date | None = None
    ) -> bytes:
        """The upload template for a section (or one indicator), for the latest period due."""
        from intake.template import template_csv

        return template_csv(self.catalog(), owner, indicator, as_of=as_of or self.today())


def _words(
    text: str, name_ja: str, name_en: str, *, required: bool = True, limit: int = MAX_WORDS
) -> str:
    """An owner's text as kept: stripped, present when required, not too long."""
    text = (text or "").strip()
    if required and not text:
        raise WordsRefused(f"{name_ja}を記入してください", f"{name_en} is required")
    if len(text) > limit:
        raise WordsRefused(
            f"{name_ja}は{limit}文字以内にしてください",
            f"{name_en} is longer than {limit} characters",
        )
    return text


def _section(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


__all__ = [
    "SYSTEM",
    "Evaluated",
    "Ingested",
    "Initialised",
    "LoadFiles",
    "Service",
    "UploadTooLarge",
    "WordsRefused",
]
