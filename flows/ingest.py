"""The `ingest` flow: every file waiting in the inbox, or the files of a job the service
wrote, one task each; a markdown artifact summarising the run; then, if anything changed,
the evaluation's steps in the same run (the task and artifact the `evaluate` flow has).

The inbox is drained through claims (pipeline/inbox.py): the run takes one settled file at a
time by renaming it into a folder of its own, so that several runs — a manual run beside the
schedule, or runs on several hosts of a work pool — share the inbox and each file is loaded
by exactly one of them; the claims of a run that died go back to the inbox and are loaded
once. In a work pool the scheduled run starts SHIHYO_INGEST_RUNS - 1 helper runs of the same
deployment, which the other workers pick up; each load writes in the one writer's slot."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from pydantic import BaseModel

from access.roles import Actor
from flows import runtime
from flows.evaluate import evaluation
from flows.writers import WriterLimit
from kernel.settings import Settings
from pipeline import FileResult, IngestOptions, IngestReport, Loader, inbox_files, inbox_run
from pipeline.inbox import ClaimLost

DEPLOYMENT = "ingest/inbox"


class IngestRun(BaseModel):
    """The flow's one parameter: the job the service wrote (files, options and who acts),
    or none for the scheduled run over the inbox, which acts by inbox folder; `helper`: a
    run the scheduled one started to drain the inbox beside it (it starts none itself)."""

    job_id: int | None = None
    evaluate_after: bool = True
    helper: bool = False


class JobNotFound(LookupError):
    """The job does not exist, is of another kind, or has already run."""


def _job(run: IngestRun) -> tuple[list[str] | None, str | None, IngestOptions]:
    """The files, inbox and options of the run: its job's, or the inbox's defaults."""
    if run.job_id is None:
        return None, None, IngestOptions()
    job = runtime.resources().warehouse.start_job(run.job_id, "ingest")
    if job is None:
        raise JobNotFound(f"no ingest job {run.job_id} waiting to run")
    # An empty actor: decided by where each file lies (the inbox folder, else the system).
    who = job.actor
    actor = Actor(who["name"], who["role"], tuple(who.get("sections") or ())) if who else None
    options = job.options
    return (
        options.get("files"),
        options.get("inbox"),
        IngestOptions(
            strict=bool(options.get("strict")),
            period=options.get("period"),
            uploaded_by=options.get("uploaded_by"),
            section=options.get("section"),
            keep_source=bool(options.get("keep_source")),
            actor=actor,
            allow_revert=bool(options.get("allow_revert")),
            sent_name=options.get("sent_name"),
        ),
    )


@task(name="load-file", persist_result=False)
def load_file(path: str, options: IngestOptions) -> FileResult | None:
    """Load one file; a task so that each file shows in the Prefect UI. None when a claimed
    inbox file was given back meanwhile (the run that did loads it)."""
    res = runtime.resources()
    loader = Loader(res.settings, res.warehouse, res.catalog(), res.clock, runtime.progress())
    try:
        result = loader.load(Path(path), options)
    except ClaimLost:
        return None
    runtime.hand_back(result)
    return result


def _load_all(
    run: IngestRun, paths: list[str] | None, inbox: str | None, options: IngestOptions
) -> IngestReport:
    """The files named, else the inbox's, each claimed for this run as it comes (after
    starting the helper runs, for the scheduled run in a work pool)."""
    if paths:
        results = [load_file(path, options) for path in paths]
    else:
        res = runtime.resources()
        if inbox is None and not run.helper and (started := _start_helpers(res.settings)):
            print(f"{started} helper runs started to drain the inbox")
        with inbox_run(res.settings, res.warehouse, inbox) as claims:
            results = [load_file(str(path), options) for path in claims.claims()]
    return IngestReport([r for r in results if r is not None])


def _start_helpers(settings: Settings) -> int:
    """In a work pool, start SHIHYO_INGEST_RUNS - 1 helper runs of the inbox deployment
    when more than one file waits; how many were started."""
    if not settings.work_pool or settings.ingest_runs < 2:
        return 0
    if len(inbox_files(settings.inbox, settings.inbox_settle)) < 2:
        return 0
    from prefect.deployments import run_deployment

    helpers = settings.ingest_runs - 1
    for _ in range(helpers):
        run_deployment(
            DEPLOYMENT,
            parameters={"run": IngestRun(helper=True).model_dump()},
            timeout=0,
            as_subflow=False,
        )
    return helpers


@flow(name="ingest", persist_result=False, log_prints=True)
def ingest(run: IngestRun | None = None) -> dict:
    """Load every file waiting in the inbox, or a job's files, and summarise the run; then,
    if anything was loaded or rejected, evaluate the targets and alert. Returns the run's
    counts per file (the rejected rows stay in the warehouse and the errors files)."""
    run = run or IngestRun()
    res = runtime.resources()
    files, inbox, options = _job(run)
    report = _load_all(run, files, inbox, options)
    if report.files:
        create_markdown_artifact(
            report.markdown(), key="ingest-summary", description="files, rows accepted and rejected"
        )
    print(
        f"{len(report.files)} files, {report.rows_accepted} rows accepted, "
        f"{report.rows_rejected} rejected"
    )
    if report.changed and run.evaluate_after:
        evaluation(None)
    res.warehouse.publish_snapshot()  # readers on other hosts see the run's last load
    if isinstance(res.warehouse.writer, WriterLimit) and res.warehouse.writer.turns:
        print(res.warehouse.writer.summary())  # the wait for the one writer, in the UI
    return report.as_dict(errors=False)
