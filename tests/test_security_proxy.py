"""Dashboard exposure (issue 12, Low): tracebacks stay on the server, the dashboard listens on
loopback, and the example reverse proxy (deploy/nginx/shihyo.conf) — run here for real with
Debian's nginx in front of a live dashboard — serves it over TLS with HSTS and a CSP that
forbids framing, WebSocket included."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kernel.settings import load_settings
from tests.conftest import REPO

CONF = REPO / "deploy" / "nginx" / "shihyo.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def test_streamlit_shows_no_error_details_and_listens_on_loopback() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["address"] == "127.0.0.1"
    assert load_settings({}).dashboard_address == "127.0.0.1"
    assert load_settings({"SHIHYO_DASHBOARD_ADDRESS": "0.0.0.0"}).dashboard_address == "0.0.0.0"


def test_the_launcher_binds_the_dashboard_to_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from shihyo import launcher

    started: list[list[str]] = []

    class Stop(Exception):
        pass

    class Fake:
        def __init__(self, args: list[str], **_kwargs: object) -> None:
            started.append(args)

        def poll(self) -> int | None:
            return None

        def terminate(self) -> None:
            pass

        def wait(self, timeout: float) -> int:
            return 0

    def stop(*_args: object) -> None:
        raise Stop

    monkeypatch.setattr(launcher.subprocess, "Popen", Fake)
    monkeypatch.setattr(launcher, "wait_for", stop)
    monkeypatch.setattr(launcher.signal, "signal", lambda *_a: None)
    settings = load_settings({"SHIHYO_HOME": str(REPO / "var-test-unused")})
    try:
        with pytest.raises(Stop):
            launcher.run_services(settings, 8599, lambda _text: None)
    finally:
        shutil.rmtree(REPO / "var-test-unused", ignore_errors=True)
    dashboard = next(args for args in started if "streamlit" in args)
    assert dashboard[dashboard.index("--server.address") + 1] == "127.0.0.1"


# ── the reverse proxy, for real ───────────────────────────────────────────────


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what} did not answer within {seconds:.0f} s")


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The real dashboard on a loopback port (an empty home: it asks for `shihyo init`)."""
    port = free_port()
    home = tmp_path_factory.mktemp("proxy-home")
    env = {**os.environ, "SHIHYO_HOME": str(home)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: httpx.get(f"http://127.0.0.1:{port}/_stcore/health").status_code == 200,
            90,
            "the dashboard",
        )
        yield port
    finally:
        process.terminate()
        process.wait(30)


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def render(conf: str, https: int, http: int, upstream: int, cert: Path, key: Path) -> str:
    """The example configuration with this machine's ports and a throwaway certificate; each
    replaced piece must be in the example, so that the test runs the file as shipped."""
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
        "/etc/ssl/certs/kpi.example.lg.jp.pem": str(cert),
        "/etc/ssl/private/kpi.example.lg.jp.key": str(key),
        "http://127.0.0.1:8501": f"http://127.0.0.1:{upstream}",
    }
    for old, new in replacements.items():
        assert old in conf, f"{old!r} is no longer in {CONF.name}"
        conf = conf.replace(old, new)
    return conf


@pytest.fixture(scope="module")
def proxy(dashboard: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    if NGINX is None:
        pytest.skip("nginx is not installed (Debian: apt-get install nginx; `make test` does)")
    folder = tmp_path_factory.mktemp("nginx")
    for sub in ("logs", "tmp"):
        (folder / sub).mkdir()
    cert, key = _certificate(folder)
    https, http = free_port(), free_port()
    (folder / "shihyo.conf").write_text(
        render(CONF.read_text(encoding="utf-8"), https, http, dashboard, cert, key),
        encoding="utf-8",
    )
    main = folder / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers read our 700 temp folders
    main.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {folder}/shihyo.conf;
}}
""",
        encoding="utf-8",
    )
    check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(main)], capture_output=True)
    assert check.returncode == 0, check.stderr.decode()
    process = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(main)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(
            lambda: httpx.get(f"https://127.0.0.1:{https}/_stcore/health", verify=False).is_success,
            30,
            "nginx",
        )
        yield https, http
    finally:
        process.terminate()
        process.wait(30)


def test_the_proxy_serves_the_dashboard_over_tls_with_the_security_headers(
    proxy: tuple[int, int],
) -> None:
    https, http = proxy
    page = httpx.get(f"https://127.0.0.1:{https}/", verify=False)
    assert page.status_code == 200 and "<noscript>" in page.text  # Streamlit's page
    headers = page.headers
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert "nginx/" not in headers.get("server", "")  # no version told
    missing = httpx.get(f"https://127.0.0.1:{https}/no-such-page", verify=False)
    assert "strict-transport-security" in missing.headers  # on every answer
    plain = httpx.get(f"http://127.0.0.1:{http}/indicator?id=x", follow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://127.0.0.1/indicator?id=x"


def test_the_proxy_carries_the_dashboards_websocket(proxy: tuple[int, int]) -> None:
    from websockets.sync.client import connect

    https, _ = proxy
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with connect(
        f"wss://127.0.0.1:{https}/_stcore/stream",
        ssl=context,
        subprotocols=["streamlit"],  # type: ignore[list-item]
        open_timeout=20,
    ) as socket_:
        assert socket_.protocol.state.name == "OPEN"


CHROMIUM = shutil.which("chromium")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (`make test`)")
def test_the_dashboard_runs_under_the_proxys_content_security_policy(
    proxy: tuple[int, int],
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM_ARGS

    https, _ = proxy
    violations: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(ignore_https_errors=True)
            page.on(
                "console",
                lambda m: (
                    violations.append(m.text) if "Content Security Policy" in m.text else None
                ),
            )
            page.goto(f"https://127.0.0.1:{https}/", wait_until="networkidle")
            # the app ran: an empty home asks for the warehouse (slow on a busy machine)
            page.get_by_text("shihyo init").first.wait_for(timeout=90_000)
            page.wait_for_timeout(1000)
        finally:
            browser.close()
    # app.py's page icon (":material/flag:") makes Streamlit point the favicon at Google's
    # font server; the policy keeps the browser from calling out, and the page loses nothing.
    others = [v for v in violations if "fonts.gstatic.com" not in v]
    assert others == [], "\n".join(others)
