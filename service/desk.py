"""The catalog desk, as the door offers it: administrators propose a new indicator for an
initiative, link an existing one, edit an indicator's owner and targets, or edit a policy's
or area's goal; a second administrator approves (four eyes) or rejects.
Every step is in the audit trail with its before and after; an approved change is a new
catalog version in force from the moment of approval. Viewers and owners change nothing
(an owner asks an administrator: the catalog is the plan's, not a section's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from access.roles import Actor, PermissionDenied, require_admin
from indicators.catalog import INDICATORS_FILE, Catalog, CatalogError
from indicators.catalog_diff import catalog_changes
from indicators.catalog_drafts import DraftChange, candidate
from kernel.errors import BilingualError
from pipeline.resources import Resources
from warehouse import AuditEntry

PROPOSE = ("目録の変更の提案", "propose a change to the catalog")
DECIDE = ("目録の変更の承認・却下", "approve or reject a change to the catalog")
READ = ("目録の変更案の閲覧", "read the drafts of catalog changes")


class DraftRefused(BilingualError, ValueError):
    """A draft that cannot be decided as asked (unknown, decided already, or the catalog
    changed under it); the message says why."""


@dataclass(frozen=True)
class CatalogDraft:
    """A proposed catalog change and where it stands."""

    id: int
    change: DraftChange
    state: str  # draft | approved | rejected
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str | None
    catalog_version_id: int | None

    @classmethod
    def from_record(cls, row: dict) -> CatalogDraft:
        change = DraftChange.from_record(
            row["kind"], row["initiative_id"], row["indicator_id"], row["payload"]
        )
        return cls(
            int(row["id"]),
            change,
            row["state"],
            row["proposed_by"],
            row["proposed_at"],
            row["decided_by"],
            row["decided_at"],
            row["decision_note"],
            None if row["catalog_version_id"] is None else int(row["catalog_version_id"]),
        )


def checked(resources: Resources, change: DraftChange) -> Catalog:
    """The candidate catalog `change` makes of the one in force, checked as the files are
    (and its open-data lists as `shihyo init` checks them); CatalogError when it fails."""
    from pipeline.checking import list_rules

    made = candidate(resources.catalog(), change)
    try:
        list_rules(made)
    except ValueError as exc:
        raise CatalogError([f"{INDICATORS_FILE}: open_data: {exc}"]) from exc
    return made


def propose(resources: Resources, actor: Actor, change: DraftChange) -> int:
    """Keep `change` as a draft once it checks; its id. Administrators only."""
    require_admin(actor, *PROPOSE)
    checked(resources, change)
    return resources.warehouse.add_draft(
        change.kind, change.initiative_id, change.indicator_id, change.payload(), actor.name
    )


def drafts(resources: Resources, actor: Actor, state: str | None = None) -> list[CatalogDraft]:
    """The drafts (in `state`; None: all), newest first. Administrators only."""
    require_admin(actor, *READ)
    return [CatalogDraft.from_record(row) for row in resources.warehouse.drafts(state)]


def _open_draft(resources: Resources, draft_id: int) -> CatalogDraft:
    row = resources.warehouse.draft(draft_id)
    if row is None:
        raise DraftRefused(f"変更案 {draft_id} はありません", f"no draft {draft_id}")
    draft = CatalogDraft.from_record(row)
    if draft.state != "draft":
        raise DraftRefused(
            f"変更案 {draft_id} は決定済みです（{draft.decided_by}）",
            f"draft {draft_id} was decided already (by {draft.decided_by})",
        )
    return draft


def approve(resources: Resources, actor: Actor, draft_id: int) -> int:
    """Put a draft in force as a new catalog version from now; the version. Another
    administrator than the proposer only (four eyes). The candidate is built again on the
    catalog in force now and checked: a draft the catalog no longer admits is refused with
    the files' messages (CatalogError) and stays a draft."""
    require_admin(actor, *DECIDE)
    draft = _open_draft(resources, draft_id)
    if draft.proposed_by == actor.name:
        raise PermissionDenied(
            "自分が提案した変更は承認できません（別の管理者の承認が必要です）",
            "you cannot approve a change you proposed: a second administrator must approve it",
        )
    warehouse = resources.warehouse
    in_force = warehouse.catalog_version()
    previous = resources.catalog()
    made = checked(resources, draft.change)
    changes = [
        AuditEntry(c.action, c.entity, c.entity_id, c.before, c.after)
        for c in catalog_changes(previous, made)
    ]
    version = warehouse.approve_draft(
        draft_id,
        actor.name,
        made.to_document(),
        made.fingerprint(),
        changes,
        None if in_force is None else in_force.id,
    )
    if version is None:
        raise DraftRefused(
            "承認の間に目録または変更案が変わりました。もう一度確認してください",
            "the catalog or the draft changed meanwhile: look again and retry",
        )
    return version


def reject(resources: Resources, actor: Actor, draft_id: int, reason: str) -> None:
    """Close a draft without putting it in force, with the reason (any administrator; the
    proposer so withdraws their own)."""
    require_admin(actor, *DECIDE)
    _open_draft(resources, draft_id)
    reason = (reason or "").strip()
    if not reason:
        raise DraftRefused("却下の理由を記入してください", "the reason for rejecting is required")
    if not resources.warehouse.reject_draft(draft_id, actor.name, reason):
        raise DraftRefused(
            f"変更案 {draft_id} は決定済みです", f"draft {draft_id} was decided already"
        )
