"""The catalog desk in a real headless Chromium: an administrator gives initiative 1 an output
indicator with a target as a draft, a second administrator approves it, coverage on the
Goals page goes from 13 to 14, the owner section uploads a figure for it, and the goal tree
shows it under initiative 1 with a status; screenshots of the desk go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_app import add_users
from tests.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    OWNER,
    WIDTH,
    go,
    server,
    settle,
    shoot,
    sign_in,
)

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
# The owner's figure for the new indicator (monthly, a stock: the form's first choices) for
# October 2026, after its baseline of March 2025 (an example, as the indicator is).
UPLOAD = b"indicator_id,period,value,org_unit,note\nhems_subsidies,2026-10,70,,\n"
STATUSES = ("順調", "要注意", "遅れ", "達成")  # a status judged from a figure (not データなし)


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
        for label, digits in (("基準値の時点", "20250331"), ("目標の期限", "20280331")):
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

        # The owner section (情報企画課) sends the new indicator's first figure.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{server}/upload")
        sign_in(page, *OWNER)
        settle(page, "入力用テンプレート（CSV）")
        page.locator("input[type=file]").set_input_files(
            files=[{"name": "hems.csv", "mimeType": "text/csv", "buffer": UPLOAD}]
        )
        page.get_by_role("button", name="取り込む").wait_for(timeout=30_000)
        settle(page, "取り込む")
        page.get_by_role("button", name="取り込む").click()
        settle(page, "取込結果")
        shoot(page, "catalog-desk-uploaded")
        go(page, "目標ダッシュボード", "14 / 101")
        go(page, "目標体系", "HEMS導入補助件数（例示）")
        line = page.locator("li", has_text="HEMS導入補助件数（例示）").first
        shown = line.text_content() or ""
        assert any(status in shown for status in STATUSES), shown
        # drawn under initiative 1: the nearest initiative line above it is 取組 1
        lines = [x.strip() for x in page.locator("body").inner_text().splitlines() if x.strip()]
        at = next(n for n, x in enumerate(lines) if "HEMS導入補助件数（例示）" in x)
        above = next(x for x in reversed(lines[:at]) if x.startswith("取組 "))
        assert above.startswith("取組 1 "), lines[max(0, at - 3) : at + 1]
        shoot(page, "catalog-desk-goal-tree")
        browser.close()


def test_an_administrator_edits_a_target_and_a_second_approves(server: str, tmp_path: Path) -> None:
    """The Wi-Fi indicator's fy2027 target raised from 900 to 950 at the desk (an example),
    read before and after by the second administrator, who approves it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    add_users(tmp_path / "home", {SECOND[0]: ("admin", [], SECOND[1])})
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{server}/catalog")
        sign_in(page, "kanri", "kanri-password-1")
        settle(page, "指標のない取組（88件）")
        page.get_by_text("指標の担当課・目標の編集", exact=True).click()
        settle(page, "編集する指標")  # the first indicator, Wi-Fi access points, is chosen
        page.get_by_label("目標値 2（空欄: この目標なし）", exact=True).fill("950")
        page.get_by_role("button", name="変更案として登録").click()
        settle(page, "別の管理者の承認を待っています")
        shoot(page, "catalog-desk-edit-proposed")
        browser.close()

        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 900})
        page.goto(f"{server}/catalog")
        sign_in(page, *SECOND)
        settle(page, "承認待ちの変更案")
        page.set_viewport_size({"width": WIDTH, "height": 1800})  # the change table in view
        for figure in ("900台", "950台"):  # before and after, in words (the grid draws late)
            cell = page.locator("[data-testid=stDataFrame] td[role=gridcell]", has_text=figure)
            cell.first.wait_for(state="attached", timeout=30_000)  # the grid's hidden table
        page.get_by_role("button", name="承認", exact=True).click()
        settle(page, "を承認しました")
        shoot(page, "catalog-desk-edit-approved")
        browser.close()
