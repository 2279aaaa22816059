"""`shihyo up`: the whole service on one machine — the warehouse with the catalog (and
the sample figures on first start), the scheduled flows against a local Prefect
server, and the dashboard — until Ctrl-C, which stops them all."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from kernel.processes import python_module, stop
from kernel.settings import Settings
from service import Service

REPO = Path(__file__).resolve().parents[1]
APP = REPO / "app.py"
SAMPLES = REPO / "data" / "sample"


SAMPLE_SCHEDULE = SAMPLES / "synthetic_sends.csv"


def sample_files() -> list[Path]:
    """The synthetic sample files shipped with shihyo, one per section and fiscal year."""
    return sorted(SAMPLES.glob("synthetic_FY*.csv"))


def wait_for(
    check: Callable[[], bool], seconds: float, what: str, process: subprocess.Popen
) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped while starting (exit {process.returncode})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {seconds:.0f} s")
        time.sleep(1)


def dashboard_answers(address: str, port: int) -> bool:
    """Whether the dashboard listening on `address` and `port` says it is up."""
    try:
        url = f"http://{_reachable(address)}:{port}/_stcore/health"
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _reachable(address: str) -> str:
    """Where this machine reaches a server listening on `address`."""
    if address in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{address}]" if ":" in address else address


def run_services(settings: Settings, port: int, say: Callable[[str], None]) -> None:
    """Start the scheduler and the dashboard, report their addresses, wait for Ctrl-C."""
    service = Service(settings)
    env = {
        **os.environ,
        "SHIHYO_HOME": str(settings.home.resolve()),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    children: list[subprocess.Popen] = []

    def interrupted(_signum: int = 0, _frame: object = None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    # Ctrl-C even when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with (logs / "serve.log").open("ab") as log:
            scheduler = subprocess.Popen(
                python_module("shihyo.cli", "serve"),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        children.append(scheduler)
        with (logs / "app.log").open("ab") as log:
            app = subprocess.Popen(
                python_module(
                    "streamlit",
                    "run",
                    str(APP),
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(port),
                    # loopback by default: the TLS reverse proxy is the way in from outside
                    "--server.address",
                    settings.dashboard_address,
                    "--browser.gatherUsageStats",
                    "false",
                    # The service checks SHIHYO_MAX_UPLOAD_MB; the server must let such files in.
                    "--server.maxUploadSize",
                    str(max(1, math.ceil(settings.max_upload_mb))),
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=REPO,
            )
        children.append(app)
        say("starting the dashboard and the scheduler (Prefect server) …")
        wait_for(
            lambda: dashboard_answers(settings.dashboard_address, port), 90, "the dashboard", app
        )
        say(f"dashboard:  http://{_reachable(settings.dashboard_address)}:{port}")
        wait_for(service.scheduler_answers, 180, "the Prefect server", scheduler)
        say(f"Prefect UI: {service.scheduler_ui()}")
        say(f"logs: {logs}   — Ctrl-C stops everything")
        say(
            "commands: `. .venv/bin/activate` (or `make shell`) puts `shihyo` on PATH; "
            "`shihyo --help` lists them"
        )
        while all(child.poll() is None for child in children):
            time.sleep(1)
        raise RuntimeError(f"a service stopped; see {logs}")
    except KeyboardInterrupt:
        say("stopping …")
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()  # SIGTERM: `serve` then stops its Prefect server too
        for child in children:
            stop(child, 30, terminate=False)  # asked above, all at once
