"""Dashboard sessions on the server: found again by their signed cookie, ended by the idle
and the absolute limit, by a password change and by disabling the user; nothing in the
file opens one."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from access.roles import Actor
from access.sessions import Limits, SessionStore
from access.users import SignInFailed, UserStore
from service import Service

NOW = dt.datetime(2026, 11, 20, 9, 0)
LIMITS = Limits(idle=dt.timedelta(minutes=30), absolute=dt.timedelta(hours=12))
PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    store = UserStore(tmp_path / "users.json")
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], NOW)
    return store


@pytest.fixture
def sessions(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions.sqlite", b"k" * 32, LIMITS)


def test_a_session_is_found_again_by_its_cookie(users: UserStore, sessions: SessionStore) -> None:
    cookie = sessions.start(users.get("yamada"), NOW)
    later = NOW + dt.timedelta(minutes=20)
    assert sessions.owner(cookie) == "yamada"
    assert sessions.resume(cookie, users.get("yamada"), later).user == "yamada"
    # activity counts: 20 + 20 minutes is within a 30-minute idle limit
    assert sessions.resume(cookie, users.get("yamada"), later + dt.timedelta(minutes=20)).user


def test_a_forged_or_unknown_cookie_opens_nothing(users: UserStore, sessions: SessionStore) -> None:
    cookie = sessions.start(users.get("yamada"), NOW)
    token, _, signature = cookie.partition(".")
    for forged in (f"{token}.{'0' * len(signature)}", f"other.{signature}", token, "", None):
        assert sessions.resume(forged, users.get("yamada"), NOW).user is None
        assert sessions.owner(forged) is None


def test_the_file_holds_no_usable_token(
    tmp_path: Path, users: UserStore, sessions: SessionStore
) -> None:
    cookie = sessions.start(users.get("yamada"), NOW)
    with sqlite3.connect(tmp_path / "sessions.sqlite") as con:
        stored = con.execute("SELECT token_hash FROM session").fetchone()[0]
    assert cookie.partition(".")[0] not in stored


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        (dt.timedelta(minutes=31), "session_expired"),  # idle
        (dt.timedelta(hours=13), "session_limit"),  # absolute, however active
    ],
)
def test_the_limits_end_a_session(
    users: UserStore, sessions: SessionStore, after: dt.timedelta, reason: str
) -> None:
    cookie = sessions.start(users.get("yamada"), NOW)
    if reason == "session_limit":  # active every 25 minutes for 13 hours
        for step in range(1, 31):
            assert sessions.resume(cookie, users.get("yamada"), NOW + step * LIMITS.idle * 0.8)
    ended = sessions.resume(cookie, users.get("yamada"), NOW + after)
    assert (ended.user, ended.ended) == (None, reason)
    again = sessions.resume(cookie, users.get("yamada"), NOW + after)
    assert (again.user, again.ended) == (None, None)  # ended for good


def test_a_password_change_or_disabling_ends_every_session(
    users: UserStore, sessions: SessionStore
) -> None:
    first = sessions.start(users.get("yamada"), NOW)
    second = sessions.start(users.get("yamada"), NOW)
    users.set_password("yamada", "another horse battery", NOW)  # e.g. by the CLI
    ended = sessions.resume(first, users.get("yamada"), NOW)
    assert ended.ended == "password_changed"
    third = sessions.start(users.get("yamada"), NOW)
    users.disable("yamada", NOW)
    assert sessions.resume(third, users.get("yamada"), NOW).ended == "account_gone"
    assert sessions.resume(second, users.get("yamada"), NOW).user is None


def test_a_user_changes_their_own_password_through_the_service(service: Service) -> None:
    store = service.user_store()
    store.add("admin", PASSWORD, "admin", [], service.now(), must_change=True)
    cookie = service.sessions().start(store.get("admin"), service.now())
    actor = Actor("admin", "admin")
    with pytest.raises(SignInFailed):
        service.change_password(actor, "not the password", "new password 123", "test")
    service.change_password(actor, PASSWORD, "new password 123", "test")
    user = store.get("admin")
    assert user is not None and not user.must_change  # the handed password is gone
    assert service.sessions().resume(cookie, user, service.now()).user is None
    assert service.audit_trail(actor, entity="user")["action"].iloc[0] == "passwd"
    # an administrator sets someone's password: they change it at their next sign-in
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], service.now())
    service.set_password(actor, "yamada", "handed over 123", None)
    assert store.get("yamada").must_change
