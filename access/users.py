"""The local user file ($SHIHYO_HOME/users.json): names, roles, sections and Argon2
password hashes — never plaintext — with lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from filelock import FileLock

from access.roles import ROLES, Actor, Role
from kernel.errors import BilingualError

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
_hasher = PasswordHasher()  # Argon2id with a random salt per hash


class UserError(ValueError):
    """A request about users that cannot be done; the message says why."""


class SignInFailed(BilingualError, ValueError):
    """Wrong name or password, a disabled user, or a locked-out one."""

    def __init__(self, reason: str, message_ja: str, message_en: str):
        super().__init__(message_ja, message_en)
        self.reason = reason  # wrong | unknown | disabled | locked


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    sections: tuple[str, ...]
    password_hash: str
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: str | None = None  # ISO timestamp
    updated_at: str = field(default="")

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


class UserStore:
    """Users kept in one JSON file, written atomically under a file lock."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = FileLock(str(path) + ".lock")

    def _read(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        raw = json.loads(self.path.read_text(encoding="utf-8"))
        return {u["name"]: User(**{**u, "sections": tuple(u["sections"])}) for u in raw}

    def _write(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        data = [{**asdict(u), "sections": list(u.sections)} for u in users.values()]
        temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.chmod(temporary, 0o600)  # hashes are still secrets
        temporary.replace(self.path)

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        with self._lock:
            users = self._read()
            try:
                yield users
            finally:
                # written even when the caller raises: a failed sign-in must be counted
                self._write(users)

    def list(self) -> list[User]:
        with self._lock:
            return sorted(self._read().values(), key=lambda u: u.name)

    def get(self, name: str) -> User | None:
        with self._lock:
            return self._read().get(name)

    def add(
        self, name: str, password: str | None, role: Role, sections: list[str], now: dt.datetime
    ) -> User:
        """Add a user; without a password (None) only the organisation's identity provider
        (OIDC) signs them in, never the local form."""
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
                _hasher.hash(password) if password is not None else "",
                updated_at=now.isoformat(),
            )
            return users[name]

    def set_password(self, name: str, password: str, now: dt.datetime) -> User:
        _check_password(password)
        with self._editing() as users:
            user = self._existing(users, name)
            users[name] = replace(
                user,
                password_hash=_hasher.hash(password),
                failed_attempts=0,
                locked_until=None,
                updated_at=now.isoformat(),
            )
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

    def authenticate(self, name: str, password: str, now: dt.datetime) -> User:
        """The user, if the password is right; counts failures and locks the account."""
        with self._editing() as users:
            user = users.get(name)
            if user is None:
                _hasher.hash(password)  # take as long as a real check: names stay secret
                raise SignInFailed(
                    "unknown", "名前またはパスワードが違います", "wrong name or password"
                )
            if user.disabled:
                raise SignInFailed(
                    "disabled", "このアカウントは無効です", "this account is disabled"
                )
            if user.locked_until and now < dt.datetime.fromisoformat(user.locked_until):
                raise SignInFailed(
                    "locked",
                    "失敗が続いたため一時的にロックされています",
                    "locked for a while after repeated failures",
                )
            try:
                if not user.password_hash:  # an OIDC-only user has no local password
                    raise VerificationError
                _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                failures = user.failed_attempts + 1
                locked = (now + LOCKOUT).isoformat() if failures >= MAX_FAILURES else None
                users[name] = replace(
                    user, failed_attempts=0 if locked else failures, locked_until=locked
                )
                raise SignInFailed(
                    "wrong", "名前またはパスワードが違います", "wrong name or password"
                ) from None
            users[name] = replace(user, failed_attempts=0, locked_until=None)
            return users[name]
