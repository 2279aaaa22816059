"""Whether an on-demand command runs as a Prefect flow or directly.

Measured here (DESIGN.md): a flow run without a server boots a temporary API
first, 16–29 s; against a running server it costs a few seconds. So a one-off
command runs as a flow when a server answers (PREFECT_API_URL, or the local
default that `shihyo serve` starts) and otherwise runs the same steps directly,
unless SHIHYO_PREFECT says always or never."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

LOCAL_API = "http://127.0.0.1:4200/api"


def server_answers(api_url: str, timeout: float = 1.0) -> bool:
    """True when a Prefect API at `api_url` reports itself healthy."""
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


def choose_api(mode: str) -> str | None:
    """The Prefect API URL to run flows against, "" for Prefect's own temporary
    server, or None to run directly."""
    if mode == "never":
        return None
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        return configured if mode == "always" or server_answers(configured) else None
    if server_answers(LOCAL_API):
        return LOCAL_API
    return "" if mode == "always" else None


@contextmanager
def prefect_api(url: str) -> Iterator[None]:
    """Point Prefect at `url` for the duration (no change for "")."""
    if not url:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: url}):
        yield
