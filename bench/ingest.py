"""Ingestion benchmark: a large upload file through the real `shihyo ingest FILE` path,
timed against DuckDB's own `read_csv` into the same `observation` table.

    .venv/bin/python bench/ingest.py [--rows N] [--repeat K] [--no-warm] [--profile] [--keep]

The parent writes the upload file and a catalog that knows its 48 indicators into a temp
folder, then runs each side in a child process of its own (a fresh warehouse each), so that
each side's peak memory (VmHWM) is its own: DuckDB alone (the floor), shihyo as `shihyo
ingest FILE` runs it, and shihyo with Great Expectations imported before the clock starts
(a long-running worker). Prints the floor, shihyo's time, the ratio, the peak RSS and where
shihyo's time went. A script, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CATALOG = REPO / "indicators" / "catalog"
RESULT_MARK = "BENCH_RESULT "
GOAL_RATIO = 3.0
GOAL_RSS_GIB = 1.5

MUNICIPALITIES = 1741
INDICATORS = 48
MONTHS = [f"{2025 + (m >= 9)}-{(m + 3) % 12 + 1:02d}" for m in range(12)]  # 2025-04…2026-03

_KANJI = "青葉緑丘川山田浜松竹梅桜岡原野森宮沢谷井石本中北南東西"
_PREFECTURES = 47


# ── the upload file and the catalog ──────────────────────────────────────────


def municipality_code(prefecture: int, number: int) -> str:
    """A 6-digit local government code (全国地方公共団体コード) with its check digit."""
    body = f"{prefecture:02d}{number:03d}"
    total = sum(int(d) * w for d, w in zip(body, (6, 5, 4, 3, 2), strict=True))
    check = (11 - total % 11) % 10
    return f"{body}{check}"


def municipalities(count: int, rng: random.Random) -> list[tuple[str, float]]:
    """(org_unit, size factor) for `count` synthetic municipalities: '141003 青葉市'."""
    out = []
    for i in range(count):
        prefecture = i % _PREFECTURES + 1
        k = i // _PREFECTURES
        suffix = "市" if k < 17 else ("町" if k < 32 else "村")
        number = 201 + k if suffix == "市" else 300 + k * 2
        name = "".join(rng.choice(_KANJI) for _ in range(2)) + suffix
        size = rng.lognormvariate(0, 1.2) * {"市": 10, "町": 2, "村": 0.5}[suffix]
        out.append((f"{municipality_code(prefecture, number)} {name}", size))
    return out


def indicator_specs() -> list[dict]:
    """The 48 synthetic monthly indicators: a mix of stocks, flows, cumulative totals, rates."""
    kinds = ("stock", "flow", "cumulative", "rate")
    specs = []
    for n in range(1, INDICATORS + 1):
        kind = kinds[(n - 1) % 4]
        specs.append(
            {
                "id": f"bench_ind_{n:02d}",
                "kind": kind,
                "scale": 10 ** (1 + n % 4),
                "commas": n % 3 == 0,  # some sections send Excel-formatted 1,234
            }
        )
    return specs


def write_upload(path: Path, rows: int, seed: int = 20260401) -> None:
    """The upload file: municipality × indicator × month, the template header, `rows` rows."""
    rng = random.Random(seed)
    per_unit = INDICATORS * len(MONTHS)
    units = municipalities(max(MUNICIPALITIES, -(-rows // per_unit)), rng)
    specs = indicator_specs()
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("indicator_id,period,value,org_unit,note\r\n")
        lines: list[str] = []
        for org, size in units:
            for spec in specs:
                level = size * spec["scale"] * rng.uniform(0.5, 1.5)
                for month in MONTHS:
                    if written == rows:
                        break
                    if spec["kind"] == "rate":
                        value = round(min(100.0, rng.uniform(40, 99)), 1)
                        text = f"{value}"
                    else:
                        if spec["kind"] == "cumulative":
                            level += rng.uniform(0, size * spec["scale"] * 0.05)
                            figure = int(level)
                        elif spec["kind"] == "flow":
                            figure = int(level * rng.uniform(0.7, 1.3))
                        else:
                            level *= rng.uniform(0.98, 1.03)
                            figure = int(level)
                        text = f'"{figure:,}"' if spec["commas"] and figure >= 1000 else str(figure)
                    note = "速報値" if rng.random() < 0.02 else ""
                    lines.append(f"{spec['id']},{month},{text},{org},{note}\r\n")
                    written += 1
                if len(lines) > 50_000:
                    out.write("".join(lines))
                    lines.clear()
        out.write("".join(lines))


def write_catalog(folder: Path) -> None:
    """The package catalog plus the 48 bench indicators, owned by 情報企画課."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for source in CATALOG.glob("*.yaml"):
        shutil.copy(source, folder / source.name)
    path = folder / "indicators.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for spec in indicator_specs():
        rate = spec["kind"] == "rate"
        data["indicators"].append(
            {
                "id": spec["id"],
                "name": f"ベンチマーク指標{spec['id'][-2:]}",
                "name_en": f"Benchmark indicator {spec['id'][-2:]}",
                "unit": "%" if rate else "件",
                "unit_en": "percent" if rate else "items",
                "frequency": "monthly",
                "kind": "stock" if rate else spec["kind"],
                "direction": "higher",
                "owner": "joho-kikaku",
                "min_value": 0,
                **({"max_value": 100} if rate else {}),
                "initiatives": ["28"],
                "baseline": {"value": 1, "date": "2025-03-31", "source": "synthetic (bench)"},
            }
        )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ── the children ─────────────────────────────────────────────────────────────


