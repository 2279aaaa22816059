"""Whether an on-demand command runs as a Prefect flow or directly, and how every client
reaches the Prefect API (its address and its password).

Measured here (DESIGN.md): a flow run without a server boots a temporary API
first, 16–29 s; against a running server it costs a few seconds. So a one-off
command runs as a flow when a server answers (PREFECT_API_URL, or the local
default that `shihyo serve` starts) and otherwise runs the same steps directly,
unless SHIHYO_PREFECT says always or never.

The Prefect server that shihyo starts asks for basic authentication: the operator's
PREFECT_SERVER_API_AUTH_STRING / PREFECT_API_AUTH_STRING when set, else a password made once
and kept in $SHIHYO_HOME/prefect-auth (mode 600), which every client on a host that shares
the home reads."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from kernel.private import home_key
from kernel.settings import Settings

AUTH_FILE = "prefect-auth"
AUTH_USER = "shihyo"
CLIENT_AUTH = "PREFECT_API_AUTH_STRING"
SERVER_AUTH = "PREFECT_SERVER_API_AUTH_STRING"


def local_api(settings: Settings) -> str:
    """The API URL of the Prefect server `shihyo serve` starts on this host."""
    host = settings.prefect_address
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.prefect_port}/api"


def auth_string(settings: Settings) -> str:
    """The `user:password` of the Prefect API: the operator's, else the one kept in
    $SHIHYO_HOME/prefect-auth, made at random the first time."""
    for name in (CLIENT_AUTH, SERVER_AUTH):
        if os.environ.get(name):
            return os.environ[name]
    settings.home.mkdir(parents=True, exist_ok=True)
    return f"{AUTH_USER}:{home_key(settings.home / AUTH_FILE, 24).hex()}"


def client_environment(settings: Settings) -> dict[str, str]:
    """The environment variables a Prefect client process (a worker, a flow run) needs."""
    return {CLIENT_AUTH: auth_string(settings)}


def server_answers(api_url: str, timeout: float = 1.0) -> bool:
    """True when a Prefect API at `api_url` reports itself healthy (the health check needs
    no password)."""
    if not _port_open(api_url, timeout):
        return False  # nothing listens: said without importing an HTTP client
    import httpx

    try:
        response = httpx.get(api_url.rstrip("/") + "/health", timeout=timeout)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def _port_open(api_url: str, timeout: float) -> bool:
    """False when nothing accepts a connection at the URL's host and port (refused at once,
    or no answer within `timeout`); True when something does or the URL cannot be read."""
    try:
        parts = urlsplit(api_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        host = parts.hostname
    except ValueError:
        return True
    if not host:
        return True
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def choose_api(settings: Settings) -> str | None:
    """The Prefect API URL to run flows against, "" for Prefect's own temporary
    server, or None to run directly."""
    mode = settings.prefect
    if mode == "never":
        return None
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return configured if mode == "always" or server_answers(configured) else None
    local = local_api(settings)
    if server_answers(local):
        return local
    return "" if mode == "always" else None


@contextmanager
def prefect_api(
    url: str, settings: Settings | None = None, *, heartbeats: bool = True
) -> Iterator[None]:
    """Point Prefect at `url` for the duration, with the API's password when `settings` are
    given (no change of address for "": Prefect's own temporary server).

    `heartbeats=False`: flow runs started within send no heartbeats. For a one-off command,
    whose run lives in the user's own process and ends before it returns: Prefect stops a
    run's heartbeat thread by waiting out its one-second sleep (measured against a local
    server: a one-task flow 0.35–0.45 s without, 1.2–3.3 s with). A command killed outright
    then leaves its run shown as running; the scheduled and work-pool runs, which nobody
    watches, keep their heartbeats."""
    from prefect.settings import (
        PREFECT_API_AUTH_STRING,
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        temporary_settings,
    )

    updates: dict = {}
    if url:
        updates[PREFECT_API_URL] = url
        if settings is not None:
            updates[PREFECT_API_AUTH_STRING] = auth_string(settings)
    if not heartbeats:
        updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    if not updates:
        yield
        return
    with temporary_settings(updates=updates):
        yield
