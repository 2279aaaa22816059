"""The `backup` flow: a consistent copy of the warehouse among the kept backups (the oldest
beyond SHIHYO_BACKUP_KEEP deleted). `shihyo serve` runs it daily (SHIHYO_BACKUP_CRON), before
the morning's evaluation."""

from __future__ import annotations

from prefect import flow

from flows import runtime
from pipeline.keeping import take_backup


@flow(name="backup", persist_result=False, log_prints=True)
def backup() -> dict:
    """Back up the warehouse; where the copy went, what it holds and what was rotated away."""
    res = runtime.resources()
    taken = take_backup(res.settings, res.warehouse, res.clock.now())
    res.warehouse.audit(
        "system",
        "backup",
        "warehouse",
        taken.backup.name,
        None,
        {"loads": taken.digest.loads, "removed": [p.name for p in taken.removed]},
    )
    print(f"backup {taken.backup.path}: {taken.digest.loads} loads, {taken.backup.size:,} bytes")
    return {
        "backup": str(taken.backup.path),
        "loads": taken.digest.loads,
        "removed": [str(p) for p in taken.removed],
    }
