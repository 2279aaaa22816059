"""End to end in a real headless Chromium: `streamlit run app.py` against a sample warehouse;
upload a file with one bad row, see why it is refused, load it, find the figure on the
indicator page; a full-page screenshot of every page goes to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_app import ONE_BAD_ROW, sample_home

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTH = 1400

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout:.0f} s")


@pytest.fixture
def server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served from a copy of the sample warehouse; its base URL."""
    home = tmp_path / "home"
    shutil.copytree(sample_home(tmp_path_factory.mktemp("browser")), home)
    port = _free_port()
    env = {
        **os.environ,
        "SHIHYO_HOME": str(home),
        "SHIHYO_PREFECT": "never",
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _settle(page, text: str) -> None:
    """Wait for `text`, then for the script run to finish and the charts to draw."""
    page.get_by_text(text).first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(800)


def _shoot(page, name: str) -> Path:
    """A screenshot of the whole page: the window is grown to the height of the content,
    since Streamlit scrolls its main block rather than the document."""
    height = page.evaluate(
        "() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(900, int(height) + 40)})
    page.wait_for_timeout(600)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 900})
    return path


def test_upload_a_file_with_a_bad_row_then_see_the_figure(server: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        try:
            # First request to a fresh server by deep link, as an alert's link arrives.
            page.goto(f"{server}/indicator?id=wifi_access_points&lang=en")
            _settle(page, "Figures and targets")
            title = page.locator("h1").first.inner_text()
            assert title == "Public Wi-Fi access points at prefectural facilities"
            assert page.get_by_role("radio", name="English").is_checked()

            page.goto(f"{server}/")
            _settle(page, "対応が必要な順")
            assert page.get_by_text("101", exact=True).first.is_visible()
            _shoot(page, "1-goals")

            page.goto(f"{server}/upload")
            _settle(page, "入力用テンプレート（CSV）")
            page.get_by_label("送信者名").fill("情報企画課 鈴木")
            page.get_by_label("送信者名").press("Enter")
            page.wait_for_timeout(500)
            page.locator("input[type=file]").set_input_files(
                files=[{"name": "november.csv", "mimeType": "text/csv", "buffer": ONE_BAD_ROW}]
            )
            _settle(page, "受け付けない行と理由")
            reason = page.locator("[data-testid=stDataFrame] td[role=gridcell]")
            assert "数値として読めません" in " ".join(reason.all_text_contents())
            _shoot(page, "4-upload-preview")
            page.get_by_role("button", name="取り込む").click()
            _settle(page, "取込結果")
            _shoot(page, "4-upload-result")

            page.goto(f"{server}/indicator?id=wifi_access_points")
            _settle(page, "推移と目標")
            row = page.locator('[data-testid=stDataFrame] tr:has(td:text-is("2026-11"))').first
            assert "731" in (row.text_content() or "")
            assert "情報企画課 鈴木" in (row.text_content() or "")
            _shoot(page, "2-indicator")

            for path, text, name in (
                ("initiatives", "指標が未設定の取組のみ表示", "3-initiatives"),
                ("alerts", "送信キュー", "5-alerts"),
                ("loads", "取込の記録", "6-loads"),
            ):
                page.goto(f"{server}/{path}")
                _settle(page, text)
                _shoot(page, name)

            # English by the sidebar switch, kept when moving to another page.
            page.goto(f"{server}/")
            _settle(page, "対応が必要な順")
            page.get_by_role("radio", name="English").click()
            _settle(page, "In order of urgency")
            _shoot(page, "1-goals-en")
            page.get_by_role("link", name="Indicator").click()
            _settle(page, "Figures and targets")
            assert "lang=en" in page.url
        finally:
            browser.close()
    assert len(list(ARTIFACTS.glob("*.png"))) >= 8
