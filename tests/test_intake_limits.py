"""Uploads that explode (issue 12): work bounded by what a file becomes, not its size on
disk; echoed values cut to a readable length; every whole-file rejection counts its rows;
a parse in a child process under memory and CPU limits. The bombs are real files generated
here; the limits are set low so that the tests stay quick."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake import (
    FileRejected,
    IsolationLimits,
    ReadLimits,
    RowError,
    isolation,
    parse_isolated,
    read_upload,
)
from intake.counting import count_csv_rows
from tests.data import bombs

SMALL = ReadLimits(max_part_bytes=8 << 20, max_sheet_bytes=8 << 20, max_workbook_bytes=32 << 20)


def refused(data: bytes, name: str = "up.xlsx", **kw: object) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        read_upload(data, name, **kw)  # type: ignore[arg-type]
    exc = info.value
    assert exc.message_ja and exc.message_en
    return exc


# ── workbooks bounded by what they decompress to ────────────────────────────


def test_a_shared_strings_bomb_is_refused_before_anything_is_read() -> None:
    data = bombs.shared_strings_bomb(64)  # 64 MB of text in a ~70 KB file
    assert len(data) < 200_000
    exc = refused(data, limits=SMALL)
    assert (
        "「xl/sharedStrings.xml」が展開すると大きすぎます（64.0 MB、上限 8.0 MB）" in exc.message_ja
    )
    assert "decompresses to 64.0 MB" in exc.message_en
    assert exc.rows_in_file is None  # refused before its rows could be read


def test_the_default_limits_refuse_a_gigabyte_of_shared_strings() -> None:
    exc = refused(bombs.shared_strings_bomb(1024))
    assert "1,024.0 MB、上限 64.0 MB" in exc.message_ja


def test_one_huge_cell_is_refused_before_openpyxl_would_load_it() -> None:
    exc = refused(bombs.long_cell_bomb(16))  # within the sheet size limit
    assert "2行目付近に、長すぎて読み込めないセルがあります" in exc.message_ja
    assert "32,767" in exc.message_ja


def test_a_million_identical_rows_are_refused_by_the_sheet_size() -> None:
    exc = refused(bombs.identical_rows_bomb(1_000_000))  # 3.6 MB, 1 GB of XML
    assert "「xl/worksheets/sheet1.xml」が展開すると大きすぎます" in exc.message_ja


def test_too_many_cells_are_refused_from_the_scan() -> None:
    data = bombs.identical_rows_bomb(20_000, 50)  # 1M cells, 20 MB of XML
    exc = refused(data, limits=ReadLimits(max_cells=100_000))
    assert "（sheet1.xml）のセルが多すぎます（上限 100,000個）" in exc.message_ja


def test_the_row_cap_stops_reading_and_says_how_many_rows_at_least() -> None:
    data = bombs.identical_rows_bomb(5_000, 3)
    exc = refused(data, limits=ReadLimits(max_rows=1_000))
    assert "行数が上限（1,000）" in exc.message_ja
    assert (exc.rows_in_file, exc.rows_exact) == (999, False)


def test_a_workbook_with_too_many_parts_is_refused() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for i in range(30):
            target.writestr(f"x/{i}.xml", b"")
    assert (
        "構成要素が多すぎます"
        in refused(out.getvalue(), limits=ReadLimits(max_parts=20)).message_ja
    )


# ── CSV: columns and cell length ────────────────────────────────────────────


def test_a_million_column_csv_is_refused_at_once_with_its_rows_counted() -> None:
    header = ",".join(f"c{i}" for i in range(1_000_000))
    data = (header + "\n" + ",".join("1" * 1_000_000) + "\n").encode()
    assert len(data) > 8_000_000
    exc = refused(data, "wide.csv")
    assert "列数が上限（50）" in exc.message_ja
    assert exc.rows_in_file == 1


def test_a_ten_megabyte_cell_refuses_its_row_with_the_right_reason() -> None:
    huge = "9" * (10 << 20)
    data = f"indicator_id,period,value\nk,2019-04,{huge}\nk,2019-05,3\n".encode()
    up = read_upload(data, "up.csv")
    [error] = up.errors
    assert (error.row, error.column, error.rule) == (2, "value", "cell_too_long")
    assert "10,485,760文字、上限 32,767文字" in error.reason_ja
    assert "引用符" not in error.reason_ja and "double quotes" not in error.reason_en
    assert len(error.value) == 200
    assert up.frame["value"].tolist() == [None, 3.0]
    assert max(len(t) for t in up.frame["value_text"]) == 200


def test_a_long_cell_in_a_list_refuses_that_row_only() -> None:
    header = (
        "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,名称_英語,住所,"
        "方書,緯度,経度,設置者,電話番号,内線番号,SSID,提供エリア,URL,備考"
    )
    rows = [
        "222127,1,静岡県,焼津市,a,,,x,,,,,,,S,,,",
        "222127,2,静岡県,焼津市,b,,,y,,,,,,,S,,," + "z" * 40000,
    ]
    up = read_upload(("\n".join([header, *rows]) + "\n").encode(), "w.csv", period="2019-03")
    assert up.frame["value"].tolist() == [1.0]
    assert [(e.row, e.column, e.rule) for e in up.errors] == [(3, "備考", "cell_too_long")]
    assert up.file_row_counts().rejected == 1


def test_echoed_values_are_cut_to_a_readable_length() -> None:
    error = RowError(2, "value", "x" * 100_000, "ja", "en", "rule")
    assert len(error.value) == 200 and error.value.endswith("…")
    up = read_upload(f"indicator_id,period,value\nk,{'年' * 5000},1\n".encode(), "up.csv")
    assert len(up.errors[0].value) == 200
    assert len(up.errors[0].reason_ja) < 300


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_rows"):
        ReadLimits(max_rows=0)


# ── whole-file rejections count their rows ──────────────────────────────────


@pytest.mark.parametrize(
    ("data", "name", "rows"),
    [
        (b"", "up.csv", 0),
        (b"# only a comment\n,,\n", "up.csv", 0),
        (b"indicator_id,period,value\n,,\n", "up.csv", 0),
        ("令和元年度 実績報告\nindicator_id,period,value\nk,2019-04,1\n".encode(), "up.csv", 3),
        (b"indicator_id,period,\n,,value\nk,2019-04,1\n", "up.csv", 2),
        (b"indicator_id,period,value,memo\nk,2019-04,1,x\nk,2019-05,2,y\n", "up.csv", 2),
        (b"indicator_id,period,value\nk,2019-04,1,extra\nk,2019-05,1\n", "up.csv", 2),
        (b'indicator_id,period,value\nk,"2019-04,1\nk,2019-05,2\n', "up.csv", 1),
        (b"indicator_id,period,value\nk,\x81 ,1\nk,2019-05,2\n", "up.csv", 2),
        (
            '指標ID,年月,値\r\nk,"複数行の\r\n値",1\r\nk,2019-05,2,x\r\n'.encode("cp932"),
            "up.csv",
            2,
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "up.csv", None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "up.xls", None),
        (b"PK\x03\x04not really a zip", "up.xlsx", None),
    ],
)
def test_whole_file_rejections_count_their_rows(data: bytes, name: str, rows: int | None) -> None:
    assert refused(data, name).rows_in_file == rows


REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"{REALDATA} is absent")
@pytest.mark.parametrize(
    ("name", "rows"),
    [
        # no header found: every row below the comments counts (title, two header rows,
        # 33 municipalities and 県全体)
        ("kanagawa_vaccine_by_municipality_R3-07-19_sjis.csv", 37),
        ("takamatsu_births_deaths_monthly_0091_2020.csv", 12),  # 12 months, no header
    ],
)
def test_real_files_rejected_whole_count_their_rows(name: str, rows: int) -> None:
    assert refused((REALDATA / name).read_bytes(), name).rows_in_file == rows


_CELLS = st.sampled_from(["k", "", "2019-04", "1", "x", "合計", "A市", '"a,b"', '"a\nb"'])


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from(
        ["indicator_id,period,value,org_unit", "indicator_id,period,value,memo", "a,b,c,d"]
    ),
    rows=st.lists(st.lists(_CELLS, min_size=4, max_size=5), max_size=8),
)
def test_every_row_of_a_file_is_accounted_for(header: str, rows: list[list[str]]) -> None:
    text = header + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    data = text.encode()
    expected = count_csv_rows(data, None)[0]
    try:
        up = read_upload(data, "up.csv")
    except FileRejected as exc:
        assert exc.rows_in_file is not None
        return
    counts = up.file_row_counts()
    assert counts.rows == up.rows_in_file == expected
    assert counts.accepted + counts.rejected + counts.set_aside == counts.rows


def test_a_rejected_workbook_counts_the_rows_below_its_header() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["indicator_id", "period", "value", "memo"])
    for month in range(4, 10):
        book.active.append(["k", f"2019-{month:02d}", month, "x"])
    out = io.BytesIO()
    book.save(out)
    exc = refused(out.getvalue())
    assert "テンプレートにない列" in exc.message_ja and exc.rows_in_file == 6


# ── the parse in a child process ────────────────────────────────────────────


def test_the_isolated_parse_gives_what_read_upload_gives() -> None:
    data = "指標ID,年月,値,組織\nkpi_1,2019-04,1,A市\nkpi_1,2019-04,2,B市\nkpi_1,2019-04,3,合計\n"
    here = read_upload(data.encode(), "up.csv")
    there = parse_isolated(data.encode(), "up.csv")
    pd.testing.assert_frame_equal(here.frame, there.frame)
    assert (here.errors, here.set_aside, here.rows_in_file) == (
        there.errors, there.set_aside, there.rows_in_file,
    )  # fmt: skip


def test_the_isolated_parse_of_a_messy_file_gives_what_read_upload_gives() -> None:
    # As offices write them: 和暦, 2019年4月, R1.5, "12,345", full-width digits, no comment
    # column, and bad rows (words for figures, an unknown period, a duplicate).
    lines = ["indicator_id,period,value,org_unit,note"]
    periods = ["令和7年4月", "2025年5月", "R7.6", "2025-07", "２０２５年８月", "R7.13"]
    values = ['"12,345"', "１２３", "12件", "-", "1.5", "不明", "7"]
    for n in range(300):
        lines.append(f"kpi_{n % 4},{periods[n % 6]},{values[n % 7]},{n % 5}市,")
    lines.append(lines[1])
    data = ("\n".join(lines) + "\n").encode()
    here = read_upload(data, "messy.csv")
    there = parse_isolated(data, "messy.csv")
    pd.testing.assert_frame_equal(here.frame, there.frame)
    assert here.errors and here.errors == there.errors
    assert (here.set_aside, here.rows_in_file) == (there.set_aside, there.rows_in_file)


def test_an_outcome_cut_short_is_no_outcome() -> None:
    # The server reads a child's outcome by its size: a child that ends mid-write leaves
    # no outcome (reported as a crash), never a truncated pickle.
    whole = io.BytesIO()
    isolation._send(whole, b"x" * 1000)
    assert isolation._receive(io.BytesIO(whole.getvalue())) == b"x" * 1000
    assert isolation._receive(io.BytesIO(whole.getvalue()[:500])) is None
    assert isolation._receive(io.BytesIO(b"")) is None


def test_the_isolated_parse_never_runs_the_callers_main_script(tmp_path: Path) -> None:
    # A Streamlit page is the __main__ module of the dashboard; multiprocessing would run it
    # again in every child. Here a script that would mark a file if it ran twice.
    marker = tmp_path / "ran"
    script = tmp_path / "page.py"
    script.write_text(
        "import pathlib, sys\n"
        f"m = pathlib.Path({str(marker)!r})\n"
        "m.write_text(m.read_text() + 'x' if m.exists() else 'x')\n"
        "from intake import parse_isolated\n"
        "up = parse_isolated(b'indicator_id,period,value\\nk,2019-04,1\\n', 'a.csv')\n"
        "print(len(up.frame))\n"
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "1"
    assert marker.read_text() == "x"


def test_an_isolated_rejection_comes_back_whole() -> None:
    with pytest.raises(FileRejected) as info:
        parse_isolated(b"indicator_id,period,value,memo\nk,2019-04,1,x\n", "up.csv")
    assert "テンプレートにない列" in info.value.message_ja and info.value.rows_in_file == 1


def test_a_file_that_needs_too_much_memory_costs_a_clean_rejection() -> None:
    # A 64 MB cell passes limits raised on purpose; the child's memory cap stops it.
    loose = ReadLimits(max_cell_chars=100 << 20, max_sheet_bytes=256 << 20)
    with pytest.raises(FileRejected) as info:
        parse_isolated(
            bombs.long_cell_bomb(64),
            "bomb.xlsx",
            limits=loose,
            isolation=IsolationLimits(memory_bytes=96 << 20, cpu_seconds=60),
        )
    exc = info.value
    assert "ファイルが大きすぎるか複雑すぎるため読み込めませんでした" in exc.message_ja
    assert "too large or too complex" in exc.message_en
    assert exc.rows_in_file is None


def test_a_file_that_takes_too_long_costs_a_clean_rejection() -> None:
    loose = ReadLimits(max_sheet_bytes=1 << 30, max_cells=10**9)
    with pytest.raises(FileRejected) as info:
        parse_isolated(
            bombs.identical_rows_bomb(300_000, 50),
            "bomb.xlsx",
            limits=loose,
            isolation=IsolationLimits(cpu_seconds=1, wall_seconds=60),
        )
    assert "CPU 1 秒" in info.value.message_ja
