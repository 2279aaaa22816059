"""The pipeline's steps as plain functions: check an upload, load a file, ingest a run of
files, evaluate and alert. The Prefect flows wrap them; the service runs them directly
when no Prefect server is at hand."""

from pipeline.checking import Checked, RowIssue, check_upload
from pipeline.evaluating import Delivered, deliver_due, evaluate_and_alert, evaluation
from pipeline.inbox import filesystem_now, inbox_files
from pipeline.ingesting import IngestReport, inbox_run, ingest_files, run_ingestion
from pipeline.loading import (
    WARM_UP_BYTES,
    FileResult,
    IngestBusy,
    IngestOptions,
    Loader,
    fingerprint,
)

__all__ = [
    "WARM_UP_BYTES",
    "Checked",
    "Delivered",
    "FileResult",
    "IngestBusy",
    "IngestOptions",
    "IngestReport",
    "Loader",
    "RowIssue",
    "check_upload",
    "deliver_due",
    "evaluate_and_alert",
    "evaluation",
    "filesystem_now",
    "fingerprint",
    "inbox_files",
    "inbox_run",
    "ingest_files",
    "run_ingestion",
]
