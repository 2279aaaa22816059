"""Command-line benchmark: the everyday commands as whole processes, as a user runs them —
`shihyo ingest` of a month's file (48 rows), `shihyo evaluate`, `shihyo plan`,
`shihyo status --json` — against a process that only imports DuckDB, paired and alternated;
and the import floor of an ingest (bench/measure.py: the command line and Great Expectations
with its engine, no file), below which no ingest in a fresh process can go.

    .venv/bin/python bench/cli.py                     # 7 runs a side
    .venv/bin/python bench/cli.py --before /tmp/base  # also the code in /tmp/base, alike

The warehouse holds the sample figures (data/sample) and the catalog with the bench's 48
monthly indicators; each ingest starts from a copy of it. Default mode (SHIHYO_PREFECT
unset: a flow when a Prefect server answers, else direct); no server runs here, so this is
the direct path (bench/flow.py measures the flow path with a server up). `--before DIR` runs
the same commands with the code in DIR first on PYTHONPATH (a `git archive` of an earlier
commit), on warehouses that code made."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from files import BENCH_NOW, REPO, write_catalog, write_month
from measure import Run, Series, alternate, gib, import_floor, load_average, run, script

GOALS = {"ingest": 2.0, "evaluate": 1.0}
IMPORT_FLOOR = "floor: an ingest's imports"


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(work: Path, code: Path | None) -> dict[str, str]:
    env = {
        **os.environ,
        # Each code base reads the catalog its own model accepts (with the bench's indicators).
        "SHIHYO_CATALOG": str(work / ("catalog" if code is None else "catalog-before")),
        "SHIHYO_NOW": BENCH_NOW,
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The default mode asks whether a Prefect server answers; on a shared machine another
        # user's may answer on the local default port, so the question goes to a closed one.
        "PREFECT_API_URL": f"http://127.0.0.1:{closed_port()}/api",
        "GX_ANALYTICS_ENABLED": "False",
    }
    env.pop("SHIHYO_PREFECT", None)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def sample_home(work: Path, name: str, env: dict[str, str], code: Path | None = None) -> Path:
    """A warehouse with the catalog and the sample figures, as `shihyo up` first leaves it."""
    home = work / name
    env = {**env, "SHIHYO_HOME": str(home), "SHIHYO_PREFECT": "never"}
    shihyo = script(code)
    run([*shihyo, "init"], env, check=True)
    samples = sorted(str(p) for p in (REPO / "data" / "sample").glob("synthetic_*.csv"))
    run([*shihyo, "ingest", *samples], env, check=False)
    run([*shihyo, "evaluate"], env, check=True)
    return home


def sides_for(
    label: str, work: Path, env: dict[str, str], month: Path, code: Path | None = None
) -> dict[str, Callable]:
    """The commands of one code base, each a callable that runs it once."""
    shihyo = script(code)
    template = sample_home(work, f"home-{label}", env, code)
    home = work / f"run-{label}"
    shutil.copytree(template, home)
    at_home = {**env, "SHIHYO_HOME": str(home)}

    def ingest(_attempt: int) -> Run:
        fresh = work / f"ingest-{label}"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(template, fresh)
        result = run([*shihyo, "ingest", str(month)], {**env, "SHIHYO_HOME": str(fresh)})
        if result.code != 0:
            raise SystemExit(f"ingest failed ({result.code}):\n{result.stdout}{result.stderr}")
        return result

    def command(*args: str) -> Callable[[int], Run]:
        return lambda _attempt: run([*shihyo, *args], at_home, check=True)

    prefix = f"{label}: " if label != "now" else ""
    return {
        f"{prefix}ingest": ingest,
        f"{prefix}evaluate": command("evaluate"),
        f"{prefix}plan": command("plan"),
        f"{prefix}status --json": command("status", "--json"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per side (median)")
    parser.add_argument("--before", type=Path, help="also run the code in this folder")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-cli-"))
    try:
        write_catalog(work / "catalog")
        month = work / "month_2026-10.csv"
        write_month(month, 48)
        sides: dict[str, Callable[[int], Run]] = {
            "floor: python -c 'import duckdb'": lambda _a: run(
                [sys.executable, "-c", "import duckdb"], check=True
            )
        }
        now = environment(work, None)
        sides[IMPORT_FLOOR] = import_floor("direct", now)
        sides.update(sides_for("now", work, now, month))
        if options.before is not None:
            write_catalog(work / "catalog-before", options.before / "indicators" / "catalog")
            before = environment(work, options.before.resolve())
            sides.update(sides_for("before", work, before, month, options.before.resolve()))
        print(f"{load_average()} at the start; {options.repeat} runs a side, alternated")
        results = alternate(sides, options.repeat)
        floor = next(iter(results.values()))
        print(f"medians ({load_average()} at the end):")
        for name, series in results.items():
            print(describe(name, series, floor))
        for name, goal in GOALS.items():
            median = results[name].median
            verdict = "met" if median < goal else "NOT met"
            print(f"  goal: {name} < {goal:g} s: {median:.2f} s, {verdict}")
        imports = results[IMPORT_FLOOR].median
        print(
            f"  ingest's imports alone {imports:.2f} s; the file's own work beyond them "
            f"{results['ingest'].median - imports:.2f} s"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def describe(name: str, series: Series, floor: Series) -> str:
    low, high = series.spread
    ratio = series.median / floor.median
    child = f", children {gib(series.child_peak_rss)}" if series.child_peak_rss else ""
    return (
        f"  {name:<36} {series.median:5.2f} s ({low:.2f}–{high:.2f})  {ratio:5.1f}× floor  "
        f"CPU {series.cpu:5.2f} s  peak RSS {gib(series.peak_rss)}{child}"
    )


if __name__ == "__main__":
    main()
