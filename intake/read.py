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

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl.utils import get_column_letter
from pyarrow import csv as arrow_csv

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
_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)  # deleted, only C0 bytes remain
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BLANK_BYTES = re.compile(rb"[ \t\r\n\xef\xbb\xbf]*")


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
    if _BLANK_BYTES.fullmatch(data):  # nothing but blanks and BOM bytes
        raise msg.empty_file()
    if data.startswith(_OLE_MAGIC):
        raise msg.legacy_xls()
    if data.startswith(_ZIP_MAGIC) or PurePath(file_name).suffix.casefold() in _XLSX_SUFFIXES:
        return _interpret(_xlsx_rows(data), "xlsx", period)
    text, encoding = _decode(data)
    row, pos = _preamble(text)
    fast = _simple_csv_upload(_utf8(data, text, pos, encoding), row, encoding)
    if fast is not None:
        return fast
    return _interpret(_csv_rows(text, row, pos), encoding, period)


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
        if _has_control(data) if codec.startswith("utf-8") else _CONTROL.search(text):
            raise msg.binary_content()
        return text, codec
    raise msg.undecodable()


def _utf8(data: bytes, text: str, pos: int, encoding: str) -> bytes:
    """Return text[pos:] as UTF-8: the bytes as sent when they are UTF-8 already."""
    if encoding == "utf-8-sig":
        data = data[len(_UTF8_BOM) :]
    elif encoding != "utf-8":
        return text[pos:].encode("utf-8")
    return data[len(text[:pos].encode("utf-8")) :] if pos else data


def _has_control(utf8: bytes) -> bool:
    """Return True if valid UTF-8 bytes hold a character `_CONTROL` matches: a C0 byte other
    than tab, CR and LF, DEL, or a C1 character (encoded as C2 80 to C2 9F)."""
    return bool(utf8.translate(None, _NOT_C0)) or _C1_UTF8.search(utf8) is not None


def _is_blank(cells: Sequence[str]) -> bool:
    """Return True if every cell is empty or blank."""
    return all(not c.strip() for c in cells)


def _preamble(text: str) -> tuple[int, int]:
    """Return (lines, offset) of the leading `#` and blank lines before the header."""
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
    return row, pos


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


# ── template rows, a column at a time ────────────────────────────────────────
# A million-row upload holds a few dozen distinct indicators, periods and org units, so
# each cell rule runs once per distinct text and is spread back to the rows by index.

_TEXT = pd.StringDtype(na_value=np.nan)  # the dtype pandas gives a column of str
_CELL = pa.large_string()  # how pandas holds that dtype's text: no copy to hand it over
# Plain ASCII figures (12345, 12,345, 12345.5), read by Arrow exactly as parse_value
# would read them; every other spelling goes through parse_value itself.
_PLAIN_NUMBER = r"^(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?$"
_PLAIN_NUMBER_MAX_BYTES = 64  # far from float overflow, which parse_value reports
_COLUMN_ORDER = {"indicator_id": 0, "period": 1, "value": 2}


def _cells(texts: list[str]) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(texts, type=_CELL)])


def _distinct(cells: pa.ChunkedArray) -> tuple[list[str], np.ndarray]:
    """Return the distinct texts of `cells` and, per cell, its index among them."""
    encoded = pc.dictionary_encode(cells).unify_dictionaries()
    if not encoded.num_chunks:
        return [], np.zeros(0, dtype=np.int64)
    index = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in encoded.chunks]
    return encoded.chunk(0).dictionary.to_pylist(), np.concatenate(index)


