"""The review report drafted from the data and the owners' words: each area's 成果 names the
baseline → latest figure and the owner's commentary, 課題・今後の予定等 the open actions;
3(2) 成果 gives the figures the prefecture's report cites; an officer's edit is stored per
edition, versioned and audited, and replaces the draft in every format, marked as written by
a person; the report of 2019-03-31 prints the baselines instead of "no data"."""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re

import pytest
from pypdf import PdfReader

from access.roles import Actor, PermissionDenied
from kernel.settings import Settings, load_settings
from kernel.vocabulary import Lang, word
from report.drafting import RESULTS_KEY, area_key
from service import Service, WordsRefused
from tests.clock import today
from tests.conftest import ready_service

pytestmark = pytest.mark.clock

TODAY = today()
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
OWNER = Actor("yamada", "owner", ("joho-kikaku",))
ADMIN = Actor("kanri", "admin")
VIEWER = Actor("kanbu", "viewer")
WIFI_AREA = "p1-08"  # ク 公衆無線LANアクセスポイントの設置
COMMENT = "県立図書館など3施設で設置工事が完了した"
ACTION = "設置の申込を市町村に改めて呼びかける"
HEADER = "indicator_id,period,value,org_unit,note,comment\n"
PLAN_START = dt.date(2019, 3, 31)  # the prefecture's report: 平成31年3月


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Service:
    """A warehouse with last month's Wi-Fi figure and its owner's comment, and an open
    improvement action on it."""
    home = tmp_path_factory.mktemp("draft-home")
    settings: Settings = load_settings(
        {**os.environ, "SHIHYO_HOME": str(home), "SHIHYO_INBOX_SETTLE": "0"}
    )
    service = ready_service(settings)
    rows = f"wifi_access_points,{LAST_MONTH:%Y-%m},720,,,{COMMENT}\n"
    sent = service.upload((HEADER + rows).encode(), "wifi.csv", OWNER, section="joho-kikaku")
    assert all(f.rows_rejected == 0 for f in sent.files)
    due = TODAY + dt.timedelta(days=30)
    service.record_action(OWNER, "wifi_access_points", "申込が少ない", ACTION, "山田", due)
    return service


def _area(text: str, mark: str) -> str:
    """One area's part of the Markdown report, from its heading to the next."""
    return text.split(f"#### {mark}")[1].split("\n#### ")[0]


def _block(area: str, heading: str) -> str:
    return area.split(f"**{heading}**")[1].split("\n**")[0]


def test_an_area_is_drafted_from_the_figures_the_comment_and_the_open_action(
    service: Service,
) -> None:
    text = service.report(TODAY, "ja", "md").decode("utf-8")
    area = _area(text, "ク 公衆無線LANアクセスポイントの設置")
    main = _block(area, word("area_main", Lang.ja, "report"))
    results = _block(area, word("area_results", Lang.ja, "report"))
    issues = _block(area, word("area_issues", Lang.ja, "report"))
    assert "28 県有施設への公衆無線LANアクセスポイントの設置" in main
    # the baseline of the prefecture's report → the latest figure, and the owner's words
    assert "591 → 720台" in results and COMMENT in results and "情報企画課" in results
    assert ACTION in issues and "山田" in issues
    # every drafted paragraph says so; none is said to be a person's
    drafted, written = (word(k, Lang.ja, "report") for k in ("drafted_mark", "written_mark"))
    assert results.count(drafted) == results.count("\n- ") and written not in area
    english = service.report(TODAY, "en", "md").decode("utf-8")
    assert "591 → 720 units" in english and COMMENT in english


def test_an_action_shows_only_in_the_areas_of_its_indicator(service: Service) -> None:
    data = service.report_data(TODAY, "ja")
    area = next(a for p in data.policies for a in p.areas if a.id == "p2-01")  # 行政手続
    issues = next(b for b in area.blocks if b.key == area_key("p2-01", "issues"))
    assert ACTION not in issues.text  # the action is on another area's indicator
    # its indicator has no figure since the plan's end: late, and no action recorded
    asked = word("draft_unactioned", Lang.ja, "report", indicator="電子納税件数", status="報告遅延")
    assert asked in issues.text


