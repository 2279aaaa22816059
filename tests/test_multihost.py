"""Past one machine, on one machine (issue 17): hosts in network namespaces made here — the
Prefect server on PostgreSQL, two workers of a process work pool, two dashboard replicas
reading published snapshots, and a browser — sharing one folder as SHIHYO_HOME.

- files dropped by 20 sections at once (200 with SHIHYO_MULTIHOST_FILES=200) are each loaded
  exactly once, across both workers;
- a worker host killed (SIGKILL to everything in its namespace) while it holds a file: its
  file is taken over by the other worker and loaded exactly once, nothing lost;
- both replicas answer the Goals page throughout, every answer from a published version, and
  no published version holds a half-written load.

Marked `multihost`; skipped, saying why, where namespaces, PostgreSQL or Chromium are
missing. SHIHYO_MULTIHOST_FILES (60 by default, 200 for the issue's full round) sets the
number of files of the first round; the second round has one file per section."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from tests.multihost import (
    CHROMIUM,
    SECTIONS,
    Cluster,
    Network,
    drop_files,
    files_under,
    integrity,
    postgresql,
    unavailable,
)

pytestmark = pytest.mark.multihost

# 60 files in the first round by default (3 per section; about 4 minutes in all here, while
# other work shares the machine's two cores); SHIHYO_MULTIHOST_FILES=200 for the full round.
FILES = int(os.environ.get("SHIHYO_MULTIHOST_FILES", "60"))


class SnapshotWatch(threading.Thread):
    """Reads every published version it can catch, as a replica would, and checks it."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.seen: dict[int, dict] = {}
        self.errors: list[str] = []
        self.done = threading.Event()

    def run(self) -> None:
        from warehouse.snapshots import current

        while not self.done.is_set():
            found = current(self.cluster.home / "snapshots")
            if found is not None and found.version not in self.seen:
                try:
                    self.seen[found.version] = integrity(found.path)
                except Exception as exc:  # a version pruned before we got to it is no error
                    if found.path.exists():
                        self.errors.append(f"version {found.version}: {exc}")
            time.sleep(0.2)


def _claimed_by(cluster: Cluster, host: str) -> list[Path]:
    folder = cluster.home / "inbox" / ".processing"
    return [
        p
        for p in files_under(folder)
        if p.relative_to(folder).parts[0].startswith(f"{host}-") and p.suffix == ".csv"
    ]


def _task_runs(cluster: Cluster, worker: str) -> int:
    log = (cluster.logs / f"worker-{worker}.log").read_text(errors="replace")
    return sum(
        1 for line in log.splitlines() if "load-file" in line and "Finished in state" in line
    )


