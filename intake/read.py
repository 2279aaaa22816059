"""`read_upload`: the bytes a KPI owner sent (CSV or .xlsx) turned into one canonical frame,
or rejected as a whole with a message saying what was expected and what was found, and how
many data rows the file had."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath

from intake import messages as msg
from intake.canonical import ALIASES as ALIASES
from intake.canonical import FRAME_COLUMNS as FRAME_COLUMNS
from intake.canonical import REQUIRED as REQUIRED
from intake.canonical import ParsedUpload
from intake.canonical import SourceKind as SourceKind
from intake.canonical import header_key as header_key
from intake.columns import read_values as read_values
from intake.counting import count_csv_rows
from intake.fast_csv import simple_csv_upload
from intake.interpret import Table, interpret
from intake.limits import DEFAULT_LIMITS, ReadLimits
from intake.list_rule import DEFAULT_LIST_RULES, ListRule, check_rules
from intake.messages import CellProblems, FileRejected
from intake.rows import XLSX_MAX_COLUMNS as XLSX_MAX_COLUMNS
from intake.rows import XLSX_MAX_ROWS as XLSX_MAX_ROWS
from intake.rows import csv_rows

_XLSX_SUFFIXES = {".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0/C1 control characters other than tab, CR and LF do not occur in text an office saves.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_C0 = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_C0 = bytes(b for b in range(256) if b not in _C0)  # deleted, only C0 bytes remain
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BLANK_BYTES = re.compile(rb"[ \t\r\n\xef\xbb\xbf]*")


def read_upload(
    data: bytes,
    file_name: str,
    *,
    period: str | None = None,
    rules: Iterable[ListRule] = DEFAULT_LIST_RULES,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ParsedUpload:
    """Return the upload as a ParsedUpload, or raise FileRejected for the whole file (with
    the number of data rows it had, `rows_in_file`, as far as they could be read).

    `period` is used only by sources that have no period column (the standard lists);
    `rules` say which standard list may feed which indicator (default: any publisher's
    public Wi-Fi list, counted for wifi_access_points); `limits` bound the work."""
    chosen = check_rules(rules)
    try:
        return _read(data, file_name, period, chosen, limits)
    except FileRejected as exc:
        if exc.rows_in_file is None and exc.countable:
            exc.rows_in_file, exc.rows_exact = _count(data, file_name, exc)
        raise


def _is_workbook(data: bytes, file_name: str) -> bool:
    return data.startswith(_ZIP_MAGIC) or PurePath(file_name).suffix.casefold() in _XLSX_SUFFIXES


def _read(
    data: bytes, file_name: str, period: str | None, rules: tuple[ListRule, ...], limits: ReadLimits
) -> ParsedUpload:
    if _BLANK_BYTES.fullmatch(data):  # nothing but blanks and BOM bytes
        raise msg.empty_file()
    if data.startswith(_OLE_MAGIC):
        raise msg.unreadable(msg.legacy_xls())
    if _is_workbook(data, file_name):
        if PurePath(file_name).suffix.casefold() in {".xlsm", ".xltm", ".xlam"}:
            from intake.xlsx_messages import macro_workbook

            raise macro_workbook()
        from intake.xlsx import read_sheet  # openpyxl, only for a workbook

        sheet = read_sheet(data, limits)
        table = Table(
            sheet.rows, "xlsx", sheet.problems, sheet.filled, sheet.property_row, sheet.notes,
            sheet.name,
        )  # fmt: skip
        try:
            return interpret(table, period, rules)[0]
        except FileRejected as exc:
            if exc.rows_in_file is None:
                # The sheet's rows are in memory: those below the header (or the first row).
                header = getattr(exc, "header_row", None) or (sheet.rows or [(0, [])])[0][0]
                exc.rows_in_file = sum(1 for n, _ in sheet.rows if n > header)
            raise
    text, encoding = _decode(data)
    row, pos, property_row = _preamble(text)
    if property_row is None:
        fast = simple_csv_upload(_utf8(data, text, pos, encoding), row, encoding, limits)
        if fast is not None:
            return fast
    first = text[pos : text.find("\n", pos) if "\n" in text[pos:] else len(text)]
    if first.count(",") >= limits.max_blank_columns:  # split nothing that wide
        raise msg.too_large("列数", "columns", limits.max_columns)
    problems = CellProblems()
    rows = csv_rows(text, row, pos, limits, problems)
    return interpret(Table(rows, encoding, problems, property_row=property_row), period, rules)[0]


def _count(data: bytes, file_name: str, exc: FileRejected) -> tuple[int | None, bool]:
    """Return (data rows, exact) of a rejected file, as far as they can be read: a workbook
    that was refused before its sheet was read counts none that can be told."""
    if _BLANK_BYTES.fullmatch(data):
        return 0, True
    if data.startswith(_OLE_MAGIC) or _is_workbook(data, file_name):
        return None, False
    return count_csv_rows(data, getattr(exc, "header_row", None))


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


def _preamble(text: str) -> tuple[int, int, tuple[int, list[str]] | None]:
    """Return (lines, offset) of the leading `#` and blank lines before the header, and the
    IMI `#property` line among them (its cells), which names the columns in English."""
    row, pos = 0, 0
    property_row: tuple[int, list[str]] | None = None
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
        if is_comment and _is_property_line(line):
            property_row = (row + 1, _split_line(line))
        row, pos = row + 1, nxt
    return row, pos, property_row


def _is_property_line(line: str) -> bool:
    return line.lstrip('"').casefold().startswith("#property")


def _split_line(line: str) -> list[str]:
    """Return the cells of one CSV line (a #property line holds no line breaks)."""
    import csv

    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return line.split(",")
