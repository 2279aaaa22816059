"""The plan's statuses with their dates (issue 15, item 4): the catalog's statuses are the
review report's, as of 2019-03-31; an administrator records a new status with the day it was
decided and its reason; from that day on every face counts it (the Goals page, `shihyo plan`,
`shihyo status --json`, the report) and says since when, and `--as-of` the day before shows
the counts before it. Owners and viewers cannot record; refusals say why; the audit trail
keeps the decision with the status before it. The day is the tests' (SHIHYO_NOW,
2026-11-20)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from access.roles import Actor, PermissionDenied
from indicators.catalog import Catalog
from indicators.plan_status import Decision, plan_statuses, report_day
from service import Service, StatusRefused
from shihyo.cli import app
from tests.test_app import USERS, add_users, signed_in, texts

ADMIN = Actor("kanri", "admin")
OWNER = Actor("yamada", "owner", ("joho-kikaku",))
DECIDED = dt.date(2026, 11, 2)  # 3-1 (ZEH model projects), in progress in the report
DAY_BEFORE = DECIDED - dt.timedelta(days=1)
COUNTS = ("achieved", "in_progress", "changed", "total")

runner = CliRunner()


def _totals(service: Service, day: dt.date) -> tuple[int, ...]:
    total = service.evaluation(day).plan_summary.total
    return tuple(getattr(total, k) for k in COUNTS)


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _decision(id: int, initiative: str, status: str, on: dt.date, at: int) -> Decision:
    recorded = dt.datetime(2026, 11, 1, 9) + dt.timedelta(hours=at)
    return Decision(
        id, initiative, status, on, "理由" if status == "changed" else None, "k", recorded
    )


# ── the rule of a replay ─────────────────────────────────────────────────────


def test_the_reports_statuses_are_as_of_the_end_of_its_month(catalog: Catalog) -> None:
    assert catalog.plan.report.published == "2019-03"
    assert report_day(catalog.plan) == dt.date(2019, 3, 31)
    statuses = plan_statuses(catalog, (), dt.date(2026, 11, 20))
    assert statuses["3-1"].status == "in_progress" and statuses["3-1"].since == dt.date(2019, 3, 31)
    assert not statuses.updated


def test_a_decision_counts_from_its_day_even_when_recorded_later(catalog: Catalog) -> None:
    """Achieved decided 2026-10-01 (recorded first), then changed decided 2026-09-01 (recorded
    later): the status is changed from 09-01 and achieved from 10-01; of two decided on one
    day, the one recorded later holds."""
    first = _decision(1, "3-1", "achieved", dt.date(2026, 10, 1), at=0)
    later = _decision(2, "3-1", "changed", dt.date(2026, 9, 1), at=5)
    decisions = [first, later]
    assert plan_statuses(catalog, decisions, dt.date(2026, 8, 31))["3-1"].status == "in_progress"
    september = plan_statuses(catalog, decisions, dt.date(2026, 9, 15))["3-1"]
    assert (september.status, september.since, september.reason) == (
        "changed",
        dt.date(2026, 9, 1),
        "理由",
    )
    october = plan_statuses(catalog, decisions, dt.date(2026, 10, 5))["3-1"]
    assert (october.status, october.since) == ("achieved", dt.date(2026, 10, 1))
    assert [d.id for d in october.history] == [2, 1]  # in the order they took effect
    same_day = _decision(3, "3-1", "in_progress", dt.date(2026, 10, 1), at=9)
    assert plan_statuses(catalog, [*decisions, same_day], DECIDED)["3-1"].status == "in_progress"


# ── the service and the command line ─────────────────────────────────────────


def test_a_recorded_status_counts_from_its_day_on_and_not_before(service: Service) -> None:
    assert _totals(service, DECIDED) == (61, 35, 5, 101)
    service.record_initiative_status(ADMIN, "3-1", "achieved", DECIDED, "ZEH補助の公募を完了")
    assert _totals(service, DECIDED) == (62, 34, 5, 101)
    assert _totals(service, service.today()) == (62, 34, 5, 101)
    assert _totals(service, DAY_BEFORE) == (61, 35, 5, 101)
    result = service.evaluation()
    found = result.plan_statuses["3-1"]
    assert (found.status, found.since, found.reason) == ("achieved", DECIDED, "ZEH補助の公募を完了")
    # every face reads the initiative's status from the evaluation's catalog
    assert next(i for i in result.catalog.initiatives if i.id == "3-1").status == "achieved"
    # the report's own item list still agrees with the report's counts
    assert result.plan_summary.mismatches == []
    assert result.plan_summary.total.listed["in_progress"] == 35


def test_shihyo_plan_and_status_json_say_since_when(home: Path) -> None:
    _cli("init")
    said = _cli("initiatives", "status", "3-1", "達成", "--on", DECIDED.isoformat())
    assert "3-1" in said and "2026/11/02 決定" in said
    reason = ["--reason", "国の制度の終了に伴い見直した"]
    _cli("initiatives", "status", "11", "changed", "--on", "2026-10-01", *reason)

    plan = json.loads(_cli("plan", "--json"))
    counts = plan["counts"]
    assert counts["reported_on"] == "2019-03-31"
    assert counts["achieved"] == {"count": 62, "since": {"2019-03-31": 61, "2026-11-02": 1}}
    assert counts["in_progress"] == {"count": 33, "since": {"2019-03-31": 33}}
    assert counts["changed"] == {"count": 6, "since": {"2019-03-31": 5, "2026-10-01": 1}}
    assert plan["mismatches"] == []

    text = _cli("plan")
    assert "達成 62（2019年3月時点、うち1件は2026年度に更新）" in text
    assert "実施中 33（2019年3月時点）" in text
    assert "報告書後の更新: スマート神奈川の推進 2件（2026年度）" in text
    assert "61 / 35 / 5 / 101" in text  # the report's counts beside, in 80 columns

    before = json.loads(_cli("plan", "--as-of", DAY_BEFORE.isoformat(), "--json"))["counts"]
    assert (before["achieved"]["count"], before["in_progress"]["count"]) == (61, 34)
    older = _cli("plan", "--as-of", "2026-09-30")
    assert "達成 61・実施中 35・変更 5（2019年3月時点）" in older

    status = json.loads(_cli("status", "--json"))
    assert status["plan"]["achieved"]["count"] == 62
    by_id = {i["id"]: i["plan_status"] for i in status["initiatives"]}
    assert by_id["3-1"]["since"] == "2026-11-02" and by_id["3-1"]["updated"]
    assert by_id["11"]["status"] == "changed" and by_id["11"]["reason"].startswith("国の制度")
    assert by_id["1"] == {
        "status": "achieved",
        "since": "2019-03-31",
        "reason": None,
        "updated": False,
        "reported": "achieved",
        "history": [],
    }
    english = _cli("plan", "--lang", "en")
    assert "Achieved 62 (as of Mar 2019; 1 of them updated in FY2026)" in english


def test_the_report_dates_its_counts(service: Service) -> None:
    service.record_initiative_status(ADMIN, "3-1", "achieved", DECIDED)
    text = service.report(service.today(), "ja", "md").decode()
    assert "62の取組についてはその内容を達成し、34の取組については現在も実施中" in text
    assert "達成 62（2019年3月時点、うち1件は2026年度に更新）・実施中 34（2019年3月時点）" in text
    energy = text.split("#### ア エネルギーのスマート化")[1].split("####")[0]
    assert "| 4 | 1 | 0 | 5 |" in energy
    assert "（2019年3月時点、うち1件は2026年度に更新）" in energy
    before = service.report(DAY_BEFORE, "ja", "md").decode()
    assert "達成 61・実施中 35・変更 5（2019年3月時点）" in before
    english = service.report(service.today(), "en", "md").decode()
    assert "(as of Mar 2019; 1 of them updated in FY2026)" in english
    service.report(service.today(), "ja", "html")
    service.report(service.today(), "ja", "xlsx")


def test_the_reports_list_dates_a_status_decided_since(service: Service) -> None:
    """The 別紙 row of 3-1 says when its new status was decided, and a note says the other
    rows hold as of the report; before the decision, neither."""
    before = service.report(DAY_BEFORE, "ja", "md").decode()
    assert "決定）" not in before and "点検報告書の時点" not in before
    service.record_initiative_status(ADMIN, "3-1", "achieved", DECIDED)
    text = service.report(service.today(), "ja", "md").decode()
    appendix = text.split("## 4")[1] if "## 4" in text else text
    row = next(line for line in appendix.splitlines() if "| 3-1 |" in line)
    assert "① 取組内容を達成した（2026/11/02 決定）" in row
    assert appendix.count("決定）") == 1  # only the row decided since
    assert "取組の実施結果は点検報告書の時点（2019年3月）のものです。" in appendix
    english = service.report(service.today(), "en", "md").decode()
    assert "(decided 2026/11/02)" in english
    assert "The results are those of the review report (Mar 2019)" in english
    html = service.report(service.today(), "ja", "html").decode()
    assert "取組内容を達成した（2026/11/02 決定）" in html


@pytest.mark.parametrize(
    ("initiative", "status", "on", "reason", "says"),
    [
        ("99-9", "achieved", DECIDED, None, "no initiative '99-9'"),
        ("3-1", "done", DECIDED, None, "unknown status 'done'"),
        ("3-1", "achieved", dt.date(2026, 11, 21), None, "is in the future"),
        ("3-1", "changed", DECIDED, "  ", "a change (変更) needs its reason"),
        ("3-1", "変更", DECIDED, None, "a change (変更) needs its reason"),
        ("3-1", "achieved", dt.date(2019, 3, 31), None, "as of 2019-03-31"),
    ],
)
def test_refusals_say_why_and_write_nothing(
    service: Service, initiative: str, status: str, on: dt.date, reason: str | None, says: str
) -> None:
    with pytest.raises(StatusRefused) as refused:
        service.record_initiative_status(ADMIN, initiative, status, on, reason)
    assert says in refused.value.message_en and refused.value.message_ja
    assert _totals(service, service.today()) == (61, 35, 5, 101)
    assert service.audit_trail(ADMIN, entity="initiative_status").empty


def test_the_command_line_refuses_with_the_message(home: Path) -> None:
    _cli("init")
    result = runner.invoke(app, ["initiatives", "status", "3-1", "changed", "--on", "2026-11-02"])
    assert result.exit_code == 2 and "「変更」には理由を記入してください" in result.output
    result = runner.invoke(
        app, ["initiatives", "status", "3-1", "achieved", "--on", "2027-01-01", "--lang", "en"]
    )
    assert result.exit_code == 2 and "is in the future" in result.output


@pytest.mark.parametrize("actor", [OWNER, Actor("kanbu", "viewer")])
def test_owners_and_viewers_cannot_record(service: Service, actor: Actor) -> None:
    with pytest.raises(PermissionDenied):
        service.record_initiative_status(actor, "3-1", "achieved", DECIDED)
    assert _totals(service, service.today()) == (61, 35, 5, 101)


def test_the_audit_row_keeps_the_status_before_and_the_decision(service: Service) -> None:
    service.record_initiative_status(
        ADMIN, "11", "changed", dt.date(2026, 10, 1), "制度の終了", stated_by="課長"
    )
    service.record_initiative_status(ADMIN, "11", "achieved", DECIDED)
    trail = service.audit_trail(ADMIN, entity="initiative_status")
    assert len(trail) == 2 and set(trail["entity_id"]) == {"11"}
    first, second = trail.iloc[1], trail.iloc[0]  # newest first
    assert (first["actor"], first["action"], first["stated_by"]) == ("kanri", "change", "課長")
    assert json.loads(first["before"]) == {
        "status": "in_progress",
        "since": "2019-03-31",
        "reason": None,
    }
    after = json.loads(first["after"])
    assert (after["status"], after["decided_on"], after["reason"]) == (
        "changed",
        "2026-10-01",
        "制度の終了",
    )
    assert json.loads(second["before"]) == {
        "status": "changed",
        "since": "2026-10-01",
        "reason": "制度の終了",
    }
    assert service.verify_audit(ADMIN).ok


# ── the dashboard ────────────────────────────────────────────────────────────


@pytest.fixture
def dashboard(service: Service, home: Path) -> Service:
    """A fresh warehouse with the sample home's users (no figures: the plan's counts are
    the catalog's)."""
    add_users(home, USERS)
    return service


