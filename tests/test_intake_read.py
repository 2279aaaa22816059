"""read_upload on real bytes: encodings, line endings, comments, headers, .xlsx, the Wi-Fi
list adapter, the real files in /work/shared/realdata, and whole-file rejections."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intake.read as intake_read
from intake import FRAME_COLUMNS, FileRejected, ParsedUpload, read_upload

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
needs_realdata = pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is absent")

WIFI_HEADER = (
    "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,名称_英語,住所,"
    "方書,緯度,経度,設置者,電話番号,内線番号,SSID,提供エリア,URL,備考"
)


def body(*lines: str, newline: str = "\n", final: bool = True) -> str:
    """Return CSV text from lines, with the given line ending and optional final newline."""
    return newline.join(lines) + (newline if final else "")


def read_text(text: str, encoding: str = "utf-8", name: str = "up.csv", **kw: str) -> ParsedUpload:
    """Return read_upload of `text` encoded as `encoding`."""
    return read_upload(text.encode(encoding), name, **kw)


def rejected(data: bytes, name: str = "up.csv", **kw: str) -> FileRejected:
    """Return the FileRejected raised by read_upload."""
    with pytest.raises(FileRejected) as info:
        read_upload(data, name, **kw)
    exc = info.value
    assert exc.message_ja and exc.message_en
    assert str(exc) == f"{exc.message_ja} / {exc.message_en}"
    return exc


def test_minimal_template() -> None:
    up = read_text(body("indicator_id,period,value", "wifi_ap,2019-04,12"))
    assert up.source_kind == "template"
    assert up.encoding == "utf-8"
    assert up.errors == []
    assert list(up.frame.columns) == list(FRAME_COLUMNS)
    row = up.frame.iloc[0].to_dict()
    assert row == {
        "row_number": 2,
        "indicator_id": "wifi_ap",
        "period_text": "2019-04",
        "period": dt.date(2019, 4, 1),
        "granularity": "month",
        "value_text": "12",
        "value": 12.0,
        "org_unit": "",
        "note": None,
        "comment": None,
    }


@pytest.mark.parametrize(("encoding", "reported"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932"),
])  # fmt: skip
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
def test_office_csv_variants(encoding: str, reported: str, newline: str, final: bool) -> None:
    text = body(
        "# 指標データ提出用,,,,",
        '#担当: 情報政策課 "内線 1234',
        "指標ID,年月,実績値,市町村,備考",
        'wifi_ap,2019-04,"1,234",横浜市,"複数行の\n備考"',
        ",,,,",
        "wifi_ap,令和元年5月,△5,川崎市,",
        newline=newline,
        final=final,
    )
    up = read_text(text, encoding)
    assert up.encoding == reported
    assert up.errors == []
    f = up.frame
    # Excel rows: 2 comments, header at 3, a two-line record at 4, a blank row 5, then 6.
    assert f["row_number"].tolist() == [4, 6]
    assert f["value"].tolist() == [1234.0, -5.0]
    assert f["period"].tolist() == [dt.date(2019, 4, 1), dt.date(2019, 5, 1)]
    assert f["org_unit"].tolist() == ["横浜市", "川崎市"]
    assert f["note"].tolist() == ["複数行の\n備考", None]
    assert f["value_text"].tolist() == ["1,234", "△5"]


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("indicator_id,period,value,org_unit,note", "kpi_1,2019-04,7,鎌倉市,メモ"),
        (" Indicator_ID , PERIOD ,Value,Org_Unit,NOTE", "kpi_1,2019-04,7,鎌倉市,メモ"),
        (
            "ｉｎｄｉｃａｔｏｒ＿ｉｄ,ｐｅｒｉｏｄ,ｖａｌｕｅ,ｏｒｇ＿ｕｎｉｔ,ｎｏｔｅ",
            "kpi_1,2019-04,7,鎌倉市,メモ",
        ),
        ("指標ID,年月,値,組織,備考", "kpi_1,2019-04,7,鎌倉市,メモ"),
        ("指標コード,期間,実績,団体,備考", "kpi_1,2019-04,7,鎌倉市,メモ"),
        ("指標ＩＤ,対象月,実績値,市町村,　備考　", "kpi_1,2019-04,7,鎌倉市,メモ"),
        ("値,備考,年月,市町村,指標ID", "7,メモ,2019-04,鎌倉市,kpi_1"),
    ],
)
def test_header_aliases(header: str, row: str) -> None:
    up = read_text(body(header, row))
    got = up.frame.iloc[0][["indicator_id", "period", "value", "org_unit", "note"]].tolist()
    assert got == ["kpi_1", dt.date(2019, 4, 1), 7.0, "鎌倉市", "メモ"]


def test_org_unit_and_note_are_optional() -> None:
    up = read_text(body("indicator_id,period,value", "ｋｐｉ＿１ ,FY2019, 3 "))
    row = up.frame.iloc[0]
    assert (row["indicator_id"], row["org_unit"], row["note"]) == ("kpi_1", "", None)
    assert (row["granularity"], row["period_text"], row["value_text"]) == (
        "fiscal_year", "FY2019", " 3 ",
    )  # fmt: skip


def test_cell_errors_keep_the_row() -> None:
    text = body(
        "indicator_id,period,value",
        "kpi_1,2019年13月,12",
        ",2019-04,abc",
        "kpi_1,2019-05,83.77%",
        "kpi_1,2019-06,5",
    )
    up = read_text(text)
    assert len(up.frame) == 4
    got = [(e.row, e.column, e.value, e.rule) for e in up.errors]
    assert got == [
        (2, "period", "2019年13月", "period_parseable"),
        (3, "indicator_id", "", "indicator_id_present"),
        (3, "value", "abc", "value_numeric"),
        (4, "value", "83.77%", "value_numeric"),
    ]
    assert "期間「2019年13月」を解釈できません。" in up.errors[0].reason_ja
    f = up.frame.set_index("row_number")
    assert f.loc[2, "period"] is None and f.loc[2, "granularity"] is None
    assert f.loc[3, "value"] is None
    assert f.loc[5, "value"] == 5.0


def test_xlsx_written_with_openpyxl(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["# 提出用テンプレート"])
    sheet.append(["指標ID", "年月", "値", "組織", "備考"])
    sheet.append(["kpi_1", dt.datetime(2019, 4, 1), 12345, "横浜市", None])
    sheet.append([])
    sheet.append(["kpi_1", "令和元年5月", 12.5, "川崎市", "速報値"])
    sheet.append(["kpi_1", 201906, "1,000", None, None])
    sheet.append(["kpi_1", "2019-07", "x", None, None])
    path = tmp_path / "upload.xlsx"
    book.save(path)
    up = read_upload(path.read_bytes(), path.name)
    assert up.encoding == "xlsx"
    f = up.frame
    assert f["row_number"].tolist() == [3, 5, 6, 7]
    assert f["period"].tolist() == [dt.date(2019, m, 1) for m in (4, 5, 6, 7)]
    assert f["value"].tolist() == [12345.0, 12.5, 1000.0, None]
    assert f["value_text"].tolist()[:2] == ["12345", "12.5"]
    assert f["note"].tolist() == [None, "速報値", None, None]
    assert [(e.row, e.rule) for e in up.errors] == [(7, "value_numeric")]
    # Recognised by its ZIP magic even under a .csv name.
    assert len(read_upload(path.read_bytes(), "upload.csv").frame) == 4


def test_xlsx_column_and_row_caps(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator_id", "period", "value"])
    sheet.append(["kpi_1", "2019-04", 1])
    sheet.cell(row=2, column=51, value="stray")
    book.save(tmp_path / "wide.xlsx")
    exc = rejected((tmp_path / "wide.xlsx").read_bytes(), "wide.xlsx")
    assert "列数が上限（50）" in exc.message_ja
    sheet.cell(row=2, column=51).value = None
    sheet.cell(row=1_000_001, column=1, value="kpi_1")
    book.save(tmp_path / "long.xlsx")
    exc = rejected((tmp_path / "long.xlsx").read_bytes(), "long.xlsx")
    assert "行数が上限（1,000,000）" in exc.message_ja


def _wifi_row(no: str, city: str, name: str, address: str, pref: str = "神奈川県") -> str:
    return f"141000,{no},{pref},{city},{name},,,{address},,35.0,139.0,,,,FREE,,,"


def test_wifi_list_counts_distinct_points_per_municipality() -> None:
    text = body(
        "\ufffd\ufffd" + WIFI_HEADER,  # garbage glued to the first header cell
        _wifi_row("1", "横浜市", "市庁舎", "横浜市中区本町6-50-10"),
        _wifi_row("1", "横浜市", "市庁舎", "横浜市中区本町6-50-10"),  # listed twice
        _wifi_row("2", "横浜市", "図書館", "横浜市西区老松町1"),
        _wifi_row("", "川崎市", "市役所", "川崎市川崎区宮本町1"),
        _wifi_row("", "川崎市", "市役所 ", "川崎市川崎区宮本町1"),  # same by name+address
        _wifi_row("", "川崎市", "駅前", "川崎市川崎区駅前本町"),
        _wifi_row("9", "", "県庁", "横浜市中区日本大通1"),  # prefecture-run point
        _wifi_row("10", "", "?", "?", pref=""),
    )
    up = read_text(text, period="2019-03")
    assert up.source_kind == "wifi_list"
    f = up.frame
    assert f["org_unit"].tolist() == ["横浜市", "川崎市", "神奈川県"]
    assert f["value"].tolist() == [2.0, 2.0, 1.0]
    assert f["row_number"].tolist() == [2, 5, 8]
    assert set(f["indicator_id"]) == {"wifi_access_points"}
    assert f["note"].tolist()[0] == "公衆無線LAN一覧から集計 (2件)"
    assert [(e.row, e.rule) for e in up.errors] == [(9, "org_unit_present")]


def test_wifi_list_needs_a_period() -> None:
    data = body(WIFI_HEADER, _wifi_row("1", "横浜市", "a", "b")).encode()
    exc = rejected(data)
    assert "shihyo ingest --period 2019-03 FILE" in exc.message_ja
    assert "期間" in exc.message_ja
    exc = rejected(data, period="2019年13月")
    assert "月は1〜12" in exc.message_ja


@needs_realdata
def test_real_yaizu_wifi_list() -> None:
    raw = (REALDATA / "yaizu_222127_public_wireless_lan.csv").read_bytes()
    up = read_upload(raw, "yaizu_222127_public_wireless_lan.csv", period="2019-03")
    assert up.source_kind == "wifi_list"
    assert up.encoding == "utf-8"
    assert up.errors == []
    assert len(up.frame) == 1
    row = up.frame.iloc[0]
    assert (row["org_unit"], row["value"], row["row_number"]) == ("焼津市", 17.0, 2)
    assert (row["period"], row["granularity"]) == (dt.date(2019, 3, 1), "month")
    assert row["note"] == "公衆無線LAN一覧から集計 (17件)"


@needs_realdata
def test_real_kanagawa_vaccine_table_is_rejected() -> None:
    raw = (REALDATA / "kanagawa_vaccine_by_municipality_R3-07-19_sjis.csv").read_bytes()
    exc = rejected(raw, "kanagawa_vaccine_by_municipality_R3-07-19_sjis.csv")
    assert "indicator_id, period, value" in exc.message_ja and "指標ID" in exc.message_ja
    assert "1行目" in exc.message_ja
    assert "（令和３年７月19日時点）" in exc.message_ja
    assert "Expected a header row" in exc.message_en


@needs_realdata
def test_real_takamatsu_headerless_table_is_rejected() -> None:
    raw = (REALDATA / "takamatsu_births_deaths_monthly_0091_2020.csv").read_bytes()
    exc = rejected(raw, "takamatsu_births_deaths_monthly_0091_2020.csv")
    assert "indicator_id, period, value" in exc.message_ja
    assert "10行目" in exc.message_ja  # after the nine # rows
    assert "1, 1, 267, 119" in exc.message_ja


@pytest.mark.parametrize(
    ("data", "name", "expected_ja"),
    [
        (b"", "up.csv", "ファイルが空です"),
        (b"\xef\xbb\xbf \r\n\r\n", "up.csv", "ファイルが空です"),
        (b"# only a comment\n,,\n", "up.csv", "ファイルが空です"),
        (b"indicator_id,period,value\n,,\n", "up.csv", "データの行が1行もありません"),
        ("令和元年度 実績報告\nindicator_id,period,value\n".encode(), "up.csv", "1行目に見出し"),
        (b"indicator_id,period,\n,,value\nk,2019-04,1\n", "up.csv", "value の列がありません"),
        (b"indicator_id,period,value,memo\nk,2019-04,1,x\n", "up.csv", "テンプレートにない列"),
        (b"indicator_id,period,value,\xe5\x80\xa4\nk,2019-04,1,2\n", "up.csv", "どちらも value"),
        (b"indicator_id,period,value\nk,2019-04,1,extra\n", "up.csv", "D列"),
        (b'indicator_id,period,value\nk,"2019-04,1\n', "up.csv", "CSV として正しくありません"),
        (b"indicator_id,period,value\nk,\x81 ,1\n", "up.csv", "文字コードを判別できません"),
        (b"\xff\xfei\x00d\x00", "up.csv", "文字コードを判別できません"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "up.csv", "制御文字"),
        (b"indicator_id,period,value\x00\n", "up.csv", "制御文字"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "up.xls", ".xls"),
        (b"PK\x03\x04not really a zip", "up.xlsx", "Excel ブック (.xlsx) として開けません"),
        (b"indicator_id,period,value\nk,2019-04,1\n", "up.xlsx", "として開けません"),
        (b"\tindicator_id\tperiod\tvalue\n", "up.csv", "1行目に見出し"),
    ],
)
def test_whole_file_rejections(data: bytes, name: str, expected_ja: str) -> None:
    assert expected_ja in rejected(data, name).message_ja


def test_grouped_two_row_header_is_rejected() -> None:
    text = body("市町村,実績,,", ",指標ID,年月,値", "横浜市,kpi_1,2019-04,1")
    exc = rejected(text.encode("cp932"))
    assert "indicator_id, period の列がありません" in exc.message_ja
    assert "市町村, 実績" in exc.message_ja


# Cells for the round-trip property: any text an office could type, minus control characters.
_CELL = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12)


@settings(max_examples=100, deadline=dt.timedelta(seconds=2))
@given(st.lists(st.tuples(_CELL, _CELL, _CELL), min_size=1, max_size=8))
def test_cells_arrive_as_sent(rows: list[tuple[str, str, str]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["indicator_id", "period", "value", "note"])
    writer.writerows([("kpi_1", *r) for r in rows])
    up = read_text(out.getvalue())
    f = up.frame
    assert f["row_number"].tolist() == list(range(2, len(rows) + 2))
    assert f["period_text"].tolist() == [r[0] for r in rows]
    assert f["value_text"].tolist() == [r[1] for r in rows]
    failed = {(e.row, e.column) for e in up.errors}
    for n, value in zip(f["row_number"], f["value"], strict=True):
        assert (value is None) == ((n, "value") in failed)


_NAMES = st.sampled_from(["up.csv", "up.xlsx", "up.txt", "up", "up.xls"])
_PREFIXES = st.sampled_from(
    [b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"indicator_id,period,value\n", WIFI_HEADER.encode()]
)


@settings(max_examples=200, deadline=dt.timedelta(seconds=2))
@given(prefix=_PREFIXES, junk=st.binary(max_size=512), name=_NAMES)
def test_random_bytes_only_raise_file_rejected(prefix: bytes, junk: bytes, name: str) -> None:
    try:
        up = read_upload(prefix + junk, name, period="2019-03")
    except FileRejected as exc:
        assert exc.message_ja and exc.message_en
    else:
        assert list(up.frame.columns) == list(FRAME_COLUMNS)
        assert len(up.frame) >= 1


# ── the column-wise fast path for plain CSV ──────────────────────────────────
# Large template CSVs are read by Arrow a column at a time; whatever it accepts must come
# out exactly as the csv module's row-by-row reading gives it, errors and rejections too.


def read_both_ways(data: bytes, name: str = "up.csv") -> tuple[object, object]:
    """Return (fast, row by row) outcomes of read_upload: a comparable tuple each."""

    def outcome() -> object:
        try:
            up = read_upload(data, name, period="2019-03")
        except FileRejected as exc:
            return ("rejected", exc.message_ja, exc.message_en)
        frame = up.frame
        cells = {
            column: [None if isinstance(v, float) and v != v else v for v in frame[column]]
            for column in frame.columns
        }
        return (up.encoding, up.source_kind, up.errors, [str(t) for t in frame.dtypes], cells)

    fast = outcome()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake_read, "simple_csv_upload", lambda *_: None)
        slow = outcome()
    return fast, slow


def test_a_plain_template_csv_takes_the_column_wise_path() -> None:
    text = body(
        "# 提出用,,,,",
        "indicator_id,period,value,org_unit,note",
        'wifi_ap,2019-04,"1,234",横浜市,"複数行の\n備考"',
        ",,,,",
        'wifi_ap,令和元年5月,△5,川崎市,"引用""符"',
        "wifi_ap,2019-13,x,,",
        newline="\r\n",
    )
    data = text.encode("utf-8")
    assert intake_read.simple_csv_upload(data[data.index(b"indicator_id") :], 1, "utf-8")
    fast, slow = read_both_ways(data)
    assert fast == slow
    assert fast[4]["row_number"] == [3, 5, 6]
    assert fast[4]["value"] == [1234.0, -5.0, None]
    assert fast[4]["note"] == ["複数行の\n備考", '引用"符', None]
    assert [(e.row, e.column) for e in fast[2]] == [(6, "period"), (6, "value")]


@pytest.mark.parametrize(
    "text",
    [
        'indicator_id,period,value\nk,"2019-04"x,1\n',  # text after a closing quote
        'indicator_id,period,value\nk,2019"-04,1\n',  # a quote inside an unquoted cell
        'indicator_id,period,value\nk, "2019-04",1\n',  # a quote after a blank
        'indicator_id,period,value\nk,"2019-04,1\n',  # a quoted cell never closed
        "indicator_id,period,value\nk,2019-04\nk,2019-05,1,\n",  # rows of other widths
        "indicator_id,period,value\n\nk,2019-04,1\n\n",  # empty lines
        "indicator_id,period,value\rk,2019-04,1\r",  # old Mac line ends
        "indicator_id,period,,value\nk,2019-04,stray,1\n",  # a cell under no header
        "indicator_id,period,,value\nk,2019-04,,1\n",  # a blank cell under no header
        "indicator_id,period,value\n" + "k,2019-04," + "9" * 200_000 + "\n",  # over the limit
        " ,\nindicator_id,period,value\nk,2019-04,1\n",  # a blank record before the header
    ],
)
def test_odd_csv_reads_the_same_either_way(text: str) -> None:
    fast, slow = read_both_ways(text.encode("utf-8"))
    assert fast == slow


_PIECES = st.sampled_from(
    [
        "k", "wifi_ap", "", " ", "\u3000", "2019-04", "令和元年5月", "FY2019Q1", "2019年13月",
        "12", "007", "12.5", "1,234", "12,34", "１２", "△5", "-5", "1e5", "83%", "abc",
        '"1,234"', '"a\nb"', '"a\r\nb"', '"x""y"', '""', '"q"', "x\"y", '"#"', "#", "横浜市",
    ]
)  # fmt: skip
_HEADERS = st.sampled_from(
    [
        "indicator_id,period,value",
        "indicator_id,period,value,org_unit,note",
        "値,備考,年月,市町村,指標ID",
        "indicator_id,period,value,,note",
        "indicator_id,period,value,memo",
    ]
)


@settings(max_examples=300, deadline=dt.timedelta(seconds=2))
@given(
    header=_HEADERS,
    rows=st.lists(st.lists(_PIECES, min_size=2, max_size=6), max_size=6),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp932"]),
    preamble=st.sampled_from(["", "# コメント\n", ",,\n", '#"\n']),
)
def test_csv_reads_the_same_either_way(
    header: str, rows: list[list[str]], newline: str, encoding: str, preamble: str
) -> None:
    width = len(header.split(","))
    lines = [header] + [",".join((cells * width)[:width]) for cells in rows[:3]]
    lines += [",".join(cells) for cells in rows[3:]]  # maybe of another width
    text = preamble + newline.join(lines) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    fast, slow = read_both_ways(data)
    assert fast == slow


@settings(max_examples=200, deadline=dt.timedelta(seconds=2))
@given(st.text(st.characters(max_codepoint=0x3000), max_size=40))
def test_control_characters_are_found_in_utf8_bytes_as_in_text(text: str) -> None:
    assert intake_read._has_control(text.encode("utf-8")) == bool(intake_read._CONTROL.search(text))
