"""The review report (点検報告書) drafted from a real warehouse on disk: its sections, the
plan's numbers in each format, the as-of replay, escaping and formula neutralisation, the
PDF read back page by page, print set-up of the workbook, one language per report."""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

import report
from indicators.catalog import Catalog
from kernel.settings import Settings
from kernel.vocabulary import Lang
from kernel.vocabulary import catalog as vocabulary
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
SECTIONS_EN = [
    "1 Purpose and approach",
    "2 Results by area",
    "3 Overall review",
    "Appendix: Results of the plan's initiatives",
]


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
        (TODAY, "ja", "pdf"),
        (TODAY, "en", "pdf"),
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
    assert "size: A4; margin: 15mm;" in page and "counter(page)" in page
    assert '"Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", sans-serif' in page
    starts = _positions(page, SECTIONS_JA, "<h2>")
    assert starts == sorted(starts)
    appendix = parser.tables["appendix"]
    header = appendix[0]
    result = header.index("取組の実施結果")
    assert header[-1] == "指標の状況"
    items = [row for row in appendix if len(row) == len(header) and row[result][:1] in "①②③"]
    assert len(items) == 101
    wifi = [row for row in items if row[1] == "28"]
    assert [row[2] for row in wifi] == ["県有施設への公衆無線LANアクセスポイントの設置"]


def test_section_2_points_to_the_appendix_instead_of_listing_the_initiatives_again(
    drafts,
) -> None:
    page = drafts[TODAY, "ja", "html"].decode("utf-8")
    s2, s4 = page.index('id="s2"'), page.index('id="s4"')
    # the initiatives are listed in the 別紙; section 2 gives its area's counts and numbers,
    # and names a few of them (up to three an area) only in the drafted 主な取組
    name = "県有施設への公衆無線LANアクセスポイントの設置"
    assert page.count(name) == 2 and page.rindex(name) > s4
    assert s2 < page.index(f'28 {name}（取組を実施中）<span class="mark">〔案〕') < s4
    # a changed initiative is also named in its area, with its reason
    assert "(理由) 共通利用タブレットに代わるツール" in page[s2:s4]
    # each area's pointer leads to its rows of the 別紙 (with the page number in the PDF)
    targets = re.findall(r'href="#(apx-[\w-]+)"', page[s2:s4])
    assert len(targets) >= 15 and all(f'id="{t}"' in page[s4:] for t in targets)
    assert "取組1件（取組No 28）の実施結果と指標の状況は、別紙のとおり" in page
    assert "target-counter(attr(href), page)" in page
    text = drafts[TODAY, "ja", "md"].decode("utf-8")
    assert text.count(name) == 2 and f"- 28 {name}（取組を実施中）〔案〕" in text


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
        "2 取組項目ごとの指標",
        "2 進捗評価",
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
    appendix = book["別紙 取組実施結果一覧"]
    assert appendix.column_dimensions["F"].width >= 40
    assert [c.value for c in appendix[2]][-2:] == ["取組の実施結果", "指標の状況"]
    assert appendix.max_row - 2 >= 101  # the one full list of the initiatives
    indicators = book["2 取組項目ごとの指標"]
    dues = [
        c.value for row in indicators.iter_rows() for c in row if c.number_format == "yyyy-mm-dd"
    ]
    assert dt.datetime(2028, 3, 31) in dues  # a target's due date, as a date
    # section 2 lists no initiative again, only its area's counts and changes
    results = book["2 取組項目ごとの点検結果"]
    texts = [c.value for row in results.iter_rows() for c in row if isinstance(c.value, str)]
    assert "県有施設への公衆無線LANアクセスポイントの設置" not in texts


