"""`shihyo catalog import`: the plan's initiative list from Excel in the 別紙 layout, turned
into the catalog's initiatives — the round trip of the 101, the changes a list makes, the
habits of real workbooks, and the rows refused with their reasons."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from indicators.catalog import Catalog, Initiative, load_catalog
from indicators.catalog_export import export_catalog, initiatives_text
from indicators.catalog_import import (
    SheetRefused,
    columns_of,
    import_initiatives,
    number_of,
    one_line,
    status_of,
)
from intake import DEFAULT_LIMITS, FileRejected, ReadLimits
from intake.isolation import read_isolated
from intake.plan_sheet import read_plan_sheet
from kernel.settings import PACKAGE_CATALOG
from shihyo.cli import app
from tests.test_app import USERS, add_users, run_page, signed_in, texts

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "make_plan_sheet.py"
_spec = importlib.util.spec_from_file_location("make_plan_sheet", SAMPLE)
assert _spec is not None and _spec.loader is not None
make_plan_sheet = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_plan_sheet)
plan_sheet = make_plan_sheet.plan_sheet


def imported(data: bytes, catalog: Catalog):
    sheet = read_plan_sheet(data)
    return import_initiatives(sheet.rows, catalog, sheet.problems)


def edited(data: bytes, edit) -> bytes:
    """The workbook with `edit(sheet)` applied to its 別紙 sheet, saved again."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    edit(book["別紙"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_of(sheet, number: str) -> int:
    """The sheet row whose 取組No is `number`."""
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 4).value == number)


# ── the round trip ───────────────────────────────────────────────────────────


def test_the_report_as_excel_imports_as_the_catalog_unchanged(catalog: Catalog) -> None:
    data = plan_sheet(catalog.initiatives, catalog.policies)
    result = imported(data, catalog)
    assert result.refusals == []
    assert result.unchanged
    assert result.initiatives == catalog.initiatives  # ids, statuses, texts, notes: all
    assert result.before == result.after == {
        "achieved": 61, "in_progress": 35, "changed": 5, "total": 101
    }  # fmt: skip
    committed = (PACKAGE_CATALOG / "initiatives.yaml").read_text(encoding="utf-8")
    assert initiatives_text(result.initiatives, committed, catalog.policies) == committed


