"""The local user file ($SHIHYO_HOME/users.json, mode 600): names, roles, sections and
Argon2 password hashes — never plaintext. Failed sign-ins slow down the account and the
client (access/throttle.py) rather than lock the account; passwords are checked outside
the file's lock, and every refusal reads and costs the same."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from filelock import FileLock

from access.roles import ROLES, Actor, Role
from access.throttle import Throttle
from kernel.errors import BilingualError
from kernel.private import write_private

MIN_PASSWORD_LENGTH = 10
UNKNOWN_CLIENT = "unknown"  # the client key when the caller cannot tell who is asking
HASHER = PasswordHasher()  # Argon2id with a random salt per hash
# One message for every refusal: whether a name exists, is disabled or is being held back
# is not told to whoever is trying (the reason goes to the audit trail only).
REFUSED_JA = "名前またはパスワードが違います"
REFUSED_EN = "wrong name or password"


@cache
def _dummy_hash() -> str:
    """A hash of a random password, checked when there is no real one to check, so that an
    unknown, disabled or held-back name costs what a real check costs."""
    return HASHER.hash(secrets.token_urlsafe(24))


def _verify(password_hash: str, password: str) -> bool:
    """Whether the password matches the hash (slow: Argon2). Called outside every lock."""
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class UserError(ValueError):
    """A request about users that cannot be done; the message says why."""


class SignInFailed(BilingualError, ValueError):
    """A refused sign-in; the message is the same whatever the reason."""

    def __init__(self, reason: str):
        super().__init__(REFUSED_JA, REFUSED_EN)
        self.reason = reason  # wrong | unknown | disabled | throttled (for the audit trail)


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    sections: tuple[str, ...]
    password_hash: str
    disabled: bool = False
    updated_at: str = field(default="")
    must_change: bool = False  # the password was given to them (the first admin's): change it

    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.sections)

    def public(self) -> dict:
        """The user without the password hash, for listings and the audit trail."""
        data = asdict(self)
        data.pop("password_hash")
        data["sections"] = list(self.sections)
        return data


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


_FIELDS = {f.name for f in fields(User)}


class UserStore:
    """Users kept in one JSON file, written atomically (mode 600 from the first byte) under a
    file lock that is held to read or write the file, never while a password is checked."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = FileLock(str(path) + ".lock")
        self.throttle = Throttle(path.parent / "sign-in-throttle.json")

    def _read(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        # fields of older files (the lock-out's counters) are left behind
        return {
            u["name"]: User(
                **{k: v for k, v in u.items() if k in _FIELDS} | {"sections": tuple(u["sections"])}
            )
            for u in raw
        }

    def _write(self, users: dict[str, User]) -> None:
        data = [{**asdict(u), "sections": list(u.sections)} for u in users.values()]
        write_private(self.path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        with self._lock:
            users = self._read()
            yield users
            self._write(users)

    def list(self) -> list[User]:
        with self._lock:
            return sorted(self._read().values(), key=lambda u: u.name)

    def get(self, name: str) -> User | None:
        with self._lock:
            return self._read().get(name)

    def add(
        self,
        name: str,
        password: str | None,
        role: Role,
        sections: list[str],
        now: dt.datetime,
        must_change: bool = False,
    ) -> User:
        """Add a user; without a password (None) only the organisation's identity provider
        (OIDC) signs them in, never the local form; `must_change`: the password was handed
        to them and they change it at their first sign-in."""
        if role not in ROLES:
            raise UserError(f"role must be one of {', '.join(ROLES)}")
        if role == "owner" and not sections:
            raise UserError("an owner needs at least one section")
        if not name.strip():
            raise UserError("a user needs a name")
        if password is not None:
            _check_password(password)
        with self._editing() as users:
            if name in users:
                raise UserError(f"user {name!r} exists already")
            users[name] = User(
                name,
                role,
                tuple(sections),
                HASHER.hash(password) if password is not None else "",
                updated_at=now.isoformat(),
                must_change=must_change,
            )
            return users[name]

    def set_password(
        self, name: str, password: str, now: dt.datetime, must_change: bool = False
    ) -> User:
        """Set a user's password; `must_change` when an administrator set it for them."""
        _check_password(password)
        with self._editing() as users:
            user = self._existing(users, name)
            users[name] = replace(
                user,
                password_hash=HASHER.hash(password),
                updated_at=now.isoformat(),
                must_change=must_change,
            )
        self.throttle.clear(name, now)
        return users[name]

    def disable(self, name: str, now: dt.datetime) -> User:
        with self._editing() as users:
            user = self._existing(users, name)
            users[name] = replace(user, disabled=True, updated_at=now.isoformat())
            return users[name]

    @staticmethod
    def _existing(users: dict[str, User], name: str) -> User:
        if name not in users:
            raise UserError(f"no user {name!r}")
        return users[name]

    def authenticate(
        self, name: str, password: str, now: dt.datetime, client: str = UNKNOWN_CLIENT
    ) -> User:
        """The user, if the password is right and neither the account nor the client is
        being held back after failures; else SignInFailed, with the same message and after
        the same Argon2 work whatever the reason. `client` is whatever identifies the
        asker (an IP address, a session)."""
        verdict = self.throttle.verdict(name, client, now)
        user = self.get(name)  # the file's lock is let go before the slow check
        usable = user is not None and not user.disabled and bool(user.password_hash)
        checked = user.password_hash if usable and user is not None else _dummy_hash()
        right = _verify(checked, password) and usable
        if not verdict.allowed:  # refused uncounted: waiting out the delay is enough
            raise SignInFailed("throttled")
        if not right or user is None:
            self.throttle.failed(name, client, now)
            reason = "unknown" if user is None else "disabled" if user.disabled else "wrong"
            raise SignInFailed(reason)
        current = self.get(name)
        if current is None or current.disabled or current.password_hash != user.password_hash:
            raise SignInFailed("wrong")  # changed by an administrator while it was checked
        self.throttle.succeeded(name, client, now)
        return current
