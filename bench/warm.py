"""A month's file where the service is already running: the dashboard's upload and the
scheduled inbox flow run in a process that has imported everything and validated before,
so a file costs its own work only (`bench/cli.py` measures the command, which pays the
imports every time).

    .venv/bin/python bench/warm.py            # 9 files after one to warm up

One process: the warehouse holds the sample figures and the bench's 48 monthly indicators;
each file is the month's 48 figures with other values (every figure revised), loaded
through `Service.ingest(direct=True)` — parse in the bounded child, Great Expectations,
the load and the evaluation with its alerts, as an upload's commit does. Against it, in the
same process, DuckDB reading the same file into a table (the floor)."""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cli import environment, sample_home
from files import write_catalog, write_month
from measure import load_average

GOAL = 2.0  # seconds for a month's file, as the command's goal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=9, help="files timed after the first")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-warm-"))
    try:
        write_catalog(work / "catalog")
        env = environment(work, None)
        home = sample_home(work, "home", env)
        os.environ.update({k: v for k, v in env.items() if k.startswith(("SHIHYO", "GX"))})
        os.environ["SHIHYO_HOME"] = str(home)
        os.environ["SHIHYO_PREFECT"] = "never"
        files = []
        for n in range(options.files + 1):
            path = work / f"month_{n:02d}.csv"
            write_month(path, 48, seed=100 + n)
            files.append(path)
        measure(files, load_average())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(files: list[Path], load_at_start: str) -> None:
    import duckdb

    from kernel.settings import load_settings
    from service import Service

    service = Service(load_settings())
    floor_con = duckdb.connect()

    def ingest(path: Path) -> float:
        start = time.perf_counter()
        done = service.ingest([str(path)], direct=True)
        seconds = time.perf_counter() - start
        (result,) = done.report.files
        if result.status != "loaded" or result.rows_new + result.rows_revised != 48:
            raise SystemExit(f"{path.name}: {result.status}, revised {result.rows_revised}")
        return seconds

    def floor(path: Path) -> float:
        start = time.perf_counter()
        floor_con.execute(f"CREATE OR REPLACE TABLE f AS SELECT * FROM read_csv('{path}')")
        return time.perf_counter() - start

    first = ingest(files[0])
    timed, floors = [], []
    for path in files[1:]:
        floors.append(floor(path))
        timed.append(ingest(path))
    median, base = statistics.median(timed), statistics.median(floors)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"{load_at_start} at the start; {len(timed)} files after the first, alternated")
    print(f"  first file (imports and Great Expectations' start): {first:5.2f} s")
    print(
        f"  a month's file, warm: {median:5.2f} s ({min(timed):.2f}–{max(timed):.2f}), "
        f"{median / base:5.0f}× DuckDB read_csv of it ({base * 1000:.1f} ms)"
    )
    print(f"  peak RSS of the process: {peak:.2f} GiB ({load_average()} at the end)")
    verdict = "met" if median < GOAL else "NOT met"
    print(f"  a month's file in the running service < {GOAL:g} s: {verdict}")


if __name__ == "__main__":
    main()
