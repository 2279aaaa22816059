"""Flow-path benchmark: `shihyo ingest FILE` with a Prefect server up (the command then runs
the ingest flow against it) against the same command run directly, paired and alternated,
each a whole process on a fresh copy of the same warehouse.

    .venv/bin/python bench/flow.py                    # a month's file (48 rows), 5 runs a side
    .venv/bin/python bench/flow.py --rows 1000000     # the office-style million rows too
    .venv/bin/python bench/flow.py --before /tmp/base # also the code in /tmp/base, alike

Starts its own Prefect server (`prefect server start`, SQLite, in a temp PREFECT_HOME, on a
free port; about 20–30 s until healthy) and stops it at the end. Goal: the flow path no
slower than the direct one by more than 0.5 s. Also the import floors of both paths
(bench/measure.py): what importing Prefect and the flows alone adds to the flow path."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from files import REPO, write_catalog, write_month, write_upload
from ingest import environment, fresh_home
from measure import Run, alternate, gib, import_floor, load_average, run, script

GOAL_SECONDS = 0.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(work: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREFECT_HOME": str(work / "prefect-server"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    log = (work / "prefect-server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
         str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                log = work / "prefect-server.log"
                raise SystemExit(f"the Prefect server stopped; see {log}") from None
            time.sleep(1)
    server.kill()
    raise SystemExit("the Prefect server did not answer in 180 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=0, help="also a messy file of this many rows")
    parser.add_argument("--before", type=Path, help="also run the code in this folder")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-flow-"))
    server = None
    try:
        write_catalog(work / "catalog")
        files = {"month (48 rows)": work / "month.csv"}
        write_month(files["month (48 rows)"], 48)
        if options.rows:
            files[f"messy {options.rows:,} rows"] = work / "messy.csv"
            write_upload(files[f"messy {options.rows:,} rows"], options.rows, messy=True)
        port = free_port()
        api = f"http://127.0.0.1:{port}/api"
        started = time.perf_counter()
        server = start_server(work, port)
        print(f"Prefect server healthy after {time.perf_counter() - started:.0f} s at {api}")
        codes: dict[str, Path] = {"": REPO}  # the checkout's code, whatever the venv points at
        if options.before is not None:
            codes["before "] = options.before.resolve()
            write_catalog(work / "catalog-before", codes["before "] / "indicators" / "catalog")
        # The ingestion bench's environment (the code measured, its catalog, the limits a
        # million rows needs), pointed at the server; each side says SHIHYO_PREFECT itself.
        envs = {
            prefix: {
                **environment(work, code, "catalog-before" if prefix else "catalog"),
                "PREFECT_API_URL": api,
            }
            for prefix, code in codes.items()
        }

        def side(upload: Path, mode: str, prefix: str = ""):
            def once(attempt: int) -> Run:
                label = f"-{prefix.strip() or 'now'}"
                home = fresh_home(work, envs[prefix], label, codes[prefix])
                side_env = {**envs[prefix], "SHIHYO_HOME": str(home), "SHIHYO_PREFECT": mode}
                result = run([*script(codes[prefix]), "ingest", str(upload)], side_env)
                as_flow = "Prefect flow" in result.stdout
                if result.code not in (0, 1) or as_flow != (mode == "auto"):
                    raise SystemExit(f"{prefix}ingest ({mode}) failed:\n{result.stdout[-3000:]}")
                return result

            return once

        for label, upload in files.items():
            print(f"{label}: {load_average()}")
            sides = {}
            for prefix in codes:
                sides[f"{prefix}direct"] = side(upload, "never", prefix)
                sides[f"{prefix}flow"] = side(upload, "auto", prefix)
            for path in ("direct", "flow"):
                sides[f"imports: {path}"] = import_floor(path, envs[""])
            results = alternate(sides, options.repeat)
            added = results["imports: flow"].median - results["imports: direct"].median
            print(
                f"  import floors: direct {results['imports: direct'].median:.2f} s, flow "
                f"{results['imports: flow'].median:.2f} s: Prefect and the flows add "
                f"{added:+.2f} s of imports alone (the goal allows +{GOAL_SECONDS:g} s)"
            )
            for prefix in codes:
                direct, flow = results[f"{prefix}direct"], results[f"{prefix}flow"]
                gap = flow.median - direct.median
                verdict = "met" if gap <= GOAL_SECONDS else "NOT met"
                print(
                    f"  {prefix}direct {direct.median:6.2f} s  flow {flow.median:6.2f} s  "
                    f"flow − direct {gap:+.2f} s (goal ≤ {GOAL_SECONDS:g} s: {verdict}); "
                    f"peak RSS {gib(direct.peak_rss)} / {gib(flow.peak_rss)}"
                )
        print(load_average())
    finally:
        if server is not None:
            os.killpg(server.pid, 15)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
