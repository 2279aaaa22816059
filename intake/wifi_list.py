"""Adapter for the standard open-data list 公衆無線LANアクセスポイント一覧 (自治体標準オープン
データセット): counts distinct access points per municipality as `wifi_access_points`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from intake.messages import RowError, bad_period_argument, wifi_needs_period
from intake.periods import PeriodError, parse_period

INDICATOR_ID = "wifi_access_points"
OTHER_COLUMNS = (
    "NO",
    "都道府県名",
    "市区町村名",
    "名称",
    "名称_カナ",
    "名称_英語",
    "住所",
    "方書",
    "緯度",
    "経度",
    "設置者",
    "電話番号",
    "内線番号",
    "SSID",
    "提供エリア",
    "URL",
    "備考",
)
# The adapter reads these; a file without them cannot be counted whatever else it has.
NEEDED = ("NO", "都道府県名", "市区町村名", "名称", "住所")
# Publishers drop or rename a few optional columns, so demand most of the list, not all of it.
MIN_OTHER_COLUMNS = 12


def _key(name: str) -> str:
    """Return the comparison form of a header name (same rule as the template's headers)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


_OTHER_KEYS = {_key(c) for c in OTHER_COLUMNS}


def is_wifi_header(header: Sequence[str]) -> bool:
    """Return True if the normalised header cells are those of the Wi-Fi access point list."""
    # The first cell is left out on purpose: real files arrive with garbage glued to its
    # front (a mis-saved BOM), and the other columns identify the list well enough.
    keys = set(header)
    return all(_key(c) in keys for c in NEEDED) and len(keys & _OTHER_KEYS) >= MIN_OTHER_COLUMNS


def _clean(text: str) -> str:
    """Return `text` NFKC-normalised with runs of blanks collapsed, for keys and names."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class _Municipality:
    """The access points seen for one municipality and the row where it first appeared."""

    first_row: int
    points: set[tuple[str, ...]] = field(default_factory=set)


def aggregate(
    header: Sequence[str],
    rows: Iterable[tuple[int, list[str]]],
    period: str | None,
) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Return one canonical record per municipality (access point count) and the row errors."""
    if period is None or not period.strip():
        raise wifi_needs_period()
    try:
        parsed = parse_period(period)
    except PeriodError as exc:
        raise bad_period_argument(exc.reason_ja, exc.reason_en) from None
    col = {name: header.index(_key(name)) for name in NEEDED}
    by_unit: dict[str, _Municipality] = {}
    errors: list[RowError] = []
    for row_number, cells in rows:
        cell = {name: _clean(cells[i]) if i < len(cells) else "" for name, i in col.items()}
        # Prefecture-run access points leave 市区町村名 blank; they count for the prefecture.
        unit = cell["市区町村名"] or cell["都道府県名"]
        if not unit:
            errors.append(
                RowError(
                    row_number,
                    "市区町村名",
                    "",
                    "市区町村名も都道府県名も空のため、どの団体のアクセスポイントか分かりません。",
                    "Neither 市区町村名 nor 都道府県名 is given, so the owner is unknown.",
                    "org_unit_present",
                )
            )
            continue
        number = cell["NO"]
        # NO identifies an access point within the list; without it, name plus address does.
        key = ("no", number) if number else ("name_address", cell["名称"], cell["住所"])
        entry = by_unit.setdefault(unit, _Municipality(row_number))
        entry.points.add(key)
    records = [
        {
            "row_number": entry.first_row,
            "indicator_id": INDICATOR_ID,
            "period_text": period,
            "period": parsed.start,
            "granularity": parsed.granularity,
            "value_text": str(len(entry.points)),
            "value": float(len(entry.points)),
            "org_unit": unit,
            "note": f"公衆無線LAN一覧から集計 ({len(entry.points)}件)",
        }
        for unit, entry in sorted(by_unit.items(), key=lambda item: item[1].first_row)
    ]
    return records, errors
