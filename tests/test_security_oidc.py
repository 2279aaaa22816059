"""OIDC (issue 12, item 7): an address the provider has not verified must not sign anyone
in, least of all as an administrator whose name differs from it only in capitals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.users import UserStore
from tests import test_app
from tests.test_app import add_users
from tests.test_app_access import errors, oidc
from ui.auth import oidc_user

template_home = test_app.template_home
app_home = test_app.app_home
NOW = dt.datetime(2026, 11, 29, 9, 0)
NOT_REGISTERED = "このアカウントには権限が登録されていません。管理者に連絡してください。"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    store = UserStore(tmp_path / "users.json")
    store.add("kanri@example.lg.jp", None, "admin", [], NOW)
    store.add("sub:248289761001", None, "owner", ["joho-kikaku"], NOW)
    return store


@pytest.mark.parametrize(
    ("claims", "who"),
    [
        ({"email": "kanri@example.lg.jp", "email_verified": True}, "kanri@example.lg.jp"),
        ({"email": "KANRI@example.lg.jp", "email_verified": "true"}, "kanri@example.lg.jp"),
        ({"email": "Kanri@example.lg.jp", "email_verified": False}, None),  # the attack
        ({"email": "kanri@example.lg.jp", "email_verified": "false"}, None),
        ({"email": "kanri@example.lg.jp"}, None),  # the provider does not vouch for it
        ({"email": "kanri@example.lg.jp", "email_verified": 1}, None),
        ({"sub": "248289761001", "email": "anything@example.com"}, "sub:248289761001"),
        ({"sub": "999", "email": "sub:248289761001", "email_verified": True}, "sub:248289761001"),
    ],
)
def test_only_a_verified_address_or_a_registered_subject_names_a_user(
    store: UserStore, claims: dict, who: str | None
) -> None:
    user = oidc_user(store, {"is_logged_in": True, **claims})
    assert (user.name if user else None) == who


def test_a_disabled_user_is_no_match(store: UserStore) -> None:
    store.disable("kanri@example.lg.jp", NOW)
    claims = {"email": "kanri@example.lg.jp", "email_verified": True}
    assert oidc_user(store, claims) is None


def test_the_dashboard_refuses_an_unverified_address_of_an_administrator(app_home: Path) -> None:
    add_users(app_home, {"kanri@example.lg.jp": ("admin", [], "unused-pass-1")})
    at: AppTest = oidc(
        {"is_logged_in": True, "email": "Kanri@Example.lg.jp", "email_verified": False}
    )
    assert errors(at) == [NOT_REGISTERED]  # the old code signed this in as the administrator
    assert at.title[0].value == "shihyo 指標 — サインイン" and not at.dataframe
    at = oidc({"is_logged_in": True, "email": "Kanri@Example.lg.jp", "email_verified": True})
    assert at.title[0].value == "目標ダッシュボード"
