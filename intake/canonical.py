"""The canonical frame's columns, the template header that maps onto them, and ParsedUpload."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from intake import messages as msg
from intake.messages import RowError
from intake.totals import Notice

SourceKind = Literal["template", "wifi_list", "open_data_list"]

FRAME_COLUMNS = (
    "row_number", "indicator_id", "period_text", "period", "granularity",
    "value_text", "value", "org_unit", "note", "comment",
)  # fmt: skip
ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("indicator_id", "指標ID", "指標コード"),
    "period": ("period", "年月", "期間", "対象月"),
    "value": ("value", "値", "実績値", "実績"),
    "org_unit": ("org_unit", "組織", "団体", "市町村"),
    "note": ("note", "備考"),
    # the owner's words on the figure (状況・要因), kept as the period's commentary
    "comment": ("comment", "コメント", "状況・要因", "状況要因", "分析"),
}
REQUIRED = ("indicator_id", "period", "value")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))


def header_key(cell: str) -> str:
    """Return the comparison form of a header cell: NFKC, no invisibles, stripped, casefolded."""
    return unicodedata.normalize("NFKC", cell).translate(_INVISIBLE).strip().casefold()


ALIAS_KEYS = {header_key(a): name for name, aliases in ALIASES.items() for a in aliases}
_ALIAS_KEYS = ALIAS_KEYS


@dataclass
class ParsedUpload:
    """One upload read into the canonical frame, with how it was read and its row errors.

    Counting the file's rows: `rows_in_file` data rows were read. From the template, each
    row is a frame row or, `set_aside`, a total row kept only as the check it is (so
    rows_in_file == len(frame) + len(set_aside)); `errors` name rows of the frame. From a
    standard list, the frame holds one figure per org unit; `sources` maps each figure's
    row_number to the list rows it counts, and `errors` name the list rows not counted
    (outside the rule, no owner, an unreadable cell). `file_row_counts` does the sums."""

    frame: pd.DataFrame
    encoding: str
    source_kind: SourceKind
    errors: list[RowError] = field(default_factory=list)
    rows_in_file: int | None = None  # None: len(frame)
    set_aside: list[Notice] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    sources: dict[int, tuple[int, ...]] = field(default_factory=dict)
    list_kind: str | None = None  # the standard list's kind (standard_lists.KINDS), if one
    layout: str | None = None  # and its layout: "2017", "2023" or "imi"
    sheet: str | None = None  # the worksheet read, for .xlsx

    def __post_init__(self) -> None:
        if self.rows_in_file is None:
            self.rows_in_file = len(self.frame) + len(self.set_aside)

    def file_row_counts(self, rejected: set[int] | frozenset[int] = frozenset()) -> RowCounts:
        """Return the file's rows as accepted, rejected and set aside, given the frame rows
        (row_number) refused after parsing (validation); parse errors count by themselves."""
        rows = int(self.rows_in_file or 0)
        failed = {e.row for e in self.errors}
        if not self.sources:  # the template: frame rows are file rows
            bad = len(failed | set(rejected))
            return RowCounts(rows, rows - bad - len(self.set_aside), bad, len(self.set_aside))
        bad_rows = set(failed)
        for figure in rejected:
            bad_rows.update(self.sources.get(figure, ()))
        return RowCounts(rows, rows - len(bad_rows), len(bad_rows), 0)


@dataclass(frozen=True)
class RowCounts:
    """A file's data rows: rows == accepted + rejected + set_aside."""

    rows: int
    accepted: int
    rejected: int
    set_aside: int


def is_blank(cells: Sequence[str]) -> bool:
    """Return True if every cell is empty or blank."""
    return all(not c.strip() for c in cells)


def template_columns(number: int, cells: list[str]) -> dict[str, int]:
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
