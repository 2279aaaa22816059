"""The pipeline's steps as plain functions: check an upload, load a file, ingest a run of
files, evaluate and alert. The Prefect flows wrap them; the service runs them directly
when no Prefect server is at hand.

Each name is imported from its module on first use: checking brings the parser and Great
Expectations' wrapper, evaluating the alert channels, and a command pays only for the
steps it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.checking import Checked, RowIssue, check_upload, prepare_validation
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

_CHECKING = ("Checked", "RowIssue", "check_upload", "prepare_validation")
_EVALUATING = ("Delivered", "deliver_due", "evaluate_and_alert", "evaluation")
_INBOX = ("filesystem_now", "inbox_files")
_INGESTING = ("IngestReport", "inbox_run", "ingest_files", "run_ingestion")
_LOADING = ("WARM_UP_BYTES", "FileResult", "IngestBusy", "IngestOptions", "Loader", "fingerprint")


def __getattr__(name: str) -> Any:
    """A step's name, imported from its module when first asked for."""
    if name in _CHECKING:
        from pipeline import checking as module
    elif name in _EVALUATING:
        from pipeline import evaluating as module
    elif name in _INBOX:
        from pipeline import inbox as module
    elif name in _INGESTING:
        from pipeline import ingesting as module
    elif name in _LOADING:
        from pipeline import loading as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


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
    "prepare_validation",
    "run_ingestion",
]
