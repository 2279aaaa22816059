"""The owners' words in the browser (Streamlit AppTest): an owner sends a figure with a
comment at the upload desk, writes commentary and records an improvement action on the
Indicator page, and everyone sees both there; the Goals page lists the open action."""

from __future__ import annotations

from pathlib import Path

from tests.test_app import app_home, frames, run_page, template_home, texts  # noqa: F401

WITH_COMMENT = (
    "indicator_id,period,value,org_unit,note,comment\n"
    "wifi_access_points,2026-10,725,,,設置工事の入札が不調で遅れています\n"
).encode()


def _table(at: object, column: str) -> object:
    return next(f for f in frames(at) if column in f.columns)


def test_an_owner_comments_records_an_action_and_everyone_sees_them(
    app_home: Path,  # noqa: F811
) -> None:
    desk = run_page("views/upload.py", user="yamada")
    desk.file_uploader(key="upload_file").set_value(("october.csv", WITH_COMMENT, "text/csv"))
    desk.run()
    assert _table(desk, "comment")["comment"].tolist() == ["設置工事の入札が不調で遅れています"]
    desk.button(key="commit").click().run()
    assert not desk.exception

    page = run_page("views/indicator.py", user="yamada", id="wifi_access_points")
    said = _table(page, "コメント（状況・要因）")
    assert said["コメント（状況・要因）"].tolist() == ["設置工事の入札が不調で遅れています"]
    assert said["対象期間"].tolist() == ["2026年10月"]
    # off track and missed without an action: the page asks for one
    assert any("原因と改善策" in w.value for w in page.warning)

    page.text_area(key="words_comment_body").input("再入札で12月に設置予定").run()
    page.button(key="words_comment_save").click().run()
    assert not page.exception
    assert any("第2版" in s.value for s in page.success)
    said = _table(page, "コメント（状況・要因）")
    assert said["コメント（状況・要因）"].tolist() == ["再入札で12月に設置予定"]
    assert said["版"].tolist() == [2]

    page.text_area(key="words_action_cause").input("入札不調").run()
    page.text_area(key="words_action_what").input("仕様を見直して再入札する").run()
    page.text_input(key="words_action_who").input("情報企画課 山田").run()
    page.button(key="words_action_save").click().run()
    assert not page.exception
    actions = _table(page, "改善策（何を）")
    assert actions["改善策（何を）"].tolist() == ["仕様を見直して再入札する"]
    assert actions["状態"].tolist() == ["実施中"]
    assert not any("原因と改善策" in w.value for w in page.warning)

    # a viewer reads both and has nothing to write with
    viewer = run_page("views/indicator.py", user="kanbu", id="wifi_access_points")
    assert _table(viewer, "コメント（状況・要因）")["版"].tolist() == [2]
    assert _table(viewer, "改善策（何を）")["担当（誰が）"].tolist() == ["情報企画課 山田"]
    assert "担当課または管理者が記入できます" in texts(viewer)
    assert not [b for b in viewer.button if b.key == "words_comment_save"]

    # the Goals page lists the open action; an administrator sees who still owes one
    goals = run_page("views/goals.py", user="kanri")
    listed = _table(goals, "改善策（何を）")
    assert listed["指標"].tolist() == ["県有施設の公衆無線LANアクセスポイント設置台数"]
    [unactioned] = [f for f in frames(goals) if list(f.columns) == ["指標", "詳細"]]
    assert "indicator?id=wifi_access_points" not in set(unactioned["詳細"])
    assert len(unactioned) >= 1  # the sample's system count is off track with no action


def test_a_replay_shows_the_words_known_then_and_no_forms(app_home: Path) -> None:  # noqa: F811
    page = run_page("views/indicator.py", user="yamada", id="wifi_access_points")
    page.text_area(key="words_comment_body").input("今日の説明").run()
    page.button(key="words_comment_save").click().run()
    before = run_page(
        "views/indicator.py", user="yamada", id="wifi_access_points", as_of="2026-11-01"
    )
    assert "この時点のコメントはありません" in texts(before)
    assert not [b for b in before.button if b.key == "words_comment_save"]
