"""End to end in a real headless Chromium: `streamlit run app.py` against a sample warehouse;
sign in through a deep link, upload a file with one bad row, see why it is refused, load it,
find the figure (and its note, as text) on the indicator page, sign out, read the audit trail
as an admin; a full-page screenshot of every page goes to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kernel.processes import stop
from shihyo.launcher import dashboard_answers, wait_for
from tests.conftest import REPO
from tests.test_app import HEADER, USERS, add_users, sample_home

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
OWNER = ("suzuki", "suzuki-password-1")
NOTE = "<script>alert(1)</script>"
# One good row with markup in its note, one bad value: the upload the owner sends.
UPLOAD = (
    HEADER + f"wifi_access_points,2026-11,731,,{NOTE}\nwifi_facilities,2026-11,abc,,\n"
).encode()

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make browser)"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served from a copy of the sample warehouse; its base URL."""
    home = tmp_path / "home"
    shutil.copytree(sample_home(tmp_path_factory.mktemp("browser")), home)
    add_users(home, {OWNER[0]: ("owner", ["joho-kikaku"], OWNER[1])})
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
        wait_for(lambda: dashboard_answers("127.0.0.1", port), 30, "the dashboard", process)
        yield url
    finally:
        stop(process, 10)
        log.close()


def settle(page, text: str) -> None:
    """Wait for `text`, then for the script run to finish and the charts to draw."""
    page.get_by_text(text).first.wait_for(timeout=30_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )
    page.wait_for_timeout(800)


def shoot(page, name: str) -> Path:
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


def sign_in(page, name: str, password: str, label: str = "サインイン") -> None:
    """Fill in the sign-in form and submit it."""
    page.get_by_label("ユーザー名" if label == "サインイン" else "User name").fill(name)
    field = page.get_by_label("パスワード" if label == "サインイン" else "Password", exact=True)
    field.fill(password)
    page.get_by_role("button", name=label).click()


def go(page, link: str, text: str) -> None:
    """Move to another page by its link in the sidebar (the session, and so the sign-in,
    lives as long as the page is not reloaded)."""
    page.get_by_role("link", name=link).click()
    settle(page, text)


def test_sign_in_upload_a_file_with_a_bad_row_then_see_the_figure(server: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # One browser profile: its tabs share the session cookie, as a user's tabs do.
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        try:
            page.goto(f"{server}/")
            settle(page, "電子化全開宣言行動計画の目標と指標のモニタリングです。")
            assert not page.locator("[data-testid=stDataFrame]").count()
            assert not page.get_by_text("基準日 / As of").count()  # no as-of before sign-in
            shoot(page, "0-sign-in")
            sign_in(page, OWNER[0], "not-the-password")
            settle(page, "名前またはパスワードが違います")
            shoot(page, "0-sign-in-failed")

            # A deep link, as an alert's link arrives: signed in, the page and its
            # parameters are kept.
            page.goto(f"{server}/indicator?id=wifi_access_points&lang=en")
            settle(page, "Please sign in.")
            sign_in(page, *OWNER, label="Sign in")
            settle(page, "Figures and targets")
            title = page.locator("h1").first.inner_text()
            assert title == "Public Wi-Fi access points at prefectural facilities"
            assert "id=wifi_access_points" in page.url and "lang=en" in page.url

            # The sign-in lasts: a reload, a new tab, and a link from an alert message.
            page.reload()
            settle(page, "Figures and targets")
            assert not page.get_by_label("Password", exact=True).count()
            tab = context.new_page()
            tab.goto(f"{server}/indicator?id=etax_payments")  # as a message's link reads
            settle(tab, "推移と目標")
            assert tab.locator("h1").first.inner_text() == "電子納税件数"
            cookie = next(c for c in context.cookies() if c["name"] == "shihyo_session")
            assert cookie["sameSite"] == "Lax" and cookie["secure"]  # loopback counts as secure
            tab.close()
            page.get_by_role("radio", name="日本語").click()
            settle(page, "推移と目標")

            go(page, "目標ダッシュボード", "対応が必要な順")
            assert page.get_by_text("101", exact=True).first.is_visible()
            shoot(page, "1-goals")

            go(page, "アップロード", "入力用テンプレート（CSV）")
            assert page.get_by_text("送信者: suzuki").is_visible()
            page.locator("input[type=file]").set_input_files(
                files=[{"name": "november.csv", "mimeType": "text/csv", "buffer": UPLOAD}]
            )
            settle(page, "受け付けない行と理由")
            reason = page.locator("[data-testid=stDataFrame] td[role=gridcell]")
            assert "数値として読めません" in " ".join(reason.all_text_contents())
            shoot(page, "4-upload-preview")
            page.get_by_role("button", name="取り込む").click()
            settle(page, "取込結果")
            shoot(page, "4-upload-result")

            go(page, "指標", "推移と目標")
            row = page.locator(  # the figures table's row of the owner's November figure
                '[data-testid=stDataFrame] tr:has(td:text-is("2026年11月"))'
                f':has(td:has-text("{OWNER[0]}（"))'  # the sender with the section sent for
            ).first
            assert "731" in (row.text_content() or "")
            assert OWNER[0] in (row.text_content() or "")
            assert NOTE in (row.text_content() or "")  # the markup, shown as text
            assert not page.locator("script", has_text="alert(1)").count()
            shoot(page, "2-indicator")

            for link, text, name in (
                ("取組", "指標が未設定の取組のみ表示", "3-initiatives"),
                ("アラート", "送信キュー", "5-alerts"),
                ("取込履歴", "取込の記録", "6-loads"),
            ):
                go(page, link, text)
                shoot(page, name)
            assert not page.get_by_role("link", name="監査ログ").count()  # owners: no audit

            page.get_by_role("button", name="サインアウト").click()
            settle(page, "サインアウトしました。")
            page.reload()  # signed out for good: the cookie no longer opens a session
            settle(page, "サインインしてください。")
            sign_in(page, "kanri", USERS["kanri"][2])
            settle(page, "取込の記録")  # back where the owner left, now as the admin
            go(page, "監査ログ", "件の記録")
            cells = page.locator("[data-testid=stDataFrame] td[role=gridcell]")
            assert OWNER[0] in cells.all_text_contents()  # the owner added before the start
            shoot(page, "7-audit")

            # English by the sidebar switch, kept when moving to another page.
            go(page, "目標ダッシュボード", "対応が必要な順")
            page.get_by_role("radio", name="English").click()
            settle(page, "In order of urgency")
            shoot(page, "1-goals-en")
            page.get_by_role("link", name="Indicator").click()
            settle(page, "Figures and targets")
            assert "lang=en" in page.url
        finally:
            browser.close()
    assert not dialogs, dialogs  # no script from the data ever ran
    assert len(list(ARTIFACTS.glob("*.png"))) >= 11
