"""The owners' words: commentary versioned with the figures and replayed as of a day,
improvement actions tracked to closure, both written only by the owner section (or an
administrator) and audited; reminders before the due day delivered once to a real local
receiver, whatever the channel did in between."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from access.roles import Actor, PermissionDenied
from kernel.clock import Clock
from kernel.settings import Settings, load_settings
from service import Service, WordsRefused
from tests.conftest import open_warehouse, ready_service
from tests.test_alerts import JsonReceiver, MailReceiver, configure, free_port, mail  # noqa: F401

pytestmark = pytest.mark.clock

OWNER = Actor("yamada", "owner", ("joho-kikaku",))
OTHER = Actor("sato", "owner", ("zeimu-shido",))
VIEWER = Actor("kanbu", "viewer")
ADMIN = Actor("kanri", "admin")
OCT = dt.date(2026, 10, 1)
HEADER = "indicator_id,period,value,org_unit,note,comment\n"


@pytest.fixture
def settings(home: Path) -> Settings:
    settings = load_settings()
    ready_service(settings)
    return settings


def at(settings: Settings, when: str) -> Service:
    """The service on another day and hour."""
    return Service(settings, clock=Clock.at(dt.datetime.fromisoformat(when)))


def upload(service: Service, rows: str, actor: Actor = OWNER, name: str = "f.csv") -> None:
    report = service.upload((HEADER + rows).encode(), name, actor, section="joho-kikaku")
    assert all(f.rows_rejected == 0 for f in report.files), [f.errors for f in report.files]


def test_commentary_is_the_owner_sections_to_write_and_everyones_to_read(
    settings: Settings,
) -> None:
    service = at(settings, "2026-11-05T10:00")
    for stranger in (OTHER, VIEWER):
        with pytest.raises(PermissionDenied):
            service.comment(stranger, "wifi_access_points", OCT, "勝手な説明")
    assert service.comment(OWNER, "wifi_access_points", OCT, "設置工事が遅れた") == 1
    assert service.comment(ADMIN, "etax_payments", OCT, "管理者の補足") == 1
    assert service.comment(OWNER, "wifi_access_points", OCT, "設置工事が遅れた") is None
    shown = service.commentary("wifi_access_points")
    assert shown["body"].tolist() == ["設置工事が遅れた"] and shown["author"].tolist() == ["yamada"]
    with pytest.raises(WordsRefused):  # a period that has not ended
        service.comment(OWNER, "wifi_access_points", dt.date(2026, 11, 1), "早すぎる")
    trail = service.audit_trail(ADMIN, entity="commentary")
    assert set(trail["entity_id"]) == {"wifi_access_points|2026-10-01", "etax_payments|2026-10-01"}
    assert set(trail["actor"]) == {"yamada", "kanri"}


def test_commentary_is_versioned_and_replayed_as_of_a_day(settings: Settings) -> None:
    at(settings, "2026-11-05T10:00").comment(OWNER, "wifi_access_points", OCT, "初版の説明")
    later = at(settings, "2026-11-12T10:00")
    assert later.comment(OWNER, "wifi_access_points", dt.date(2026, 10, 20), "改訂した説明") == 2
    assert later.commentary("wifi_access_points")["body"].tolist() == ["改訂した説明"]
    then = later.commentary("wifi_access_points", as_of=dt.date(2026, 11, 8))
    assert then["body"].tolist() == ["初版の説明"] and then["revision"].tolist() == [1]
    assert later.commentary("wifi_access_points", as_of=dt.date(2026, 11, 4)).empty
    history = later.commentary_history("wifi_access_points")
    assert history["revision"].tolist() == [2, 1] and history["superseded_at"].notna().tolist() == [
        False,
        True,
    ]
    later.comment(OWNER, "wifi_access_points", OCT, "")  # withdrawn: a revision of its own
    assert later.commentary("wifi_access_points").empty
    assert len(later.commentary_history("wifi_access_points")) == 3


def test_a_comment_column_travels_with_the_figure_and_changes_with_it(settings: Settings) -> None:
    first = at(settings, "2026-11-05T10:00")
    upload(first, "wifi_access_points,2026-10,700,,,補助金の交付が遅れた\n")
    stored = first.commentary("wifi_access_points")
    assert stored["body"].tolist() == ["補助金の交付が遅れた"]
    assert stored["load_id"].notna().all()
    same = at(settings, "2026-11-06T10:00")
    upload(same, "wifi_access_points,2026-10,705,,,補助金の交付が遅れた\n", name="g.csv")
    assert same.commentary_history("wifi_access_points")["revision"].tolist() == [1]  # unchanged
    changed = at(settings, "2026-11-07T10:00")
    upload(changed, "wifi_access_points,2026-10,705,,,交付決定済み、12月に設置\n", name="h.csv")
    assert changed.commentary("wifi_access_points")["revision"].tolist() == [2]
    # another section's rows are refused, and so is their comment
    report = changed.upload(
        (HEADER + "wifi_access_points,2026-10,1,,,他課のコメント\n").encode(), "x.csv", OTHER
    )
    assert report.files[0].rows_rejected == 1
    assert changed.commentary("wifi_access_points")["body"].tolist() == ["交付決定済み、12月に設置"]


def test_actions_are_recorded_by_the_owner_and_tracked_to_closure(settings: Settings) -> None:
    service = at(settings, "2026-11-20T09:00")
    upload(service, "wifi_access_points,2026-10,650,,,\n")  # far below its glide path
    assert "wifi_access_points" in service.unactioned()
    for stranger in (OTHER, VIEWER):
        with pytest.raises(PermissionDenied):
            service.record_action(
                stranger, "wifi_access_points", "原因", "対策", "誰か", dt.date(2026, 12, 25)
            )
    with pytest.raises(WordsRefused):
        service.record_action(OWNER, "wifi_access_points", "", "対策", "山田", dt.date(2027, 1, 1))
    with pytest.raises(WordsRefused):  # a due day already past
        service.record_action(OWNER, "wifi_access_points", "a", "b", "c", dt.date(2026, 11, 1))
    action_id = service.record_action(
        OWNER,
        "wifi_access_points",
        "工事業者の確保が遅れた",
        "県西部の施設に先行設置する",
        "情報企画課 山田",
        dt.date(2026, 12, 25),
    )
    assert "wifi_access_points" not in service.unactioned()
    [row] = service.actions("wifi_access_points").itertuples()
    assert (row.state, row.overdue, row.raised_by_status) == ("open", False, "off_track")
    late = at(settings, "2026-12-26T09:00").actions("wifi_access_points")
    assert late["overdue"].tolist() == [True]  # open past its due day
    with pytest.raises(PermissionDenied):
        service.close_action(OTHER, action_id, "終わった")
    assert service.close_action(OWNER, action_id, "20台を設置した") is True
    assert service.close_action(OWNER, action_id, "again") is False
    done = service.actions("wifi_access_points")
    assert done["state"].tolist() == ["done"] and done["overdue"].tolist() == [False]
    before = service.actions("wifi_access_points", as_of=dt.date(2026, 11, 19))
    assert before.empty  # a replay of a day before it was recorded
    trail = service.audit_trail(ADMIN, entity="improvement_action")
    assert trail["action"].tolist() == ["close", "add"]
    assert json.loads(trail.iloc[0]["after"])["outcome"] == "20台を設置した"


def test_the_alert_says_an_action_is_recorded_and_its_due_day(settings: Settings) -> None:
    service = at(settings, "2026-11-20T09:00")
    with JsonReceiver(free_port()) as chat:
        configure(settings, chat.port, free_port())
        upload(service, "wifi_access_points,2026-09,650,,,\n")  # off track: asked for an action
        asked = chat.received[-1]["message"]
        service.record_action(
            OWNER, "wifi_access_points", "原因", "対策", "山田", dt.date(2026, 12, 25)
        )
        upload(service, "wifi_access_points,2026-10,880,,,\n", name="g.csv")  # back on track
        resolved = chat.received[-1]["message"]
        upload(service, "wifi_access_points,2026-10,640,,,\n", name="h.csv")  # off track again
        body = chat.received[-1]["message"]
    # the resolution gives the figure that stands now, not the one of the day it opened
    assert "実績 650台" in resolved and "→ 現在の実績 880台（2026年10月）" in resolved
    assert "→ now 880 units (Oct 2026)" in resolved
    assert "原因と改善策（何を・誰が・いつまでに）を指標ページで記録してください" in asked
    assert "改善策を記録済み（期限 2026/12/25）" in body
    assert "action recorded, due 2026/12/25" in body


def test_a_reminder_before_the_due_day_reaches_the_receiver_once(
    settings: Settings,
    mail: MailReceiver,  # noqa: F811
) -> None:
    """October's figures are due on 10 November; three days before, the sections whose
    figures have not arrived are reminded once, even when the channel was down at first."""
    port = free_port()
    configure(settings, port, mail.port)
    too_early = at(settings, "2026-11-06T07:00").evaluate().alerts
    assert open_warehouse(settings).reminders().empty and too_early is not None
    at(settings, "2026-11-07T07:00").evaluate()  # the chat is down: the message waits
    reminders = open_warehouse(settings).reminders()
    mine = reminders[reminders["recipient"] == "joho-kikaku"]
    assert mine["key"].tolist() == ["figures_due|joho-kikaku|2026-11-10"]
    with JsonReceiver(port) as chat:
        at(settings, "2026-11-07T07:20").deliver()
        at(settings, "2026-11-08T07:00").evaluate()  # the next day's run: not again
        at(settings, "2026-11-09T07:00").evaluate()
        at(settings, "2026-11-09T09:00").deliver()
        told = [m for m in chat.received if "報告期限" in m["title"]]
    assert len(told) == 1
    body = told[0]["message"]
    assert "2026/11/10" in told[0]["title"]
    assert "県有施設の公衆無線LANアクセスポイント設置台数: 2026年10月 の実績" in body
    assert "Public Wi-Fi access points at prefectural facilities: Oct 2026" in body
    assert "http://dash.example:8501/upload?section=joho-kikaku" in body
    assert "http://dash.example:8501/upload?section=joho-kikaku&template=1" in body
    assert body.index("報告期限") < body.index("due by")  # Japanese first, English below
    outbox = open_warehouse(settings).outbox()
    sent = outbox[
        outbox["subject"].str.contains("報告期限") & (outbox["recipient"] == "joho-kikaku")
    ]
    assert sent["state"].tolist() == ["sent"] and sent["attempts"].tolist() == [2]


def test_a_section_whose_figures_arrived_is_not_reminded(settings: Settings) -> None:
    service = at(settings, "2026-11-07T06:00")
    rows = "".join(
        f"{i.id},2026-10,1,,,\n"
        for i in service.catalog().indicators
        if i.owner == "joho-kikaku" and i.frequency == "monthly"
    )
    upload(service, rows)
    at(settings, "2026-11-07T07:00").evaluate()
    reminders = open_warehouse(settings).reminders()
    assert "joho-kikaku" not in set(reminders["recipient"])
    assert "zeimu-shido" in set(reminders["recipient"])  # e-tax payments still missing


def test_an_action_due_soon_is_reminded_once(settings: Settings) -> None:
    service = at(settings, "2026-11-20T09:00")
    action_id = service.record_action(
        OWNER, "wifi_access_points", "原因", "対策を講じる", "山田", dt.date(2026, 12, 1)
    )
    with JsonReceiver(free_port()) as chat:
        configure(settings, chat.port, free_port())
        at(settings, "2026-11-27T07:00").evaluate()  # four days before: not yet
        at(settings, "2026-11-28T07:00").evaluate()
        at(settings, "2026-11-29T07:00").evaluate()
        told = [m for m in chat.received if "改善策の期限" in m["title"]]
    assert len(told) == 1 and "対策を講じる" in told[0]["message"]
    assert "An improvement action is due by 2026/12/01." in told[0]["message"]
    keys = open_warehouse(settings).reminders()["key"].tolist()
    assert f"action_due|{action_id}|2026-12-01" in keys


def test_reminders_can_be_turned_off(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHIHYO_REMIND_DAYS_BEFORE", "0")
    at(settings, "2026-11-08T07:00").evaluate()
    assert open_warehouse(settings).reminders().empty


def test_an_initiative_without_an_indicator_is_named_with_its_title(settings: Settings) -> None:
    service = at(settings, "2026-11-20T09:00")
    service.evaluate()
    alerts = service.alerts()
    rows = alerts[alerts["initiative_id"].isin(["25-1-a", "25-1-b", "25-1-c"])]
    summaries = rows["summary"].tolist()
    assert len(summaries) == 3 and len(set(summaries)) == 3  # three rows, told apart
    titles = {i.id: i.title for i in service.catalog().initiatives}
    for row in rows.itertuples():
        assert row.summary.startswith(f"取組 25-1（{titles[row.initiative_id][:20]}")
