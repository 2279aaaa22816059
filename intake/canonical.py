"""The canonical frame's columns, the template header that maps onto them, and ParsedUpload."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from intake import messages as msg
from intake.messages import RowError

SourceKind = Literal["template", "wifi_list"]

FRAME_COLUMNS = (
    "row_number", "indicator_id", "period_text", "period", "granularity",
    "value_text", "value", "org_unit", "note",
)  # fmt: skip
ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("indicator_id", "指標ID", "指標コード"),
    "period": ("period", "年月", "期間", "対象月"),
    "value": ("value", "値", "実績値", "実績"),
    "org_unit": ("org_unit", "組織", "団体", "市町村"),
    "note": ("note", "備考"),
}
REQUIRED = ("indicator_id", "period", "value")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


def header_key(cell: str) -> str:
    """Return the comparison form of a header cell: NFKC, no invisibles, stripped, casefolded."""
    return unicodedata.normalize("NFKC", cell).translate(_INVISIBLE).strip().casefold()


_ALIAS_KEYS = {header_key(a): name for name, aliases in ALIASES.items() for a in aliases}


@dataclass
class ParsedUpload:
    """One upload read into the canonical frame, with how it was read and its cell errors."""

    frame: pd.DataFrame
    encoding: str
    source_kind: SourceKind
    errors: list[RowError] = field(default_factory=list)


def _is_blank(cells: Sequence[str]) -> bool:
    """Return True if every cell is empty or blank."""
    return all(not c.strip() for c in cells)


def _template_columns(number: int, cells: list[str]) -> dict[str, int]:
    """Return canonical column name -> index for a template header, else raise FileRejected."""
    keys = [header_key(c) for c in cells]
    found: dict[str, list[int]] = {}
    unknown: list[str] = []
    for i, key in enumerate(keys):
        if key in _ALIAS_KEYS:
            found.setdefault(_ALIAS_KEYS[key], []).append(i)
        elif key:
            unknown.append(cells[i].strip())
    if not any(name in found for name in REQUIRED):
        raise msg.not_a_header(number, cells)
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise msg.missing_columns(number, missing, cells)
    if unknown:
        raise msg.unknown_columns(number, unknown)
    for name, indexes in found.items():
        if len(indexes) > 1:
            raise msg.duplicate_column(number, name, [cells[i].strip() for i in indexes])
    return {name: indexes[0] for name, indexes in found.items()}
