"""The ingest flow under Prefect's test harness, and `shihyo ingest` on the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from access.roles import Actor
from expectations import engine_built, shared_engine
from flows.ingest import IngestRun, JobNotFound, ingest
from indicators.catalog import Catalog
from intake.isolation import prepared
from kernel.settings import load_settings
from service import IngestOptions, Service
from shihyo.cli import app
from tests.conftest import open_warehouse, ready_service
from tests.test_parse_server import as_a_command, spy_on_runs

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

HEADER = "indicator_id,period,value,org_unit,note\n"
runner = CliRunner()


@pytest.fixture
def inbox(home: Path, catalog: Catalog) -> Path:
    settings = load_settings()
    ready_service(settings)
    settings.inbox.mkdir(parents=True)
    return settings.inbox


def test_the_flow_loads_the_inbox_and_leaves_a_summary(prefect_api, inbox: Path) -> None:
    from prefect.client.orchestration import get_client

    (inbox / "good.csv").write_text(HEADER + "wifi_access_points,2019-04,600,,\n")
    (inbox / "bad.csv").write_text(HEADER + "wifi_access_points,2019-05,-3,,\n")
    (inbox / "junk.csv").write_text("これは様式ではありません\n1,2,3\n")
    result = ingest()  # the scheduled run: the settings' inbox, acting by folder
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


def _flow_runs() -> dict:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return {run.id: client.read_flow(run.flow_id).name for run in client.read_flow_runs()}


def test_ingest_flow_then_evaluates_and_the_evaluate_flow_reports(prefect_api, inbox: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.evaluate import EvaluateRun, evaluate

    (inbox / "wifi.csv").write_text(HEADER + "wifi_access_points,2026-10,650,,\n")
    before = _flow_runs()
    ingest()
    alerts = open_warehouse(load_settings()).alerts("open")
    assert "off_track" in set(alerts["rule"])  # the ingest flow ran the evaluation
    # … in its own run, as a task: one flow run, no evaluate subflow.
    new = {run: name for run, name in _flow_runs().items() if run not in before}
    assert list(new.values()) == ["ingest"]
    with get_client(sync_client=True) as client:
        tasks = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=list(new)))
        )
        artifacts = {a.key for a in client.read_artifacts() if a.flow_run_id in new}
    assert sorted(t.name.rpartition("-")[0] for t in tasks) == ["evaluate-and-alert", "load-file"]
    assert artifacts == {"ingest-summary", "evaluation-summary"}
    summary = evaluate(EvaluateRun(as_of=dt.date(2026, 11, 20)))  # the tests' today
    assert summary["as_of"] == "2026-11-20"
    assert summary["alerts_opened"] == 0  # nothing new since the run after ingestion
    assert set(summary) >= {"counts", "messages_written", "messages_sent"}
    # A past day through the flow is a dry run too: the live alerts stay as they were.
    past = evaluate(EvaluateRun(as_of=dt.date(2019, 6, 30)))
    assert past["dry_run"] and past["would_resolve"]
    assert open_warehouse(load_settings()).alerts("open")["id"].tolist() == alerts["id"].tolist()


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
    code, output = _cli("evaluate", "--json")  # today: live, nothing new since the ingestion
    assert code == 0 and json.loads(output)["alerts_opened"] == 0
    today = json.loads(_cli("status", "--json")[1])
    assert today["counts"] == json.loads(output)["counts"]  # one evaluation, two commands
    warehouse = open_warehouse(load_settings())
    before = (warehouse.alerts()["id"].tolist(), len(warehouse.outbox()))
    code, output = _cli("evaluate", "--as-of", "2019-06-30", "--json")
    dry = json.loads(output)
    assert code == 0 and dry["dry_run"] is True and "alerts_opened" not in dry
    # the figure of 2026-10 was not known on 2019-06-30: its off-track alert would resolve
    assert any(a["rule"] == "off_track" for a in dry["would_resolve"])
    assert (warehouse.alerts()["id"].tolist(), len(warehouse.outbox())) == before


def test_the_service_runs_a_job_as_a_flow_with_the_same_result_as_directly(
    prefect_api, inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A jump of 15× (a warning), then a row of another section's indicator (an error).
    text = HEADER + "wifi_access_points,2019-04,40,,\nwifi_access_points,2019-05,600,,\n"
    text += "etax_payments,2019-05,1,,\n"
    owner = Actor("yamada", "owner", ("joho-kikaku",))
    results = {}
    said = {}
    apart: dict[str, list[str]] = {}
    # On the flow path the parse server imports Great Expectations while this process
    # imports Prefect, and validates the file in a child: the same result as directly.
    as_a_command(monkeypatch)
    runs = spy_on_runs(monkeypatch)
    for mode in ("never", "always"):
        monkeypatch.setenv("SHIHYO_PREFECT", mode)
        path = tmp_path / f"{mode}.csv"
        path.write_text(text + f"wifi_facilities,2019-05,{len(mode)},,\n")
        options = IngestOptions(actor=owner, keep_source=True)
        ran = Service(load_settings()).ingest([str(path)], options=options)
        assert (ran.api is None) == (mode == "never")
        [result] = ran.report.files
        results[mode] = (result.status, result.rows_accepted, result.rows_rejected)
        apart[mode], runs[:] = list(runs), []
        # the other section's row, refused as the acting owner's, with its reason; the jump
        # warned of: both come back on the flow path too, as the command prints them
        assert [(e.row, e.rule) for e in result.errors] == [(4, "not_your_indicator")]
        assert [(w.row, w.rule) for w in result.warnings] == [(3, "value_jump")]
        data = result.as_dict()
        said[mode] = [data[key] for key in ("errors", "warnings", "errors_count", "warnings_count")]
    assert results["never"] == results["always"] == ("partial", 3, 1)
    assert said["never"] == said["always"]
    assert apart == {"never": [], "always": ["validate_observations"]}
    assert prepared(shared_engine)
    loads = open_warehouse(load_settings()).loads()
    assert set(loads["uploaded_by"]) == {"yamada"}  # the job row named the actor


def test_the_dashboards_upload_on_the_flow_path_is_validated_where_its_preview_was(
    prefect_api, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The upload page calls Service.upload, which takes the flow path when a server answers.
    # The page's process built Great Expectations' engine for the preview before it: the
    # upload and the previews after it are validated here too, and the parse server is not
    # made to hold a second engine.
    runs = spy_on_runs(monkeypatch)
    monkeypatch.setenv("SHIHYO_PREFECT", "always")
    owner = Actor("yamada", "owner", ("joho-kikaku",))
    service = Service(load_settings())
    data = (HEADER + "wifi_access_points,2019-05,600,,\nwifi_access_points,2019-06,x,,\n").encode()
    preview = service.preview_upload(data, "before.csv", owner)
    assert engine_built() and runs == []
    report = service.upload(data, "up.csv", owner)
    [result] = report.files
    assert (result.status, result.rows_accepted, result.rows_rejected) == ("partial", 1, 1)
    assert [(e.row, e.rule) for e in result.errors] == [(3, "value_numeric")]
    assert runs == [] and not prepared(shared_engine)
    again = service.preview_upload(data, "again.csv", owner)
    assert runs == []
    assert again.errors == preview.errors and [(e.row, e.rule) for e in again.errors] == [
        (3, "value_numeric")
    ]


def test_a_flow_run_cannot_name_its_actor_or_replay_a_job(prefect_api, inbox: Path) -> None:
    # The flow's only parameter is a job id; a job runs once and only as its own kind.
    warehouse = open_warehouse(load_settings())
    job = warehouse.add_job("ingest", {"name": "yamada", "role": "owner"}, {"files": []})
    assert ingest(IngestRun(job_id=job, evaluate_after=False))["files"] == []
    with pytest.raises(JobNotFound):
        ingest(IngestRun(job_id=job))
    with pytest.raises(JobNotFound):
        ingest(IngestRun(job_id=job + 99))
    assert "actor" not in IngestRun.model_fields


def test_a_command_runs_its_flow_without_heartbeats(
    prefect_api, inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Prefect stops a run's heartbeat thread by waiting out its one-second sleep: a command's
    # run, in the user's own process, goes without; runs that nobody watches keep them.
    from prefect.settings import get_current_settings

    import flows.ingest
    from flows.orchestration import prefect_api as point_at

    seen = []

    def ingest_flow(run: IngestRun) -> dict:
        seen.append(get_current_settings().flows.heartbeat_frequency)
        return {"files": [], "rows_accepted": 0, "rows_rejected": 0}

    monkeypatch.setattr(flows.ingest, "ingest", ingest_flow)
    monkeypatch.setenv("SHIHYO_PREFECT", "always")
    path = tmp_path / "one.csv"
    path.write_text(HEADER + "wifi_access_points,2019-05,600,,\n")
    assert Service(load_settings()).ingest([str(path)]).api is not None
    assert seen == [None]
    assert get_current_settings().flows.heartbeat_frequency is not None  # as Prefect sets it
    with point_at("", load_settings()):
        assert get_current_settings().flows.heartbeat_frequency is not None
