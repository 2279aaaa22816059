"""Dashboard sessions kept on the server ($SHIHYO_HOME/sessions.sqlite, mode 600): a reload,
a new tab or a link from an alert message finds its session again through a cookie that
holds a random token and its signature, never the user's name. A session ends when it is
signed out, after the idle limit, after the absolute limit, and when the user's password
changes or the user is disabled (the session remembers which password hash it began
under). Only a hash of each token is stored: a copy of the file opens no session."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from access.users import User

_SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    token_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    password_stamp TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended_at TEXT,
    end_reason TEXT
)
"""
# last_seen is written at most this often: a page run is not a database write.
_TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    """How long a session lasts: without activity, and at most."""

    idle: dt.timedelta
    absolute: dt.timedelta


@dataclass(frozen=True)
class Resumed:
    """A session found again: whose, or why it is over (idle, absolute, password, gone)."""

    user: str | None
    ended: str | None


def _stamp(user: User) -> str:
    """Which password (and state) a session began under: a hash of the user's hash."""
    return hashlib.sha256(f"{user.password_hash}|{user.disabled}".encode()).hexdigest()


class SessionStore:
    """Sessions in one SQLite file; each call opens and closes its own connection."""

    def __init__(self, path: Path, key: bytes, limits: Limits):
        self.path = path
        self.key = key
        self.limits = limits

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30)) as con, con:
            con.execute(_SCHEMA)
            yield con

    def _sign(self, token: str) -> str:
        return hmac.new(self.key, token.encode(), hashlib.sha256).hexdigest()[:32]

    def _token(self, cookie: str | None) -> str | None:
        """The token of a cookie whose signature is right, else None."""
        if not isinstance(cookie, str):
            return None
        token, _, signature = cookie.partition(".")
        if not token or not hmac.compare_digest(signature, self._sign(token)):
            return None
        return token

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def start(self, user: User, now: dt.datetime) -> str:
        """A new session for `user`; the cookie's value (token.signature)."""
        token = secrets.token_urlsafe(32)
        with self._db() as con:
            con.execute(
                "INSERT INTO session VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                [self._hash(token), user.name, _stamp(user), now.isoformat(), now.isoformat()],
            )
        return f"{token}.{self._sign(token)}"

    def resume(self, cookie: str | None, user: User | None, now: dt.datetime) -> Resumed:
        """Whose session `cookie` names, if it is still open for `user` (the user the session
        began for, as the user file has them now); else why not, the session ended."""
        token = self._token(cookie)
        if token is None:
            return Resumed(None, None)
        with self._db() as con:
            row = con.execute(
                "SELECT user, password_stamp, created_at, last_seen, ended_at FROM session"
                " WHERE token_hash = ?",
                [self._hash(token)],
            ).fetchone()
            if row is None or row[4] is not None:
                return Resumed(None, None)
            name, stamp, created, seen = row[0], row[1], *map(dt.datetime.fromisoformat, row[2:4])
            reason = None
            if user is None or user.name != name or user.disabled:
                reason = "account_gone"
            elif stamp != _stamp(user):
                reason = "password_changed"
            elif now - created > self.limits.absolute:
                reason = "session_limit"
            elif now - seen > self.limits.idle:
                reason = "session_expired"
            if reason is not None:
                self._end(con, token, now, reason)
                return Resumed(None, reason)
            if now - seen >= _TOUCH_EVERY:
                con.execute(
                    "UPDATE session SET last_seen = ? WHERE token_hash = ?",
                    [now.isoformat(), self._hash(token)],
                )
            return Resumed(name, None)

    def owner(self, cookie: str | None) -> str | None:
        """The user a (signed) cookie's session began for, open or not: who to look up."""
        token = self._token(cookie)
        if token is None:
            return None
        with self._db() as con:
            row = con.execute(
                "SELECT user FROM session WHERE token_hash = ?", [self._hash(token)]
            ).fetchone()
        return row[0] if row else None

    def end(self, cookie: str | None, now: dt.datetime, reason: str = "signed_out") -> None:
        """Sign the cookie's session out (nothing if it names none)."""
        token = self._token(cookie)
        if token is not None:
            with self._db() as con:
                self._end(con, token, now, reason)

    def end_all(self, user: str, now: dt.datetime, reason: str) -> int:
        """End every open session of `user` (a password changed, the user disabled)."""
        with self._db() as con:
            cursor = con.execute(
                "UPDATE session SET ended_at = ?, end_reason = ?"
                " WHERE user = ? AND ended_at IS NULL",
                [now.isoformat(), reason, user],
            )
            return cursor.rowcount

    def _end(self, con: sqlite3.Connection, token: str, now: dt.datetime, reason: str) -> None:
        con.execute(
            "UPDATE session SET ended_at = ?, end_reason = ? WHERE token_hash = ?"
            " AND ended_at IS NULL",
            [now.isoformat(), reason, self._hash(token)],
        )
