"""`read_upload`: the bytes a KPI owner sent (CSV or .xlsx) turned into one canonical frame,
or rejected as a whole with a message saying what was expected and what was found."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from intake import messages as msg
from intake.messages import FileRejected, RowError
from intake.periods import PeriodError, parse_period
from intake.values import ValueParseError, parse_value
from intake.wifi_list import aggregate, is_wifi_header

SourceKind = Literal["template", "wifi_list"]
Rows = Iterable[tuple[int, list[str]]]

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
XLSX_MAX_ROWS = 1_000_000
XLSX_MAX_COLUMNS = 50
_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060"))
# C0/C1 control characters other than tab, CR and LF do not occur in text an office saves.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


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


def read_upload(data: bytes, file_name: str, *, period: str | None = None) -> ParsedUpload:
    """Return the upload as a ParsedUpload, or raise FileRejected for the whole file."""
    # `period` is used only by sources that have no period column (the Wi-Fi list).
    if not data.strip(b" \t\r\n" + _UTF8_BOM):
        raise msg.empty_file()
    if data.startswith(_OLE_MAGIC):
        raise msg.legacy_xls()
    if data.startswith(_ZIP_MAGIC) or PurePath(file_name).suffix.casefold() in _XLSX_SUFFIXES:
        return _interpret(_xlsx_rows(data), "xlsx", period)
    text, encoding = _decode(data)
    return _interpret(_csv_rows(text), encoding, period)


def _decode(data: bytes) -> tuple[str, str]:
    """Return the text and the encoding name: UTF-8 (BOM stripped) first, then CP932."""
    if data.startswith(_UTF16_BOMS):
        raise msg.undecodable()
    # A BOM settles it: such a file is UTF-8 or it is broken, never CP932.
    codecs = ("utf-8-sig",) if data.startswith(_UTF8_BOM) else ("utf-8", "cp932")
    for codec in codecs:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise msg.binary_content()
        return text, codec
    raise msg.undecodable()


def _is_blank(cells: Sequence[str]) -> bool:
    """Return True if every cell is empty or blank."""
    return all(not c.strip() for c in cells)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (Excel row number, cells) from the header on, after leading `#` and blank lines."""
    row, pos = 0, 0
    # Comment lines are skipped as raw lines, not CSV records, so a stray quote in a
    # comment cannot swallow the header.
    while pos < len(text):
        newline = _NEWLINE.search(text, pos)
        line_end, nxt = (newline.start(), newline.end()) if newline else (len(text), len(text))
        line = text[pos:line_end].strip()
        is_comment = line.lstrip('"').startswith("#")
        is_blank = not line.strip(", \t")
        if not (is_comment or is_blank):
            break
        row, pos = row + 1, nxt
    reader = csv.reader(io.StringIO(text[pos:], newline=""), strict=True)
    try:
        # One CSV record is one Excel row, even when a quoted cell spans several lines.
        for cells in reader:
            row += 1
            yield row, cells
    except csv.Error as exc:
        raise msg.bad_csv(row + 1, str(exc)) from None


def _cell_text(value: object) -> str:
    """Return an Excel cell value as the text a CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 12345.0 from a numeric cell is the integer 12345
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back as the same float
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """Return (sheet row number, cells) of the first sheet, from the header on."""
    # openpyxl fails on malformed input with many exception types (zip, XML, KeyError...);
    # whatever it raises, the sender only needs to know the workbook cannot be opened.
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise msg.bad_xlsx(type(exc).__name__) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        if not book.worksheets:
            raise msg.bad_xlsx("no worksheet")
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # stored dimensions can be wrong; read what is there
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if len(cells) > XLSX_MAX_COLUMNS and not _is_blank(cells[XLSX_MAX_COLUMNS:]):
                raise msg.too_large("列数", "columns", XLSX_MAX_COLUMNS)
            if _is_blank(cells):
                continue  # formatting-only rows below the data are not content
            if number > XLSX_MAX_ROWS:
                raise msg.too_large("行数", "rows", XLSX_MAX_ROWS)
            rows.append((number, cells[:XLSX_MAX_COLUMNS]))
    except FileRejected:
        raise
    except Exception as exc:
        raise msg.bad_xlsx(type(exc).__name__) from None
    finally:
        book.close()
    while rows and rows[0][1][0].strip().startswith("#"):
        rows.pop(0)  # comment rows above the header, as in CSV
    return rows


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


def _template_record(
    number: int, cells: list[str], cols: dict[str, int], errors: list[RowError]
) -> dict[str, Any]:
    """Return the canonical record of one data row, appending a RowError per failed cell."""

    def raw(name: str) -> str:
        """Return the cell of column `name` as sent, '' when absent."""
        i = cols.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    indicator = unicodedata.normalize("NFKC", raw("indicator_id")).strip()
    if not indicator:
        errors.append(
            RowError(
                number,
                "indicator_id",
                raw("indicator_id"),
                "指標IDが空です。",
                "The indicator_id is empty.",
                "indicator_id_present",
            )
        )
    period_text, value_text = raw("period"), raw("value")
    start, granularity, value = None, None, None
    try:
        parsed = parse_period(period_text)
        start, granularity = parsed.start, parsed.granularity
    except PeriodError as exc:
        errors.append(
            RowError(
                number, "period", period_text, exc.reason_ja, exc.reason_en, "period_parseable"
            )
        )
    try:
        value = parse_value(value_text)
    except ValueParseError as exc:
        errors.append(
            RowError(number, "value", value_text, exc.reason_ja, exc.reason_en, "value_numeric")
        )
    note = raw("note").strip()
    return {
        "row_number": number,
        "indicator_id": indicator,
        "period_text": period_text,
        "period": start,
        "granularity": granularity,
        "value_text": value_text,
        "value": value,
        "org_unit": unicodedata.normalize("NFKC", raw("org_unit")).strip(),
        "note": note or None,
    }


def _check_unheaded(number: int, cells: list[str], keys: list[str]) -> None:
    """Raise if a data cell sits in a column that has no header (a shifted or wider table)."""
    for i, cell in enumerate(cells):
        if cell.strip() and (i >= len(keys) or not keys[i]):
            raise msg.unheaded_cell(number, get_column_letter(i + 1), cell)


def _interpret(rows: Rows, encoding: str, period: str | None) -> ParsedUpload:
    """Return the ParsedUpload of rows whose first non-blank row must be the header."""
    iterator = iter(rows)
    header: tuple[int, list[str]] | None = None
    for number, cells in iterator:
        if not _is_blank(cells):
            header = (number, cells)
            break
    if header is None:
        raise msg.empty_file()
    number, cells = header
    keys = [header_key(c) for c in cells]
    data = ((n, c) for n, c in iterator if not _is_blank(c))
    errors: list[RowError] = []
    if is_wifi_header(keys):
        records, errors = aggregate(keys, data, period)
        kind: SourceKind = "wifi_list"
    else:
        cols = _template_columns(number, cells)
        records = []
        for n, c in data:
            _check_unheaded(n, c, keys)
            records.append(_template_record(n, c, cols, errors))
        kind = "template"
    if not records:
        raise msg.no_data_rows()
    return ParsedUpload(_frame(records), encoding, kind, errors)


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the canonical frame; typed columns stay object so failed cells hold None."""
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    for name in ("period", "granularity", "value", "note"):
        frame[name] = pd.Series([r[name] for r in records], dtype=object, index=frame.index)
    return frame
