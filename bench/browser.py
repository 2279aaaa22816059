"""Browser benchmark: the Indicator page (wifi_access_points) as a reader waits for it — a
real `streamlit run app.py` server and headless Chromium (Debian's chromium, driven by
Playwright) — over 10 million observations and, in the same run, over the sample figures
(about 600: the floor).

    .venv/bin/python bench/browser.py [--rows 10000000] [--loads 5]

For each warehouse, one server: sign in through the page's deep link (the first visit: the
sign-in, the page's first compile, its caches cold), three reruns (the r key) with the
caches warm, then `--loads` times a one-row `shihyo ingest` — a new data version, so the page's
caches are cold again, as for the first reader after each load — followed by a rerun. Each
time runs from the action (the click, the key) until the app in the browser says its
script run has ended (`data-test-script-state`), which includes what `bench/dashboard.py`
leaves out: the messages to the browser and their way there."""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError

if TYPE_CHECKING:
    from playwright.sync_api import Page

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dashboard import ADMIN, REPO, build, environment
from measure import free_port, load_average

from kernel.processes import stop
from shihyo.launcher import dashboard_answers, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
PAGE = "indicator?id=wifi_access_points"
HEADING = "進捗評価"  # a heading of the Indicator page, below its table of targets
STATE = "document.querySelector('[data-testid=\"stApp\"]')?.getAttribute('data-test-script-state')"


def _ended(page: Page, started: float, heading: str | None = None) -> float:
    """Seconds from `started` until the app's script run has ended (and, if given, the
    heading shows: a sign-in reruns the script into the page)."""
    try:
        page.wait_for_function(f"() => {STATE} === 'running'", timeout=10_000, polling=5)
    except PlaywrightError as exc:  # not seen starting: no time to report
        raise SystemExit("the page's script run was not seen starting") from exc
    page.wait_for_function(f"() => {STATE} === 'notRunning'", timeout=300_000, polling=5)
    if heading is not None:
        page.get_by_text(heading).first.wait_for(timeout=300_000)
        page.wait_for_function(f"() => {STATE} === 'notRunning'", timeout=300_000, polling=5)
    return time.perf_counter() - started


def measure(home: Path, loads: int, work: Path) -> dict[str, list[float]]:
    """One server over `home`: the first visit, a warm rerun, and a rerun after each load."""
    from playwright.sync_api import sync_playwright

    env = {**environment(REPO), "SHIHYO_HOME": str(home)}
    port = free_port()
    log = (work / f"streamlit-{home.name}.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    times: dict[str, list[float]] = {"first": [], "warm": [], "after a load": []}
    try:
        wait_for(lambda: dashboard_answers("127.0.0.1", port), 60, "the dashboard", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/{PAGE}")
            page.get_by_label("ユーザー名").fill(ADMIN[0])
            page.get_by_label("パスワード", exact=True).fill(ADMIN[1])
            started = time.perf_counter()
            page.get_by_role("button", name="サインイン").click()
            times["first"].append(_ended(page, started, HEADING))

            def rerun() -> float:
                page.mouse.click(900, 20)  # the page, not a field, has the keyboard
                started = time.perf_counter()
                page.keyboard.press("r")
                return _ended(page, started)

            for _ in range(3):
                page.wait_for_timeout(500)
                times["warm"].append(rerun())
            for n in range(loads):
                one = work / f"one-{home.name}-{n}.csv"
                one.write_text(
                    f"indicator_id,period,value,org_unit,note\nwifi_access_points,2026-10,"
                    f"{700 + n},,\n",
                    encoding="utf-8",
                )
                loaded = subprocess.run(
                    [str(Path(sys.executable).parent / "shihyo"), "ingest", str(one)],
                    env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if loaded.returncode != 0:
                    raise SystemExit(f"the one-row load failed:\n{loaded.stdout[-2000:]}")
                page.wait_for_timeout(500)
                times["after a load"].append(rerun())
            browser.close()
    finally:
        stop(server, 60)
        log.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--loads", type=int, default=5, help="loads, each followed by a rerun")
    options = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit("needs Debian's chromium at /usr/bin/chromium (make browser)")
    work = Path(tempfile.mkdtemp(prefix="shihyo-bench-browser-"))
    try:
        print(f"{load_average()} at the start; working in {work}")
        small, big = work / "small", work / "big"
        small_rows = build("small", small, 0, REPO)
        big_rows = build("big", big, options.rows, REPO)
        results = {}
        for home, rows in ((small, small_rows), (big, big_rows)):
            results[home.name] = measure(home, options.loads, work)
            line = "; ".join(
                f"{what} {statistics.median(values):.2f} s"
                + (f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else "")
                for what, values in results[home.name].items()
            )
            print(f"  {rows:>12,} observations: {line}")
        for what in ("first", "warm", "after a load"):
            ratio = statistics.median(results["big"][what]) / statistics.median(
                results["small"][what]
            )
            print(f"  {what}: {ratio:.1f}× the sample warehouse's")
        after = statistics.median(results["big"]["after a load"])
        print(
            f"the Indicator page after a load at {big_rows:,}: {after:.2f} s in the browser "
            f"(goal < 1 s: {'met' if after < 1 else 'NOT met'}); {load_average()} at the end"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