def _peak_rss() -> int:
    """This process's resident-set high-water mark in bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _report(result: dict) -> None:
    print(RESULT_MARK + json.dumps(result), flush=True)


def child_init(home: Path, catalog: Path) -> None:
    """A fresh warehouse with the catalog synced, as `shihyo init` leaves it."""
    sys.path.insert(0, str(REPO))
    from access.roles import SYSTEM
    from kernel.settings import load_settings
    from service import Service

    env = {**os.environ, "SHIHYO_HOME": str(home), "SHIHYO_CATALOG": str(catalog)}
    Service(load_settings(env)).init(SYSTEM)
    _report({})


FLOOR_SQL = """
INSERT INTO observation
SELECT indicator_id, CAST(strptime(period, '%Y-%m') AS DATE), coalesce(org_unit, ''), 1,
       CAST(replace(value, ',', '') AS DOUBLE), note, NULL, now(), NULL
FROM read_csv(?, header = true, all_varchar = true)
"""


def child_floor(home: Path, upload: Path) -> None:
    """DuckDB alone: read_csv into `observation`, no validation."""
    import duckdb

    start = time.perf_counter()
    con = duckdb.connect(str(home / "shihyo.duckdb"))
    con.execute(FLOOR_SQL, [str(upload)])
    con.close()
    seconds = time.perf_counter() - start
    con = duckdb.connect(str(home / "shihyo.duckdb"), read_only=True)
    rows = con.execute("SELECT count(*) FROM observation").fetchone()[0]
    con.close()
    _report({"seconds": seconds, "peak_rss": _peak_rss(), "rows": rows})


class _Timers:
    """Wall time spent in named functions (wrapped in place), for the breakdown."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: object, attribute: str, label: str, main_only: bool = False) -> None:
        original = getattr(owner, attribute, None)
        if original is None:
            return

        def timed(*args, **kwargs):
            if main_only and threading.current_thread() is not threading.main_thread():
                return original(*args, **kwargs)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                self.seconds[label] = self.seconds.get(label, 0.0) + elapsed

        setattr(owner, attribute, timed)