def _objects(values: list[Any]) -> np.ndarray:
    """Return `values` as a 1-d object array (never broadcast into a 2-d one)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _text_series(values: pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(values, dtype=_TEXT))


def _normalised(cells: pa.ChunkedArray) -> tuple[pa.ChunkedArray, list[str], list[str], np.ndarray]:
    """Return NFKC-normalised, stripped cells, with the distinct raw and clean texts."""
    raw, index = _distinct(cells)
    clean = [unicodedata.normalize("NFKC", text).strip() for text in raw]
    return pa.chunked_array([pa.array(clean, type=_CELL).take(index)]), raw, clean, index


def _template_frame(
    numbers: np.ndarray, raw: dict[str, pa.ChunkedArray]
) -> tuple[pd.DataFrame, list[RowError]]:
    """Return the canonical frame of the data rows (Excel `numbers`, cells per template
    column as sent) and a RowError per failed cell, in row then column order."""
    empty = _cells([""] * len(numbers))
    found: list[tuple[int, int, RowError]] = []

    def fail(positions: Any, column: str, texts: Any, reasons: Any, rule: str) -> None:
        for p, text, (reason_ja, reason_en) in zip(positions, texts, reasons, strict=True):
            error = RowError(int(numbers[p]), column, text, reason_ja, reason_en, rule)
            found.append((int(p), _COLUMN_ORDER[column], error))

    ids, ids_raw, ids_clean, ids_index = _normalised(raw.get("indicator_id", empty))
    blank = np.array([not text for text in ids_clean], dtype=bool)
    missing = np.flatnonzero(blank[ids_index]) if blank.any() else []
    reason = ("指標IDが空です。", "The indicator_id is empty.")
    texts = [ids_raw[ids_index[p]] for p in missing]
    fail(missing, "indicator_id", texts, [reason] * len(texts), "indicator_id_present")

    period_cells = raw.get("period", empty)
    period_texts, period_index = _distinct(period_cells)
    starts: list[Any] = []
    granularities: list[Any] = []
    period_errors: dict[int, tuple[str, str]] = {}
    for k, text in enumerate(period_texts):
        try:
            parsed = parse_period(text)
        except PeriodError as exc:
            starts.append(None)
            granularities.append(None)
            period_errors[k] = (exc.reason_ja, exc.reason_en)
        else:
            starts.append(parsed.start)
            granularities.append(parsed.granularity)
    if period_errors:
        bad = np.zeros(len(period_texts), dtype=bool)
        bad[list(period_errors)] = True
        rows = np.flatnonzero(bad[period_index])
        fail(
            rows,
            "period",
            [period_texts[period_index[p]] for p in rows],
            [period_errors[period_index[p]] for p in rows],
            "period_parseable",
        )

    value_cells = raw.get("value", empty)
    values, value_errors = _values(value_cells)
    if value_errors:
        rows = sorted(value_errors)
        fail(
            rows,
            "value",
            [value_errors[p][0] for p in rows],
            [value_errors[p][1:] for p in rows],
            "value_numeric",
        )
    value_objects = values.astype(object)
    if value_errors:
        value_objects[list(value_errors)] = None

    org_units = _normalised(raw.get("org_unit", empty))[0]
    note_texts, note_index = _distinct(raw.get("note", empty))
    notes = _objects([text.strip() or None for text in note_texts])[note_index]

    frame = pd.DataFrame(
        {
            "row_number": pd.Series(numbers, dtype="int64"),
            "indicator_id": _text_series(ids),
            "period_text": _text_series(period_cells),
            "period": pd.Series(_objects(starts)[period_index], dtype=object),
            "granularity": pd.Series(_objects(granularities)[period_index], dtype=object),
            "value_text": _text_series(value_cells),
            "value": pd.Series(value_objects, dtype=object),
            "org_unit": _text_series(org_units),
            "note": pd.Series(notes, dtype=object),
        },
        columns=list(FRAME_COLUMNS),
    )
    found.sort(key=lambda item: (item[0], item[1]))
    return frame, [error for _, _, error in found]


def _values(cells: pa.ChunkedArray) -> tuple[np.ndarray, dict[int, tuple[str, str, str]]]:
    """Return the numbers in `cells` (NaN where unreadable) and, per unreadable cell's
    position, (text, reason_ja, reason_en)."""
    values = np.full(len(cells), np.nan)
    plain = pc.and_(
        pc.match_substring_regex(cells, _PLAIN_NUMBER),
        pc.less_equal(pc.binary_length(cells), _PLAIN_NUMBER_MAX_BYTES),
    )
    plain = plain.to_numpy(zero_copy_only=False)
    fast = np.flatnonzero(plain)
    if fast.size:
        chosen = cells if fast.size == len(cells) else cells.take(fast)
        digits = pc.replace_substring(chosen, ",", "")
        values[fast] = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    errors: dict[int, tuple[str, str, str]] = {}
    slow = np.flatnonzero(~plain)
    if slow.size:
        texts, index = _distinct(cells.take(slow))
        read: list[float | tuple[str, str, str]] = []
        for text in texts:
            try:
                read.append(parse_value(text))
            except ValueParseError as exc:
                read.append((text, exc.reason_ja, exc.reason_en))
        for position, k in zip(slow.tolist(), index.tolist(), strict=True):
            result = read[k]
            if isinstance(result, tuple):
                errors[position] = result
            else:
                values[position] = result
    return values, errors


# ── CSV files that Arrow reads exactly as the csv module would ───────────────

_FIELD_ENDS = np.frombuffer(b",\n\r", dtype=np.uint8)
_ARROW_BLOCK = 8 << 20  # a few blocks read in parallel, few chunks to join after


def _quotes_agree(buf: bytes) -> bool:
    """Return True if every double quote in `buf` opens a cell, closes one, or is doubled
    inside one: the shapes Arrow's reader and Python's strict csv reader read alike."""
    octets = np.frombuffer(buf, dtype=np.uint8)
    quotes = np.flatnonzero(octets == ord('"'))
    if not quotes.size:
        return True
    if quotes.size % 2:
        return False  # a quoted cell left open
    opening, closing = quotes[0::2], quotes[1::2]
    doubled = closing[:-1] + 1 == opening[1:]  # "" inside a quoted cell
    before = octets[np.maximum(opening - 1, 0)]
    opens = (opening == 0) | np.isin(before, _FIELD_ENDS)
    opens[1:] |= doubled
    after = octets[np.minimum(closing + 1, octets.size - 1)]
    closes = (closing + 1 == octets.size) | np.isin(after, _FIELD_ENDS)
    closes[:-1] |= doubled
    return bool(opens.all() and closes.all())


def _simple_csv_columns(buf: bytes) -> list[pa.ChunkedArray] | None:
    """Return the columns of the CSV in `buf` read by Arrow, or None when Python's csv
    module might read it otherwise (odd quoting, rows of differing widths, huge cells)."""
    if not buf or not _quotes_agree(buf):
        return None
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(buf),
            read_options=arrow_csv.ReadOptions(
                autogenerate_column_names=True, block_size=_ARROW_BLOCK
            ),
            parse_options=arrow_csv.ParseOptions(
                delimiter=",",
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=b'"' in buf,
                ignore_empty_lines=False,
            ),
            convert_options=arrow_csv.ConvertOptions(
                column_types={f"f{i}": _CELL for i in range(1024)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. a row wider or narrower than the first: the csv module decides
    columns = table.columns
    if not table.num_rows or any(c.type != _CELL for c in columns):
        return None
    limit = csv.field_size_limit()
    if any((pc.max(pc.binary_length(c)).as_py() or 0) > limit for c in columns):
        return None  # the csv module refuses such a cell; let it say so
    return columns


def _blank(cells: pa.ChunkedArray) -> np.ndarray:
    """Return, per cell, whether it is empty or blank."""
    texts, index = _distinct(cells)
    return np.array([not text.strip() for text in texts], dtype=bool)[index]


def _simple_csv_upload(buf: bytes, skipped: int, encoding: str) -> ParsedUpload | None:
    """Return the upload read column-wise through Arrow, or None to read it row by row:
    when Arrow might not read it as the csv module would, or when it is not the template."""
    columns = _simple_csv_columns(buf)
    if columns is None:
        return None
    header = [c[0].as_py() for c in columns]
    if _is_blank(header):
        return None  # a blank first record before the header: rare, read it row by row
    keys = [header_key(c) for c in header]
    if is_wifi_header(keys):
        return None
    number = skipped + 1
    cols = _template_columns(number, header)
    # Records after the header, less the blank ones (every cell blank).
    rows = np.arange(1, len(columns[0]), dtype=np.int64)
    blank = _blank(columns[0].slice(1))
    for column in columns[1:]:
        candidates = np.flatnonzero(blank)
        if not candidates.size:
            break
        blank[candidates] = _blank(column.take(rows[candidates]))
    every_row = not blank.any()
    rows = rows[~blank]
    # A filled cell under a blank header cell rejects the file at its first such row.
    first: tuple[int, int] | None = None
    for i, key in enumerate(keys):
        if key:
            continue
        filled = np.flatnonzero(~_blank(columns[i].take(rows)))
        if filled.size and (first is None or filled[0] < first[0]):
            first = (int(filled[0]), i)
    if first is not None:
        p, i = first
        cell = columns[i][int(rows[p])].as_py()
        raise msg.unheaded_cell(int(skipped + 1 + rows[p]), get_column_letter(i + 1), cell)
    if not rows.size:
        raise msg.no_data_rows()
    frame, errors = _template_frame(
        skipped + 1 + rows,
        {
            name: columns[i].slice(1) if every_row else columns[i].take(rows)
            for name, i in cols.items()
        },
    )
    return ParsedUpload(frame, encoding, "template", errors)
