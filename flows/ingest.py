"""The `ingest` flow: every file waiting in the inbox (or the files named), one task
each, then a markdown artifact summarising the run. The work itself is in
flows/loading.py; `run_ingest` runs the same steps without Prefect."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from access.roles import Actor
from flows.loading import FileResult, IngestOptions, Loader, Progress, inbox_files
from kernel.settings import Settings, load_settings
from warehouse import Warehouse

# The CLI's progress display, handed to the flow without passing a callable as a
# flow parameter (parameters are sent to the Prefect API and must be data).
progress_hook: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "progress_hook", default=None
)


@dataclass
class IngestReport:
    """The files of one run and the totals."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def changed(self) -> bool:
        """True when a file was loaded or rejected, so that targets and alerts need a look."""
        return any(f.status != "duplicate" for f in self.files)

    @property
    def clean(self) -> bool:
        """True when no row and no file was rejected."""
        return all(f.status in ("loaded", "duplicate") for f in self.files)

    def as_dict(self) -> dict:
        return {
            "files": [f.as_dict() for f in self.files],
            "rows_accepted": self.rows_accepted,
            "rows_rejected": self.rows_rejected,
        }

    def markdown(self) -> str:
        """A table of the run's files for the Prefect UI."""
        lines = [
            "# 取込結果 / Ingestion",
            "",
            f"files: {len(self.files)} · rows accepted: {self.rows_accepted:,} · "
            f"rows rejected: {self.rows_rejected:,} · duplicates: "
            f"{sum(f.status == 'duplicate' for f in self.files)}",
            "",
            "| file | status | accepted | rejected | new | revised | unchanged |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for f in self.files:
            name = f.name.replace("|", "\\|")
            lines.append(
                f"| {name} | {f.status} | {f.rows_accepted:,} | {f.rows_rejected:,} | "
                f"{f.rows_new:,} | {f.rows_revised:,} | {f.rows_unchanged:,} |"
            )
        return "\n".join(lines)


def _paths(settings: Settings, files: list[str] | None, inbox: str | None) -> list[Path]:
    if files:
        return [Path(f) for f in files]
    return inbox_files(Path(inbox) if inbox else settings.inbox, settings.inbox_settle)


def _loader(settings: Settings) -> Loader:
    warehouse = Warehouse.of(settings)
    return Loader(settings, warehouse, progress_hook.get())


def run_ingest(
    files: list[str] | None = None,
    inbox: str | None = None,
    options: IngestOptions | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    """Load the files (or the inbox) without Prefect; the same steps as the flow."""
    settings = settings or load_settings()
    options = options or IngestOptions(keep_source=bool(files))
    loader = _loader(settings)
    return IngestReport([loader.load(path, options) for path in _paths(settings, files, inbox)])


def _actor(data: dict | None) -> Actor | None:
    """The acting user, sent to the flow as plain data (flow parameters are JSON)."""
    if data is None:
        return None
    return Actor(data["name"], data["role"], tuple(data.get("sections") or ()))


@task(name="load-file", persist_result=False)
def load_file(path: str, options: IngestOptions) -> FileResult:
    """Load one file; a task so that each file shows in the Prefect UI."""
    settings = load_settings()
    return _loader(settings).load(Path(path), options)


@flow(name="ingest", persist_result=False, log_prints=True)
def ingest(
    files: list[str] | None = None,
    inbox: str | None = None,
    strict: bool = False,
    period: str | None = None,
    uploaded_by: str | None = None,
    section: str | None = None,
    actor: dict | None = None,
    evaluate_after: bool = True,
) -> dict:
    """Load every file waiting in the inbox, or the files given, and summarise the run;
    then, if anything was loaded or rejected, evaluate the targets and alert."""
    settings = load_settings()
    options = IngestOptions(
        strict=strict,
        period=period,
        uploaded_by=uploaded_by,
        section=section,
        keep_source=bool(files),
        actor=_actor(actor),
    )
    report = IngestReport(
        [load_file(str(path), options) for path in _paths(settings, files, inbox)]
    )
    if report.files:
        create_markdown_artifact(
            report.markdown(), key="ingest-summary", description="files, rows accepted and rejected"
        )
    print(
        f"{len(report.files)} files, {report.rows_accepted} rows accepted, "
        f"{report.rows_rejected} rejected"
    )
    if report.changed and evaluate_after:
        from flows.evaluate import evaluate  # imported here: evaluate imports ingest's peers

        evaluate()
    return report.as_dict()
