"""The catalog desk page through AppTest: an administrator gives initiative 1 (HEMS 導入補助)
an output indicator with a target as a draft, the same administrator may not approve it, a
second administrator does, and coverage goes from 13 to 14; a change the catalog checks
refuse shows the files' messages; only administrators have the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import add_users, app_home, run_page, signed_in, template_home, texts

__all__ = ["app_home", "template_home"]  # the fixtures, used by name

PAGE = "views/catalog.py"
SUBMIT = "変更案として登録"


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


@pytest.mark.parametrize("user", ["kanbu", "yamada"])
def test_only_administrators_have_the_desk(app_home: Path, user: str) -> None:
    at = signed_in(user).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
