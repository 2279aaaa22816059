"""Parse benchmark: an upload parsed in the parse server's bounded child, as every upload is
(`intake.parse_isolated`), against the same parse in the caller's own process
(`intake.read_upload`, the floor) — what the isolation costs: the job sent to the server,
the fork, the outcome's pickle and its way back — and the server's own peak memory.

    .venv/bin/python bench/parse.py                      # a million messy rows, 5 rounds
    .venv/bin/python bench/parse.py --clean --rows 100000
    .venv/bin/python bench/parse.py --before /tmp/base   # also the code in /tmp/base, alike

Each round starts one process per side (this checkout, and the code in `--before`, e.g.
`git archive main | tar -x -C /tmp/base`), alternated from round to round. The process
starts the parse server and waits for it with a two-row parse, times the isolated parse of
the file, then the same parse in itself, and reads the server's peak RSS (VmHWM). Timed
inside the process, not as a whole process: the isolation's cost is a few tenths of a
second, which a whole command's spread on a busy machine would hide."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from files import REPO, write_upload
from measure import load_average, mib

# Run with the code under test first on PYTHONPATH, from outside any checkout (-P: not the
# working directory's modules either).
SIDE = """
import json, os, sys, time
from intake.isolation import parse_isolated, run_isolated
from intake.limits import ReadLimits
from intake.read import read_upload

path = sys.argv[1]
data = open(path, "rb").read()
limits = ReadLimits(max_rows=10_000_000)
parse_isolated(b"indicator_id,period,value\\nk,2019-04,1\\n", "warm.csv")  # the server is up
start = time.perf_counter()
there = parse_isolated(data, os.path.basename(path), limits=limits)
isolated = time.perf_counter() - start
server = run_isolated(os.getppid)  # a child's parent: the server
with open(f"/proc/{server}/status", encoding="ascii") as status:
    peak = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
start = time.perf_counter()
here = read_upload(data, os.path.basename(path), limits=limits)
local = time.perf_counter() - start
assert len(here.frame) == len(there.frame) and here.errors == there.errors
print(json.dumps({"isolated": isolated, "here": local, "server_peak": peak,
                  "rows": len(there.frame), "errors": len(there.errors)}))
"""


def side(code: Path, upload: Path) -> dict:
    """One process of one side: its timings, as SIDE prints them."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(code)
    done = subprocess.run(
        [sys.executable, "-P", "-c", SIDE, str(upload)],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the parse of {code} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--clean", action="store_true", help="the clean file, not the messy")
    parser.add_argument("--rounds", type=int, default=5, help="processes per side (median)")
    parser.add_argument("--before", type=Path, help="also run the code in this folder")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-parse-"))
    try:
        upload = work / "upload.csv"
        bad = write_upload(upload, options.rows, messy=not options.clean)
        kind = "clean" if options.clean else f"messy ({bad:,} bad rows)"
        size = upload.stat().st_size / 2**20
        print(f"{kind} file: {options.rows:,} rows, {size:.0f} MiB; {load_average()}")
        codes = {"now": REPO}
        if options.before is not None:
            codes["before"] = options.before.resolve()
        results: dict[str, list[dict]] = {name: [] for name in codes}
        names = list(codes)
        for attempt in range(options.rounds):
            shift = attempt % len(names)
            for name in names[shift:] + names[:shift]:
                results[name].append(side(codes[name], upload))
        for name, runs in results.items():
            isolated = statistics.median(r["isolated"] for r in runs)
            here = statistics.median(r["here"] for r in runs)
            peak = max(r["server_peak"] for r in runs)
            print(
                f"  {name:7s} isolated {isolated:.2f} s ({min(r['isolated'] for r in runs):.2f}–"
                f"{max(r['isolated'] for r in runs):.2f}), in the caller {here:.2f} s: "
                f"{isolated / here:.2f}× ({isolated - here:+.2f} s); the server's peak "
                f"{mib(peak)}; {runs[0]['rows']:,} rows, {runs[0]['errors']:,} errors"
            )
        if "before" in results:
            now = statistics.median(r["isolated"] for r in results["now"])
            before = statistics.median(r["isolated"] for r in results["before"])
            print(f"  isolated parse, before / now: {before / now:.2f}")
        print(f"medians of {options.rounds}; {load_average()} at the end")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
