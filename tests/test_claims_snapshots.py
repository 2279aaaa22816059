"""Past one machine, on one host: inbox claims shared by several runs, a dead run's claims
(from another host) given back and loaded exactly once — also while a live run is at work —
and published snapshots read read-only."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from access.roles import SYSTEM
from kernel.settings import load_settings
from pipeline import IngestOptions, run_ingestion
from pipeline.inbox import ALIVE, CLAIMS, InboxRun
from pipeline.resources import Resources
from service import ReadOnlyWarehouse, Service
from tests.conftest import loader_for, open_warehouse, ready_service

HEADER = "indicator_id,period,value,org_unit,note\n"
TRUSTED = IngestOptions(trusted=True)


def _drop(inbox: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        folder = inbox / ("joho-kikaku" if n % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"f{n:03d}.csv"
        path.write_text(HEADER + f"wifi_access_points,2019-{n % 12 + 1:02d},{600 + n},,\n")
        paths.append(path)
    return paths


def _never_recorded(_claim: str) -> bool:
    return False


def test_runs_racing_for_the_inbox_claim_each_file_once(home: Path) -> None:
    inbox = home / "inbox"
    _drop(inbox, 60)
    taken: dict[str, list[str]] = {}

    def run() -> None:
        with InboxRun(inbox, 0, 60, _never_recorded) as claims:
            for path in claims.claims():
                taken.setdefault(path.name, []).append(claims.id)
                assert claims.id in path.parts
                path.unlink()  # loaded and taken away

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 60 and all(len(runs) == 1 for runs in taken.values())
    assert len({runs[0] for runs in taken.values()}) > 1  # shared out, not one run's
    assert list(inbox.iterdir()) == [inbox / "joho-kikaku"]  # no claim folder left behind


def _dead_run(inbox: Path, name: str, files: dict[str, str], age: float) -> Path:
    """The claim folder of a run on another host, its last sign of life `age` seconds ago:
    each claim number holding one file (a path in the inbox: its content)."""
    folder = inbox / CLAIMS / name
    for number, (where, text) in enumerate(files.items(), start=1):
        target = folder / str(number) / where
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    (folder / ALIVE).touch()
    seen = time.time() - age
    os.utime(folder / ALIVE, (seen, seen))
    return folder


def test_a_dead_host_s_claims_are_given_back_and_loaded_exactly_once(home: Path) -> None:
    settings = ready_service().settings
    inbox = settings.inbox
    rows = {
        "f000.csv": HEADER + "wifi_access_points,2019-04,600,,\n",
        "joho-kikaku/f001.csv": HEADER + "wifi_access_points,2019-05,610,,\n",
    }
    # A run on host w1 claimed both files and committed the first one's load (its record
    # names the claim), then the host was lost: the second file's load never began.
    dead = _dead_run(inbox, "w1-4242-0badc0de", rows, age=3600)
    committed = loader_for(settings).load(dead / "1" / "f000.csv", IngestOptions(keep_source=True))
    assert committed.status == "loaded"

    report = run_ingestion(loader_for(settings), None, None, TRUSTED)
    assert [(f.name, f.status) for f in report.files] == [("f001.csv", "loaded")]
    loads = open_warehouse(settings).loads()
    assert sorted(loads["file_name"]) == ["f000.csv", "f001.csv"]  # each once
    assert set(loads.loc[loads["file_name"] == "f001.csv", "section"]) == {"joho-kikaku"}
    assert (settings.archive / committed.sha256).exists()
    assert not (inbox / CLAIMS).exists()


def test_a_live_run_takes_back_the_claims_of_a_run_that_dies_meanwhile(home: Path) -> None:
    inbox = home / "inbox"
    _drop(inbox, 2)
    # Alive when the run starts; no sign of life after that.
    _dead_run(inbox, "w1-4242-0badc0de", {"joho-kikaku/lost.csv": HEADER}, age=0)
    names = []
    with InboxRun(inbox, 0, 0.4, _never_recorded) as run:
        assert run.given_back == (0, 0)
        for path in run.claims():
            names.append(path.name)
            path.unlink()
            time.sleep(0.3)
    assert names == ["f000.csv", "f001.csv", "lost.csv"]  # the scan after the give-back
    assert run.given_back == (1, 0)
    assert list(inbox.iterdir()) == [inbox / "joho-kikaku"]


def test_a_live_run_s_claims_are_left_alone(home: Path) -> None:
    inbox = home / "inbox"
    _drop(inbox, 1)
    with InboxRun(inbox, 0, 30, _never_recorded) as alive:
        [claimed] = list(alive.claims())
        with InboxRun(inbox, 0, 30, _never_recorded) as other:
            assert list(other.claims()) == []
            assert other.given_back == (0, 0)
        assert claimed.exists()
        claimed.unlink()


def test_snapshots_are_published_whole_and_read_read_only(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIHYO_SNAPSHOT_SECONDS", "0.001")
    service = ready_service()
    settings = service.settings
    path = home / "a.csv"
    path.write_text(HEADER + "wifi_access_points,2019-04,600,,\n")
    service.ingest([str(path)], options=IngestOptions(keep_source=True))
    folder = settings.snapshots
    names = sorted(p.name for p in folder.iterdir())
    assert "CURRENT" in names and not [n for n in names if n.startswith(".")]
    assert len([n for n in names if n.endswith(".duckdb")]) <= 4  # old versions pruned

    monkeypatch.setenv("SHIHYO_READ", "snapshot")
    replica = Service(load_settings())
    published = replica.snapshot()
    assert published is not None and published.path.parent == folder
    loads = replica.loads(SYSTEM)
    assert list(loads["file_name"]) == ["a.csv"]
    assert replica.evaluation().as_of == service.today()
    with pytest.raises(ReadOnlyWarehouse):
        Resources.open(load_settings()).reader.add_job("ingest", {}, {})
    # The live warehouse goes on; the replica sees the next version once it is published.
    second = home / "b.csv"
    second.write_text(HEADER + "wifi_access_points,2019-05,610,,\n")
    service.ingest([str(second)], options=IngestOptions(keep_source=True))
    assert replica.snapshot().version > published.version
    assert sorted(replica.loads(SYSTEM)["file_name"]) == ["a.csv", "b.csv"]
