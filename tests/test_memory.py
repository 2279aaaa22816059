"""Imports out of the garbage collector's sight (kernel/memory.py): paused while they run,
frozen after, and the collector as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from kernel.memory import long_lived


@pytest.fixture(autouse=True)
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable() if enabled else gc.disable()


def test_the_collector_pauses_within_and_what_was_made_is_frozen_after() -> None:
    gc.enable()
    with long_lived():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)
    watched = {id(o) for o in gc.get_objects()}  # the generations the collector walks
    assert not any(id(m) in watched for m in made)


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with long_lived():
        pass
    assert not gc.isenabled()


def test_the_collector_runs_again_only_when_the_last_block_ends() -> None:
    gc.enable()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with long_lived():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with long_lived():
        pass
    assert not gc.isenabled()  # the other thread is still importing
    leave.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_error_within_still_restores_the_collector() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), long_lived():
        raise RuntimeError("import failed")
    assert gc.isenabled()
