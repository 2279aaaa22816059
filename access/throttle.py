"""Growing delays after failed sign-ins, per account and per client, instead of a lock-out
that anyone who knows a name could trigger.

After a few free failures each further failure doubles the wait before the next attempt
is looked at: for a client (an IP address, a session) up to 15 minutes, for an account up
to a minute (whatever the number of clients, at most about 60 guesses an hour reach one
password, within ASVS 2.2.1's 100). An attempt made while waiting is refused without being
counted, so it does not lengthen the wait: once the delay has passed, the real user's
right password is taken. A client that has signed in to an account before is not held
back by that account's delay (OWASP's "device cookie" idea, on the client key), so a
stranger's failures never keep the owner out at all."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from kernel.private import write_private

FREE_FAILURES = 3
FIRST_DELAY = dt.timedelta(seconds=1)
ACCOUNT_CAP = dt.timedelta(minutes=1)
CLIENT_CAP = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(days=1)  # a key quiet this long starts afresh
MAX_KEYS = 10_000  # names sprayed by an attacker cannot grow the file without bound
KNOWN_CLIENTS = 10  # per account, the most recent


def delay(failures: int, cap: dt.timedelta) -> dt.timedelta:
    """The wait after `failures` failures in a row: none for the first few, then doubling."""
    if failures < FREE_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_DELAY * 2 ** min(failures - FREE_FAILURES, 30), cap)


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may be checked now, and if not, from when."""

    allowed: bool
    retry_at: dt.datetime | None = None


class Throttle:
    """Failure counts per key, kept in one JSON file (mode 600) under a file lock held only
    to read and write it, never while a password is checked."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = FileLock(str(path) + ".lock")

    def _read(self) -> dict[str, dict]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:  # a damaged file is forgotten, not a reason to refuse everyone
            return {}

    def _write(self, entries: dict[str, dict], now: dt.datetime) -> None:
        fresh = {
            key: entry
            for key, entry in entries.items()
            if entry.get("known") or now - _at(entry) < FORGET_AFTER
        }
        if len(fresh) > MAX_KEYS:
            keep = sorted(fresh, key=lambda k: _at(fresh[k]), reverse=True)[:MAX_KEYS]
            fresh = {k: fresh[k] for k in keep}
        write_private(self.path, json.dumps(fresh, ensure_ascii=False).encode())

    def verdict(self, account: str, client: str, now: dt.datetime) -> Verdict:
        """May an attempt on `account` from `client` be checked at `now`?"""
        with self._lock:
            entries = self._read()
        waits = [_until(entries.get(f"client:{client}"), CLIENT_CAP)]
        held = entries.get(f"account:{account}")
        if held is None or client not in held.get("known", []):
            waits.append(_until(held, ACCOUNT_CAP))
        retry_at = max((w for w in waits if w is not None), default=None)
        if retry_at is not None and now < retry_at:
            return Verdict(False, retry_at)
        return Verdict(True)

    def failed(self, account: str, client: str, now: dt.datetime) -> None:
        """Count a failure against the account and the client."""
        with self._lock:
            entries = self._read()
            for key in (f"account:{account}", f"client:{client}"):
                entry = entries.setdefault(key, {"failures": 0})
                entry["failures"] = int(entry.get("failures", 0)) + 1
                entry["last"] = now.isoformat()
            self._write(entries, now)

    def succeeded(self, account: str, client: str, now: dt.datetime) -> None:
        """A right password: the account's and the client's counts start again, and the
        client is known to the account from now on."""
        with self._lock:
            entries = self._read()
            entries.pop(f"client:{client}", None)
            known = [
                c for c in entries.get(f"account:{account}", {}).get("known", []) if c != client
            ]
            entries[f"account:{account}"] = {
                "failures": 0,
                "last": now.isoformat(),
                "known": [client, *known][:KNOWN_CLIENTS],
            }
            self._write(entries, now)

    def clear(self, account: str, now: dt.datetime) -> None:
        """Forget an account's failures (its password was just set by an administrator)."""
        with self._lock:
            entries = self._read()
            if f"account:{account}" in entries:
                entries[f"account:{account}"]["failures"] = 0
                self._write(entries, now)

    def held_until(self, account: str) -> dt.datetime | None:
        """Until when an unknown client's attempt on the account waits, if it does."""
        with self._lock:
            return _until(self._read().get(f"account:{account}"), ACCOUNT_CAP)


def _at(entry: dict) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(entry.get("last")))
    except ValueError:
        return dt.datetime.min


def _until(entry: dict | None, cap: dt.timedelta) -> dt.datetime | None:
    if not entry:
        return None
    wait = delay(int(entry.get("failures", 0)), cap)
    return _at(entry) + wait if wait else None
