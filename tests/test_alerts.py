"""Alerts end to end against real local receivers: an HTTP server for json:// and an
SMTP server (aiosmtpd) for mailto://, both started by the tests."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from alerts.config import load_alert_config, mask
from alerts.rules import validation_conditions
from indicators.catalog import Catalog
from kernel.clock import Clock
from kernel.settings import Settings, load_settings
from pipeline import IngestOptions, ingest_files
from service import Service
from tests.conftest import loader_for, open_warehouse, ready_service

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

AS_OF = dt.date(2026, 11, 29)
MORNING = dt.datetime(2026, 11, 29, 7, 0)
HEADER = "indicator_id,period,value,org_unit,note\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class JsonReceiver:
    """A real HTTP server on loopback that keeps what Apprise's json:// posts to it."""

    def __init__(self, port: int):
        self.port = port
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.received.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> JsonReceiver:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class MailReceiver:
    """A real SMTP server on loopback that keeps the messages it is given."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        receiver = self

        class Handler:
            async def handle_DATA(self, _server, _session, envelope) -> str:
                receiver.messages.append(envelope.content)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def subjects(self) -> list[str]:
        return [
            str(make_header(decode_header(message_from_bytes(m)["Subject"]))) for m in self.messages
        ]


@pytest.fixture
def mail() -> Iterator[MailReceiver]:
    receiver = MailReceiver()
    receiver.controller.start()
    yield receiver
    receiver.controller.stop()


@pytest.fixture
def settings(home: Path, catalog: Catalog) -> Settings:
    settings = load_settings()
    ready_service(settings)
    return settings


def configure(settings: Settings, json_port: int, mail_port: int) -> None:
    config = {
        "dashboard_url": "http://dash.example:8501",
        "sections": {"joho-kikaku": [f"json://127.0.0.1:{json_port}/"]},
        "default": [
            f"mailto://127.0.0.1:{mail_port}?from=shihyo@example.org"
            "&to=kpi@example.org&mode=insecure"
        ],
    }
    settings.alert_config_path.write_text(yaml.safe_dump(config), encoding="utf-8")


def send_figures(settings: Settings, name: str, rows: str) -> None:
    path = settings.home / name
    path.write_text(HEADER + rows, encoding="utf-8")
    ingest_files(loader_for(settings), [path], IngestOptions(keep_source=True))


def evaluate(settings: Settings, now: dt.datetime = MORNING) -> dict:
    """The evaluation as of AS_OF, run at `now`."""
    return Service(settings, clock=Clock.at(now)).evaluate(AS_OF).alerts.as_dict()


def test_alerts_reach_each_section_once_and_resolve_with_a_notice(
    settings: Settings, mail: MailReceiver
) -> None:
    send_figures(
        settings, "wifi.csv", "wifi_access_points,2026-09,650,,\nwifi_access_points,2026-10,650,,\n"
    )
    with JsonReceiver(free_port()) as chat:
        configure(settings, chat.port, mail.port)
        first = evaluate(settings)
        assert first["messages_sent"] == first["messages_written"] >= 2
        assert first["messages_failed"] == 0
        [message] = chat.received  # one message for 情報企画課, however many alerts
        body = message["message"]
        assert "情報企画課" in message["title"]
        assert "県有施設の公衆無線LANアクセスポイント設置台数: 目標に対して遅れ" in body
        assert "Public Wi-Fi access points at prefectural facilities: Off track" in body
        assert "http://dash.example:8501/indicator?id=wifi_access_points" in body
        assert body.index("目標") < body.index("Target")  # Japanese first, English below
        assert "指標が未設定の取組（88件）" in body  # the administrator's first weekly digest
        # capped: fifteen named, the rest counted, with the link to the whole list
        assert "ほか 73 件（一覧: http://dash.example:8501/initiatives?without=1）" in body
        assert "and 73 more (the full list: " in body and len(body) < 8000
        assert any("税務指導課" in s for s in mail.subjects())  # no channel of its own: default

        again = evaluate(settings, MORNING + dt.timedelta(hours=1))
        assert again["alerts_opened"] == 0 and again["messages_written"] == 0
        assert len(chat.received) == 1  # open alerts are not repeated

        send_figures(settings, "wifi-fixed.csv", "wifi_access_points,2026-10,880,,\n")
        later = evaluate(settings, MORNING + dt.timedelta(hours=2))
        assert later["alerts_resolved"] >= 1
        assert len(chat.received) == 2
        assert "解消" in chat.received[1]["message"]
        assert "resolved" in chat.received[1]["message"]


def test_a_channel_down_on_the_first_run_gets_exactly_one_delivery_later(
    settings: Settings, mail: MailReceiver
) -> None:
    port = free_port()  # nothing listens here yet
    configure(settings, port, mail.port)
    first = evaluate(settings)
    assert first["messages_failed"] >= 1
    outbox = open_warehouse(settings).outbox()
    failed = outbox[outbox["recipient"] == "joho-kikaku"].iloc[0]
    assert failed["state"] == "pending" and failed["attempts"] == 1 and failed["last_error"]

    with JsonReceiver(port) as chat:
        too_soon = evaluate(settings, MORNING + dt.timedelta(minutes=1))  # backing off
        assert too_soon["messages_sent"] == 0 and chat.received == []
        retried = evaluate(settings, MORNING + dt.timedelta(minutes=10))
        assert retried["messages_sent"] == 1
        evaluate(settings, MORNING + dt.timedelta(hours=3))
        assert len(chat.received) == 1
    outbox = open_warehouse(settings).outbox()
    sent = outbox[outbox["recipient"] == "joho-kikaku"]
    assert sent["state"].tolist() == ["sent"] and sent["attempts"].tolist() == [2]


def test_secrets_in_urls_are_not_stored_or_shown(settings: Settings) -> None:
    url = "mailtos://user:s3cret@smtp.example.org:465?to=a@example.org"
    assert "s3cret" not in mask(url) and "smtp.example.org" in mask(url)
    settings.alert_config_path.write_text(yaml.safe_dump({"default": [url]}), encoding="utf-8")
    evaluate(settings)
    outbox = open_warehouse(settings).outbox()
    assert not outbox.empty
    assert not outbox.astype(str).apply(lambda col: col.str.contains("s3cret")).any().any()


def test_alert_urls_from_the_environment_are_the_default(tmp_path: Path) -> None:
    config = load_alert_config(
        tmp_path / "none.yaml", {"SHIHYO_ALERT_URLS": "json://a.example/ , mailto://b.example"}
    )
    assert config.default == ["json://a.example/", "mailto://b.example"]
    assert config.channels("anyone") == config.default


def test_without_channels_the_message_is_kept_visible(settings: Settings) -> None:
    report = evaluate(settings)
    assert report["messages_written"] >= 1 and report["messages_sent"] == 0
    outbox = open_warehouse(settings).outbox()
    assert set(outbox["state"]) == {"no_channel"}


def test_validation_failures_are_addressed_to_the_sender_until_a_clean_resend() -> None:
    import pandas as pd

    loads = pd.DataFrame(
        [
            {
                "id": 1,
                "file_name": "jan.csv",
                "section": "zeimu-shido",
                "status": "partial",
                "rows_rejected": 2,
            },
            {
                "id": 2,
                "file_name": "feb.csv",
                "section": "zeimu-shido",
                "status": "partial",
                "rows_rejected": 1,
            },
            {
                "id": 3,
                "file_name": "jan.csv",
                "section": "zeimu-shido",
                "status": "loaded",
                "rows_rejected": 0,
            },
        ]
    )
    conditions = validation_conditions(loads)
    assert [(c.load_id, c.recipient) for c in conditions] == [(2, "zeimu-shido")]


def test_changes_to_the_alert_channels_reach_the_audit_trail(settings: Settings) -> None:
    settings.alert_config_path.write_text(
        yaml.safe_dump({"default": ["mailtos://u:s3cret@smtp.example.org:465?to=a@example.org"]}),
        encoding="utf-8",
    )
    evaluate(settings)
    evaluate(settings)  # unchanged: nothing new
    settings.alert_config_path.write_text(
        yaml.safe_dump({"default": ["json://chat.example.org/hooks/abc"]}), encoding="utf-8"
    )
    evaluate(settings)
    trail = open_warehouse(settings).audit_trail(entity="alert_channels")
    assert trail["action"].tolist() == ["change", "add"]
    assert "s3cret" not in trail.to_json(date_format="iso")
    assert "json://chat.example.org/…" in trail.iloc[0]["after"]


def test_a_message_kept_for_want_of_a_channel_goes_out_once_there_is_one(
    settings: Settings, mail: MailReceiver
) -> None:
    first = evaluate(settings)  # no alerts.yaml yet
    assert first["messages_sent"] == 0
    with JsonReceiver(free_port()) as chat:
        configure(settings, chat.port, mail.port)
        later = evaluate(settings, MORNING + dt.timedelta(hours=1))
        assert later["alerts_opened"] == 0 and later["messages_sent"] >= 1
        assert len(chat.received) == 1 and "情報企画課" in chat.received[0]["title"]
        evaluate(settings, MORNING + dt.timedelta(hours=2))
        assert len(chat.received) == 1  # rerouted once, not again
    outbox = open_warehouse(settings).outbox()
    assert "no_channel" not in set(outbox["state"]) and "rerouted" in set(outbox["state"])


def test_a_channel_that_comes_back_gets_its_message_within_minutes_once(
    settings: Settings, mail: MailReceiver
) -> None:
    """Down at the morning run; the outbox is tried again on its back-off (5 minutes) by the
    delivery every few minutes, not at the next day's evaluation."""
    port = free_port()
    configure(settings, port, mail.port)
    assert evaluate(settings)["messages_failed"] >= 1
    with JsonReceiver(port) as chat:
        early = Service(settings, clock=Clock.at(MORNING + dt.timedelta(minutes=3))).deliver()
        assert early.sent == 0 and chat.received == []  # still backing off
        later = Service(settings, clock=Clock.at(MORNING + dt.timedelta(minutes=6))).deliver()
        assert later.sent == 1 and len(chat.received) == 1
        again = Service(settings, clock=Clock.at(MORNING + dt.timedelta(minutes=12))).deliver()
        assert again.sent == 0 and len(chat.received) == 1  # exactly once


