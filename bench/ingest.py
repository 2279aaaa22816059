"""Ingestion benchmark: `shihyo ingest FILE` as a user runs it — a whole process, interpreter
start-up, imports, parsing in the isolated child, validation, the write, the evaluation after
it — on a million rows as offices write them and on the clean template, against DuckDB
reading the same file in a process of its own, paired and alternated.

    .venv/bin/python bench/ingest.py                  # 1,000,000 rows, 3 runs a side
    .venv/bin/python bench/ingest.py --extra          # also 3,000,000: cost per extra million
    .venv/bin/python bench/ingest.py --rows 100000 --repeat 5
    .venv/bin/python bench/ingest.py --before /tmp/base  # also the code in /tmp/base, alike

Floors, each a whole process (`python -c`):
- read_csv: `CREATE TABLE upload AS SELECT * FROM read_csv(FILE, all_varchar = true)`;
- insert: the clean file's periods and figures cast and inserted into `observation` of a
  fresh warehouse (only the clean file has one spelling of each, so only it has this floor);
- imports alone: what the command imports before it can judge a file (bench/measure.py), so
  that the report can say how much of a goal the imports leave for the file's own work.

Prints the median of each side, the ratios, each side's peak RSS (the command's own process,
and the largest of its children: the parse child), and the machine's load. `--before DIR`
also runs `shihyo ingest` on the code in DIR (e.g. `git archive main | tar -x -C DIR`),
alternated with the rest, for a before/after measured in the same run."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from files import BENCH_NOW, REPO, write_catalog, write_upload
from measure import Run, Series, alternate, gib, import_floor, load_average, run, script

PYTHON = sys.executable
GOALS = {"messy": 5.0, "clean": 3.0, "extra": 3.0}
GOAL_RSS = 1 << 30

READ_CSV = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('CREATE TABLE upload AS SELECT * FROM read_csv(?, header = true,"
    " all_varchar = true)', [sys.argv[2]])\n"
    "con.close()\n"
)
INSERT = (
    "import duckdb, sys\n"
    "con = duckdb.connect(sys.argv[1])\n"
    'con.execute("INSERT INTO observation SELECT indicator_id,'
    " CAST(strptime(period, '%Y-%m') AS DATE), coalesce(org_unit, ''), 1,"
    " CAST(replace(value, ',', '') AS DOUBLE), note, NULL, now(), NULL"
    ' FROM read_csv(?, header = true, all_varchar = true)", [sys.argv[2]])\n'
    "con.close()\n"
)


def environment(work: Path, code: Path = REPO, catalog: str = "catalog") -> dict[str, str]:
    """The measured processes' environment, running the code in `code` (this checkout unless
    told: the venv's editable install may point at another)."""
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        "PYTHONPATH": str(code) + (os.pathsep + path if path else ""),
        "SHIHYO_CATALOG": str(work / catalog),
        "SHIHYO_NOW": BENCH_NOW,
        "SHIHYO_PREFECT": "never",
        "SHIHYO_MAX_UPLOAD_MB": "4096",
        "SHIHYO_MAX_ROWS": "10000000",
        "PREFECT_HOME": str(work / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "GX_ANALYTICS_ENABLED": "False",
    }


def fresh_home(work: Path, env: dict[str, str], label: str = "", code: Path | None = None) -> Path:
    """A warehouse as `shihyo init` leaves it, made once and copied for each run."""
    template = work / f"home-template{label}"
    if not template.exists():
        run([*script(code), "init"], {**env, "SHIHYO_HOME": str(template)}, check=True)
    home = work / f"home{label}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(template, home)
    return home


def loaded(home: Path) -> tuple[int, int, int]:
    """(rows accepted, rows rejected, observations) in the home's warehouse."""
    import duckdb

    con = duckdb.connect(str(home / "shihyo.duckdb"), read_only=True)
    try:
        accepted, rejected = con.execute(
            "SELECT coalesce(sum(rows_accepted), 0), coalesce(sum(rows_rejected), 0) FROM load"
        ).fetchone()
        (count,) = con.execute("SELECT count(*) FROM observation").fetchone()
    finally:
        con.close()
    return int(accepted), int(rejected), int(count)


def measure_file(
    work: Path, upload: Path, clean: bool, repeat: int, before: Path | None = None
) -> dict[str, Series]:
    """The file through shihyo (and the code before, if given) and through the floors,
    alternated."""
    env = environment(work)
    counts: dict[str, list[tuple[int, int, int]]] = {"": [], "-before": []}

    def ingest(label: str, env: dict[str, str], code: Path | None = None) -> Run:
        home = fresh_home(work, env, label, code)
        result = run([*script(code), "ingest", str(upload)], {**env, "SHIHYO_HOME": str(home)})
        if result.code not in (0, 1):
            raise SystemExit(f"shihyo ingest failed ({result.code}):\n{result.stdout[-3000:]}")
        counts[label].append(loaded(home))
        return result

    def shihyo(_attempt: int) -> Run:
        return ingest("", env)

    def read_csv(_attempt: int) -> Run:
        target = work / "floor.duckdb"
        target.unlink(missing_ok=True)
        return run([PYTHON, "-c", READ_CSV, str(target), str(upload)], env, check=True)

    def insert(_attempt: int) -> Run:
        home = fresh_home(work, env)
        db = str(home / "shihyo.duckdb")
        return run([PYTHON, "-c", INSERT, db, str(upload)], env, check=True)

    sides = {"read_csv": read_csv, "shihyo": shihyo, "imports": import_floor("direct", env)}
    if before is not None:
        env_before = environment(work, before.resolve(), "catalog-before")
        sides["before"] = lambda _attempt: ingest("-before", env_before, before.resolve())
    if clean:
        sides["insert"] = insert
    series = alternate(sides, repeat)
    accepted, rejected, count = counts[""][-1]
    print(f"    shihyo: {accepted:,} rows accepted, {rejected:,} rejected, {count:,} observations")
    if before is not None:
        if set(counts["-before"]) != set(counts[""]):
            raise SystemExit(f"before and now differ: {counts['-before']} / {counts['']}")
        print("    before: the same counts")
    return series


