"""Sign-in as a denial of service (issue 12, item 5): a stranger's failures must not keep
the real user out, parallel attempts must not queue a good sign-in behind a file lock held
during Argon2, and every refusal must read and cost the same."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from filelock import FileLock, Timeout

import access.users as users_module
from access.throttle import ACCOUNT_CAP
from access.users import SignInFailed, UserStore

NOW = dt.datetime(2026, 11, 29, 9, 0)
PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    store = UserStore(tmp_path / "users.json")
    store.add("admin", PASSWORD, "admin", [], NOW)
    store.add("yamada", PASSWORD, "owner", ["joho-kikaku"], NOW)
    return store


def test_a_strangers_failures_cannot_keep_the_real_user_out(store: UserStore) -> None:
    # The attacker hammers the administrator's account as fast as it can for a minute;
    # the old code locked the account for 15 minutes after five, and again and again.
    moment, reasons = NOW, []
    for _ in range(30):
        with pytest.raises(SignInFailed) as refused:
            store.authenticate("admin", "guess-guess-guess", moment, "203.0.113.9")
        reasons.append(refused.value.reason)
        moment += dt.timedelta(seconds=2)
    assert reasons.count("wrong") <= 8  # the rest were refused unchecked, uncounted
    # the real administrator, from an address never seen, once the account's delay is past
    later = moment + ACCOUNT_CAP
    assert store.authenticate("admin", PASSWORD, later, "198.51.100.7").name == "admin"


def test_a_known_client_is_not_held_back_by_the_accounts_delay(store: UserStore) -> None:
    store.authenticate("yamada", PASSWORD, NOW, "192.0.2.10")  # her usual office address
    for second in range(8):
        with pytest.raises(SignInFailed):
            store.authenticate("yamada", "nope-nope-nope", NOW + dt.timedelta(seconds=second), "x")
    # at once, while a stranger would still wait
    just_after = NOW + dt.timedelta(seconds=8)
    with pytest.raises(SignInFailed):
        store.authenticate("yamada", PASSWORD, just_after, "198.51.100.99")
    assert store.authenticate("yamada", PASSWORD, just_after, "192.0.2.10").name == "yamada"


def test_attempts_made_while_held_do_not_lengthen_the_wait(store: UserStore) -> None:
    for _ in range(6):
        with pytest.raises(SignInFailed):
            store.authenticate("yamada", "nope-nope-nope", NOW, "x")
    held_until = store.throttle.held_until("yamada")
    assert held_until is not None
    for _ in range(20):  # refused uncounted
        with pytest.raises(SignInFailed):
            store.authenticate("yamada", "nope-nope-nope", NOW + dt.timedelta(seconds=0.5), "y")
    assert store.throttle.held_until("yamada") == held_until


class CountingHasher:
    """The real Argon2 hasher, counting the checks and the hashes made."""

    def __init__(self) -> None:
        self.real = users_module.HASHER
        self.verified = 0
        self.hashed = 0

    def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return self.real.verify(password_hash, password)

    def hash(self, password: str) -> str:
        self.hashed += 1
        return self.real.hash(password)


def test_every_refusal_reads_the_same_and_costs_one_argon2_check(
    store: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add("oidc@example.lg.jp", None, "viewer", [], NOW)
    store.add("gone", PASSWORD, "viewer", [], NOW)
    store.disable("gone", NOW)
    for _ in range(6):  # hold back one client
        with pytest.raises(SignInFailed):
            store.authenticate("nobody", "x-x-x-x-x-x", NOW, "held")
    counting = CountingHasher()
    monkeypatch.setattr(users_module, "HASHER", counting)
    users_module._dummy_hash()  # made once per process, not per attempt
    cases = {
        "unknown": ("no-such-user", PASSWORD, "a"),
        "disabled": ("gone", PASSWORD, "a"),
        "wrong": ("yamada", "not the password", "a"),
        "oidc only": ("oidc@example.lg.jp", "", "a"),
        "throttled": ("yamada", PASSWORD, "held"),
    }
    messages = set()
    for what, (name, password, client) in cases.items():
        before = (counting.verified, counting.hashed)
        with pytest.raises(SignInFailed) as refused:
            store.authenticate(name, password, NOW, client)
        assert (counting.verified, counting.hashed) == (before[0] + 1, before[1]), what
        messages.add((str(refused.value), refused.value.message_ja, refused.value.message_en))
    assert len(messages) == 1  # the old code said 無効 / ロック for two of them
    assert counting.verified == len(cases)


def test_the_user_files_lock_is_free_while_a_password_is_checked(
    store: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = users_module.HASHER
    seen: list[bool] = []

    class Probing:
        def verify(self, password_hash: str, password: str) -> bool:
            for lock in (store._lock, store.throttle._lock):
                other = FileLock(lock.lock_file, timeout=0)  # as another process would
                try:
                    other.acquire()
                    other.release()
                    seen.append(True)
                except Timeout:
                    seen.append(False)
            return real.verify(password_hash, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(users_module, "HASHER", Probing())
    store.authenticate("yamada", PASSWORD, NOW, "a")
    with pytest.raises(SignInFailed):
        store.authenticate("nobody", PASSWORD, NOW, "b")
    assert seen and all(seen)


def test_parallel_attempts_do_not_queue_a_good_sign_in(
    store: UserStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight attempts with unknown names and one good sign-in, at once: each check waits at
    # a barrier until all nine are checking. Under the old single lock held during Argon2,
    # only one could ever be checking, and the barrier broke.
    real = users_module.HASHER
    attempts = 9
    barrier = threading.Barrier(attempts, timeout=30)

    class Meeting:
        def verify(self, password_hash: str, password: str) -> bool:
            barrier.wait()
            return real.verify(password_hash, password)

        def hash(self, password: str) -> str:  # the old code hashed for unknown names
            barrier.wait()
            return real.hash(password)

    users_module._dummy_hash()
    monkeypatch.setattr(users_module, "HASHER", Meeting())
    outcomes: dict[int, str] = {}

    def attempt(number: int) -> None:
        name, client = ("yamada", "good") if number == 0 else (f"ghost{number}", f"bot{number}")
        try:
            outcomes[number] = store.authenticate(name, PASSWORD, NOW, client).name
        except SignInFailed as failed:
            outcomes[number] = failed.reason
        except threading.BrokenBarrierError:
            outcomes[number] = "queued"

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcomes[0] == "yamada"
    assert sorted(outcomes[n] for n in range(1, attempts)) == ["unknown"] * (attempts - 1)
