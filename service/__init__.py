"""The one application door: faces (the command line, the dashboard, the launcher) ask the
`Service`, which opens the warehouse from the settings once, holds the clock, decides
flow or direct, applies who may do what and answers with typed results."""

from pipeline import Checked, FileResult, IngestBusy, IngestOptions, IngestReport, RowIssue
from pipeline.limits import UploadTooLarge
from pipeline.loading import Progress
from service.door import Evaluated, Ingested, Initialised, LoadFiles, Service
from warehouse import ReadOnlyWarehouse, Snapshot, WarehouseBusy, WarehouseMissing

__all__ = [
    "Checked",
    "Evaluated",
    "FileResult",
    "IngestBusy",
    "IngestOptions",
    "IngestReport",
    "Ingested",
    "Initialised",
    "LoadFiles",
    "Progress",
    "ReadOnlyWarehouse",
    "RowIssue",
    "Service",
    "Snapshot",
    "UploadTooLarge",
    "WarehouseBusy",
    "WarehouseMissing",
]