def line(label: str, series: Series, floor: Series | None = None) -> str:
    low, high = series.spread
    text = f"    {label:<22} {series.median:6.2f} s  ({low:.2f}–{high:.2f})"
    if floor is not None:
        text += f"  {series.median / floor.median:5.1f}× {floor.name}"
    text += f"  peak RSS {gib(series.peak_rss)}"
    if series.child_peak_rss:
        text += f", its parse child {gib(series.child_peak_rss)}"
    return text


def report(name: str, rows: int, bad: int, series: dict[str, Series]) -> None:
    print(f"  {name}: {rows:,} rows ({bad:,} bad)")
    print(line("floor: read_csv", series["read_csv"]))
    if "insert" in series:
        print(line("floor: insert", series["insert"]))
    print(line("imports alone", series["imports"], series["read_csv"]))
    print(line("shihyo ingest", series["shihyo"], series["read_csv"]))
    if "before" in series:
        print(line("before", series["before"], series["read_csv"]))
        ratio = series["before"].median / series["shihyo"].median
        print(f"    {'':<22} {'':>8}    before / now: {ratio:.2f}")
    if "insert" in series:
        ratio = series["shihyo"].median / series["insert"].median
        print(f"    {'':<22} {'':>8}    {ratio:5.1f}× insert")


def budget(name: str, series: dict[str, Series]) -> None:
    """What the goal for this file leaves once the imports are paid, and what shihyo takes."""
    floor, imports = series["read_csv"].median, series["imports"].median
    goal = GOALS[name] * floor
    print(
        f"    the goal ({GOALS[name]:g}× read_csv = {goal:.2f} s) leaves {goal - imports:.2f} s "
        f"beyond the imports for parsing, validating and writing the file; shihyo takes "
        f"{series['shihyo'].median - imports:.2f} s beyond them"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (median)")
    parser.add_argument("--extra", action="store_true", help="also 3× the rows: per extra million")
    parser.add_argument("--only", choices=["messy", "clean"], help="one of the two files")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--before", type=Path, help="also run the code in this folder")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-ingest-"))
    print(f"{load_average()} at the start; working in {work}")
    try:
        write_catalog(work / "catalog")
        if options.before is not None:
            write_catalog(work / "catalog-before", options.before / "indicators" / "catalog")
        kinds = [options.only] if options.only else ["messy", "clean"]
        sizes = [options.rows] + ([options.rows * 3] if options.extra else [])
        results: dict[tuple[str, int], dict[str, Series]] = {}
        for kind in kinds:
            for rows in sizes:
                upload = work / f"{kind}_{rows}.csv"
                bad = write_upload(upload, rows, messy=kind == "messy")
                size = upload.stat().st_size / 2**20
                print(f"{kind} file: {rows:,} rows, {size:.0f} MiB, {load_average()}")
                results[kind, rows] = measure_file(
                    work, upload, kind == "clean", options.repeat, options.before
                )
                report(kind, rows, bad, results[kind, rows])
                if rows == options.rows:
                    budget(kind, results[kind, rows])
                upload.unlink()
        print()
        print(f"summary (medians of {options.repeat}; {load_average()} at the end)")
        for kind in kinds:
            base = results[kind, options.rows]
            ratio = base["shihyo"].median / base["read_csv"].median
            goal = GOALS[kind]
            rss = base["shihyo"].peak_rss
            print(
                f"  {kind} {options.rows:,}: {ratio:.1f}× read_csv (goal ≤ {goal:g}×: "
                f"{'met' if ratio <= goal else 'NOT met'}); peak RSS {gib(rss)} "
                f"(goal < 1 GiB: {'met' if rss < GOAL_RSS else 'NOT met'}), parse child "
                f"{gib(base['shihyo'].child_peak_rss)}"
            )
            if options.extra:
                big = results[kind, options.rows * 3]
                millions = 2 * options.rows / 1e6
                ours = (big["shihyo"].median - base["shihyo"].median) / millions
                floor = (big["read_csv"].median - base["read_csv"].median) / millions
                extra = ours / floor
                print(
                    f"    per extra million rows: shihyo {ours:.2f} s, read_csv {floor:.2f} s: "
                    f"{extra:.1f}× (goal ≤ {GOALS['extra']:g}×: "
                    f"{'met' if extra <= GOALS['extra'] else 'NOT met'}); at "
                    f"{options.rows * 3:,} rows peak RSS {gib(big['shihyo'].peak_rss)}, parse "
                    f"child {gib(big['shihyo'].child_peak_rss)}"
                )
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
