"""The review report (点検報告書) drafted from a real warehouse on disk: its sections, the
plan's numbers in each format, the as-of replay, escaping and formula neutralisation."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

import report
from indicators.catalog import Catalog
from kernel.settings import Settings
from kernel.vocabulary import Lang
from pipeline import IngestOptions, ingest_files
from report.charts import svg_sparkline, text_sparkline
from report.words import fiscal_span
from service import Service
from tests.clock import today
from tests.conftest import loader_for, open_warehouse, ready_service

# The results depend on what day it is: run again under a shifted machine clock.
pytestmark = pytest.mark.clock

TODAY = today()
YESTERDAY = TODAY - dt.timedelta(days=1)
# The month before this one: a period whose figure is known once it has been recorded.
LAST_MONTH = (TODAY.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
SCRIPT = "<script>alert('x')</script>"
FORMULA = "=1+2"
TOTALS = [
    ("スマート神奈川の推進", 33, 23, 5, 61),
    ("行政サービスのICT化の拡充", 16, 5, 0, 21),
    ("スマート県庁の実現", 12, 7, 0, 19),
    ("計", 61, 35, 5, 101),
]
SECTIONS_JA = [
    "1 趣旨・考え方",
    "2 取組項目ごとの点検結果",
    "3 全体総括",
    "【別紙】行動計画の取組実施結果一覧",
]
SECTIONS_EN = ["1 Purpose and approach", "2 Results by area", "3 Overall review", "Appendix"]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> Service:
    """A warehouse with two figures (and their senders' notes) loaded today, evaluated today."""
    home = tmp_path_factory.mktemp("report-home")
    settings = Settings(
        home=home, inbox_settle=0.0, lock_timeout=10.0, now=os.environ["SHIHYO_NOW"]
    )
    service = ready_service(settings)
    upload = home / "figures.csv"
    upload.write_text(
        "indicator_id,period,value,org_unit,note\n"
        f'wifi_access_points,{LAST_MONTH},8765,,"{SCRIPT}"\n'
        f"wifi_facilities,{LAST_MONTH},604,,{FORMULA}\n",
        encoding="utf-8",
    )
    loaded = ingest_files(loader_for(settings), [upload], IngestOptions(keep_source=True))
    assert loaded.rows_accepted == 2
    service.evaluate(TODAY)
    return service


@pytest.fixture(scope="module")
def drafts(service: Service) -> dict[tuple[dt.date, str, str], bytes]:
    """Each report asked for once: (as_of, lang, fmt) -> bytes."""
    cache: dict[tuple[dt.date, str, str], bytes] = {}
    for day, lang, fmt in [
        (TODAY, "ja", "md"),
        (TODAY, "ja", "html"),
        (TODAY, "ja", "xlsx"),
        (TODAY, "en", "md"),
        (TODAY, "en", "html"),
        (TODAY, "en", "xlsx"),
        (YESTERDAY, "ja", "md"),
    ]:
        cache[day, lang, fmt] = service.report(day, lang, fmt)
    return cache


class _Tables(HTMLParser):
    """The text of each table's rows, by the table's id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._current = self.tables.setdefault(dict(attrs).get("id") or "", [])
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._current:
            self._current[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _positions(text: str, headings: list[str], marker: str) -> list[int]:
    return [text.index(f"{marker}{h}") for h in headings]


def test_markdown_has_the_four_sections_in_order_and_the_plan_totals(drafts) -> None:
    text = drafts[TODAY, "ja", "md"].decode("utf-8")
    starts = _positions(text, SECTIONS_JA, "\n## ")
    assert starts == sorted(starts)
    for name, *numbers in TOTALS:
        assert f"| {name} | {' | '.join(map(str, numbers))} |" in text
    assert "（平成26年度～30年度）" in text
    assert "#### ア エネルギーのスマート化" in text and "### (3) スマート県庁の実現" in text
    assert "| 取組内容を達成 | 取組を実施中 | 取組内容を変更 | 計 |" in text
    assert "③ 取組内容を変更した" in text and "(理由) 共通利用タブレットに代わるツール" in text
    assert "説明用の仮の値" in text  # the illustrative targets are said not to be the prefecture's
    assert "101の取組のうち、指標が設定されている取組は13" in text
    # the agreement names the reconstructed row it rests on
    assert (
        "取組一覧の集計は報告書の数値と一致しています（ただし、復元した1件の取組を含めた場合です）。"
        in text
    )
    assert "（復元）" in text
    assert (
        "| 28 | 県有施設への公衆無線LANアクセスポイントの設置 | ② 取組内容を実施中である |" in text
    )


def test_html_is_one_self_contained_file_with_the_numbers_in_its_cells(drafts) -> None:
    page = drafts[TODAY, "ja", "html"].decode("utf-8")
    parser = _Tables()
    parser.feed(page)
    rows = parser.tables["status-table"]
    for name, *numbers in TOTALS:
        assert [name, *map(str, numbers)] in rows
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "url(" not in page and "@import" not in page and "<link" not in page
    assert "<svg" in page and "<polyline" in page
    assert "@page { size: A4; margin: 15mm; }" in page
    assert '"Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif' in page
    starts = _positions(page, SECTIONS_JA, "<h2>")
    assert starts == sorted(starts)
    appendix = parser.tables["appendix"]
    assert sum(row[-1].startswith(("①", "②", "③")) for row in appendix) == 101


def test_figure_notes_are_escaped_in_html_and_markdown(drafts) -> None:
    page = drafts[TODAY, "ja", "html"].decode("utf-8")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    text = drafts[TODAY, "ja", "md"].decode("utf-8")
    assert "<script" not in text and "&lt;script&gt;" in text


def test_xlsx_has_a_sheet_per_section_with_typed_cells_and_no_formulas(drafts) -> None:
    book = openpyxl.load_workbook(io.BytesIO(drafts[TODAY, "ja", "xlsx"]))
    assert book.sheetnames == [
        "1 趣旨・考え方",
        "2 取組項目ごとの点検結果",
        "3 全体総括",
        "別紙 取組実施結果一覧",
    ]
    intro = book["1 趣旨・考え方"]
    as_of = next(row[1] for row in intro.iter_rows(values_only=True) if row[0] == "基準日")
    assert isinstance(as_of, dt.datetime) and as_of.date() == TODAY
    summary = [row[:5] for row in book["3 全体総括"].iter_rows(values_only=True)]
    for row in TOTALS:
        assert row in summary  # the counts are numbers, not text
    assert book["3 全体総括"]["A4"].font.bold  # the status table's header row
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + FORMULA in [c.value for c in cells]
    assert book["別紙 取組実施結果一覧"].column_dimensions["F"].width >= 40
    results = book["2 取組項目ごとの点検結果"]
    dues = [c.value for row in results.iter_rows() for c in row if c.number_format == "yyyy-mm-dd"]
    assert dt.datetime(2028, 3, 31) in dues  # a target's due date, as a date


def test_english_translates_headings_and_keeps_the_japanese_names(drafts) -> None:
    text = drafts[TODAY, "en", "md"].decode("utf-8")
    starts = _positions(text, SECTIONS_EN, "\n## ")
    assert starts == sorted(starts)
    assert "| スマート神奈川の推進 (Smart Kanagawa) | 33 | 23 | 5 | 61 |" in text
    assert "| Total | 61 | 35 | 5 | 101 |" in text
    assert "(FY2014–FY2018)" in text and "illustrative" in text
    page = drafts[TODAY, "en", "html"].decode("utf-8")
    assert '<html lang="en">' in page and "<h2>3 Overall review</h2>" in page
    book = openpyxl.load_workbook(io.BytesIO(drafts[TODAY, "en", "xlsx"]))
    assert book.sheetnames[2] == "3 Overall review"


def test_a_figure_recorded_after_the_as_of_day_is_not_in_the_report(
    service: Service, drafts
) -> None:
    warehouse = open_warehouse(service.settings)
    before = report.build(service.evaluation(YESTERDAY), warehouse, "ja")
    wifi = next(i for i in before.indicators if i.id == "wifi_access_points")
    assert wifi.latest is None and wifi.series == [] and wifi.notes == []
    # the evaluation that opened the alerts ran today: none was recorded yesterday
    assert before.summary.alerts_recorded.startswith("基準日までに記録されたアラートは 0 件")
    assert "8,765" not in drafts[YESTERDAY, "ja", "md"].decode("utf-8")

    after = report.build(service.evaluation(TODAY), warehouse, "ja")
    wifi = next(i for i in after.indicators if i.id == "wifi_access_points")
    assert wifi.latest == 8765 and wifi.notes == [SCRIPT]
    assert "8,765" in drafts[TODAY, "ja", "md"].decode("utf-8")
    assert not after.summary.alerts_recorded.startswith("基準日までに記録されたアラートは 0 件")
    # what needs action is the evaluation's own: the figures late for their periods
    assert {a.status for a in after.summary.attention} <= {"late", "missed", "off_track"}


def test_catalog_text_is_escaped_and_mismatches_are_listed(
    catalog_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = catalog_dir / "initiatives.yaml"
    original = "住宅のエネルギー需給を制御するHEMS等の導入を進めるため、導入費を補助(初期需要創出)"
    items.write_text(
        items.read_text(encoding="utf-8").replace(original, "<script>alert(1)</script>"),
        encoding="utf-8",
    )
    plan = catalog_dir / "plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace(
            "reported: {achieved: 3, in_progress: 2, changed: 0}",
            "reported: {achieved: 4, in_progress: 2, changed: 0}",
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("SHIHYO_CATALOG", str(catalog_dir))
    monkeypatch.setenv("SHIHYO_HOME", str(tmp_path / "copy"))
    store = ready_service()
    data = report.build(store.evaluation(TODAY), open_warehouse(store.settings), "ja")
    page = report.render(data, "html").decode("utf-8")
    assert "<script" not in page.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = report.render(data, "md").decode("utf-8")
    assert "<script" not in text
    assert "| 取組項目 | エネルギーのスマート化 | 取組内容を達成 | 3 | 4 |" in text
    assert "一致しています" not in text


def test_formats_and_file_names(service: Service) -> None:
    with pytest.raises(ValueError, match="pdf"):
        service.report(TODAY, "ja", "pdf")
    assert report.file_name(dt.date(2026, 3, 31), "html") == "shihyo-report-2026-03-31.html"
    assert report.file_name(dt.date(2026, 3, 31), "xlsx", "en").endswith("-en.xlsx")
    assert set(report.MEDIA_TYPES) == set(report.FORMATS)


def test_sparklines_and_fiscal_years() -> None:
    series = [(dt.date(2026, m, 1), v) for m, v in ((1, 1.0), (2, 3.0), (3, 2.0))]
    svg = svg_sparkline(series, "A & <B>")
    assert svg.startswith("<svg") and "A &amp; &lt;B&gt;" in svg and "<B>" not in svg
    assert text_sparkline(series) == "▁█▅" and svg_sparkline([], "x") == ""
    assert fiscal_span(2014, 2018, "ja") == "平成26年度～30年度"
    assert fiscal_span(2018, 2022, "ja") == "平成30年度～令和4年度"
    assert fiscal_span(2019, 2023, "en") == "FY2019–FY2023"


def test_alerts_are_shown_in_the_state_they_had_on_the_day(catalog: Catalog) -> None:
    import pandas as pd

    from report.summary import alert_rows

    at = dt.datetime(2026, 5, 10, 7, 0)
    frame = pd.DataFrame(
        [
            (1, "late", "joho-kikaku", "wifi_access_points", None, at, at + dt.timedelta(days=1)),
            (2, "off_track", "joho-kikaku", "system_count", None, at, None),
            (3, "no_indicator", "joho-kikaku", None, "1", at + dt.timedelta(days=5), None),
        ],
        columns=[
            "id",
            "rule",
            "recipient",
            "indicator_id",
            "initiative_id",
            "opened_at",
            "resolved_at",
        ],
    ).assign(summary="要約", summary_en="summary")
    on_the_day = alert_rows(catalog, frame, at.date(), Lang.ja)
    assert [(a.id, a.state) for a in on_the_day] == [(1, "open"), (2, "open")]
    assert on_the_day[0].summary == "要約" and on_the_day[0].rule_label == "報告遅延"
    later = alert_rows(catalog, frame, at.date() + dt.timedelta(days=5), Lang.en)
    assert [(a.id, a.state) for a in later] == [(1, "resolved"), (2, "open"), (3, "open")]
    assert later[0].recipient == "情報企画課 (Information Planning Division)"
    assert later[0].summary == "summary" and later[1].state_label == "Open"
