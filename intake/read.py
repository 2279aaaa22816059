"""`read_upload`: the bytes a KPI owner sent (CSV or .xlsx) turned into one canonical frame,
or rejected as a whole with a message saying what was expected and what was found."""

from __future__ import annotations

import re
from pathlib import PurePath

from intake import messages as msg
from intake.canonical import ALIASES as ALIASES
from intake.canonical import FRAME_COLUMNS as FRAME_COLUMNS
from intake.canonical import REQUIRED as REQUIRED
from intake.canonical import ParsedUpload
from intake.canonical import SourceKind as SourceKind
from intake.canonical import header_key as header_key
from intake.columns import _values as _values
from intake.fast_csv import _simple_csv_upload
from intake.rows import XLSX_MAX_COLUMNS as XLSX_MAX_COLUMNS
from intake.rows import XLSX_MAX_ROWS as XLSX_MAX_ROWS
from intake.rows import Rows as Rows
from intake.rows import _csv_rows, _interpret, _xlsx_rows

_XLSX_SUFFIXES = {".xlsx", ".xlsm"}
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