def child_shihyo(upload: Path, profile: bool, warm: bool) -> None:
    """`shihyo ingest FILE` as run directly: the service's ingestion of [path]. With `warm`,
    Great Expectations is imported before the clock starts, as in a long-running worker
    (`shihyo serve`) after its first file."""
    sys.path.insert(0, str(REPO))
    start = time.perf_counter()
    import expectations.engine as engine
    import expectations.validate as validate
    import pipeline.checking as checking
    from kernel.settings import load_settings
    from service import IngestOptions, Service

    if warm:
        engine.shared_engine()
    imported = time.perf_counter() - start
    rss_after_import = _rss()

    timers = _Timers()
    timers.wrap(engine, "build_engine", "GX import and context (background thread)")
    timers.wrap(checking, "validation_context", "context (catalog, warehouse figures)")
    timers.wrap(validate, "derive_helper_columns", "helper columns")
    timers.wrap(validate, "shared_engine", "waiting for GX's import to finish", main_only=True)
    timers.wrap(engine.Engine, "run", "GX run (file checks, then row checks)")
    timers.wrap(checking, "_row_issues", "row issues")

    events: list[tuple[str, float]] = []
    high_water: dict[str, int] = {}

    def hook(_name: str, stage: str) -> None:
        events.append((stage, time.perf_counter()))
        high_water[stage] = _peak_rss()  # the high-water mark as this stage starts

    service = Service(load_settings())
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    options = IngestOptions(keep_source=True)
    report = service.ingest([str(upload)], None, options, hook, direct=True).report
    end = time.perf_counter()
    if profiler is not None:
        profiler.disable()
    peak = _peak_rss()

    marks = dict(events)
    order = ["fingerprint", "parse", "validate", "write"]
    starts = [high_water.get(stage) for stage in order] + [peak]
    # How far each stage raised the process's RSS high-water mark.
    peak_stage = {
        name: (after - before) if before is not None and after is not None else 0
        for name, before, after in zip(
            ["duplicate check", "parse", "validate", "write + archive"],
            starts[:-1],
            starts[1:],
            strict=True,
        )
    }
    stages = {
        "read + fingerprint": marks["fingerprint"] - start,
        "duplicate check": marks["parse"] - marks["fingerprint"],
        "parse": marks.get("validate", end) - marks["parse"],
        "validate": marks.get("write", end) - marks.get("validate", end),
        "write + archive": end - marks.get("write", end),
    }
    rows = service.table_counts()["observation"]
    result = {
        "seconds": end - start,
        "import_seconds": imported,
        "rss_after_import": rss_after_import,
        "peak_rss": peak,
        "peak_growth": peak_stage,
        "stages": stages,
        "inner": timers.seconds,
        "rows": rows,
        "accepted": report.rows_accepted,
        "rejected": report.rows_rejected,
        "warnings": sum(len(f.warnings) for f in report.files),
        "status": [f.status for f in report.files],
    }
    if profiler is not None:
        import io
        import pstats

        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
        result["profile"] = text.getvalue()
    _report(result)


# ── the parent ───────────────────────────────────────────────────────────────


