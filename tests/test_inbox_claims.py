"""Two inbox runs at once, and a run killed half-way (issue 13, item 9): each inbox file is
claimed by one run (renamed into inbox/.processing/<run>/), so two runs share the work with
nothing crashed, lost or doubled; a dead run's claims go back to the inbox after
SHIHYO_CLAIM_TIMEOUT and are loaded exactly once."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from indicators.catalog import Catalog
from kernel.settings import Settings, load_settings
from pipeline import IngestOptions, run_ingestion
from pipeline.inbox import CLAIMS, InboxRun, filesystem_now, inbox_files
from tests.conftest import loader_for, open_warehouse, ready_service

HEADER = "indicator_id,period,value,org_unit,note\n"
TRUSTED = IngestOptions(trusted=True)  # parsed in-process: these tests are about the inbox


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    (settings.inbox / "joho-kikaku").mkdir(parents=True)
    return settings


def _drop(settings: Settings, count: int, folder: str = "joho-kikaku") -> list[str]:
    """`count` files of one figure each, for distinct org units; their names."""
    names = []
    for n in range(count):
        name = f"f{n:02d}.csv"
        row = f"wifi_access_points,2019-04,{100 + n},団体{n:02d},\n"
        (settings.inbox / folder / name).write_text(HEADER + row, encoding="utf-8")
        names.append(name)
    return names


def _run_inbox(home: str, die: str | None, start: object, out: object) -> None:
    """One inbox run in its own process; with `die`, it kills itself (SIGKILL) at its first
    write, before or after the commit."""
    os.environ["SHIHYO_HOME"] = home
    os.environ["SHIHYO_INBOX_SETTLE"] = "0"
    if die:
        from warehouse import Warehouse

        original = Warehouse.write_load

        def dying(self: Warehouse, *args: object, **kwargs: object) -> object:
            if die == "after_commit":
                original(self, *args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)

        Warehouse.write_load = dying
    loader = loader_for(load_settings())
    if start is not None:
        start.wait(60)
    report = run_ingestion(loader, None, None, TRUSTED)
    out.put([(f.name, f.status) for f in report.files])


def _claims_left(settings: Settings) -> list[str]:
    folder = settings.inbox / CLAIMS
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_two_runs_at_once_share_the_inbox_without_a_crash_loss_or_double(
    settings: Settings,
) -> None:
    names = _drop(settings, 24)
    ctx = multiprocessing.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    runs = [
        ctx.Process(target=_run_inbox, args=(str(settings.home), None, start, out))
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    time.sleep(1)  # both loaded their catalogs; then both take the inbox at once
    start.set()
    reports = [out.get(timeout=240) for _ in runs]
    for run in runs:
        run.join(60)
        assert run.exitcode == 0
    taken = [name for report in reports for name, _ in report]
    assert sorted(taken) == names  # every file once, by one run or the other
    assert {status for report in reports for _, status in report} == {"loaded"}
    print("files per run:", [len(r) for r in reports])
    assert all(reports), "each run took a share of the files"
    loads = open_warehouse(settings).loads()
    assert sorted(loads["file_name"]) == names
    assert len(open_warehouse(settings).figures("wifi_access_points")) == 24
    assert list((settings.inbox / "joho-kikaku").iterdir()) == []
    assert _claims_left(settings) == [] and not (settings.inbox / CLAIMS).exists()


@pytest.mark.parametrize("die", ["before_commit", "after_commit"])
def test_a_killed_runs_claim_goes_back_after_the_timeout_and_loads_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, die: str
) -> None:
    names = _drop(settings, 3)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    killed = ctx.Process(target=_run_inbox, args=(str(settings.home), die, None, out))
    killed.start()
    killed.join(120)
    assert killed.exitcode == -signal.SIGKILL
    claimed = _claims_left(settings)
    assert any(c.endswith("f00.csv") for c in claimed), claimed  # held by the dead run
    assert sorted(p.name for p in (settings.inbox / "joho-kikaku").iterdir()) == names[1:]

    # Within the timeout the claim is left alone: a live run may still be at it.
    first = run_ingestion(loader_for(load_settings()), None, None, TRUSTED)
    assert sorted(f.name for f in first.files) == names[1:]
    assert any(c.endswith("f00.csv") for c in _claims_left(settings))

    # Past it, the dead run's claim is given back and loaded — or, when the dead run had
    # committed its load, removed as done: either way the file is in the warehouse once.
    monkeypatch.setenv("SHIHYO_CLAIM_TIMEOUT", "1")
    time.sleep(1.5)
    second = run_ingestion(loader_for(load_settings()), None, None, TRUSTED)
    expected = ["f00.csv"] if die == "before_commit" else []
    assert [f.name for f in second.files] == expected
    loads = open_warehouse(settings).loads()
    assert sorted(loads["file_name"]) == names  # each file loaded exactly once
    assert _claims_left(settings) == []
    assert list((settings.inbox / "joho-kikaku").iterdir()) == []
    sha = loads.set_index("file_name").loc["f00.csv", "sha256"]
    assert (settings.archive / sha).exists()  # kept before the commit, never lost


def test_a_file_given_back_never_overwrites_one_sent_meanwhile(settings: Settings) -> None:
    [name] = _drop(settings, 1)
    stale = InboxRun(settings.inbox, 0, 3600, lambda _claim: False)
    with stale:
        [claimed] = list(stale.claims())
        assert not (settings.inbox / "joho-kikaku" / name).exists()
        (settings.inbox / "joho-kikaku" / name).write_text(HEADER, encoding="utf-8")  # sent again
    # the run ended without loading it: its claim went back beside the new file
    back = sorted(p.name for p in (settings.inbox / "joho-kikaku").iterdir())
    assert back == ["f00 (2).csv", "f00.csv"]
    assert not claimed.exists() and _claims_left(settings) == []


def test_the_scan_lists_links_and_pipes_without_following_them(
    settings: Settings, tmp_path: Path
) -> None:
    inbox = settings.inbox
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "dir").mkdir(parents=True)
    (elsewhere / "dir" / "inside.csv").write_text("x")
    (inbox / "plain.csv").write_text("x")
    (inbox / "link.csv").symlink_to(elsewhere / "dir" / "inside.csv")
    (inbox / "linked-folder").symlink_to(elsewhere / "dir")
    os.mkfifo(inbox / "pipe.csv")
    (inbox / CLAIMS).mkdir()
    (inbox / CLAIMS / "hidden.csv").write_text("x")
    found = inbox_files(inbox, 0, filesystem_now(inbox) + 1)
    # the link to a folder is listed as the link it is (to be refused), never entered
    assert sorted(p.name for p in found) == ["link.csv", "linked-folder", "pipe.csv", "plain.csv"]