def test_the_delivery_flow_sends_what_is_due(
    prefect_api, settings: Settings, mail: MailReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.deliver import deliver

    port = free_port()
    configure(settings, port, mail.port)
    evaluate(settings)  # the chat is down: its message waits in the outbox
    monkeypatch.setenv("SHIHYO_NOW", (MORNING + dt.timedelta(minutes=6)).isoformat())
    with JsonReceiver(port) as chat:
        assert deliver()["sent"] == 1
        assert len(chat.received) == 1


@pytest.mark.parametrize(
    ("last", "now", "due"),
    [
        (None, dt.datetime(2026, 11, 25, 7), True),  # never sent: at once
        # Monday's digest, and the next Monday at an earlier hour: a week by the calendar
        (dt.datetime(2026, 11, 23, 8), dt.datetime(2026, 11, 30, 7), True),
        (dt.datetime(2026, 11, 23, 8), dt.datetime(2026, 11, 29, 23), False),  # same week
        (dt.datetime(2026, 11, 30, 7), dt.datetime(2026, 12, 1, 7), False),  # sent yesterday
        (dt.datetime(2026, 11, 16, 7), dt.datetime(2026, 11, 25, 7), True),  # Monday missed
    ],
)
def test_the_no_indicator_digest_is_weekly_by_calendar_day(last, now, due) -> None:
    from alerts.engine import digest_due

    assert digest_due(last, now, weekday=0) is due


def test_a_validation_alert_resolves_when_the_sections_next_clean_file_brings_those_figures(
    settings: Settings,
) -> None:
    # One bad row in one file: its alert stays open through a clean file of other figures.
    send_figures(
        settings,
        "joho_nov.csv",
        "wifi_access_points,2026-10,731,,\nwifi_facilities,2026-10,abc,,\n",
    )
    evaluate(settings)

    def validation_open() -> list[str]:
        alerts = open_warehouse(settings).alerts("open")
        return list(alerts.loc[alerts["rule"] == "validation_failed", "key"])

    assert len(validation_open()) == 1
    keys = open_warehouse(settings).validation_keys()
    refused = keys[keys["kind"] == "refused"]
    assert list(refused["indicator_id"]) == ["wifi_facilities"]  # the row's figure is kept
    send_figures(settings, "joho_other.csv", "wifi_access_points,2026-09,725,,\n")
    evaluate(settings)
    assert len(validation_open()) == 1  # a clean file, but not of the refused figure
    # The corrected figure in a file of another name: put right, the alert resolves.
    send_figures(settings, "joho_fix.csv", "wifi_facilities,2026-10,606,,\n")
    evaluate(settings)
    assert validation_open() == []
