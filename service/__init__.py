"""The one application door: faces (the command line, the dashboard, the launcher) ask the
`Service`, which opens the warehouse from the settings once, holds the clock, decides
flow or direct, applies who may do what and answers with typed results.

The pipeline's types are imported from here on first use, so that a command that does not
load files does not import the parser and the validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.limits import UploadTooLarge
from service.desk import CatalogDraft, DraftRefused
from service.door import (
    EarlierLoad,
    Evaluated,
    Ingested,
    Initialised,
    LoadFiles,
    Service,
    WordsRefused,
)
from service.plan_desk import StatusRefused
from warehouse import (
    ReadOnlyWarehouse,
    Snapshot,
    WarehouseBusy,
    WarehouseDamaged,
    WarehouseMissing,
)

if TYPE_CHECKING:
    from pipeline import Checked, FileResult, IngestBusy, IngestOptions, IngestReport, RowIssue
    from pipeline.keeping import BackedUp, Backup, CheckReport, Finding, NoBackup, Restored
    from pipeline.loading import Progress

_FROM_PIPELINE = ("Checked", "FileResult", "IngestBusy", "IngestOptions", "IngestReport")
_FROM_KEEPING = ("BackedUp", "Backup", "CheckReport", "Finding", "NoBackup", "Restored")


def __getattr__(name: str) -> Any:
    """The pipeline's types, imported when first asked for."""
    if name in _FROM_PIPELINE or name == "RowIssue":
        import pipeline

        value = getattr(pipeline, name)
    elif name in _FROM_KEEPING:
        from pipeline import keeping

        value = getattr(keeping, name)
    elif name == "Progress":
        from pipeline.loading import Progress

        value = Progress
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "BackedUp",
    "Backup",
    "CatalogDraft",
    "CheckReport",
    "Checked",
    "DraftRefused",
    "EarlierLoad",
    "Evaluated",
    "FileResult",
    "Finding",
    "IngestBusy",
    "IngestOptions",
    "IngestReport",
    "Ingested",
    "Initialised",
    "LoadFiles",
    "NoBackup",
    "Progress",
    "ReadOnlyWarehouse",
    "Restored",
    "RowIssue",
    "Service",
    "Snapshot",
    "StatusRefused",
    "UploadTooLarge",
    "WarehouseBusy",
    "WarehouseDamaged",
    "WarehouseMissing",
    "WordsRefused",
]