def test_3_2_gives_the_figures_the_summary_cites_with_their_sources(service: Service) -> None:
    data = service.report_data(TODAY, "ja")
    cited = {(c.indicator_id, c.cited) for c in data.summary.cited}
    assert {
        ("wifi_access_points", "591台"),
        ("wifi_facilities", "513施設"),
        ("etax_payments", "約560,000件"),
        ("mebyo_registrations", "約1,200,000人"),
        ("opendata_private_services", "5件"),
        ("system_running_cost", "約72億円"),
        ("system_running_cost", "約60億円"),
        ("system_count", "162システム"),
        ("system_count", "110システム"),
        ("phone_line_savings", "約1億円"),
    } <= cited
    assert all("3(2)" in c.source for c in data.summary.cited)
    assert data.summary.results is not None
    assert any("591台" in p.text and "720台" in p.text for p in data.summary.results.paragraphs)
    text = service.report(TODAY, "ja", "md").decode("utf-8")
    assert f"### {word('s3_results', Lang.ja, 'report')}" in text


def _pdf_text(body: bytes) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def test_an_edit_is_stored_per_edition_versioned_audited_and_marked(service: Service) -> None:
    key = area_key(WIFI_AREA, "results")
    for stranger in (OWNER, VIEWER):
        with pytest.raises(PermissionDenied):
            service.edit_report(stranger, TODAY, "ja", key, "勝手な文")
    with pytest.raises(WordsRefused):
        service.edit_report(ADMIN, TODAY, "ja", "area|nowhere|results", "文")
    draft = next(b for b in service.report_data(TODAY, "ja").blocks if b.key == key)
    first = draft.paragraphs[0].text  # the officer keeps the first drafted paragraph
    mine = "公募により設置台数は計画を上回るペースで増加した"
    assert service.edit_report(ADMIN, TODAY, "ja", key, f"{first}\n別の書き方") == 1
    assert service.edit_report(ADMIN, TODAY, "ja", key, f"・{first}\n\n・{mine}") == 2
    assert service.edit_report(ADMIN, TODAY, "ja", key, f"{first}\n{mine}") is None  # same

    history = service.report_edit_history(TODAY, "ja")
    assert history["revision"].tolist() == [2, 1] and history["superseded_at"].notna().tolist() == [
        False,
        True,
    ]
    trail = service.audit_trail(ADMIN, entity="report_edit")
    assert len(trail) == 2 and set(trail["actor"]) == {"kanri"}

    written, drafted = (word(k, Lang.ja, "report") for k in ("written_mark", "drafted_mark"))
    md = _block(_area(service.report(TODAY, "ja", "md").decode(), "ク"), "成果")
    assert f"- {mine}{written}" in md and f"{first}{drafted}" in md
    assert COMMENT not in md  # the officer's text replaced the drafted paragraphs
    page = service.report(TODAY, "ja", "html").decode("utf-8")
    assert re.search(rf'<li class="person">{re.escape(html.escape(mine))}<span class="mark">', page)
    assert "kanri" in page  # who edited it, under the block
    pdf = _pdf_text(service.report(TODAY, "ja", "pdf"))
    assert mine in pdf and written in pdf
    # the English edition and another day's are other editions: still the draft
    assert mine not in service.report(TODAY, "en", "md").decode()
    assert mine not in service.report(TODAY - dt.timedelta(days=1), "ja", "md").decode()
    # withdrawn, and the draft shows again
    assert service.edit_report(ADMIN, TODAY, "ja", key, "") == 3
    assert COMMENT in service.report(TODAY, "ja", "md").decode()


def test_saving_the_draft_unchanged_is_no_edit(service: Service) -> None:
    block = next(b for b in service.report_data(TODAY, "ja").blocks if b.key == RESULTS_KEY)
    assert service.edit_report(ADMIN, TODAY, "ja", RESULTS_KEY, block.draft) is None
    assert not next(
        b for b in service.report_data(TODAY, "ja").blocks if b.key == RESULTS_KEY
    ).edited


def test_the_report_as_of_the_plans_end_prints_the_baselines(service: Service) -> None:
    text = service.report(PLAN_START, "ja", "md").decode("utf-8")
    assert word("no_data", Lang.ja) not in text  # データなし: every indicator has a baseline
    area = _area(text, "ク")
    assert "基準値591台（2019年3月）" in _block(area, "成果")
    assert "基準値 591台（2019年3月）" in area  # under the indicator's name
    for figure in ("591台", "513施設", "約560,000件", "約1,200,000人", "約72億円", "162システム"):
        assert figure in text
    page = service.report(PLAN_START, "ja", "html").decode("utf-8")
    assert word("no_data", Lang.ja) not in page and "591台" in page
