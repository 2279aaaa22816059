"""Dashboard benchmark: the signed-in pages a reader opens — Goals, Indicator
(wifi_access_points), Initiatives, Alerts — over 10 million observations, against the same
pages over the sample figures (about 600), measured in the same run.

    .venv/bin/python bench/dashboard.py [--rows 10000000] [--code DIR]

Each page is opened cold in a process of its own, as a deep link is (`/indicator?id=…`):
Streamlit's AppTest runs app.py with an administrator signed in the way tests/test_app.py
signs one in, switched to the page before its first run, after importing what a running
dashboard has imported (the page's modules, Altair). It times that first render (the
warehouse read, the evaluation, the page), then a rerun (what a reader sees on reload while
the page's caches hold), and reads the process's peak RSS: the Streamlit script runner's,
which is what the dashboard server holds for one reader. Then again in a server that is up:
a process that has already rendered the same page over the other warehouse (so Streamlit,
pandas' table styles and Altair have done their once-per-process work), its caches cold for
the warehouse measured, as they are for the first reader after each load. What AppTest
does per instance or per run and a server once — scanning the installed packages for
components, compiling a page — is done once per process here, as a server does it. The
times are the script's run on the server; `bench/browser.py` times the same page as a reader
waits for it, in a real server and browser. `--code DIR` measures the code in DIR (a `git
archive` of another commit) on warehouses that code made."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MONTHS = 139  # 2015-04 … 2026-10
BENCH_NOW = "2026-11-30T09:00:00"
PAGES = {
    "Goals": ("views/goals.py", {}),
    "Indicator": ("views/indicator.py", {"id": "wifi_access_points"}),
    "Initiatives": ("views/initiatives.py", {}),
    "Alerts": ("views/alerts.py", {}),
}
ADMIN = ("kanri", "kanri-password-1")
_UI_MODULES = (
    "altair", "ui.auth", "ui.charts", "ui.data", "ui.door", "ui.export", "ui.frames",
    "ui.state", "ui.status", "ui.tables", "ui.text", "alerts.engine", "pipeline.evaluating",
)  # fmt: skip


def _service(home: Path):
    from kernel.settings import load_settings
    from service import Service

    return Service(load_settings({**os.environ, "SHIHYO_HOME": str(home)}))


def _admin(home: Path) -> None:
    """The administrator who signs in, recorded as `shihyo users add` records one."""
    service = _service(home)
    user = service.user_store().add(ADMIN[0], ADMIN[1], "admin", [], service.now())
    service.record("bench", "add", "user", ADMIN[0], None, user.public())


def build_big(home: Path, rows: int) -> int:
    """A warehouse with the catalog and `rows` monthly figures of its indicators spread over
    synthetic org units (DuckDB generates them), judged once so that alerts are open."""
    import duckdb

    from access.roles import SYSTEM

    service = _service(home)
    catalog = service.init(SYSTEM).catalog
    ids = [i.id for i in catalog.indicators if i.frequency == "monthly"]
    units = max(1, rows // (len(ids) * MONTHS))
    con = duckdb.connect(str(service.settings.warehouse_path))
    con.execute(
        """
        INSERT INTO observation
        SELECT ind.id, (DATE '2015-04-01' + INTERVAL (m) MONTH)::DATE,
               printf('ou%05d', u), 1, 100 + u % 50 + m, NULL, NULL,
               TIMESTAMP '2026-11-01 09:00:00', NULL
        FROM unnest(?) AS ind(id), range(?) AS mm(m), range(?) AS uu(u)
        """,
        [ids, MONTHS, units],
    )
    count = con.execute("SELECT count(*) FROM observation").fetchone()[0]
    con.close()
    service.evaluate()
    _admin(home)
    return count


def build_samples(home: Path) -> int:
    from access.roles import SYSTEM
    from service import IngestOptions

    service = _service(home)
    service.init(SYSTEM)
    files = sorted((REPO / "data" / "sample").glob("synthetic_*.csv"))
    options = IngestOptions(keep_source=True)
    ran = service.ingest([str(f) for f in files], options=options, direct=True)
    _admin(home)
    return ran.report.rows_accepted


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _page(home: Path, page: str, code: Path):  # -> AppTest, ready for its first run
    """The page as a deep link opens it over `home`, the administrator signed in."""
    os.environ["SHIHYO_HOME"] = str(home)  # the dashboard reads its settings on every run
    from streamlit.testing.v1 import AppTest

    from access.users import UserStore
    from kernel.settings import load_settings
    from ui import auth
    from ui.door import now

    path, params = PAGES[page]
    at = AppTest.from_file(str(code / "app.py"), default_timeout=600)
    user = UserStore(load_settings().home / "users.json").get(ADMIN[0])
    assert user is not None, "no administrator in the bench warehouse"
    at.session_state[auth.ACTOR] = user.actor()
    at.session_state[auth.LAST_SEEN] = now()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(path)
    return at


def measure(home: Path, page: str, code: Path, warm: Path | None = None) -> dict:
    """In a child: one page, cold then rerun, signed in as the administrator; with `warm`,
    after rendering the same page over that other warehouse."""
    # What a running dashboard has imported after its first reader: only the page's own
    # work is timed, as when a reader opens it on a server that is up.
    for name in _UI_MODULES:
        importlib.import_module(name)
    _once_per_server()
    if warm is not None:
        before = _page(warm, page, code)
        before.run()
        if before.exception:
            raise SystemExit(f"{page} (warming up): {[e.value for e in before.exception]}")
    at = _page(home, page, code)
    started = time.perf_counter()
    at.run()
    first = time.perf_counter() - started
    if at.exception:
        raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
    titles = [t.value for t in at.title]
    started = time.perf_counter()
    at.run()
    rerun = time.perf_counter() - started
    return {"first_s": first, "rerun_s": rerun, "peak_rss": _peak_rss(), "title": titles}


def _once_per_server() -> None:
    """Have AppTest do once what a dashboard server does once. Each AppTest scans every
    installed package's metadata for components (about 0.2 s here) and each of its runs
    compiles the page's script again, where a server scans once as it starts, before any
    reader, and compiles a page on its first visit: timed per page, both would be charged
    to the page's render and to its rerun."""
    from functools import cache

    import streamlit.components.v2.manifest_scanner as scanner
    import streamlit.testing.v1.app_test as app_test

    scanner.scan_component_manifests = cache(scanner.scan_component_manifests)
    scanner.scan_component_manifests()  # as the server starts
    scripts = app_test.ScriptCache()
    app_test.ScriptCache = lambda: scripts  # type: ignore[assignment,misc]


