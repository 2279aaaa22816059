"""The ingest flow under Prefect's test harness, and `shihyo ingest` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.ingest import ingest
from indicators.catalog import Catalog
from kernel.settings import load_settings
from shihyo.cli import app
from warehouse import Warehouse

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
runner = CliRunner()


@pytest.fixture
def inbox(home: Path, catalog: Catalog) -> Path:
    settings = load_settings()
    Warehouse(settings.warehouse_path).init(catalog)
    settings.inbox.mkdir(parents=True)
    return settings.inbox


def test_the_flow_loads_the_inbox_and_leaves_a_summary(prefect_api, inbox: Path) -> None:
    from prefect.client.orchestration import get_client

    (inbox / "good.csv").write_text(HEADER + "wifi_access_points,2019-04,600,,\n")
    (inbox / "bad.csv").write_text(HEADER + "wifi_access_points,2019-05,-3,,\n")
    (inbox / "junk.csv").write_text("これは様式ではありません\n1,2,3\n")
    result = ingest(inbox=str(inbox))
    by_name = {f["name"]: f for f in result["files"]}
    assert by_name["good.csv"]["status"] == "loaded"
    assert by_name["bad.csv"]["status"] == "rejected"
    assert by_name["junk.csv"]["status"] == "rejected"
    assert result["rows_accepted"] == 1
    assert list(inbox.iterdir()) == []
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts()
    summary = next(a for a in artifacts if a.key == "ingest-summary")
    assert "good.csv" in summary.data and "bad.csv" in summary.data


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_cli_exit_codes_and_json(inbox: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "wifi_access_points,2019-04,600,,\n")
    code, output = _cli("ingest", str(good), "--json")
    assert code == 0
    data = json.loads(output)
    assert set(data) == {"files", "rows_accepted", "rows_rejected"}
    file = data["files"][0]
    assert {"name", "sha256", "status", "rows_accepted", "rows_rejected", "errors"} <= set(file)
    assert good.exists()  # a file named on the command line is left where it was

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "wifi_access_points,2019-05,600,,\nnope,2019-05,1,,\n")
    code, output = _cli("ingest", str(bad), "--json")
    assert code == 1
    error = json.loads(output)["files"][0]["errors"][0]
    assert {"row", "column", "value", "reason"} <= set(error) and error["row"] == 3

    code, output = _cli("ingest", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in output


def test_cli_table_shows_reasons_in_japanese(inbox: Path) -> None:
    (inbox / "bad.csv").write_text(HEADER + "nope,2019-05,1,,\n")
    code, output = _cli("ingest")
    assert code == 1
    assert "目録にありません" in output and "Traceback" not in output


def test_cli_before_init_is_a_usage_error(home: Path, tmp_path: Path) -> None:
    code, output = _cli("ingest")
    assert code == 2 and "shihyo init" in output


def test_ingest_flow_then_evaluates_and_the_evaluate_flow_reports(prefect_api, inbox: Path) -> None:
    from flows.evaluate import evaluate

    (inbox / "wifi.csv").write_text(HEADER + "wifi_access_points,2026-10,650,,\n")
    ingest(inbox=str(inbox))
    alerts = Warehouse(load_settings().warehouse_path).alerts("open")
    assert "off_track" in set(alerts["rule"])  # the ingest flow ran the evaluation
    summary = evaluate(as_of="2026-11-29")
    assert summary["as_of"] == "2026-11-29"
    assert summary["alerts_opened"] == 0  # nothing new since the run after ingestion
    assert set(summary) >= {"counts", "messages_written", "messages_sent"}


def test_cli_status_and_evaluate_json(inbox: Path) -> None:
    (inbox / "wifi.csv").write_text(HEADER + "wifi_access_points,2026-10,650,,\n")
    assert _cli("ingest")[0] == 0
    code, output = _cli("status", "--as-of", "2026-11-29", "--json")
    assert code == 0
    data = json.loads(output)
    assert data["as_of"] == "2026-11-29"
    row = next(
        r
        for r in data["indicators"]
        if r["id"] == "wifi_access_points" and r["target_date"] == "2028-03-31"
    )
    assert row["status"] == "off_track" and row["actual"] == 650
    assert {
        "id",
        "name",
        "target_value",
        "target_date",
        "actual",
        "expected",
        "status",
        "forecast_date",
        "last_period",
    } <= set(row)
    assert len(data["initiatives"]) == 101
    code, output = _cli("evaluate", "--as-of", "2026-11-29", "--json")
    assert code == 0 and json.loads(output)["alerts_opened"] == 0