def _live_integrity(cluster: Cluster) -> dict:
    """The live warehouse checked as the snapshots are, once no worker holds it (a run's
    evaluation may still be writing)."""
    deadline = time.monotonic() + 120
    while True:
        try:
            return integrity(cluster.home / "shihyo.duckdb")
        except Exception:  # DuckDB's lock, held by a worker's last writes
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_two_workers_two_replicas_one_writer_and_a_host_lost(tmp_path: Path) -> None:
    reason = unavailable() or (None if CHROMIUM.exists() else "needs Debian's chromium")
    if reason:
        pytest.skip(reason)
    per_section = max(1, min(10, FILES // SECTIONS))
    with (
        Network(["srv", "w1", "w2", "r1", "r2", "cl"]) as net,
        postgresql(net["srv"], tmp_path / "logs") as database,
    ):
        cluster = Cluster(net, tmp_path, ["w1", "w2"], ["r1", "r2"])
        cluster.prepare()
        cluster.start_server(database)
        cluster.start_workers()
        urls = cluster.start_replicas()
        answers, stop = cluster.start_probe(urls, "test", pause=1)
        watch = SnapshotWatch(cluster)
        watch.start()
        inbox = cluster.home / "inbox"

        # Round 1: every section drops its files at once; the schedule's run starts a helper,
        # and the two runs drain the inbox on the two workers.
        first = drop_files(inbox, cluster.sections, per_section, 1)
        started = time.monotonic()
        cluster.trigger_inbox()
        cluster.wait_archived(first, 900)
        round_one = time.monotonic() - started
        by_worker = {w: _task_runs(cluster, w) for w in cluster.workers}

        # Round 2: the host w1 is lost while it holds a file. As many files as one run cannot
        # drain before the helper run starts on the other host (a round of one file per
        # section was once drained by one worker in 10 s, before w1's helper began); the
        # months after round one's, within the year.
        second = drop_files(
            inbox, cluster.sections, max(1, min(per_section, 12 - per_section)), per_section + 1
        )
        cluster.trigger_inbox()
        deadline = time.monotonic() + 300
        while not (held := _claimed_by(cluster, "w1")):
            assert time.monotonic() < deadline, "w1 never claimed a file of the second round"
            time.sleep(0.05)
        killed = net["w1"].kill()
        lost_file = held[0].name
        # The schedule comes round again once the dead host's claim is stale.
        while cluster.waiting_in_inbox():
            time.sleep(1)
        time.sleep(10)
        cluster.trigger_inbox(via="w2")
        cluster.wait_archived(first + second, 600)

        # The final state published: every load in it, and no newer version for a few
        # seconds (the run that loaded the last file publishes again after its evaluation);
        # the replicas pick it up within seconds.
        settle = time.monotonic() + 60
        final, steady_since = None, time.monotonic()
        while time.monotonic() < settle:
            current = cluster.current_snapshot()
            if current is not None and integrity(current)["loads"] == first + second:
                if final is None or current.name != final.name:
                    final, steady_since = current, time.monotonic()
                elif time.monotonic() - steady_since >= 5:
                    break
            time.sleep(0.5)
        assert final is not None, "no published version holds every load"
        final_version = int(final.name.split(".")[0])
        published = final.stat().st_mtime
        while time.monotonic() < settle + 60:
            lines = [json.loads(x) for x in answers.read_text().splitlines()]
            shown = {
                a["replica"]
                for a in lines
                if a.get("version") == final_version and a["at"] + a["seconds"] >= published
            }
            if shown == set(urls):
                break
            time.sleep(1)
        stop.touch()
        watch.done.set()
        watch.join(timeout=10)
        time.sleep(2)
        live = _live_integrity(cluster)

    lines = [json.loads(x) for x in answers.read_text().splitlines() if '"replica"' in x]
    report = {
        "files": first + second,
        "round_one_seconds": round(round_one, 1),
        "loads_by_worker_round_one": by_worker,
        "killed_pids": len(killed),
        "file_held_by_the_lost_host": lost_file,
        "live": live,
        "versions_checked": len(watch.seen),
        "answers": {u: sum(a["replica"] == u for a in lines) for u in urls},
        "failed_answers": [a for a in lines if not a["ok"]][:5],
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))

    # Each file loaded exactly once, nothing lost, across both workers.
    assert live == {"loads": first + second, "half_written": 0, "doubled": 0}, report
    assert cluster.archived() == first + second
    assert not cluster.waiting_in_inbox() and not (inbox / ".processing").exists()
    assert all(count > 0 for count in by_worker.values()), report
    # The replicas answered throughout, from published versions only, never going back.
    assert not watch.errors and watch.seen, report
    assert all(v["half_written"] == 0 and v["doubled"] == 0 for v in watch.seen.values())
    assert all(count >= 5 for count in report["answers"].values()), report
    assert not report["failed_answers"], report
    for url in urls:
        versions = [a["version"] for a in lines if a["replica"] == url]
        assert None not in versions, f"{url} answered without naming a published version"
        assert versions == sorted(versions), f"{url} went back to an older version"
        assert versions[-1] == final_version, f"{url} did not pick up the last version"
