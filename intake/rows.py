"""The row-by-row readers: CSV records and .xlsx rows interpreted into a ParsedUpload."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from intake import messages as msg
from intake.canonical import FRAME_COLUMNS, ParsedUpload, _is_blank, _template_columns, header_key
from intake.columns import _cells, _template_frame
from intake.messages import FileRejected
from intake.wifi_list import aggregate, is_wifi_header

Rows = Iterable[tuple[int, list[str]]]

XLSX_MAX_ROWS = 1_000_000
XLSX_MAX_COLUMNS = 50


def _csv_rows(text: str, row: int, pos: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (Excel row number, cells) from `pos` (the header), after `row` skipped lines."""
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
    if is_wifi_header(keys):
        records, errors = aggregate(keys, data, period)
        if not records:
            raise msg.no_data_rows()
        return ParsedUpload(_frame(records), encoding, "wifi_list", errors)
    cols = _template_columns(number, cells)
    numbers: list[int] = []
    raw: dict[str, list[str]] = {name: [] for name in cols}
    for n, c in data:
        _check_unheaded(n, c, keys)
        numbers.append(n)
        for name, i in cols.items():
            raw[name].append(c[i] if i < len(c) else "")
    if not numbers:
        raise msg.no_data_rows()
    frame, errors = _template_frame(
        np.array(numbers, dtype=np.int64),
        {name: _cells(cells) for name, cells in raw.items()},
    )
    return ParsedUpload(frame, encoding, "template", errors)


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Return the canonical frame; typed columns stay object so failed cells hold None."""
    frame = pd.DataFrame.from_records(records, columns=list(FRAME_COLUMNS))
    frame["row_number"] = frame["row_number"].astype("int64")
    for name in ("period", "granularity", "value", "note"):
        frame[name] = pd.Series([r[name] for r in records], dtype=object, index=frame.index)
    return frame