def _run_child(mode: str, env: dict[str, str], *args: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    sys.stderr.write(done.stdout + done.stderr)
    raise SystemExit(f"the {mode} child failed (exit {done.returncode})")


def _gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def _report_runs(results: dict[str, list[dict]], rows: int) -> None:
    floor = min(results["floor"], key=lambda r: r["seconds"])
    run = min(results["shihyo"], key=lambda r: r["seconds"])
    ratio = run["seconds"] / floor["seconds"]
    peak = max(r["peak_rss"] for r in results["shihyo"])
    for side in results:
        for result in results[side]:
            if result["rows"] != rows:
                print(f"WARNING: {side} left {result['rows']:,} observation rows, not {rows:,}")
            if result.get("rejected") or result.get("warnings"):
                print(
                    f"WARNING: {side}: {result['rejected']:,} rows rejected, "
                    f"{result['warnings']:,} warnings"
                )
    print()
    print(
        f"floor {floor['seconds']:.1f} s, shihyo {run['seconds']:.1f} s, "
        f"ratio {ratio:.1f}×, peak RSS {_gib(peak)}"
    )
    print(
        f"  goal: ratio ≤ {GOAL_RATIO:g}× ({'met' if ratio <= GOAL_RATIO else 'NOT met'}), "
        f"peak RSS < {GOAL_RSS_GIB:g} GiB "
        f"({'met' if peak < GOAL_RSS_GIB * 2**30 else 'NOT met'})"
    )
    if results.get("shihyo-warm"):
        warm = min(results["shihyo-warm"], key=lambda r: r["seconds"])
        print(
            f"  with Great Expectations imported before the clock (a long-running worker): "
            f"shihyo {warm['seconds']:.1f} s, ratio {warm['seconds'] / floor['seconds']:.1f}×, "
            f"peak RSS {_gib(max(r['peak_rss'] for r in results['shihyo-warm']))}"
        )
    print(
        f"  floor peak RSS {_gib(floor['peak_rss'])}; shihyo's imports "
        f"{run['import_seconds']:.1f} s (not timed), RSS after them "
        f"{_gib(run['rss_after_import'])}"
    )
    print("  shihyo by stage (time; growth of the RSS high-water mark):")
    for stage, seconds in run["stages"].items():
        grown = run["peak_growth"].get(stage)
        extra = f"   +{grown / 2**20:5.0f} MiB" if grown is not None else ""
        print(f"    {stage:<44} {seconds:6.2f} s{extra}")
    print("  inside validate (GX is imported beside parse, in a thread of its own):")
    for label, seconds in run["inner"].items():
        print(f"    {label:<44} {seconds:6.2f} s")
    if results.get("shihyo-warm"):
        print("  with GX imported before the clock, by stage:")
        for stage, seconds in warm["stages"].items():
            print(f"    {stage:<44} {seconds:6.2f} s")
    if "profile" in run:
        print(run["profile"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the upload file")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best counts")
    parser.add_argument("--profile", action="store_true", help="cProfile shihyo's run")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument(
        "--no-warm",
        action="store_true",
        help="skip the third run, with Great Expectations imported before the clock starts",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.child == "init":
        return child_init(Path(options.args[0]), Path(options.args[1]))
    if options.child == "floor":
        return child_floor(Path(options.args[0]), Path(options.args[1]))
    if options.child in ("shihyo", "shihyo-warm"):
        return child_shihyo(Path(options.args[0]), options.profile, options.child != "shihyo")

    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-"))
    try:
        start = time.perf_counter()
        upload = work / "bench_upload.csv"
        write_upload(upload, options.rows)
        write_catalog(work / "catalog")
        size = upload.stat().st_size
        print(
            f"{options.rows:,} rows, {size / 2**20:.0f} MiB written in "
            f"{time.perf_counter() - start:.1f} s ({work})"
        )
        env = {
            **os.environ,
            "SHIHYO_CATALOG": str(work / "catalog"),
            "SHIHYO_PREFECT": "never",
            # The bench file (44 MiB at a million rows) is above the 20 MB upload cap.
            "SHIHYO_MAX_UPLOAD_MB": "4096",
            "PREFECT_HOME": str(work / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "GX_ANALYTICS_ENABLED": "False",
        }
        sides = ["floor", "shihyo"] + ([] if options.no_warm else ["shihyo-warm"])
        results: dict[str, list[dict]] = {side: [] for side in sides}
        for attempt in range(options.repeat):
            for side in sides:
                home = work / f"{side}-{attempt}"
                side_env = {**env, "SHIHYO_HOME": str(home)}
                _run_child("init", side_env, str(home), str(work / "catalog"))
                if side == "floor":
                    results[side].append(_run_child(side, side_env, str(home), str(upload)))
                else:
                    extra = ["--profile"] if options.profile else []
                    results[side].append(_run_child(side, side_env, str(upload), *extra))
                shutil.rmtree(home, ignore_errors=True)
        _report_runs(results, options.rows)
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
