"""The Streamlit app through AppTest: every page renders for a signed-in user against a
warehouse loaded with the sample figures, shows its key numbers, and the upload desk previews
and loads a file."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from access.users import UserStore
from indicators.catalog import load_catalog
from kernel.settings import PACKAGE_CATALOG, load_settings
from pipeline import IngestOptions, ingest_files
from service import Service
from tests.conftest import REPO, loader_for, open_warehouse, ready_service
from ui import auth
from ui.door import now  # the dashboard's own clock, as its pages read it
from ui.export import csv_bytes
from ui.template import section_template
from ui.text import md_escape
from warehouse import Warehouse, WarehouseBusy

SIGN_IN = "shihyo 指標 — サインイン"  # the sign-in page's title

APP = str(REPO / "app.py")
SCHEDULE = REPO / "data" / "sample" / "synthetic_sends.csv"
HEADER = "indicator_id,period,value,org_unit,note\n"
ONE_BAD_ROW = (
    HEADER + "wifi_access_points,2026-11,731,,\nwifi_facilities,2026-11,abc,,\n"
).encode()
_BUILT: dict[str, Path] = {}
# The users of the sample home: name → (role, sections, password).
USERS: dict[str, tuple[str, list[str], str]] = {
    "kanri": ("admin", [], "kanri-password-1"),
    "yamada": ("owner", ["joho-kikaku"], "yamada-password-1"),
    "kanbu": ("viewer", [], "kanbu-password-1"),
}


def _closed_port() -> int:
    """A loopback port nobody listens on, so that deliveries fail and wait for a resend."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _send(home: Path, name: str, text: str, **who: str) -> None:
    path = home / "sent" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + text, encoding="utf-8")
    options = IngestOptions(keep_source=True, **who)
    settings = load_settings({**os.environ, "SHIHYO_HOME": str(home)})
    ingest_files(loader_for(settings), [path], options)


def add_users(home: Path, users: dict[str, tuple[str, list[str], str]]) -> None:
    """Users in the home's users.json, each recorded in the audit trail as the CLI does."""
    settings = load_settings({**os.environ, "SHIHYO_HOME": str(home)})
    service = Service(settings)
    store = service.user_store()
    for name, (role, sections, password) in users.items():
        user = store.add(name, password, role, sections, now())  # type: ignore[arg-type]
        service.record("setup", "add", "user", name, None, user.public())


def sample_home(root: Path) -> Path:
    """A SHIHYO_HOME with the sample figures, org units, a revision, a rejected row, alerts,
    an undelivered message and the USERS; built once per session, then copied."""
    if "home" not in _BUILT:
        home = root / "sample-home"
        settings = load_settings({**os.environ, "SHIHYO_HOME": str(home)})
        service = ready_service(settings)
        service.load_samples(SCHEDULE)  # month by month, as the sections sent them
        units = "".join(
            f"tablets_deployed,FY{year},{value},{unit},\n"
            for year, base in ((2024, 700), (2025, 760))
            for unit, value in (
                ("総務局", base),
                ("福祉子どもみらい局", base - 150),
                ("環境農政局", 400),
            )
        )
        who = {"uploaded_by": "情報企画課 山田", "section": "joho-kikaku"}
        _send(home, "tablets_by_bureau.csv", units, **who)
        _send(home, "wifi_fix.csv", "wifi_access_points,2026-10,722,,訂正\n", **who)
        _send(home, "wifi_typo.csv", "wifi_facilities,2026-10,60X,,\n", **who)
        config = {"default": [f"json://127.0.0.1:{_closed_port()}/"]}
        settings.alert_config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        service.evaluate()
        add_users(home, USERS)
        _BUILT["home"] = home
    return _BUILT["home"]


@pytest.fixture(scope="session")
def template_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_home(tmp_path_factory.mktemp("app"))


@pytest.fixture
def app_home(template_home: Path, home: Path) -> Iterator[Path]:
    """A private copy of the sample home as SHIHYO_HOME (the `home` fixture sets the path)."""
    shutil.copytree(template_home, home)
    yield home


def signed_in(user: str | None = "kanri") -> AppTest:
    """The app, not yet run, with `user` signed in as the sign-in form leaves the session."""
    at = AppTest.from_file(APP, default_timeout=60)
    if user is not None:
        found = UserStore(load_settings().home / "users.json").get(user)
        assert found is not None, f"no user {user!r}"
        at.session_state[auth.ACTOR] = found.actor()
        at.session_state[auth.LAST_SEEN] = now()
    return at