def test_a_messy_workbook_imports_the_same(catalog: Catalog) -> None:
    """Header on row 4, full-width 取組No, circled digits alone, blank spacer rows."""
    data = plan_sheet(
        catalog.initiatives,
        catalog.policies,
        header_row=4,
        full_width=True,
        digits_only=True,
        spacers=True,
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["別紙"]
    assert sheet.cell(4, 4).value == "取組No" and sheet.cell(6, 4).value == "１"
    assert sheet.cell(6, 6).value == "①"
    result = imported(data, catalog)
    assert result.refusals == []
    assert result.unchanged and result.initiatives == catalog.initiatives


def test_one_status_changed_and_one_row_added_are_exactly_the_changes(
    catalog: Catalog, home: Path, tmp_path: Path
) -> None:
    items = list(catalog.initiatives)
    at = next(n for n, item in enumerate(items) if item.id == "3-1")
    items[at] = items[at].model_copy(update={"status": "achieved"})
    added = Initiative(
        id="3-3", number="3-3", area="p1-01", status="in_progress",
        text="家庭用蓄電池の導入費を補助",
    )  # fmt: skip
    items.insert(at + 2, added)  # after 3-2, the area's last row
    path = tmp_path / "取組一覧.xlsx"
    path.write_bytes(plan_sheet(items, catalog.policies))

    result = imported(path.read_bytes(), catalog)
    assert result.refusals == []
    assert [item.id for item in result.added] == ["3-3"]
    assert result.added[0] == added
    assert result.removed == []
    assert [(c.after.id, c.fields) for c in result.changed] == [("3-1", ("status",))]
    assert result.after == {"achieved": 62, "in_progress": 35, "changed": 5, "total": 102}

    # The command says so, writes nothing by default ...
    runner = CliRunner()
    shown = runner.invoke(app, ["catalog", "import", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "追加 (1)" in shown.output and "+ 3-3" in shown.output
    assert "実施結果の変更 (1)" in shown.output and "3-1: 実施中 → 達成" in shown.output
    assert "削除" not in shown.output and "取組内容の変更" not in shown.output
    assert "書き込みはしていません" in shown.output
    assert not (home / "warehouse.duckdb").exists()
    english = runner.invoke(app, ["catalog", "import", str(path), "--lang", "en"])
    assert (
        "Status changed (1)" in english.output and "3-1: In progress → Achieved" in english.output
    )

    # ... and with --out the catalog folder, only initiatives.yaml differing, by those lines.
    out = tmp_path / "catalog"
    written = runner.invoke(app, ["catalog", "import", str(path), "--out", str(out)])
    assert written.exit_code == 0, written.output
    for name in ("plan.yaml", "indicators.yaml"):
        assert (out / name).read_bytes() == (PACKAGE_CATALOG / name).read_bytes()
    before = (PACKAGE_CATALOG / "initiatives.yaml").read_text(encoding="utf-8").splitlines()
    after = (out / "initiatives.yaml").read_text(encoding="utf-8").splitlines()
    gone = [line for line in before if line not in after]
    new = [line for line in after if line not in before]
    assert gone == ['- {id: "3-1", number: "3-1", area: p1-01, status: in_progress,']
    assert new == [
        '- {id: "3-1", number: "3-1", area: p1-01, status: achieved,',
        '- {id: "3-3", number: "3-3", area: p1-01, status: in_progress,',
        "   text: 家庭用蓄電池の導入費を補助}",
    ]
    assert load_catalog(out).initiatives == result.initiatives
    # Imported again against the written folder, the list is no change.
    again = imported(path.read_bytes(), load_catalog(out))
    assert again.unchanged


def test_new_rows_take_ids_by_the_files_rule(catalog: Catalog) -> None:
    """A number shared with the catalog's rows gets the next letter; a row without a number
    the area's id with a letter; a removed row is reported."""
    items = [item for item in catalog.initiatives if item.id != "41"]
    at = next(n for n, item in enumerate(items) if item.id == "26-c")
    extra = items[at].model_copy(
        update={"id": "x", "text": "<分教室> (1教室) タブレット型端末を整備"}
    )
    items.insert(at + 1, extra)
    last = Initiative(id="y", number=None, area="p3-05", status="in_progress", text="回線の見直し")
    items.append(last)
    result = imported(plan_sheet(items, catalog.policies), catalog)
    assert result.refusals == []
    assert [(item.id, item.number, item.group) for item in result.added] == [
        ("26-d", "26", extra.group),
        ("p3-05-b", None, None),
    ]
    assert [item.id for item in result.removed] == ["41"]


def test_a_reason_column_gives_the_reasons(catalog: Catalog) -> None:
    items = list(catalog.initiatives)
    at = next(n for n, item in enumerate(items) if item.id == "40")
    items[at] = items[at].model_copy(
        update={"status": "changed", "reason": "端末の調達を見直した。"}
    )
    result = imported(plan_sheet(items, catalog.policies, reasons=True), catalog)
    assert result.refusals == []
    assert [(c.after.id, c.fields) for c in result.changed] == [("40", ("status", "reason"))]
    assert result.changed[0].after.reason == "端末の調達を見直した。"


# ── what a cell may say ──────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("① 取組内容を達成した", "achieved"),
        ("①", "achieved"),
        ("1", "achieved"),
        ("１", "achieved"),
        ("(1)", "achieved"),
        ("取組内容を達成した", "achieved"),
        ("① 取組内容を達成した。", "achieved"),
        ("② 取組内容を実施中である", "in_progress"),
        ("②取組内容を実施中である", "in_progress"),
        ("2", "in_progress"),
        ("実施中", "in_progress"),
        ("③", "changed"),
        ("3", "changed"),
        ("③ 取組内容を変更した", "changed"),
        ("① 取組内容を変更した", None),  # contradicts itself
        ("4", None),
        ("未達成", None),
        ("済", None),
    ],
)
def test_statuses_as_offices_write_them(cell: str, status: str | None) -> None:
    assert status_of(cell) == status


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (
            "ZEHを実現するモデル事業を公募し、\n実施に要する経費の一部を補助",
            "ZEHを実現するモデル事業を公募し、実施に要する経費の一部を補助",
        ),
        ("県の\r\n　ホームページ", "県のホームページ"),
        ("Wi-Fi\nスポット", "Wi-Fi スポット"),
        ("open\n data", "open data"),
        ("  前後の空白  ", "前後の空白"),
    ],
)
def test_line_breaks_typed_in_a_cell_are_taken_out(cell: str, text: str) -> None:
    assert one_line(cell) == text