def _goals(day: dt.date | None = None) -> AppTest:
    at = signed_in("kanri")
    if day is not None:
        at.query_params["as_of"] = day.isoformat()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plan_tiles(at: AppTest) -> tuple[str, ...]:
    tiles = {m.label: m.value for m in at.metric}
    return tiles["達成"], tiles["実施中"], tiles["変更"], tiles["計"]


def test_the_goals_page_counts_from_the_day_decided(dashboard: Service) -> None:
    dashboard.record_initiative_status(ADMIN, "3-1", "achieved", DECIDED)
    at = _goals()
    assert _plan_tiles(at) == ("62", "34", "5", "101")
    shown = texts(at)
    assert "達成 62（2019年3月時点、うち1件は2026年度に更新）・実施中 34（2019年3月時点）" in shown
    plan = at.dataframe[0].value
    assert plan.iloc[-1][["達成", "実施中", "変更", "計"]].tolist() == [62, 34, 5, 101]
    assert plan.iloc[-1]["報告書後の更新"] == "1件（2026年度）"
    assert set(plan["照合"]) == {"✓ 一致"}  # the report's item list still gives its counts
    # the same counts, with the same dates, from `shihyo status --json`, `shihyo plan --json`
    # and the report: each renders the one evaluation
    status = json.loads(_cli("status", "--json"))["plan"]
    plan = json.loads(_cli("plan", "--json"))["counts"]
    assert status == plan
    assert [status[k]["count"] for k in COUNTS[:3]] == [62, 34, 5]
    report = dashboard.report(dashboard.today(), "ja", "md").decode()
    assert "101の取組のうち、62の取組についてはその内容を達成し、34の取組" in report

    before = _goals(DAY_BEFORE)
    assert _plan_tiles(before) == ("61", "35", "5", "101")
    assert "達成 61・実施中 35・変更 5（2019年3月時点）" in texts(before)
    day_before = ["--as-of", DAY_BEFORE.isoformat(), "--json"]
    assert json.loads(_cli("status", *day_before))["plan"]["in_progress"]["count"] == 35
    assert json.loads(_cli("plan", *day_before))["counts"]["in_progress"]["count"] == 35


