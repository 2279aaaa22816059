"""What a flow run works with. A run the service starts in its own process uses the
service's resources and progress display (handed over in context variables, since flow
parameters travel to the Prefect API and must be plain data), and hands each file's whole
result back the same way (the flow returns counts only); a scheduled run opens its own
resources from the environment."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flows.writers import writer_slot
from kernel.settings import load_settings
from pipeline.resources import Resources

if TYPE_CHECKING:
    from pipeline.loading import FileResult, Progress

_own: Resources | None = None

_resources: contextvars.ContextVar[Resources | None] = contextvars.ContextVar(
    "shihyo_resources", default=None
)
_progress: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "shihyo_progress", default=None
)
_loaded: contextvars.ContextVar[list[FileResult] | None] = contextvars.ContextVar(
    "shihyo_loaded", default=None
)


@contextmanager
def handing_over(
    resources: Resources, progress: Progress | None = None
) -> Iterator[list[FileResult]]:
    """Run flows inside this block with the caller's resources and progress display; the
    list given is filled with each loaded file's whole result, its rejected rows and
    warnings with it, which the flow's return value leaves out."""
    loaded: list[FileResult] = []
    tokens = (_resources.set(resources), _progress.set(progress), _loaded.set(loaded))
    try:
        yield loaded
    finally:
        _resources.reset(tokens[0])
        _progress.reset(tokens[1])
        _loaded.reset(tokens[2])


def hand_back(result: FileResult) -> None:
    """Give a file's whole result to the caller that handed its resources over, if any."""
    loaded = _loaded.get()
    if loaded is not None:
        loaded.append(result)


def resources() -> Resources:
    """The caller's resources, else the environment's (opened once per process, so that a
    run's writes share one writer slot and one publication schedule)."""
    handed = _resources.get()
    if handed is not None:
        return handed
    global _own
    settings = load_settings()
    if _own is None or _own.settings != settings:
        _own = Resources.open(settings, writer=writer_slot(settings))
    return _own


def progress() -> Progress | None:
    return _progress.get()
