"""One streaming pass over a worksheet's XML, before openpyxl reads it: its merged ranges,
the formula cells saved without a value, whether it holds any value at all, and whether a
single cell is too long to be read whole (openpyxl would hold it in memory)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

_CHUNK = 1 << 20
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}[0-9]{1,7}(?::[A-Za-z]{1,3}[0-9]{1,7})?)"'
)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Za-z]{1,3}[0-9]{1,7})"')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")  # a <v> element with content
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_HAS_VALUE = re.compile(rb"<(?:\w+:)?(?:v>|is>|v\s[^>]*[^/]>)")
# Where an element that matters begins: a pass cuts its buffer there, so that no cell, row
# or merged range is split between two chunks.
_BOUNDARY = re.compile(rb"<(?:\w+:)?(?:c|row|mergeCell)\b")


@dataclass
class Merge:
    """One merged range: its text (A5:A7) and bounds (1-based, inclusive)."""

    ref: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int


@dataclass
class SheetScan:
    """What the pass found."""

    merges: list[Merge] = field(default_factory=list)
    formulas_without_value: dict[tuple[int, int], str] = field(default_factory=dict)
    has_values: bool = False
    # (row near which, bytes) of a cell too long to read, if any
    huge_cell: tuple[int, int] | None = None


def _merge(ref: bytes) -> Merge | None:
    text = ref.decode("ascii").upper()
    try:
        min_col, min_row, max_col, max_row = range_boundaries(text)
    except ValueError:
        return None
    if None in (min_col, min_row, max_col, max_row):
        return None
    return Merge(text, int(min_row), int(min_col), int(max_row), int(max_col))  # type: ignore[arg-type]


def _formula_cells(chunk: bytes, found: dict[tuple[int, int], str]) -> None:
    """Add each cell of `chunk` that holds a formula but no saved value."""
    for match in _CELL.finditer(chunk):
        body = match.group(2) or b""
        if not _FORMULA.search(body) or _VALUE.search(body):
            continue
        ref = _REF.search(match.group(1))
        if ref is None:
            continue  # a cell without its reference cannot be placed; openpyxl counts them
        letters, row = coordinate_from_string(ref.group(1).decode("ascii").upper())
        formula = re.search(rb">([^<]*)</(?:\w+:)?f>", body)
        text = formula.group(1).decode("utf-8", "replace") if formula else ""
        found[(row, column_index_from_string(letters))] = text


def scan_sheet(
    archive: zipfile.ZipFile, path: str, max_cell_bytes: int, max_merges: int
) -> SheetScan:
    """Return what one pass over the worksheet part `path` finds; stops at a cell longer
    than `max_cell_bytes` or at more than `max_merges` merged ranges (the caller refuses)."""
    scan = SheetScan()
    carry = b""
    last_row = 0
    with archive.open(path) as stream:
        while True:
            block = stream.read(_CHUNK)
            data = carry + block
            if not block:
                cut = len(data)
            else:
                starts = [m.start() for m in _BOUNDARY.finditer(data, max(0, len(data) - _CHUNK))]
                cut = starts[-1] if starts else 0
            part, carry = data[:cut], data[cut:]
            rows = _ROW.findall(part)
            if rows:
                last_row = int(rows[-1])
            if len(carry) > max_cell_bytes:
                near = _ROW.search(carry, 0, 4096)
                scan.huge_cell = (int(near.group(1)) if near else last_row, len(carry))
                return scan
            if not scan.has_values and _HAS_VALUE.search(part):
                scan.has_values = True
            if _FORMULA.search(part):
                _formula_cells(part, scan.formulas_without_value)
            for ref in _MERGE.findall(part):
                merge = _merge(ref)
                if merge is not None:
                    scan.merges.append(merge)
            if len(scan.merges) > max_merges:
                return scan
            if not block:
                return scan


def has_values(archive: zipfile.ZipFile, path: str) -> bool:
    """Return True if the worksheet part holds any cell value (a cheap byte search)."""
    tail = b""
    with archive.open(path) as stream:
        while block := stream.read(_CHUNK):
            if _HAS_VALUE.search(tail + block):
                return True
            tail = block[-64:]
    return False
