"""`shihyo serve`: the flows as Prefect deployments with schedules, against a Prefect
server — the one PREFECT_API_URL names, or a local one started here (with basic
authentication, on loopback unless SHIHYO_PREFECT_ADDRESS says otherwise, on PostgreSQL when
SHIHYO_PREFECT_DB names one) and stopped on exit. With SHIHYO_WORK_POOL the deployments go
to that process work pool, where `shihyo worker` on any host runs them; without it this
process runs them itself (the embedded default)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flows.orchestration import SERVER_AUTH, auth_string, local_api, prefect_api, server_answers
from kernel.processes import python_module, stop
from kernel.settings import Settings


def database_url(url: str) -> str:
    """The SQLAlchemy URL Prefect's server takes for a PostgreSQL URL (asyncpg driver)."""
    scheme, _, rest = url.partition("://")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    return url


def server_environment(settings: Settings) -> dict[str, str]:
    """The environment of the Prefect server process: its password, and its database when
    the operator names a PostgreSQL one."""
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        SERVER_AUTH: auth_string(settings),
    }
    env.pop("PREFECT_API_URL", None)
    # A writer's turn lasts a second or so: a writer refused the slot asks again within
    # seconds, not after Prefect's default of up to 30.
    env.setdefault("PREFECT_SERVER_CONCURRENCY_MAXIMUM_CONCURRENCY_SLOT_WAIT_SECONDS", "2")
    if settings.prefect_db:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url(settings.prefect_db)
    return env


@contextmanager
def prefect_server(settings: Settings, startup_timeout: float = 120) -> Iterator[str]:
    """The API URL of a running Prefect server; starts a local one if none is configured."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    api = local_api(settings)
    if server_answers(api):
        yield api
        return
    log_path = settings.home / "logs" / "prefect-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = server_environment(settings)
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            python_module(
                "prefect",
                "server",
                "start",
                "--host",
                settings.prefect_address,
                "--port",
                str(settings.prefect_port),
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while not server_answers(api):
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped at start-up; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Prefect server did not answer in {startup_timeout:.0f} s; see {log_path}"
                )
            time.sleep(1)
        yield api
    finally:
        stop(server, 20)


def deployments(settings: Settings) -> list:
    """The scheduled deployments: the inbox every few minutes, the evaluation daily, the
    outbox every few minutes, and a backup of the warehouse daily. For a work pool they name
    their flows by module path, so that a worker imports them from shihyo as installed on its
    host."""
    from prefect.deployments.runner import EntrypointType

    from flows.backup import backup
    from flows.deliver import deliver
    from flows.evaluate import evaluate
    from flows.ingest import ingest

    pooled = {"entrypoint_type": EntrypointType.MODULE_PATH} if settings.work_pool else {}
    return [
        ingest.to_deployment(
            name="inbox",
            interval=timedelta(minutes=settings.ingest_every_minutes),
            description="Load every file waiting in the inbox.",
            **pooled,
        ),
        evaluate.to_deployment(
            name="daily",
            cron=settings.evaluate_cron,
            description="Judge every target and send the alerts that are due.",
            **pooled,
        ),
        deliver.to_deployment(
            name="outbox",
            interval=timedelta(minutes=settings.deliver_every_minutes),
            description="Send the messages that are due (those waiting on a back-off).",
            **pooled,
        ),
        backup.to_deployment(
            name="daily-backup",
            cron=settings.backup_cron,
            description="Copy the warehouse consistently; keep the last SHIHYO_BACKUP_KEEP.",
            **pooled,
        ),
    ]


def _stop_on_sigterm() -> None:
    """Let SIGTERM (a service manager stopping us) unwind like Ctrl-C, so the local
    Prefect server started here is stopped too."""

    def handler(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def serve_flows(settings: Settings) -> None:
    """Serve the deployments until interrupted: run them here, or (with a work pool) register
    them in the pool for the workers and keep the server running."""
    from prefect import serve

    from flows.pool import register

    _stop_on_sigterm()
    with prefect_server(settings) as api, prefect_api(api, settings):
        print(f"Prefect API: {api}  (UI: {api.removesuffix('/api')})", flush=True)
        if not settings.work_pool:
            serve(*deployments(settings), pause_on_shutdown=False)
            return
        register(settings, deployments(settings))
        print(f"deployments registered in the work pool {settings.work_pool!r}", flush=True)
        while True:
            time.sleep(3600)