def test_a_text_broken_over_lines_in_its_cell_is_no_change(catalog: Catalog) -> None:
    def break_lines(sheet) -> None:
        for number in ("3-1", "3-2"):
            cell = sheet.cell(row_of(sheet, number), 5)
            cell.value = cell.value[:10] + "\n" + cell.value[10:]

    data = edited(plan_sheet(catalog.initiatives, catalog.policies), break_lines)
    result = imported(data, catalog)
    assert result.refusals == [] and result.unchanged


def test_the_most_specific_heading_names_a_column() -> None:
    """A running No before 取組No is not the initiative's number."""
    assert columns_of(["No", "中項目", "取組No", "取組内容", "実施結果"]) == {
        "number": 2, "area": 1, "text": 3, "status": 4
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cell", "number"),
    [("３－１", "3-1"), ("３ー１", "3-1"), ("ー", None), ("11-2①", "11-2①"),
     ("４５①－２", "45①-2"), (" 13a ", "13a"), ("-", None), ("", None), ("36ｂ", "36b")],
)  # fmt: skip
def test_numbers_as_printed(cell: str, number: str | None) -> None:
    assert number_of(cell) == number


def test_areas_are_found_by_name_whatever_the_numbering_and_width(catalog: Catalog) -> None:
    def renamed(sheet) -> None:
        first = row_of(sheet, "1")
        sheet.cell(first, 1).value = "第１章　スマート 神奈川の推進"
        sheet.cell(first, 2).value = "（１）エネルギーのスマート化"
        area = row_of(sheet, "33")
        sheet.cell(area, 1).value = "第二章"  # the chapter alone, its name in a cell of its own
        sheet.cell(area, 2).value = "２．行政手続の電子化の拡充"

    data = edited(plan_sheet(catalog.initiatives, catalog.policies), renamed)
    result = imported(data, catalog)
    assert result.refusals == [] and result.unchanged


# ── refusals ─────────────────────────────────────────────────────────────────


def test_rows_that_cannot_be_placed_are_refused_with_their_row(
    catalog: Catalog, home: Path, tmp_path: Path
) -> None:
    def broken(sheet) -> None:
        sheet.cell(row_of(sheet, "29"), 2).value = "10 公共インフラのスマート化"  # no such area
        sheet.cell(row_of(sheet, "2"), 6).value = "達成済み"
        sheet.cell(row_of(sheet, "3"), 6).value = None
        sheet.cell(row_of(sheet, "14"), 6).value = "③"  # a change the catalog has no reason for

    path = tmp_path / "broken.xlsx"
    path.write_bytes(edited(plan_sheet(catalog.initiatives, catalog.policies), broken))
    sheet = openpyxl.load_workbook(path)["別紙"]
    rows = {n: row_of(sheet, n) for n in ("2", "3", "14", "29")}
    result = imported(path.read_bytes(), catalog)
    assert [r.message() for r in result.refusals] == [
        f"{rows['2']} 行目: 取組の実施結果「達成済み」が読めません。① 取組内容を達成した・"
        "② 取組内容を実施中である・③ 取組内容を変更した のいずれかを書いてください"
        "（①②③ や 1・2・3 だけでも読めます）。",
        f"{rows['3']} 行目: 取組No 3 に取組の実施結果がありません"
        "（見出しの行なら、その下に取組の行が続きます）。",
        f"{rows['14']} 行目: 取組No 14 は③ 変更ですが、目録にこの取組の変更の理由がありません。"
        "理由の列を加えて書いてください。",
        f"{rows['29']} 行目: 中項目「10 公共インフラのスマート化」は「スマート神奈川の推進」の"
        "取組項目にありません。",
    ]
    assert result.refusals[3].message("en") == (
        f'row {rows["29"]}: 中項目 (area) "10 公共インフラのスマート化" is not an area of '
        '"スマート神奈川の推進".'
    )

    out = tmp_path / "out"
    shown = CliRunner().invoke(app, ["catalog", "import", str(path), "--out", str(out)])
    assert shown.exit_code == 1
    assert (
        f"{rows['2']} 行目" in shown.output
        and "4 件あります。何も書き込んでいません" in shown.output
    )
    assert not out.exists()
    english = CliRunner().invoke(app, ["catalog", "import", str(path), "--lang", "en"])
    assert english.exit_code == 1 and "4 refused; nothing was written." in english.output


