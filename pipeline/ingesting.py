"""One ingestion run: the files named, or those waiting in the inbox (each claimed by this
run as it comes to it, so that runs at once share the work), loaded one by one, and what
happened to them all."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from kernel.settings import Settings
from pipeline.inbox import ClaimLost, InboxRun
from pipeline.loading import FileResult, IngestOptions, Loader
from warehouse import Warehouse


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
        return any(f.status not in ("duplicate", "held") for f in self.files)

    @property
    def clean(self) -> bool:
        """True when no row and no file was rejected."""
        return all(f.status in ("loaded", "duplicate") for f in self.files)

    def as_dict(self, errors: bool = True) -> dict:
        """The run as plain data; without the rejected rows when `errors` is false (they
        stay in the warehouse's quarantine and the errors files)."""
        return {
            "files": [f.as_dict(errors) for f in self.files],
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

    @classmethod
    def from_dict(cls, data: dict) -> IngestReport:
        """The run from `as_dict`'s data."""
        return cls([FileResult.from_dict(f) for f in data["files"]])

    def with_rows(self, loaded: Iterable[FileResult]) -> IngestReport:
        """The run with each file's rejected rows and warnings taken from `loaded`, the whole
        results of the same loads (a flow returns its files' counts only); a file not among
        them is kept as it is."""
        whole = {(f.name, f.sha256, f.load_id, f.status): f for f in loaded}
        files = []
        for file in self.files:
            match = whole.get((file.name, file.sha256, file.load_id, file.status))
            if match is not None:
                file = replace(file, errors=match.errors, warnings=match.warnings)
            files.append(file)
        return IngestReport(files)


def ingest_files(loader: Loader, paths: Iterable[Path], options: IngestOptions) -> IngestReport:
    """Load each file in turn with `loader` (a claimed file given back meanwhile is skipped:
    the run that gave it back loads it)."""
    results = []
    for path in paths:
        try:
            results.append(loader.load(path, options))
        except ClaimLost:
            continue
    return IngestReport(results)


@contextmanager
def inbox_run(
    settings: Settings, warehouse: Warehouse, inbox: str | None = None
) -> Iterator[InboxRun]:
    """A run over the inbox (the one given, or the settings'): claims of dead runs given back
    first, this run's claims renewed while it lasts and, at its end, those it did not finish
    (a file left for the next run) given back."""
    root = Path(inbox) if inbox else settings.inbox
    recorded: Callable[[str], bool] = warehouse.claim_recorded
    with InboxRun(root, settings.inbox_settle, settings.claim_timeout, recorded) as run:
        yield run


def run_ingestion(
    loader: Loader, files: Iterable[str] | None, inbox: str | None, options: IngestOptions
) -> IngestReport:
    """Load the files named, else those waiting in the inbox, each claimed as it comes."""
    if files:
        return ingest_files(loader, [Path(f) for f in files], options)
    with inbox_run(loader.settings, loader.warehouse, inbox) as run:
        return ingest_files(loader, run.claims(), options)
