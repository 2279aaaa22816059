"""The parse server's preparations and runs (intake/isolation.py), and the validation of a
command's flow path in its children (pipeline/checking.py): the same outcome as here."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import pipeline.checking
from expectations import shared_engine, validate_observations
from intake.isolation import IsolatedRunFailed, prepare, prepared, run_isolated, stop
from pipeline.checking import APART_BYTES, validate, validated_apart
from tests import isolation_probe
from tests.isolation_probe import end_abruptly, large, mark, numbers, refuse, texts, where
from tests.test_expectations import CONTEXT, frame, row


@pytest.fixture(autouse=True)
def fresh_server() -> Iterator[None]:
    stop()
    yield
    stop()


def test_a_run_returns_what_the_function_returns_computed_in_a_child_of_the_server() -> None:
    child, server, _ = run_isolated(where)
    again, same_server, _ = run_isolated(where)
    assert os.getpid() not in (child, server, again)
    assert server == same_server and child != again  # one server, a child for each run


def test_what_the_server_prepared_every_later_child_starts_with() -> None:
    assert not prepared(mark)
    prepare(mark)
    assert prepared(mark)
    _, server, marks = run_isolated(where)
    assert marks == [server]  # called once, in the server itself, before the child forked
    prepare(mark)  # asked again of the same server: nothing more
    assert run_isolated(where)[2] == [server]
    assert isolation_probe.PREPARED_IN == []  # never here
    stop()
    assert not prepared(mark)
    assert run_isolated(where)[2] == []  # a new server, prepared with nothing


def test_a_preparation_that_fails_is_forgotten_and_the_server_goes_on() -> None:
    prepare(refuse)
    _, server, _ = run_isolated(where)  # waits for the preparation to end
    deadline = time.monotonic() + 10
    while prepared(refuse) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not prepared(refuse)
    assert run_isolated(where)[1] == server


def test_an_error_in_the_child_comes_back_as_a_failure_and_the_server_goes_on() -> None:
    _, server, _ = run_isolated(where)
    with pytest.raises(IsolatedRunFailed, match="ValueError: refused on purpose"):
        run_isolated(refuse)
    assert run_isolated(where)[1] == server


def test_a_child_that_ends_without_an_outcome_is_a_crash_and_the_server_goes_on() -> None:
    _, server, _ = run_isolated(where)
    with pytest.raises(IsolatedRunFailed, match="crash: 3"):
        run_isolated(end_abruptly)
    assert run_isolated(where)[1] == server


def test_an_outcome_reaches_the_caller_without_passing_through_the_server() -> None:
    # The child writes its outcome into a memory file of its own, handed to this process:
    # the server never holds the outcome (a parsed million rows would double its memory,
    # and take a copy more).
    size = 256
    server, outcome = run_isolated(large, size)
    assert len(outcome) == size << 20
    status = Path(f"/proc/{server}/status").read_text().splitlines()
    peak_kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    assert peak_kib < size << 10


def mapped_from_outcome_files() -> list[tuple[int, int]]:
    """The address ranges this process maps from the children's memory files."""
    ranges = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        if "memfd:shihyo-outcome" in line:
            start, end = line.split()[0].split("-")
            ranges.append((int(start, 16), int(end, 16)))
    return ranges


def test_an_outcomes_column_buffers_are_used_where_the_child_wrote_them() -> None:
    # A parsed million rows is ~100 MB, most of it the text columns' Arrow buffers and the
    # numbers' arrays: they are mapped from the child's memory file, not copied to here.
    column = run_isolated(texts, 100_000)
    assert column.tolist() == [f"row {n}" for n in range(100_000)]
    data = column.array._pa_array.chunks[0].buffers()[-1]  # the texts' characters
    counted = run_isolated(numbers, 100_000)
    assert counted.tolist() == list(range(100_000))
    ranges = mapped_from_outcome_files()
    for address in (data.address, counted.ctypes.data):
        assert any(start <= address < end for start, end in ranges)
    # Mapped copy-on-write: what is built on them may be written to, as on any other.
    counted[0] = -1
    column.iloc[0] = "changed"
    assert counted[0] == -1 and column.iloc[0] == "changed"