def test_a_reason_column_refuses_a_change_without_one(catalog: Catalog) -> None:
    def emptied(sheet) -> None:
        sheet.cell(row_of(sheet, "15"), 7).value = None
        sheet.cell(row_of(sheet, "16"), 7).value = "予定どおり"

    data = edited(plan_sheet(catalog.initiatives, catalog.policies, reasons=True), emptied)
    result = imported(data, catalog)
    assert [r.reason() for r in result.refusals] == [
        "取組No 15 は③ 変更ですが、理由が空です。",
        "理由「予定どおり」が書かれていますが、理由は③ 変更の取組にだけ書きます。",
    ]
    assert result.refusals[0].reason("en") == (
        "取組No 15 is ③ changed, but its 理由 (reason) is empty."
    )


def test_removing_an_initiative_an_indicator_evidences_is_refused(catalog: Catalog) -> None:
    items = [item for item in catalog.initiatives if item.id != "28"]
    result = imported(plan_sheet(items, catalog.policies), catalog)
    assert [r.message() for r in result.refusals] == [
        "取組 28 は一覧にありませんが、指標 wifi_access_points、wifi_facilities がこの取組を"
        "根拠にしているため外せません。一覧に残すか、先に指標の取組を改めてください。"
    ]
    assert "indicators refer to it (wifi_access_points, wifi_facilities)" in result.refusals[
        0
    ].message("en")


