"""Links and special files in the inbox (issue 12, item 1), each attack performed: a link
into another section's files, to users.json, to /proc/self/environ, a folder that is a link,
a file swapped for a link (or for another file) between the look and the open, a hard link,
a named pipe. Each is refused with the reason and recorded, and none of its bytes is read
or kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from access.roles import SYSTEM
from access.users import UserStore
from indicators.catalog import Catalog
from kernel.settings import Settings, load_settings
from service import LoadFiles, Service
from tests.clock import now
from tests.conftest import open_warehouse, ready_service

pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
# zeimu-shido's indicator: through joho-kikaku's folder it would load as that section's
# A figure no other bytes shihyo writes will hold by chance: found anywhere, it was copied.
# (A five-digit one, 99999, was once found in the warehouse's write-ahead log of a refusal
# that read nothing, written by something else; what, was not found.)
CROSSING = "73106591"
CROSS = HEADER + f"etax_payments,2019-04,{CROSSING},,\n"
SECRET = "s3cret-token-in-an-alert-url"


@pytest.fixture
def settings(home: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("SHIHYO_ALERT_URLS", f"json://user:{SECRET}@127.0.0.1:9/")
    settings = load_settings()
    ready_service(settings)
    (settings.inbox / "joho-kikaku").mkdir(parents=True)
    users = UserStore(settings.home / "users.json")
    users.add("admin", "correct horse battery", "admin", [], now())
    return settings


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "cross.csv").write_text(CROSS, encoding="utf-8")
    return folder


def _ingest(settings: Settings) -> list:
    return Service(settings).ingest().report.files


def _nothing_kept(settings: Settings, *needles: bytes) -> None:
    """No figure loaded, nothing in archive/ or rejected/, and none of `needles` in any file
    shihyo keeps (its warehouse aside, which holds no raw bytes)."""
    assert open_warehouse(settings).figures().empty
    for folder in (settings.archive, settings.rejected):
        assert not folder.exists() or not any(folder.iterdir()), list(folder.iterdir())
    for path in settings.home.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.name != "users.json":
            data = path.read_bytes()
            assert not any(n in data for n in needles), path


def _refused(result: object, rule: str) -> None:
    assert (result.status, result.sha256, result.rows_rejected) == ("rejected", "", 0)
    assert [e.rule for e in result.errors] == [rule]


def test_a_link_to_another_sections_file_is_refused_unread(
    settings: Settings, elsewhere: Path
) -> None:
    link = settings.inbox / "joho-kikaku" / "a.csv"
    link.symlink_to(elsewhere / "cross.csv")
    [result] = _ingest(settings)
    _refused(result, "inbox_link")
    assert "シンボリックリンク" in result.message and "symbolic link" in result.message
    _nothing_kept(settings, CROSSING.encode())
    assert not link.is_symlink() and (elsewhere / "cross.csv").read_text() == CROSS
    record = open_warehouse(settings).loads().iloc[0]
    assert (record["file_name"], record["status"], record["sha256"]) == ("a.csv", "rejected", "")
    assert record["section"] == "joho-kikaku" and "symbolic link" in record["message"]
    # the Loads page has nothing to hand out for it
    assert Service(settings).load_files(SYSTEM, "") == LoadFiles(None, None)


@pytest.mark.parametrize("target", ["users.json", "/proc/self/environ"])
def test_links_to_secrets_copy_nothing_into_rejected(settings: Settings, target: str) -> None:
    source = settings.home / target if not target.startswith("/") else Path(target)
    (settings.inbox / "leak.csv").symlink_to(source)
    [result] = _ingest(settings)
    _refused(result, "inbox_link")
    _nothing_kept(settings, b"argon2", SECRET.encode())


def test_a_folder_that_is_a_link_is_refused_and_its_files_untouched(
    settings: Settings, elsewhere: Path
) -> None:
    (settings.inbox / "joho-kikaku").rmdir()
    (settings.inbox / "joho-kikaku").symlink_to(elsewhere, target_is_directory=True)
    [result] = _ingest(settings)
    _refused(result, "inbox_link")
    _nothing_kept(settings, CROSSING.encode())
    assert (elsewhere / "cross.csv").read_text() == CROSS
    assert not (settings.inbox / "joho-kikaku").exists()


@pytest.mark.parametrize(("swap", "rule"), [("link", "inbox_link"), ("file", "inbox_changed")])
def test_a_file_swapped_between_the_look_and_the_open_is_refused(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, swap: str, rule: str
) -> None:
    sent = settings.inbox / "joho-kikaku" / "a.csv"
    sent.write_text(HEADER + "wifi_access_points,2019-04,1,,\n")
    real_open = os.open
    swapped = []

    def swapping(path: str, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if path == "a.csv" and dir_fd is not None and not flags & os.O_DIRECTORY and not swapped:
            # the attacker's move, after the file was looked at and before it is opened
            swapped.append(path)
            if swap == "link":
                os.unlink(path, dir_fd=dir_fd)
                os.symlink(str(settings.home / "users.json"), path, dir_fd=dir_fd)
            else:
                other = real_open("b.csv", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=dir_fd)
                os.write(other, b"swapped in")
                os.close(other)
                os.rename("b.csv", path, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", swapping)
    [result] = _ingest(settings)
    assert swapped
    _refused(result, rule)
    _nothing_kept(settings, b"argon2", b"swapped in")


def test_a_hard_link_and_a_named_pipe_are_refused_unread(
    settings: Settings, elsewhere: Path
) -> None:
    os.link(elsewhere / "cross.csv", settings.inbox / "joho-kikaku" / "hard.csv")
    os.mkfifo(settings.inbox / "joho-kikaku" / "pipe.csv")  # reading it would block for ever
    results = {r.name: r for r in _ingest(settings)}
    _refused(results["hard.csv"], "inbox_hard_link")
    _refused(results["pipe.csv"], "inbox_special")
    _nothing_kept(settings, CROSSING.encode())
    assert (elsewhere / "cross.csv").read_text() == CROSS  # the other name is untouched
    assert list((settings.inbox / "joho-kikaku").iterdir()) == []
