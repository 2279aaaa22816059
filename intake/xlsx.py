"""Reading an .xlsx upload as offices save them, bounded by what it decompresses to: the zip
checked part by part before anything is read, the sheet that holds a header found (a cover
sheet first is passed over), merged ranges filled down, formulas without a saved value and
overlong cells marked on their rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl

from intake import xlsx_messages as xmsg
from intake.canonical import is_blank
from intake.limits import ReadLimits, shorten
from intake.messages import CellProblems, FileRejected, bad_xlsx, cell_too_long, too_large
from intake.standard_lists import looks_like_header
from intake.xlsx_scan import Merge, SheetScan, scan_sheet

_HEADER_SEARCH_ROWS = 20  # non-blank rows looked at for a header, per sheet
_HEADER_SEARCH_SCANNED = 2_000  # rows (blank ones too) looked at for it
_MACRO_PARTS = ("vbaproject.bin", "vbaprojectsignature.bin")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject")

HeaderTest = Callable[[Sequence[str]], "str | None"]
"""What a header row is: a name for the kind of header the cells are (the template's "template"
or a standard list's "list" for uploads), or None when they are not one."""


@dataclass
class SheetRows:
    """The chosen sheet's rows (sheet row number, cells as text), from its first non-blank
    row on, with the cells that could not be taken as read and what the sender should know."""

    name: str
    rows: list[tuple[int, list[str]]]
    problems: CellProblems = field(default_factory=CellProblems)  # (row, col0)
    filled: dict[tuple[int, int], str] = field(default_factory=dict)  # merge fills
    property_row: tuple[int, list[str]] | None = None  # an IMI #property row above the data
    notes: list[tuple[str, str]] = field(default_factory=list)  # (ja, en) about other sheets


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def check_archive(data: bytes, limits: ReadLimits) -> zipfile.ZipFile:
    """Return the workbook's zip once every part's declared size is within the limits
    (Python's zipfile never inflates a part past its declared size), else raise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except Exception as exc:  # BadZipFile, but also struct errors on mangled headers
        raise bad_xlsx(type(exc).__name__) from None
    if len(parts) > limits.max_parts:
        raise xmsg.too_many_parts(len(parts), limits.max_parts)
    names = {p.filename.casefold() for p in parts}
    if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:200]:
        raise xmsg.opendocument()
    if "xl/workbook.bin" in names:
        raise xmsg.binary_workbook()
    if any(n.rsplit("/", 1)[-1] in _MACRO_PARTS for n in names) or _declares_macros(archive):
        raise xmsg.macro_workbook()
    total = 0
    for part in parts:
        cap = limits.max_sheet_bytes if _is_worksheet(part.filename) else limits.max_part_bytes
        if part.file_size > cap:
            raise xmsg.part_too_large(part.filename, part.file_size, cap)
        total += part.file_size
    if total > limits.max_workbook_bytes:
        raise xmsg.workbook_too_large(total, limits.max_workbook_bytes)
    return archive


def _declares_macros(archive: zipfile.ZipFile) -> bool:
    """Return True if [Content_Types].xml declares a macro-enabled workbook or a VBA part."""
    try:
        types = archive.read("[Content_Types].xml")
    except KeyError:
        return False
    return any(marker in types for marker in _MACRO_TYPES)


def cell_text(value: object) -> str:
    """Return an Excel cell value as the text a CSV export would have held (never in
    exponent notation: 1e-05 is 0.00001, as Excel shows it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 12345.0 from a numeric cell is the integer 12345
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")  # shortest text that reads back the same
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_sheet(
    data: bytes,
    limits: ReadLimits,
    header: HeaderTest = looks_like_header,
    sheet: str | None = None,
) -> SheetRows:
    """Return the rows of the sheet that holds the header (by default the template's or a
    standard list's; `header` tells another kind of table, such as a plan's initiative
    list), or of the first sheet with data when none does, or of the sheet named `sheet`;
    raise FileRejected when the workbook is beyond the limits or cannot be opened, or has
    no sheet so named."""
    archive = check_archive(data, limits)
    # Every worksheet is scanned before openpyxl opens the workbook: opening one already
    # parses a sheet that lacks its <dimension>, and a cell too long to read must be
    # refused before anything loads it.
    scans = {
        part.filename: _scan(archive, part.filename, limits)
        for part in archive.infolist()
        if _is_worksheet(part.filename)
    }
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRejected:
        raise
    except Exception as exc:  # openpyxl fails on malformed input with many exception types
        raise bad_xlsx(type(exc).__name__) from None
    try:
        if not book.worksheets:
            raise bad_xlsx("no worksheet")
        if sheet is not None:
            named = next((s for s in book.worksheets if s.title == sheet), None)
            if named is None:
                raise xmsg.no_such_sheet(sheet, [s.title for s in book.worksheets])
            return _read_rows(named, scans.get(_sheet_path(named) or "", SheetScan()), limits)
        return _read_chosen(book, scans, limits, header)
    except FileRejected:
        raise
    except Exception as exc:
        raise bad_xlsx(type(exc).__name__) from None
    finally:
        book.close()


def _sheet_path(sheet: object) -> str | None:
    return getattr(sheet, "_worksheet_path", None)


def _header_kind(sheet: object, header: HeaderTest) -> str | None:
    """Return "template" or "list" for the first header among a sheet's first rows."""
    seen = 0
    for scanned, values in enumerate(sheet.iter_rows(values_only=True)):  # type: ignore[attr-defined]
        if scanned >= _HEADER_SEARCH_SCANNED or seen >= _HEADER_SEARCH_ROWS:
            return None
        cells = [cell_text(v) for v in values[:200]]
        if is_blank(cells):
            continue
        seen += 1
        kind = header(cells)
        if kind is not None:
            return kind
    return None


def _read_chosen(
    book: object, scanned: dict[str, SheetScan], limits: ReadLimits, header: HeaderTest
) -> SheetRows:
    sheets = list(book.worksheets)  # type: ignore[attr-defined]
    scans = [scanned.get(_sheet_path(s) or "", SheetScan()) for s in sheets]
    kinds = [_header_kind(s, header) for s in sheets]
    templates = [s for s, k in zip(sheets, kinds, strict=True) if k == "template"]
    if len(templates) > 1:
        exc = xmsg.several_template_sheets([s.title for s in templates])
        exc.rows_in_file = sum(_data_rows(s, limits) for s in templates)
        raise exc
    chosen = next((s for s, k in zip(sheets, kinds, strict=True) if k is not None), None)
    data_sheets = [
        s for s, scan in zip(sheets, scans, strict=True) if scan.has_values or scan.cells
    ]
    if chosen is None:
        chosen = data_sheets[0] if data_sheets else sheets[0]
    rows = _read_rows(chosen, scans[sheets.index(chosen)], limits)
    skipped = [s.title for s in sheets[: sheets.index(chosen)]]
    others = [s.title for s in data_sheets if s is not chosen and s.title not in skipped]
    if skipped:
        rows.notes.append(xmsg.sheet_chosen(chosen.title, skipped))
    if others:
        rows.notes.append(xmsg.other_sheets_with_data(chosen.title, others))
    return rows


def _data_rows(sheet: object, limits: ReadLimits) -> int:
    """Return how many non-blank rows a sheet has below its first non-blank one (its header),
    counting at most limits.max_rows."""
    found = -1
    for values in sheet.iter_rows(values_only=True):  # type: ignore[attr-defined]
        if any(v is not None and str(v).strip() for v in values[: limits.max_columns]):
            found += 1
            if found >= limits.max_rows:
                break
    return max(found, 0)


def _scan(archive: zipfile.ZipFile, path: str, limits: ReadLimits) -> SheetScan:
    """Return the scan of one worksheet part, refusing a cell too long to be read."""
    # A cell's XML is at most ~10 bytes a character (&#x…; references) plus its tags.
    scan = scan_sheet(
        archive,
        path,
        limits.max_cell_chars * 10 + 4096,
        limits.max_merged_ranges,
        limits.max_cells,
    )
    name = path.rsplit("/", 1)[-1]
    if scan.huge_cell is not None:
        raise xmsg.cell_too_large_to_read(name, *scan.huge_cell)
    # Refused whichever sheet holds them: openpyxl already parses a sheet to open the book.
    if scan.cells > limits.max_cells:
        raise xmsg.too_many_cells(name, limits.max_cells)
    if len(scan.merges) > limits.max_merged_ranges:
        raise xmsg.too_many_merges(name, limits.max_merged_ranges)
    return scan


def _read_rows(sheet: object, scan: SheetScan, limits: ReadLimits) -> SheetRows:
    """Return the sheet's non-blank rows with merged ranges filled down and problems marked."""
    out = SheetRows(sheet.title, [])  # type: ignore[attr-defined]
    merges = _Merges(scan.merges, limits.max_columns)
    formulas: dict[int, list[tuple[int, str]]] = {}
    for (row, col), formula in scan.formulas_without_value.items():
        formulas.setdefault(row, []).append((col - 1, formula))
    sheet.reset_dimensions()  # type: ignore[attr-defined]  # stored dimensions can be wrong
    rows = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    for number, values in enumerate(rows, start=1):
        if len(values) > limits.max_blank_columns:
            raise too_large("列数", "columns", limits.max_columns)
        cells = [cell_text(v) for v in values]
        if len(cells) > limits.max_columns:
            if not is_blank(cells[limits.max_columns :]):
                raise too_large("列数", "columns", limits.max_columns)
            cells = cells[: limits.max_columns]
        merges.fill(number, cells, out)
        marked = False
        for col, formula in formulas.get(number, ()):
            if col < len(cells) and not cells[col].strip():
                out.problems[(number, col)] = xmsg.formula_without_value(formula)
                marked = True
        for col, text in enumerate(cells):
            if len(text) > limits.max_cell_chars:
                out.problems[(number, col)] = cell_too_long(text, limits.max_cell_chars)
                cells[col] = shorten(text)
        if is_blank(cells) and not marked:
            continue  # formatting-only rows below the data are not content
        if number > limits.max_rows:
            exc = too_large("行数", "rows", limits.max_rows)
            exc.rows_in_file, exc.rows_exact = max(len(out.rows) - 1, 0), False
            raise exc
        out.rows.append((number, cells))
    while out.rows and out.rows[0][1][0].strip().startswith("#"):
        number, cells = out.rows.pop(0)  # comment rows above the header, as in CSV
        if cells[0].strip().casefold() == "#property":
            out.property_row = (number, cells)
    return out


class _Merges:
    """Merged ranges applied row by row: the top-left value is filled down its column;
    cells to the right of it are marked (a value spread across columns is ambiguous)."""

    def __init__(self, merges: list[Merge], max_columns: int) -> None:
        spanning = (m for m in merges if m.max_row > m.min_row or m.max_col > m.min_col)
        self.pending = sorted(
            (m for m in spanning if m.min_col <= max_columns), key=lambda m: m.min_row
        )
        self.active: list[tuple[Merge, str]] = []
        self.max_columns = max_columns

    def fill(self, number: int, cells: list[str], out: SheetRows) -> None:
        while self.pending and self.pending[0].min_row <= number:
            merge = self.pending.pop(0)
            if merge.min_row == number:
                col = merge.min_col - 1
                self.active.append((merge, cells[col] if col < len(cells) else ""))
        self.active = [(m, v) for m, v in self.active if m.max_row >= number]
        for merge, value in self.active:
            last = min(merge.max_col, self.max_columns)
            if len(cells) < last:
                cells.extend([""] * (last - len(cells)))
            for col in range(merge.min_col, last + 1):
                at = (number, col - 1)
                if col == merge.min_col and number == merge.min_row:
                    continue
                if cells[col - 1].strip():
                    continue  # Excel keeps only the top-left value; a stray one stays
                if col == merge.min_col and value.strip():
                    cells[col - 1] = value
                    out.filled[at] = merge.ref
                elif value.strip():
                    out.problems[at] = xmsg.merged_across(merge.ref)
