"""The owners' words in real headless Chromium: an owner sends a figure with its comment at
the upload desk, then, on the Indicator page of that off-track indicator, records an
improvement action, sees both there, and finds both in the review report drafted on the
Goals page (downloaded as Markdown)."""

from __future__ import annotations

import pytest

from tests.test_browser import (  # noqa: F401 (the fixture)
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    OWNER,
    WIDTH,
    server,
    settle,
    shoot,
    sign_in,
)
from ui.text import t

COMMENT = "県立図書館など3施設で設置工事が完了し、計画どおり増加した"
CAUSE = "報告の担当者が異動し、提出が遅れた"
ACTION = "提出の手順書を整え、副担当を置く"
WITH_COMMENT = (
    f"indicator_id,period,value,org_unit,note,comment\nwifi_access_points,2026-11,731,,,{COMMENT}\n"
).encode()

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"
)


def test_an_owner_comments_records_an_action_and_finds_both_in_the_drafted_report(
    server: str,  # noqa: F811
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": WIDTH, "height": 900}).new_page()
        try:
            page.goto(f"{server}/upload")
            settle(page, "サインインしてください。")
            sign_in(page, *OWNER)
            settle(page, "入力用テンプレート（CSV）")
            page.locator("input[type=file]").set_input_files(
                files=[{"name": "november.csv", "mimeType": "text/csv", "buffer": WITH_COMMENT}]
            )
            settle(page, "取り込む")
            page.get_by_role("button", name="取り込む").click()
            settle(page, "取込結果")

            page.goto(f"{server}/indicator?id=wifi_access_points")  # as a message links it
            settle(page, "推移と目標")
            # the forms are folded under one heading, opened to write
            forms = t("words_comment_save", "ja") + " / " + t("words_action_save", "ja")
            page.get_by_text(forms, exact=True).click()
            page.get_by_label(t("words_cause", "ja")).fill(CAUSE)
            page.get_by_label(t("words_action_what", "ja")).fill(ACTION)
            page.get_by_label(t("words_action_who", "ja")).fill("情報企画課 鈴木")
            page.get_by_role("button", name=t("words_action_save", "ja")).click()
            settle(page, t("words_action_saved", "ja"))
            cells = " ".join(
                page.locator("[data-testid=stDataFrame] td[role=gridcell]").all_text_contents()
            )
            assert COMMENT in cells and ACTION in cells, cells
            shoot(page, "words-indicator")

            page.get_by_role("link", name="目標ダッシュボード").click()
            settle(page, t("report_heading", "ja"))
            page.get_by_text("Markdown", exact=True).click()
            page.get_by_role("button", name=t("report_prepare", "ja")).click()
            settle(page, t("report_download", "ja"))
            with page.expect_download() as caught:
                page.get_by_role("button", name=t("report_download", "ja")).click()
            report = caught.value.path().read_text(encoding="utf-8")
            assert COMMENT in report  # the owner's words, under 成果
            assert ACTION in report and CAUSE in report  # the action, under 課題・今後の予定等
            shoot(page, "words-goals")
        finally:
            browser.close()
