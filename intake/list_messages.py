"""What intake tells the sender about standard open-data lists: which list it is, which
layouts are read, whose list may feed an indicator, and why a row is not counted."""

from __future__ import annotations

from collections.abc import Sequence

from intake.list_rule import ListRule, RowCondition
from intake.messages import (
    EXPECTED_HEADER_EN,
    EXPECTED_HEADER_JA,
    WIFI_PERIOD_EXAMPLE,
    FileRejected,
    RowError,
    quote,
    quote_cells,
)
from intake.standard_lists import (
    OTHER_KIND,
    SUPPORTED_EN,
    SUPPORTED_JA,
    Layout,
    ListKind,
)


def _the(kind: ListKind) -> str:
    """Return the kind's English name with its article."""
    return ("a " if kind is OTHER_KIND else "the ") + kind.name_en


def not_this_list(
    kind: ListKind, rules: Sequence[ListRule], header_row: int, rows: int
) -> FileRejected:
    """Return the rejection for a standard list that no rule lets feed an indicator."""
    here_ja = f"この一覧は見出しが{header_row}行目、データが{rows:,}行です"
    here_en = f"this one has its header at row {header_row} and {rows:,} data rows"
    if rules:
        names_ja = "・".join(rule.kind.name_ja for rule in rules)
        names_en = " or ".join(_the(rule.kind) for rule in rules)
        defining_ja = "、".join(
            f"{rule.kind.name_ja}には {'・'.join(rule.kind.shown)} の列があります" for rule in rules
        )
        defining_en = "; ".join(
            f"{_the(rule.kind)} has the columns {', '.join(rule.kind.shown)}" for rule in rules
        )
        what_ja = f"{names_ja}ではありません（{defining_ja}。{here_ja}）。"
        what_en = f"not {names_en} ({defining_en}; {here_en})."
    else:
        what_ja = f"一覧のままでは取り込めません（{here_ja}）。"
        what_en = f"and no list is taken as it is ({here_en})."
    return FileRejected(
        f"これは{kind.name_ja}です。{what_ja}"
        f"指標の値はテンプレートの形（{EXPECTED_HEADER_JA}）で送ってください。",
        f"This is {_the(kind)}, {what_en} Send figures in the template ({EXPECTED_HEADER_EN}).",
        rows_in_file=rows,
    )


def unsupported_layout(kind: ListKind, header_row: int, cells: Sequence[str]) -> FileRejected:
    """Return the rejection for a list of a known kind in a layout that is not read."""
    found = quote_cells(cells)
    return FileRejected(
        f"{kind.name_ja}ですが、{header_row}行目の見出し（「{found}」）は対応している様式の"
        f"どれでもありません。対応している様式: {SUPPORTED_JA}。",
        f'This is {_the(kind)}, but its header at row {header_row} ("{found}") is in none '
        f"of the layouts read: {SUPPORTED_EN}.",
    )


def layout_lacks_columns(
    kind: ListKind, layout: Layout, org_fields: Sequence[str], columns: dict[str, list[int]]
) -> FileRejected:
    """Return the rejection for a list whose layout lacks the columns that tell items and
    their owners apart."""
    needed_ja = {"2023": "地方公共団体名, ID または 名称", "imi": "city または pref, name"}.get(
        layout.key, "市区町村名 または 都道府県名, NO または 名称"
    )
    return FileRejected(
        f"{kind.name_ja}（様式: {layout.name_ja}）ですが、数えるのに必要な列（{needed_ja}）が"
        f"そろっていません。対応している様式: {SUPPORTED_JA}。",
        f"This is {_the(kind)} ({layout.name_en}) but it lacks the columns needed to count it "
        f"({needed_ja}). Layouts read: {SUPPORTED_EN}.",
    )


def list_needs_period(kind: ListKind) -> FileRejected:
    """Return the rejection for a list sent without the period it describes."""
    return FileRejected(
        f"{kind.name_ja}には期間の列がありません。いつ時点の一覧かを指定してください"
        f"（例: {WIFI_PERIOD_EXAMPLE}）。",
        f"A {kind.name_en} has no period column; give the period it describes "
        f"(e.g. {WIFI_PERIOD_EXAMPLE}).",
    )