def environment(code: Path) -> dict[str, str]:
    """The children's environment: the code measured first on the path, the bench's day,
    every command run directly (another user's Prefect server may answer on this machine),
    and bytecode cached as a running dashboard has it (with PYTHONDONTWRITEBYTECODE, set in
    some shells and containers, a checkout never run before would be compiled by every
    child), as bench/measure.py's processes have it."""
    env = {
        **os.environ,
        "PYTHONPATH": str(code),
        "SHIHYO_NOW": BENCH_NOW,
        "SHIHYO_PREFECT": "never",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def child(home: Path, page: str, code: Path, warm: Path | None = None) -> dict:
    env = environment(code)
    warming = ["--warm", str(warm)] if warm is not None else []
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(home), page, "--code", str(code), *warming],
        capture_output=True,
        text=True,
        cwd=code,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{page} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def warehouse_bytes(home: Path) -> int:
    """The warehouse's size on disk: its DuckDB file and any write-ahead log beside it."""
    return sum(path.stat().st_size for path in home.rglob("*.duckdb*") if path.is_file())


def build(kind: str, home: Path, rows: int, code: Path) -> int:
    env = environment(code)
    done = subprocess.run(
        [sys.executable, __file__, "--build", kind, str(home), str(rows), "--code", str(code)],
        capture_output=True,
        text=True,
        cwd=code,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"building {kind} failed:\n{done.stderr[-4000:]}")
    return int(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--code", type=Path, default=REPO, help="the code to measure")
    parser.add_argument("--pages", nargs="*", default=list(PAGES), choices=list(PAGES))
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--build", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--warm", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    code = args.code.resolve()
    if args.child:
        sys.path.insert(0, str(code))
        print(json.dumps(measure(Path(args.child[0]), args.child[1], code, args.warm)))
        return
    if args.build:
        sys.path.insert(0, str(code))
        kind, home, rows = args.build
        built = build_big if kind == "big" else build_samples
        print(built(Path(home), int(rows)) if kind == "big" else built(Path(home)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="shihyo-bench-dash-"))
    try:
        small, big = tmp / "small", tmp / "big"
        started = time.perf_counter()
        small_rows = build("small", small, 0, code)
        big_rows = build("big", big, args.rows, code)
        print(
            f"warehouses built in {time.perf_counter() - started:.0f} s: {small_rows:,} and "
            f"{big_rows:,} observations ({code})"
        )
        size = warehouse_bytes(big)
        print(
            f"warehouse file: {size / 2**20:,.0f} MiB over {big_rows:,} observations, "
            f"{size / 2**20 / (big_rows / 1e6):,.1f} MiB per million"
        )
        for page in args.pages:
            base, heavy = child(small, page, code), child(big, page, code)
            for key, label in (("first_s", "first render"), ("rerun_s", "rerun")):
                ratio = heavy[key] / base[key] if base[key] else float("nan")
                print(
                    f"{page:<12} {label:<13} {base[key]:6.2f} s over {small_rows:,} → "
                    f"{heavy[key]:6.2f} s over {big_rows:,}  ({ratio:.0f}×)"
                )
            print(
                f"{page:<12} peak RSS      {base['peak_rss'] / 2**30:6.2f} GiB → "
                f"{heavy['peak_rss'] / 2**30:6.2f} GiB (the page's process)"
            )
            base, heavy = child(small, page, code, warm=big), child(big, page, code, warm=small)
            ratio = heavy["first_s"] / base["first_s"] if base["first_s"] else float("nan")
            print(
                f"{page:<12} server up     {base['first_s']:6.2f} s over {small_rows:,} → "
                f"{heavy['first_s']:6.2f} s over {big_rows:,}  ({ratio:.0f}×; first render "
                "after the page over the other warehouse)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
