"""A progress display for long command-line work: one bar over the files, and the
step the current file is at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from service import Progress as ProgressHook

STEPS = ("fingerprint", "parse", "validate", "write")


@contextmanager
def ingest_progress(enabled: bool = True) -> Iterator[ProgressHook | None]:
    """A hook that advances a bar per file step; None when the display is off."""
    if not enabled:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} files"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("…", total=0)
        seen: set[str] = set()

        def hook(name: str, step: str) -> None:
            if name not in seen:
                if seen:
                    bar.advance(task)
                seen.add(name)
                bar.update(task, total=len(seen))
            bar.update(task, description=f"{name}: {step}")

        yield hook
        bar.update(task, completed=len(seen))
