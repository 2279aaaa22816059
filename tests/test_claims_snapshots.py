"""Past one machine, on one host: inbox claims shared by several runs, the takeover of a dead
run's files (loaded exactly once), and published snapshots read read-only."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from access.roles import SYSTEM
from kernel.settings import load_settings
from pipeline import IngestOptions, Loader
from pipeline.claims import LEASE, PROCESSING, Claimer
from pipeline.resources import Resources
from service import ReadOnlyWarehouse, Service
from tests.conftest import ready_service

HEADER = "indicator_id,period,value,org_unit,note\n"


def _drop(inbox: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        folder = inbox / ("joho-kikaku" if n % 2 else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"f{n:03d}.csv"
        path.write_text(HEADER + f"wifi_access_points,2019-{n % 12 + 1:02d},{600 + n},,\n")
        paths.append(path)
    return paths


def test_runs_racing_for_the_inbox_claim_each_file_once(home: Path) -> None:
    inbox = home / "inbox"
    _drop(inbox, 60)
    taken: dict[str, list[str]] = {}

    def run(name: str) -> None:
        with Claimer(inbox, name, stale_after=60, settle_seconds=0) as claimer:
            for claim in claimer.claims():
                taken.setdefault(claim.origin.name, []).append(name)
                assert claim.path.parent.name in (name, "joho-kikaku")
                claim.path.unlink()  # loaded and taken away

    threads = [threading.Thread(target=run, args=(f"run{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 60 and all(len(runs) == 1 for runs in taken.values())
    assert len({runs[0] for runs in taken.values()}) > 1  # shared out, not one run's
    assert list(inbox.iterdir()) == [inbox / "joho-kikaku"]  # no claim folder left behind


def _stale(folder: Path) -> None:
    old = time.time() - 3600
    os.utime(folder / LEASE, (old, old))


def test_a_dead_run_s_files_are_taken_over_and_loaded_exactly_once(home: Path) -> None:
    service = ready_service()
    settings = service.settings
    inbox = settings.inbox
    first, second = _drop(inbox, 2)  # f000 at the top (system), f001 in joho-kikaku/
    resources = Resources.open(settings)
    loader = Loader(settings, resources.warehouse, resources.catalog(), resources.clock)
    # A run claims both files and commits the first one's load, then dies (no archive yet,
    # no unlink): the second file's load never began.
    dead = Claimer(inbox, "dead-run", stale_after=30, settle_seconds=0)
    dead.folder.mkdir(parents=True)
    (dead.folder / LEASE).touch()
    claims = []
    for path in (first, second):
        target = dead.folder / path.relative_to(inbox)
        target.parent.mkdir(parents=True, exist_ok=True)
        path.rename(target)
        claims.append(target)
    committed = loader.load(claims[0], IngestOptions(keep_source=True), first)
    assert committed.status == "loaded"
    _stale(dead.folder)

    with Claimer(inbox, "heir", stale_after=30, settle_seconds=0) as heir:
        results = [
            loader.load(c.path, IngestOptions(), c.origin, c.recovered) for c in heir.claims()
        ]
    by_name = {r.name: r for r in results}
    assert by_name["f000.csv"].status == "duplicate"  # committed by the dead run: not again
    assert by_name["f001.csv"].status == "loaded"  # never committed: loaded now
    loads = resources.warehouse.loads()
    assert sorted(loads["file_name"]) == ["f000.csv", "f001.csv"]
    assert set(loads.loc[loads["file_name"] == "f001.csv", "section"]) == {"joho-kikaku"}
    assert (settings.archive / committed.sha256).exists()
    assert not (inbox / PROCESSING).exists()


def test_a_live_run_s_claims_are_left_alone(home: Path) -> None:
    inbox = home / "inbox"
    _drop(inbox, 1)
    with Claimer(inbox, "alive", stale_after=30, settle_seconds=0) as alive:
        [claim] = list(alive.claims())
        with Claimer(inbox, "other", stale_after=30, settle_seconds=0) as other:
            assert list(other.claims()) == []
        assert claim.path.exists()
        claim.path.unlink()


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