def test_each_indicator_table_is_followed_by_its_grades(drafts) -> None:
    """The plan review's columns, 策定時 / 現状値 / 目標値 and the grade, in every format:
    Wi-Fi access points 591 → 8,765 reach both targets (A); the facilities, 513 → 604 toward
    650, covered 91 of 137 (66.4 %: B); an indicator without a figure since its baseline, or
    without a target, has no grade and says why."""
    text = drafts[TODAY, "ja", "md"].decode("utf-8")
    assert "**進捗評価（策定時・現状値・目標値）**" in text
    assert "| 策定時 | 現状値 | 目標値 | 進捗率 | 評価 |" in text
    month = f"{int(LAST_MONTH[:4])}年{int(LAST_MONTH[5:])}月"
    assert f"| 604施設（{month}） | 650施設（仮）（2028/03/31） | 66.4% | B 前進 |" in text
    assert f"| 8,765台（{month}） | 900台（仮）（2028/03/31） | 2,645.3% | A 達成 |" in text
    assert "| 評価なし（策定時以降の実績なし） |" in text
    assert "| — | — | 評価なし（目標なし） |" in text
    assert "差の3%を超えて進んだ" in text  # the plan's scheme, said once under each table
    page = drafts[TODAY, "en", "html"].decode("utf-8")
    assert "Progress grades (baseline, latest, target)" in page
    assert 'class="nowrap grade-B">B advanced</td>' in page
    book = openpyxl.load_workbook(io.BytesIO(drafts[TODAY, "ja", "xlsx"]))
    rows = list(book["2 進捗評価"].iter_rows(values_only=True))
    facilities = next(r for r in rows if r[2] == "公衆無線LAN設置済み県有施設数")
    assert facilities[4:8] == (513, 604, month, 650)  # numbers as numbers
    assert facilities[10] == pytest.approx(91 / 137) and facilities[11] == "B 前進"


def test_xlsx_prints_on_a4_fitted_to_the_width_with_headers_on_every_page(drafts) -> None:
    book = openpyxl.load_workbook(io.BytesIO(drafts[TODAY, "ja", "xlsx"]))
    for ws in book:
        setup = ws.page_setup
        assert str(setup.paperSize) == ws.PAPERSIZE_A4, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
        widths = [d.width for d in ws.column_dimensions.values() if d.width]
        assert max(widths) <= 72, ws.title  # long text wraps instead of spilling
        assert setup.orientation == ("landscape" if sum(widths) > 100 else "portrait")
    assert book["1 趣旨・考え方"].page_setup.orientation == "portrait"
    assert book["別紙 取組実施結果一覧"].page_setup.orientation == "landscape"
    assert book["別紙 取組実施結果一覧"].print_title_rows == "$2:$2"
    assert book["2 取組項目ごとの指標"].print_title_rows == "$2:$2"
    appendix = book["別紙 取組実施結果一覧"]
    long_text = [
        c
        for row in appendix.iter_rows(min_row=3)
        for c in row
        if isinstance(c.value, str) and len(c.value) > 40
    ]
    assert long_text and all(c.alignment.wrap_text for c in long_text)
    # a wrapped row is as tall as its lines: neither Excel nor LibreOffice fits it on opening
    assert all((appendix.row_dimensions[c.row].height or 0) >= 30 for c in long_text)


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
    assert book.sheetnames[3:5] == ["2 Progress grades", "3 Overall review"]


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
    with pytest.raises(ValueError, match="pdf, html, xlsx, md"):
        service.report(TODAY, "ja", "docx")
    assert report.FORMATS[0] == "pdf"  # the dashboard offers the first by default
    assert report.file_name(dt.date(2026, 3, 31), "pdf") == "shihyo-report-2026-03-31.pdf"
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


def _pdf_pages(body: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages]


