"""The one application door: faces (the command line, the dashboard, the launcher) ask the
`Service`, which opens the warehouse from the settings once, holds the clock, decides
flow or direct, applies who may do what and answers with typed results."""

from pipeline import Checked, FileResult, IngestBusy, IngestOptions, IngestReport, RowIssue
from pipeline.keeping import BackedUp, Backup, CheckReport, Finding, NoBackup, Restored
from pipeline.limits import UploadTooLarge
from pipeline.loading import Progress
from service.door import Evaluated, Ingested, Initialised, LoadFiles, Service
from warehouse import WarehouseBusy, WarehouseDamaged, WarehouseMissing

__all__ = [
    "BackedUp",
    "Backup",
    "CheckReport",
    "Checked",
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
    "Restored",
    "RowIssue",
    "Service",
    "UploadTooLarge",
    "WarehouseBusy",
    "WarehouseDamaged",
    "WarehouseMissing",
]
