"""Excel habits: merged cells, data on a second sheet or after a cover sheet, formulas saved
without their value, overlong cells, macro-enabled and other workbook kinds."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from intake import FileRejected, ParsedUpload, ReadLimits, read_upload

HEADER = ["indicator_id", "period", "value", "org_unit"]


def xlsx(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template(*rows: list[object], title: str = "Sheet") -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    return book


def read(book: openpyxl.Workbook, **kw: object) -> ParsedUpload:
    return read_upload(xlsx(book), "up.xlsx", **kw)  # type: ignore[arg-type]


def refused(data: bytes, name: str = "up.xlsx", **kw: object) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        read_upload(data, name, **kw)  # type: ignore[arg-type]
    return info.value


# ── merged cells ────────────────────────────────────────────────────────────


def test_a_merged_indicator_id_is_filled_down() -> None:
    book = template(
        ["kpi_1", "2019-04", 1, "A市"], [None, "2019-04", 2, "B市"], [None, "2019-04", 3, "C市"]
    )
    book.active.merge_cells("A2:A4")
    up = read(book)
    assert up.errors == []
    assert up.frame["indicator_id"].tolist() == ["kpi_1"] * 3
    assert [(n.rule, n.value) for n in up.notices] == [("merged_cell_filled", "A2:A4")]
    assert "結合セル A2:A4 の値を" in up.notices[0].reason_ja


def test_a_value_merged_over_rows_is_refused_naming_the_range() -> None:
    book = template(["kpi_1", "2019-04", 10, "A市"], ["kpi_1", "2019-04", None, "B市"])
    book.active.merge_cells("C2:C3")
    up = read(book)
    assert [(e.row, e.column, e.rule, e.value) for e in up.errors] == [
        (2, "value", "merged_cell", "C2:C3"),
        (3, "value", "merged_cell", "C2:C3"),
    ]
    assert "値のセルが複数の行にまたがって結合されています（C2:C3）" in up.errors[0].reason_ja


def test_a_cell_merged_across_columns_is_named() -> None:
    book = template(["kpi_1", "2019-04", 10, None])
    book.active.merge_cells("C2:D2")
    up = read(book)
    # the org unit under a merge spanning value and org_unit is not a figure's
    assert [(e.row, e.column, e.rule) for e in up.errors] == [(2, "org_unit", "merged_cell")]


# ── sheets ──────────────────────────────────────────────────────────────────


def test_a_cover_sheet_first_is_passed_over_for_the_sheet_with_the_header() -> None:
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "表紙"
    cover["A1"] = "令和元年度 指標実績報告"
    cover["A3"] = "情報企画課"
    data = book.create_sheet("データ")
    data.append(["指標ID", "年月", "値"])
    data.append(["kpi_1", "2019-04", 5])
    up = read(book)
    assert (up.sheet, up.frame["value"].tolist()) == ("データ", [5.0])
    [note] = up.notices
    assert note.row is None
    assert "見出しのあるシート「データ」を読みました（その前のシート「表紙」" in note.reason_ja


def test_data_on_a_second_sheet_is_read_and_other_sheets_with_data_reported() -> None:
    book = openpyxl.Workbook()
    book.active.title = "説明"
    book.create_sheet("提出").append(HEADER)
    book["提出"].append(["kpi_1", "2019-04", 7, ""])
    book.create_sheet("メモ")["B2"] = "補足"
    book.create_sheet("空白")
    up = read(book)
    assert up.sheet == "提出" and up.frame["value"].tolist() == [7.0]
    texts = [n.reason_ja for n in up.notices]
    assert any("シート「メモ」にもデータがありますが" in t for t in texts)
    assert not any("空白" in t for t in texts[1:])


def test_the_template_on_two_sheets_is_refused_with_their_rows() -> None:
    book = template(["k", "2019-04", 1, ""])
    second = book.create_sheet("2")
    second.append(HEADER)
    second.append(["k", "2019-05", 1, ""])
    second.append(["k", "2019-06", 1, ""])
    exc = refused(xlsx(book))
    assert "テンプレートの見出しがあるシートが複数あります（「Sheet」「2」）" in exc.message_ja
    assert exc.rows_in_file == 3


# ── formulas, numbers, long cells ───────────────────────────────────────────


def test_a_formula_without_a_saved_value_says_so() -> None:
    # openpyxl writes formulas without their value, as a program that never computes does.
    up = read(template(["kpi_1", "2019-04", "=SUM(1,2)", ""], ["kpi_1", "2019-05", 3, ""]))
    [error] = up.errors
    assert (error.row, error.column, error.rule, error.value) == (
        2, "value", "formula_without_value", "=SUM(1,2)",
    )  # fmt: skip
    assert "Excelで開いて保存し直してください" in error.reason_ja
    assert "値が空です" not in error.reason_ja


def test_a_row_of_formulas_only_is_not_dropped_as_blank() -> None:
    up = read(template(["=A1", "=B1", "=C1", None], ["kpi_1", "2019-05", 3, ""]))
    assert {(e.row, e.rule) for e in up.errors} == {(2, "formula_without_value")} and up.frame[
        "row_number"
    ].tolist() == [2, 3]


def test_numeric_cells_never_arrive_in_exponent_notation() -> None:
    up = read(template(["kpi_1", "2019-04", 0.00001, ""], ["kpi_1", "2019-05", 1.5e20, ""]))
    assert up.errors == []
    assert up.frame["value_text"].tolist() == ["0.00001", "150000000000000000000"]


def test_an_excel_date_serial_in_the_period_is_named() -> None:
    up = read(template(["kpi_1", 43556, 1, ""]))
    [error] = up.errors
    assert "Excel の日付のシリアル値のようです（43556 は 2019-04-01）" in error.reason_ja
    assert "2019-04 の形で" in error.reason_ja


def test_a_cell_over_the_length_cap_refuses_its_row_only() -> None:
    book = template(["kpi_1", "2019-04", 1, "x" * 5000], ["kpi_1", "2019-05", 2, ""])
    up = read(book, limits=ReadLimits(max_cell_chars=1000))
    [error] = up.errors
    assert (error.row, error.column, error.rule) == (2, "org_unit", "cell_too_long")
    assert "5,000文字、上限 1,000文字" in error.reason_ja
    assert len(error.value) == 200 and error.value.endswith("…")
    assert up.frame["value"].tolist() == [1.0, 2.0]


# ── workbooks that are not plain .xlsx ──────────────────────────────────────


def test_a_macro_enabled_workbook_is_refused() -> None:
    data = xlsx(template(["k", "2019-04", 1, ""]))
    exc = refused(data, "up.xlsm")
    assert "マクロ付きの Excel ブック" in exc.message_ja and "Macro-enabled" in exc.message_en
    # a VBA project inside a file named .xlsx is refused too
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    assert "マクロ付き" in refused(out.getvalue(), "up.xlsx").message_ja


@pytest.mark.parametrize(
    ("member", "content", "expected"),
    [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", ".ods"),
        ("xl/workbook.bin", b"\x00", ".xlsb"),
    ],
)
def test_other_workbook_kinds_are_named(member: str, content: bytes, expected: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr(member, content)
    assert expected in refused(out.getvalue()).message_ja
