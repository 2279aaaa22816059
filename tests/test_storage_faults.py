"""archive/ or rejected/ that cannot be written to (issue 13, item 10): a clear message in
both languages, no load record (and exactly one once the folder is put right), the file left
in the inbox for the next run, and no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from access.roles import Actor
from indicators.catalog import Catalog
from kernel.settings import Settings, load_settings
from service import Service
from shihyo.cli import app
from tests.conftest import open_warehouse, ready_service

pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
GOOD = HEADER + "wifi_access_points,2019-04,600,,\n"
JUNK = "これは様式ではありません\n1,2,3\n"
runner = CliRunner()


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    (settings.inbox / "joho-kikaku").mkdir(parents=True)
    return settings


@contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """`folder` made so that this process cannot create files in it: mode 500, or for root
    (whom modes do not stop) the file system's immutable flag."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o500)
        undo = ["chmod", "700", str(folder)]
    elif (
        shutil.which("chattr")
        and not subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True, check=False
        ).returncode
    ):
        undo = ["chattr", "-i", str(folder)]
    else:
        pytest.skip("cannot make a folder unwritable for root here (no chattr +i)")
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


def _ingest_cli() -> tuple[int, dict]:
    result = runner.invoke(app, ["ingest", "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output)


@pytest.mark.parametrize(
    ("content", "folder"),
    [(GOOD, "archive"), (JUNK, "rejected")],
    ids=["archive", "rejected"],
)
def test_an_unwritable_folder_holds_the_file_with_a_message_and_no_record(
    settings: Settings, content: str, folder: str
) -> None:
    sent = settings.inbox / "joho-kikaku" / "april.csv"
    sent.write_text(content, encoding="utf-8")
    with unwritable(settings.home / folder):
        for _ in range(2):  # every run says the same and records nothing
            code, report = _ingest_cli()
            [held] = report["files"]
            assert (code, held["status"]) == (1, "held")
            assert "書き込めません" in held["message"] and "cannot write" in held["message"]
            assert str(settings.home / folder) in held["message"]
            assert sent.read_text(encoding="utf-8") == content  # left for the next run
            assert open_warehouse(settings).loads().empty
    code, report = _ingest_cli()  # the folder put right: loaded (or refused) once
    [done] = report["files"]
    assert done["status"] == ("loaded" if folder == "archive" else "rejected")
    loads = open_warehouse(settings).loads()
    assert len(loads) == 1 and not sent.exists()
    kept = settings.archive / done["sha256"] if folder == "archive" else None
    assert kept is None or kept.read_text(encoding="utf-8") == content


def test_the_cli_prints_the_held_file_in_words_not_a_traceback(settings: Settings) -> None:
    (settings.inbox / "joho-kikaku" / "april.csv").write_text(GOOD, encoding="utf-8")
    settings.archive.write_text("not a folder")  # fails for root too
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "held" in result.output
    assert "april.csv" in result.output and "stays where it was" in " ".join(result.output.split())
    assert open_warehouse(settings).loads().empty


def test_a_named_file_and_an_upload_are_held_too(settings: Settings, tmp_path: Path) -> None:
    settings.rejected.write_text("not a folder")
    named = tmp_path / "junk.csv"
    named.write_text(JUNK, encoding="utf-8")
    service = Service(settings)
    [held] = service.ingest([str(named)]).report.files
    assert held.status == "held" and named.exists()
    owner = Actor("y", "owner", ("joho-kikaku",))
    [upload] = service.upload(JUNK.encode(), "junk.csv", owner).files
    assert upload.status == "held" and "書き込めません" in (upload.message or "")
    assert open_warehouse(settings).loads().empty


def test_what_was_kept_for_a_load_whose_write_failed_is_taken_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The raw file and its errors file are written while the rows are; a write that fails
    # leaves neither behind, and no record.
    import warehouse.loads

    def failing(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(warehouse.loads, "write_load", failing)
    sent = settings.inbox / "joho-kikaku" / "april.csv"
    sent.write_text(GOOD + "wifi_access_points,2019-05,-3,,\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk filled"):
        Service(settings).ingest(options=None)
    assert sent.exists() and open_warehouse(settings).loads().empty
    assert not settings.archive.exists() or list(settings.archive.iterdir()) == []