def run_page(page: str, user: str | None = "kanri", **params: str) -> AppTest:
    """The app run once as `user`, then switched to `page` with query parameters, and run."""
    at = signed_in(user)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "views/goals.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """Every text element, markdown, caption and metric label on the page, joined."""
    parts = [
        e.value for kind in ("markdown", "caption", "title", "subheader") for e in at.get(kind)
    ]
    parts += [m.label for m in at.metric]
    return "\n".join(str(p) for p in parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def test_goals_show_the_plan_table_statuses_and_coverage(app_home: Path) -> None:
    at = run_page("views/goals.py")
    assert at.title[0].value == "目標ダッシュボード"
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["達成"], tiles["実施中"], tiles["変更"], tiles["計"]) == ("61", "35", "5", "101")
    plan = frames(at)[0]
    assert plan.iloc[-1][["達成", "実施中", "変更", "計"]].tolist() == [61, 35, 5, 101]
    assert set(plan["照合"]) == {"✓ 一致"}
    urgent = next(f for f in frames(at) if "状況" in f.columns)
    assert urgent["状況"].iloc[0] == "✕ 未達成"  # missed first
    assert urgent["詳細"].iloc[0] == "indicator?id=wifi_access_points"
    # missed at its deadline (2023), reached since: 722 of 700 grades A 達成
    assert urgent["評価"].iloc[0] == "A 達成"
    assert "A 達成 0・B 前進 6・C 横ばい 0・D 後退 1・評価なし 2" in texts(at)
    assert "13 / 101" in [m.value for m in at.metric]


def test_goals_filter_by_owner_and_read_in_english(app_home: Path) -> None:
    at = run_page("views/goals.py", lang="en")
    assert at.title[0].value == "Goals"
    at.selectbox(key="goals_owner_en").set_value("zeimu-shido").run()
    urgent = next(f for f in frames(at) if "Status" in f.columns)
    assert set(urgent["Owner"]) == {"Tax Guidance Division"}
    assert urgent["Open"].iloc[0].endswith("&lang=en")


def test_goals_replay_an_earlier_day(app_home: Path) -> None:
    at = run_page("views/goals.py", as_of="2020-03-31")
    assert "基準日: 2020-03-31" in texts(at)


def test_an_indicator_page_opens_by_query_parameter(app_home: Path) -> None:
    at = run_page("views/indicator.py", id="tablets_deployed")
    assert at.title[0].value == "共通利用タブレット型端末の台数"
    shown = frames(at)
    assert any("組織" in f.columns and "総務局" in set(f["組織"]) for f in shown)
    grade = next(f for f in shown if "評価" in f.columns)
    assert grade["評価"].tolist() == ["評価なし（目標なし）"]
    assert grade["策定時"].tolist() == ["約2,200台（2019年3月）"]
    revisions = run_page("views/indicator.py", id="wifi_access_points")
    history = next(f for f in frames(revisions) if "置換日時" in f.columns)
    fixed = history[(history["期間"] == "2026年10月")]
    assert fixed["値 (台)"].tolist() == [720.0, 722.0]  # the unit in the header
    assert set(fixed["送信者"]) == {"受信フォルダ（情報企画課）", "情報企画課 山田（情報企画課）"}
    assert revisions.get("download_button")
    grades = next(f for f in frames(revisions) if "評価" in f.columns)
    assert grades["評価"].tolist() == ["A 達成", "B 前進"]  # 700 reached; 131 of 309 to 900
    assert set(grades["現状値"]) == {"722台（2026年10月）"}
    assert grades["進捗率"].tolist() == ["120.2%", "42.4%"]


def test_initiatives_show_101_search_and_filter_those_without_an_indicator(
    app_home: Path,
) -> None:
    at = run_page("views/initiatives.py")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["取組数"] == "101"
    assert int(tiles["指標あり"]) + int(tiles["指標なし"]) == 101
    listed = pd.concat([f for f in frames(at) if "取組" in f.columns])
    assert len(listed) == 101
    # a row naming only its system, "(会計管理システム)", is read under its group's text
    assert not listed["取組"].str.fullmatch(r"\([^)]*\)").any()
    at.toggle(key="only_without").set_value(True).run()
    assert not at.exception
    without = pd.concat([f for f in frames(at) if "取組" in f.columns])
    assert len(without) == int(tiles["指標なし"]) and (without["指標"] == "").all()
    at.toggle(key="only_without").set_value(False).run()
    at.text_input(key="query").set_value("電子納税").run()
    found = pd.concat([f for f in frames(at) if "取組" in f.columns])
    assert 0 < len(found) < 101
    assert found["指標"].str.contains("電子納税件数").any()


def test_upload_previews_a_bad_row_with_its_reason_then_loads(app_home: Path) -> None:
    at = run_page("views/upload.py", user="yamada")
    assert md_escape("送信者: yamada") in texts(at)  # the signed-in user sends; no name to type
    at.file_uploader(key="upload_file").set_value(("november.csv", ONE_BAD_ROW, "text/csv"))
    at.run()
    assert not at.exception
    rejected = next(f for f in frames(at) if "理由" in f.columns)
    assert rejected["値"].tolist() == ["abc"]
    assert "数値" in rejected["理由"].iloc[0]
    at.button(key="commit").click().run()
    assert not at.exception
    tiles = {m.label: m.value for m in at.metric}
    assert (tiles["新規"], tiles["受け付けない行"]) == ("1", "1")
    loads = open_warehouse(load_settings()).loads()
    assert (loads.iloc[0]["uploaded_by"], loads.iloc[0]["section"]) == ("yamada", "joho-kikaku")
    # the next step: a link to each indicator the file brought figures for
    links = [link.label for link in at.get("page_link")]
    assert links == [md_escape("県有施設の公衆無線LANアクセスポイント設置台数")], links

    # The same file again, in a new session: said in the preview, with when and from whom.
    again = run_page("views/upload.py", user="yamada")
    again.file_uploader(key="upload_file").set_value(("copy.csv", ONE_BAD_ROW, "text/csv"))
    again.run()
    warned = " ".join(w.value for w in again.warning)
    assert "読込済み" in warned and "yamada" in warned and md_escape("november.csv") in warned
    assert again.button(key="commit").disabled


def test_alerts_show_open_alerts_the_outbox_and_resend(app_home: Path) -> None:
    at = run_page("views/alerts.py")
    assert "未解決のアラート" in texts(at)
    outbox = next(f for f in frames(at) if "経路" in f.columns)
    assert outbox["経路"].str.startswith("json://127.0.0.1").all()
    assert set(outbox["状態"]) == {"送信待ち"}
    at.button(key="resend").click().run()
    assert not at.exception
    assert any("失敗 1 件" in w.value for w in at.warning)


def test_loads_show_records_quarantine_and_kept_files(app_home: Path) -> None:
    at = run_page("views/loads.py")
    records = frames(at)[0]
    assert "wifi_typo.csv" in set(records["ファイル"])
    at.selectbox(key="load_id_ja").set_value(
        int(open_warehouse(load_settings()).loads().iloc[0]["id"])
    )
    at.run()
    quarantined = next(f for f in frames(at) if "理由" in f.columns)
    assert quarantined["値"].tolist() == ["60X"]
    assert len(at.get("download_button")) == 2  # the raw file and the errors file


def test_a_missing_warehouse_says_how_to_create_it(home: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert "make run" in at.info[0].value


def test_a_busy_warehouse_asks_to_reload(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def busy(_self: Warehouse) -> tuple:
        raise WarehouseBusy("held by a load")

    monkeypatch.setattr(Warehouse, "data_version", busy)
    at = signed_in().run()
    assert not at.exception
    assert at.warning[0].value == "更新中です、数秒後に再読み込みしてください"


def test_an_indicator_of_many_org_units_is_paged_and_charts_its_largest(
    app_home: Path,
) -> None:
    units = "".join(f"tablets_deployed,FY2025,{n % 97},課{n:04d},\n" for n in range(1, 1201))
    _send(app_home, "many_units.csv", units, uploaded_by="山田", section="joho-kikaku")
    # Counted by the warehouse's plain reading of every figure in force, not by the page's.
    every = open_warehouse(load_settings()).figures("tablets_deployed")
    total = len(every)
    latest = every[every["period"] == every["period"].max()]
    units_now = int((latest["org_unit"] != "").sum())
    assert units_now >= 1200
    at = run_page("views/indicator.py", id="tablets_deployed")
    table = next(f for f in frames(at) if "記録日時" in f.columns and "置換日時" not in f.columns)
    assert len(table) == 500  # one page reaches the browser, not every figure
    assert f"1–500 件目を表示（全 {total:,} 件）" in texts(at)
    assert f"最新期の値が大きい上位 30 件を表示（全 {units_now:,} 件）" in texts(at)
    pages = -(-total // 500)
    at.number_input(key="figures_tablets_deployed").set_value(pages).run()
    last = next(f for f in frames(at) if "記録日時" in f.columns and "置換日時" not in f.columns)
    first = (pages - 1) * 500 + 1
    assert len(last) == total - first + 1
    assert f"{first:,}–{total:,} 件目を表示（全 {total:,} 件）" in texts(at)
    oldest = every["period"].min()
    assert last["期間"].iloc[-1] == f"{oldest.year}年度"  # newest first: the oldest last


def test_downloads_cannot_run_as_formulas() -> None:
    frame = pd.DataFrame({"note": ["=HYPERLINK(1)", "-5", "ok"], "value": [1.0, 2.0, 3.0]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "\n-5," in text


def test_the_template_lists_a_sections_indicators_for_excel() -> None:
    catalog = load_catalog(PACKAGE_CATALOG)
    data = section_template(catalog, "zeimu-shido", dt.date(2026, 11, 29))
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    header = lines.index("indicator_id,period,value,org_unit,note,comment")
    assert "# etax_payments: 電子納税件数（単位: 件）" in lines[:header]
    assert any("comment" in line and "状況・要因" in line for line in lines[:header])
    assert lines[header + 1] == "etax_payments,2026-10,,,,"


def test_markdown_escaping_keeps_text_literal() -> None:
    assert md_escape("**x** [a](b) :red[y]") == r"\*\*x\*\* \[a\]\(b\) \:red\[y\]"


def _keep_loading(home: str, count: int) -> None:
    """A scheduled ingestion in another process: one file after another, each its own load."""
    import os

    os.environ["SHIHYO_HOME"] = home
    for n in range(count):
        path = Path(home) / "inbox" / f"month-{n}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = "".join(f"wifi_access_points,2026-10,{700 + n},区{u},\n" for u in range(200))
        path.write_text(HEADER + rows, encoding="utf-8")
        ingest_files(loader_for(load_settings()), [path], IngestOptions(keep_source=True))


def test_pages_keep_working_while_a_scheduled_load_writes(app_home: Path) -> None:
    import multiprocessing

    writer = multiprocessing.get_context("spawn").Process(
        target=_keep_loading, args=(str(app_home), 15)
    )
    writer.start()
    seen = 0
    try:
        while writer.is_alive() or seen < 3:
            for page in ("views/goals.py", "views/loads.py", "views/indicator.py"):
                at = run_page(page, id="wifi_access_points")  # asserts no exception
                assert "更新中" not in texts(at)  # readers waited their turn, no busy page
            seen += 1
            if seen > 40:
                break
    finally:
        writer.join(120)
    assert writer.exitcode == 0
    loads = open_warehouse(load_settings()).loads()
    assert (loads["file_name"].str.startswith("month-")).sum() == 15
    assert set(loads.loc[loads["file_name"].str.startswith("month-"), "rows_accepted"]) == {200}


def test_goals_offer_the_review_report_draft(app_home: Path) -> None:
    at = run_page("views/goals.py")
    # the PDF for the briefing book unless another format is chosen
    assert at.radio(key="report_format").value == "pdf"
    at.button(key="report_prepare").click().run()
    assert not at.exception
    assert "点検報告書（草案）" in [h.value for h in at.header]
    downloads = at.get("download_button")
    assert downloads, "the download button appears once the draft is prepared"


def test_an_administrator_edits_the_report_draft_on_the_goals_page(app_home: Path) -> None:
    at = run_page("views/goals.py")
    block = "area|p1-08|results"  # ク 公衆無線LANアクセスポイントの設置: 成果
    at.selectbox(key="report_edit_block_ja").set_value(block).run()
    day = now().date()
    box = at.text_area(key=f"report_edit_body|{day}|ja|{block}|None")
    assert "591 → " in box.value  # the draft: the baseline → the latest figure
    box.input("公募により設置台数は計画を上回った").run()
    at.button(key="report_edit_save").click().run()
    assert not at.exception
    assert "保存しました（第1版）" in [s.value for s in at.success]
    drafted = Service(load_settings()).report(day, "ja", "md").decode("utf-8")
    assert "公募により設置台数は計画を上回った〔記入〕" in drafted
    viewer = run_page("views/goals.py", user="kanbu")
    assert not viewer.get("text_area") and "文案の編集は管理者が行います" in texts(viewer)


def test_sign_in_through_the_form_keeps_the_deep_link(app_home: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["id"] = "tablets_deployed"
    at.run()
    at.switch_page("views/indicator.py").run()  # as /indicator?id=… arrives from a link
    assert at.title[0].value == SIGN_IN
    assert not at.dataframe  # nothing of the data before signing in
    at.text_input(key="sign_in_name").input("yamada")
    at.text_input(key="sign_in_password").input(USERS["yamada"][2])
    at.button(key="sign_in_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "共通利用タブレット型端末の台数"
    assert md_escape("担当課（情報企画課）") in texts(at)  # the sidebar: role and section
    at.button(key="sign_out").click().run()
    assert at.title[0].value == SIGN_IN
    assert "サインアウトしました。" in [i.value for i in at.info]


def test_a_note_with_markup_shows_as_text(app_home: Path) -> None:
    note = "<script>alert(1)</script>"
    _send(app_home, "note.csv", f"wifi_access_points,2026-11,731,,{note}\n", section="joho-kikaku")
    at = run_page("views/indicator.py", id="wifi_access_points")
    shown = next(f for f in frames(at) if "備考" in f.columns)
    assert note in set(shown["備考"])  # the very text, in a table cell
    assert not at.get("html")  # no element takes markup from the data
    assert not any("<script" in str(e.value) for e in at.markdown)
