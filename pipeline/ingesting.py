"""One ingestion run: the files named (or waiting in the inbox) loaded one by one, and
what happened to them all."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kernel.settings import Settings
from pipeline.loading import FileResult, IngestOptions, Loader, inbox_files


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


def paths_to_load(settings: Settings, files: Iterable[str] | None, inbox: str | None) -> list[Path]:
    """The files named, else those settled in the inbox (the one given, or the settings')."""
    if files:
        return [Path(f) for f in files]
    return inbox_files(Path(inbox) if inbox else settings.inbox, settings.inbox_settle)


def ingest_files(loader: Loader, paths: Iterable[Path], options: IngestOptions) -> IngestReport:
    """Load each file in turn with `loader`."""
    return IngestReport([loader.load(path, options) for path in paths])
