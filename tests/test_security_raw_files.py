"""Raw files to the right people (issue 12, Low): a load's raw bytes go to administrators and
the owners of the section that sent it; a viewer gets the errors file and the counts, not the
bytes; an owner of another section does not see the load at all. Role by role, in the
service and on the Loads page."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.roles import Actor, PermissionDenied
from kernel.settings import load_settings
from pipeline import IngestOptions
from service import LoadFiles, Service
from tests import test_app
from tests.conftest import open_warehouse
from tests.test_app import run_page
from warehouse import Warehouse, WarehouseDamaged

template_home = test_app.template_home
app_home = test_app.app_home

HEADER = "indicator_id,period,value,org_unit,note\n"
ADMIN = Actor("kanri", "admin")
OWNER = Actor("yamada", "owner", ("joho-kikaku",))
OTHER_OWNER = Actor("zeimu", "owner", ("zeimu-shido",))
VIEWER = Actor("kanbu", "viewer")


def _loaded(service: Service, tmp_path: Path, section: str | None) -> str:
    """A partial load (one row refused, so an errors file is kept) sent by `section` (None:
    by the system, from the command line); its SHA-256."""
    path = tmp_path / f"{section or 'system'}.csv"
    path.write_text(HEADER + "wifi_access_points,2019-04,600,,\nnope,2019-04,1,,\n")
    actor = Actor(section, "owner", (section,)) if section else None
    options = IngestOptions(actor=actor, section=section, keep_source=True)
    [result] = service.ingest([str(path)], options=options).report.files
    assert result.status == "partial"
    return result.sha256


def test_the_sending_sections_owner_and_admins_get_the_raw_bytes(
    service: Service, tmp_path: Path
) -> None:
    sha = _loaded(service, tmp_path, "joho-kikaku")
    for reader in (ADMIN, OWNER):
        kept = service.load_files(reader, sha)
        assert kept.raw is not None and kept.raw.read_bytes().startswith(HEADER.encode())
        assert kept.errors is not None and not kept.raw_withheld


def test_a_viewer_gets_the_errors_file_and_the_counts_not_the_raw_bytes(
    service: Service, tmp_path: Path
) -> None:
    sha = _loaded(service, tmp_path, "joho-kikaku")
    kept = service.load_files(VIEWER, sha)
    assert kept.raw is None and kept.raw_withheld
    assert kept.errors is not None and "nope" in kept.errors.read_text(encoding="utf-8-sig")
    record = service.loads(VIEWER).set_index("sha256").loc[sha]
    assert (record["rows_accepted"], record["rows_rejected"]) == (1, 1)


def test_another_sections_owner_does_not_see_the_load(service: Service, tmp_path: Path) -> None:
    sha = _loaded(service, tmp_path, "joho-kikaku")
    with pytest.raises(PermissionDenied):
        service.load_files(OTHER_OWNER, sha)


def test_a_system_load_s_raw_file_is_for_admins_only(service: Service, tmp_path: Path) -> None:
    sha = _loaded(service, tmp_path, None)
    assert service.load_files(ADMIN, sha).raw is not None
    errors = service.load_files(ADMIN, sha).errors
    assert service.load_files(VIEWER, sha) == LoadFiles(None, errors, raw_withheld=True)
    with pytest.raises(PermissionDenied):
        service.load_files(OWNER, sha)  # no section of theirs sent it


def test_the_loads_page_offers_a_viewer_only_the_errors_file(app_home: Path) -> None:
    newest = int(open_warehouse(load_settings()).loads().iloc[0]["id"])
    downloads = {}
    for user in ("kanbu", "yamada", "kanri"):
        at = run_page("views/loads.py", user=user)
        at.selectbox(key="load_id_ja").set_value(newest).run()
        downloads[user] = [b.label for b in at.get("download_button")]
        if user == "kanbu":
            captions = " ".join(c.value for c in at.caption)
            assert "送付元の担当課と管理者のみ" in captions
    assert downloads["kanbu"] == ["エラー一覧（CSV）"]
    assert len(downloads["yamada"]) == len(downloads["kanri"]) == 2


def test_a_damaged_warehouse_says_so_on_every_page(
    app_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(self: Warehouse) -> tuple:
        raise WarehouseDamaged(self.path, "Corrupt database file: computed checksum …")

    monkeypatch.setattr(Warehouse, "data_version", damaged)
    at = test_app.signed_in().run()
    assert not at.exception
    assert "shihyo restore" in at.error[0].value
