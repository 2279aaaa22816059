"""Write data/sample/plan_initiatives.xlsx: the catalog's initiatives laid out as the review
report's 別紙 「行動計画の取組実施結果一覧」 is kept in Excel — a cover sheet, then the table
with its two-line header (計画上の位置づけ over 大項目 / 中項目 / 小項目, 取組No, 取組内容,
取組の実施結果), 大項目 and 中項目 as merged cells over their rows, 小項目 merged over the
rows it heads, and the heading rows of groups (38, 45, 全ての教科で…) without a status.

It is what `shihyo catalog import` reads: importing it reports no change, and a copy edited in
Excel (a status changed, a row added) shows exactly those changes.

Run: python data/sample/make_plan_sheet.py [OUT.xlsx]

`plan_sheet(...)` is also used by the tests, with the habits offices have (the header lower
down, full-width numbers, circled digits alone, spacer rows, a 理由 column)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
STATUS_TEXT = {
    "achieved": "① 取組内容を達成した",
    "in_progress": "② 取組内容を実施中である",
    "changed": "③ 取組内容を変更した",
}
STATUS_DIGIT = {"achieved": "①", "in_progress": "②", "changed": "③"}
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def _group_number(numbers: list[str | None]) -> str | None:
    """The number a group's heading row prints: the leading digits its rows branch from
    (38 for 38① … 38⑨), none where its rows are numbered otherwise (25-1, 25-2)."""
    first = numbers[0] or ""
    stem = first[: len(first) - len(first.lstrip("0123456789"))]
    if not stem:
        return None
    for number in numbers:
        if not number or not number.startswith(stem) or len(number) == len(stem):
            return None
        if number[len(stem)] in "0123456789-":
            return None
    return stem


def table_rows(initiatives: list, policies: list) -> list[dict]:
    """The table's rows in order: each initiative, a group's heading row before its first."""
    area_of = {area.id: (policy, area) for policy in policies for area in policy.areas}
    rows: list[dict] = []
    n = 0
    while n < len(initiatives):
        item = initiatives[n]
        policy, area = area_of[item.area]
        if item.group:
            members = []
            while (
                n + len(members) < len(initiatives)
                and initiatives[n + len(members)].group == item.group
                and initiatives[n + len(members)].area == item.area
            ):
                members.append(initiatives[n + len(members)])
            heading = {
                "policy": policy,
                "area": area,
                "subitem": item.subitem,
                "number": _group_number([m.number for m in members]),
                "text": item.group,
                "status": None,
                "reason": None,
            }
            rows.append(heading)
            for member in members:
                rows.append(_row(member, policy, area))
            n += len(members)
            continue
        rows.append(_row(item, policy, area))
        n += 1
    return rows


def _row(item: object, policy: object, area: object) -> dict:
    return {
        "policy": policy,
        "area": area,
        "subitem": item.subitem,  # type: ignore[attr-defined]
        "number": item.number,  # type: ignore[attr-defined]
        "text": item.text,  # type: ignore[attr-defined]
        "status": item.status,  # type: ignore[attr-defined]
        "reason": item.reason,  # type: ignore[attr-defined]
    }


def _merge_runs(
    sheet: object, column: int, values: list[tuple[object, str] | None], first_row: int
) -> None:
    """Write `values` (key, text) down `column`, each run of one key as a merged cell."""
    start = 0
    for n in range(1, len(values) + 1):
        if n < len(values) and values[n] == values[start]:
            continue
        if values[start] is not None:
            sheet.cell(first_row + start, column, values[start][1])  # type: ignore[attr-defined, index]
            if n - 1 > start:
                sheet.merge_cells(  # type: ignore[attr-defined]
                    start_row=first_row + start,
                    start_column=column,
                    end_row=first_row + n - 1,
                    end_column=column,
                )
        start = n


def plan_sheet(
    initiatives: list,
    policies: list,
    *,
    header_row: int = 3,
    full_width: bool = False,
    digits_only: bool = False,
    spacers: bool = False,
    reasons: bool = False,
    cover: bool = True,
) -> bytes:
    """The .xlsx bytes of the 別紙 for `initiatives` (the catalog's models) under `policies`."""
    book = openpyxl.Workbook()
    if cover:
        front = book.active
        front.title = "表紙"
        front["A1"] = "電子化全開宣言行動計画 点検報告書"
        front["A3"] = "【別紙】行動計画の取組実施結果一覧（次のシート）"
        sheet = book.create_sheet("別紙")
    else:
        sheet = book.active
        sheet.title = "別紙"
    sheet["A1"] = "【別紙】行動計画の取組実施結果一覧"
    sheet["A1"].font = Font(bold=True)
    h = header_row
    sheet.cell(h, 1, "計画上の位置づけ")
    sheet.merge_cells(start_row=h, start_column=1, end_row=h, end_column=3)
    headings = ["取組No", "取組内容", "取組の実施結果"] + (["理由"] if reasons else [])
    for offset, text in enumerate(headings):
        sheet.cell(h, 4 + offset, text)
        sheet.merge_cells(
            start_row=h, start_column=4 + offset, end_row=h + 1, end_column=4 + offset
        )
    for offset, text in enumerate(("大項目", "中項目", "小項目")):
        sheet.cell(h + 1, 1 + offset, text)

    rows = table_rows(initiatives, policies)
    if spacers:  # a blank row before each policy's first row but the first
        spaced: list[dict | None] = []
        for n, row in enumerate(rows):
            if n and row["policy"] is not rows[n - 1]["policy"]:
                spaced.append(None)
            spaced.append(row)
    else:
        spaced = list(rows)
    first = h + 2
    for n, row in enumerate(spaced):
        if row is None:
            continue
        number = row["number"]
        if number is not None and full_width:
            number = number.translate(_FULL_WIDTH)
        sheet.cell(first + n, 4, number if number is not None else "")
        sheet.cell(first + n, 5, row["text"]).alignment = Alignment(wrap_text=True)
        if row["status"]:
            status = STATUS_DIGIT if digits_only else STATUS_TEXT
            sheet.cell(first + n, 6, status[row["status"]])
        if reasons and row["reason"]:
            sheet.cell(first + n, 7, row["reason"])

    def runs(key: str) -> list[tuple[object, str] | None]:
        out: list[tuple[object, str] | None] = []
        for row in spaced:
            policy, area = (row["policy"], row["area"]) if row else (None, None)
            if row is None or (key == "subitem" and row["subitem"] is None):
                out.append(None)
            elif key == "policy":
                out.append((policy.id, f"第{policy.seq}章 {policy.name}"))
            elif key == "area":
                out.append((area.id, f"{area.seq} {area.name}"))
            else:
                out.append((area.id, row["subitem"]))
        return out

    # A spacer row ends a run; the areas and sub-items are runs within their policy.
    _merge_runs(sheet, 1, runs("policy"), first)
    _merge_runs(sheet, 2, runs("area"), first)
    _merge_runs(sheet, 3, runs("subitem"), first)
    for column, width in zip("ABCDEF", (18, 22, 26, 9, 70, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from indicators.catalog import load_catalog

    catalog = load_catalog(ROOT / "indicators" / "catalog")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "plan_initiatives.xlsx"
    out.write_bytes(plan_sheet(catalog.initiatives, catalog.policies))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