def test_a_workbook_without_the_table_is_refused(catalog: Catalog, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["indicator_id", "period", "value"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(SheetRefused) as refused:
        imported(data.getvalue(), catalog)
    assert refused.value.refusal.message() == (
        "取組の一覧の見出し（取組No・取組内容・取組の実施結果）のあるシートが見つかりません。"
    )
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"indicator_id,period,value\n")
    shown = CliRunner().invoke(app, ["catalog", "import", str(path), "--lang", "en"])
    assert shown.exit_code == 1 and "Cannot open the file as an Excel workbook" in shown.output


def test_a_number_excel_turned_into_a_date_is_refused(catalog: Catalog) -> None:
    import datetime as dt

    def dated(sheet) -> None:
        sheet.cell(row_of(sheet, "3-1"), 4).value = dt.datetime(2026, 3, 1)

    result = imported(edited(plan_sheet(catalog.initiatives, catalog.policies), dated), catalog)
    assert [r.reason("en") for r in result.refusals] == [
        '取組No "2026-03-01" is a date (Excel turns a number such as 3-1 into one). Format the '
        "cell as text and type the number again."
    ]


def test_the_committed_sample_is_the_catalog(catalog: Catalog) -> None:
    """data/sample/plan_initiatives.xlsx imports as no change (make_plan_sheet.py rewrites it
    when the catalog's initiatives change)."""
    result = imported((SAMPLE.parent / "plan_initiatives.xlsx").read_bytes(), catalog)
    assert result.refusals == [] and result.unchanged


def test_the_command_answers_in_json(catalog: Catalog, home: Path, tmp_path: Path) -> None:
    items = [item for item in catalog.initiatives if item.id != "41"]
    path = tmp_path / "list.xlsx"
    path.write_bytes(plan_sheet(items, catalog.policies))
    shown = CliRunner().invoke(app, ["catalog", "import", str(path), "--json"])
    assert shown.exit_code == 0, shown.output
    answer = json.loads(shown.output)
    assert answer["sheet"] == "別紙" and answer["refused"] == [] and not answer["unchanged"]
    assert [entry["id"] for entry in answer["removed"]] == ["41"]
    assert answer["counts"]["after"] == {
        "achieved": 60, "in_progress": 35, "changed": 5, "total": 100
    }  # fmt: skip


def test_the_workbook_is_read_in_a_bounded_child_as_uploads_are(catalog: Catalog) -> None:
    data = plan_sheet(catalog.initiatives, catalog.policies)
    assert read_isolated(read_plan_sheet, data, DEFAULT_LIMITS) == read_plan_sheet(data)
    with pytest.raises(FileRejected) as refused:
        read_isolated(read_plan_sheet, data, ReadLimits(max_cells=100))
    assert "100" in refused.value.message_en


def test_a_one_line_header_without_merged_cells_imports_the_same(catalog: Catalog) -> None:
    """大項目 and 中項目 written once and left blank below (no merged cells), 取組No as
    numbers where they are, the header repeated half way (a page break), and a 備考 column
    the table does not have: the same initiatives."""
    book = openpyxl.Workbook()
    sheet = book.active
    header = ["大項目", "中項目", "小項目", "取組No.", "取組内容", "実施結果", "備考"]
    sheet.append(["取組一覧"])
    sheet.append(header)
    rows = make_plan_sheet.table_rows(catalog.initiatives, catalog.policies)
    last = (None, None)
    for n, row in enumerate(rows):
        if n == len(rows) // 2:
            sheet.append(header)
        policy, area = row["policy"], row["area"]
        number = row["number"]
        sheet.append(
            [
                f"第{policy.seq}章　{policy.name}" if policy is not last[0] else None,
                f"{area.seq}．{area.name}" if area is not last[1] else None,
                row["subitem"],
                int(number) if number and number.isascii() and number.isdecimal() else number,
                row["text"],
                {"achieved": 1, "in_progress": 2, "changed": 3}.get(row["status"] or ""),
                "メモ",
            ]
        )
        last = (policy, area)
    data = io.BytesIO()
    book.save(data)
    result = imported(data.getvalue(), catalog)
    assert result.refusals == []
    assert result.unchanged and result.initiatives == catalog.initiatives


def marked_workbook(catalog: Catalog, mark=lambda row: "○", two_lines: bool = True) -> bytes:
    """The 別紙 with one column per status (達成 / 実施中 / 変更) marked ○, under a
    取組の実施結果 heading spanning them (two_lines) or headed in one line."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["行動計画の取組実施結果一覧"])
    statuses = ["① 達成", "② 実施中", "③ 変更"]
    if two_lines:
        sheet.append(["大項目", "中項目", "小項目", "取組No", "取組内容", "取組の実施結果"])
        sheet.merge_cells(start_row=2, start_column=6, end_row=2, end_column=8)
        sheet.append([None, None, None, None, None, *statuses])
    else:
        sheet.append(["大項目", "中項目", "小項目", "取組No", "取組内容", *statuses])
    column = {"achieved": 0, "in_progress": 1, "changed": 2}
    for row in make_plan_sheet.table_rows(catalog.initiatives, catalog.policies):
        marks: list[str | None] = [None, None, None]
        if row["status"]:
            marks[column[row["status"]]] = mark(row)
        sheet.append(
            [
                f"第{row['policy'].seq}章 {row['policy'].name}",
                row["area"].name,
                row["subitem"],
                row["number"],
                row["text"],
                *marks,
            ]
        )
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.mark.parametrize("two_lines", [True, False])
def test_statuses_marked_with_a_circle_in_their_columns_import_the_same(
    catalog: Catalog, two_lines: bool
) -> None:
    """Some offices keep the list with a column per status and ○ in one of them (and ◯, 〇
    or ✓ typed for it): the same 101 initiatives, 61 / 35 / 5."""
    marks = ["○", "◯", "〇", "✓"]
    data = marked_workbook(catalog, lambda row: marks[len(row["text"]) % 4], two_lines)
    result = imported(data, catalog)
    assert result.refusals == []
    assert result.unchanged and result.initiatives == catalog.initiatives
    assert result.after == {"achieved": 61, "in_progress": 35, "changed": 5, "total": 101}


def test_two_marks_or_an_unreadable_mark_are_refused_with_the_row(catalog: Catalog) -> None:
    data = marked_workbook(catalog)

    def spoil(sheet) -> None:
        first = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 4).value == "1")
        sheet.cell(first, 8, "○")  # 1 is achieved (column 6): changed marked as well
        sheet.cell(first + 1, 6).value = None
        sheet.cell(first + 1, 7, "済")  # neither a mark nor blank

    book = openpyxl.load_workbook(io.BytesIO(data))
    spoil(book.active)
    out = io.BytesIO()
    book.save(out)
    result = imported(out.getvalue(), catalog)
    messages = [r.message() for r in result.refusals]
    assert messages == [
        "4 行目: 取組の実施結果の印「○（達成）・○（変更）」が読めません。"
        "達成・実施中・変更の列のうち一つだけに ○ を付け、ほかは空欄にしてください。",
        "5 行目: 取組の実施結果の印「済（実施中）」が読めません。"
        "達成・実施中・変更の列のうち一つだけに ○ を付け、ほかは空欄にしてください。",
    ]


def test_the_export_writes_changed_initiatives_in_the_files_style(
    catalog: Catalog, tmp_path: Path
) -> None:
    """`shihyo catalog export` of a catalog whose initiatives differ from the files (a
    version replayed, an import put in force elsewhere) changes only the entries that differ."""
    items = [
        item.model_copy(update={"status": "achieved"}) if item.id == "42" else item
        for item in catalog.initiatives
    ]
    export_catalog(catalog.model_copy(update={"initiatives": items}), PACKAGE_CATALOG, tmp_path)
    before = (PACKAGE_CATALOG / "initiatives.yaml").read_text(encoding="utf-8").splitlines()
    after = (tmp_path / "initiatives.yaml").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    entry = '- {id: "42", number: "42", area: p3-03, subitem: (2) BPRの当面の取組み, status: '
    assert [(b, a) for b, a in zip(before, after, strict=True) if a != b] == [
        (entry + "in_progress,", entry + "achieved,")
    ]


def test_without_a_policy_the_area_is_found_in_the_whole_plan(catalog: Catalog) -> None:
    """A list whose 大項目 cells are left empty: each 中項目 names one area of the plan."""

    def unnamed(sheet) -> None:
        for merged in list(sheet.merged_cells.ranges):
            if merged.min_col == 1 and merged.min_row >= 7:
                sheet.unmerge_cells(str(merged))
        for row in range(7, sheet.max_row + 1):
            sheet.cell(row, 1).value = None

    data = edited(plan_sheet(catalog.initiatives, catalog.policies, header_row=5), unnamed)
    result = imported(data, catalog)
    assert result.refusals == [] and result.unchanged


def test_a_sheet_is_chosen_by_name(catalog: Catalog, home: Path, tmp_path: Path) -> None:
    """A workbook with a sheet a year: the first with the header is read (the other named in
    a note), --sheet reads the one named, and a name not there is refused naming the sheets."""
    book = openpyxl.load_workbook(io.BytesIO(plan_sheet(catalog.initiatives, catalog.policies)))
    later = book.copy_worksheet(book["別紙"])
    later.title = "令和8年度"
    later.cell(row_of(later, "42"), 6).value = "① 取組内容を達成した"
    path = tmp_path / "years.xlsx"
    book.save(path)

    runner = CliRunner()
    first = runner.invoke(app, ["catalog", "import", str(path), "--lang", "en"])
    assert first.exit_code == 0, first.output
    assert "No change" in first.output and "令和8年度" in first.output
    named = runner.invoke(app, ["catalog", "import", str(path), "--sheet", "令和8年度"])
    assert named.exit_code == 0, named.output
    assert "42: 実施中 → 達成" in named.output
    missing = runner.invoke(app, ["catalog", "import", str(path), "--sheet", "令和9年度"])
    assert missing.exit_code == 1
    assert (
        "シート「令和9年度」がありません（あるのは「表紙」「別紙」「令和8年度」）。"
        in missing.output
    )


# ── the dashboard page ───────────────────────────────────────────────────────


@pytest.fixture
def dashboard(service, home: Path):
    """A fresh warehouse with an administrator and an owner to sign in."""
    add_users(home, USERS)
    return service


def _import_page(user: str, data: bytes, name: str = "取組一覧.xlsx"):
    at = run_page("views/plan_import.py", user=user)
    at.file_uploader(key="plan_import_file").set_value((name, data, "application/vnd.ms-excel"))
    return at.run()


def test_the_page_shows_what_the_list_changes_and_offers_the_file(
    dashboard, catalog: Catalog, tmp_path: Path
) -> None:
    """One status changed: the page says the same as the command, counts before and after,
    and the initiatives.yaml it offers is the committed file with only that line changed."""

    def achieve_3_1(sheet) -> None:
        sheet.cell(row_of(sheet, "3-1"), 6, "① 取組内容を達成した")

    data = edited(plan_sheet(catalog.initiatives, catalog.policies), achieve_3_1)
    at = _import_page("kanri", data)
    assert not at.exception, [e.value for e in at.exception]
    counts = at.dataframe[0].value
    assert counts["現在"].tolist() == [61, 35, 5, 101]
    assert counts["取り込み後"].tolist() == [62, 34, 5, 101]
    changed = at.dataframe[1].value
    assert changed[["取組", "現在", "取り込み後"]].values.tolist() == [["3-1", "実施中", "達成"]]
    assert "実施結果の変更（1）" in texts(at)
    offered = at.get("download_button")[0]
    assert offered.proto.label == "新しい initiatives.yaml をダウンロード"
    # the service writes and reads back the same file the command's --out writes
    out = tmp_path / "out"
    saved = _saved(tmp_path, data)
    result = CliRunner().invoke(app, ["catalog", "import", str(saved), "--out", str(out)])
    assert result.exit_code == 0, result.output
    committed = (PACKAGE_CATALOG / "initiatives.yaml").read_text(encoding="utf-8")
    written = (out / "initiatives.yaml").read_text(encoding="utf-8")
    differing = [
        (a, b) for a, b in zip(committed.splitlines(), written.splitlines(), strict=True) if a != b
    ]
    assert len(differing) == 1 and "achieved" in differing[0][1]


def _saved(folder: Path, data: bytes) -> Path:
    path = folder / "list.xlsx"
    path.write_bytes(data)
    return path


def test_the_page_lists_refused_rows_and_offers_nothing(dashboard, catalog: Catalog) -> None:
    def spoil(sheet) -> None:
        sheet.cell(row_of(sheet, "3-1"), 6, "済")

    at = _import_page("kanri", edited(plan_sheet(catalog.initiatives, catalog.policies), spoil))
    assert not at.exception
    assert "受け付けられないものが 1 件あります。何も書き込んでいません。" in at.error[0].value
    refused = at.dataframe[0].value
    assert "取組の実施結果「済」が読めません" in refused["理由"].iloc[0]
    assert not at.get("download_button")


def test_the_page_refuses_a_workbook_without_the_table(dashboard) -> None:
    book = openpyxl.Workbook()
    book.active.append(["メモ", "だけのシート"])
    data = io.BytesIO()
    book.save(data)
    at = _import_page("kanri", data.getvalue())
    assert not at.exception
    assert at.error and "見出し" in at.error[0].value


def test_the_page_is_for_administrators_only(dashboard) -> None:
    """An owner's navigation has no such page (and the page checks the role again)."""
    at = signed_in("yamada")
    at.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/plan_import.py")
