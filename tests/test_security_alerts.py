"""Attacks on the alert channels (issue 12, items 4 and 6, and the keyed hash): secrets in
channel URLs, a URL that broke all alerting, markup in e-mails, the unkeyed URL hash."""

from __future__ import annotations

import hashlib
import logging
import stat
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import apprise
import pytest
import yaml

from alerts.config import CHANNEL_KEY, legacy_url_hash, load_alert_config, mask
from alerts.engine import AppriseSender, deliver
from kernel.settings import Settings
from tests import test_alerts
from tests.conftest import open_warehouse
from tests.test_alerts import MORNING, JsonReceiver, MailReceiver, evaluate, free_port, send_figures
from warehouse.alerts import Outgoing

pytestmark = pytest.mark.clock

# The fixtures of test_alerts: a warehouse in a temp home, a local SMTP receiver.
settings = test_alerts.settings
mail = test_alerts.mail

# Real URL forms of services that keep their secret where a host, a path or a user would be:
# (url, the secret parts that must never be shown).
SECRET_URLS = [
    ("tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123456", ["AAHdqTcvCH1vGWJxfSe"]),
    ("join://abcdefghijklmnopqrstuvwxyz012345/group.phone", ["bcdefghijklmnopqrstuvwxyz01234"]),
    ("opsgenie://0a1b2c3d-4e5f-6789-abcd-ef0123456789/@ops", ["4e5f-6789-abcd"]),
    ("ntfys://kpi-alerts-x7q2m9w4r8", ["kpi-alerts-x7q2m9w4r8"]),
    ("ntfys://yamada:hunter2-pass@ntfy.example.lg.jp/topic-9f8e7d6c", ["hunter2", "9f8e7d6c"]),
    (
        "pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGeHqpiaL8Xo4xchanxRh5vTvq3Mv",
        ["QiRzpo4DXg", "azGeHqpiaL8Xo4xc"],
    ),
    ("mailtos://kpi:s3cret-pw@smtp.example.lg.jp:465?to=kpi@example.lg.jp", ["s3cret-pw"]),
    ("json://chat.example.lg.jp/hooks/T0k3nInPath?+Authorization=Bearer%20abc123", ["T0k3n"]),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general", ["TIiajkdnlazkcOXr"]),
    ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", ["JHMHI8qBe7bk2ZwO"]),
]
# Taken apart by urllib, this made the old mask() raise with the token in its message.
BROKEN = "tgram://123456789:AAHsecretBotToken/987654321"


@pytest.mark.parametrize(("url", "secrets"), SECRET_URLS, ids=lambda v: str(v)[:8])
def test_masking_hides_the_secret_of_every_service(url: str, secrets: list[str]) -> None:
    assert apprise.Apprise().add(url), "a real, usable URL of the service"
    shown = mask(url)
    assert shown.split("://")[0] == url.split("://")[0]
    for secret in secrets:
        assert secret.lower() not in shown.lower(), shown


def test_masking_keeps_the_host_of_a_mail_or_web_server() -> None:
    assert mask(SECRET_URLS[6][0]) == "mailtos://***@smtp.example.lg.jp:465/…"
    assert mask("json://chat.example.lg.jp/hooks/abc") == "json://chat.example.lg.jp/…"
    assert mask("ntfys://kpi-alerts-x7q2m9w4r8") == "ntfys://***/…"  # a topic is no host


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        (BROKEN, True),
        ("tgram://id:AAHsecretBotToken/chat", False),
        ("nosuch://AAHsecretBotToken", False),
        ("junk AAHsecretBotToken", False),
    ],
)
def test_a_url_urllib_cannot_take_apart_is_masked_without_an_error(url: str, usable: bool) -> None:
    shown = mask(url)  # the old mask raised ValueError quoting the token for the first two
    assert "AAHsecretBotToken" not in shown
    assert ("(unusable URL)" in shown) is not usable


def test_apprises_own_log_lines_do_not_quote_a_url(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="apprise"):
        apprise.Apprise().add("nosuch://AAHsecretBotToken@example")
    assert caplog.records and "AAHsecretBotToken" not in caplog.text


def test_a_bad_url_does_not_stop_alerting_and_its_secret_goes_nowhere(
    settings: Settings,
    mail: MailReceiver,
) -> None:
    send_figures(settings, "wifi.csv", "wifi_access_points,2026-10,650,,\n")
    with JsonReceiver(free_port()) as chat:
        settings.alert_config_path.write_text(
            yaml.safe_dump(
                {
                    # 情報企画課 administers the plan: the admin channels are its own
                    "admin": ["tgram://id:AAHsecretBotToken/chat", *_json(chat)],
                    "sections": {"zeimu-shido": ["nosuch://AAHsecretBotToken", _mailto(mail)]},
                    "default": [_mailto(mail)],
                }
            ),
            encoding="utf-8",
        )
        report = evaluate(settings)  # the old code raised here, and nothing was sent
        assert len(chat.received) == 1 and mail.messages
    assert report["messages_sent"] >= 3 and report["messages_failed"] >= 1
    warehouse = open_warehouse(settings)
    kept = " ".join(
        [
            str(report),
            warehouse.outbox().astype(str).to_json(),
            warehouse.audit_trail().astype(str).to_json(),
        ]
    )
    assert "AAHsecretBotToken" not in kept
    assert "tgram://(unusable URL)" in kept


