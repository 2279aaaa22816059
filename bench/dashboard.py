"""How long the Goals page takes over 10 million observations, against the same page
over the sample figures (about 600), measured in the same run.

    .venv/bin/python bench/dashboard.py [--rows 10000000]

For each warehouse it times, in a child process of its own: the evaluation the page
shows (`Service.evaluation`, cold), then the whole page through Streamlit's
AppTest twice — the first run reads the warehouse, the second is served from the
page's cache (what a reader sees on reload until a load or evaluation lands)."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MONTHS = 139  # 2015-04 … 2026-10


def build_big(home: Path, rows: int) -> int:
    """A warehouse with the catalog and `rows` monthly figures of its indicators, spread
    over synthetic org units (DuckDB generates them; no Python loop)."""
    import duckdb

    from access.roles import SYSTEM
    from kernel.settings import load_settings
    from service import Service

    store = Service(load_settings({**os.environ, "SHIHYO_HOME": str(home)}))
    catalog = store.init(SYSTEM).catalog
    ids = [i.id for i in catalog.indicators if i.frequency == "monthly"]
    units = max(1, rows // (len(ids) * MONTHS))
    con = duckdb.connect(str(store.settings.warehouse_path))
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
    return count


def build_samples(home: Path) -> int:
    from access.roles import SYSTEM
    from kernel.settings import load_settings
    from service import IngestOptions, Service

    service = Service(load_settings({**os.environ, "SHIHYO_HOME": str(home)}))
    service.init(SYSTEM)
    files = sorted((REPO / "data" / "sample").glob("synthetic_*.csv"))
    options = IngestOptions(keep_source=True)
    ran = service.ingest([str(f) for f in files], options=options, direct=True)
    return ran.report.rows_accepted


def measure(home: Path) -> dict:
    """Run in a child: the evaluation cold, then the Goals page twice through AppTest."""
    os.environ["SHIHYO_HOME"] = str(home)
    from streamlit.testing.v1 import AppTest

    from service import Service

    store = Service.from_environment()
    started = time.perf_counter()
    result = store.evaluation()
    evaluate_s = time.perf_counter() - started
    page = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    started = time.perf_counter()
    page.run()
    first_s = time.perf_counter() - started
    assert not page.exception, page.exception
    started = time.perf_counter()
    page.run()
    cached_s = time.perf_counter() - started
    return {
        "evaluate_s": evaluate_s,
        "page_first_s": first_s,
        "page_cached_s": cached_s,
        "indicators": len(result.headlines),
    }


def child(home: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(home)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    with tempfile.TemporaryDirectory(prefix="shihyo-bench-dash-") as tmp:
        small, big = Path(tmp) / "small", Path(tmp) / "big"
        started = time.perf_counter()
        small_rows = build_samples(small)
        big_rows = build_big(big, args.rows)
        print(
            f"warehouses built in {time.perf_counter() - started:.1f} s: "
            f"{small_rows:,} and {big_rows:,} observations"
        )
        base, heavy = child(small), child(big)
    for name, label in (
        ("evaluate_s", "evaluation (cold)"),
        ("page_first_s", "Goals page, first run"),
        ("page_cached_s", "Goals page, cached rerun"),
    ):
        ratio = heavy[name] / base[name] if base[name] else float("nan")
        print(
            f"{label:26} {base[name]:6.2f} s over {small_rows:,} → "
            f"{heavy[name]:6.2f} s over {big_rows:,}  ({ratio:.1f}×)"
        )


if __name__ == "__main__":
    main()
