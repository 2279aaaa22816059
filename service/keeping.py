"""The warehouse's keeping, as the door offers it: backups, a restore and the check against
the kept files — administrators' acts, each in the audit trail."""

from __future__ import annotations

from access.roles import Actor, require_admin
from pipeline.keeping import (
    BackedUp,
    Backup,
    CheckReport,
    Restored,
    backups,
    check_warehouse,
    restore_backup,
    take_backup,
)
from pipeline.resources import Resources


def backup(resources: Resources, actor: Actor) -> BackedUp:
    """A consistent copy of the warehouse among the kept backups (the oldest beyond
    SHIHYO_BACKUP_KEEP deleted); recorded in the audit trail."""
    require_admin(actor, "倉庫のバックアップ", "back up the warehouse")
    taken = take_backup(resources.settings, resources.warehouse, resources.clock.now())
    resources.warehouse.audit(
        actor.name,
        "backup",
        "warehouse",
        taken.backup.name,
        None,
        {"loads": taken.digest.loads, "removed": [p.name for p in taken.removed]},
    )
    return taken


def kept_backups(actor: Actor, resources: Resources) -> list[Backup]:
    """The kept backups, newest first."""
    require_admin(actor, "バックアップの一覧", "list the backups")
    return backups(resources.settings)


def restore(resources: Resources, actor: Actor, name: str | None = None) -> Restored:
    """Put the named backup (else the newest that reads whole) in place of the warehouse,
    the file it replaces set aside; recorded in the restored warehouse's audit trail."""
    require_admin(actor, "倉庫の復元", "restore the warehouse")
    done = restore_backup(resources.settings, resources.warehouse, resources.clock.now(), name)
    resources.warehouse.audit(
        actor.name,
        "restore",
        "warehouse",
        done.backup.name,
        {"set_aside": [p.name for p in done.set_aside]},
        {"loads": done.digest.loads, "migrations": done.migrations},
    )
    return done


def check(resources: Resources, actor: Actor) -> CheckReport:
    """The warehouse read whole and compared with the kept files."""
    require_admin(actor, "倉庫の点検", "check the warehouse")
    return check_warehouse(resources.settings, resources.warehouse)
