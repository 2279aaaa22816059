"""A damaged warehouse and the means to recover (issue 13, item 11): every command says the
file is damaged and how to restore it; `shihyo backup` takes consistent, proven, rotated
copies (daily under `shihyo serve`); `shihyo restore` puts the newest readable one back,
setting the damaged file aside; `shihyo check` compares the warehouse with the kept files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from access.roles import SYSTEM, Actor, PermissionDenied
from indicators.catalog import Catalog
from kernel.settings import Settings, load_settings
from service import Service, WarehouseDamaged
from shihyo.cli import app
from tests.conftest import REPO, open_warehouse, ready_service
from warehouse import release_all

pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
runner = CliRunner()


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    return settings


def _send(settings: Settings, tmp_path: Path, name: str, rows: str) -> None:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    [result] = Service(settings).ingest([str(path)]).report.files
    assert result.status in ("loaded", "partial"), result


def _damage(path: Path, how: str) -> None:
    """The kinds of damage a disk, a copy cut short or a stray write leave; seen as another
    process (or the next command) would see them, not through this process's open file."""
    release_all()
    size = path.stat().st_size
    if how == "truncated":
        os.truncate(path, 5000)
        return
    with path.open("r+b") as handle:
        if how == "header":
            handle.write(os.urandom(4096))
        else:  # every block after the file's headers
            handle.seek(12288)
            handle.write(os.urandom(size - 12288))


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, " ".join(result.output.split())


@pytest.mark.parametrize("how", ["header", "blocks", "truncated"])
@pytest.mark.parametrize("command", [["status"], ["ingest"], ["plan"], ["init"], ["check"]])
def test_every_command_says_the_warehouse_is_damaged_and_how_to_restore(
    settings: Settings, how: str, command: list[str]
) -> None:
    settings.inbox.mkdir()
    _damage(settings.warehouse_path, how)
    code, output = _cli(*command)
    assert code == 1, output
    assert "壊れて" in output and "shihyo restore" in output, output
    # in both languages, but for the check's own report, which speaks --lang (ja)
    assert "damaged" in output or command == ["check"], output
    assert "Traceback" not in output


