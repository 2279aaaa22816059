"""A standard open-data list counted for an indicator under its ListRule: distinct items
(access points, AEDs …) per org unit, rows outside the rule refused with the reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from intake import list_messages as lmsg
from intake.canonical import header_key
from intake.list_rule import ListRule, clean
from intake.messages import RowError, bad_period_argument
from intake.periods import PeriodError, parse_period
from intake.standard_lists import LAYOUTS, Layout, field_columns

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)  # fmt: skip
# Where each layout names the body a row belongs to, most specific first.
_ORG_FIELDS = {"2023": ("publisher", "municipality", "prefecture")}
_DEFAULT_ORG_FIELDS = ("municipality", "prefecture")


@dataclass
class _Unit:
    """The items seen for one org unit and the rows they came from."""

    first_row: int
    items: set[tuple[str, ...]] = field(default_factory=set)
    rows: list[int] = field(default_factory=list)


@dataclass
class ListCount:
    """A list counted: one canonical record per org unit, the refused rows, and per record
    (by its row_number) the rows of the file it counts."""

    records: list[dict[str, Any]]
    errors: list[RowError]
    sources: dict[int, tuple[int, ...]]
    rows_read: int


def _municipality(name: str) -> str:
    """Return a publisher name without its prefecture (山口県長門市 → 長門市; 神奈川県 stays)."""
    for prefecture in PREFECTURES:
        if name.startswith(prefecture) and len(name) > len(prefecture):
            return name[len(prefecture) :]
    return name


def _condition_column(column: str, header: Sequence[str], columns: dict[str, list[int]]) -> int:
    """Return the column a RowCondition names: the file's own header, or the field the
    standard gives that name in any layout (設置者 / installer)."""
    key = header_key(column)
    if key in header:
        return header.index(key)
    for layout in LAYOUTS:
        for name, names in layout.fields.items():
            if key in names and name in columns:
                return columns[name][0]
    raise lmsg.rule_column_missing(column)


def count_list(
    rule: ListRule,
    layout: Layout,
    header: Sequence[str],
    rows: Iterable[tuple[int, list[str]]],
    period: str | None,
) -> ListCount:
    """Return the list counted per org unit for `rule.indicator_id` over `period`, or raise
    FileRejected when the list cannot be counted (no period, a layout lacking the columns
    that tell items and owners apart, a publisher outside the rule)."""
    kind = rule.kind
    if period is None or not period.strip():
        raise lmsg.list_needs_period(kind)
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise bad_period_argument(exc.reason_ja, exc.reason_en) from None
    columns = field_columns(layout, header)
    org_fields = [f for f in _ORG_FIELDS.get(layout.key, _DEFAULT_ORG_FIELDS) if f in columns]
    if not org_fields or not ("id" in columns or "name" in columns):
        raise lmsg.layout_lacks_columns(kind, layout, org_fields, columns)
    code_column = columns.get("code", [None])[0]
    if rule.publishers and code_column is None:
        raise lmsg.publisher_unknown(kind, rule)
    conditions = [(c, _condition_column(c.column, header, columns)) for c in rule.where]

    def cell(cells: list[str], index: int | None) -> str:
        return clean(cells[index]) if index is not None and index < len(cells) else ""

    def first(cells: list[str], name: str) -> str:
        return next((v for i in columns.get(name, []) if (v := cell(cells, i))), "")

    units: dict[str, _Unit] = {}
    errors: list[RowError] = []
    outside: dict[str, str] = {}  # publisher code -> name, of rows refused for it
    rows_read = 0
    for number, cells in rows:
        rows_read += 1
        code = cell(cells, code_column)
        if not rule.allows_publisher(code):
            outside.setdefault(code, _publisher_name(cells, first))
            errors.append(lmsg.row_outside_publisher(number, code, kind, rule))
            continue
        refused = next(((c, i) for c, i in conditions if cell(cells, i) not in c.values), None)
        if refused is not None:
            condition, index = refused
            errors.append(lmsg.row_outside_condition(number, condition, cell(cells, index)))
            continue
        names = [first(cells, f) for f in org_fields]
        unit = next((n for n in names if n), "")
        if layout.key == "2023" and unit == names[0]:
            unit = _municipality(unit)
        if not unit:
            errors.append(lmsg.row_without_owner(number, kind, layout))
            continue
        ident = first(cells, "id")
        # The ID (NO) identifies an item within the list; without it, name plus address.
        key = (
            ("id", ident)
            if ident
            else ("name_address", first(cells, "name"), first(cells, "address"))
        )
        entry = units.setdefault(unit, _Unit(number))
        entry.items.add(key)
        entry.rows.append(number)
    if not units and outside:
        raise lmsg.publisher_not_allowed(kind, rule, outside, rows_read)
    records = [
        {
            "row_number": entry.first_row,
            "indicator_id": rule.indicator_id,
            "period_text": period,
            "period": parsed.start,
            "granularity": parsed.granularity,
            "value_text": str(len(entry.items)),
            "value": float(len(entry.items)),
            "org_unit": unit,
            "note": f"{kind.short_ja}から集計 ({len(entry.items)}件)",
        }
        for unit, entry in sorted(units.items(), key=lambda item: item[1].first_row)
    ]
    sources = {entry.first_row: tuple(entry.rows) for entry in units.values()}
    return ListCount(records, errors, sources, rows_read)


def _publisher_name(cells: list[str], first: Any) -> str:
    """Return who published a row as the list names it (地方公共団体名, or prefecture and city)."""
    return first(cells, "publisher") or (first(cells, "prefecture") + first(cells, "municipality"))
