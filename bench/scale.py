"""Past one machine, measured on this one: files per minute through 1 and 2 workers, the wait
for the writer slot, and Goals-page answers per second from 1 and 2 dashboard replicas while
loads run — each printed against the single-process mode measured in the same run.

    sudo .venv/bin/python bench/scale.py [--files 60]

Three set-ups, each given the same files (dropped by 20 sections at once) and two browser
pages asking for the Goals page over and over while the files load:

1. single process: `shihyo ingest` over the inbox in one process (no Prefect), the dashboard
   reading the live warehouse file;
2. one worker and one replica: the Prefect server on PostgreSQL, `shihyo worker` on a host of
   its own, the dashboard on another reading published snapshots (both pages on it);
3. two workers and two replicas (one page on each).

The hosts are network namespaces (tests/multihost.py): root, iproute2, PostgreSQL and Chromium
are needed, as for the multi-host test. All hosts share this machine's two cores."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from measure import free_port  # noqa: E402 (bench/, the script's own folder)

from kernel.processes import stop  # noqa: E402 (after the path)
from tests.multihost import (  # noqa: E402 (after the path)
    BIN,
    VIEWER,
    Cluster,
    Network,
    drop_files,
    postgresql,
    section_catalog,
    unavailable,
)

WAITS = re.compile(r"writer slot '[^']+': (\d+) turns, waited ([\d.]+) s in all, longest ([\d.]+)")


def _answers(logs: list[Path], start: float, end: float) -> tuple[int, float]:
    """Goals-page answers given while the loads ran, and their mean seconds."""
    ok = []
    for log in logs:
        for line in log.read_text().splitlines():
            answer = json.loads(line)
            if (
                answer.get("ok")
                and start <= answer["at"]
                and answer["at"] + answer["seconds"] <= end
            ):
                ok.append(answer["goals_seconds"])
    return len(ok), (sum(ok) / len(ok) if ok else float("nan"))


def single_process(root: Path, files: int) -> dict:
    """Mode 1: one process loads, the dashboard reads the live file."""
    from access.roles import SYSTEM
    from kernel.settings import load_settings
    from service import Service

    home = root / "home"
    env = {
        **os.environ,
        "SHIHYO_HOME": str(home),
        "SHIHYO_CATALOG": str(root / "catalog"),
        "SHIHYO_PREFECT": "never",
        "SHIHYO_INBOX_SETTLE": "0",
        "PREFECT_HOME": str(root / "prefect"),
        "PYTHONPATH": str(REPO),
    }
    sections = section_catalog(root / "catalog")
    service = Service(load_settings(env))
    service.init(SYSTEM)
    service.user_store().add(VIEWER[0], VIEWER[1], "viewer", [], service.now())
    port = free_port()
    logs = root / "logs"
    logs.mkdir()
    with (logs / "app.log").open("wb") as out:
        app = subprocess.Popen(
            [
                str(BIN / "python"),
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
                "--server.fileWatcherType",
                "none",
            ],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    probes, outs = [], []
    try:
        time.sleep(8)
        for n in range(2):
            out = logs / f"probe-{n}.jsonl"
            outs.append(out)
            with (logs / f"probe-{n}.log").open("wb") as log:
                probes.append(
                    subprocess.Popen(
                        [
                            str(BIN / "python"),
                            str(REPO / "tests" / "multihost_probe.py"),
                            str(out),
                            str(root / "stop"),
                            *VIEWER,
                            url,
                        ],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        while not all(o.exists() and '"ready"' in o.read_text() for o in outs):
            time.sleep(1)
        sent = drop_files(home / "inbox", sections, max(1, files // len(sections)), 1)
        started = time.time()
        subprocess.run(
            [str(BIN / "shihyo"), "ingest", "--json"], env=env, cwd=REPO, capture_output=True
        )
        ended = time.time()
    finally:
        (root / "stop").touch()
        for process in probes:
            stop(process, 60, terminate=False)
        stop(app, 60)
    answers, mean = _answers(outs, started, ended)
    seconds = ended - started
    return {
        "files": sent,
        "seconds": seconds,
        "files_per_minute": sent / seconds * 60,
        "goals_per_second": answers / seconds,
        "goals_mean_seconds": mean,
        "writer_wait_s": 0.0,
    }


def cluster(root: Path, files: int, workers: int, replicas: int) -> dict:
    """Modes 2 and 3: the Prefect server on PostgreSQL, workers and replicas on hosts."""
    worker_names = [f"w{n}" for n in range(1, workers + 1)]
    replica_names = [f"r{n}" for n in range(1, replicas + 1)]
    with (
        Network(["srv", *worker_names, *replica_names, "cl"], prefix="shb") as net,
        postgresql(net["srv"], root / "logs") as database,
    ):
        cl = Cluster(net, root, worker_names, replica_names)
        cl.prepare()
        cl.start_server(database)
        cl.start_workers()
        urls = cl.start_replicas()
        pages = [urls[n % len(urls)] for n in range(2)]  # two pages, over the replicas
        outs = [cl.start_probe([url], f"p{n}")[0] for n, url in enumerate(pages)]
        sent = drop_files(cl.home / "inbox", cl.sections, max(1, files // len(cl.sections)), 1)
        started = time.time()
        cl.trigger_inbox()
        cl.wait_archived(sent, 1800)
        ended = time.time()
        for n in range(len(pages)):
            (root / f"stop-p{n}").touch()
        # Each run reports its turns in the writer slot when it ends (after its evaluation).
        texts: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            texts = [
                (cl.logs / f"worker-{name}.log").read_text(errors="replace")
                for name in worker_names
            ]
            runs = sum(t.count("helper runs started") for t in texts) * workers
            if sum(len(WAITS.findall(t)) for t in texts) >= max(1, runs):
                break
            time.sleep(2)
        turns = waited = longest = 0.0
        for text in texts:
            for found in WAITS.finditer(text):
                turns += int(found.group(1))
                waited += float(found.group(2))
                longest = max(longest, float(found.group(3)))
    answers, mean = _answers(outs, started, ended)
    seconds = ended - started
    return {
        "files": sent,
        "seconds": seconds,
        "files_per_minute": sent / seconds * 60,
        "goals_per_second": answers / seconds,
        "goals_mean_seconds": mean,
        "writer_turns": turns,
        "writer_wait_s": waited,
        "writer_wait_per_turn_s": waited / turns if turns else float("nan"),
        "writer_wait_longest_s": longest,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=60)
    args = parser.parse_args()
    reason = unavailable()
    if reason:
        sys.exit(f"cannot run here: {reason}")
    os.environ.setdefault("SHIHYO_NOW", "2026-11-20T09:00:00")
    results = {}
    for label, run in (
        ("single process", lambda root: single_process(root, args.files)),
        ("1 worker, 1 replica", lambda root: cluster(root, args.files, 1, 1)),
        ("2 workers, 2 replicas", lambda root: cluster(root, args.files, 2, 2)),
    ):
        with tempfile.TemporaryDirectory(prefix="shihyo-bench-scale-") as tmp:
            started = time.perf_counter()
            results[label] = run(Path(tmp))
            print(f"{label}: measured in {time.perf_counter() - started:.0f} s", flush=True)
            print(json.dumps(results[label]), flush=True)
    base = results["single process"]
    print()
    print(
        f"{'set-up':24} {'files/min':>10} {'×single':>8} {'Goals/s':>8} {'×single':>8} "
        f"{'Goals s':>8} {'writer wait/turn':>17}"
    )
    for label, r in results.items():
        print(
            f"{label:24} {r['files_per_minute']:10.1f} "
            f"{r['files_per_minute'] / base['files_per_minute']:8.2f} "
            f"{r['goals_per_second']:8.2f} "
            f"{r['goals_per_second'] / base['goals_per_second']:8.2f} "
            f"{r['goals_mean_seconds']:8.2f} "
            f"{r.get('writer_wait_per_turn_s', 0.0):17.2f}"
        )
    one, two = results["1 worker, 1 replica"], results["2 workers, 2 replicas"]
    print(
        "\n2 workers / 1 worker: files/min ×"
        f"{two['files_per_minute'] / one['files_per_minute']:.2f}"
        f"; 2 replicas / 1 replica: Goals answers/s ×"
        f"{two['goals_per_second'] / one['goals_per_second']:.2f}"
    )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
