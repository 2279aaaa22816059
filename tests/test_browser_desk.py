"""The catalog desk in a real headless Chromium: an administrator gives initiative 1 an output
indicator with a target as a draft, a second administrator approves it, and coverage on the
Goals page goes from 13 to 14; screenshots of the desk go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import add_users
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, WIDTH, go, server, settle, shoot, sign_in

__all__ = ["server"]  # the fixture, used by name

SECOND = ("kanri2", "kanri2-password-1")
FIELDS = {
    "指標ID（半角英数字と _、アップロードのファイルで使います）": "hems_subsidies",
    "指標名": "HEMS導入補助件数（例示）",
    "指標名（英語）": "HEMS installation grants (example)",
    "単位": "件",
    "単位（英語）": "grants",
    "基準値": "0",
    "基準値の出典": "例示 (example)",
    "目標値（空欄: 目標なし）": "120",
}


def test_an_administrator_proposes_and_a_second_approves(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    add_users(tmp_path / "home", {SECOND[0]: ("admin", [], SECOND[1])})
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{server}/catalog")
        sign_in(page, "kanri", "kanri-password-1")
        settle(page, "指標のない取組（88件）")
        for label, value in FIELDS.items():
            page.get_by_label(label, exact=True).fill(value)
        for label, digits in (("基準値の時点", "20260331"), ("目標の期限", "20280331")):
            # A date field of segments (year, month, day): typed into, each moves on when full.
            field = page.get_by_label(label, exact=True)
            field.locator('[role="spinbutton"]').first.click()
            page.keyboard.type(digits)
        page.get_by_role("button", name="変更案として登録").click()
        settle(page, "別の管理者の承認を待っています")
        shoot(page, "catalog-desk-proposed")
        browser.close()

        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{server}/catalog")
        sign_in(page, *SECOND)
        settle(page, "承認待ちの変更案")
        page.get_by_role("button", name="承認", exact=True).click()
        settle(page, "を承認しました")
        page.get_by_text("指標のない取組（87件）").first.wait_for(timeout=30_000)
        shoot(page, "catalog-desk-approved")
        go(page, "目標ダッシュボード", "14 / 101")
        browser.close()