def test_an_outcome_with_empty_buffers_only_comes_back_whole() -> None:
    assert run_isolated(numbers, 0).tolist() == []
    assert run_isolated(texts, 0).tolist() == []


def test_a_folder_named_intake_where_the_caller_is_is_not_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python -m puts the working directory first on the path; the server is this code's.
    (tmp_path / "intake").mkdir()
    (tmp_path / "intake" / "__init__.py").write_text("raise SystemExit('not shihyo')\n")
    monkeypatch.chdir(tmp_path)
    child, server, _ = run_isolated(where)
    assert os.getpid() not in (child, server)


# ── validation in the server's children ──────────────────────────────────────

FAILING = frame(
    row(10, "wifi", dt.date(2024, 4, 1), 6001),  # a jump: a warning
    row(11, "nope", dt.date(2024, 2, 1), 1),  # unknown indicator
    row(12, "wifi", dt.date(2024, 3, 1), 5),  # a duplicate key of row 3
    row(13, "cum", dt.date(2024, 4, 1), 125),  # a running total falling within the file
    row(14, "rate", dt.date(2023, 4, 1), 140, granularity="fiscal_year", period_text="2023"),
)


def spy_on_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions pipeline.checking runs in the server's children."""
    runs: list[str] = []

    def spied(function, *args, **kwargs):  # type: ignore[no-untyped-def]
        runs.append(function.__name__)
        return run_isolated(function, *args, **kwargs)

    monkeypatch.setattr(pipeline.checking, "run_isolated", spied)
    return runs


def as_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process as a command's: it has not built Great Expectations' engine (the tests'
    process has, once any test validated), so a prepared server validates its files."""
    monkeypatch.setattr(pipeline.checking, "engine_built", lambda: False)


def test_a_file_validated_in_the_server_is_judged_as_here(monkeypatch: pytest.MonkeyPatch) -> None:
    here = validate_observations(FAILING, CONTEXT)
    assert here.row_failures and here.warnings  # the file has something to find
    as_a_command(monkeypatch)
    runs = spy_on_runs(monkeypatch)
    assert not validated_apart(1000)
    assert validate(FAILING, CONTEXT, 1000) == here and runs == []  # nothing prepared
    prepare(shared_engine)
    assert validated_apart(1000) and not validated_apart(APART_BYTES + 1)
    assert validate(FAILING, CONTEXT, 1000) == here
    assert runs == ["validate_observations"]
    assert validate(FAILING, CONTEXT, APART_BYTES + 1) == here  # a large file: here
    assert runs == ["validate_observations"]


def test_a_child_that_fails_to_validate_leaves_the_file_to_be_validated_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fails(*_args: object, **_kwargs: object) -> None:
        raise IsolatedRunFailed("crash")

    as_a_command(monkeypatch)
    prepare(shared_engine)
    assert validated_apart(1000)
    monkeypatch.setattr(pipeline.checking, "run_isolated", fails)
    assert validate(FAILING, CONTEXT, 1000) == validate_observations(FAILING, CONTEXT)


def test_only_small_files_have_the_server_prepare_validation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_a_command(monkeypatch)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    small.write_bytes(b"x" * 100)
    with large.open("wb") as out:
        out.truncate(APART_BYTES + 1)
    pipeline.checking.prepare_validation([small, large])
    assert not prepared(shared_engine)
    pipeline.checking.prepare_validation([tmp_path / "missing.csv"])
    assert not prepared(shared_engine)
    pipeline.checking.prepare_validation([small, tmp_path / "missing.csv"])
    assert prepared(shared_engine)


def test_a_process_that_built_the_engine_validates_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The dashboard's process, after its first preview: a prepared server would only add a
    # process holding a second engine, and its validations would wait behind parses.
    shared_engine()
    small = tmp_path / "small.csv"
    small.write_bytes(b"x" * 100)
    pipeline.checking.prepare_validation([small])
    assert not prepared(shared_engine)
    prepare(shared_engine)  # prepared by someone else all the same: still judged here
    runs = spy_on_runs(monkeypatch)
    assert not validated_apart(1000)
    assert validate(FAILING, CONTEXT, 1000) == validate_observations(FAILING, CONTEXT)
    assert runs == []
