"""Read the Goals page of dashboard replicas in headless Chromium, over and over, until a stop
file appears: one JSON line per answer (replica, when, seconds, the published version the page
says it shows, or the error). Run on a host of tests/multihost.py:

    python tests/multihost_probe.py OUT STOP USER PASSWORD URL [URL …]

Each replica keeps one signed-in browser page (a reload would end the Streamlit session and
so the sign-in); a new answer is asked for by going to another page and back to the Goals
page, which reads the data version again and so the newest published snapshot."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VERSION = re.compile(r"公開版 (\d+)")
# The Goals page, or what it says instead (busy, missing): either is an answer.
ANSWERED = re.compile("対応が必要な順|更新中です|データベースがまだありません")
TIMEOUT_MS = 60_000
PAUSE = float(os.environ.get("SHIHYO_PROBE_PAUSE", "0"))  # seconds between rounds


def _settled(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )


def _goals(page) -> int | None:
    """Wait for the Goals page and return the published version its caption names (None on a
    dashboard reading the live file); an error shown on the page (an exception, the busy or
    missing message) raises."""
    page.get_by_text(ANSWERED).first.wait_for(timeout=TIMEOUT_MS)
    _settled(page)
    if page.locator("[data-testid=stException]").count():
        raise RuntimeError("the page shows an exception")
    for message in ("更新中です", "データベースがまだありません"):
        if page.get_by_text(message).count():
            raise RuntimeError(f"the page says {message}")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    caption = page.get_by_text(VERSION)
    try:  # drawn before the table; on a loaded machine the browser may paint it a moment later
        caption.first.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return None
    match = VERSION.search(caption.first.inner_text())
    return int(match.group(1)) if match else None


def main(out: Path, stop: Path, user: str, password: str, urls: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, out.open("a", buffering=1) as log:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        pages = []
        for url in urls:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/", timeout=TIMEOUT_MS)
            page.get_by_label("ユーザー名").fill(user)
            page.get_by_label("パスワード", exact=True).fill(password)
            page.get_by_role("button", name="サインイン").click()
            _goals(page)
            pages.append((url, page))
        log.write(json.dumps({"ready": True, "at": time.time()}) + "\n")
        while not stop.exists():
            for url, page in pages:
                started = time.time()
                answer: dict = {"replica": url, "at": started}
                try:
                    page.get_by_role("link", name="取組").first.click()
                    page.get_by_role("heading", name="取組").first.wait_for(timeout=TIMEOUT_MS)
                    asked = time.time()
                    page.get_by_role("link", name="目標ダッシュボード").first.click()
                    answer["version"] = _goals(page)
                    answer["goals_seconds"] = time.time() - asked
                    answer["ok"] = True
                except Exception as exc:  # recorded: the test counts every failed answer
                    answer["ok"] = False
                    answer["error"] = f"{type(exc).__name__}: {exc}"[:300]
                answer["seconds"] = time.time() - started
                log.write(json.dumps(answer) + "\n")
            time.sleep(PAUSE)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