def _initiative_page(user: str, initiative: str, **params: str) -> AppTest:
    at = signed_in(user)
    at.query_params["id"] = initiative
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("views/initiatives.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_administrator_records_a_status_on_the_initiatives_page(dashboard: Service) -> None:
    at = _initiative_page("kanri", "11")
    assert "2019年3月時点（点検報告書）" in texts(at)
    at.selectbox(key="status_new").set_value("changed")
    at.date_input(key="status_on").set_value(dt.date(2026, 10, 1))
    at.text_area(key="status_reason").set_value("")
    next(b for b in at.button if b.label == "状況を記録").click().run()
    assert [e.value for e in at.error] == ["「変更」には理由を記入してください"]
    at.text_area(key="status_reason").set_value("国の制度の終了に伴い見直した")
    next(b for b in at.button if b.label == "状況を記録").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "状況を記録しました（2026/10/01 決定）" in [s.value for s in at.success]
    shown = texts(at)
    assert "2026/10/01 決定" in shown
    assert "変更 6（2019年3月時点、うち1件は2026年度に更新）" in shown
    history = next(d.value for d in at.dataframe if "決定日" in d.value.columns)
    assert history["決定日"].tolist() == ["点検報告書（2019年3月時点）", "2026/10/01"]
    assert history["理由"].tolist()[-1] == "国の制度の終了に伴い見直した"
    assert history["記録者"].tolist()[-1] == "kanri"
    listed = next(d.value for d in at.dataframe if "状況の時点" in d.value.columns)
    assert "2026/10/01 決定" in set(listed["状況の時点"])
    english = _initiative_page("kanri", "11", lang="en")
    assert "decided 2026/10/01" in texts(english)


@pytest.mark.parametrize("user", ["yamada", "kanbu"])
def test_owners_and_viewers_read_the_status_without_a_form(dashboard: Service, user: str) -> None:
    at = _initiative_page(user, "3-1")
    assert "状況の記録は管理者が行います。" in texts(at)
    assert not [b for b in at.button if b.label == "状況を記録"]
    assert not [w for w in at.selectbox if w.key == "status_new"]
