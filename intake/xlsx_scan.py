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
    cells: int = 0
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


_ROOT = re.compile(rb"<(\w+:)?worksheet\b")


@dataclass(frozen=True)
class _Tags:
    """The start tags a pass looks for, with the namespace prefix the sheet uses (x:c)."""

    cell: bytes
    empty_cell: bytes
    row: bytes
    merge: bytes
    formula: bytes

    @classmethod
    def of(cls, first: bytes) -> _Tags:
        root = _ROOT.search(first)
        p = (root.group(1) or b"") if root else b""
        return cls(b"<" + p + b"c ", b"<" + p + b"c>", b"<" + p + b"row", b"<" + p + b"mergeCell ",
                   b"<" + p + b"f")  # fmt: skip

    def last_start(self, data: bytes, low: int = 1) -> int:
        """Return where the last cell, row or merged range in `data` begins (at or after
        `low`), or -1."""
        return max(data.rfind(t, low) for t in (self.cell, self.empty_cell, self.row, self.merge))


def scan_sheet(
    archive: zipfile.ZipFile, path: str, max_cell_bytes: int, max_merges: int, max_cells: int
) -> SheetScan:
    """Return what one pass over the worksheet part `path` finds; stops at a cell longer
    than `max_cell_bytes`, at more than `max_merges` merged ranges or more than `max_cells`
    cells (the caller refuses). Byte searches in C first; regular expressions only on the
    chunks where they find something."""
    scan = SheetScan()
    carry = b""  # bytes not yet looked at, from the start of an element
    pieces: list[bytes] = []  # within one element longer than a chunk: its bytes, unjoined
    held = 0  # len(carry) + the pieces' lengths
    last_row = 0
    tags: _Tags | None = None
    with archive.open(path) as stream:
        while True:
            block = stream.read(_CHUNK)
            if tags is None:
                tags = _Tags.of(block[:4096])
            if not block:
                part, carry, pieces = carry + b"".join(pieces), b"", []
            elif pieces or len(carry) >= _CHUNK:  # inside a long element: never re-join it
                cut = tags.last_start(block, 0)
                if cut < 0:
                    pieces.append(block)
                    part = b""
                else:
                    part = carry + b"".join(pieces) + block[:cut]
                    carry, pieces = block[cut:], []
            else:
                data = carry + block
                cut = max(tags.last_start(data), 0)
                part, carry = data[:cut], data[cut:]
            held = len(carry) + sum(len(p) for p in pieces)
            at = part.rfind(tags.row)
            if at >= 0 and (row := _ROW.match(part, at)) is not None:
                last_row = int(row.group(1))
            if held > max_cell_bytes:
                near = _ROW.search(carry, 0, 4096)
                scan.huge_cell = (int(near.group(1)) if near else last_row, held)
                return scan
            scan.cells += part.count(tags.cell) + part.count(tags.empty_cell)
            if scan.cells > max_cells:
                return scan
            if not scan.has_values and _HAS_VALUE.search(part):
                scan.has_values = True
            if tags.formula in part:
                _formula_cells(part, scan.formulas_without_value)
            if tags.merge in part:
                for ref in _MERGE.findall(part):
                    merge = _merge(ref)
                    if merge is not None:
                        scan.merges.append(merge)
                if len(scan.merges) > max_merges:
                    return scan
            if not block:
                return scan
