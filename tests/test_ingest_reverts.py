"""Re-sending an old file does not undo a correction (issue 13, item 5): a correction
610 → 650, then the original saved again with other line endings (other bytes, so not a
duplicate) is held back row by row, rule `reverts_correction`, with the way to force it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from access.roles import Actor
from indicators.catalog import Catalog
from kernel.settings import Settings, load_settings
from pipeline import IngestOptions
from service import Service
from shihyo.cli import app
from tests.conftest import loader_for, open_warehouse, ready_service

pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note"
OWNER = Actor("yamada", "owner", ("joho-kikaku",))


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    settings.inbox.mkdir(parents=True)
    return settings


def _file(folder: Path, name: str, rows: list[str], newline: str = "\r\n") -> Path:
    path = folder / name
    path.write_bytes(newline.join([HEADER, *rows, ""]).encode("utf-8"))
    return path


def _april(settings: Settings) -> pd.DataFrame:
    revisions = open_warehouse(settings).revisions("wifi_access_points")
    return revisions[revisions["period"] == dt.datetime(2019, 4, 1)]


def _corrected(settings: Settings, tmp_path: Path) -> Path:
    """The original (Excel's CRLF) loaded, then its correction 610 → 650; the original
    re-saved with LF endings, ready to be sent again."""
    original = ["wifi_access_points,2019-04,610,,", "wifi_access_points,2019-05,612,,"]
    loader = loader_for(settings)
    keep = IngestOptions(keep_source=True)
    assert loader.load(_file(tmp_path, "april.csv", original), keep).status == "loaded"
    fixed = ["wifi_access_points,2019-04,650,,", "wifi_access_points,2019-05,612,,"]
    corrected = loader.load(_file(tmp_path, "april_fixed.csv", fixed), keep)
    assert (corrected.rows_revised, corrected.rows_unchanged) == (1, 1)
    return _file(tmp_path, "april_resaved.csv", original, newline="\n")


def test_an_old_file_sent_again_is_refused_where_it_would_undo_a_correction(
    settings: Settings, tmp_path: Path
) -> None:
    resaved = _corrected(settings, tmp_path)
    result = loader_for(settings).load(resaved, IngestOptions(keep_source=True))
    # Not a duplicate (other bytes); the 2019-05 row is unchanged, the April row held back.
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)
    [issue] = result.errors
    assert (issue.row, issue.column, issue.value, issue.rule) == (
        2,
        "value",
        "610",
        "reverts_correction",
    )
    assert "650" in issue.reason and "第2版" in issue.reason and "april_fixed.csv" in issue.reason
    assert "--allow-revert" in issue.reason and "--allow-revert" in issue.reason_en
    warehouse = open_warehouse(settings)
    assert _april(settings)["value"].tolist() == [610.0, 650.0]  # no revision 3
    assert warehouse.figures("wifi_access_points")["value"].tolist() == [650.0, 612.0]
    quarantined = warehouse.quarantine(result.load_id)
    assert quarantined["rule"].tolist() == ["reverts_correction"]


def test_allow_revert_loads_the_old_figure_as_a_new_revision(
    settings: Settings, tmp_path: Path
) -> None:
    resaved = _corrected(settings, tmp_path)
    options = IngestOptions(keep_source=True, allow_revert=True)
    result = loader_for(settings).load(resaved, options)
    assert (result.status, result.rows_revised, result.rows_unchanged) == ("loaded", 1, 1)
    april = _april(settings)
    assert april["value"].tolist() == [610.0, 650.0, 610.0]
    assert april["revision"].tolist() == [1, 2, 3]


def test_a_new_value_and_a_value_never_held_are_not_reverts(
    settings: Settings, tmp_path: Path
) -> None:
    _corrected(settings, tmp_path)
    again = _file(tmp_path, "may.csv", ["wifi_access_points,2019-04,655,,"])
    result = loader_for(settings).load(again, IngestOptions(keep_source=True))
    assert (result.status, result.rows_revised) == ("loaded", 1)


def test_the_cli_exits_1_naming_the_rule_then_allow_revert_forces_it(
    settings: Settings, tmp_path: Path
) -> None:
    resaved = _corrected(settings, tmp_path)
    runner = CliRunner()
    refused = runner.invoke(app, ["ingest", str(resaved), "--json"])
    assert refused.exit_code == 1, refused.output
    [file] = json.loads(refused.output)["files"]
    assert [e["rule"] for e in file["errors"]] == ["reverts_correction"]
    # other bytes again (a note), so that it is not the file just refused
    forced_file = _file(tmp_path, "april_again.csv", ["wifi_access_points,2019-04,610,,x"], "\n")
    forced = runner.invoke(app, ["ingest", str(forced_file), "--allow-revert", "--json"])
    assert forced.exit_code == 0, forced.output
    figures = open_warehouse(settings).figures("wifi_access_points")
    assert figures["value"].tolist() == [610.0, 612.0]


def test_the_service_offers_allow_revert_to_a_face(settings: Settings, tmp_path: Path) -> None:
    resaved = _corrected(settings, tmp_path).read_bytes()
    service = Service(settings)
    preview = service.preview_upload(resaved, "april.csv", OWNER)
    assert [e.rule for e in preview.errors] == ["reverts_correction"]
    assert not service.preview_upload(resaved, "april.csv", OWNER, allow_revert=True).errors
    held = service.upload(resaved, "april.csv", OWNER)
    assert held.files[0].rows_rejected == 1
    confirmed = service.upload(resaved + b"\n", "april.csv", OWNER, allow_revert=True)
    assert confirmed.files[0].rows_revised == 1
    assert service.figures("wifi_access_points", service.today())["value"].iloc[0] == 610.0