def _codes(rule: ListRule) -> str:
    return ", ".join(sorted(rule.publishers))


def publisher_unknown(kind: ListKind, rule: ListRule) -> FileRejected:
    """Return the rejection for a list without its publisher's code, when the rule needs it."""
    return FileRejected(
        f"この{kind.name_ja}には公開者の全国地方公共団体コードの列がないため、指標"
        f"「{rule.indicator_id}」に使える一覧（コード {_codes(rule)} の団体の一覧）か確かめられ"
        "ません。コードの列がある一覧を送ってください。",
        f"This {kind.name_en} has no column with its publisher's local government code, so it "
        f"cannot be checked against indicator '{rule.indicator_id}' (lists published by "
        f"{_codes(rule)} only).",
    )


def publisher_not_allowed(
    kind: ListKind, rule: ListRule, found: dict[str, str], rows: int
) -> FileRejected:
    """Return the rejection for a list published by a body the rule does not take."""
    shown = "、".join(
        f"{name or '(名称なし)'}（{code or 'コードなし'}）" for code, name in found.items()
    )
    shown_en = ", ".join(
        f"{name or '(no name)'} ({code or 'no code'})" for code, name in found.items()
    )
    return FileRejected(
        f"この{kind.name_ja}の公開者は{quote(shown)}です。指標「{rule.indicator_id}」に使えるの"
        f"は全国地方公共団体コード {_codes(rule)} の団体が公開した一覧だけです"
        f"（データ{rows:,}行）。",
        f"This {kind.name_en} is published by {quote(shown_en)}; indicator "
        f"'{rule.indicator_id}' takes only lists published by {_codes(rule)} "
        f"({rows:,} data rows).",
        rows_in_file=rows,
    )


def rule_column_missing(column: str) -> FileRejected:
    """Return the rejection for a rule that selects rows by a column the list lacks."""
    return FileRejected(
        f"この一覧には、数える行を選ぶための列「{column}」がありません。",
        f"This list has no column '{column}', by which the rows to count are chosen.",
    )


def row_outside_publisher(row: int, code: str, kind: ListKind, rule: ListRule) -> RowError:
    """Return the refusal of a row published by a body outside the rule."""
    return RowError(
        row,
        "全国地方公共団体コード",
        code,
        f"公開者のコード「{code or '(空)'}」は、指標「{rule.indicator_id}」に数える団体"
        f"（{_codes(rule)}）ではありません。",
        f"publisher code '{code}' is not one whose {kind.name_en} counts for "
        f"'{rule.indicator_id}' ({_codes(rule)}).",
        "list_publisher",
    )


def row_outside_condition(row: int, condition: RowCondition, value: str) -> RowError:
    """Return the refusal of a row that a rule's condition leaves out."""
    wanted = "・".join(sorted(condition.values))
    return RowError(
        row,
        condition.column,
        value,
        f"{condition.column}が「{quote(value) or '(空)'}」の行は数えません（数えるのは"
        f"{condition.column}が {wanted} の行です）。",
        f"{condition.column} '{quote(value)}' is not counted (only {wanted}).",
        "list_condition",
    )


def row_without_owner(row: int, kind: ListKind, layout: Layout) -> RowError:
    """Return the refusal of a row that names no body it belongs to."""
    column, names = {
        "2023": ("地方公共団体名", "地方公共団体名も所在地_市区町村も所在地_都道府県も"),
        "imi": ("city", "city も pref も"),
    }.get(layout.key, ("市区町村名", "市区町村名も都道府県名も"))
    return RowError(
        row,
        column,
        "",
        f"{names}空のため、どの団体の{kind.short_ja}の行か分かりません。",
        f"no body is named ({column} and the like are empty), so the owner is unknown.",
        "org_unit_present",
    )


def nothing_counted(kind: ListKind, rows: int, first: RowError) -> FileRejected:
    """Return the rejection for a list none of whose rows could be counted."""
    return FileRejected(
        f"この{kind.name_ja}には数えられる行がありません（データ{rows:,}行のすべてを数えません"
        f"でした。例: {first.row}行目 — {first.reason_ja}）",
        f"No row of this {kind.name_en} can be counted (none of its {rows:,} data rows; e.g. "
        f"row {first.row}: {first.reason_en})",
        rows_in_file=rows,
    )
