"""Private files (issue 12, Low): users.json is never readable by others, not even for the
moment between its writing and a chmod; the warehouse, archive/, rejected/ and the keys
are created private by the CLI and the dashboard (umask 077)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import kernel.private
from access.users import SignInFailed, UserStore
from kernel.private import home_key, write_private
from tests.clock import now
from tests.conftest import REPO

PASSWORD = "correct horse battery"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The permissive umask most shells start with; restored afterwards."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_users_json_is_never_written_readable_by_others(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, int]] = []
    real_replace = os.replace

    def watching_replace(source: str | Path, target: str | Path) -> None:
        seen.append((str(target), mode(Path(source))))  # the file as it is about to appear
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", watching_replace)
    monkeypatch.setattr(os, "chmod", lambda *_a, **_k: None)  # a chmod after the fact: too late
    store = UserStore(tmp_path / "users.json")
    store.add("yamada", PASSWORD, "viewer", [], now())
    with pytest.raises(SignInFailed):
        store.authenticate("yamada", "wrong password!", now(), "x")
    assert seen and all(m == 0o600 for _, m in seen), seen  # the old temp file was 0644
    assert mode(tmp_path / "users.json") == 0o600
    assert mode(tmp_path / "sign-in-throttle.json") == 0o600


def test_write_private_and_home_key_make_mode_600_files(tmp_path: Path, open_umask: None) -> None:
    write_private(tmp_path / "a" / "secret.json", b"{}")
    key = home_key(tmp_path / "k" / "x.key")
    assert mode(tmp_path / "a" / "secret.json") == 0o600
    assert mode(tmp_path / "k" / "x.key") == 0o600
    assert home_key(tmp_path / "k" / "x.key") == key and len(key) == 32
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == ["x.key"]  # no temp left


def _cli(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SHIHYO_HOME": str(home), "SHIHYO_PREFECT": "never"}
    return subprocess.run(
        [sys.executable, "-m", "shihyo.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=300,
        check=False,
    )


def test_the_cli_creates_the_warehouse_archive_rejected_and_users_private(
    tmp_path: Path, open_umask: None
) -> None:
    home = tmp_path / "home"
    assert _cli(home, "init").returncode == 0
    good = tmp_path / "good.csv"
    good.write_text("indicator_id,period,value,org_unit,note\nwifi_access_points,2026-10,700,,\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("this is,not,the template\n1,2,3\n")
    _cli(home, "ingest", str(good), str(bad))
    added = _cli(home, "users", "add", "yamada", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    archive = [p for p in (home / "archive").iterdir()]
    rejected = [p for p in (home / "rejected").iterdir()]
    assert archive and rejected
    files = [home / "shihyo.duckdb", home / "users.json", *archive, *rejected]
    assert {str(p.relative_to(home)): mode(p) for p in files} == {
        str(p.relative_to(home)): 0o600 for p in files
    }
    for folder in (home, home / "archive", home / "rejected"):
        assert mode(folder) == 0o700, folder


def test_the_dashboard_sets_the_private_umask(home: Path, open_umask: None) -> None:
    AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    current = os.umask(0o022)
    assert current == kernel.private.PRIVATE_UMASK
