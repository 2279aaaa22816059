"""Running a job as a Prefect flow: the job written to the warehouse (what to do and who
asks), the flow started in this process against the API, the caller's resources handed
over, and the flow's summary turned back into the service's types."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict
from typing import TYPE_CHECKING

from flows.orchestration import choose_api, local_api, prefect_api, server_answers
from kernel.memory import long_lived
from kernel.settings import Settings

if TYPE_CHECKING:  # the flows and the steps they run are imported when a flow runs
    from pipeline import IngestOptions, IngestReport
    from pipeline.loading import Progress
    from pipeline.resources import Resources
    from warehouse import WriterSlot

__all__ = [
    "choose_api",
    "configured_api",
    "evaluate_as_flow",
    "ingest_as_flow",
    "local_api",
    "server_answers",
    "writer_slot",
]


def configured_api(settings: Settings) -> str:
    """The Prefect API the operator names (PREFECT_API_URL), else this host's local one."""
    return os.environ.get("PREFECT_API_URL") or local_api(settings)


def writer_slot(settings: Settings) -> WriterSlot | None:
    """The slot every warehouse write holds: the Prefect limit SHIHYO_WRITER_LIMIT names
    (the one writer across hosts), else none (flows/writers.py)."""
    if not settings.writer_limit:
        return None
    from flows.writers import writer_slot as slot

    return slot(settings)


def ingest_as_flow(
    resources: Resources,
    api: str,
    files: list[str] | None,
    inbox: str | None,
    options: IngestOptions,
    progress: Progress | None,
) -> IngestReport:
    """Run the ingest flow on a job written for it; the run's report, each file's rejected
    rows and warnings handed back in this process beside the counts the flow returns."""
    with long_lived():  # Prefect, imported here: see kernel/memory.py
        from flows import runtime
        from flows.ingest import IngestRun, ingest
    from pipeline import IngestReport

    actor = asdict(options.actor) if options.actor is not None else {}
    job_id = resources.warehouse.add_job(
        "ingest",
        actor,
        {
            "files": files,
            "inbox": inbox,
            "strict": options.strict,
            "period": options.period,
            "uploaded_by": options.uploaded_by,
            "section": options.section,
            "keep_source": options.keep_source,
            "allow_revert": options.allow_revert,
            "sent_name": options.sent_name,
        },
    )
    with (
        prefect_api(api, resources.settings, heartbeats=False),
        runtime.handing_over(resources, progress) as loaded,
    ):
        summary = ingest(IngestRun(job_id=job_id))
    return IngestReport.from_dict(summary).with_rows(loaded)


def evaluate_as_flow(resources: Resources, api: str, as_of: dt.date) -> dict:
    """Run the evaluate flow for `as_of`; its summary."""
    with long_lived():
        from flows import runtime
        from flows.evaluate import EvaluateRun, evaluate

    with prefect_api(api, resources.settings, heartbeats=False), runtime.handing_over(resources):
        return evaluate(EvaluateRun(as_of=as_of))