@pytest.mark.parametrize(
    ("lang", "title", "headings"),
    [
        ("ja", "電子化全開宣言行動計画 点検報告書", SECTIONS_JA),
        ("en", "Review report", SECTIONS_EN),
    ],
)
def test_pdf_opens_on_a4_with_page_numbers_contents_and_bookmarks(
    drafts, lang: str, title: str, headings: list[str]
) -> None:
    body = drafts[TODAY, lang, "pdf"]
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    pages = _pdf_pages(body)
    total = len(pages)
    assert 8 <= total <= 36  # each policy and area opens with its goal and outcomes
    for page in reader.pages:  # A4: 210 × 297 mm
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert title in pages[0] and title in (reader.metadata.title or "")
    # the page number at the foot of every page but the cover
    for number, text in enumerate(pages[1:], 2):
        assert re.search(rf"(?<!\d){number} / {total}(?!\d)", text), number
    # bookmarks for the four sections, and the contents on the cover with their page numbers
    marks = {m.title: reader.get_destination_page_number(m) + 1 for m in _flat(reader.outline)}
    for heading in headings:
        page = marks[heading]
        assert heading in pages[page - 1]
        assert re.search(rf"{re.escape(heading)}[\s.·…]*{page}(?!\d)", pages[0]), heading
    # the Japanese names in both languages (the English report keeps them beside its own)
    assert "スマート神奈川の推進" in "".join(pages)
    # the appendix repeats its header on each of its pages
    appendix = marks[headings[-1]]
    header = "取組内容" if lang == "ja" else "Initiative"
    assert all(header in text for text in pages[appendix - 1 :])


def _flat(outline: list) -> list:
    out = []
    for item in outline:
        out += _flat(item) if isinstance(item, list) else [item]
    return out


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make test)")
def test_no_pdf_page_is_blank(drafts, tmp_path: Path) -> None:
    for lang in ("ja", "en"):
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(drafts[TODAY, lang, "pdf"])
        subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", pdf, tmp_path / lang], check=True)
        pages = sorted(tmp_path.glob(f"{lang}-*.png"))
        assert len(pages) == len(PdfReader(pdf).pages)
        for png in pages:
            image = Image.open(png)
            # what is printed above the footer: more than a page number's worth of ink
            body = image.crop((0, 0, image.width, int(image.height * 0.92)))
            ink = sum(n for value, n in enumerate(body.histogram()) if value < 200)
            assert ink > 0.01 * body.width * body.height, png.name


# Latin letters a Japanese reader may meet: those of the catalog's own Japanese text (ICT,
# Wi-Fi, ME-BYO …) and of the Japanese vocabulary (取組No, shihyo), and the senders' notes.
_LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9\-]*")
_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _japanese_latin(catalog: Catalog) -> set[str]:
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not str(key).endswith("_en"):
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, str) and _CJK.search(value):
            texts.append(value)

    walk(catalog.model_dump())
    texts += [t for t in vocabulary(Lang.ja).values() if _CJK.search(t)]
    return {w for t in [*texts, SCRIPT, FORMULA] for w in _LATIN.findall(t)}


def _visible_html(page: str) -> str:
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_the_japanese_report_reads_in_japanese_in_every_format(drafts, catalog: Catalog) -> None:
    allowed = _japanese_latin(catalog)
    book = openpyxl.load_workbook(io.BytesIO(drafts[TODAY, "ja", "xlsx"]))
    texts = {
        "md": html.unescape(drafts[TODAY, "ja", "md"].decode("utf-8")),
        "html": _visible_html(drafts[TODAY, "ja", "html"].decode("utf-8")),
        "xlsx": " ".join(
            c
            for ws in book
            for row in ws.iter_rows(values_only=True)
            for c in row
            if isinstance(c, str)
        ),
        "pdf": " ".join(_pdf_pages(drafts[TODAY, "ja", "pdf"])),
    }
    for fmt, text in texts.items():
        foreign = set(_LATIN.findall(text)) - allowed
        assert not foreign, (fmt, sorted(foreign))
    # periods are written as a Japanese reader writes them, in English as an English one
    assert "年度" in texts["md"] or "年" in texts["md"]
    assert "FY" not in texts["md"] and "FY" not in texts["pdf"]
