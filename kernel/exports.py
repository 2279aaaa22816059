"""Files shihyo writes for people to open in Excel: UTF-8 with BOM (so Excel reads
the Japanese), and text cells that cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d,]*(\.\d+)?$")


def neutralise(cell: object) -> object:
    """The cell, with a leading apostrophe where Excel would read the text as a formula."""
    if not isinstance(cell, str) or not cell.startswith(_FORMULA_START):
        return cell
    if _PLAIN_NUMBER.match(cell):
        return cell  # a signed number is data, not a formula
    return "'" + cell


ERROR_COLUMNS = ("file", "row", "column", "value", "rule", "reason", "reason_en")


def write_errors_csv(path: Path, file_name: str, issues: Iterable[Mapping[str, object]]) -> None:
    """The rejected rows of one file, with the reasons, as a CSV for the sender."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ERROR_COLUMNS)
        for issue in issues:
            row = [file_name, *(issue.get(key) for key in ERROR_COLUMNS[1:])]
            writer.writerow([neutralise("" if cell is None else cell) for cell in row])
