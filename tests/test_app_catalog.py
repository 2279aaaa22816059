"""The catalog desk page through AppTest: an administrator gives initiative 1 (HEMS 導入補助)
an output indicator with a target as a draft, the same administrator may not approve it, a
second administrator does, and coverage goes from 13 to 14; a change the catalog checks
refuse shows the files' messages; only administrators have the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.roles import Actor
from kernel.settings import load_settings
from service import Service
from tests.test_app import add_users, app_home, run_page, signed_in, template_home, texts
from ui.desk import before_after_rows, change_rows

__all__ = ["app_home", "template_home"]  # the fixtures, used by name

PAGE = "views/catalog.py"
SUBMIT = "変更案として登録"
KANRI = Actor("kanri", "admin")


def _fill(at: AppTest, **fields: object) -> AppTest:
    """Initiative 1, a new indicator, the fields by their keys, then the form's button."""
    at.selectbox(key="desk_initiative").set_value("1").run()
    for key, value in fields.items():
        kind = "text_input" if isinstance(value, str) else "number_input"
        if isinstance(value, dt.date):
            kind = "date_input"
        at.get(kind)
        widget = next(w for w in at.get(kind) if w.key == f"desk_{key}")
        widget.set_value(value)
    next(b for b in at.button if b.label == SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


HEMS = {
    "id": "hems_subsidies",
    "name": "HEMS導入補助件数（例示）",
    "name_en": "HEMS installation grants (example)",
    "unit": "件",
    "unit_en": "grants",
    "base": 0.0,
    "base_date": dt.date(2026, 3, 31),
    "source": "例示 (example)",
    "target": 120.0,
    "due": dt.date(2028, 3, 31),
}


def test_an_indicator_for_initiative_1_is_proposed_and_approved_by_another(
    app_home: Path,
) -> None:
    at = run_page(PAGE)
    assert at.title[0].value == "目録デスク"
    assert "指標のない取組（88件）" in texts(at)
    assert at.info[0].value == "承認待ちの変更案はありません。"
    _fill(at, **HEMS)
    assert at.success[0].value == "変更案 1 を登録しました。別の管理者の承認を待っています。"
    change = next(d.value for d in at.dataframe if list(d.value.columns) == ["項目", "内容"])
    shown = dict(zip(change["項目"], change["内容"], strict=True))
    # every field by its name and every code in words, as the form asked for them
    assert {k: shown[k] for k in ("頻度", "種類", "望ましい方向", "指標の区分", "担当課")} == {
        "頻度": "月次",
        "種類": "時点値",
        "望ましい方向": "高いほど良い",
        "指標の区分": "アウトプット（活動）",
        "担当課": "情報企画課",
    }
    assert shown["基準値"] == "0件" and shown["基準値の時点"] == "2026/03/31"
    assert shown["目標値"] == "120件" and shown["目標の期限"] == "2028/03/31"
    assert shown["許容幅"] == "10%" and shown["例示の目標"] == "はい"
    assert shown["根拠とする取組"].startswith("1 ")
    assert not {"frequency", "monthly", "baseline", "targets"} & {*shown, *shown.values()}
    approve = next(b for b in at.button if b.key == "desk_approve")
    assert approve.disabled  # the proposer's own draft
    assert "あなたが提案した変更案です" in texts(at)

    add_users(app_home, {"kanri2": ("admin", [], "kanri2-password-1")})
    second = run_page(PAGE, user="kanri2")
    next(b for b in second.button if b.key == "desk_approve").click().run()
    assert not second.exception, [e.value for e in second.exception]
    assert second.success[0].value.startswith("変更案 1 を承認しました。")
    assert "指標のない取組（87件）" in texts(second)
    assert "承認済み" in set(second.dataframe[-1].value["状態"])
    second.switch_page("views/goals.py").run()
    assert "14 / 101" in [m.value for m in second.metric]


def test_a_change_the_catalog_checks_refuse_shows_their_messages(app_home: Path) -> None:
    at = _fill(run_page(PAGE), **{**HEMS, "unit": "", "due": dt.date(2025, 3, 31)})
    shown = at.error[0].value.replace("\\", "")
    assert shown.startswith("目録の検査で次の問題が見つかりました")
    assert "indicators.yaml: indicator 'hems_subsidies': unit: Field required" in shown
    assert not at.success
    assert at.info[0].value == "承認待ちの変更案はありません。"  # nothing kept


def test_the_desk_reads_in_english(app_home: Path) -> None:
    at = run_page(PAGE, lang="en")
    assert at.title[0].value == "Catalog desk"
    assert "Initiatives without an indicator (88)" in texts(at)


def test_a_change_reads_in_words_in_english(app_home: Path) -> None:
    """A flow's windows and a link, as the English desk shows them."""
    catalog = Service(load_settings()).catalog()
    entry = {
        "id": "x",
        "frequency": "quarterly",
        "kind": "flow",
        "direction": "lower",
        "owner": "zeimu-shido",
        "baseline": {"value": 1234.5, "date": "2026-03-31", "window": "fiscal_year"},
        "targets": [{"value": 1000, "due": "2028-03-31", "window": "fiscal_year"}],
    }
    rows = dict(change_rows(entry, catalog, "en"))
    assert rows["Frequency"] == "quarterly" and rows["Kind"] == "flow"
    assert rows["Better when"] == "lower" and rows["Owner section"] == "Tax Guidance Division"
    assert rows["Baseline spans"] == rows["Target spans"] == "a fiscal year's total"
    # not a whole indicator (no name, unit …): its figures by the one formatter, past a
    # hundred without decimals
    assert rows["Baseline"] == "1,235" and rows["Target due"] == "2028/03/31"
    link = dict(change_rows({"indicator": "etax_payments", "initiative": "1"}, catalog, "en"))
    assert link["Indicator"] == "Electronic tax payments" and link["Initiative"].startswith("1 ")


@pytest.mark.parametrize("user", ["kanbu", "yamada"])
def test_only_administrators_have_the_desk(app_home: Path, user: str) -> None:
    at = signed_in(user).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_a_new_indicator_with_two_targets(app_home: Path) -> None:
    at = run_page(PAGE)
    at.selectbox(key="desk_targets").set_value(2).run()
    second = {"target_2": 200.0, "due_2": dt.date(2031, 3, 31)}
    at = _fill(at, **HEMS, **second)
    assert at.success[0].value.startswith("変更案 1 を登録しました。")
    [draft] = Service(load_settings()).catalog_drafts(KANRI, "draft")
    targets = (draft.change.entry or {})["targets"]
    assert [(t["id"], t["value"], t["due"]) for t in targets] == [
        ("hems_subsidies-fy2027", 120.0, "2028-03-31"),
        ("hems_subsidies-fy2030", 200.0, "2031-03-31"),
    ]
    assert all(t["illustrative"] for t in targets)


def _edit_page(indicator_id: str = "wifi_access_points") -> AppTest:
    at = run_page(PAGE)
    at.radio(key="desk_task").set_value("indicator").run()
    at.selectbox(key="desk_edit_indicator").set_value(indicator_id).run()
    return at


def test_an_indicators_owner_and_targets_are_edited_as_a_draft(app_home: Path) -> None:
    key = "desk_edit_wifi_access_points_"
    at = _edit_page()
    # the form shows the indicator in force: its owner and its two targets
    assert at.selectbox(key=f"{key}owner").value == "joho-kikaku"
    assert at.number_input(key=f"{key}target_2").value == 900
    at.selectbox(key=f"{key}count").set_value(3).run()
    at.selectbox(key=f"{key}owner").set_value("data-suishin")
    at.checkbox(key=f"{key}remove_1").check()  # the fy2022 target removed
    at.number_input(key=f"{key}target_2").set_value(950.0)
    at.number_input(key=f"{key}target_3").set_value(1000.0)
    at.date_input(key=f"{key}due_3").set_value(dt.date(2031, 3, 31))
    next(b for b in at.button if b.label == SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("変更案 1 を登録しました。")
    change = next(d.value for d in at.dataframe if "変更前" in d.value.columns)
    shown = {row["項目"]: (row["変更前"], row["変更後"]) for _, row in change.iterrows()}
    assert shown["担当課"] == ("情報企画課", "データ推進課")
    # targets matched by id: fy2027 raised, fy2030 added, fy2022 removed; nothing unchanged
    assert shown["目標ID 1"] == ("wifi_access_points-fy2027",) * 2
    assert shown["目標値 1"] == ("900台", "950台")
    assert shown["目標値 2"] == ("—", "1,000台") and shown["目標の期限 2"] == ("—", "2031/03/31")
    assert shown["目標ID 3"] == ("wifi_access_points-fy2022", "—")
    assert "目標への道筋 1" not in shown  # left at its default on both sides
    [draft] = Service(load_settings()).catalog_drafts(KANRI, "draft")
    assert [t["id"] for t in (draft.change.entry or {})["targets"]] == [
        "wifi_access_points-fy2027",
        "wifi_access_points-fy2030",
    ]
    assert draft.change.entry is not None and draft.change.entry["owner"] == "data-suishin"


def test_an_edit_the_checks_refuse_shows_their_messages(app_home: Path) -> None:
    key = "desk_edit_wifi_access_points_"
    at = _edit_page()
    at.date_input(key=f"{key}due_1").set_value(dt.date(2019, 3, 31))
    next(b for b in at.button if b.label == SUBMIT).click().run()
    shown = at.error[0].value.replace("\\", "")
    assert "target 'wifi_access_points-fy2018' is due 2019-03-31, not after its baseline" in shown
    assert not at.success


def test_a_goal_is_edited_as_a_draft(app_home: Path) -> None:
    at = run_page(PAGE)
    at.radio(key="desk_task").set_value("goal").run()
    at.selectbox(key="desk_goal_entry").set_value("p1").run()
    at.text_area(key="desk_goal_p1_ja").set_value("県民誰もがICTの恩恵を受けられる")
    next(b for b in at.button if b.label == SUBMIT).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value.startswith("変更案 1 を登録しました。")
    change = next(d.value for d in at.dataframe if "変更前" in d.value.columns)
    shown = {row["項目"]: (row["変更前"], row["変更後"]) for _, row in change.iterrows()}
    assert shown["目指すべき姿（空欄: 未設定）"][1] == "県民誰もがICTの恩恵を受けられる"
    pending = next(d.value for d in at.dataframe if "対象" in d.value.columns)
    assert list(zip(pending["種類"], pending["対象"], strict=True)) == [
        ("目指すべき姿の編集", "方針 スマート神奈川の推進")
    ]


def test_an_edit_reads_before_and_after_in_english(app_home: Path) -> None:
    catalog = Service(load_settings()).catalog()
    before = {"owner": "joho-kikaku", "targets": [{"id": "a", "value": 900, "due": "2028-03-31"}]}
    after = {"owner": "data-suishin", "targets": [{"id": "a", "value": 950, "due": "2028-03-31"}]}
    rows = {
        name: (was, now)
        for name, was, now in before_after_rows(before, after, catalog, "en", "wifi_access_points")
    }
    assert rows["Owner section"] == ("Information Planning Division", "Data Promotion Division")
    assert rows["Target"] == ("900 units", "950 units")  # at the indicator's unit, in English
