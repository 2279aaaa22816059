"""Who may do what in the dashboard (AppTest): sign-in, session expiry, OIDC, roles, audit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access.users import UserStore
from kernel.settings import load_settings
from kernel.vocabulary import Lang
from tests import test_app
from tests.conftest import open_warehouse
from tests.test_app import APP, HEADER, USERS, add_users, frames, run_page, signed_in, texts
from ui import auth
from ui.door import now  # the dashboard's own clock, as its pages read it
from ui.export import csv_bytes
from ui.tables import audit_table, audit_word, change_text
from ui.text import md_escape
from warehouse import Warehouse

SIGN_IN = "shihyo 指標 — サインイン"  # the sign-in page's title

# The sample home with its users, as in test_app.
template_home = test_app.template_home
app_home = test_app.app_home
WRONG = "名前またはパスワードが違います"
PAGES = ("goals", "tree", "indicator", "initiatives", "upload", "alerts", "loads")
OIDC = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-secret-only-a-test",
    "client_id": "shihyo",
    "client_secret": "not-a-secret",
    "server_metadata_url": "https://idp.example.lg.jp/.well-known/openid-configuration",
}


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    """Fill in the sign-in form and submit it."""
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button(key="sign_in_submit").click().run()


def form() -> AppTest:
    """The app run by nobody: the sign-in page."""
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == SIGN_IN
    return at


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def warehouse() -> Warehouse:
    return open_warehouse(load_settings())


# ── signing in ────────────────────────────────────────────────────────────────


def test_wrong_password_and_unknown_name_read_the_same(app_home: Path) -> None:
    at = sign_in(form(), "yamada", "not-the-password")
    assert errors(at) == [WRONG]
    at = sign_in(form(), "nobody", "not-the-password")
    assert errors(at) == [WRONG]  # whether a name exists is never told
    assert not at.exception and not at.dataframe
    english = AppTest.from_file(APP, default_timeout=60)
    english.query_params["lang"] = "en"
    english = sign_in(english.run(), "yamada", "not-the-password")
    assert errors(english) == ["wrong name or password"]


def test_failures_hold_the_form_back_for_a_while_with_the_same_message(app_home: Path) -> None:
    at = form()
    for _ in range(5):
        sign_in(at, "yamada", "not-the-password")
        assert errors(at) == [WRONG]
    # Failures from elsewhere take the account's wait to its cap (a minute), so that what
    # follows does not depend on how fast this machine runs the page.
    store = UserStore(app_home / "users.json")
    for _ in range(6):
        store.throttle.failed("yamada", "elsewhere", now())
    sign_in(at, "yamada", USERS["yamada"][2])  # even the right password, for a while
    assert errors(at) == [WRONG]  # held back, and not told apart from a wrong password
    assert at.title[0].value == SIGN_IN
    held = UserStore(app_home / "users.json").throttle.held_until("yamada")
    assert held is not None and held - now() <= dt.timedelta(minutes=1)


def test_a_disabled_user_cannot_sign_in(app_home: Path) -> None:
    UserStore(app_home / "users.json").disable("kanbu", now())
    at = sign_in(form(), "kanbu", USERS["kanbu"][2])
    assert errors(at) == [WRONG]  # whether an account is disabled is not told either


def test_an_empty_form_asks_for_both_fields(app_home: Path) -> None:
    at = form()
    at.button(key="sign_in_submit").click().run()
    assert errors(at) == ["ユーザー名とパスワードを入力してください。"]


def test_without_a_user_file_the_page_says_how_to_add_one(app_home: Path) -> None:
    (app_home / "users.json").unlink()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "shihyo users add" in at.warning[0].value
    assert not at.text_input


# ── the session ───────────────────────────────────────────────────────────────


def test_a_session_expires_after_inactivity(
    app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = signed_in("yamada")
    at.session_state[auth.LAST_SEEN] = now() - dt.timedelta(minutes=481)
    at.run()
    assert at.title[0].value == SIGN_IN
    assert "480 分間操作がなかったため" in at.info[0].value
    assert auth.ACTOR not in at.session_state

    monkeypatch.setenv("SHIHYO_SESSION_MINUTES", "5")
    at = signed_in("yamada")
    seen = now() - dt.timedelta(minutes=4)
    at.session_state[auth.LAST_SEEN] = seen
    at.run()
    assert at.title[0].value == "目標ダッシュボード"  # within the limit
    assert at.session_state[auth.LAST_SEEN] > seen  # and the activity counts


def test_a_user_disabled_meanwhile_is_signed_out_at_once(app_home: Path) -> None:
    at = signed_in("kanbu").run()
    assert at.title[0].value == "目標ダッシュボード"
    UserStore(app_home / "users.json").disable("kanbu", now())
    at.run()
    assert at.title[0].value == SIGN_IN
    assert "無効になったか削除された" in at.info[0].value


# ── OIDC: the provider names the user, the local file gives the role ──────────


def oidc(user: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = OIDC
    at.user = user
    return at.run()


def test_oidc_maps_the_email_to_a_local_user(app_home: Path) -> None:
    add_users(app_home, {"sato@example.lg.jp": ("owner", ["joho-kikaku"], "unused-pass-1")})
    at = oidc({"is_logged_in": True, "email": "Sato@example.lg.jp", "email_verified": True})
    assert at.title[0].value == "目標ダッシュボード"
    assert md_escape("担当課（情報企画課）") in texts(at)
    at.switch_page("views/upload.py").run()
    assert md_escape("送信者: sato@example.lg.jp") in texts(at)


def test_oidc_refuses_an_email_without_a_role(app_home: Path) -> None:
    at = oidc({"is_logged_in": True, "email": "stranger@example.com"})
    assert errors(at) == ["このアカウントには権限が登録されていません。管理者に連絡してください。"]
    assert not at.dataframe
    assert at.button(key="sign_out_unregistered")


def test_oidc_signed_out_offers_the_providers_sign_in(app_home: Path) -> None:
    at = oidc({"is_logged_in": False})
    assert at.button(key="sign_in_oidc").label == "組織のアカウントでサインイン"
    assert not at.text_input  # no password form beside the provider
    assert not at.dataframe


# ── roles on the pages ────────────────────────────────────────────────────────


@pytest.mark.parametrize("user", ["kanbu", "yamada", "kanri"])
def test_every_role_reads_every_page_and_only_admins_have_audit(app_home: Path, user: str) -> None:
    at = signed_in(user).run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    if user == "kanri":
        at.switch_page("views/audit.py").run()
        assert at.title[0].value == "監査ログ"
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("views/audit.py")


def test_a_viewer_cannot_upload_or_resend(app_home: Path) -> None:
    at = run_page("views/upload.py", user="kanbu")
    assert at.warning[0].value.startswith("閲覧者はアップロードできません")
    assert not at.get("file_uploader") and not at.get("download_button")
    at.switch_page("views/alerts.py").run()
    assert "送信キュー" in texts(at)  # the outbox is read
    assert not [b for b in at.button if b.key == "resend"]


def test_an_owner_uploads_only_for_its_sections(app_home: Path) -> None:
    at = run_page("views/upload.py", user="yamada")
    assert at.selectbox(key="section_ja").options == ["情報企画課"]
    admin = run_page("views/upload.py", user="kanri")
    assert len(admin.selectbox(key="section_ja").options) > 1


def test_an_owners_row_for_another_sections_indicator_is_refused(app_home: Path) -> None:
    mixed = (HEADER + "wifi_access_points,2026-11,731,,\netax_payments,2026-10,52310,,\n").encode()
    at = run_page("views/upload.py", user="yamada")
    at.file_uploader(key="upload_file").set_value(("mixed.csv", mixed, "text/csv"))
    at.run()
    refused = next(f for f in frames(at) if "理由" in f.columns)
    assert refused["値"].tolist() == ["etax_payments"]
    assert refused["理由"].iloc[0].startswith("担当外の指標です")
    at.button(key="commit").click().run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["新規"], tiles["受け付けない行"]) == ("1", "1")
    quarantined = warehouse().quarantine(int(warehouse().loads().iloc[0]["id"]))
    assert quarantined["value"].tolist() == ["etax_payments"]


def test_an_owner_sees_only_its_sections_loads(app_home: Path) -> None:
    every = warehouse().loads()
    theirs = every[every["section"] == "joho-kikaku"]
    assert 0 < len(theirs) < len(every)
    at = run_page("views/loads.py", user="yamada")
    table = frames(at)[0]
    assert len(table) == len(theirs)  # each sent for 情報企画課, by a person or its inbox folder
    assert all(sender.endswith("（情報企画課）") for sender in table["送信者"])
    options = at.selectbox(key="load_id_ja").options
    assert sorted(o.split()[0] for o in options) == sorted(f"#{i}" for i in theirs["id"])
    everything = next(e for e in at.expander if "すべての取込" in e.label)
    assert "(1)" in everything.label  # only wifi_typo.csv's row, not other sections'
    viewer = run_page("views/loads.py", user="kanbu")
    assert len(frames(viewer)[0]) == len(every)


def test_an_owner_resends_only_messages_to_its_sections(app_home: Path) -> None:
    outbox = warehouse().outbox()
    pending = outbox[outbox["state"] == "pending"]
    assert set(pending["recipient"]) == {"joho-kikaku"}  # the sample's undelivered message
    at = run_page("views/alerts.py", user="yamada")
    choices = at.selectbox(key="resend_id_ja").options
    assert len(choices) == len(pending) and all("情報企画課" in c for c in choices)
    add_users(app_home, {"zeimu": ("owner", ["zeimu-shido"], "zeimu-password-1")})
    other = run_page("views/alerts.py", user="zeimu")
    assert not [b for b in other.button if b.key == "resend"]
    assert "再送できるメッセージはありません。" in texts(other)


# ── the audit page ────────────────────────────────────────────────────────────


def test_admin_sees_user_changes_in_the_audit_trail(app_home: Path) -> None:
    store = UserStore(app_home / "users.json")
    warehouse().audit("kanri", "edit", "target", "old_target", at=dt.datetime(2020, 1, 6))
    before = store.get("kanbu")
    after = store.disable("kanbu", now())
    warehouse().audit("kanri", "disable", "user", "kanbu", before.public(), after.public())
    at = run_page("views/audit.py")
    trail = frames(at)[0]
    assert {"kanri", "yamada", "kanbu"} <= set(trail["対象ID"])
    assert trail.iloc[0]["操作"] == "無効化" and trail.iloc[0]["操作者"] == "kanri"
    assert trail.iloc[0]["対象"] == "利用者"
    assert "無効: いいえ → はい" in trail.iloc[0]["内容"]  # what changed, in words
    assert "password_hash" not in " ".join(trail["内容"])  # never a hash in the trail
    assert at.get("download_button")
    at.selectbox(key="audit_actor").set_value("kanri").run()
    assert frames(at)[0]["操作"].tolist() == ["無効化", "編集"]
    at.date_input(key="audit_since").set_value(dt.date(2025, 1, 1)).run()
    assert frames(at)[0]["操作"].tolist() == ["無効化"]  # the 2020 edit is before
    at.selectbox(key="audit_entity").set_value("target").run()
    assert "条件に合う記録はありません。" in [i.value for i in at.info]


def test_the_audit_download_is_safe_for_excel() -> None:
    trail = pd.DataFrame(
        {
            "id": [1],
            "changed_at": [pd.Timestamp("2026-11-29 09:15:42")],
            "actor": ['=HYPERLINK("http://x")'],
            "action": ["add"],
            "entity": ["user"],
            "entity_id": ["@evil"],
            "before": [None],
            "after": ['{"role": "viewer"}'],
        }
    )
    data = csv_bytes(audit_table(trail, "ja", seconds=True))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "2026-11-29 09:15:42" in text
    assert "'=HYPERLINK" in text and ",'@evil," in text
    assert "役割: 閲覧者" in text and '{""role"": ""viewer""}' in text  # words and the record


def test_sign_ins_and_failed_attempts_are_audited(app_home: Path) -> None:
    sign_in(form(), "yamada", "not-the-password")
    trail = warehouse().audit_trail(entity="session")
    row = trail.iloc[0]
    assert (row["actor"], row["action"]) == ("yamada", "sign_in_failed")
    assert '"reason": "wrong"' in row["after"] and "not-the-password" not in trail.to_json(
        date_format="iso"
    )


def test_audit_rows_say_in_words_what_changed() -> None:
    changed = change_text(
        '{"value": 700, "due": "2026-03-31"}', '{"value": 750, "due": "2026-03-31"}', "ja"
    )
    assert changed == "値: 700 → 750"  # only what differs
    assert change_text('{"value": 700}', '{"value": 750}', Lang.en) == "value: 700 → 750"
    added = '{"name": "sato", "role": "owner", "sections": ["a", "b"], "disabled": false}'
    assert (
        change_text(None, added, Lang.ja) == "名称: sato、役割: 担当課、担当課: a, b、無効: いいえ"
    )
    level = change_text('{"level": "output"}', '{"level": "outcome"}', Lang.ja)
    assert level == "区分: アウトプット（活動） → アウトカム（成果）"  # codes read as words
    role = change_text('{"role": "viewer"}', '{"role": "admin"}', Lang.en)
    assert role == "role: Viewer → Administrator"
    assert change_text(None, None, Lang.ja) == ""
    assert audit_word("config-file", Lang.en) == "configuration file"
    assert audit_word("kanri", Lang.ja) == "kanri"  # a name stays a name
