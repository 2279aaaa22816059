"""The warehouse: the only package that talks to DuckDB. Callers ask named
questions of `Warehouse`; every statement binds its parameters. It stores what the
floors above hand it (catalog documents, loads, alerts, audit entries) and imports
nothing of theirs."""

from warehouse.backups import Digest, file_digest
from warehouse.catalog_versions import CatalogVersion
from warehouse.db import WarehouseBusy, WarehouseDamaged, WarehouseMissing, release_all
from warehouse.jobs import Job
from warehouse.loads import QUARANTINE_COLUMNS, FileRows, LoadCounts, LoadRecord
from warehouse.report_edits import ReportEdit
from warehouse.snapshots import Snapshot
from warehouse.store import (
    AuditEntry,
    Migrated,
    Publishing,
    ReadOnlyWarehouse,
    Warehouse,
    WriterSlot,
)
from warehouse.words import NewAction

__all__ = [
    "QUARANTINE_COLUMNS",
    "AuditEntry",
    "CatalogVersion",
    "Digest",
    "FileRows",
    "Job",
    "LoadCounts",
    "LoadRecord",
    "Migrated",
    "NewAction",
    "Publishing",
    "ReadOnlyWarehouse",
    "ReportEdit",
    "Snapshot",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseDamaged",
    "WarehouseMissing",
    "WriterSlot",
    "file_digest",
    "release_all",
]
