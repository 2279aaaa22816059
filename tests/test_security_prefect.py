"""Issue 12, item 3: the Prefect API took anyone's flow runs. The server `shihyo serve` starts
asks for basic authentication (a password made once, kept mode 600 in $SHIHYO_HOME), listens
on loopback by default, and shihyo's own clients send the password."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import httpx
import pytest

from flows.orchestration import AUTH_FILE, auth_string, local_api, prefect_api
from flows.serve import database_url, prefect_server, server_environment
from kernel.settings import load_settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    monkeypatch.setenv("SHIHYO_PREFECT_PORT", str(_free_port()))
    for name in ("PREFECT_API_URL", "PREFECT_API_AUTH_STRING", "PREFECT_SERVER_API_AUTH_STRING"):
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def test_the_password_is_made_once_and_private(settings) -> None:
    first = auth_string(settings)
    assert first.startswith("shihyo:") and len(first) > 40
    assert auth_string(settings) == first  # kept, not made anew
    mode = stat.S_IMODE((settings.home / AUTH_FILE).stat().st_mode)
    assert mode == 0o600
    env = server_environment(settings)
    assert env["PREFECT_SERVER_API_AUTH_STRING"] == first


def test_the_operator_s_password_wins(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_AUTH_STRING", "ops:chosen")
    assert auth_string(settings) == "ops:chosen"
    assert not (settings.home / AUTH_FILE).exists()


def test_a_postgresql_url_becomes_the_server_s_database(settings, monkeypatch) -> None:
    assert database_url("postgresql://p:s@db.example/prefect") == (
        "postgresql+asyncpg://p:s@db.example/prefect"
    )
    monkeypatch.setenv("SHIHYO_PREFECT_DB", "postgresql://p:s@127.0.0.1:5433/prefect")
    env = server_environment(load_settings())
    assert env["PREFECT_API_DATABASE_CONNECTION_URL"].startswith("postgresql+asyncpg://")
    monkeypatch.setenv("SHIHYO_PREFECT_DB", "sqlite:///x.db")
    with pytest.raises(ValueError, match="SHIHYO_PREFECT_DB"):
        load_settings()


def test_a_stranger_cannot_start_a_flow_run_but_shihyo_can(settings) -> None:
    from prefect.client.orchestration import get_client

    from flows.ingest import ingest

    assert settings.prefect_address == "127.0.0.1"  # loopback unless the operator says
    with prefect_server(settings, startup_timeout=150) as api:
        assert api == local_api(settings)
        with prefect_api(api, settings):
            deployment_id = ingest.to_deployment(name="inbox").apply()
        # The attack of the review: a forged run of the inbox deployment, no password.
        url = f"{api}/deployments/{deployment_id}/create_flow_run"
        forged = {"parameters": {"run": {"job_id": None}}}
        assert httpx.post(url, json=forged, timeout=10).status_code == 401
        wrong = httpx.post(url, json=forged, auth=("shihyo", "guess"), timeout=10)
        assert wrong.status_code == 401
        assert httpx.get(f"{api}/deployments/{deployment_id}", timeout=10).status_code == 401
        # The health check stays open (it is how shihyo sees that a server is up).
        assert httpx.get(f"{api}/health", timeout=10).status_code == 200
        # shihyo's own client sends the password and is let in.
        with prefect_api(api, settings), get_client(sync_client=True) as client:
            run = client.create_flow_run_from_deployment(deployment_id)
            assert client.read_flow_run(run.id).deployment_id == deployment_id
        user, password = auth_string(settings).split(":", 1)
        good = httpx.post(url, json={}, auth=(user, password), timeout=10)
        assert good.status_code == 201