def test_a_sender_that_raises_fails_only_its_message(
    settings: Settings,
) -> None:
    class Exploding:
        def send(self, url: str, title: str, body: str) -> tuple[bool, str | None]:
            if "explode" in url:
                raise RuntimeError(f"cannot reach {url}")
            return True, None

    settings.alert_config_path.write_text(
        yaml.safe_dump(
            {"default": ["json://explode.example.org/AAHsecretBotToken", "json://ok.example.org/"]}
        ),
        encoding="utf-8",
    )
    from kernel.clock import Clock
    from pipeline import evaluate_and_alert
    from pipeline.resources import Resources

    res = Resources.open(settings, Clock.at(MORNING))
    config = load_alert_config(settings.alert_config_path)
    done = evaluate_and_alert(
        res.warehouse, res.catalog(), MORNING.date(), config, Exploding(), MORNING
    )
    report = done.report
    assert report is not None
    assert report.sent >= 1 and report.failed >= 1
    assert "AAHsecretBotToken" not in str(report.as_dict())


# ── markup in e-mails ─────────────────────────────────────────────────────────

HOSTILE = "<a href=https:evil.example>再提出はこちら<img src=x onerror=alert(1)>.csv"


def _json(chat: JsonReceiver) -> list[str]:
    return [f"json://127.0.0.1:{chat.port}/"]


def _mailto(mail: MailReceiver, extra: str = "") -> str:
    return (
        f"mailto://127.0.0.1:{mail.port}?from=shihyo@example.org&to=kpi@example.org"
        f"&mode=insecure{extra}"
    )


def _parts(raw: bytes) -> dict[str, str]:
    """Each text part of a received message by its content type, decoded."""
    found: dict[str, str] = {}
    for part in message_from_bytes(raw).walk():
        if isinstance(part, Message) and part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return found


def _hostile_load(settings: Settings, mail: MailReceiver, extra: str = "") -> list[dict]:
    settings.alert_config_path.write_text(
        yaml.safe_dump({"default": [_mailto(mail, extra)]}), encoding="utf-8"
    )
    # a file named on the command line, one row rejected: its name goes into the alert
    send_figures(settings, HOSTILE, "wifi_access_points,2026-10,abc,,\n")
    evaluate(settings)
    mine = [_parts(m) for m in mail.messages]
    return [p for p in mine if any("再提出はこちら" in text for text in p.values())]


def test_a_hostile_file_name_arrives_as_plain_text(
    settings: Settings,
    mail: MailReceiver,
) -> None:
    [parts] = _hostile_load(settings, mail)
    assert set(parts) == {"text/plain"}  # the old code sent it as text/html, tags and all
    assert HOSTILE in parts["text/plain"]  # shown as written, inert


def test_a_channel_forced_to_html_gets_the_file_name_escaped(
    settings: Settings,
    mail: MailReceiver,
) -> None:
    [parts] = _hostile_load(settings, mail, "&format=html")
    html = parts["text/html"]
    assert "<a href" not in html and "<img" not in html
    assert "&lt;a" in html and "&lt;img" in html and "evil.example&gt;再提出はこちら" in html


def test_apprise_sender_asks_for_plain_text() -> None:
    calls: list[dict] = []

    class Recorder(apprise.Apprise):
        def notify(self, *args: object, **kwargs: object) -> bool:
            calls.append(kwargs)
            return True

    original = apprise.Apprise
    apprise.Apprise = Recorder  # type: ignore[misc]
    try:
        assert AppriseSender().send("json://127.0.0.1:9/", "t", "<b>x</b>") == (True, None)
    finally:
        apprise.Apprise = original  # type: ignore[misc]
    assert calls[0]["body_format"] == apprise.NotifyFormat.TEXT


# ── the keyed hash of channel URLs ────────────────────────────────────────────


def test_channel_references_are_keyed_with_a_private_key(tmp_path: Path) -> None:
    url = "json://chat.example.lg.jp/hooks/abc"
    config = load_alert_config(tmp_path / "none.yaml", {}, home=tmp_path / "a")
    other = load_alert_config(tmp_path / "none.yaml", {}, home=tmp_path / "b")
    reference = config.url_hash(url)
    # an unsalted SHA-256 of a guessed URL no longer confirms it against the audit
    assert reference != hashlib.sha256(url.encode()).hexdigest()[: len(reference)]
    assert reference != other.url_hash(url)  # each installation its own key
    key = tmp_path / "a" / CHANNEL_KEY
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = load_alert_config(tmp_path / "none.yaml", {}, home=tmp_path / "a")
    assert again.url_hash(url) == reference  # made once, then kept


def test_outbox_rows_written_with_the_old_hash_are_still_delivered(
    settings: Settings,
) -> None:
    with JsonReceiver(free_port()) as chat:
        url = _json(chat)[0]
        settings.alert_config_path.write_text(yaml.safe_dump({"default": [url]}), encoding="utf-8")
        warehouse = open_warehouse(settings)
        # a row as the code before the keyed hash wrote it
        warehouse.enqueue(
            [Outgoing("", mask(url), legacy_url_hash(url), "old", "kept before", [])], MORNING
        )
        config = load_alert_config(settings.alert_config_path)
        sent, failed, errors = deliver(warehouse, config, AppriseSender(), MORNING)
        assert (sent, failed, errors) == (1, 0, [])
        assert chat.received[0]["title"] == "old"
