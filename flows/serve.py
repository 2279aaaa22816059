"""`shihyo serve`: the flows as Prefect deployments with schedules, against a Prefect
server — the one PREFECT_API_URL names, or a local one started here and stopped on exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flows.orchestration import LOCAL_API, server_answers
from kernel.settings import Settings


@contextmanager
def prefect_server(settings: Settings, startup_timeout: float = 120) -> Iterator[str]:
    """The API URL of a running Prefect server; starts a local one if none is configured."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured
        return
    if server_answers(LOCAL_API):
        yield LOCAL_API
        return
    log_path = settings.home / "logs" / "prefect-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prefect",
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                "4200",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        deadline = time.monotonic() + startup_timeout
        while not server_answers(LOCAL_API):
            if server.poll() is not None:
                raise RuntimeError(f"the Prefect server stopped at start-up; see {log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the Prefect server did not answer in {startup_timeout:.0f} s; see {log_path}"
                )
            time.sleep(1)
        yield LOCAL_API
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def deployments(settings: Settings) -> list:
    """The scheduled deployments: the inbox every few minutes, the evaluation daily, the
    outbox every few minutes, and a backup of the warehouse daily."""
    from flows.backup import backup
    from flows.deliver import deliver
    from flows.evaluate import evaluate
    from flows.ingest import ingest

    return [
        ingest.to_deployment(
            name="inbox",
            interval=timedelta(minutes=settings.ingest_every_minutes),
            description="Load every file waiting in the inbox.",
        ),
        evaluate.to_deployment(
            name="daily",
            cron=settings.evaluate_cron,
            description="Judge every target and send the alerts that are due.",
        ),
        deliver.to_deployment(
            name="outbox",
            interval=timedelta(minutes=settings.deliver_every_minutes),
            description="Send the messages that are due (those waiting on a back-off).",
        ),
        backup.to_deployment(
            name="daily-backup",
            cron=settings.backup_cron,
            description="Copy the warehouse consistently; keep the last SHIHYO_BACKUP_KEEP.",
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
    """Serve the deployments until interrupted."""
    from prefect import serve
    from prefect.settings import PREFECT_API_URL, temporary_settings

    _stop_on_sigterm()
    with prefect_server(settings) as api, temporary_settings(updates={PREFECT_API_URL: api}):
        print(f"Prefect API: {api}  (UI: {api.removesuffix('/api')})", flush=True)
        serve(*deployments(settings), pause_on_shutdown=False)