def test_no_traceback_reaches_the_terminal(settings: Settings) -> None:
    _damage(settings.warehouse_path, "blocks")
    env = {**os.environ, "SHIHYO_HOME": str(settings.home)}
    ran = subprocess.run(
        [sys.executable, "-m", "shihyo.cli", "status"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 1
    assert "Traceback" not in ran.stderr + ran.stdout
    assert "shihyo restore" in ran.stdout


def test_backup_restore_and_check_bring_a_damaged_warehouse_back(
    settings: Settings, tmp_path: Path
) -> None:
    _send(settings, tmp_path, "april.csv", "wifi_access_points,2019-04,600,,\n")
    code, output = _cli("backup", "--lang", "en")
    assert code == 0 and "1 loads" in output and "read back and found the same" in output
    _send(settings, tmp_path, "may.csv", "wifi_access_points,2019-05,605,,\n")
    _damage(settings.warehouse_path, "blocks")
    assert _cli("status")[0] == 1

    code, output = _cli("restore", "--yes", "--lang", "en")
    assert code == 0, output
    assert "restored from" in output and "1 loads" in output and "shihyo check" in output
    [aside] = [p for p in settings.home.iterdir() if ".before-restore-" in p.name]
    assert aside.name.startswith("shihyo.duckdb.before-restore-")  # set aside, not deleted
    service = Service(settings)
    assert service.figures("wifi_access_points", service.today())["value"].tolist() == [600.0]
    trail = service.audit_trail(SYSTEM)
    assert trail.iloc[0]["action"] == "restore"

    # the check: nothing wrong, and May's file, loaded after the backup, named as kept
    code, output = _cli("check", "--json")
    report = json.loads(output)
    assert code == 0 and report["ok"] and report["loads"] == 1 and report["rows_checked"] == 1
    [note] = report["findings"]
    assert (note["kind"], note["count"], note["problem"]) == ("file_not_loaded", 1, False)
    may = (tmp_path / "may.csv").read_bytes()
    assert (settings.archive / note["detail"]).read_bytes() == may
    # … and is loaded again from there
    assert _cli("ingest", str(settings.archive / note["detail"]))[0] == 0
    assert service.figures("wifi_access_points", service.today())["value"].tolist() == [600, 605]
    assert _cli("check")[0] == 0


def test_backups_are_consistent_proven_and_rotated(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHIHYO_BACKUP_KEEP", "2")
    service = Service(load_settings())
    _send(settings, tmp_path, "april.csv", "wifi_access_points,2019-04,600,,\n")
    taken = [service.backup(SYSTEM) for _ in range(3)]
    kept = service.backups(SYSTEM)
    assert [b.path for b in kept] == [t.backup.path for t in reversed(taken)][:2]
    assert taken[2].removed == [taken[0].backup.path]
    now = open_warehouse(settings).digest()  # every table, every row read and hashed
    audit_after = now.tables.pop("audit")  # the backup's own entry came after the copy
    assert audit_after[0] == taken[2].digest.tables.pop("audit")[0] + 1
    assert taken[2].digest == now
    with duckdb.connect(str(kept[0].path), read_only=True) as con:
        assert con.execute("SELECT file_name FROM load").fetchall() == [("april.csv",)]


def test_a_damaged_warehouse_is_not_backed_up_and_no_backup_is_rotated_away(
    settings: Settings,
) -> None:
    service = Service(settings)
    first = service.backup(SYSTEM)
    _damage(settings.warehouse_path, "blocks")
    with pytest.raises(WarehouseDamaged):
        service.backup(SYSTEM)
    assert [b.path for b in service.backups(SYSTEM)] == [first.backup.path]
    assert [p.name for p in settings.backups.iterdir()] == [first.backup.name]  # no partial


def test_restore_passes_over_a_backup_that_does_not_read(
    settings: Settings, tmp_path: Path
) -> None:
    service = Service(settings)
    good = service.backup(SYSTEM)
    _send(settings, tmp_path, "april.csv", "wifi_access_points,2019-04,600,,\n")
    bad = service.backup(SYSTEM)
    _damage(bad.backup.path, "blocks")
    done = service.restore(SYSTEM)
    assert done.backup.path == good.backup.path
    assert [name for name, _ in done.passed_over] == [bad.backup.name]
    assert service.loads(SYSTEM).empty


def test_the_check_finds_a_missing_file_a_changed_file_and_missing_figures(
    settings: Settings, tmp_path: Path
) -> None:
    _send(settings, tmp_path, "a.csv", "wifi_access_points,2019-04,600,,\n")
    _send(settings, tmp_path, "b.csv", "wifi_access_points,2019-05,605,,\n")
    _send(settings, tmp_path, "c.csv", "wifi_access_points,2019-06,610,,\nnope,2019-06,1,,\n")
    loads = open_warehouse(settings).loads().set_index("file_name")
    (settings.archive / loads.loc["a.csv", "sha256"]).unlink()
    (settings.archive / loads.loc["b.csv", "sha256"]).write_text("altered")
    with duckdb.connect(str(settings.warehouse_path)) as con:  # a figure lost behind our back
        con.execute("DELETE FROM observation WHERE value = 610")
    report = Service(settings).check(SYSTEM)
    found = {(f.kind, f.file_name, f.count) for f in report.findings}
    assert found == {
        ("file_missing", "a.csv", 0),
        ("file_changed", "b.csv", 0),
        ("figures_missing", "c.csv", 1),  # its refused row `nope` is not looked for
    }
    assert not report.ok
    code, output = _cli("check", "--lang", "en")
    assert code == 1 and "3 problem(s) found" in output and "its kept file" in output


def test_only_an_administrator_keeps_the_warehouse(settings: Settings) -> None:
    service = Service(settings)
    for who in (Actor("y", "owner", ("joho-kikaku",)), Actor("k", "viewer")):
        for act in (service.backup, service.backups, service.restore, service.check):
            with pytest.raises(PermissionDenied):
                act(who)


def test_the_daily_schedule_takes_a_backup(settings: Settings) -> None:
    from flows.serve import deployments

    by_name = {d.name: d for d in deployments(settings)}
    backup = by_name["daily-backup"]
    [schedule] = backup.schedules
    assert schedule.schedule.cron == settings.backup_cron == "30 6 * * *"


def test_the_backup_flow_runs_under_prefect(prefect_api: object, settings: Settings) -> None:
    from flows.backup import backup

    summary = backup()
    assert Path(summary["backup"]).exists() and summary["loads"] == 0
    assert open_warehouse(settings).audit_trail(entity="warehouse").iloc[0]["action"] == "backup"


def test_a_sound_warehouse_checks_clean_whatever_became_of_its_files(
    settings: Settings, tmp_path: Path
) -> None:
    inbox = settings.inbox / "joho-kikaku"
    inbox.mkdir(parents=True)
    files = {
        "loaded.csv": HEADER + "wifi_access_points,2019-04,600,,\n",
        "partial.csv": HEADER + "wifi_access_points,2019-05,605,,\nnope,2019-05,1,,\n",
        "all_refused.csv": HEADER + "nope,2019-06,1,,\n",  # read through, kept in archive/
        "junk.csv": "これは様式ではありません\n1,2,3\n",  # refused whole, kept in rejected/
        "again.csv": HEADER + "wifi_access_points,2019-04,600,,\n",  # a duplicate
    }
    for name, text in files.items():
        (inbox / name).write_text(text, encoding="utf-8")
    (inbox / "link.csv").symlink_to(inbox / "loaded.csv")  # refused unread: nothing kept
    statuses = sorted(f.status for f in Service(settings).ingest().report.files)
    assert statuses == ["duplicate", "loaded", "partial", "rejected", "rejected", "rejected"]
    report = Service(settings).check(SYSTEM)
    assert report.ok and report.findings == [], report.findings
    assert (report.loads, report.files_checked, report.rows_checked) == (5, 4, 2)
